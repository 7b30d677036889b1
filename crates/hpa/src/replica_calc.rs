//! One metric's replica proposal (`ReplicaCalculator`, hpa-algorithm.md §4–§6).
//!
//! Every expression mirrors upstream's integer and float64 arithmetic: integer divisions
//! truncate, ratios are float64, `ceil` is taken in float64 and converted like Go does.

use crate::go_math::{ceil_i32, trunc_i64};
use crate::observations::{PodMetric, PodMetricsInfo, PodObservation, PodPhase};
use crate::pod_groups::{CpuReadiness, group_pods};
use crate::tolerance::Tolerances;
use std::collections::HashMap;

/// Proposal of a Resource/ContainerResource Utilization metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtilizationProposal {
    pub replicas: i32,
    /// First-pass utilization, integer percent of the summed requests.
    pub utilization: i32,
    /// First-pass raw average usage (milli-units).
    pub raw_average_milli: i64,
}

/// Proposal of a value-based metric (AverageValue resource, Pods, Object, External).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageProposal {
    pub replicas: i32,
    /// The usage the status reports (milli-units).
    pub usage_milli: i64,
}

/// The pods and timing one sync's calculations share.
#[derive(Debug, Clone, Copy)]
pub struct ReplicaCalculator<'a> {
    pub pods: &'a [PodObservation],
    pub timing: CpuReadiness,
    pub now_s: i64,
    /// The `PodLevelResources` gate: use pod-level requests where a pod sets them.
    pub pod_level_resources: bool,
}

const NO_PODS: &str = "no pods returned by selector while calculating replica count";
const NO_READY_METRICS: &str = "did not receive metrics for targeted pods (pods might be unready)";

impl<'a> ReplicaCalculator<'a> {
    /// Resource utilization target (`GetResourceReplicas`, §6.1). `metrics` is what the
    /// resource metrics API returned (already restricted to `container` if given).
    pub fn resource_utilization(
        &self,
        current_replicas: i32,
        target_utilization: i32,
        resource: &str,
        container: Option<&str>,
        mut metrics: PodMetricsInfo<'a>,
        tol: Tolerances,
    ) -> Result<UtilizationProposal, String> {
        if self.pods.is_empty() {
            return Err(NO_PODS.into());
        }
        let groups = group_pods(self.pods, &metrics, Some(resource), self.timing, self.now_s);
        for name in groups.ignored.iter().chain(&groups.unready) {
            metrics.remove(*name);
        }
        if metrics.is_empty() {
            return Err(NO_READY_METRICS.into());
        }
        let requests = self.requests(container, resource)?;
        let (ratio, utilization, raw) = utilization_ratio(&metrics, &requests, target_utilization)?;
        let done = |replicas| UtilizationProposal {
            replicas,
            utilization,
            raw_average_milli: raw,
        };

        let scale_up_with_unready = !groups.unready.is_empty() && ratio > 1.0;
        if !scale_up_with_unready && groups.missing.is_empty() {
            if tol.is_within(ratio) {
                return Ok(done(current_replicas));
            }
            return Ok(done(ceil_i32(ratio * groups.ready_count as f64)));
        }

        if !groups.missing.is_empty() {
            if ratio < 1.0 {
                // Scale-down: a missing pod counts as 100% of its request (or the target
                // when that is above 100%).
                let fallback = i64::from(target_utilization.max(100));
                for &name in &groups.missing {
                    let request = requests.get(name).copied().unwrap_or(0);
                    metrics.insert(name, filled(request.wrapping_mul(fallback) / 100));
                }
            } else if ratio > 1.0 {
                for &name in &groups.missing {
                    metrics.insert(name, filled(0));
                }
            }
        }
        if scale_up_with_unready {
            for &name in &groups.unready {
                metrics.insert(name, filled(0));
            }
        }

        let (new_ratio, _, _) = utilization_ratio(&metrics, &requests, target_utilization)?;
        if tol.is_within(new_ratio) || direction_flipped(ratio, new_ratio) {
            return Ok(done(current_replicas));
        }
        let new_replicas = ceil_i32(new_ratio * metrics.len() as f64);
        if (new_ratio < 1.0 && new_replicas > current_replicas)
            || (new_ratio > 1.0 && new_replicas < current_replicas)
        {
            return Ok(done(current_replicas));
        }
        Ok(done(new_replicas))
    }

    /// Plain per-pod average against a target value (`calcPlainMetricReplicas`, §6.2/§6.4).
    /// `resource` is `Some("cpu")` only for a cpu AverageValue metric, which brings in the
    /// CPU readiness rules.
    pub fn plain_metric(
        &self,
        current_replicas: i32,
        target_usage: i64,
        resource: Option<&str>,
        mut metrics: PodMetricsInfo<'a>,
        tol: Tolerances,
    ) -> Result<UsageProposal, String> {
        if self.pods.is_empty() {
            return Err(NO_PODS.into());
        }
        let groups = group_pods(self.pods, &metrics, resource, self.timing, self.now_s);
        for name in groups.ignored.iter().chain(&groups.unready) {
            metrics.remove(*name);
        }
        if metrics.is_empty() {
            return Err(NO_READY_METRICS.into());
        }
        let (ratio, usage) = usage_ratio(&metrics, target_usage);
        let done = |replicas| UsageProposal {
            replicas,
            usage_milli: usage,
        };

        let scale_up_with_unready = !groups.unready.is_empty() && ratio > 1.0;
        if !scale_up_with_unready && groups.missing.is_empty() {
            if tol.is_within(ratio) {
                return Ok(done(current_replicas));
            }
            return Ok(done(ceil_i32(ratio * groups.ready_count as f64)));
        }

        if !groups.missing.is_empty() {
            if ratio < 1.0 {
                // Scale-down: a missing pod counts as exactly the target.
                for &name in &groups.missing {
                    metrics.insert(name, filled(target_usage));
                }
            } else if ratio > 1.0 {
                for &name in &groups.missing {
                    metrics.insert(name, filled(0));
                }
            }
        }
        if scale_up_with_unready {
            for &name in &groups.unready {
                metrics.insert(name, filled(0));
            }
        }

        let (new_ratio, _) = usage_ratio(&metrics, target_usage);
        if tol.is_within(new_ratio) || direction_flipped(ratio, new_ratio) {
            return Ok(done(current_replicas));
        }
        let new_replicas = ceil_i32(new_ratio * metrics.len() as f64);
        if (new_ratio < 1.0 && new_replicas > current_replicas)
            || (new_ratio > 1.0 && new_replicas < current_replicas)
        {
            return Ok(done(current_replicas));
        }
        Ok(done(new_replicas))
    }

    /// Object metric with a Value target (`GetObjectMetricReplicas`, §6.5).
    pub fn object_value(
        &self,
        current_replicas: i32,
        usage: i64,
        target_value: i64,
        tol: Tolerances,
    ) -> Result<UsageProposal, String> {
        let ratio = usage as f64 / target_value as f64;
        let replicas = self.usage_ratio_replica_count(current_replicas, ratio, tol)?;
        Ok(UsageProposal {
            replicas,
            usage_milli: usage,
        })
    }

    /// External metric with a Value target (`GetExternalMetricReplicas`, §6.7).
    pub fn external_value(
        &self,
        current_replicas: i32,
        values: &[i64],
        target_value: i64,
        tol: Tolerances,
    ) -> Result<UsageProposal, String> {
        let mut usage: i64 = 0;
        for &v in values {
            // Saturate instead of overflowing (newest upstream).
            if v > 0 && usage > i64::MAX - v {
                usage = i64::MAX;
                break;
            }
            usage = usage.wrapping_add(v);
        }
        let ratio = usage as f64 / target_value as f64;
        let replicas = self.usage_ratio_replica_count(current_replicas, ratio, tol)?;
        Ok(UsageProposal {
            replicas,
            usage_milli: usage,
        })
    }

    /// `getUsageRatioReplicaCount`: the ready-pod multiplier, or `ceil(ratio)` from zero.
    fn usage_ratio_replica_count(
        &self,
        current_replicas: i32,
        ratio: f64,
        tol: Tolerances,
    ) -> Result<i32, String> {
        if current_replicas == 0 {
            // Scale from (or to) zero: no tolerance, no pod count.
            return Ok(ceil_i32(ratio));
        }
        if tol.is_within(ratio) {
            return Ok(current_replicas);
        }
        let ready = self
            .ready_pods_count()
            .map_err(|e| format!("unable to calculate ready pods: {e}"))?;
        let replicas = ratio * ready as f64;
        Ok(if replicas > f64::from(i32::MAX) {
            i32::MAX
        } else {
            ceil_i32(replicas)
        })
    }

    /// Running pods whose Ready condition is True (`getReadyPodsCount`).
    pub fn ready_pods_count(&self) -> Result<i64, String> {
        if self.pods.is_empty() {
            return Err(NO_PODS.into());
        }
        Ok(self
            .pods
            .iter()
            .filter(|p| p.phase == PodPhase::Running && p.ready == Some(true))
            .count() as i64)
    }

    /// Per-pod request of `resource` (`calculateRequests`): the named container's, or the
    /// sum over containers; any counted container without the request fails the metric.
    pub fn requests(
        &self,
        container: Option<&str>,
        resource: &str,
    ) -> Result<HashMap<&'a str, i64>, String> {
        let mut out = HashMap::with_capacity(self.pods.len());
        for pod in self.pods {
            let pod_level = self.pod_level_resources
                && container.is_none()
                && pod.pod_requests.as_ref().is_some_and(|r| !r.is_empty());
            let request = if pod_level {
                let reqs = pod.pod_requests.as_ref().expect("checked above");
                *reqs.get(resource).ok_or_else(|| {
                    format!(
                        "missing pod-level request for {resource} in Pod {}",
                        pod.name
                    )
                })?
            } else {
                pod_request_from_containers(pod, container, resource)?
            };
            out.insert(pod.name.as_str(), request);
        }
        Ok(out)
    }
}

fn pod_request_from_containers(
    pod: &PodObservation,
    container: Option<&str>,
    resource: &str,
) -> Result<i64, String> {
    let mut request: i64 = 0;
    for c in &pod.containers {
        if container.is_none() || container == Some(c.name.as_str()) {
            let r = c.requests.get(resource).ok_or_else(|| {
                format!(
                    "missing request for {resource} in container {} of Pod {}",
                    c.name, pod.name
                )
            })?;
            request = request.wrapping_add(*r);
        }
        if container == Some(c.name.as_str()) {
            return Ok(request);
        }
    }
    match container {
        Some(name) => Err(format!("container {name} not found in Pod {}", pod.name)),
        None => Ok(request),
    }
}

/// Object metric with an AverageValue target (`GetObjectPerPodMetricReplicas`, §6.6).
pub fn object_per_pod(
    status_replicas: i32,
    usage: i64,
    target_average: i64,
    tol: Tolerances,
) -> UsageProposal {
    let mut replicas = status_replicas;
    let ratio = usage as f64 / (target_average as f64 * f64::from(status_replicas));
    if !tol.is_within(ratio) {
        replicas = ceil_i32(usage as f64 / target_average as f64);
    }
    let usage_milli = trunc_i64((usage as f64 / f64::from(status_replicas)).ceil());
    UsageProposal {
        replicas,
        usage_milli,
    }
}

/// External metric with an AverageValue target (`GetExternalPerPodMetricReplicas`, §6.8).
pub fn external_per_pod(
    status_replicas: i32,
    values: &[i64],
    target_average: i64,
    tol: Tolerances,
) -> UsageProposal {
    let mut usage: i64 = 0;
    for &v in values {
        usage = usage.wrapping_add(v);
        if usage < 0 {
            // Only an int64 overflow gets here.
            usage = i64::MAX;
            break;
        }
    }
    let mut replicas = status_replicas;
    let ratio = usage as f64 / (target_average as f64 * f64::from(status_replicas));
    if !tol.is_within(ratio) {
        let r = (usage as f64 / target_average as f64).ceil();
        replicas = if r > f64::from(i32::MAX) {
            i32::MAX
        } else {
            ceil_i32(r)
        };
    }
    let usage_milli = if usage as f64 >= i64::MAX as f64 {
        i64::MAX
    } else {
        trunc_i64((usage as f64 / f64::from(status_replicas)).ceil())
    };
    UsageProposal {
        replicas,
        usage_milli,
    }
}

fn filled(value: i64) -> PodMetric {
    PodMetric {
        value,
        timestamp_s: 0,
        window_s: 0,
    }
}

fn direction_flipped(ratio: f64, new_ratio: f64) -> bool {
    (ratio < 1.0 && new_ratio > 1.0) || (ratio > 1.0 && new_ratio < 1.0)
}

/// `GetResourceUtilizationRatio` (§4): utilization = floor(100·Σusage/Σrequest) over pods
/// that have both a sample and a request; returns (ratio, utilization, raw average).
/// Sums are exact (i128), as the newest upstream falls back to big integers.
pub fn utilization_ratio(
    metrics: &PodMetricsInfo<'_>,
    requests: &HashMap<&str, i64>,
    target_utilization: i32,
) -> Result<(f64, i32, i64), String> {
    let (mut usage_total, mut request_total, mut n) = (0i128, 0i128, 0i128);
    for (pod, m) in metrics {
        if let Some(r) = requests.get(pod) {
            usage_total += i128::from(m.value);
            request_total += i128::from(*r);
            n += 1;
        }
    }
    if request_total == 0 {
        return Err("no metrics returned matched known pods".into());
    }
    let pct = usage_total * 100 / request_total;
    let utilization = i32::try_from(pct)
        .map_err(|_| format!("resource utilization {pct} is outside the int32 range"))?;
    let raw = (usage_total / n) as i64;
    Ok((
        f64::from(utilization) / f64::from(target_utilization),
        utilization,
        raw,
    ))
}

/// `GetMetricUsageRatio` (§4): usage = floor(Σ/n); returns (ratio, usage).
pub fn usage_ratio(metrics: &PodMetricsInfo<'_>, target_usage: i64) -> (f64, i64) {
    let total: i128 = metrics.values().map(|m| i128::from(m.value)).sum();
    let usage = (total / metrics.len() as i128) as i64;
    (usage as f64 / target_usage as f64, usage)
}

#[cfg(test)]
#[path = "replica_calc_tests.rs"]
mod tests;
