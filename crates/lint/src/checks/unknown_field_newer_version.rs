//! ## What it does
//! With `--kubernetes-version` newer than 1.33, reports the fields of
//! built-in kinds that the Kubernetes 1.33 schema (the one scaleplan
//! carries) does not have, as warnings. Each is a typo or a field added
//! after 1.33, and only the newer schema can tell which; at 1.33 and older
//! the same fields are K8S001 errors.
//!
//! ## Why is this bad?
//! A typo such as `minReplica: 3` is dropped without a word by lenient
//! clients and leaves the default in place. But failing a build on a field
//! the target cluster does know would be a false alarm, so with a newer
//! target the finding is a warning that names both versions.
//!
//! ## Example
//! ```yaml
//! # scaleplan lint --kubernetes-version 1.35
//! apiVersion: autoscaling/v2
//! kind: HorizontalPodAutoscaler
//! spec:
//!   minReplica: 3
//! ```
//!
//! Use instead:
//! ```yaml
//! apiVersion: autoscaling/v2
//! kind: HorizontalPodAutoscaler
//! spec:
//!   minReplicas: 3
//! ```
//!
//! ## References
//! - [Field validation](https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation)
//! - `kubectl explain horizontalpodautoscaler.spec` on a cluster of the target version

use super::schema_violation::report_unknown;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use crate::schema;
use crate::version::KubeVersion;
use jsonschema::error::ValidationErrorKind;
use scaleplan_diag::Severity;

pub const ID: &str = "K8S002";

pub(crate) const RULE: Rule = Rule {
    id: ID,
    name: "unknown-field-newer-version",
    severity: Severity::Warning,
    enabled: true,
    summary: "A field the bundled 1.33 schema lacks, with a newer target version: a typo or a newer field",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kubernetes_version <= KubeVersion::SCHEMAS {
        return; // K8S001 reports them as errors
    }
    let (Some(api_version), Some(kind)) = (&ctx.object.api_version, &ctx.object.kind_name) else {
        return;
    };
    let Some(strict) = schema::for_kind(api_version, kind) else {
        return;
    };
    // The document is validated a second time (only past 1.33): a rule's
    // findings all carry its own ID, so K8S001's pass cannot emit these.
    if strict.validator.is_valid(ctx.json()) {
        return;
    }
    for e in strict.validator.iter_errors(ctx.json()) {
        if let ValidationErrorKind::AdditionalProperties { unexpected } = e.kind() {
            let at = e.instance_path().as_str().to_owned();
            report_unknown(ctx, strict, kind, &at, unexpected, out);
        }
    }
}
