use crate::model::{
    PolicyType, Preset, PrometheusStack, Quantity, QueueMetricType, ResourceRequirements,
    SelectPolicy, Workload,
};
use std::collections::BTreeMap;

/// A profile with its preset applied and every default decided: what gets rendered.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedProfile {
    /// `metadata.name`: prefix of generated names, and the source named in file headers.
    pub name: String,
    pub namespace: String,
    /// Copied onto every generated object.
    pub labels: BTreeMap<String, String>,
    /// Copied onto every generated object.
    pub annotations: BTreeMap<String, String>,
    pub preset: Option<Preset>,
    /// Name of the HorizontalPodAutoscaler (see [`crate::names::hpa_name`]).
    pub hpa_name: String,
    /// `scaleTargetRef` (`apps/v1`, kind, name) and the containers' resources.
    pub workload: Workload,
    pub min_replicas: i32,
    pub max_replicas: i32,
    /// Resource metrics in output order (cpu, then memory).
    pub resource_targets: Vec<ResolvedResourceTarget>,
    /// `None`: no `behavior` block (the API server's defaults apply).
    pub behavior: Option<ResolvedBehavior>,
    /// The queue metric and its pipeline, rendered after the resource metrics.
    pub queue: Option<ResolvedQueue>,
    /// ServiceAccount, Role and RoleBinding of the schedule's CronJobs.
    pub scheduler_name: String,
    /// Empty when the profile has no schedule.
    pub schedule: Vec<ResolvedWindow>,
}

/// The two resources an HPA Resource metric is written for here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceName {
    Cpu,
    Memory,
}

impl ResourceName {
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceName::Cpu => "cpu",
            ResourceName::Memory => "memory",
        }
    }
}

/// One Resource metric.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedResourceTarget {
    pub resource: ResourceName,
    pub target: TargetValue,
}

/// A resource metric's target.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetValue {
    /// `type: Utilization`, `averageUtilization` percent.
    Utilization(i32),
    /// `type: AverageValue`, `averageValue` quantity.
    AverageValue(Quantity),
}

/// `spec.behavior`; a direction that is `None` is left out (API default).
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedBehavior {
    pub scale_up: Option<ResolvedRules>,
    pub scale_down: Option<ResolvedRules>,
}

/// One direction's rules; a `None` field is not written, so the API server's
/// default applies (e.g. no `selectPolicy` means `Max`), which keeps the
/// presets byte-identical to the tutorial's files.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedRules {
    pub stabilization_window_seconds: Option<i32>,
    pub select_policy: Option<SelectPolicy>,
    pub policies: Option<Vec<ResolvedPolicy>>,
    pub tolerance: Option<Quantity>,
}

/// One scaling policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedPolicy {
    pub policy_type: PolicyType,
    pub value: i32,
    pub period_seconds: i32,
}

/// The queue metric and the pipeline that serves it.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedQueue {
    pub broker: Broker,
    /// Values of the `queue_name` label, summed.
    pub queues: Vec<String>,
    /// HPA target `averageValue`.
    pub backlog_per_replica: Quantity,
    pub metric_type: QueueMetricType,
    /// Metric name as exposed by the exporter and served by the adapter
    /// (`celery_queue_length`).
    pub metric_name: String,
    /// Whether `min_replicas` may be 0.
    pub scale_to_zero: bool,
    pub exporter: ResolvedExporter,
    pub prometheus: ResolvedPrometheus,
}

/// Where the exporter reads the broker URL (env `CE_BROKER_URL`).
#[derive(Clone, Debug, PartialEq)]
pub enum Broker {
    /// `valueFrom.secretKeyRef`.
    Secret { secret_name: String, key: String },
    /// A plain value; validation guarantees it carries no credentials.
    Url(String),
}

/// celery-exporter Deployment + Service (+ ServiceMonitor on kube-prometheus-stack).
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedExporter {
    /// Name of the Deployment, Service and ServiceMonitor; also the `app` label.
    pub name: String,
    /// Pinned image reference.
    pub image: String,
    /// Container port and Service port (named `http`).
    pub port: i32,
    pub resources: ResourceRequirements,
}

/// The Prometheus that scrapes the exporter and that the adapter queries.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedPrometheus {
    pub stack: PrometheusStack,
    /// Helm release; kube-prometheus-stack selects ServiceMonitors by `release: <release>`.
    pub release: String,
    /// Namespace of Prometheus and of prometheus-adapter.
    pub namespace: String,
    /// `prometheus.url` of the adapter chart: scheme and host, no port.
    pub url: String,
    /// `prometheus.port` of the adapter chart.
    pub port: i32,
    /// `prometheus.path` of the adapter chart (usually empty).
    pub path: String,
}

/// One schedule window with its CronJob names.
#[derive(Clone, Debug, PartialEq)]
pub struct ResolvedWindow {
    pub name: String,
    pub start: String,
    pub end: String,
    pub time_zone: String,
    pub min_replicas: i32,
    /// Set at the start only when `Some`.
    pub max_replicas: Option<i32>,
    /// minReplicas patched back at the end.
    pub restore_min_replicas: i32,
    /// maxReplicas patched back at the end; `Some` when the window changes it
    /// or `restore.maxReplicas` is given.
    pub restore_max_replicas: Option<i32>,
    /// `<profile>-<window>-start`
    pub start_job_name: String,
    /// `<profile>-<window>-end`
    pub end_job_name: String,
}
