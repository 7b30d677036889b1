//! Normalization without `behavior` (`convertDesiredReplicasWithRules`, hpa-algorithm.md §9.2).

use crate::go_math::trunc_i32;
use crate::rate_limit::ScalingLimitedReason;

/// `calculateScaleUpLimit`: `int32(max(factor × current, minimum))`; production 2.0 and 4.0,
/// so the cap is max(2×current, 4 in total) per sync, with no memory (§15.5).
pub fn scale_up_limit(current: i32, factor: f64, minimum: f64) -> i32 {
    trunc_i32((factor * f64::from(current)).max(minimum))
}

/// Clamps the stabilized recommendation into `[min, min(max, scale-up cap)]`.
pub fn limit_legacy(
    current: i32,
    desired: i32,
    min_replicas: i32,
    max_replicas: i32,
    factor: f64,
    minimum: f64,
) -> (i32, ScalingLimitedReason) {
    let cap = scale_up_limit(current, factor, minimum);
    let (max_allowed, reason) = if max_replicas > cap {
        (cap, ScalingLimitedReason::ScaleUpLimit)
    } else {
        (max_replicas, ScalingLimitedReason::TooManyReplicas)
    };
    if desired < min_replicas {
        (min_replicas, ScalingLimitedReason::TooFewReplicas)
    } else if desired > max_allowed {
        (max_allowed, reason)
    } else {
        (desired, ScalingLimitedReason::DesiredWithinRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_cap_is_four_in_total_not_plus_four() {
        // Misunderstanding §15.5: at current = 1 the cap is 4 (behavior defaults give 5).
        assert_eq!(
            limit_legacy(1, 50, 1, 100, 2.0, 4.0),
            (4, ScalingLimitedReason::ScaleUpLimit)
        );
        assert_eq!(limit_legacy(10, 50, 1, 100, 2.0, 4.0).0, 20);
        assert_eq!(
            limit_legacy(10, 50, 1, 15, 2.0, 4.0),
            (15, ScalingLimitedReason::TooManyReplicas)
        );
        assert_eq!(
            limit_legacy(3, 1, 2, 8, 2.0, 4.0),
            (2, ScalingLimitedReason::TooFewReplicas)
        );
    }
}
