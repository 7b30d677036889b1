use super::{Quantity, ResourceRequirements};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Celery queue-length scaling: a celery-exporter reads the broker, Prometheus
/// scrapes it, prometheus-adapter serves the backlog to the HPA, which asks
/// for one replica per `backlogPerReplica` queued tasks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueueSpec {
    /// Where the exporter finds the broker. A Secret reference; a plain `url`
    /// is allowed only without credentials in it.
    pub broker: BrokerRef,
    /// Celery queues the workload consumes (the `queue_name` label); their
    /// lengths are summed.
    pub queues: Vec<String>,
    /// Queued tasks one replica should have to itself: the HPA target
    /// `averageValue`, so replicas = ceil(backlog / backlogPerReplica).
    pub backlog_per_replica: Quantity,
    /// How the HPA reads the metric. Default: External.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<QueueMetricSpec>,
    /// Allow `replicas.min: 0`. Needs the alpha `HPAScaleToZero` feature gate.
    #[serde(default)]
    pub scale_to_zero: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exporter: Option<ExporterSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<PrometheusSpec>,
}

/// The broker URL's source: `{secretName, key}` (recommended), or `{url}`
/// for a broker that needs no password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BrokerRef {
    /// Secret in `metadata.namespace` holding the broker URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_name: Option<String>,
    /// Key of the broker URL in that Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// A broker URL without credentials, e.g. `redis://redis-service:6379/0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// How the queue metric reaches the HPA.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QueueMetricSpec {
    /// `External` (default) or `Object` on the exporter's Service.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub metric_type: Option<QueueMetricType>,
    /// Metric name served by the adapter. Default: `celery_queue_length`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// HPA metric source for the queue length; both use an `AverageValue` target.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum QueueMetricType {
    /// `external.metrics.k8s.io`: needs only the namespace label (recommended).
    #[default]
    External,
    /// `custom.metrics.k8s.io` on the exporter's Service: needs the `service` label.
    Object,
}

/// The celery-exporter Deployment and Service.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExporterSpec {
    /// Name of the exporter Deployment and Service. Default: `<metadata.name>-exporter`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Image with a pinned tag or digest. Default: `danihodovic/celery-exporter:0.12.2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Port it listens on. Default: 9808.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// Default: requests cpu 100m, memory 128Mi; limits cpu 200m, memory 256Mi.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
}

/// The Prometheus the exporter is scraped by and the adapter reads.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PrometheusSpec {
    /// Default: `kube-prometheus-stack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack: Option<PrometheusStack>,
    /// Helm release name of the stack. Default: `prometheus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// Namespace of the stack and of prometheus-adapter. Default: `monitoring`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Prometheus base URL for the adapter, overriding the one derived from
    /// the stack and release (e.g. `http://prometheus-operated.monitoring.svc:9090`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Which Prometheus Helm chart is installed; decides the Service name, port
/// and how the exporter gets scraped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PrometheusStack {
    /// `prometheus-community/prometheus`: scrapes Services annotated `prometheus.io/scrape`.
    Prometheus,
    /// `prometheus-community/kube-prometheus-stack`: scrapes ServiceMonitors labelled `release: <release>`.
    #[default]
    KubePrometheusStack,
}

impl PrometheusStack {
    pub fn as_str(self) -> &'static str {
        match self {
            PrometheusStack::Prometheus => "prometheus",
            PrometheusStack::KubePrometheusStack => "kube-prometheus-stack",
        }
    }
}
