//! What one sync of the controller observes: the target's pods and the metric values the
//! metrics APIs return. Times are whole seconds on the caller's clock (the conformance
//! vectors use `now = 0`; the simulator uses seconds since the trace start).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Go's zero `time.Time` in the vectors' encoding; any time far in the past works the same.
pub const GO_ZERO_TIME_S: i64 = -1_000_000_000_000;

/// `status.phase` of a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum PodPhase {
    Pending,
    #[default]
    Running,
    Succeeded,
    Failed,
    Unknown,
}

/// One container of a pod spec and its resource requests (milli-units by resource name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContainerRequests {
    pub name: String,
    pub requests: BTreeMap<String, i64>,
    /// An init container with `restartPolicy: Always` (a sidecar): its requests count.
    /// Other init containers are not listed at all.
    #[serde(default)]
    pub restartable_init: bool,
}

impl ContainerRequests {
    /// A regular container requesting `milli` of `resource`.
    pub fn with_request(name: &str, resource: &str, milli: i64) -> Self {
        ContainerRequests {
            name: name.to_string(),
            requests: BTreeMap::from([(resource.to_string(), milli)]),
            restartable_init: false,
        }
    }
}

/// A pod matched by the target's selector, as the pod lister returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PodObservation {
    pub name: String,
    pub phase: PodPhase,
    /// Status of the `Ready` condition; `None` when the pod has no such condition.
    pub ready: Option<bool>,
    /// `lastTransitionTime` of the `Ready` condition.
    pub ready_transition_s: i64,
    /// `status.startTime`; `None` when unset.
    pub start_time_s: Option<i64>,
    /// The pod has a `deletionTimestamp`.
    pub deleting: bool,
    /// Regular containers plus restartable init containers.
    pub containers: Vec<ContainerRequests>,
    /// Pod-level requests (`spec.resources.requests`, KEP-2837); used only when the
    /// `PodLevelResources` gate is on in [`crate::controller::ControllerConfig`].
    #[serde(default)]
    pub pod_requests: Option<BTreeMap<String, i64>>,
}

/// A container's usage in one resource-metrics sample (milli-units by resource name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContainerUsage {
    pub name: String,
    pub usage: BTreeMap<String, i64>,
}

/// One PodMetrics item of the resource metrics API (metrics-server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PodResourceSample {
    pub pod: String,
    pub timestamp_s: i64,
    pub window_s: i64,
    pub containers: Vec<ContainerUsage>,
}

/// One per-pod value of a custom (Pods) metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PodMetricSample {
    pub pod: String,
    pub value_milli: i64,
    #[serde(default)]
    pub timestamp_s: i64,
    #[serde(default)]
    pub window_s: i64,
}

/// Which metric fetch fails in a sync (the API returned an error).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MetricFetch {
    /// The resource metrics API (every Resource/ContainerResource metric).
    Resource,
    /// The custom metrics API for a Pods metric of this name.
    Pods(String),
    /// The custom metrics API for an Object metric of this name.
    Object(String),
    /// The external metrics API for this metric name.
    External(String),
}

/// Everything the metric fetches of one sync return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Observations {
    /// Pods matched by the target's selector.
    pub pods: Vec<PodObservation>,
    /// Resource metrics (an empty list means the API returned no items).
    pub resource_metrics: Vec<PodResourceSample>,
    /// Pods metrics by metric name.
    pub pod_metrics: BTreeMap<String, Vec<PodMetricSample>>,
    /// Object metric values by metric name.
    pub object_metrics: BTreeMap<String, i64>,
    /// External metric series values by metric name (summed by the controller).
    pub external_metrics: BTreeMap<String, Vec<i64>>,
    /// Fetches that fail.
    pub failing: BTreeSet<MetricFetch>,
}

/// One entry of the controller's per-pod metric map (`PodMetricsInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodMetric {
    pub value: i64,
    pub timestamp_s: i64,
    pub window_s: i64,
}

/// The per-pod metric map, keyed by pod name (borrowed from the observations, so building
/// it allocates no strings; hashed, since a sync does a few lookups per pod). It may name
/// pods that no longer exist. Only order-independent sums are taken over it.
pub type PodMetricsInfo<'a> = HashMap<&'a str, PodMetric>;
