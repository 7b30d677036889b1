//! ## What it does
//! Reports text that is not well-formed YAML, at the line and column where
//! the parser gave up.
//!
//! ## Why is this bad?
//! `kubectl apply` refuses the whole file, and no other check can look at the
//! broken document. Reading resumes at the next `---`, so the documents after
//! the broken one are still linted.
//!
//! ## Example
//! ```yaml
//! spec:
//!   metrics: [{type: Resource
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   metrics: [{type: Resource}]
//! ```
//!
//! ## References
//! - [YAML 1.2.2 specification](https://yaml.org/spec/1.2.2/)

use crate::rule::{Check, Rule};
use scaleplan_diag::Severity;

pub const ID: &str = scaleplan_diag::yaml::YAML_SYNTAX;

pub(crate) const RULE: Rule = Rule {
    id: ID,
    name: "yaml-syntax",
    severity: Severity::Error,
    enabled: true,
    summary: "The text is not well-formed YAML",
    check: Check::Engine,
};
