//! Conversion from a k8s-openapi autoscaling/v2 HorizontalPodAutoscaler to [`HpaSpec`]:
//! quantities become milli-units; unparseable quantities are reported with their field.

use crate::field_path::FieldPath;
use crate::model::{
    Behavior, ContainerResourceMetricSource, CrossVersionObjectReference, ExternalMetricSource,
    HpaSpec, MetricIdentifier, MetricSourceType, MetricSpec, MetricTarget, ObjectMetricSource,
    PodsMetricSource, PolicyType, ResourceMetricSource, ScalingPolicy, ScalingRules, SelectPolicy,
};
use crate::quantity::{Quantity, QuantityError};
use k8s_openapi::api::autoscaling::v2 as k8s;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::fmt;

/// A field of the object that could not be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionError {
    /// autoscaling/v2 path, e.g. `spec.metrics[0].external.target.averageValue`.
    pub field: String,
    pub error: QuantityError,
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.error)
    }
}

impl std::error::Error for ConversionError {}

/// Converts an HPA object (its `spec`; a missing spec converts to an empty one that
/// validation will reject). Returns every unparseable quantity, not just the first.
pub fn hpa_spec_from_k8s(
    hpa: &k8s::HorizontalPodAutoscaler,
) -> Result<HpaSpec, Vec<ConversionError>> {
    let mut errs = Vec::new();
    let spec = match &hpa.spec {
        Some(s) => convert_spec(s, &mut errs),
        None => HpaSpec::default(),
    };
    if errs.is_empty() { Ok(spec) } else { Err(errs) }
}

/// Converts a bare `HorizontalPodAutoscalerSpec`.
pub fn convert_spec(
    s: &k8s::HorizontalPodAutoscalerSpec,
    errs: &mut Vec<ConversionError>,
) -> HpaSpec {
    let spec = FieldPath::Root("spec");
    let metrics = spec.field("metrics");
    let behavior = spec.field("behavior");
    HpaSpec {
        min_replicas: s.min_replicas,
        max_replicas: s.max_replicas,
        scale_target_ref: reference(&s.scale_target_ref),
        metrics: s
            .metrics
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, m)| metric(m, &metrics.index(i), errs))
            .collect(),
        behavior: s.behavior.as_ref().map(|b| Behavior {
            scale_up: b
                .scale_up
                .as_ref()
                .map(|r| rules(r, &behavior.field("scaleUp"), errs)),
            scale_down: b
                .scale_down
                .as_ref()
                .map(|r| rules(r, &behavior.field("scaleDown"), errs)),
        }),
    }
}

fn reference(r: &k8s::CrossVersionObjectReference) -> CrossVersionObjectReference {
    CrossVersionObjectReference {
        kind: r.kind.clone(),
        name: r.name.clone(),
        api_version: r.api_version.clone(),
    }
}

/// Parses `q`; the path is rendered only if it fails (nearly all quantities parse).
fn quantity(
    q: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    field: &FieldPath,
    errs: &mut Vec<ConversionError>,
) -> Option<Quantity> {
    let q = q?;
    match Quantity::parse(&q.0) {
        Ok(v) => Some(v),
        Err(error) => {
            errs.push(ConversionError {
                field: field.to_string(),
                error,
            });
            None
        }
    }
}

fn target(
    t: &k8s::MetricTarget,
    path: &FieldPath,
    errs: &mut Vec<ConversionError>,
) -> MetricTarget {
    MetricTarget {
        target_type: Some(t.type_.clone()).filter(|s| !s.is_empty()),
        value_milli: quantity(t.value.as_ref(), &path.field("value"), errs)
            .map(|q| q.milli_value()),
        average_value_milli: quantity(t.average_value.as_ref(), &path.field("averageValue"), errs)
            .map(|q| q.milli_value()),
        average_utilization: t.average_utilization,
    }
}

fn identifier(m: &k8s::MetricIdentifier) -> MetricIdentifier {
    MetricIdentifier {
        name: m.name.clone(),
        selector: m.selector.as_ref().map(selector_string),
    }
}

/// A label selector in its string form (`k=v,k in (a,b),!k`).
pub fn selector_string(s: &LabelSelector) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (k, v) in s.match_labels.iter().flatten() {
        parts.push(format!("{k}={v}"));
    }
    for e in s.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => format!("{} {op} ({values})", e.key),
        });
    }
    parts.join(",")
}

fn metric(m: &k8s::MetricSpec, path: &FieldPath, errs: &mut Vec<ConversionError>) -> MetricSpec {
    MetricSpec {
        source_type: MetricSourceType::from(m.type_.as_str()),
        object: m.object.as_ref().map(|o| ObjectMetricSource {
            described_object: reference(&o.described_object),
            metric: identifier(&o.metric),
            target: target(&o.target, &path.field("object").field("target"), errs),
        }),
        pods: m.pods.as_ref().map(|p| PodsMetricSource {
            metric: identifier(&p.metric),
            target: target(&p.target, &path.field("pods").field("target"), errs),
        }),
        resource: m.resource.as_ref().map(|r| ResourceMetricSource {
            name: r.name.clone(),
            target: target(&r.target, &path.field("resource").field("target"), errs),
        }),
        container_resource: m
            .container_resource
            .as_ref()
            .map(|r| ContainerResourceMetricSource {
                name: r.name.clone(),
                container: r.container.clone(),
                target: target(
                    &r.target,
                    &path.field("containerResource").field("target"),
                    errs,
                ),
            }),
        external: m.external.as_ref().map(|e| ExternalMetricSource {
            metric: identifier(&e.metric),
            target: target(&e.target, &path.field("external").field("target"), errs),
        }),
    }
}

fn rules(
    r: &k8s::HPAScalingRules,
    path: &FieldPath,
    errs: &mut Vec<ConversionError>,
) -> ScalingRules {
    ScalingRules {
        stabilization_window_seconds: r.stabilization_window_seconds,
        select_policy: r.select_policy.as_deref().map(SelectPolicy::from),
        policies: r.policies.as_ref().map(|ps| {
            ps.iter()
                .map(|p| ScalingPolicy {
                    policy_type: PolicyType::from(p.type_.as_str()),
                    value: p.value,
                    period_seconds: p.period_seconds,
                })
                .collect()
        }),
        tolerance: quantity(r.tolerance.as_ref(), &path.field("tolerance"), errs)
            .map(|q| q.as_approximate_f64()),
        tolerance_milli: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: serde_json::Value) -> k8s::HorizontalPodAutoscaler {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn converts_quantities_to_milli() {
        let hpa = parse(serde_json::json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "w"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "w"},
                "minReplicas": 1, "maxReplicas": 10,
                "metrics": [{"type": "External", "external": {
                    "metric": {"name": "q", "selector": {"matchLabels": {"queue": "celery"}}},
                    "target": {"type": "AverageValue", "averageValue": "500m"}}}],
                "behavior": {"scaleDown": {"tolerance": "0.05", "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}}
            }
        }));
        let spec = hpa_spec_from_k8s(&hpa).unwrap();
        let ext = spec.metrics[0].external.as_ref().unwrap();
        assert_eq!(ext.target.average_value_milli, Some(500));
        assert_eq!(ext.metric.selector.as_deref(), Some("queue=celery"));
        assert_eq!(
            spec.behavior.unwrap().scale_down.unwrap().tolerance,
            Some(0.05)
        );
    }

    #[test]
    fn reports_every_bad_quantity_with_its_field() {
        let hpa = parse(serde_json::json!({
            "metadata": {},
            "spec": {
                "scaleTargetRef": {"kind": "Deployment", "name": "w"}, "maxReplicas": 3,
                "metrics": [{"type": "Resource", "resource": {"name": "memory",
                    "target": {"type": "AverageValue", "averageValue": "1.5 GB"}}}],
                "behavior": {"scaleUp": {"tolerance": "lots"}}
            }
        }));
        let errs = hpa_spec_from_k8s(&hpa).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(
            errs[0].field,
            "spec.metrics[0].resource.target.averageValue"
        );
        assert!(errs[0].to_string().contains("invalid quantity \"1.5 GB\""));
        assert_eq!(errs[1].field, "spec.behavior.scaleUp.tolerance");
    }
}
