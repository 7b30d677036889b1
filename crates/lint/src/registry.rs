//! Every rule, listed once: the engine's own checks (`src/checks/`) and the
//! autoscaling rules (`src/rules/`). Each entry carries the text of the
//! rule's source file, whose leading `//!` comment is the documentation that
//! `scaleplan explain` prints, so the docs and the code cannot drift apart.

use crate::rule::Rule;

/// A registered rule and the source text of its file.
#[derive(Debug)]
pub struct RuleEntry {
    pub rule: &'static Rule,
    /// The whole source file, from `include_str!`.
    pub(crate) source: &'static str,
}

impl RuleEntry {
    /// The rule's documentation: the file's leading `//!` lines, without the
    /// comment markers.
    pub fn docs(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.trim_start().strip_prefix("//!") else {
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out.trim().to_owned() + "\n"
    }
}

/// Declares the rule modules of a directory and lists them in a static
/// table, with each file's text for its documentation. The modules are
/// visible to the crate: the index summarizes objects with a rule's own
/// reading of them (`summary`), so that the two cannot drift apart.
///
/// ```ignore
/// register! { RULES: hpa_min_above_max, pdb_blocks_eviction }
/// ```
macro_rules! register {
    ($table:ident: $($module:ident),* $(,)?) => {
        $(pub(crate) mod $module;)*
        /// The rules of this directory, in registration order.
        pub(crate) static $table: &[$crate::registry::RuleEntry] = &[
            $($crate::registry::RuleEntry {
                rule: &$module::RULE,
                source: include_str!(concat!(stringify!($module), ".rs")),
            }),*
        ];
    };
}
pub(crate) use register;

/// Every rule: engine checks first, then autoscaling rules.
pub fn all() -> impl Iterator<Item = &'static RuleEntry> {
    crate::checks::CHECKS
        .iter()
        .chain(crate::rules::RULES.iter())
}

/// The rule with this ID (case-insensitive).
pub fn find(id: &str) -> Option<&'static RuleEntry> {
    all().find(|e| e.rule.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_docs_have_the_house_sections() {
        let mut seen = HashSet::new();
        for e in all() {
            let r = e.rule;
            assert!(seen.insert(r.id), "duplicate rule ID {}", r.id);
            let docs = e.docs();
            for section in ["## What it does", "## Why is this bad?"] {
                assert!(docs.contains(section), "{}: docs lack {section:?}", r.id);
            }
            assert!(
                !r.summary.is_empty() && !r.summary.ends_with('.'),
                "{}: summary",
                r.id
            );
            assert!(
                r.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}: name must be kebab-case",
                r.id
            );
        }
    }
}
