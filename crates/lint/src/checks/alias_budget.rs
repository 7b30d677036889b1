//! ## What it does
//! Refuses a document whose anchors and aliases (`&a` / `*a`) expand to more
//! than 100,000 nodes, reporting the alias where the budget ran out.
//!
//! ## Why is this bad?
//! A few nested aliases can expand exponentially (the "billion laughs"
//! attack) and exhaust the memory of any tool that expands them, including
//! the API server's decoder. No real manifest comes near the budget.
//!
//! ## Example
//! ```yaml
//! a: &a [x, x, x, x, x, x, x, x, x, x]
//! b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
//! c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
//! # ... and so on, each level ten times the last
//! ```
//!
//! Use instead: write the values out, or use fewer levels of aliases.
//!
//! ## References
//! - [Billion laughs attack](https://en.wikipedia.org/wiki/Billion_laughs_attack)
//! - [CVE-2019-11253: Kubernetes API server YAML parsing](https://github.com/kubernetes/kubernetes/issues/83253)

use crate::rule::{Check, Rule};
use scaleplan_diag::Severity;

pub const ID: &str = "YAML003";

pub(crate) const RULE: Rule = Rule {
    id: ID,
    name: "alias-expansion-budget",
    severity: Severity::Error,
    enabled: true,
    summary: "Anchors and aliases expand beyond the node budget",
    check: Check::Engine,
};
