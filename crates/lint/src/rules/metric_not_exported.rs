//! ## What it does
//! Checks the Celery metric names that prometheus-adapter rules read
//! (`celery_*` in `seriesQuery` or a hard-coded `metricsQuery`) against the
//! Celery exporters deployed in the input: a name that the deployed exporter
//! does not expose, or that no Celery exporter exposes at all
//! (`celery_tasks_pending`, `celery_task_runtime_seconds`), is reported.
//!
//! ## Why is this bad?
//! The two common exporters use different names: danihodovic exposes
//! `celery_queue_length` and `celery_task_<state>_total`; OvalMoney exposes
//! `celery_tasks_total{state=...}` and no queue length at all. A rule for a
//! name the exporter never produces discovers no series, the adapter serves
//! nothing under the name, and the HPA reports "unable to get metric" for as
//! long as it runs.
//!
//! ## Example
//! ```yaml
//! image: ovalmoney/celery-exporter:1.5.1
//! ---
//! - seriesQuery: 'celery_queue_length{namespace!=""}'   # danihodovic's name
//! ```
//!
//! Use instead:
//! ```yaml
//! image: danihodovic/celery-exporter:0.12.2
//! ```
//!
//! ## References
//! - metrics-pipeline.md §1 (metrics table), §2, §4 bugs 1, 2, 15, 16

use super::adapter_rules::all_rules;
use super::celery_exporter::{CeleryExporter, exporter_containers};
use super::workload::describe;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "EXPORTER002",
    name: "metric-not-exported",
    severity: Severity::Error,
    enabled: true,
    summary: "An adapter rule reads a Celery metric the deployed exporter (or any Celery exporter) does not expose",
    check: Check::Objects(check),
};

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    let exporters = exporter_containers(ctx.index);
    // A renamed prefix (CE_METRIC_PREFIX) makes every name unknowable.
    if exporters
        .iter()
        .any(|e| e.env("CE_METRIC_PREFIX").is_some() || e.has_flag("--metric-prefix"))
    {
        return;
    }
    for (holder, rule) in all_rules(ctx.index) {
        for series in super::adapter_rules::source_series(&rule) {
            if !series.starts_with("celery_") {
                continue;
            }
            let known = CeleryExporter::all().iter().any(|x| x.exposes(&series));
            let message = if !known {
                format!(
                    "{series} is exposed by no Celery exporter (danihodovic: {}; ovalmoney: {})",
                    CeleryExporter::Danihodovic.sample_metrics(),
                    CeleryExporter::OvalMoney.sample_metrics()
                )
            } else if let Some(e) = exporters.iter().find(|e| !e.exporter.exposes(&series)) {
                if exporters.iter().any(|x| x.exporter.exposes(&series)) {
                    continue; // another deployed exporter has it
                }
                format!(
                    "{series} is not exposed by {} ({} in {}), which exposes {}",
                    e.exporter.image(),
                    describe(e.workload),
                    e.workload.file_name(),
                    e.exporter.sample_metrics()
                )
            } else {
                continue;
            };
            let pointer = rule.field("seriesQuery");
            out.push(
                holder
                    .value_finding(&pointer, format!("{message}: this rule discovers no series"))
                    .help("query a metric the exporter really exposes (danihodovic/celery-exporter: celery_queue_length{queue_name=...} for backlog)"),
            );
        }
    }
}
