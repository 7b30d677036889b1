//! `behavior` ranges enforced by the API server's HPA validation
//! (hpa-algorithm.md §12). Preset values are valid by construction, so only
//! what the profile writes is checked, at the place it is written.

use super::Ctx;
use super::ids::*;
use super::targets::quantity;
use crate::model::ScalingRules;
use scaleplan_diag::Diagnostic;

pub const MAX_STABILIZATION_WINDOW: i64 = 3600;
pub const MAX_PERIOD_SECONDS: i64 = 1800;

pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Diagnostic>) {
    let Some(b) = &ctx.profile.spec.behavior else {
        return;
    };
    for (dir, rules) in [("scaleUp", &b.scale_up), ("scaleDown", &b.scale_down)] {
        if let Some(r) = rules {
            check_rules(ctx, &format!("/spec/behavior/{dir}"), r, out);
        }
    }
}

fn check_rules(ctx: &Ctx<'_, '_>, base: &str, r: &ScalingRules, out: &mut Vec<Diagnostic>) {
    if let Some(w) = r.stabilization_window_seconds
        && !(0..=MAX_STABILIZATION_WINDOW).contains(&w)
    {
        out.push(
            ctx.value_error(
                WINDOW_RANGE,
                &format!("{base}/stabilizationWindowSeconds"),
                format!(
                    "stabilizationWindowSeconds is {w}: expected 0 to {MAX_STABILIZATION_WINDOW}"
                ),
            )
            .help(
                "the API server rejects windows above one hour; 300 is the usual scale-down window",
            ),
        );
    }
    if let Some(policies) = &r.policies {
        if policies.is_empty() {
            out.push(
                ctx.value_error(EMPTY_POLICIES, &format!("{base}/policies"), "policies is an empty list: expected at least one policy")
                    .help("remove `policies` to keep the preset's (or the API default), or list at least one; use `selectPolicy: Disabled` to stop scaling in this direction"),
            );
        }
        for (i, p) in policies.iter().enumerate() {
            let at = format!("{base}/policies/{i}");
            if p.value <= 0 {
                out.push(
                    ctx.value_error(POLICY_VALUE, &format!("{at}/value"), format!("policy value is {}: expected greater than 0", p.value))
                        .help("the number of pods (type Pods) or percent (type Percent) allowed per period"),
                );
            }
            if !(1..=MAX_PERIOD_SECONDS).contains(&p.period_seconds) {
                out.push(
                    ctx.value_error(
                        POLICY_PERIOD,
                        &format!("{at}/periodSeconds"),
                        format!(
                            "periodSeconds is {}: expected 1 to {MAX_PERIOD_SECONDS}",
                            p.period_seconds
                        ),
                    )
                    .help("the API server accepts periods up to 30 minutes"),
                );
            }
        }
    }
    if let Some(t) = &r.tolerance {
        let ptr = format!("{base}/tolerance");
        if let Some(v) = quantity(ctx, &ptr, t, out)
            && v < 0.0
        {
            out.push(
                ctx.value_error(
                    NEGATIVE_TOLERANCE,
                    &ptr,
                    format!("tolerance is {t}: expected 0 or more"),
                )
                .help("a fraction of the target such as `0.05` (5 %); the cluster default is 0.1"),
            );
        }
    }
}
