//! ## What it does
//! Checks for an HPA whose `minReplicas` (1 when unset) equals its
//! `maxReplicas`.
//!
//! ## Why is this bad?
//! The HPA can never change the replica count: it reads metrics, reports
//! `ScalingLimited`, and does nothing else. Usually a bound was pinned for
//! an incident or a load test and never restored, or one environment's
//! overlay shadows the other bound. If a fixed size is intended, the HPA is
//! dead weight that misleads whoever reads the manifests.
//!
//! ## Example
//! ```yaml
//! spec:
//!   minReplicas: 4
//!   maxReplicas: 4
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   minReplicas: 4
//!   maxReplicas: 12
//! ```
//! (or delete the HPA and set `spec.replicas: 4` on the workload)
//!
//! ## References
//! - Polaris `hpaMaxAvailability` (maxReplicas must exceed minReplicas)

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "HPA002",
    name: "hpa-min-equals-max",
    severity: Severity::Warning,
    enabled: true,
    summary: "An HPA's minReplicas equals its maxReplicas, so it never scales",
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
    if min.unwrap_or(1) != max {
        return;
    }
    let shown = match min {
        Some(m) => format!("minReplicas {m}"),
        None => "the default minReplicas 1".to_owned(),
    };
    out.push(
        ctx.value_finding(
            "/spec/maxReplicas",
            format!(
                "maxReplicas {max} equals {shown}: this HPA can never change the replica count"
            ),
        )
        .help("widen the range, or remove the HPA and set spec.replicas on the workload"),
    );
}
