//! ## What it does
//! Validates built-in kinds (HorizontalPodAutoscaler `autoscaling/v1` and
//! `v2`, Deployment, StatefulSet, ReplicaSet, PodDisruptionBudget `policy/v1`,
//! CronJob `batch/v1`, Service, ConfigMap) strictly against the Kubernetes API
//! schema: unknown fields, wrong types and missing required fields, each at
//! its own line and column. An unknown field that is a near miss of a real
//! one gets a "did you mean" hint.
//!
//! ## Why is this bad?
//! An unknown field is dropped without a word by lenient clients (and by
//! every tool that decodes into typed structs), so a typo such as
//! `minReplica: 3` silently leaves the default of 1 in place. Wrong types
//! are rejected by the API server at apply time, long after review.
//!
//! The schemas are those of Kubernetes 1.33, the version the build carries
//! (k8s-openapi `v1_33`), whatever `--kubernetes-version` says. With a newer
//! target version, unknown fields are K8S002 warnings instead (they may have
//! been added since); wrong types and missing fields stay here. API versions
//! that 1.33 no longer serves (`autoscaling/v2beta2`, `policy/v1beta1`,
//! `batch/v1beta1`) are not schema-checked; the deprecated-API rule reports them.
//!
//! ## Example
//! ```yaml
//! apiVersion: autoscaling/v2
//! kind: HorizontalPodAutoscaler
//! spec:
//!   minReplica: 3
//!   maxReplicas: "10"
//! ```
//!
//! Use instead:
//! ```yaml
//! apiVersion: autoscaling/v2
//! kind: HorizontalPodAutoscaler
//! metadata: {name: worker}
//! spec:
//!   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
//!   minReplicas: 3
//!   maxReplicas: 10
//! ```
//!
//! ## References
//! - [Kubernetes API reference](https://kubernetes.io/docs/reference/kubernetes-api/)
//! - [Field validation](https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation)
//! - `kubectl explain horizontalpodautoscaler.spec`

use crate::rule::{Check, DocumentContext, Findings, Rule};
use crate::schema;
use crate::version::KubeVersion;
use jsonschema::error::ValidationErrorKind;
use scaleplan_diag::Severity;
use scaleplan_diag::yaml::field_path;

pub const ID: &str = "K8S001";

pub(crate) const RULE: Rule = Rule {
    id: ID,
    name: "schema-violation",
    severity: Severity::Error,
    enabled: true,
    summary: "A built-in object has unknown fields, wrong types or missing required fields",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    let (Some(api_version), Some(kind)) = (&ctx.object.api_version, &ctx.object.kind_name) else {
        return;
    };
    let Some(strict) = schema::for_kind(api_version, kind) else {
        return;
    };
    // Most documents are valid, and `is_valid` builds no error values or
    // paths on its way: the errors are collected only when there are some.
    if strict.validator.is_valid(ctx.json()) {
        return;
    }
    let explain = format!("kubectl explain {}", kind.to_ascii_lowercase());
    for e in strict.validator.iter_errors(ctx.json()) {
        let at = e.instance_path().as_str().to_owned();
        match e.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                // Past the bundled schemas' version, K8S002 reports these
                // (as warnings: the field may be one added since).
                if ctx.kubernetes_version <= KubeVersion::SCHEMAS {
                    report_unknown(ctx, strict, kind, &at, unexpected, out);
                }
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let where_ = if at.is_empty() {
                    "the object".to_owned()
                } else {
                    format!("`{}`", field_path(&at))
                };
                out.push(
                    ctx.finding(&at, format!("missing required field `{name}` in {where_}"))
                        .help(format!("add `{name}`; see `{explain}{}`", dotted(&at))),
                );
            }
            // Kubernetes treats an explicit null as "unset"
            // (`creationTimestamp: null` in generated manifests).
            ValidationErrorKind::Type { .. } if e.instance().is_null() => {}
            _ => {
                out.push(
                    ctx.value_finding(&at, format!("`{}`: {e}", field_path(&at)))
                        .help(format!(
                            "see `{explain}{}` for the expected type",
                            dotted(&at)
                        )),
                );
            }
        }
    }
}

/// One finding per unknown field of the object at `at`, with the nearest
/// allowed name as a hint. Shared with K8S002, which words it for a target
/// version newer than the bundled schemas.
pub(crate) fn report_unknown(
    ctx: &DocumentContext<'_>,
    strict: &schema::StrictSchema,
    kind: &str,
    at: &str,
    unexpected: &[String],
    out: &mut Findings,
) {
    let explain = format!("kubectl explain {}", kind.to_ascii_lowercase());
    let allowed = schema::allowed_fields(&strict.schema, at);
    let newer = ctx.kubernetes_version > KubeVersion::SCHEMAS;
    for name in unexpected {
        let pointer = format!("{at}/{}", name.replace('~', "~0").replace('/', "~1"));
        let hint = match schema::closest(name, &allowed) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!(
                "see `{explain}{}` for the fields of this object",
                dotted(at)
            ),
        };
        let finding = if newer {
            let target = ctx.kubernetes_version;
            ctx.finding(
                &pointer,
                format!(
                    "field `{}` is not in the {kind} schema of Kubernetes {} (the one scaleplan carries); the target is {target}",
                    field_path(&pointer),
                    KubeVersion::SCHEMAS
                ),
            )
            .help(format!(
                "{hint} If the field was added after {}, this is not a mistake: `{explain}{}` on a {target} cluster tells; suppress K8S002 on this object with `scaleplan.dev/ignore`",
                KubeVersion::SCHEMAS,
                dotted(at)
            ))
        } else {
            ctx.finding(
                &pointer,
                format!("unknown field `{}` in {kind}", field_path(&pointer)),
            )
            .help(format!(
                "{hint} The API server rejects unknown fields under strict validation and drops them otherwise"
            ))
        };
        out.push(finding);
    }
}

/// `/spec/metrics/0` -> `.spec.metrics` (the form `kubectl explain` takes).
fn dotted(pointer: &str) -> String {
    pointer
        .split('/')
        .skip(1)
        .filter(|s| s.parse::<usize>().is_err())
        .map(|s| format!(".{s}"))
        .collect()
}
