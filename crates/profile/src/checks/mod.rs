//! Validation checks. Each has a stable ID in [`ids`]; structure checks run
//! on the JSON form against the strict schema, semantic checks on the typed
//! profile and its resolution, cross-profile checks on everything loaded.

mod api;
mod behavior;
mod duplicates;
mod gates;
pub mod ids;
mod k8s_names;
pub mod quantity;
mod queue;
mod replicas;
mod schedule;
pub mod structure;
mod targets;

pub use duplicates::across_profiles;
pub use ids::{CHECKS, CheckInfo};

use crate::model::ScalingProfile;
use crate::resolve::ResolvedProfile;
use saphyr::MarkedYaml;
use scaleplan_diag::{Diagnostic, SourceFile, yaml};

/// What a semantic check sees: the document with positions, the typed
/// profile and its resolution.
pub struct Ctx<'a, 'i> {
    pub src: &'a SourceFile,
    pub doc: &'a MarkedYaml<'i>,
    pub profile: &'a ScalingProfile,
    pub resolved: &'a ResolvedProfile,
}

impl Ctx<'_, '_> {
    /// An error at the key of the field at `pointer` (or its nearest written
    /// ancestor when a preset supplied the value).
    pub fn error(&self, id: &'static str, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(id, message)
            .at(yaml::pointer_location(self.src, self.doc, pointer))
            .field(yaml::field_path(pointer))
    }

    /// An error at the value of the field at `pointer`.
    pub fn value_error(
        &self,
        id: &'static str,
        pointer: &str,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::error(id, message)
            .at(yaml::value_location(self.src, self.doc, pointer))
            .field(yaml::field_path(pointer))
    }

    /// Whether the profile itself writes the field at `pointer` (otherwise a
    /// preset or default supplied it).
    pub fn written(&self, pointer: &str) -> bool {
        yaml::resolve(self.doc, pointer).1
    }

    /// " (from preset `api`)" when a preset supplied the value at `pointer`.
    pub fn origin(&self, pointer: &str) -> String {
        match (self.written(pointer), self.profile.spec.preset) {
            (false, Some(p)) => format!(" (from preset `{}`)", p.as_str()),
            _ => String::new(),
        }
    }
}

/// Every per-profile semantic check.
pub fn semantic(ctx: &Ctx<'_, '_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    replicas::check(ctx, &mut out);
    targets::check(ctx, &mut out);
    behavior::check(ctx, &mut out);
    k8s_names::check(ctx, &mut out);
    queue::check(ctx, &mut out);
    schedule::check(ctx, &mut out);
    // Only when nothing specific was found: otherwise the same problem would be reported twice.
    if out.is_empty() {
        api::check(ctx, &mut out);
    }
    // Feature-gate warnings only for otherwise valid profiles: noise beside real errors.
    if out.is_empty() {
        gates::check(ctx, &mut out);
    }
    out
}
