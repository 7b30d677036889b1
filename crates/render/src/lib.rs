//! Rendering validated profiles to Kubernetes objects, adapter values and
//! text artifacts, and writing them to `out/`.
//!
//! Flow: [`scaleplan_profile`] loads and validates profiles; [`plan`] turns
//! each into domain parameters ([`hpa::HpaParams`], [`exporter::ExporterParams`],
//! ...); the builders turn those into k8s-openapi objects (or our own serde
//! types for the ServiceMonitor and the adapter values); [`artifact`]
//! serializes them with serde-saphyr under a header; [`writer`] writes `out/`.

pub mod adapter;
pub mod adapter_query;
pub mod artifact;
pub mod cli;
pub mod exporter;
pub mod hpa;
pub mod meta;
pub mod plan;
pub mod render;
pub mod schedule;
pub mod service_monitor;
pub mod text;
mod text_context;
pub mod writer;

pub use artifact::{Artifact, ArtifactKind, Origin};
pub use render::{profile_hpa, render_profiles, render_profiles_with};
pub use text::{TemplateError, Templates};

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use scaleplan_diag::Diagnostic;
use scaleplan_diag::render::Sources;

/// The HPA of every profile under `path` (a file or a directory), by
/// profile name, as `scaleplan render` writes it; for the simulator.
/// Invalid profiles: every diagnostic (errors and warnings) and the sources
/// they point into, for [`scaleplan_diag::render::human`].
#[allow(clippy::type_complexity)]
pub fn load_hpas(
    path: &std::path::Path,
) -> Result<Vec<(String, HorizontalPodAutoscaler)>, (Vec<Diagnostic>, Sources)> {
    let outcome = scaleplan_profile::load_paths(&[path.to_path_buf()]);
    if outcome.has_errors() {
        return Err((outcome.diagnostics, outcome.sources));
    }
    Ok(outcome
        .profiles
        .iter()
        .map(|p| (p.resolved.name.clone(), profile_hpa(p)))
        .collect())
}
