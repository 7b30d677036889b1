//! Behavior policies over recorded scale events, then min/max (hpa-algorithm.md §10.3,
//! §10.4): `convertDesiredReplicasWithBehaviorRate` and `storeScaleEvent`.

use crate::go_math::{ceil_i32, trunc_i32};
use crate::model::{PolicyType, ScalingPolicy, ScalingRules, SelectPolicy};
use serde::{Deserialize, Serialize};

/// One rescale the HPA itself made (`timestampedScaleEvent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleEvent {
    /// |new − previous| replicas.
    pub replica_change: i32,
    pub timestamp_s: i64,
    /// Older than the direction's longest policy period when last checked; reusable.
    pub outdated: bool,
}

/// The ScalingLimited condition's reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScalingLimitedReason {
    /// Not limited.
    DesiredWithinRange,
    /// Capped by the scale-up rate (a behavior policy, or the legacy ×2/4 cap).
    ScaleUpLimit,
    /// Capped by a scale-down policy.
    ScaleDownLimit,
    /// Capped at maxReplicas.
    TooManyReplicas,
    /// Raised to minReplicas.
    TooFewReplicas,
}

impl ScalingLimitedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DesiredWithinRange => "DesiredWithinRange",
            Self::ScaleUpLimit => "ScaleUpLimit",
            Self::ScaleDownLimit => "ScaleDownLimit",
            Self::TooManyReplicas => "TooManyReplicas",
            Self::TooFewReplicas => "TooFewReplicas",
        }
    }
}

/// A policy limit and the policy that set it (`None` when Disabled or no policy applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyLimit {
    pub limit: i32,
    pub policy: Option<ScalingPolicy>,
}

/// The outcome of [`limit_with_behavior`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimited {
    pub replicas: i32,
    pub reason: ScalingLimitedReason,
    /// The policy whose limit applied, when the reason is ScaleUpLimit/ScaleDownLimit.
    pub policy: Option<ScalingPolicy>,
}

/// Sum of the changes of events younger than `period_s` (`getReplicasChangePerPeriod`;
/// strict: an event exactly `period_s` old no longer counts; outdated events still do).
pub fn replicas_change_per_period(period_s: i32, events: &[ScaleEvent], now_s: i64) -> i32 {
    let cutoff = now_s - i64::from(period_s);
    events
        .iter()
        .filter(|e| e.timestamp_s > cutoff)
        .fold(0i32, |acc, e| acc.wrapping_add(e.replica_change))
}

fn period_start(
    current: i32,
    period_s: i32,
    up: &[ScaleEvent],
    down: &[ScaleEvent],
    now_s: i64,
) -> i32 {
    current
        .wrapping_sub(replicas_change_per_period(period_s, up, now_s))
        .wrapping_add(replicas_change_per_period(period_s, down, now_s))
}

/// `calculateScaleUpLimitWithScalingRules`.
pub fn scale_up_limit(
    current: i32,
    up: &[ScaleEvent],
    down: &[ScaleEvent],
    rules: &ScalingRules,
    now_s: i64,
) -> PolicyLimit {
    let select = rules.select_policy.clone().unwrap_or(SelectPolicy::Max);
    if select == SelectPolicy::Disabled {
        return PolicyLimit {
            limit: current,
            policy: None,
        };
    }
    let min_change = select == SelectPolicy::Min;
    let mut result = if min_change { i32::MAX } else { i32::MIN };
    let mut chosen = None;
    let mut proposed = 0i32;
    for policy in rules.policies.as_deref().unwrap_or_default() {
        let start = period_start(current, policy.period_seconds, up, down, now_s);
        match policy.policy_type {
            PolicyType::Pods => proposed = start.wrapping_add(policy.value),
            // Rounded up so that a small percentage still allows +1 (10% of 100 is 111,
            // §13).
            PolicyType::Percent => {
                proposed = ceil_i32(f64::from(start) * (1.0 + f64::from(policy.value) / 100.0))
            }
            PolicyType::Other(_) => {}
        }
        let better = if min_change {
            proposed < result
        } else {
            proposed > result
        };
        if better {
            result = proposed;
            chosen = Some(policy.clone());
        }
    }
    PolicyLimit {
        limit: result,
        policy: chosen,
    }
}

/// `calculateScaleDownLimitWithBehaviors`.
pub fn scale_down_limit(
    current: i32,
    up: &[ScaleEvent],
    down: &[ScaleEvent],
    rules: &ScalingRules,
    now_s: i64,
) -> PolicyLimit {
    let select = rules.select_policy.clone().unwrap_or(SelectPolicy::Max);
    if select == SelectPolicy::Disabled {
        return PolicyLimit {
            limit: current,
            policy: None,
        };
    }
    // Min keeps the largest limit (smallest change); Max the smallest (largest change).
    let min_change = select == SelectPolicy::Min;
    let mut result = if min_change { i32::MIN } else { i32::MAX };
    let mut chosen = None;
    let mut proposed = 0i32;
    for policy in rules.policies.as_deref().unwrap_or_default() {
        let start = period_start(current, policy.period_seconds, up, down, now_s);
        match policy.policy_type {
            PolicyType::Pods => proposed = start.wrapping_sub(policy.value),
            // Truncated toward zero; 90% of 10 is 0, not 1 (§13).
            PolicyType::Percent => {
                proposed = trunc_i32(f64::from(start) * (1.0 - f64::from(policy.value) / 100.0))
            }
            PolicyType::Other(_) => {}
        }
        let better = if min_change {
            proposed > result
        } else {
            proposed < result
        };
        if better {
            result = proposed;
            chosen = Some(policy.clone());
        }
    }
    PolicyLimit {
        limit: result,
        policy: chosen,
    }
}

/// Inputs of [`limit_with_behavior`].
#[derive(Debug, Clone, Copy)]
pub struct RateLimitArgs<'a> {
    pub current: i32,
    /// Already stabilized.
    pub desired: i32,
    pub min_replicas: i32,
    pub max_replicas: i32,
    /// Defaulted rules.
    pub scale_up: &'a ScalingRules,
    pub scale_down: &'a ScalingRules,
}

/// `convertDesiredReplicasWithBehaviorRate`: the policy limit of the direction merged with
/// min/max. `desired == current` passes through unchanged.
pub fn limit_with_behavior(
    args: RateLimitArgs<'_>,
    up: &[ScaleEvent],
    down: &[ScaleEvent],
    now_s: i64,
) -> RateLimited {
    let within = RateLimited {
        replicas: args.desired,
        reason: ScalingLimitedReason::DesiredWithinRange,
        policy: None,
    };
    if args.desired > args.current {
        let mut l = scale_up_limit(args.current, up, down, args.scale_up, now_s);
        if l.limit < args.current {
            // Don't scale up further until the events age out.
            l.limit = args.current;
        }
        let (max_allowed, reason, policy) = if args.max_replicas > l.limit {
            (l.limit, ScalingLimitedReason::ScaleUpLimit, l.policy)
        } else {
            (
                args.max_replicas,
                ScalingLimitedReason::TooManyReplicas,
                None,
            )
        };
        if args.desired > max_allowed {
            return RateLimited {
                replicas: max_allowed,
                reason,
                policy,
            };
        }
    } else if args.desired < args.current {
        let mut l = scale_down_limit(args.current, up, down, args.scale_down, now_s);
        if l.limit > args.current {
            l.limit = args.current;
        }
        let (min_allowed, reason, policy) = if args.min_replicas < l.limit {
            (l.limit, ScalingLimitedReason::ScaleDownLimit, l.policy)
        } else {
            (
                args.min_replicas,
                ScalingLimitedReason::TooFewReplicas,
                None,
            )
        };
        if args.desired < min_allowed {
            return RateLimited {
                replicas: min_allowed,
                reason,
                policy,
            };
        }
    }
    within
}

/// Longest `periodSeconds` of a direction's policies (0 without policies).
pub fn longest_policy_period(rules: &ScalingRules) -> i32 {
    rules
        .policies
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|p| p.period_seconds)
        .fold(0, i32::max)
}

/// `storeScaleEvent` for one direction's list: flag events older than the longest period
/// as outdated (permanently), then overwrite the last outdated event or append.
pub fn store_scale_event(
    events: &mut Vec<ScaleEvent>,
    rules: &ScalingRules,
    replica_change: i32,
    now_s: i64,
) {
    let cutoff = now_s - i64::from(longest_policy_period(rules));
    let mut old_index = None;
    for (i, e) in events.iter_mut().enumerate() {
        if e.timestamp_s < cutoff {
            e.outdated = true;
        }
        if e.outdated {
            old_index = Some(i);
        }
    }
    let new = ScaleEvent {
        replica_change,
        timestamp_s: now_s,
        outdated: false,
    };
    match old_index {
        Some(i) => events[i] = new,
        None => events.push(new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::defaults::{default_scale_down_rules, default_scale_up_rules};

    fn rules(select: SelectPolicy, policies: Vec<ScalingPolicy>) -> ScalingRules {
        ScalingRules {
            select_policy: Some(select),
            policies: Some(policies),
            ..Default::default()
        }
    }

    #[test]
    fn ten_percent_of_100_is_111() {
        // §13 / misunderstanding §15.13: ceil(100 × 1.1) = ceil(110.00000000000001).
        let r = rules(
            SelectPolicy::Max,
            vec![ScalingPolicy::new(PolicyType::Percent, 10, 60)],
        );
        assert_eq!(scale_up_limit(100, &[], &[], &r, 0).limit, 111);
        assert_eq!(scale_up_limit(50, &[], &[], &r, 0).limit, 56);
    }

    #[test]
    fn ninety_percent_down_from_10_is_0() {
        let r = rules(
            SelectPolicy::Max,
            vec![ScalingPolicy::new(PolicyType::Percent, 90, 60)],
        );
        assert_eq!(scale_down_limit(10, &[], &[], &r, 0).limit, 0);
    }

    #[test]
    fn period_start_counts_events_strictly_younger_than_the_period() {
        let ev = |c, age: i64| ScaleEvent {
            replica_change: c,
            timestamp_s: -age,
            outdated: false,
        };
        let up = [ev(1, 100), ev(5, 60), ev(9, 20)];
        let r = rules(
            SelectPolicy::Max,
            vec![ScalingPolicy::new(PolicyType::Percent, 200, 120)],
        );
        assert_eq!(scale_up_limit(100, &up, &[], &r, 0).limit, 255);
        let r = rules(
            SelectPolicy::Max,
            vec![ScalingPolicy::new(PolicyType::Pods, 1, 60)],
        );
        assert_eq!(scale_up_limit(100, &up, &[], &r, 0).limit, 100 - 9 + 1);
    }

    #[test]
    fn min_select_policy_allows_the_smallest_change() {
        // Misunderstanding §15.11.
        let p = vec![
            ScalingPolicy::new(PolicyType::Pods, 2, 60),
            ScalingPolicy::new(PolicyType::Percent, 50, 60),
        ];
        assert_eq!(
            scale_down_limit(5, &[], &[], &rules(SelectPolicy::Min, p.clone()), 0).limit,
            3
        );
        assert_eq!(
            scale_down_limit(5, &[], &[], &rules(SelectPolicy::Max, p), 0).limit,
            2
        );
    }

    #[test]
    fn default_rules_scale_10_to_20() {
        let args = RateLimitArgs {
            current: 10,
            desired: 50,
            min_replicas: 1,
            max_replicas: 100,
            scale_up: &default_scale_up_rules(),
            scale_down: &default_scale_down_rules(),
        };
        let r = limit_with_behavior(args, &[], &[], 0);
        assert_eq!(
            (r.replicas, r.reason),
            (20, ScalingLimitedReason::ScaleUpLimit)
        );
        assert_eq!(r.policy.unwrap().policy_type, PolicyType::Percent);
    }

    #[test]
    fn outdated_event_is_reused() {
        let r = rules(
            SelectPolicy::Max,
            vec![ScalingPolicy::new(PolicyType::Pods, 1, 60)],
        );
        let mut ev = vec![
            ScaleEvent {
                replica_change: 7,
                timestamp_s: -61,
                outdated: false,
            },
            ScaleEvent {
                replica_change: 3,
                timestamp_s: -10,
                outdated: false,
            },
        ];
        store_scale_event(&mut ev, &r, 5, 0);
        assert_eq!(ev.len(), 2);
        assert_eq!(
            ev[0],
            ScaleEvent {
                replica_change: 5,
                timestamp_s: 0,
                outdated: false
            }
        );
    }
}
