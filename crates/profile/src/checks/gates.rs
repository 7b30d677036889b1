//! Fields that only work with an alpha feature gate of Kubernetes 1.33. They
//! are valid profiles, so these are warnings: the user learns before the
//! API server rejects the HPA on a cluster without the gate.

use super::Ctx;
use super::ids::*;
use scaleplan_diag::{Diagnostic, Severity};

pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Diagnostic>) {
    let spec = &ctx.profile.spec;
    if let Some(q) = &spec.queue
        && q.scale_to_zero
        && ctx.resolved.min_replicas == 0
    {
        let mut d = ctx.value_error(
            SCALE_TO_ZERO_GATE,
            "/spec/queue/scaleToZero",
            "minReplicas 0 needs the alpha `HPAScaleToZero` feature gate: expected a cluster with it enabled",
        )
        .help("enable `--feature-gates=HPAScaleToZero=true` on kube-apiserver and kube-controller-manager, or use `replicas.min: 1`");
        d.severity = Severity::Warning;
        out.push(d);
    }
    if let Some(b) = &spec.behavior {
        for (dir, rules) in [("scaleUp", &b.scale_up), ("scaleDown", &b.scale_down)] {
            if rules.as_ref().is_some_and(|r| r.tolerance.is_some()) {
                let mut d = ctx.value_error(
                    TOLERANCE_GATE,
                    &format!("/spec/behavior/{dir}/tolerance"),
                    "`tolerance` needs the `HPAConfigurableTolerance` feature gate (alpha in Kubernetes 1.33): expected a cluster with it enabled",
                )
                .help("without the gate the API server rejects the HPA; enable the gate or remove `tolerance` (the controller's default is 0.1)");
                d.severity = Severity::Warning;
                out.push(d);
            }
        }
    }
}
