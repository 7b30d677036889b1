//! ## What it does
//! Checks that an HPA's `minReplicas` (1 when unset) is not above its
//! `maxReplicas`, in every HPA version.
//!
//! ## Why is this bad?
//! The API server rejects the object (`maxReplicas: must be greater than or
//! equal to minReplicas`), so `kubectl apply` fails, often only in the
//! pipeline of the one environment whose overlay changed a bound. No schema
//! validator catches it: the OpenAPI schema has no such constraint.
//!
//! ## Example
//! ```yaml
//! spec:
//!   minReplicas: 12
//!   maxReplicas: 10
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   minReplicas: 2
//!   maxReplicas: 10
//! ```
//!
//! ## References
//! - `ValidateHorizontalPodAutoscalerSpec` (pkg/apis/autoscaling/validation/validation.go)
//! - Polaris `hpaMaxAvailability`

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "HPA001",
    name: "hpa-min-above-max",
    severity: Severity::Error,
    enabled: true,
    summary: "An HPA's minReplicas is above its maxReplicas",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::HorizontalPodAutoscaler {
        return;
    }
    let Some(max) = ctx.get("/spec/maxReplicas").and_then(Value::as_i64) else {
        return;
    };
    let min = ctx.get("/spec/minReplicas").and_then(Value::as_i64);
    if min.unwrap_or(1) <= max {
        return;
    }
    let finding = match min {
        Some(min) => ctx.value_finding(
            "/spec/minReplicas",
            format!("minReplicas {min} is above maxReplicas {max}: the API server rejects this HPA"),
        ),
        None => ctx.value_finding(
            "/spec/maxReplicas",
            format!("maxReplicas {max} is below the default minReplicas of 1: the API server rejects this HPA"),
        ),
    };
    out.push(finding.help("make minReplicas <= maxReplicas (minReplicas defaults to 1)"));
}
