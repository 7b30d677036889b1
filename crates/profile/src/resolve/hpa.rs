//! The HPA a resolved profile describes, in `scaleplan_hpa`'s model: what the
//! API server validation and the simulator take. The renderer builds the
//! k8s-openapi object; this is the same content for checking.

use super::types::{ResolvedProfile, ResolvedRules, TargetValue};
use crate::model::{PolicyType, QueueMetricType, SelectPolicy};
use scaleplan_hpa::model as hpa;
use scaleplan_hpa::quantity::parse_milli;

/// The label selector of the queue metric: `queue_name=<q>` for one queue,
/// `queue_name in (a,b)` for several (string form, as `scaleplan_hpa` keeps it).
pub fn queue_selector(queues: &[String]) -> String {
    match queues {
        [one] => format!("queue_name={one}"),
        many => format!("queue_name in ({})", many.join(",")),
    }
}

fn rules(r: &ResolvedRules) -> hpa::ScalingRules {
    hpa::ScalingRules {
        stabilization_window_seconds: r.stabilization_window_seconds,
        select_policy: r.select_policy.map(|p| match p {
            SelectPolicy::Max => hpa::SelectPolicy::Max,
            SelectPolicy::Min => hpa::SelectPolicy::Min,
            SelectPolicy::Disabled => hpa::SelectPolicy::Disabled,
        }),
        policies: r.policies.as_ref().map(|ps| {
            ps.iter()
                .map(|p| hpa::ScalingPolicy {
                    policy_type: match p.policy_type {
                        PolicyType::Pods => hpa::PolicyType::Pods,
                        PolicyType::Percent => hpa::PolicyType::Percent,
                    },
                    value: p.value,
                    period_seconds: p.period_seconds,
                })
                .collect()
        }),
        tolerance: r
            .tolerance
            .as_ref()
            .and_then(|t| scaleplan_hpa::quantity::Quantity::parse(t.as_str()).ok())
            .map(|q| q.as_approximate_f64()),
        tolerance_milli: None,
    }
}

/// Builds the HPA spec (unparsable quantities become 0, which validation rejects).
pub fn hpa_spec(r: &ResolvedProfile) -> hpa::HpaSpec {
    let mut metrics: Vec<hpa::MetricSpec> = r
        .resource_targets
        .iter()
        .map(|t| hpa::MetricSpec {
            source_type: hpa::MetricSourceType::Resource,
            resource: Some(hpa::ResourceMetricSource {
                name: t.resource.as_str().to_string(),
                target: match &t.target {
                    TargetValue::Utilization(u) => hpa::MetricTarget {
                        target_type: Some("Utilization".into()),
                        average_utilization: Some(*u),
                        ..Default::default()
                    },
                    TargetValue::AverageValue(q) => hpa::MetricTarget {
                        target_type: Some("AverageValue".into()),
                        average_value_milli: Some(parse_milli(q.as_str()).unwrap_or(0)),
                        ..Default::default()
                    },
                },
            }),
            ..Default::default()
        })
        .collect();
    if let Some(q) = &r.queue {
        let metric = hpa::MetricIdentifier {
            name: q.metric_name.clone(),
            selector: Some(queue_selector(&q.queues)),
        };
        let target = hpa::MetricTarget {
            target_type: Some("AverageValue".into()),
            average_value_milli: Some(parse_milli(q.backlog_per_replica.as_str()).unwrap_or(0)),
            ..Default::default()
        };
        metrics.push(match q.metric_type {
            QueueMetricType::External => hpa::MetricSpec {
                source_type: hpa::MetricSourceType::External,
                external: Some(hpa::ExternalMetricSource { metric, target }),
                ..Default::default()
            },
            QueueMetricType::Object => hpa::MetricSpec {
                source_type: hpa::MetricSourceType::Object,
                object: Some(hpa::ObjectMetricSource {
                    described_object: hpa::CrossVersionObjectReference {
                        kind: "Service".into(),
                        name: q.exporter.name.clone(),
                        api_version: Some("v1".into()),
                    },
                    metric,
                    target,
                }),
                ..Default::default()
            },
        });
    }
    hpa::HpaSpec {
        min_replicas: Some(r.min_replicas),
        max_replicas: r.max_replicas,
        scale_target_ref: hpa::CrossVersionObjectReference {
            kind: r.workload.kind.as_str().to_string(),
            name: r.workload.name.clone(),
            api_version: Some("apps/v1".into()),
        },
        metrics,
        behavior: r.behavior.as_ref().map(|b| hpa::Behavior {
            scale_up: b.scale_up.as_ref().map(rules),
            scale_down: b.scale_down.as_ref().map(rules),
        }),
    }
}

/// The feature gates a resolved profile needs: scale-to-zero when it opts in,
/// configurable tolerance when it sets one.
pub fn feature_gates(r: &ResolvedProfile) -> scaleplan_hpa::FeatureGates {
    let tolerance = r.behavior.as_ref().is_some_and(|b| {
        [&b.scale_up, &b.scale_down]
            .iter()
            .any(|d| d.as_ref().is_some_and(|d| d.tolerance.is_some()))
    });
    scaleplan_hpa::FeatureGates {
        hpa_scale_to_zero: r.queue.as_ref().is_some_and(|q| q.scale_to_zero),
        hpa_configurable_tolerance: tolerance,
    }
}

/// The API server's verdict on the HPA a resolved profile describes: defaults
/// applied first (as the API server does before validating), then validated
/// with the feature gates the profile needs.
pub fn api_validation(r: &ResolvedProfile) -> Vec<scaleplan_hpa::FieldError> {
    let spec = scaleplan_hpa::defaults::apply_defaults(&hpa_spec(r));
    scaleplan_hpa::validate(&spec, None, &feature_gates(r))
}
