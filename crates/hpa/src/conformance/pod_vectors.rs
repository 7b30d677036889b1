//! The kinds over pods and per-pod metrics: `group_pods` and `replica_calc`.

use super::Mismatch;
use super::json::{array_of, f64_of, field, i32_of, i64_of, opt_i64, str_of, typed};
use super::kinds::{NOW, VectorError, compare};
use crate::controller::ControllerConfig;
use crate::observations::{
    ContainerRequests, GO_ZERO_TIME_S, PodMetric, PodMetricsInfo, PodObservation, PodPhase,
};
use crate::pod_groups::{CpuReadiness, group_pods};
use crate::replica_calc::{ReplicaCalculator, external_per_pod, object_per_pod};
use crate::tolerance::Tolerances;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

pub(super) fn obj(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A pod of a vector; `containers` builds its spec.
pub(super) fn pod(
    v: &Value,
    containers: Vec<ContainerRequests>,
) -> Result<PodObservation, VectorError> {
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

fn pod_metrics(input: &Value) -> Result<PodMetricsInfo<'_>, VectorError> {
    array_of(input, "pod_metrics")?
        .iter()
        .map(|m| {
            Ok((
                str_of(m, "pod")?,
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
            let name = container.clone().unwrap_or_else(|| "container1".into());
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
