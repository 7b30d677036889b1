//! `scaleplan simulate`: replay a load trace through the HPA controller's algorithm.

pub mod cli;
