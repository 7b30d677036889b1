//! Replica bounds: the API server's own rules (§12 of hpa-algorithm.md) plus
//! the scale-to-zero opt-in.

use super::Ctx;
use super::ids::*;
use scaleplan_diag::Diagnostic;

const MIN: &str = "/spec/replicas/min";
const MAX: &str = "/spec/replicas/max";

pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Diagnostic>) {
    let spec = &ctx.profile.spec;
    let r = spec.replicas.clone().unwrap_or_default();
    for (ptr, v) in [(MIN, r.min), (MAX, r.max)] {
        if let Some(v) = v
            && (v > i32::MAX as i64 || v < i32::MIN as i64)
        {
            out.push(
                ctx.value_error(
                    REPLICAS_RANGE,
                    ptr,
                    format!(
                        "{v} does not fit in a 32-bit integer: expected at most {}",
                        i32::MAX
                    ),
                )
                .help("use a realistic replica count"),
            );
            return;
        }
    }
    if r.max.is_none() && spec.preset.is_none() {
        let at = if spec.replicas.is_some() {
            "/spec/replicas"
        } else {
            "/spec"
        };
        out.push(
            ctx.error(
                MAX_MISSING,
                at,
                "no maxReplicas: expected `spec.replicas.max` (no preset supplies it)",
            )
            .field("spec.replicas.max")
            .help("add `replicas: {min: 1, max: 10}` or choose `preset: api` or `preset: worker`"),
        );
    }
    let res = ctx.resolved;
    let (min, max) = (res.min_replicas, res.max_replicas);
    let queue = spec.queue.as_ref();
    if min < 1 {
        let opted_in = queue.is_some_and(|q| q.scale_to_zero);
        if !(min == 0 && opted_in) {
            let (msg, help) = match (min, queue) {
                (0, Some(_)) => (
                    "minReplicas is 0 but scale-to-zero is not enabled: expected at least 1"
                        .to_string(),
                    "set `queue.scaleToZero: true` (needs the alpha HPAScaleToZero feature gate) or use min 1",
                ),
                (0, None) => (
                    "minReplicas is 0 without a queue metric: expected at least 1".to_string(),
                    "the API server allows 0 only with an Object or External metric; add a `queue` with `scaleToZero: true`, or use min 1",
                ),
                _ => (
                    format!("minReplicas is {min}: expected at least 1"),
                    "use min 1 or more",
                ),
            };
            out.push(
                ctx.value_error(MIN_BELOW_ONE, MIN, format!("{msg}{}", ctx.origin(MIN)))
                    .help(help),
            );
        }
    }
    if max < 1 {
        out.push(
            ctx.value_error(
                MAX_BELOW_ONE,
                MAX,
                format!("maxReplicas is {max}: expected at least 1"),
            )
            .help("maxReplicas is the upper bound of scaling; use 1 or more"),
        );
    } else if min > max {
        // Point at whichever bound the user wrote; the other may come from the preset.
        let at = if ctx.written(MIN) { MIN } else { MAX };
        out.push(
            ctx.value_error(
                MIN_ABOVE_MAX,
                at,
                format!(
                    "minReplicas ({min}{}) is greater than maxReplicas ({max}{}): expected min <= max",
                    ctx.origin(MIN),
                    ctx.origin(MAX)
                ),
            )
            .help("lower replicas.min or raise replicas.max"),
        );
    }
}
