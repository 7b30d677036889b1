//! What the two Celery exporters people deploy really do: image, port,
//! configuration variables and the metric names each exposes
//! (danihodovic/celery-exporter and the unmaintained
//! OvalMoney/celery-exporter; metrics-pipeline.md §1, §2).

use crate::index::IndexedObject;
use crate::pointer::{Member, Pointer};
use serde_json::Value;
use std::rc::Rc;

/// A known Celery exporter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CeleryExporter {
    /// `danihodovic/celery-exporter` (also on ghcr.io): maintained.
    Danihodovic,
    /// `ovalmoney/celery-exporter`: Celery 4 only, abandoned in 2021.
    OvalMoney,
}

impl CeleryExporter {
    /// Recognizes the image (any registry, tag or digest).
    pub fn from_image(image: &str) -> Option<Self> {
        let repo = image_repository(image).to_ascii_lowercase();
        if repo.ends_with("danihodovic/celery-exporter") {
            Some(Self::Danihodovic)
        } else if repo.ends_with("ovalmoney/celery-exporter") {
            Some(Self::OvalMoney)
        } else {
            None
        }
    }

    pub fn image(self) -> &'static str {
        match self {
            Self::Danihodovic => "danihodovic/celery-exporter",
            Self::OvalMoney => "ovalmoney/celery-exporter",
        }
    }

    /// The port it listens on unless told otherwise.
    pub fn default_port(self) -> i64 {
        match self {
            Self::Danihodovic => 9808,
            Self::OvalMoney => 9540,
        }
    }

    /// Prefix of its environment variables (click's `auto_envvar_prefix`).
    pub fn env_prefix(self) -> &'static str {
        match self {
            Self::Danihodovic => "CE_",
            Self::OvalMoney => "CELERY_EXPORTER_",
        }
    }

    /// Environment variables it reads (without the prefix).
    pub fn env_options(self) -> &'static [&'static str] {
        match self {
            Self::Danihodovic => &[
                "BROKER_URL",
                "BROKER_TRANSPORT_OPTION",
                "BROKER_SSL_OPTION",
                "ACCEPT_CONTENT",
                "RETRY_INTERVAL",
                "HOST",
                "PORT",
                "BUCKETS",
                "QUEUE_WAIT_BUCKETS",
                "LOG_LEVEL",
                "WORKER_TIMEOUT",
                "PURGE_OFFLINE_WORKER_METRICS",
                "GENERIC_HOSTNAME_TASK_SENT_METRIC",
                "GENERIC_HOSTNAME_WORKER_TASK_METRIC",
                "QUEUES",
                "METRIC_PREFIX",
                "DEFAULT_QUEUE_NAME",
                "STATIC_LABEL",
            ],
            // --enable-events, --transport-options, --tz, --verbose are CLI only.
            Self::OvalMoney => &["BROKER_URL", "LISTEN_ADDRESS", "MAX_TASKS", "NAMESPACE"],
        }
    }

    /// Whether it exposes the series `name` (histogram and counter suffixes included).
    pub fn exposes(self, name: &str) -> bool {
        let families: &[&str] = match self {
            Self::Danihodovic => &[
                "celery_task_sent",
                "celery_task_received",
                "celery_task_started",
                "celery_task_succeeded",
                "celery_task_failed",
                "celery_task_rejected",
                "celery_task_revoked",
                "celery_task_retried",
                "celery_task_runtime",
                "celery_task_queue_wait_time",
                "celery_worker_up",
                "celery_worker_tasks_active",
                "celery_queue_length",
                "celery_active_consumer_count",
                "celery_active_worker_count",
                "celery_active_process_count",
            ],
            Self::OvalMoney => &[
                "celery_tasks",
                "celery_tasks_runtime_seconds",
                "celery_tasks_latency_seconds",
                "celery_workers",
            ],
        };
        families.iter().any(|f| {
            name == *f
                || name.strip_prefix(f).is_some_and(|s| {
                    matches!(s, "_total" | "_created" | "_bucket" | "_sum" | "_count")
                })
        })
    }

    /// A few of its metric names, for messages.
    pub fn sample_metrics(self) -> &'static str {
        match self {
            Self::Danihodovic => {
                "celery_queue_length, celery_task_succeeded_total, celery_task_runtime_*, celery_worker_up"
            }
            Self::OvalMoney => {
                "celery_tasks_total, celery_tasks_runtime_seconds_*, celery_tasks_latency_seconds_*, celery_workers"
            }
        }
    }

    pub fn all() -> [Self; 2] {
        [Self::Danihodovic, Self::OvalMoney]
    }
}

/// `registry/owner/name` of an image reference, without tag or digest.
pub(crate) fn image_repository(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rsplit_once(':') {
        // A colon after the last slash is a tag; before it, a registry port.
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => no_digest,
    }
}

/// The tag of an image reference (`None` without one; digests count as pinned).
pub(crate) fn image_tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return Some("digest");
    }
    match image.rsplit_once(':') {
        Some((_, tag)) if !tag.contains('/') => Some(tag),
        _ => None,
    }
}

/// A container of a workload that runs a known Celery exporter.
pub(crate) struct ExporterContainer<'a> {
    pub workload: &'a IndexedObject,
    /// The workload's pruned body, loaded once for its exporter containers.
    pub body: Rc<Value>,
    /// Index of the container in the pod template.
    pub index: usize,
    pub exporter: CeleryExporter,
}

impl ExporterContainer<'_> {
    /// The container itself.
    pub fn container(&self) -> &Value {
        self.body
            .at("/spec/template/spec/containers")
            .and_then(|cs| cs.get(self.index))
            .unwrap_or(&Value::Null)
    }

    /// The workload's pod labels.
    pub fn pod_labels(&self) -> Option<&serde_json::Map<String, Value>> {
        super::workload::pod_labels(&self.body)
    }

    /// The value of an environment variable set on the container (literal values only).
    pub fn env(&self, name: &str) -> Option<&Value> {
        self.env_entries()
            .find(|(_, e)| e.member("name").and_then(Value::as_str) == Some(name))
            .map(|(_, e)| e)
    }

    pub fn env_entries(&self) -> impl Iterator<Item = (usize, &Value)> {
        self.container()
            .member("env")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
    }

    /// Whether command or args mention a flag (`--port`, `--port=...`).
    pub fn has_flag(&self, flag: &str) -> bool {
        ["command", "args"].iter().any(|f| {
            self.container()
                .get(*f)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .any(|a| {
                    a.split_whitespace()
                        .any(|w| w == flag || w.starts_with(&format!("{flag}=")))
                })
        })
    }
}

/// Every container of the input that runs a known Celery exporter.
pub(crate) fn exporter_containers(index: &crate::index::Index) -> Vec<ExporterContainer<'_>> {
    let mut out = Vec::new();
    for w in index.exporter_workloads() {
        let body = w.body();
        for (i, (_, c)) in super::workload::containers(&body).into_iter().enumerate() {
            let Some(image) = c.member("image").and_then(Value::as_str) else {
                continue;
            };
            if let Some(exporter) = CeleryExporter::from_image(image) {
                out.push(ExporterContainer {
                    workload: w,
                    body: Rc::clone(&body),
                    index: i,
                    exporter,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_and_metrics() {
        assert_eq!(
            CeleryExporter::from_image("ovalmoney/celery-exporter:latest"),
            Some(CeleryExporter::OvalMoney)
        );
        assert_eq!(
            CeleryExporter::from_image("ghcr.io/danihodovic/celery-exporter:0.12.2"),
            Some(CeleryExporter::Danihodovic)
        );
        assert_eq!(
            CeleryExporter::from_image("localhost:5000/danihodovic/celery-exporter"),
            Some(CeleryExporter::Danihodovic)
        );
        assert_eq!(
            image_tag("localhost:5000/danihodovic/celery-exporter"),
            None
        );
        assert!(CeleryExporter::Danihodovic.exposes("celery_task_runtime_bucket"));
        assert!(!CeleryExporter::Danihodovic.exposes("celery_task_runtime_seconds"));
        assert!(!CeleryExporter::OvalMoney.exposes("celery_queue_length"));
        assert!(CeleryExporter::OvalMoney.exposes("celery_tasks_total"));
    }
}
