use super::int32;
use super::types::{Broker, ResolvedExporter, ResolvedPrometheus, ResolvedQueue};
use crate::model::{PrometheusStack, Quantity, QueueSpec, ResourceList, ResourceRequirements};
use crate::names;

/// Default exporter image: danihodovic's exporter (it has `celery_queue_length`;
/// the tutorial's ovalmoney image does not), pinned.
pub const DEFAULT_EXPORTER_IMAGE: &str = "danihodovic/celery-exporter:0.12.2";
/// The exporter's own default port (`--port`, `EXPOSE 9808`).
pub const DEFAULT_EXPORTER_PORT: i32 = 9808;
/// The queue-length metric of danihodovic's exporter.
pub const DEFAULT_QUEUE_METRIC: &str = "celery_queue_length";
pub const DEFAULT_PROMETHEUS_RELEASE: &str = "prometheus";
pub const DEFAULT_PROMETHEUS_NAMESPACE: &str = "monitoring";

fn default_exporter_resources() -> ResourceRequirements {
    ResourceRequirements {
        requests: ResourceList {
            cpu: Some(Quantity::from("100m")),
            memory: Some(Quantity::from("128Mi")),
        },
        limits: ResourceList {
            cpu: Some(Quantity::from("200m")),
            memory: Some(Quantity::from("256Mi")),
        },
    }
}

pub(super) fn resolve_queue(profile: &str, q: &QueueSpec) -> ResolvedQueue {
    let broker = match (&q.broker.secret_name, &q.broker.key, &q.broker.url) {
        (Some(s), key, _) => Broker::Secret {
            secret_name: s.clone(),
            key: key.clone().unwrap_or_default(),
        },
        (None, _, Some(u)) => Broker::Url(u.clone()),
        (None, _, None) => Broker::Secret {
            secret_name: String::new(),
            key: String::new(),
        },
    };
    let metric = q.metric.clone().unwrap_or_default();
    let exporter = q.exporter.clone().unwrap_or_default();
    let prom = q.prometheus.clone().unwrap_or_default();
    let stack = prom.stack.unwrap_or_default();
    let release = prom
        .release
        .unwrap_or_else(|| DEFAULT_PROMETHEUS_RELEASE.to_string());
    let namespace = prom
        .namespace
        .unwrap_or_else(|| DEFAULT_PROMETHEUS_NAMESPACE.to_string());
    let (url, port, path) = match prom.url {
        Some(u) => split_url(&u),
        None => (
            format!(
                "http://{}.{namespace}.svc",
                prometheus_service(stack, &release)
            ),
            match stack {
                PrometheusStack::Prometheus => 80,
                PrometheusStack::KubePrometheusStack => 9090,
            },
            String::new(),
        ),
    };
    ResolvedQueue {
        broker,
        queues: q.queues.clone(),
        backlog_per_replica: q.backlog_per_replica.clone(),
        metric_type: metric.metric_type.unwrap_or_default(),
        metric_name: metric
            .name
            .unwrap_or_else(|| DEFAULT_QUEUE_METRIC.to_string()),
        scale_to_zero: q.scale_to_zero,
        exporter: ResolvedExporter {
            name: exporter
                .name
                .unwrap_or_else(|| names::default_exporter_name(profile)),
            image: exporter
                .image
                .unwrap_or_else(|| DEFAULT_EXPORTER_IMAGE.to_string()),
            port: exporter.port.map_or(DEFAULT_EXPORTER_PORT, int32),
            resources: exporter
                .resources
                .unwrap_or_else(default_exporter_resources),
        },
        prometheus: ResolvedPrometheus {
            stack,
            release,
            namespace,
            url,
            port,
            path,
        },
    }
}

/// Name of the Prometheus Service each chart creates for a release, following
/// the charts' `fullname` helpers: the community chart names it
/// `<release>-server` (or `<release>-prometheus-server` when the release name
/// does not contain "prometheus"); kube-prometheus-stack truncates
/// `<release>-kube-prometheus-stack` to 26 characters and appends `-prometheus`.
pub fn prometheus_service(stack: PrometheusStack, release: &str) -> String {
    fn trunc(s: &str, n: usize) -> String {
        s.chars()
            .take(n)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string()
    }
    match stack {
        PrometheusStack::Prometheus => {
            if release.contains("prometheus") {
                trunc(&format!("{release}-server"), 63)
            } else {
                trunc(&format!("{release}-prometheus-server"), 63)
            }
        }
        PrometheusStack::KubePrometheusStack => {
            let full = if release.contains("kube-prometheus-stack") {
                trunc(release, 26)
            } else {
                trunc(&format!("{release}-kube-prometheus-stack"), 26)
            };
            format!("{full}-prometheus")
        }
    }
}

/// Splits `scheme://host[:port][/path]` into the adapter chart's
/// `url` (scheme and host), `port` and `path`.
pub fn split_url(u: &str) -> (String, i32, String) {
    let (scheme, rest) = u.split_once("://").unwrap_or(("http", u));
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/').to_string()),
        None => (rest, String::new()),
    };
    let default_port = if scheme == "https" { 443 } else { 80 };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => {
            (h, p.parse().unwrap_or(default_port))
        }
        _ => (authority, default_port),
    };
    (format!("{scheme}://{host}"), port, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_follow_the_charts() {
        use PrometheusStack::*;
        assert_eq!(
            prometheus_service(KubePrometheusStack, "prometheus"),
            "prometheus-kube-prometheus-prometheus"
        );
        assert_eq!(
            prometheus_service(KubePrometheusStack, "kube-prometheus-stack"),
            "kube-prometheus-stack-prometheus"
        );
        assert_eq!(
            prometheus_service(Prometheus, "prometheus"),
            "prometheus-server"
        );
        assert_eq!(
            prometheus_service(Prometheus, "mon"),
            "mon-prometheus-server"
        );
    }

    #[test]
    fn urls_split_into_chart_values() {
        assert_eq!(
            split_url("http://prometheus-operated.monitoring.svc:9090"),
            (
                "http://prometheus-operated.monitoring.svc".into(),
                9090,
                String::new()
            )
        );
        assert_eq!(
            split_url("https://prom.example/select/0/prometheus/"),
            (
                "https://prom.example".into(),
                443,
                "/select/0/prometheus".into()
            )
        );
    }
}
