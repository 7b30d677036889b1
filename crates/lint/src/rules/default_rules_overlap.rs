//! ## What it does
//! Checks prometheus-adapter Helm values that add custom rules without
//! setting `rules.default: false`.
//!
//! ## Why is this bad?
//! The chart's `rules.default` is `true` unless set. Its catch-all rules
//! already expose every namespaced gauge on every resource its labels map
//! to, and every `_total` counter as a rate. The adapter's docs require
//! rules to be mutually exclusive; when two rules serve the same metric on
//! the same resource, the last one silently wins, so your carefully written
//! query may not be the one the HPA gets. The default rules also multiply
//! relist cost on a large Prometheus.
//!
//! ## Example
//! ```yaml
//! rules:
//!   custom:
//!   - seriesQuery: 'celery_queue_length{namespace!=""}'
//! ```
//!
//! Use instead:
//! ```yaml
//! rules:
//!   default: false
//!   custom:
//!   - seriesQuery: 'celery_queue_length{namespace!=""}'
//! ```
//!
//! ## References
//! - prometheus-community/helm-charts `charts/prometheus-adapter/values.yaml`
//! - metrics-pipeline.md §3.2, §4 bug 17

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "ADAPTER006",
    name: "default-rules-overlap",
    severity: Severity::Warning,
    enabled: true,
    summary: "Prometheus-adapter values add custom rules while the chart's catch-all default rules stay on",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::AdapterValues {
        return;
    }
    let custom = ctx.get("/rules/custom").and_then(Value::as_array);
    if custom.is_none_or(|c| c.is_empty()) {
        return;
    }
    match ctx.get("/rules/default") {
        Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => out.push(
            ctx.value_finding("/rules/default", "rules.default: true keeps the chart's catch-all rules next to your custom rules; overlapping rules serve the same metric and the last one wins")
                .help("set rules.default: false when you write your own rules"),
        ),
        _ => out.push(
            ctx.finding("/rules", "rules.default is unset and defaults to true: the chart's catch-all rules overlap your custom rules, and the last one to serve a metric wins")
                .field("rules.default")
                .help("add `default: false` under rules"),
        ),
    }
}
