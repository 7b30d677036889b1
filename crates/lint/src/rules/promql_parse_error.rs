//! ## What it does
//! Parses every prometheus-adapter `seriesQuery` and `metricsQuery` as
//! PromQL, after substituting the template fields the way the adapter
//! renders them (`<<.Series>>`, `<<.LabelMatchers>>`, and `<<.GroupBy>>`,
//! which is empty in external rules).
//!
//! ## Why is this bad?
//! A query that does not parse fails at run time only: a bad `seriesQuery`
//! breaks the adapter's relist (and with it every metric it serves), a bad
//! `metricsQuery` fails each HPA request for that metric. Neither shows up
//! until an HPA reports `FailedGetObjectMetric`.
//!
//! ## Example
//! ```yaml
//! metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m]) by (<<.GroupBy>>)'
//! ```
//!
//! Use instead:
//! ```yaml
//! metricsQuery: 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'
//! ```
//!
//! ## References
//! - <https://prometheus.io/docs/prometheus/latest/querying/basics/>
//! - <https://github.com/kubernetes-sigs/prometheus-adapter/blob/master/docs/config.md>

use super::adapter_rules::{is_adapter, render_query, rules_of};
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "ADAPTER005",
    name: "promql-parse-error",
    severity: Severity::Error,
    enabled: true,
    summary: "A prometheus-adapter query is not valid PromQL once its templates are rendered",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if !is_adapter(ctx.kind()) {
        return;
    }
    for rule in rules_of(ctx.kind(), ctx.json()) {
        for field in ["seriesQuery", "metricsQuery"] {
            let Some(query) = rule.rule.get(field).and_then(|q| q.as_str()) else {
                continue;
            };
            let rendered = render_query(query, rule.set);
            let Err(error) = promql_parser::parser::parse(&rendered) else {
                continue;
            };
            let shown = if rendered == query {
                String::new()
            } else {
                format!(" (rendered: {rendered})")
            };
            out.push(
                ctx.value_finding(
                    &rule.field(field),
                    format!("{field} is not valid PromQL: {error}{shown}"),
                )
                .help("fix the query; `promtool` or the Prometheus UI shows where it breaks"),
            );
        }
    }
}
