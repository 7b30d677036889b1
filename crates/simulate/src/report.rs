//! What a run is called and how its numbers read: labels shared by the table,
//! CSV, JSON and SVG writers, and the JSON document itself.

use crate::engine::{Run, SimConfig, SyncRecord};
use crate::feed::column_name;
use scaleplan_hpa::model::{HpaSpec, MetricSourceType, MetricTarget};
use scaleplan_hpa::proposal::MetricUsage;
use serde_json::{Value, json};

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

fn sync_json(s: &SyncRecord, labels: &[MetricLabel], columns: &[String]) -> Value {
    let load: serde_json::Map<String, Value> = columns
        .iter()
        .zip(&s.load)
        .map(|(c, v)| (c.clone(), json!(v)))
        .collect();
    let metrics: Vec<Value> = labels
        .iter()
        .zip(&s.metrics)
        .map(|(l, m)| match m {
            Ok((r, u)) => json!({"metric": l.name, "value": usage_number(u), "target": l.target, "proposal": r}),
            Err(e) => json!({"metric": l.name, "error": e}),
        })
        .collect();
    let mut v = json!({
        "time": s.time,
        "load": load,
        "ready_pods": s.ready,
        "pods": s.pods,
        "metrics": metrics,
        "recommendation": s.recommendation,
        "limited_by": s.limit.as_ref().map(|l| l.to_string()),
        "replicas_before": s.before,
        "replicas": s.after,
    });
    if let Some(b) = s.backlog {
        v["backlog"] = json!(b);
    }
    v
}

fn summary_json(r: &Labeled<'_>) -> Value {
    let s = &r.run.summary;
    let mut v = json!({
        "syncs": s.syncs,
        "duration_s": s.duration_s,
        "peak_replicas": s.peak_replicas,
        "final_replicas": s.final_replicas,
        "first_scale_up_s": s.first_scale_up_s,
        "time_at_max_replicas_s": s.time_at_max_s,
        "pod_seconds": s.pod_seconds,
    });
    if let Some(q) = &s.queue {
        v["queue"] = json!({
            "arrived": q.arrived,
            "served": q.served,
            "final_backlog": q.final_backlog,
            "peak_backlog": q.peak_backlog,
            "longest_wait_s": q.longest_wait_s,
        });
    }
    v
}

/// The JSON document: settings, then each run's syncs and summary.
pub fn json(setting: &Setting<'_>, runs: &[Labeled<'_>]) -> String {
    let c = setting.config;
    let runs: Vec<Value> = runs
        .iter()
        .map(|r| {
            let labels = metric_labels(r.hpa);
            json!({
                "source": r.source,
                "hpa": r.hpa_name,
                "min_replicas": r.hpa.min_replicas.unwrap_or(1),
                "max_replicas": r.hpa.max_replicas,
                "metrics": labels.iter().map(|l| json!({"metric": l.name, "column": l.column, "target": l.target})).collect::<Vec<_>>(),
                "syncs": r.run.syncs.iter().map(|s| sync_json(s, &labels, &setting.columns)).collect::<Vec<_>>(),
                "summary": summary_json(r),
            })
        })
        .collect();
    let doc = json!({
        "trace": setting.trace_file,
        "sync_period_s": c.sync_period,
        "metric_lag_s": c.metric_lag,
        "pod_startup_s": c.pod_startup,
        "service_rate": c.service_rate,
        "runs": runs,
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    out.push('\n');
    out
}
