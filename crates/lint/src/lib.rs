//! `scaleplan lint`: autoscaling mistakes in existing YAML.
//!
//! One direction of flow: [`input`] (which files) -> [`parse`] (positioned
//! documents, one at a time) -> [`kind`] (what each document is) -> rules
//! ([`rule`] API, [`registry`] of every rule) run by the [`engine`], which
//! also keeps the cross-object [`index`] -> sorted diagnostics -> a renderer
//! of `scaleplan_diag::render` ([`output`]).

mod body_store;
pub mod checks;
pub mod cli;
pub mod config;
pub mod document;
pub mod engine;
pub mod fuzzing;
pub mod index;
pub mod input;
pub mod kind;
pub mod output;
pub mod parse;
pub mod places;
pub mod pointer;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod schema;
pub(crate) mod spill;
pub(crate) mod summary;
pub mod suppress;
pub mod template;
#[cfg(test)]
mod test_manifests;
pub mod version;

pub use engine::{
    Diagnostics, FileSummary, LintOptions, LintResult, LintSummary, RuleSet, lint, lint_streaming,
    lint_text,
};
pub use input::Input;
pub use version::KubeVersion;
