//! ## What it does
//! Checks external prometheus-adapter rules for `<<.GroupBy>>` in their
//! `metricsQuery`.
//!
//! ## Why is this bad?
//! External metrics belong to no object, so the adapter renders
//! `<<.GroupBy>>` as the empty string. `by (<<.GroupBy>>)` becomes `by ()`,
//! harmless but misleading, and `by (<<.GroupBy>>, queue_name)` becomes
//! `by (, queue_name)`, a PromQL parse error: every query of the metric
//! fails and the HPA reports `FailedGetExternalMetric`. The query was
//! usually copied from a custom rule.
//!
//! ## Example
//! ```yaml
//! external:
//! - metricsQuery: 'sum(max by (<<.GroupBy>>, queue_name) (<<.Series>>{<<.LabelMatchers>>}))'
//! ```
//!
//! Use instead:
//! ```yaml
//! external:
//! - metricsQuery: 'sum(max by (queue_name) (<<.Series>>{<<.LabelMatchers>>}))'
//! ```
//!
//! ## References
//! - `BuildExternal` (pkg/naming/metrics_query.go) passes an empty GroupBy
//! - metrics-pipeline.md §3.1, §5.4

use super::adapter_rules::{RuleSet, is_adapter, rules_of};
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "ADAPTER003",
    name: "group-by-in-external-rule",
    severity: Severity::Warning,
    enabled: true,
    summary: "An external prometheus-adapter rule uses <<.GroupBy>>, which renders empty",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if !is_adapter(ctx.kind()) {
        return;
    }
    for rule in rules_of(ctx.kind(), ctx.json()) {
        if rule.set != RuleSet::External {
            continue;
        }
        let Some(query) = rule.metrics_query() else {
            continue;
        };
        if !query.contains("<<.GroupBy>>") {
            continue;
        }
        let compact: String = query.chars().filter(|c| !c.is_whitespace()).collect();
        let broken = compact.contains("<<.GroupBy>>,");
        let effect = if broken {
            "renders as `by (, ...)`, a PromQL syntax error"
        } else {
            "renders as `by ()`, which groups nothing"
        };
        out.push(
            ctx.value_finding(
                &rule.field("metricsQuery"),
                format!("<<.GroupBy>> is empty in external rules: this query {effect}"),
            )
            .help("remove <<.GroupBy>> from external rules; group by the metric's own labels (max by (queue_name)) if needed"),
        );
    }
}
