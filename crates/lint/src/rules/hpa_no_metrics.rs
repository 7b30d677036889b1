//! ## What it does
//! Checks for an HPA that states no metric: autoscaling/v2 (or v2beta*)
//! without `metrics` (or with an empty list), autoscaling/v1 without
//! `targetCPUUtilizationPercentage`.
//!
//! ## Why is this bad?
//! The API server fills in the default: average CPU utilization of 80% of
//! the requests. Nobody chose that number, it is invisible in the manifest,
//! and it needs CPU requests on every container. A workload whose load is a
//! queue or a request rate scales on the wrong signal.
//!
//! ## Example
//! ```yaml
//! spec:
//!   minReplicas: 2
//!   maxReplicas: 10
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   minReplicas: 2
//!   maxReplicas: 10
//!   metrics:
//!   - type: Resource
//!     resource:
//!       name: cpu
//!       target: {type: Utilization, averageUtilization: 70}
//! ```
//!
//! ## References
//! - `SetDefaults_HorizontalPodAutoscaler` (pkg/apis/autoscaling/v2/defaults.go)

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "HPA005",
    name: "hpa-no-metrics",
    severity: Severity::Warning,
    enabled: true,
    summary: "An HPA states no metric and silently scales on 80% CPU",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::HorizontalPodAutoscaler || ctx.get("/spec").is_none() {
        return;
    }
    let (pointer, field) = if ctx.object.version() == "v1" {
        (
            "/spec/targetCPUUtilizationPercentage",
            "targetCPUUtilizationPercentage",
        )
    } else {
        ("/spec/metrics", "metrics")
    };
    let stated = match ctx.get(pointer) {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    };
    if stated {
        return;
    }
    let at = if ctx.get(pointer).is_some() {
        pointer
    } else {
        "/spec"
    };
    out.push(
        ctx.finding(
            at,
            format!("no {field}: the API server defaults this HPA to 80% average CPU utilization"),
        )
        .field(scaleplan_diag::yaml::field_path(pointer))
        .help("state the metric and target you mean (and set CPU requests if it is CPU)"),
    );
}
