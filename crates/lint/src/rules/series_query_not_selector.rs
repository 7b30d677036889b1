//! ## What it does
//! Checks that every prometheus-adapter rule's `seriesQuery` is a plain
//! series selector (`metric{label!=""}` or `{__name__=~"..."}`), not a
//! PromQL expression.
//!
//! ## Why is this bad?
//! The adapter sends `seriesQuery` verbatim as `match[]` to Prometheus'
//! `/api/v1/series`, which accepts only selectors: `rate(...)` or `sum(...)`
//! is answered with `bad_data ... parse error: unexpected "("`. The relist
//! is all-or-nothing, so one bad rule empties **every** custom (or external)
//! metric of the adapter: `kubectl get --raw /apis/custom.metrics.k8s.io/v1beta1`
//! shows `"resources": []` and every HPA on a custom metric stops.
//!
//! ## Example
//! ```yaml
//! - seriesQuery: 'rate(celery_task_succeeded_total{namespace!=""}[5m])'
//! ```
//!
//! Use instead (the rate goes into `metricsQuery`):
//! ```yaml
//! - seriesQuery: 'celery_task_succeeded_total{namespace!="",service!=""}'
//!   metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'
//! ```
//!
//! ## References
//! - <https://github.com/kubernetes-sigs/prometheus-adapter/blob/master/docs/config.md>
//! - metrics-pipeline.md §3.1, §4 bug 11

use super::adapter_rules::{is_adapter, rules_of, series_selector};
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "ADAPTER001",
    name: "series-query-not-selector",
    severity: Severity::Error,
    enabled: true,
    summary: "A prometheus-adapter seriesQuery is an expression, not a series selector",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if !is_adapter(ctx.kind()) {
        return;
    }
    for rule in rules_of(ctx.kind(), ctx.json()) {
        let Some(query) = rule.series_query() else {
            continue;
        };
        // Unparseable selectors are ADAPTER005's; an expression that parses is ours.
        if series_selector(query).is_some() || promql_parser::parser::parse(query).is_err() {
            continue;
        }
        out.push(
            ctx.value_finding(
                &rule.field("seriesQuery"),
                format!("seriesQuery {query:?} is a PromQL expression: Prometheus' series API rejects it, and the failed relist drops every rule of this adapter"),
            )
            .help("make seriesQuery a plain selector (metric{namespace!=\"\"}) and move functions and aggregation into metricsQuery"),
        );
    }
}
