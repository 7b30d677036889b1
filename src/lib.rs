//! scaleplan: Kubernetes autoscaling as code.
//!
//! The binary is a thin shell over these crates; this library re-exports
//! them so that integration tests and benchmarks reach everything from one place.

pub use scaleplan_diag as diag;
pub use scaleplan_hpa as hpa;
pub use scaleplan_lint as lint;
pub use scaleplan_profile as profile;
pub use scaleplan_render as render;
pub use scaleplan_simulate as simulate;

pub mod cli;
