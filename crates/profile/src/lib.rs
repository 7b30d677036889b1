//! Scaling profiles: the typed model, its validation, and rendering to
//! Kubernetes manifests, prometheus-adapter values and scheduled scaling.

pub mod cli;
