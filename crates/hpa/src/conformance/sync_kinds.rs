//! The kinds that need pods and metrics: `replica_calc`, `group_pods`, `controller_sync`.

use super::Mismatch;
use super::json::{array_of, bool_of, f64_of, field, i32_of, i64_of, opt_i64, str_of, typed};
use super::kinds::{NOW, VectorError, compare, events, recommendations};
use crate::controller::{ControllerConfig, HpaState, Scale, sync};
use crate::model::{
    Behavior, ContainerResourceMetricSource, CrossVersionObjectReference, ExternalMetricSource,
    HpaSpec, MetricIdentifier, MetricSourceType, MetricSpec, MetricTarget, ObjectMetricSource,
    PodsMetricSource, ResourceMetricSource,
};
use crate::observations::{
    ContainerRequests, ContainerUsage, GO_ZERO_TIME_S, MetricFetch, Observations, PodMetric,
    PodMetricSample, PodMetricsInfo, PodObservation, PodPhase, PodResourceSample,
};
use crate::pod_groups::{CpuReadiness, group_pods};
use crate::replica_calc::{ReplicaCalculator, external_per_pod, object_per_pod};
use crate::tolerance::Tolerances;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A pod of a vector; `containers` builds its spec.
fn pod(v: &Value, containers: Vec<ContainerRequests>) -> Result<PodObservation, VectorError> {
    let phase: PodPhase = typed(field(v, "phase")?, "phase")?;
    let ready = match v.get("ready") {
        None | Some(Value::Null) => None,
        Some(b) => Some(
            b.as_bool()
                .ok_or_else(|| VectorError::Malformed("`ready` is not a boolean".into()))?,
        ),
    };
    Ok(PodObservation {
        name: str_of(v, "name")?.to_string(),
        phase,
        ready,
        ready_transition_s: opt_i64(v, "ready_transition_s")?.unwrap_or(GO_ZERO_TIME_S),
        start_time_s: opt_i64(v, "start_time_s")?,
        deleting: v.get("deleting").and_then(Value::as_bool).unwrap_or(false),
        containers,
        pod_requests: None,
    })
}

fn timing(input: &Value) -> Result<CpuReadiness, VectorError> {
    let defaults = ControllerConfig::default();
    match input.get("controller") {
        None | Some(Value::Null) => Ok(defaults.cpu_readiness()),
        Some(c) => Ok(CpuReadiness {
            cpu_initialization_period_s: opt_i64(c, "cpu_initialization_period_s")?
                .unwrap_or(defaults.cpu_initialization_period_s),
            delay_of_initial_readiness_s: opt_i64(c, "delay_of_initial_readiness_s")?
                .unwrap_or(defaults.delay_of_initial_readiness_s),
        }),
    }
}

fn pod_metrics(input: &Value) -> Result<PodMetricsInfo, VectorError> {
    array_of(input, "pod_metrics")?
        .iter()
        .map(|m| {
            Ok((
                str_of(m, "pod")?.to_string(),
                PodMetric {
                    value: i64_of(m, "value_milli")?,
                    timestamp_s: opt_i64(m, "timestamp_s")?.unwrap_or(GO_ZERO_TIME_S),
                    window_s: opt_i64(m, "window_s")?.unwrap_or(0),
                },
            ))
        })
        .collect()
}

pub(super) fn group_pods_vector(input: &Value, expected: &Value) -> Result<(), VectorError> {
    let pods = array_of(input, "pods")?
        .iter()
        .map(|p| pod(p, Vec::new()))
        .collect::<Result<Vec<_>, _>>()?;
    let resource = match input.get("resource") {
        None | Some(Value::Null) => None,
        Some(r) => r.as_str(),
    };
    let g = group_pods(&pods, &pod_metrics(input)?, resource, timing(input)?, NOW);
    compare(
        expected,
        obj(vec![
            ("ready_count", json!(g.ready_count)),
            ("unready", json!(g.unready)),
            ("missing", json!(g.missing)),
            ("ignored", json!(g.ignored)),
        ]),
    )
}

pub(super) fn replica_calc(input: &Value, expected: &Value) -> Result<(), VectorError> {
    let source = str_of(input, "metric_source")?;
    let resource = input
        .get("resource")
        .and_then(Value::as_str)
        .unwrap_or("cpu")
        .to_string();
    let container = input
        .get("container")
        .and_then(Value::as_str)
        .map(str::to_string);
    // Requests are the pod-level sums (or the named container's): one container carries them.
    let pods = array_of(input, "pods")?
        .iter()
        .map(|p| {
            let name = container.clone().unwrap_or_else(|| "container".into());
            let requests = match opt_i64(p, "request_milli")? {
                Some(r) => BTreeMap::from([(resource.clone(), r)]),
                None => BTreeMap::new(),
            };
            pod(
                p,
                vec![ContainerRequests {
                    name,
                    requests,
                    restartable_init: false,
                }],
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    let tol = match input.get("tolerance") {
        None | Some(Value::Null) => Tolerances::symmetric(0.1),
        Some(t) => Tolerances {
            scale_up: f64_of(t, "scale_up")?,
            scale_down: f64_of(t, "scale_down")?,
        },
    };
    let calc = ReplicaCalculator {
        pods: &pods,
        timing: timing(input)?,
        now_s: NOW,
        pod_level_resources: false,
    };
    let current = i32_of(input, "current_replicas")?;
    let metrics = pod_metrics(input)?;
    let no_resource_metrics = format!(
        "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
    );
    let external = || -> Result<Vec<i64>, String> {
        let v: Vec<i64> = array_of(input, "external_values_milli")
            .map_err(|_| "bad external values".to_string())?
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        if v.is_empty() {
            Err(
                "unable to get external metric: no metrics returned from external metrics API"
                    .into(),
            )
        } else {
            Ok(v)
        }
    };
    let object = || -> Result<i64, String> {
        opt_i64(input, "object_value_milli")
            .ok()
            .flatten()
            .ok_or_else(|| "unable to get metric: no object metric value".to_string())
    };
    let result: Result<Map<String, Value>, String> = match source {
        "resource_utilization" | "container_resource_utilization" => {
            let target = i32_of(input, "target_utilization")?;
            let c = if source == "container_resource_utilization" {
                container.as_deref()
            } else {
                None
            };
            if metrics.is_empty() {
                Err(no_resource_metrics)
            } else {
                calc.resource_utilization(current, target, &resource, c, metrics, tol)
                    .map(|p| {
                        obj(vec![
                            ("replicas", json!(p.replicas)),
                            ("utilization", json!(p.utilization)),
                            ("raw_average_value_milli", json!(p.raw_average_milli)),
                        ])
                    })
            }
        }
        "resource_average_value" | "container_resource_average_value" => {
            let target = i64_of(input, "target_average_value_milli")?;
            if metrics.is_empty() {
                Err(no_resource_metrics)
            } else {
                calc.plain_metric(current, target, Some(&resource), metrics, tol)
                    .map(|p| {
                        obj(vec![
                            ("replicas", json!(p.replicas)),
                            ("usage_milli", json!(p.usage_milli)),
                        ])
                    })
            }
        }
        "pods_average_value" => {
            let target = i64_of(input, "target_average_value_milli")?;
            if metrics.is_empty() {
                Err("unable to get metric: no metrics returned from custom metrics API".into())
            } else {
                calc.plain_metric(current, target, None, metrics, tol)
                    .map(|p| {
                        obj(vec![
                            ("replicas", json!(p.replicas)),
                            ("usage_milli", json!(p.usage_milli)),
                        ])
                    })
            }
        }
        "object_value" => {
            let target = i64_of(input, "target_value_milli")?;
            object()
                .and_then(|v| calc.object_value(current, v, target, tol))
                .map(|p| {
                    obj(vec![
                        ("replicas", json!(p.replicas)),
                        ("usage_milli", json!(p.usage_milli)),
                    ])
                })
        }
        "object_average_value" => {
            let target = i64_of(input, "target_average_value_milli")?;
            object()
                .map(|v| object_per_pod(current, v, target, tol))
                .map(|p| {
                    obj(vec![
                        ("replicas", json!(p.replicas)),
                        ("usage_milli", json!(p.usage_milli)),
                    ])
                })
        }
        "external_value" => {
            let target = i64_of(input, "target_value_milli")?;
            external()
                .and_then(|v| calc.external_value(current, &v, target, tol))
                .map(|p| {
                    obj(vec![
                        ("replicas", json!(p.replicas)),
                        ("usage_milli", json!(p.usage_milli)),
                    ])
                })
        }
        "external_average_value" => {
            let target = i64_of(input, "target_average_value_milli")?;
            external()
                .map(|v| external_per_pod(current, &v, target, tol))
                .map(|p| {
                    obj(vec![
                        ("replicas", json!(p.replicas)),
                        ("usage_milli", json!(p.usage_milli)),
                    ])
                })
        }
        other => {
            return Err(VectorError::Malformed(format!(
                "unknown metric_source {other:?}"
            )));
        }
    };
    match (
        expected.get("error_contains").and_then(Value::as_str),
        result,
    ) {
        (Some(want), Err(e)) if e.contains(want) => Ok(()),
        (Some(_), got) => Err(VectorError::Mismatch(Mismatch {
            expected: expected.to_string(),
            got: match got {
                Ok(m) => Value::Object(m).to_string(),
                Err(e) => format!("error {e:?}"),
            },
        })),
        (None, Ok(got)) => compare(expected, got),
        (None, Err(e)) => Err(VectorError::Mismatch(Mismatch {
            expected: expected.to_string(),
            got: format!("error {e:?}"),
        })),
    }
}

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
