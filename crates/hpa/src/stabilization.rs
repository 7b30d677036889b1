//! Stabilization windows over the recorded recommendations (hpa-algorithm.md §9.1, §10.2).

use serde::{Deserialize, Serialize};

/// One raw metric proposal recorded by a sync (`timestampedRecommendation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub replicas: i32,
    pub timestamp_s: i64,
}

/// Why the stabilized value differs from the raw proposal (AbleToScale reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StabilizationReason {
    /// Held up by the scaleUp window (behavior path).
    ScaleUpStabilized,
    /// Held up by the scaleDown window (both paths).
    ScaleDownStabilized,
}

impl StabilizationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ScaleUpStabilized => "ScaleUpStabilized",
            Self::ScaleDownStabilized => "ScaleDownStabilized",
        }
    }
}

/// Legacy path (`stabilizeRecommendation`): the maximum of `desired` and every
/// recommendation aged `<= window` — which can scale *up* (misunderstanding §15.5). Then
/// `desired` is recorded, overwriting the last entry older than the window.
pub fn stabilize_legacy(
    recommendations: &mut Vec<Recommendation>,
    desired: i32,
    window_s: i64,
    now_s: i64,
) -> i32 {
    let cutoff = now_s - window_s;
    let mut max = desired;
    let mut old_index = None;
    for (i, rec) in recommendations.iter().enumerate() {
        if rec.timestamp_s < cutoff {
            old_index = Some(i);
        } else if rec.replicas > max {
            max = rec.replicas;
        }
    }
    record(recommendations, old_index, desired, now_s);
    max
}

/// Behavior path (`stabilizeRecommendationWithBehaviors`): `current` clamped into
/// `[min(desired, recs aged < up), max(desired, recs aged < down)]`. Scale-up goes to the
/// *minimum* recent proposal, scale-down to the *maximum* (misunderstanding §15.6).
/// Returns the stabilized value and the reason to report if it differs from `desired`.
pub fn stabilize_with_behavior(
    recommendations: &mut Vec<Recommendation>,
    current: i32,
    desired: i32,
    up_window_s: i64,
    down_window_s: i64,
    now_s: i64,
) -> (i32, StabilizationReason) {
    let up_cutoff = now_s - up_window_s;
    let down_cutoff = now_s - down_window_s;
    let mut up = desired;
    let mut down = desired;
    let mut old_index = None;
    for (i, rec) in recommendations.iter().enumerate() {
        if rec.timestamp_s > up_cutoff {
            up = up.min(rec.replicas);
        }
        if rec.timestamp_s > down_cutoff {
            down = down.max(rec.replicas);
        }
        if rec.timestamp_s < up_cutoff && rec.timestamp_s < down_cutoff {
            old_index = Some(i);
        }
    }
    let mut result = current;
    if result < up {
        result = up;
    }
    if result > down {
        result = down;
    }
    record(recommendations, old_index, desired, now_s);
    let reason = if desired >= current {
        StabilizationReason::ScaleUpStabilized
    } else {
        StabilizationReason::ScaleDownStabilized
    };
    (result, reason)
}

fn record(recs: &mut Vec<Recommendation>, old: Option<usize>, replicas: i32, now_s: i64) {
    let new = Recommendation {
        replicas,
        timestamp_s: now_s,
    };
    match old {
        Some(i) => recs[i] = new,
        None => recs.push(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(v: &[(i32, i64)]) -> Vec<Recommendation> {
        v.iter()
            .map(|&(r, age)| Recommendation {
                replicas: r,
                timestamp_s: -age,
            })
            .collect()
    }

    #[test]
    fn legacy_window_includes_age_equal_to_window_and_can_scale_up() {
        let mut r = recs(&[(9, 300), (2, 10)]);
        assert_eq!(stabilize_legacy(&mut r, 3, 300, 0), 9);
        assert_eq!(r.len(), 3);
        let mut r = recs(&[(9, 301)]);
        assert_eq!(stabilize_legacy(&mut r, 3, 300, 0), 3);
        assert_eq!(r, recs(&[(3, 0)]), "the stale entry is overwritten");
    }

    #[test]
    fn behavior_window_is_strict_and_never_moves_past_current() {
        // Misunderstanding §15.6: a high old proposal cannot cause a scale-up.
        let mut r = recs(&[(9, 100)]);
        let (v, _) = stabilize_with_behavior(&mut r, 4, 3, 0, 300, 0);
        assert_eq!(v, 4);
        let mut r = recs(&[(9, 300)]);
        let (v, _) = stabilize_with_behavior(&mut r, 4, 3, 0, 300, 0);
        assert_eq!(v, 3, "age == window is outside the behavior window");
        // Scale-up goes only to the minimum proposal of the up window.
        let mut r = recs(&[(5, 10)]);
        let (v, reason) = stabilize_with_behavior(&mut r, 2, 8, 60, 0, 0);
        assert_eq!((v, reason), (5, StabilizationReason::ScaleUpStabilized));
    }
}
