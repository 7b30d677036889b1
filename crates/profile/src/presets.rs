//! The presets' values. Each reproduces one HPA of the tutorial exactly, so
//! that a profile with only `preset`, workload and metadata renders that file.

use crate::model::{
    Behavior, PolicyType, Preset, Replicas, ResourceTarget, ScalingPolicy, ScalingRules, Targets,
};

/// Everything a preset fills in.
pub struct PresetValues {
    pub replicas: Replicas,
    pub targets: Targets,
    pub behavior: Behavior,
}

fn utilization(percent: i64) -> Option<Option<ResourceTarget>> {
    Some(Some(ResourceTarget {
        average_utilization: Some(percent),
        average_value: None,
    }))
}

fn policy(policy_type: PolicyType, value: i64, period_seconds: i64) -> ScalingPolicy {
    ScalingPolicy {
        policy_type,
        value,
        period_seconds,
    }
}

fn rules(window: i64, policies: Vec<ScalingPolicy>) -> Option<ScalingRules> {
    Some(ScalingRules {
        stabilization_window_seconds: Some(window),
        select_policy: None,
        policies: Some(policies),
        tolerance: None,
    })
}

/// The values of a preset.
pub fn values(preset: Preset) -> PresetValues {
    use PolicyType::*;
    match preset {
        // k8s/api/hpa.yaml
        Preset::Api => PresetValues {
            replicas: Replicas {
                min: Some(3),
                max: Some(10),
            },
            targets: Targets {
                cpu: utilization(75),
                memory: utilization(85),
            },
            behavior: Behavior {
                scale_down: rules(300, vec![policy(Percent, 25, 60)]),
                scale_up: rules(30, vec![policy(Percent, 50, 30)]),
            },
        },
        // k8s/workers/hpa.yaml
        Preset::Worker => PresetValues {
            replicas: Replicas {
                min: Some(2),
                max: Some(10),
            },
            targets: Targets {
                cpu: utilization(70),
                memory: utilization(80),
            },
            behavior: Behavior {
                scale_down: rules(300, vec![policy(Percent, 50, 60)]),
                scale_up: rules(60, vec![policy(Percent, 100, 60), policy(Pods, 2, 60)]),
            },
        },
    }
}
