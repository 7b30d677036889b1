//! The scaling profile as users write it: every field optional where a preset
//! or a default can fill it in, unknown fields rejected. [`crate::resolve`]
//! turns it into a [`crate::ResolvedProfile`] with every value decided.

mod quantity;
mod queue;
mod scaling;
mod schedule;
mod workload;

pub use quantity::Quantity;
pub use queue::{
    BrokerRef, ExporterSpec, PrometheusSpec, PrometheusStack, QueueMetricSpec, QueueMetricType,
    QueueSpec,
};
pub use scaling::{
    Behavior, PolicyType, Replicas, ResourceTarget, ScalingPolicy, ScalingRules, SelectPolicy,
    Targets,
};
pub use schedule::{RestoreReplicas, ScheduleSpec, ScheduleWindow};
pub use workload::{Container, ResourceList, ResourceRequirements, Workload, WorkloadKind};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The only `apiVersion` a profile may carry.
pub const API_VERSION: &str = "scaleplan.dev/v1alpha1";
/// The only `kind` a profile may carry.
pub const KIND: &str = "ScalingProfile";

/// One scaling profile: a workload, how it scales, and optionally the queue
/// that drives it and the schedule that sets its floor. Several may share a
/// file, separated by `---`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(title = "ScalingProfile")]
pub struct ScalingProfile {
    /// Always `scaleplan.dev/v1alpha1`.
    #[schemars(extend("const" = "scaleplan.dev/v1alpha1"))]
    pub api_version: String,
    /// Always `ScalingProfile`.
    #[schemars(extend("const" = "ScalingProfile"))]
    pub kind: String,
    pub metadata: ProfileMetadata,
    pub spec: ProfileSpec,
}

/// Name and namespace of the profile. The namespace is where every generated
/// object goes (the workload's namespace); labels and annotations are copied
/// onto every generated object.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileMetadata {
    /// DNS-1123 label (at most 63 characters); prefixes the generated names.
    pub name: String,
    /// Namespace of the workload and of every generated object.
    pub namespace: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// A preset: a tested starting point whose every value can be overridden.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum Preset {
    /// Request-serving API: min 3, max 10, cpu 75 %, memory 85 %, slow
    /// scale-down (25 %/60 s after 300 s), fast scale-up (50 %/30 s after 30 s).
    /// Reproduces the tutorial's `k8s/api/hpa.yaml`.
    Api,
    /// Background worker: min 2, max 10, cpu 70 %, memory 80 %, scale-down
    /// 50 %/60 s after 300 s, scale-up max(100 %, 2 pods)/60 s after 60 s.
    /// Reproduces the tutorial's `k8s/workers/hpa.yaml`.
    Worker,
}

impl Preset {
    pub fn as_str(self) -> &'static str {
        match self {
            Preset::Api => "api",
            Preset::Worker => "worker",
        }
    }
}

/// What to scale and how.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileSpec {
    /// Starting values for replicas, targets and behavior; anything set below overrides them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<Preset>,
    /// Name of the generated HorizontalPodAutoscaler. Default: `<metadata.name>-hpa`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hpa_name: Option<String>,
    pub workload: Workload,
    /// Replica bounds. Required unless a preset gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<Replicas>,
    /// Resource targets (cpu, memory). A target set to `null` removes the preset's one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Targets>,
    /// Scaling behavior; each field overrides the preset's, `policies` replace it wholesale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<Behavior>,
    /// Celery queue-length scaling through celery-exporter and prometheus-adapter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueSpec>,
    /// Time windows that raise (or lower) the replica bounds by CronJobs patching the HPA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<ScheduleSpec>,
}
