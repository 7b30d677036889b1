//! `scaleplan lint`: autoscaling mistakes in existing YAML.

pub mod cli;
