//! Per-metric proposals (which field chooses the path, hpa-algorithm.md §6.9) and how
//! several metrics combine (§7).

use crate::model::{MetricSourceType, MetricSpec};
use crate::observations::{MetricFetch, Observations, PodMetric, PodMetricsInfo};
use crate::replica_calc::{ReplicaCalculator, external_per_pod, object_per_pod};
use crate::tolerance::Tolerances;
use serde::Serialize;

/// What a metric's status reports next to its proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum MetricUsage {
    /// Resource utilization: whole percent of the requests, and the raw average usage.
    Utilization { percent: i32, average_milli: i64 },
    /// Average per pod (AverageValue targets), milli-units.
    AverageValue(i64),
    /// Total value (Object/External Value targets), milli-units.
    Value(i64),
}

/// One metric's result in a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetricProposal {
    /// Human name of the metric ("cpu resource", "pods/qps", "external/queue"...).
    pub metric: String,
    /// The proposed replica count and usage, or why the metric is invalid this sync.
    pub result: Result<(i32, MetricUsage), String>,
}

/// The shared inputs of every metric computation in one sync.
pub struct MetricContext<'a> {
    pub calc: ReplicaCalculator<'a>,
    pub observations: &'a Observations,
    pub spec_replicas: i32,
    pub status_replicas: i32,
    pub tolerances: Tolerances,
}

const SIMULATED_FAILURE: &str = "the metrics API returned an error";

impl<'a> MetricContext<'a> {
    /// `computeReplicasForMetric`: one metric spec's proposal, or its error (worded like
    /// upstream's so that messages read the same as `kubectl describe hpa`).
    pub fn propose(&self, spec: &MetricSpec) -> MetricProposal {
        let result = match spec.source_type {
            MetricSourceType::Object => self
                .object(spec)
                .map_err(|e| format!("failed to get object metric value: {e}")),
            MetricSourceType::Pods => self
                .pods(spec)
                .map_err(|e| format!("failed to get pods metric value: {e}")),
            MetricSourceType::Resource => {
                let name = spec
                    .resource
                    .as_ref()
                    .map(|r| r.name.clone())
                    .unwrap_or_default();
                self.resource(spec, false)
                    .map_err(|e| format!("failed to get {name} resource metric value: {e}"))
            }
            MetricSourceType::ContainerResource => {
                let name = spec.container_resource.as_ref().map(|r| r.name.clone());
                self.resource(spec, true).map_err(|e| {
                    format!(
                        "failed to get {} container metric value: {e}",
                        name.unwrap_or_default()
                    )
                })
            }
            MetricSourceType::External => {
                let name = spec.external.as_ref().map(|e| e.metric.name.clone());
                self.external(spec).map_err(|e| {
                    format!(
                        "failed to get {} external metric value: {e}",
                        name.unwrap_or_default()
                    )
                })
            }
            _ => Err(format!(
                "unknown metric source type {:?}",
                spec.source_type.as_str()
            )),
        };
        MetricProposal {
            metric: spec.display_name(),
            result,
        }
    }

    fn object(&self, spec: &MetricSpec) -> Result<(i32, MetricUsage), String> {
        let src = spec.object.as_ref().ok_or("object metric source not set")?;
        let t = &src.target;
        let fetch = || -> Result<i64, String> {
            let name = &src.metric.name;
            let value = if self
                .observations
                .failing
                .contains(&MetricFetch::Object(name.clone()))
            {
                None
            } else {
                self.observations.object_metrics.get(name).copied()
            };
            value.ok_or_else(|| {
                format!(
                    "unable to get metric {name}: {} {}: {SIMULATED_FAILURE}",
                    src.described_object.kind, src.described_object.name
                )
            })
        };
        if let (true, Some(target)) = (t.is_type("Value"), t.value_milli) {
            let usage = fetch()?;
            let p = self
                .calc
                .object_value(self.spec_replicas, usage, target, self.tolerances)?;
            return Ok((p.replicas, MetricUsage::Value(p.usage_milli)));
        }
        if let (true, Some(target)) = (t.is_type("AverageValue"), t.average_value_milli) {
            let usage = fetch()?;
            let p = object_per_pod(self.status_replicas, usage, target, self.tolerances);
            return Ok((p.replicas, MetricUsage::AverageValue(p.usage_milli)));
        }
        Err("invalid object metric source: neither a value target nor an average value target was set".into())
    }

    fn pods(&self, spec: &MetricSpec) -> Result<(i32, MetricUsage), String> {
        let src = spec.pods.as_ref().ok_or("pods metric source not set")?;
        let target = src
            .target
            .average_value_milli
            .ok_or("invalid pods metric source: no average value target was set")?;
        let name = &src.metric.name;
        let samples = match self.observations.pod_metrics.get(name) {
            _ if self
                .observations
                .failing
                .contains(&MetricFetch::Pods(name.clone())) =>
            {
                return Err(format!("unable to get metric {name}: {SIMULATED_FAILURE}"));
            }
            Some(s) if !s.is_empty() => s,
            _ => {
                return Err(format!(
                    "unable to get metric {name}: no metrics returned from custom metrics API"
                ));
            }
        };
        let metrics: PodMetricsInfo = samples
            .iter()
            .map(|s| {
                let m = PodMetric {
                    value: s.value_milli,
                    timestamp_s: s.timestamp_s,
                    window_s: s.window_s,
                };
                (s.pod.as_str(), m)
            })
            .collect();
        let p =
            self.calc
                .plain_metric(self.spec_replicas, target, None, metrics, self.tolerances)?;
        Ok((p.replicas, MetricUsage::AverageValue(p.usage_milli)))
    }

    fn resource(
        &self,
        spec: &MetricSpec,
        per_container: bool,
    ) -> Result<(i32, MetricUsage), String> {
        let (name, container, target) = if per_container {
            let s = spec
                .container_resource
                .as_ref()
                .ok_or("container resource metric source not set")?;
            (s.name.as_str(), Some(s.container.as_str()), &s.target)
        } else {
            let s = spec
                .resource
                .as_ref()
                .ok_or("resource metric source not set")?;
            (s.name.as_str(), None, &s.target)
        };
        if let Some(target) = target.average_value_milli {
            let metrics = self
                .resource_metrics(name, container)
                .map_err(|e| format!("failed to get {name} usage: {e}"))?;
            let p = self
                .calc
                .plain_metric(
                    self.spec_replicas,
                    target,
                    Some(name),
                    metrics,
                    self.tolerances,
                )
                .map_err(|e| format!("failed to get {name} usage: {e}"))?;
            return Ok((p.replicas, MetricUsage::AverageValue(p.usage_milli)));
        }
        let Some(target) = target.average_utilization else {
            return Err("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set".into());
        };
        let util = || -> Result<_, String> {
            let metrics = self.resource_metrics(name, container)?;
            self.calc.resource_utilization(
                self.spec_replicas,
                target,
                name,
                container,
                metrics,
                self.tolerances,
            )
        };
        let p = util().map_err(|e| format!("failed to get {name} utilization: {e}"))?;
        Ok((
            p.replicas,
            MetricUsage::Utilization {
                percent: p.utilization,
                average_milli: p.raw_average_milli,
            },
        ))
    }

    /// The resource metrics client: per-pod usage of `resource`, summed over containers or
    /// taken from the named one. Pods whose sample lacks it count as missing.
    fn resource_metrics(
        &self,
        resource: &str,
        container: Option<&str>,
    ) -> Result<PodMetricsInfo<'a>, String> {
        let obs = self.observations;
        let prefix = format!("unable to get metrics for resource {resource}");
        if obs.failing.contains(&MetricFetch::Resource) {
            return Err(format!(
                "{prefix}: unable to fetch metrics from resource metrics API: {SIMULATED_FAILURE}"
            ));
        }
        if obs.resource_metrics.is_empty() {
            return Err(format!(
                "{prefix}: no metrics returned from resource metrics API"
            ));
        }
        let mut out = PodMetricsInfo::with_capacity(obs.resource_metrics.len());
        for sample in &obs.resource_metrics {
            let value = match container {
                Some(c) => sample
                    .containers
                    .iter()
                    .find(|u| u.name == c)
                    .and_then(|u| u.usage.get(resource).copied()),
                None if sample.containers.is_empty() => None,
                None => sample
                    .containers
                    .iter()
                    .map(|u| u.usage.get(resource).copied())
                    .sum::<Option<i64>>(),
            };
            if let Some(value) = value {
                let m = PodMetric {
                    value,
                    timestamp_s: sample.timestamp_s,
                    window_s: sample.window_s,
                };
                out.insert(sample.pod.as_str(), m);
            }
        }
        Ok(out)
    }

    fn external(&self, spec: &MetricSpec) -> Result<(i32, MetricUsage), String> {
        let src = spec
            .external
            .as_ref()
            .ok_or("external metric source not set")?;
        let name = &src.metric.name;
        let fetch = || -> Result<&[i64], String> {
            let values = self.observations.external_metrics.get(name);
            match values {
                _ if self
                    .observations
                    .failing
                    .contains(&MetricFetch::External(name.clone())) =>
                {
                    Err(format!(
                        "unable to get external metric {name}: {SIMULATED_FAILURE}"
                    ))
                }
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(format!(
                    "unable to get external metric {name}: no metrics returned from external metrics API"
                )),
            }
        };
        if let Some(target) = src.target.average_value_milli {
            let values =
                fetch().map_err(|e| format!("failed to get {name} external metric: {e}"))?;
            let p = external_per_pod(self.status_replicas, values, target, self.tolerances);
            return Ok((p.replicas, MetricUsage::AverageValue(p.usage_milli)));
        }
        if let Some(target) = src.target.value_milli {
            let p = fetch()
                .and_then(|v| {
                    self.calc
                        .external_value(self.spec_replicas, v, target, self.tolerances)
                })
                .map_err(|e| format!("failed to get {name} external metric: {e}"))?;
            return Ok((p.replicas, MetricUsage::Value(p.usage_milli)));
        }
        Err("invalid external metric source: neither a value target nor an average value target was set".into())
    }
}

/// The combination of every metric's proposal (`computeReplicasForMetrics`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Combined {
    /// Max of the valid proposals; `-1` when the sync must not scale.
    pub replicas: i32,
    /// Name of the metric that proposed `replicas`.
    pub metric: Option<String>,
    /// "invalid metrics (N invalid out of M), first error is: ..." when any is invalid.
    pub error: Option<String>,
}

/// Max over valid proposals; fails when every metric is invalid, or when some are and the
/// result would scale *down* (misunderstanding §15.9).
pub fn combine(proposals: &[MetricProposal], spec_replicas: i32) -> Combined {
    let mut replicas = 0;
    let mut metric = None;
    let mut invalid = 0usize;
    let mut first_error = None;
    for p in proposals {
        match &p.result {
            Err(e) => {
                if invalid == 0 {
                    first_error = Some(e.clone());
                }
                invalid += 1;
            }
            Ok((r, _)) => {
                if replicas == 0 || *r > replicas {
                    replicas = *r;
                    metric = Some(p.metric.clone());
                }
            }
        }
    }
    let error = first_error.map(|e| {
        format!(
            "invalid metrics ({invalid} invalid out of {}), first error is: {e}",
            proposals.len()
        )
    });
    if invalid >= proposals.len() || (invalid > 0 && replicas < spec_replicas) {
        return Combined {
            replicas: -1,
            metric: None,
            error,
        };
    }
    Combined {
        replicas,
        metric,
        error,
    }
}
