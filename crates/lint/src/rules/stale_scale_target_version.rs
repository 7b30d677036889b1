//! ## What it does
//! Checks for an HPA whose `scaleTargetRef.apiVersion` names a workload
//! version that is no longer served (`apps/v1beta1`, `apps/v1beta2`).
//!
//! ## Why is this bad?
//! The HPA controller resolves the target by group and kind only, so the HPA
//! still works. But the reference is a fossil of a manifest written before
//! Kubernetes 1.16; the workload it names cannot be applied at that version,
//! and tools that resolve references exactly (Argo CD health checks,
//! kube-score's `horizontalpodautoscaler-has-target`) do not find the target.
//!
//! ## Example
//! ```yaml
//! scaleTargetRef:
//!   apiVersion: apps/v1beta1
//!   kind: Deployment
//!   name: nginx
//! ```
//!
//! Use instead:
//! ```yaml
//! scaleTargetRef:
//!   apiVersion: apps/v1
//!   kind: Deployment
//!   name: nginx
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-16>

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "HPA010",
    name: "stale-scale-target-version",
    severity: Severity::Warning,
    enabled: true,
    summary: "An HPA's scaleTargetRef uses a workload apiVersion removed in Kubernetes 1.16",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::HorizontalPodAutoscaler {
        return;
    }
    let pointer = "/spec/scaleTargetRef/apiVersion";
    let Some(av @ ("apps/v1beta1" | "apps/v1beta2")) = ctx.get(pointer).and_then(Value::as_str)
    else {
        return;
    };
    let kind = ctx
        .get("/spec/scaleTargetRef/kind")
        .and_then(Value::as_str)
        .unwrap_or("workload");
    out.push(
        ctx.value_finding(pointer, format!("{av} was removed in Kubernetes 1.16; the HPA still finds the {kind} by group and kind, but the reference is stale"))
            .help("write apiVersion: apps/v1"),
    );
}
