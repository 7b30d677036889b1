//! API defaulting of an HPA (`pkg/apis/autoscaling/v2/defaults.go`, hpa-algorithm.md §11).

use crate::model::{
    Behavior, HpaSpec, MetricSourceType, MetricSpec, MetricTarget, PolicyType,
    ResourceMetricSource, ScalingPolicy, ScalingRules, SelectPolicy,
};

/// Utilization target of the metric an HPA without metrics gets.
pub const DEFAULT_CPU_UTILIZATION: i32 = 80;

/// scaleUp defaults: no window, Max of +4 pods and +100% every 15 s.
pub fn default_scale_up_rules() -> ScalingRules {
    ScalingRules {
        stabilization_window_seconds: Some(0),
        select_policy: Some(SelectPolicy::Max),
        policies: Some(vec![
            ScalingPolicy::new(PolicyType::Pods, 4, 15),
            ScalingPolicy::new(PolicyType::Percent, 100, 15),
        ]),
        tolerance: None,
        tolerance_milli: None,
    }
}

/// scaleDown defaults: window left unset (the controller substitutes its flag, 300 s),
/// Max of -100% every 15 s.
pub fn default_scale_down_rules() -> ScalingRules {
    ScalingRules {
        stabilization_window_seconds: None,
        select_policy: Some(SelectPolicy::Max),
        policies: Some(vec![ScalingPolicy::new(PolicyType::Percent, 100, 15)]),
        tolerance: None,
        tolerance_milli: None,
    }
}

/// `GenerateHPAScaleUpRules`: the user's non-nil fields copied over the defaults; a given
/// `policies` list replaces the default list wholesale.
pub fn generate_scale_up_rules(given: Option<&ScalingRules>) -> ScalingRules {
    copy_rules(given, default_scale_up_rules())
}

/// `GenerateHPAScaleDownRules`.
pub fn generate_scale_down_rules(given: Option<&ScalingRules>) -> ScalingRules {
    copy_rules(given, default_scale_down_rules())
}

fn copy_rules(from: Option<&ScalingRules>, mut to: ScalingRules) -> ScalingRules {
    let Some(from) = from else { return to };
    if from.select_policy.is_some() {
        to.select_policy = from.select_policy.clone();
    }
    if from.stabilization_window_seconds.is_some() {
        to.stabilization_window_seconds = from.stabilization_window_seconds;
    }
    if from.policies.is_some() {
        to.policies = from.policies.clone();
    }
    if from.tolerance_value().is_some() {
        to.tolerance = from.tolerance_value();
    }
    to
}

/// `SetDefaults_HorizontalPodAutoscalerBehavior`: both directions fully defaulted.
pub fn default_behavior(behavior: &Behavior) -> Behavior {
    Behavior {
        scale_up: Some(generate_scale_up_rules(behavior.scale_up.as_ref())),
        scale_down: Some(generate_scale_down_rules(behavior.scale_down.as_ref())),
    }
}

/// Everything the API server defaults on create: minReplicas 1, a cpu 80% metric when
/// there are none, and the behavior rules — but only when `behavior` is present, so an
/// HPA without it stays on the legacy path (misunderstanding §15.5).
pub fn apply_defaults(spec: &HpaSpec) -> HpaSpec {
    let mut out = spec.clone();
    if out.min_replicas.is_none() {
        out.min_replicas = Some(1);
    }
    if out.metrics.is_empty() {
        out.metrics.push(MetricSpec {
            source_type: MetricSourceType::Resource,
            resource: Some(ResourceMetricSource {
                name: "cpu".into(),
                target: MetricTarget {
                    target_type: Some("Utilization".into()),
                    average_utilization: Some(DEFAULT_CPU_UTILIZATION),
                    ..Default::default()
                },
            }),
            ..Default::default()
        });
    }
    if let Some(b) = &out.behavior {
        out.behavior = Some(default_behavior(b));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behavior_is_defaulted_only_when_present() {
        let spec = HpaSpec {
            max_replicas: 5,
            ..Default::default()
        };
        let d = apply_defaults(&spec);
        assert!(d.behavior.is_none());
        assert_eq!(d.min_replicas, Some(1));
        assert_eq!(
            d.metrics[0]
                .resource
                .as_ref()
                .unwrap()
                .target
                .average_utilization,
            Some(80)
        );

        let with_tolerance_only = HpaSpec {
            behavior: Some(Behavior {
                scale_up: Some(ScalingRules {
                    tolerance: Some(0.05),
                    ..Default::default()
                }),
                scale_down: None,
            }),
            ..spec
        };
        // Misunderstanding §15.14: a tolerance alone brings the full default rules.
        let d = apply_defaults(&with_tolerance_only);
        let b = d.behavior.unwrap();
        assert_eq!(
            b.scale_up
                .as_ref()
                .unwrap()
                .policies
                .as_ref()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(b.scale_up.unwrap().tolerance, Some(0.05));
        assert_eq!(b.scale_down.unwrap().stabilization_window_seconds, None);
    }

    #[test]
    fn given_policies_replace_the_defaults() {
        let given = ScalingRules {
            policies: Some(vec![ScalingPolicy::new(PolicyType::Pods, 1, 60)]),
            ..Default::default()
        };
        let r = generate_scale_up_rules(Some(&given));
        assert_eq!(r.policies.unwrap().len(), 1);
        assert_eq!(r.stabilization_window_seconds, Some(0));
        assert_eq!(r.select_policy, Some(SelectPolicy::Max));
    }
}
