//! The simulation loop: the trace's time runs forward, the HPA syncs every
//! sync period through [`scaleplan_hpa::controller::sync`] (the simulator does
//! no HPA arithmetic of its own), the target's pods follow the replica count,
//! and in closed-loop mode the queue drains at the rate the ready pods serve.

use crate::feed::{ARRIVALS, Feed, MetricFeed, SharedKind};
use crate::pods::{Pods, REQUEST_MILLI, secs};
use crate::queue::Queue;
use crate::trace::Trace;
use scaleplan_hpa::controller::{ControllerConfig, HpaState, LimitingFactor, Scale, sync};
use scaleplan_hpa::model::{HpaSpec, MetricSourceType};
use scaleplan_hpa::observations::{
    ContainerRequests, ContainerUsage, Observations, PodMetricSample, PodResourceSample,
};
use scaleplan_hpa::proposal::MetricUsage;
use std::collections::BTreeMap;

/// metrics-server's sample window: a pod's CPU sample covers this many seconds
/// before its timestamp (the controller's CPU readiness rule reads it).
pub const RESOURCE_WINDOW_S: i64 = 15;

/// Container that carries Resource metrics (pod-level usage).
const MAIN_CONTAINER: &str = "app";

/// How to run a simulation.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Seconds between syncs (`--horizontal-pod-autoscaler-sync-period`).
    pub sync_period: u32,
    /// Age of the metric values the controller reads: scrape interval plus
    /// the adapter's query window.
    pub metric_lag: f64,
    /// Seconds from a pod's creation to Ready.
    pub pod_startup: f64,
    /// Replicas before the trace starts (default: minReplicas).
    pub initial_replicas: Option<i32>,
    /// Closed loop: tasks per second one ready pod serves.
    pub service_rate: Option<f64>,
    pub controller: ControllerConfig,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            sync_period: 15,
            metric_lag: 0.0,
            pod_startup: 30.0,
            initial_replicas: None,
            service_rate: None,
            controller: ControllerConfig::default(),
        }
    }
}

/// One sync as the simulator records it.
#[derive(Clone, Debug)]
pub struct SyncRecord {
    /// Trace time of the sync, in seconds.
    pub time: f64,
    /// Each trace column's value at this instant (not lagged).
    pub load: Vec<f64>,
    /// Closed loop: tasks waiting at this instant.
    pub backlog: Option<f64>,
    /// Ready pods / existing pods at this instant, before the sync acts.
    pub ready: usize,
    pub pods: usize,
    /// Each metric's proposal and usage, or why it is invalid, in spec order.
    pub metrics: Vec<Result<(i32, MetricUsage), String>>,
    /// The combined recommendation before stabilization and limits.
    pub recommendation: Option<i32>,
    pub limit: Option<LimitingFactor>,
    /// `spec.replicas` before and after the sync.
    pub before: i32,
    pub after: i32,
}

/// The closed loop's totals.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueSummary {
    pub arrived: f64,
    pub served: f64,
    pub final_backlog: f64,
    pub peak_backlog: f64,
    pub longest_wait_s: f64,
}

/// What a whole run comes to.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub duration_s: f64,
    pub syncs: usize,
    pub peak_replicas: i32,
    pub final_replicas: i32,
    /// Seconds from the trace start to the first sync that scaled up.
    pub first_scale_up_s: Option<f64>,
    /// Seconds spent with `spec.replicas` at maxReplicas.
    pub time_at_max_s: f64,
    /// Integral of the existing pods (starting ones included: they cost too).
    pub pod_seconds: f64,
    pub queue: Option<QueueSummary>,
}

/// A finished run.
#[derive(Clone, Debug)]
pub struct Run {
    pub syncs: Vec<SyncRecord>,
    pub summary: Summary,
}

/// Replays `trace` through `hpa`.
pub fn run(hpa: &HpaSpec, feeds: &[MetricFeed], trace: &Trace, cfg: &SimConfig) -> Run {
    let start = trace.start();
    let end = trace.end();
    let period = f64::from(cfg.sync_period.max(1));
    let min = hpa.min_replicas.unwrap_or(1);
    let initial = cfg.initial_replicas.unwrap_or(min).max(0);
    let mut pods = Pods::new(initial as usize, start, cfg.pod_startup, containers(feeds));
    let mut obs = Observations::default();
    let mut state = HpaState::default();
    let mut current = initial;
    let arrivals = cfg.service_rate.and_then(|_| trace.column(ARRIVALS));
    let mut queue = arrivals.map(|_| Queue::new(start));

    let mut syncs = Vec::with_capacity(((end - start) / period) as usize + 1);
    let mut summary = Summary {
        duration_s: end - start,
        syncs: 0,
        peak_replicas: initial,
        final_replicas: initial,
        first_scale_up_s: None,
        time_at_max_s: 0.0,
        pod_seconds: 0.0,
        queue: None,
    };
    let mut k = 0u64;
    let mut next_sync = start;
    let mut t = start;
    let mut row = 0;
    loop {
        if next_sync <= t && next_sync <= end {
            let seen = t - cfg.metric_lag;
            let ready = pods.refresh(t);
            let reporting = pods.ready_at(seen).min(ready);
            let seen_row = trace.row_at(seen);
            let backlog_seen = queue.as_ref().map(|q| q.backlog_at(seen));
            observe(
                &mut obs,
                &pods,
                reporting,
                feeds,
                trace,
                seen_row,
                backlog_seen,
                secs(seen),
            );
            let scale = Scale {
                spec_replicas: current,
                status_replicas: pods.len() as i32,
            };
            let outcome = sync(&cfg.controller, hpa, &mut state, secs(t), scale, &obs);
            let limit = outcome.limiting_factor();
            let after = outcome.desired_replicas;
            if after > current && summary.first_scale_up_s.is_none() {
                summary.first_scale_up_s = Some(t - start);
            }
            syncs.push(SyncRecord {
                time: t,
                load: trace.columns.iter().map(|c| c.values[row]).collect(),
                backlog: queue.as_ref().map(|q| q.backlog),
                ready,
                pods: pods.len(),
                metrics: outcome.metrics.into_iter().map(|m| m.result).collect(),
                recommendation: outcome.recommendation,
                limit,
                before: current,
                after,
            });
            if after != current {
                pods.scale_to(after.max(0) as usize, t);
                current = after;
            }
            summary.peak_replicas = summary.peak_replicas.max(current);
            if let Some(q) = queue.as_mut() {
                q.forget_before(seen);
            }
            k += 1;
            next_sync = start + k as f64 * period;
        }
        if t >= end {
            break;
        }
        let mut t_next = next_sync.min(end);
        if queue.is_some() {
            if let Some(&next_row) = trace.times.get(row + 1) {
                t_next = t_next.min(next_row);
            }
            if let Some(r) = pods.next_ready_after(t) {
                t_next = t_next.min(r);
            }
        }
        let dt = t_next - t;
        summary.pod_seconds += pods.len() as f64 * dt;
        if current == hpa.max_replicas {
            summary.time_at_max_s += dt;
        }
        if let (Some(q), Some(col), Some(rate)) = (queue.as_mut(), arrivals, cfg.service_rate) {
            let capacity = rate * pods.ready_at(t) as f64;
            q.advance(t, t_next, trace.columns[col].values[row], capacity);
        }
        t = t_next;
        while trace.times.get(row + 1).is_some_and(|&rt| rt <= t) {
            row += 1;
        }
    }
    summary.syncs = syncs.len();
    summary.final_replicas = current;
    summary.queue = queue.map(|q| QueueSummary {
        arrived: q.arrived,
        served: q.served,
        final_backlog: q.backlog,
        peak_backlog: q.peak_backlog,
        longest_wait_s: q.longest_wait,
    });
    Run { syncs, summary }
}

/// The containers every pod has: `app` for Resource metrics, plus each
/// container a ContainerResource metric names, each requesting one pod's
/// worth of every resource a metric reads.
fn containers(feeds: &[MetricFeed]) -> Vec<ContainerRequests> {
    let mut by_name: BTreeMap<&str, BTreeMap<String, i64>> = BTreeMap::new();
    by_name.insert(MAIN_CONTAINER, BTreeMap::new());
    for f in feeds {
        if let Feed::Shared {
            kind:
                SharedKind::Resource {
                    resource,
                    container,
                    ..
                },
            ..
        } = &f.feed
        {
            let c = container.as_deref().unwrap_or(MAIN_CONTAINER);
            by_name
                .entry(c)
                .or_default()
                .insert(resource.clone(), REQUEST_MILLI);
        }
    }
    by_name
        .into_iter()
        .map(|(name, requests)| ContainerRequests {
            name: name.to_string(),
            requests,
            restartable_init: false,
        })
        .collect()
}

/// Writes what the metrics APIs return at this sync into `obs`, reusing its
/// allocations: the first `reporting` pods report the shared totals.
#[allow(clippy::too_many_arguments)]
fn observe(
    obs: &mut Observations,
    pods: &Pods,
    reporting: usize,
    feeds: &[MetricFeed],
    trace: &Trace,
    row: usize,
    backlog: Option<f64>,
    timestamp_s: i64,
) {
    if obs.pods.len() != pods.len()
        || obs.pods.last().map(|p| &p.name) != pods.observed.last().map(|p| &p.name)
    {
        obs.pods.clone_from(&pods.observed);
    } else {
        for (o, p) in obs.pods.iter_mut().zip(&pods.observed) {
            o.phase = p.phase;
            o.ready = p.ready;
            o.ready_transition_s = p.ready_transition_s;
        }
    }
    let has_resource = feeds.iter().any(|f| {
        matches!(
            f.feed,
            Feed::Shared {
                kind: SharedKind::Resource { .. },
                ..
            }
        )
    });
    if has_resource {
        obs.resource_metrics.truncate(reporting);
        for p in &pods.observed[obs.resource_metrics.len()..reporting] {
            obs.resource_metrics.push(PodResourceSample {
                pod: p.name.clone(),
                timestamp_s,
                window_s: RESOURCE_WINDOW_S,
                containers: p
                    .containers
                    .iter()
                    .map(|c| ContainerUsage {
                        name: c.name.clone(),
                        usage: c.requests.clone(),
                    })
                    .collect(),
            });
        }
        for s in &mut obs.resource_metrics {
            s.timestamp_s = timestamp_s;
        }
    }
    for f in feeds {
        match &f.feed {
            Feed::Shared { column, kind } => {
                let total = trace.columns[*column].values[row];
                match kind {
                    SharedKind::Resource {
                        resource,
                        container,
                        utilization,
                    } => {
                        let per_pod = if *utilization {
                            total / 100.0 * REQUEST_MILLI as f64
                        } else {
                            total * 1000.0
                        } / reporting.max(1) as f64;
                        let c = container.as_deref().unwrap_or(MAIN_CONTAINER);
                        for s in &mut obs.resource_metrics {
                            if let Some(u) = s
                                .containers
                                .iter_mut()
                                .find(|u| u.name == c)
                                .and_then(|u| u.usage.get_mut(resource))
                            {
                                *u = per_pod.round() as i64;
                            }
                        }
                    }
                    SharedKind::PodsMetric { name } => {
                        let per_pod = (total * 1000.0 / reporting.max(1) as f64).round() as i64;
                        let samples = obs.pod_metrics.entry(name.clone()).or_default();
                        samples.truncate(reporting);
                        for p in &pods.observed[samples.len()..reporting] {
                            samples.push(PodMetricSample {
                                pod: p.name.clone(),
                                ..Default::default()
                            });
                        }
                        for s in samples.iter_mut() {
                            s.value_milli = per_pod;
                            s.timestamp_s = timestamp_s;
                        }
                    }
                }
            }
            Feed::Value { column } => {
                set_value(
                    obs,
                    f,
                    (trace.columns[*column].values[row] * 1000.0).round() as i64,
                );
            }
            Feed::Backlog => {
                set_value(obs, f, (backlog.unwrap_or(0.0) * 1000.0).round() as i64);
            }
        }
    }
}

fn set_value(obs: &mut Observations, f: &MetricFeed, milli: i64) {
    if f.source == MetricSourceType::External {
        match obs.external_metrics.get_mut(&f.name) {
            Some(v) => {
                v.clear();
                v.push(milli);
            }
            None => {
                obs.external_metrics.insert(f.name.clone(), vec![milli]);
            }
        }
    } else if let Some(v) = obs.object_metrics.get_mut(&f.name) {
        *v = milli;
    } else {
        obs.object_metrics.insert(f.name.clone(), milli);
    }
}
