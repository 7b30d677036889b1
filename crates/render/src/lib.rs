//! Rendering validated profiles to Kubernetes objects, adapter values and text artifacts, and writing them to `out/`.

pub mod cli;
