//! What the text templates see: per namespace, its profiles with their
//! generated names and files. Documented in docs/render.md for authors of
//! `--templates` sets.

use crate::hpa::{HpaMetric, QueueSource, ResourceTarget};
use crate::plan::{ProfilePlan, plan};
use crate::render::{ADAPTER_VALUES_FILE, KUSTOMIZATION_FILE, profile_dir};
use scaleplan_profile::LoadedProfile;
use scaleplan_profile::model::PrometheusStack;
use serde::Serialize;

/// Context of `README.md.j2`.
#[derive(Debug, Serialize)]
pub struct ReadmeContext {
    pub kustomization: &'static str,
    pub namespaces: Vec<NamespaceContext>,
    pub has_queue: bool,
    pub has_schedule: bool,
}

/// Context of each script template (one namespace).
#[derive(Debug, Serialize)]
pub struct NamespaceContext {
    pub name: String,
    pub profiles: Vec<ProfileContext>,
    pub has_queue: bool,
    /// Paths of the namespace's scripts, relative to the output directory.
    pub scripts: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ProfileContext {
    pub name: String,
    /// The profile file.
    pub file: String,
    /// `<namespace>/<profile>`, relative to the output directory.
    pub dir: String,
    /// File names in `dir`.
    pub files: Vec<String>,
    pub hpa: String,
    /// `Deployment` or `StatefulSet`.
    pub workload_kind: String,
    /// kubectl resource name: `deployment` or `statefulset`.
    pub workload_resource: String,
    pub workload: String,
    pub min_replicas: i32,
    pub max_replicas: i32,
    /// One line per HPA metric, e.g. `cpu at 70% of requests`.
    pub metrics: Vec<String>,
    pub queue: Option<QueueContext>,
    pub schedule: Vec<WindowContext>,
}

#[derive(Debug, Serialize)]
pub struct QueueContext {
    pub queues: Vec<String>,
    pub metric: String,
    /// `External` or `Object`.
    pub metric_type: String,
    pub per_replica: String,
    pub exporter: String,
    pub exporter_port: i32,
    /// `kube-prometheus-stack` or `prometheus`.
    pub stack: String,
    pub prometheus_release: String,
    pub prometheus_namespace: String,
    /// The URL the adapter queries (`url:port/path`).
    pub prometheus_url: String,
    /// Path of the adapter values, relative to the output directory.
    pub adapter_values: String,
    /// `kubectl get --raw` path returning the metric exactly as the HPA reads it.
    pub metrics_api_path: String,
}

#[derive(Debug, Serialize)]
pub struct WindowContext {
    pub start_job: String,
    pub end_job: String,
    pub start: String,
    pub end: String,
    pub time_zone: String,
    pub min_replicas: i32,
    pub max_replicas: Option<i32>,
    pub restore_min_replicas: i32,
    pub restore_max_replicas: Option<i32>,
}

pub fn readme_context(profiles: &[LoadedProfile]) -> ReadmeContext {
    let mut namespaces: Vec<NamespaceContext> = Vec::new();
    let mut sorted: Vec<&LoadedProfile> = profiles.iter().collect();
    sorted.sort_by(|a, b| {
        (&a.resolved.namespace, &a.resolved.name).cmp(&(&b.resolved.namespace, &b.resolved.name))
    });
    for p in sorted {
        let ctx = profile_context(p, &plan(&p.resolved));
        match namespaces.last_mut() {
            Some(ns) if ns.name == p.resolved.namespace => ns.profiles.push(ctx),
            _ => namespaces.push(NamespaceContext {
                name: p.resolved.namespace.clone(),
                profiles: vec![ctx],
                has_queue: false,
                scripts: Vec::new(),
            }),
        }
    }
    for ns in &mut namespaces {
        ns.has_queue = ns.profiles.iter().any(|p| p.queue.is_some());
        ns.scripts = ["generate-load.sh", "monitor-scaling.sh"]
            .iter()
            .chain(ns.has_queue.then_some(&"queue-status.sh"))
            .map(|s| format!("{}/scripts/{s}", ns.name))
            .collect();
    }
    ReadmeContext {
        kustomization: KUSTOMIZATION_FILE,
        has_queue: namespaces.iter().any(|n| n.has_queue),
        has_schedule: namespaces
            .iter()
            .flat_map(|n| &n.profiles)
            .any(|p| !p.schedule.is_empty()),
        namespaces,
    }
}

fn profile_context(p: &LoadedProfile, plan: &ProfilePlan) -> ProfileContext {
    let r = &p.resolved;
    let dir = profile_dir(p);
    let mut files = vec!["horizontalpodautoscaler.yaml".to_string()];
    if let Some(q) = &plan.queue {
        files.extend(["deployment.yaml".into(), "service.yaml".into()]);
        if q.service_monitor.is_some() {
            files.push("servicemonitor.yaml".into());
        }
        files.push(ADAPTER_VALUES_FILE.into());
    }
    if plan.schedule.is_some() {
        files.extend(
            [
                "cronjob.yaml",
                "serviceaccount.yaml",
                "role.yaml",
                "rolebinding.yaml",
            ]
            .map(String::from),
        );
    }
    files.sort();
    let queue = r.queue.as_ref().zip(plan.queue.as_ref()).map(|(q, qp)| {
        let selector = match q.queues.as_slice() {
            [one] => format!("{}={one}", qp.selector.label),
            many => format!("{} in ({})", qp.selector.label, many.join(",")),
        };
        let metrics_api_path = match &qp.source {
            QueueSource::External => format!(
                "/apis/external.metrics.k8s.io/v1beta1/namespaces/{}/{}?labelSelector={}",
                r.namespace,
                q.metric_name,
                percent_encode(&selector)
            ),
            QueueSource::ObjectOnService { service } => format!(
                "/apis/custom.metrics.k8s.io/v1beta1/namespaces/{}/services/{service}/{}?metricLabelSelector={}",
                r.namespace,
                q.metric_name,
                percent_encode(&selector)
            ),
        };
        QueueContext {
            queues: q.queues.clone(),
            metric: q.metric_name.clone(),
            metric_type: match qp.source {
                QueueSource::External => "External",
                QueueSource::ObjectOnService { .. } => "Object",
            }
            .to_string(),
            per_replica: q.backlog_per_replica.0.clone(),
            exporter: q.exporter.name.clone(),
            exporter_port: q.exporter.port,
            stack: match q.prometheus.stack {
                PrometheusStack::Prometheus => "prometheus",
                PrometheusStack::KubePrometheusStack => "kube-prometheus-stack",
            }
            .to_string(),
            prometheus_release: q.prometheus.release.clone(),
            prometheus_namespace: q.prometheus.namespace.clone(),
            prometheus_url: qp.adapter.prometheus.full_url(),
            adapter_values: format!("{dir}/{ADAPTER_VALUES_FILE}"),
            metrics_api_path,
        }
    });
    ProfileContext {
        name: r.name.clone(),
        file: p.file.clone(),
        dir,
        files,
        hpa: r.hpa_name.clone(),
        workload_kind: plan.hpa.workload_kind.as_str().to_string(),
        workload_resource: plan.hpa.workload_kind.as_str().to_lowercase(),
        workload: r.workload.name.clone(),
        min_replicas: r.min_replicas,
        max_replicas: r.max_replicas,
        metrics: plan.hpa.metrics.iter().map(describe_metric).collect(),
        queue,
        schedule: r
            .schedule
            .iter()
            .map(|w| WindowContext {
                start_job: w.start_job_name.clone(),
                end_job: w.end_job_name.clone(),
                start: w.start.clone(),
                end: w.end.clone(),
                time_zone: w.time_zone.clone(),
                min_replicas: w.min_replicas,
                max_replicas: w.max_replicas,
                restore_min_replicas: w.restore_min_replicas,
                restore_max_replicas: w.restore_max_replicas,
            })
            .collect(),
    }
}

fn describe_metric(m: &HpaMetric) -> String {
    match m {
        HpaMetric::Resource { name, target } => match target {
            ResourceTarget::Utilization(p) => format!("{name} at {p}% of requests"),
            ResourceTarget::AverageValue(v) => format!("{name} at {v} per pod"),
        },
        HpaMetric::Queue {
            metric,
            selector,
            per_replica,
            source,
        } => {
            let via = match source {
                QueueSource::External => "External".to_string(),
                QueueSource::ObjectOnService { service } => format!("Object on Service {service}"),
            };
            format!(
                "{metric} of queue(s) {}: one replica per {per_replica} queued tasks ({via}, AverageValue)",
                selector.queues.join(", ")
            )
        }
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
