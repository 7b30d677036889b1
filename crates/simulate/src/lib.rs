//! `scaleplan simulate`: replay a load trace through the HPA controller's algorithm.
//!
//! Flow: [`input`] reads the HPA, [`trace`] the CSV, [`feed`] binds each metric
//! to a column, [`engine`] runs the controller ([`scaleplan_hpa::controller::sync`])
//! against simulated [`pods`] and, in closed loop, a [`queue`]; [`table`],
//! [`csv`] and [`report`] (JSON) write the result and [`chart`] draws it.

pub mod chart;
pub mod cli;
pub mod csv;
pub mod engine;
pub mod feed;
pub mod input;
pub mod pods;
pub mod queue;
pub mod report;
pub mod table;
pub mod trace;
