//! ## What it does
//! Checks that a prometheus-adapter `metricsQuery` uses the template
//! fields that tie the query to the HPA's request: `<<.LabelMatchers>>` in
//! every rule, and grouping `by (<<.GroupBy>>)` in custom (Object/Pods)
//! rules.
//!
//! ## Why is this bad?
//! The adapter fills `<<.LabelMatchers>>` with the HPA's metric selector,
//! its namespace and the described object (`service="celery-exporter"`), and
//! maps each result back to an object by the label in `<<.GroupBy>>`. A
//! query with hard-coded selectors ignores which object and namespace the
//! HPA asked about; a query that is not grouped by the resource label
//! returns series the adapter cannot attribute ("None of the results
//! returned by when fetching metric ... matched the resource name"), so
//! the HPA gets `NotFound`, or an arbitrary series wins.
//!
//! ## Example
//! ```yaml
//! metricsQuery: 'avg_over_time(celery_queue_length{namespace="shop"}[1m])'
//! ```
//!
//! Use instead:
//! ```yaml
//! metricsQuery: 'sum(max by (<<.GroupBy>>, queue_name) (<<.Series>>{<<.LabelMatchers>>})) by (<<.GroupBy>>)'
//! ```
//!
//! ## References
//! - <https://github.com/kubernetes-sigs/prometheus-adapter/blob/master/docs/config.md#querying>
//! - metrics-pipeline.md §3.1, §3.5 (issues #150, #296), §4 bug 14

use super::adapter_rules::{RuleSet, is_adapter, rules_of};
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "ADAPTER002",
    name: "metrics-query-ignores-templates",
    severity: Severity::Error,
    enabled: true,
    summary: "A prometheus-adapter metricsQuery lacks <<.LabelMatchers>> or, in a custom rule, by (<<.GroupBy>>)",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if !is_adapter(ctx.kind()) {
        return;
    }
    for rule in rules_of(ctx.kind(), ctx.json()) {
        let Some(query) = rule.metrics_query() else {
            continue;
        };
        let compact: String = query.chars().filter(|c| !c.is_whitespace()).collect();
        let mut missing = Vec::new();
        if !compact.contains("<<.LabelMatchers>>") {
            missing.push("<<.LabelMatchers>> (the HPA's selector, namespace and object)");
        }
        if rule.set == RuleSet::Custom && !grouped_by_resource(&compact) {
            missing.push("by (<<.GroupBy>>) (one series per object, keyed by the resource label)");
        }
        if missing.is_empty() {
            continue;
        }
        out.push(
            ctx.value_finding(
                &rule.field("metricsQuery"),
                format!("metricsQuery lacks {}: the adapter cannot scope the query to the object the HPA asks about", missing.join(" and ")),
            )
            .help(match rule.set {
                RuleSet::Custom => "write it as sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>), wrapping <<.Series>> in rate()/max by as needed",
                RuleSet::External => "write it as sum(<<.Series>>{<<.LabelMatchers>>}), deduplicating with max by (...) if several exporters report the series",
            }),
        );
    }
}

/// Whether the query groups by `<<.GroupBy>>` (`by (<<.GroupBy>>)` or
/// `by (<<.GroupBy>>, other)`), whitespace removed.
fn grouped_by_resource(compact: &str) -> bool {
    compact
        .match_indices("by(")
        .any(|(i, _)| compact[i + 3..].starts_with("<<.GroupBy>>"))
}
