//! ## What it does
//! Checks for HPA metrics that measure the work the scaled pods complete
//! (succeeded, processed, completed, handled, consumed per second), by the
//! metric's name or by the series of the prometheus-adapter rule that
//! serves it.
//!
//! ## Why is this bad?
//! Throughput is an *output* of the replica count, not a demand signal. More
//! workers complete more tasks per second, which asks for more workers; when
//! the workers stall (a slow dependency), throughput falls and the HPA
//! scales *down* exactly when the backlog grows. Scale workers on what is
//! waiting (queue length, lag) and servers on what arrives (requests per
//! second at the load balancer).
//!
//! ## Example
//! ```yaml
//! - type: Object
//!   object:
//!     metric: {name: celery_tasks_per_second}   # rate(celery_task_succeeded_total)
//!     target: {type: AverageValue, averageValue: "10"}
//! ```
//!
//! Use instead:
//! ```yaml
//! - type: External
//!   external:
//!     metric: {name: celery_queue_length, selector: {matchLabels: {queue_name: celery}}}
//!     target: {type: AverageValue, averageValue: "30"}
//! ```
//!
//! ## References
//! - metrics-pipeline.md §4 bug 19

use crate::pointer::Pointer;
use super::adapter_rules::{all_rules, serves, source_series};
use super::hpa_shape::{HpaV2, metric_name};
use super::workload::describe;
use crate::kind::ObjectKind;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "HPA009",
    name: "throughput-metric",
    severity: Severity::Warning,
    enabled: true,
    summary: "An HPA scales on the throughput of the pods it scales (succeeded/processed per second)",
    check: Check::Objects(check),
};

const OUTPUT_WORDS: [&str; 7] = [
    "succeeded",
    "processed",
    "completed",
    "handled",
    "consumed",
    "finished",
    "done",
];

/// Whether a metric or series name says work done (`tasks_succeeded_total`).
pub(crate) fn is_output(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| OUTPUT_WORDS.contains(&w))
}

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    let rules = all_rules(ctx.index);
    // With no adapter rule computing a metric from work done, only an HPA
    // whose own metric names say so can be reported: its summary tells,
    // without loading the body.
    let any_output_rule = rules
        .iter()
        .any(|(_, r)| source_series(r).iter().any(|s| is_output(s)));
    // Only metrics of these kinds are served by an adapter.
    let hpas = ctx.index.of_kind(ObjectKind::HorizontalPodAutoscaler);
    for hpa in hpas.filter(|h| h.has_custom_metrics()) {
        if !any_output_rule && !hpa.summary().output_metric {
            continue;
        }
        let body = hpa.body();
        let view = HpaV2::from_document(&body);
        for (i, m) in view.metrics().iter().enumerate() {
            let Some((block, name)) = metric_name(m) else {
                continue;
            };
            let via = if is_output(name) {
                None
            } else {
                let series = rules
                    .iter()
                    .filter(|(_, r)| {
                        serves(r, name) == Some(true)
                            || r.rule.at("/name/as").and_then(|a| a.as_str()) == Some(name)
                    })
                    .flat_map(|(_, r)| source_series(r))
                    .find(|s| is_output(s));
                match series {
                    Some(s) => Some(s),
                    None => continue,
                }
            };
            let pointer = view.source_pointer(&format!("/spec/metrics/{i}/{block}/metric/name"));
            let source = via
                .map(|s| format!(" (the adapter computes it from {s})"))
                .unwrap_or_default();
            out.push(
                hpa.value_finding(
                    &pointer,
                    format!("{} scales on {name}{source}, the work its own pods complete: more pods raise it, and a stall lowers it while the backlog grows", describe(hpa)),
                )
                .help("scale on demand instead: the backlog (queue length, consumer lag) for workers, the arrival rate for servers"),
            );
        }
    }
}
