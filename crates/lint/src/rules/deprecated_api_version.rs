//! ## What it does
//! Checks each object's `apiVersion` for an API that is deprecated at the
//! target Kubernetes version (`--kubernetes-version`) but still served, so
//! that the migration happens before the upgrade that removes it (API001
//! reports APIs already removed). With the default target 1.33 every API of
//! the table is already removed; this rule speaks for older targets, e.g.
//! `autoscaling/v2beta2` at 1.23-1.25.
//!
//! ## Why is this bad?
//! A deprecated API disappears in a known later release; manifests that
//! still use it break on that upgrade, usually in the middle of it.
//!
//! ## Example
//! ```yaml
//! apiVersion: autoscaling/v2beta2    # with --kubernetes-version 1.24
//! kind: HorizontalPodAutoscaler
//! ```
//!
//! Use instead:
//! ```yaml
//! apiVersion: autoscaling/v2
//! kind: HorizontalPodAutoscaler
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/reference/using-api/deprecation-guide/>
//! - FairwindsOps/pluto `versions.yaml`

use super::retired_apis::retired;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use crate::version::KubeVersion;
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "API002",
    name: "deprecated-api-version",
    severity: Severity::Warning,
    enabled: true,
    summary: "An apiVersion that is deprecated, but still served, at the target Kubernetes version",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    let (Some(av), Some(kind)) = (
        ctx.object.api_version.as_deref(),
        ctx.object.kind_name.as_deref(),
    ) else {
        return;
    };
    let Some(r) = retired(av, kind) else { return };
    let Some(removed) = r.removed else { return };
    let target = ctx.kubernetes_version;
    if target < KubeVersion::new(1, r.deprecated) || target >= KubeVersion::new(1, removed) {
        return;
    }
    out.push(
        ctx.value_finding(
            "/apiVersion",
            format!("{av} {kind} is deprecated since Kubernetes 1.{} and removed in 1.{removed} (target {target})", r.deprecated),
        )
        .help(format!("move to apiVersion: {} before upgrading to 1.{removed} ({})", r.replacement, r.note)),
    );
}
