//! The `controller_sync` kind: one whole sync from the vector's HPA, scale, pods and metrics.

use super::Mismatch;
use super::json::{array_of, bool_of, f64_of, field, i32_of, i64_of, opt_i64, str_of, typed};
use super::kinds::{NOW, VectorError, compare, events, recommendations};
use super::pod_vectors::{obj, pod};
use crate::controller::{ControllerConfig, HpaState, Scale, sync};
use crate::model::{
    Behavior, ContainerResourceMetricSource, CrossVersionObjectReference, ExternalMetricSource,
    HpaSpec, MetricIdentifier, MetricSourceType, MetricSpec, MetricTarget, ObjectMetricSource,
    PodsMetricSource, ResourceMetricSource,
};
use crate::observations::{
    ContainerRequests, ContainerUsage, GO_ZERO_TIME_S, MetricFetch, Observations, PodMetricSample,
    PodResourceSample,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A `controller_sync` metric spec (flat: `name`/`container`/`metric`/`described_object`).
fn flat_metric(m: &Value) -> Result<MetricSpec, VectorError> {
    let source_type = MetricSourceType::from(str_of(m, "type")?.to_string());
    let target: MetricTarget = match m.get("target") {
        None | Some(Value::Null) => MetricTarget::default(),
        Some(t) => typed(t, "target")?,
    };
    let name = || {
        m.get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let metric = || MetricIdentifier {
        name: m
            .get("metric")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        selector: m
            .get("selector")
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    let mut spec = MetricSpec {
        source_type: source_type.clone(),
        ..Default::default()
    };
    match source_type {
        MetricSourceType::Resource => {
            spec.resource = Some(ResourceMetricSource {
                name: name(),
                target,
            })
        }
        MetricSourceType::ContainerResource => {
            spec.container_resource = Some(ContainerResourceMetricSource {
                name: name(),
                container: m
                    .get("container")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                target,
            })
        }
        MetricSourceType::Pods => {
            spec.pods = Some(PodsMetricSource {
                metric: metric(),
                target,
            })
        }
        MetricSourceType::Object => {
            let described_object: CrossVersionObjectReference = match m.get("described_object") {
                None | Some(Value::Null) => Default::default(),
                Some(d) => typed(d, "described_object")?,
            };
            spec.object = Some(ObjectMetricSource {
                described_object,
                metric: metric(),
                target,
            })
        }
        MetricSourceType::External => {
            spec.external = Some(ExternalMetricSource {
                metric: metric(),
                target,
            })
        }
        _ => {}
    }
    Ok(spec)
}

fn controller_config(c: &Value) -> Result<ControllerConfig, VectorError> {
    let d = ControllerConfig::default();
    let f = |k: &str, default: f64| -> Result<f64, VectorError> {
        match c.get(k) {
            None | Some(Value::Null) => Ok(default),
            Some(_) => f64_of(c, k),
        }
    };
    Ok(ControllerConfig {
        tolerance: f("tolerance", d.tolerance)?,
        downscale_stabilization_window_s: opt_i64(c, "downscale_stabilization_window_s")?
            .unwrap_or(d.downscale_stabilization_window_s),
        cpu_initialization_period_s: opt_i64(c, "cpu_initialization_period_s")?
            .unwrap_or(d.cpu_initialization_period_s),
        delay_of_initial_readiness_s: opt_i64(c, "delay_of_initial_readiness_s")?
            .unwrap_or(d.delay_of_initial_readiness_s),
        scale_up_limit_factor: f("scale_up_limit_factor", d.scale_up_limit_factor)?,
        scale_up_limit_minimum: f("scale_up_limit_minimum", d.scale_up_limit_minimum)?,
        pod_level_resources: false,
    })
}

fn observations(input: &Value) -> Result<Observations, VectorError> {
    let mut obs = Observations::default();
    for p in array_of(input, "pods")? {
        let containers = array_of(p, "containers")?
            .iter()
            .map(|c| {
                let mut requests = BTreeMap::new();
                if let Some(r) = opt_i64(c, "request_milli")? {
                    // The upstream harness gives containers a cpu request only.
                    requests.insert("cpu".to_string(), r);
                }
                Ok(ContainerRequests {
                    name: str_of(c, "name")?.to_string(),
                    requests,
                    restartable_init: false,
                })
            })
            .collect::<Result<Vec<_>, VectorError>>()?;
        obs.pods.push(pod(p, containers)?);
    }
    for m in array_of(input, "resource_metrics")? {
        let containers = array_of(m, "containers")?
            .iter()
            .map(|c| {
                let mut usage = BTreeMap::new();
                for (k, v) in c.as_object().into_iter().flatten() {
                    if let (Some(res), Some(n)) = (k.strip_suffix("_milli"), v.as_i64()) {
                        usage.insert(res.to_string(), n);
                    }
                }
                Ok(ContainerUsage {
                    name: str_of(c, "name")?.to_string(),
                    usage,
                })
            })
            .collect::<Result<Vec<_>, VectorError>>()?;
        obs.resource_metrics.push(PodResourceSample {
            pod: str_of(m, "pod")?.to_string(),
            timestamp_s: opt_i64(m, "timestamp_s")?.unwrap_or(GO_ZERO_TIME_S),
            window_s: opt_i64(m, "window_s")?.unwrap_or(60),
            containers,
        });
    }
    if let Some(custom) = input.get("custom_metrics").and_then(Value::as_object) {
        for (key, v) in custom {
            match key.split_once('/') {
                Some(("pods", name)) => {
                    let samples = v
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|s| {
                            Ok(PodMetricSample {
                                pod: str_of(s, "pod")?.to_string(),
                                value_milli: i64_of(s, "value_milli")?,
                                timestamp_s: opt_i64(s, "timestamp_s")?.unwrap_or(NOW),
                                window_s: opt_i64(s, "window_s")?.unwrap_or(60),
                            })
                        })
                        .collect::<Result<Vec<_>, VectorError>>()?;
                    obs.pod_metrics.insert(name.to_string(), samples);
                }
                Some(("object", name)) => {
                    if let Some(n) = v.as_i64() {
                        obs.object_metrics.insert(name.to_string(), n);
                    }
                }
                Some(("external", name)) => {
                    let values = v
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_i64)
                        .collect();
                    obs.external_metrics.insert(name.to_string(), values);
                }
                _ => {
                    return Err(VectorError::Malformed(format!(
                        "unknown custom metric key {key:?}"
                    )));
                }
            }
        }
    }
    for f in array_of(input, "failing_metrics")? {
        let f = f
            .as_str()
            .ok_or_else(|| VectorError::Malformed("failing metric is not a string".into()))?;
        obs.failing.insert(match f.split_once('/') {
            None if f == "resource" => MetricFetch::Resource,
            Some(("pods", n)) => MetricFetch::Pods(n.into()),
            Some(("object", n)) => MetricFetch::Object(n.into()),
            Some(("external", n)) => MetricFetch::External(n.into()),
            _ => {
                return Err(VectorError::Malformed(format!(
                    "unknown failing metric {f:?}"
                )));
            }
        });
    }
    Ok(obs)
}

pub(super) fn controller_sync(input: &Value, expected: &Value) -> Result<(), VectorError> {
    let config = match input.get("controller") {
        None | Some(Value::Null) => ControllerConfig::default(),
        Some(c) => controller_config(c)?,
    };
    let h = field(input, "hpa")?;
    let behavior: Option<Behavior> = match h.get("behavior") {
        None | Some(Value::Null) => None,
        Some(b) => Some(typed(b, "behavior")?),
    };
    let hpa = HpaSpec {
        min_replicas: opt_i64(h, "min_replicas")?.map(|v| v as i32),
        max_replicas: i32_of(h, "max_replicas")?,
        scale_target_ref: CrossVersionObjectReference::default(),
        metrics: array_of(h, "metrics")?
            .iter()
            .map(flat_metric)
            .collect::<Result<_, _>>()?,
        behavior,
    };
    let s = field(input, "scale")?;
    let scale = Scale {
        spec_replicas: i32_of(s, "spec_replicas")?,
        status_replicas: i32_of(s, "status_replicas")?,
    };
    let mut state = HpaState {
        recommendations: match input.get("recommendations") {
            None | Some(Value::Null) => None,
            Some(_) => Some(recommendations(input, "recommendations")?),
        },
        scale_up_events: events(input, "scale_up_events")?,
        scale_down_events: events(input, "scale_down_events")?,
    };
    let out = sync(&config, &hpa, &mut state, NOW, scale, &observations(input)?);
    let _ = bool_of(expected, "metrics_error");
    compare(
        expected,
        obj(vec![
            ("replicas", json!(out.desired_replicas)),
            ("metrics_error", json!(out.error.is_some())),
        ]),
    )
    .map_err(|e| match e {
        VectorError::Mismatch(m) => VectorError::Mismatch(Mismatch {
            expected: m.expected,
            got: format!(
                "{} (proposals {:?}, recommendation {:?}, stabilized {:?}, limit {})",
                m.got,
                out.metrics
                    .iter()
                    .map(|p| p.result.clone())
                    .collect::<Vec<_>>(),
                out.recommendation,
                out.stabilized,
                out.limit_reason.as_str()
            ),
        }),
        other => other,
    })
}
