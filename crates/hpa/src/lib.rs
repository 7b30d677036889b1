//! scaleplan-hpa: the Kubernetes HorizontalPodAutoscaler controller's algorithm as pure
//! functions over plain data (no I/O, no clock), the API server's HPA validation and
//! defaulting, and conversion from k8s-openapi objects.
//!
//! Everything follows `shared/research/hpa-algorithm.md` (section numbers in the docs
//! refer to it) and is checked against the upstream-derived vectors by [`conformance`].
//!
//! Entry points: [`controller::sync`] (one controller sync), [`validation::validate`],
//! [`defaults::apply_defaults`], [`from_k8s::hpa_spec_from_k8s`], [`quantity`].

pub mod conformance;
pub mod controller;
pub mod defaults;
mod field_path;
pub mod from_k8s;
pub mod go_math;
pub mod legacy;
pub mod model;
pub mod observations;
pub mod pod_groups;
pub mod proposal;
pub mod quantity;
pub mod rate_limit;
pub mod replica_calc;
pub mod stabilization;
pub mod tolerance;
pub mod validation;

pub use controller::{ControllerConfig, HpaState, Scale, SyncOutcome, sync};
pub use model::HpaSpec;
pub use observations::Observations;
pub use validation::{FeatureGates, FieldError, validate};
