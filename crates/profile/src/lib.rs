//! Scaling profiles: the typed model ([`model`]), its resolution into concrete
//! values ([`ResolvedProfile`]), loading with positions ([`load_paths`],
//! [`check_source`]), validation with stable check IDs ([`checks`]), and the
//! `validate` and `schema` commands ([`cli`]).
//!
//! Flow: file -> `MarkedYaml` documents -> JSON -> strict JSON Schema ->
//! typed [`ScalingProfile`] -> semantic checks on it and on its
//! [`ResolvedProfile`] -> cross-profile checks. Every problem becomes one
//! [`scaleplan_diag::Diagnostic`] located at the offending field.

pub mod checks;
pub mod cli;
mod load;
pub mod model;
pub mod names;
pub mod presets;
mod resolve;
pub mod schema;

pub use load::{LoadOutcome, LoadedProfile, check_document, check_source, load_paths};
pub use model::{ProfileSpec, ScalingProfile};
pub use resolve::*;
