//! What a run is called and how its numbers read: labels shared by the table,
//! CSV, JSON and SVG writers, and the JSON document itself.

use crate::engine::{Run, SimConfig, SyncRecord};
use crate::feed::column_name;
use scaleplan_hpa::model::{HpaSpec, MetricSourceType, MetricTarget};
use scaleplan_hpa::proposal::MetricUsage;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use std::io::{self, Write};

/// One simulated configuration with the names its output needs.
pub struct Labeled<'a> {
    /// What the user passed (file, and `--hpa` name when given).
    pub source: String,
    pub hpa_name: String,
    pub hpa: &'a HpaSpec,
    pub run: Run,
}

/// The trace and settings every run of one invocation shares.
pub struct Setting<'a> {
    pub trace_file: &'a str,
    pub trace: &'a crate::trace::Trace,
    pub columns: Vec<String>,
    pub config: &'a SimConfig,
}

/// A metric's label: `object/celery_queue_length` and its target `30`.
pub struct MetricLabel {
    pub name: String,
    pub column: String,
    pub target: String,
    pub utilization: bool,
}

pub fn metric_labels(hpa: &HpaSpec) -> Vec<MetricLabel> {
    hpa.metrics
        .iter()
        .map(|m| {
            let target = match m.source_type {
                MetricSourceType::Resource => m.resource.as_ref().map(|r| &r.target),
                MetricSourceType::ContainerResource => {
                    m.container_resource.as_ref().map(|r| &r.target)
                }
                MetricSourceType::Pods => m.pods.as_ref().map(|p| &p.target),
                MetricSourceType::Object => m.object.as_ref().map(|o| &o.target),
                MetricSourceType::External => m.external.as_ref().map(|e| &e.target),
                _ => None,
            };
            let (target, utilization) = target.map_or((String::from("?"), false), target_text);
            MetricLabel {
                name: m.display_name(),
                column: column_name(m).unwrap_or_default(),
                target,
                utilization,
            }
        })
        .collect()
}

/// The target as `kubectl get hpa` prints it: `70%`, `30`, `30 (avg)`.
fn target_text(t: &MetricTarget) -> (String, bool) {
    if let Some(v) = t.average_value_milli {
        (format!("{} (avg)", milli(v)), false)
    } else if let Some(u) = t.average_utilization {
        (format!("{u}%"), true)
    } else if let Some(v) = t.value_milli {
        (milli(v), false)
    } else {
        ("?".into(), false)
    }
}

/// A milli-value as a plain decimal (`1500` -> `1.5`).
pub fn milli(v: i64) -> String {
    if v % 1000 == 0 {
        format!("{}", v / 1000)
    } else {
        let s = format!("{:.3}", v as f64 / 1000.0);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// What a metric's status shows: `75%`, `240`.
pub fn usage_text(u: &MetricUsage) -> String {
    match u {
        MetricUsage::Utilization { percent, .. } => format!("{percent}%"),
        MetricUsage::AverageValue(v) | MetricUsage::Value(v) => milli(*v),
    }
}

/// The usage as a number in the metric's unit (percent for utilization).
pub fn usage_number(u: &MetricUsage) -> f64 {
    match u {
        MetricUsage::Utilization { percent, .. } => f64::from(*percent),
        MetricUsage::AverageValue(v) | MetricUsage::Value(v) => *v as f64 / 1000.0,
    }
}

/// `h:mm:ss` (hours keep counting past a day: a week reads `167:59:45`).
pub fn clock(seconds: f64) -> String {
    let s = seconds.round() as i64;
    format!("{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// A number with at most one decimal, no trailing `.0`.
pub fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// The limiting factor as a short phrase, `-` when nothing held the replicas back.
pub fn limit_text(s: &SyncRecord) -> String {
    s.limit
        .as_ref()
        .map_or_else(|| "-".to_string(), |l| l.to_string())
}

/// A limiting factor written as its text, without an intermediate String.
struct LimitText<'a>(&'a scaleplan_hpa::controller::LimitingFactor);

impl Serialize for LimitText<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

/// The trace columns' values at a sync, as an object keyed by column.
struct LoadJson<'a> {
    columns: &'a [String],
    values: &'a [f64],
}

impl Serialize for LoadJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.columns.iter().zip(self.values))
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum MetricJson<'a> {
    Ok {
        metric: &'a str,
        value: f64,
        target: &'a str,
        proposal: i32,
    },
    Err {
        metric: &'a str,
        error: &'a str,
    },
}

struct MetricsJson<'a> {
    labels: &'a [MetricLabel],
    metrics: &'a [Result<(i32, MetricUsage), String>],
}

impl Serialize for MetricsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.labels.iter().zip(self.metrics).map(|(l, m)| match m {
            Ok((r, u)) => MetricJson::Ok {
                metric: &l.name,
                value: usage_number(u),
                target: &l.target,
                proposal: *r,
            },
            Err(e) => MetricJson::Err {
                metric: &l.name,
                error: e,
            },
        }))
    }
}

#[derive(Serialize)]
struct SyncJson<'a> {
    time: f64,
    load: LoadJson<'a>,
    ready_pods: usize,
    pods: usize,
    metrics: MetricsJson<'a>,
    recommendation: Option<i32>,
    limited_by: Option<LimitText<'a>>,
    replicas_before: i32,
    replicas: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    backlog: Option<f64>,
}

/// A run's syncs, serialized one by one as the writer goes.
struct SyncsJson<'a> {
    syncs: &'a [SyncRecord],
    labels: &'a [MetricLabel],
    columns: &'a [String],
}

impl Serialize for SyncsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.syncs.iter().map(|r| SyncJson {
            time: r.time,
            load: LoadJson {
                columns: self.columns,
                values: &r.load,
            },
            ready_pods: r.ready,
            pods: r.pods,
            metrics: MetricsJson {
                labels: self.labels,
                metrics: &r.metrics,
            },
            recommendation: r.recommendation,
            limited_by: r.limit.as_ref().map(LimitText),
            replicas_before: r.before,
            replicas: r.after,
            backlog: r.backlog,
        }))
    }
}

#[derive(Serialize)]
struct QueueJson<'a> {
    arrived: &'a f64,
    served: &'a f64,
    final_backlog: &'a f64,
    peak_backlog: &'a f64,
    longest_wait_s: &'a f64,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    syncs: usize,
    duration_s: f64,
    peak_replicas: i32,
    final_replicas: i32,
    first_scale_up_s: Option<f64>,
    time_at_max_replicas_s: f64,
    pod_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue: Option<QueueJson<'a>>,
}

#[derive(Serialize)]
struct MetricLabelJson<'a> {
    metric: &'a str,
    column: &'a str,
    target: &'a str,
}

#[derive(Serialize)]
struct RunJson<'a> {
    source: &'a str,
    hpa: &'a str,
    min_replicas: i32,
    max_replicas: i32,
    metrics: Vec<MetricLabelJson<'a>>,
    syncs: SyncsJson<'a>,
    summary: SummaryJson<'a>,
}

struct RunsJson<'a> {
    setting: &'a Setting<'a>,
    runs: &'a [Labeled<'a>],
}

impl Serialize for RunsJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.runs.len()))?;
        for r in self.runs {
            let labels = metric_labels(r.hpa);
            let sum = &r.run.summary;
            seq.serialize_element(&RunJson {
                source: &r.source,
                hpa: &r.hpa_name,
                min_replicas: r.hpa.min_replicas.unwrap_or(1),
                max_replicas: r.hpa.max_replicas,
                metrics: labels
                    .iter()
                    .map(|l| MetricLabelJson {
                        metric: &l.name,
                        column: &l.column,
                        target: &l.target,
                    })
                    .collect(),
                syncs: SyncsJson {
                    syncs: &r.run.syncs,
                    labels: &labels,
                    columns: &self.setting.columns,
                },
                summary: SummaryJson {
                    syncs: sum.syncs,
                    duration_s: sum.duration_s,
                    peak_replicas: sum.peak_replicas,
                    final_replicas: sum.final_replicas,
                    first_scale_up_s: sum.first_scale_up_s,
                    time_at_max_replicas_s: sum.time_at_max_s,
                    pod_seconds: sum.pod_seconds,
                    queue: sum.queue.as_ref().map(|q| QueueJson {
                        arrived: &q.arrived,
                        served: &q.served,
                        final_backlog: &q.final_backlog,
                        peak_backlog: &q.peak_backlog,
                        longest_wait_s: &q.longest_wait_s,
                    }),
                },
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct DocJson<'a> {
    trace: &'a str,
    sync_period_s: u32,
    metric_lag_s: f64,
    pod_startup_s: f64,
    service_rate: Option<f64>,
    runs: RunsJson<'a>,
}

/// The JSON document: settings, then each run's syncs and summary. Written
/// straight to `out` through serde (a week is 40k syncs: building it as a
/// `serde_json::Value` first took seconds and hundreds of megabytes).
pub fn json(setting: &Setting<'_>, runs: &[Labeled<'_>], out: &mut dyn Write) -> io::Result<()> {
    let c = setting.config;
    let doc = DocJson {
        trace: setting.trace_file,
        sync_period_s: c.sync_period,
        metric_lag_s: c.metric_lag,
        pod_startup_s: c.pod_startup,
        service_rate: c.service_rate,
        runs: RunsJson { setting, runs },
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
    out.write_all(b"\n")
}
