//! The tolerance band around a target (hpa-algorithm.md §3).

use crate::model::HpaSpec;

/// Per-direction tolerances: a usage ratio `r` is within tolerance iff
/// `1 - scale_down <= r <= 1 + scale_up` (both ends inclusive, v1.33+ `isWithin`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerances {
    pub scale_up: f64,
    pub scale_down: f64,
}

impl Tolerances {
    /// The same tolerance in both directions (the controller flag).
    pub fn symmetric(t: f64) -> Self {
        Tolerances {
            scale_up: t,
            scale_down: t,
        }
    }

    /// The tolerances an HPA gets: `behavior.scaleUp/scaleDown.tolerance` where set, the
    /// controller's global value elsewhere.
    pub fn for_hpa(hpa: &HpaSpec, global: f64) -> Self {
        let pick = |rules: Option<&crate::model::ScalingRules>| {
            rules.and_then(|r| r.tolerance_value()).unwrap_or(global)
        };
        let b = hpa.behavior.as_ref();
        Tolerances {
            scale_up: pick(b.and_then(|b| b.scale_up.as_ref())),
            scale_down: pick(b.and_then(|b| b.scale_down.as_ref())),
        }
    }

    /// Whether the ratio is close enough to 1 that the current replica count is kept.
    /// The float64 expressions are upstream's, so boundaries behave identically.
    pub fn is_within(&self, usage_ratio: f64) -> bool {
        (1.0 - self.scale_down) <= usage_ratio && usage_ratio <= (1.0 + self.scale_up)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_exactly_at_the_band_edge_is_within_since_1_33() {
        // Misunderstanding §15.3: 110/100 with t = 0.1 does not scale in 1.33+, although
        // the pre-1.33 test |1 - r| <= t said "outside" because of float rounding.
        let r = 110.0 / 100.0;
        assert!(Tolerances::symmetric(0.1).is_within(r));
        assert!((1.0f64 - r).abs() > 0.1, "pre-1.33 float artifact");
        assert!(Tolerances::symmetric(0.1).is_within(0.9));
        assert!(!Tolerances::symmetric(0.1).is_within(1.11));
    }

    #[test]
    fn directions_are_independent() {
        let t = Tolerances {
            scale_up: 0.01,
            scale_down: 0.1,
        };
        assert!(!t.is_within(1.02));
        assert!(t.is_within(0.95));
    }
}
