//! ## What it does
//! Checks for an HPA whose `behavior.scaleDown.stabilizationWindowSeconds`
//! is 0, and for a KEDA ScaledObject that gives its HPA such a behavior
//! (`advanced.horizontalPodAutoscalerConfig.behavior`).
//!
//! ## Why is this bad?
//! The scale-down window is what keeps an HPA from removing pods on the first
//! quiet sample. Without it the HPA follows every dip of a noisy metric: a
//! queue drained between two bursts, a CPU lull during a GC pause. Pods are
//! removed and re-created every few syncs (flapping), each time paying
//! startup, cache warm-up and readiness delay. The controller's default is
//! 300 s; setting 0 turns that protection off.
//!
//! ## Example
//! ```yaml
//! behavior:
//!   scaleDown:
//!     stabilizationWindowSeconds: 0
//! ```
//!
//! Use instead:
//! ```yaml
//! behavior:
//!   scaleDown:
//!     stabilizationWindowSeconds: 300
//! ```
//!
//! ## References
//! - hpa-algorithm.md §10.2 (stabilization), §11 (defaults)
//! - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#stabilization-window>

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "HPA006",
    name: "scale-down-without-stabilization",
    severity: Severity::Warning,
    enabled: true,
    summary: "An HPA scales down without a stabilization window",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    let base = match ctx.kind() {
        ObjectKind::HorizontalPodAutoscaler => "/spec/behavior",
        ObjectKind::ScaledObject => "/spec/advanced/horizontalPodAutoscalerConfig/behavior",
        _ => return,
    };
    let pointer = format!("{base}/scaleDown/stabilizationWindowSeconds");
    if ctx.get(&pointer).and_then(Value::as_i64) != Some(0) {
        return;
    }
    if ctx
        .get(&format!("{base}/scaleDown/selectPolicy"))
        .and_then(Value::as_str)
        == Some("Disabled")
    {
        return;
    }
    out.push(
        ctx.value_finding(&pointer, "scale-down has no stabilization window: the HPA removes pods on the first low sample and flaps")
            .help("use a window of a few minutes (the controller default is 300 s) so scale-down follows the highest recent recommendation"),
    );
}
