//! ## What it does
//! Checks every scaleplan `ScalingProfile` document (`apiVersion:
//! scaleplan.dev/v1alpha1`) met among the inputs with the same checks as
//! `scaleplan validate`: strict schema, types, replica bounds, targets,
//! behavior. Its findings keep the profile checks' own IDs (`P0...`), which
//! `scaleplan validate --help` documents; this entry turns them all on or off.
//!
//! ## Why is this bad?
//! A profile that does not validate renders nothing (or renders the wrong
//! autoscaler), so a repository that keeps profiles next to its manifests
//! wants one command to check both.
//!
//! ## Example
//! ```yaml
//! apiVersion: scaleplan.dev/v1alpha1
//! kind: ScalingProfile
//! spec:
//!   replicas: {min: 5, max: 2}
//! ```
//!
//! Use instead: a profile that `scaleplan validate` accepts (see `docs/profiles.md`).
//!
//! ## References
//! - `scaleplan validate --help`, `scaleplan schema`

use crate::rule::{Check, Rule};
use scaleplan_diag::Severity;

pub const ID: &str = "PROFILE001";

pub(crate) const RULE: Rule = Rule {
    id: ID,
    name: "scaling-profile-invalid",
    severity: Severity::Error,
    enabled: true,
    summary: "A scaleplan ScalingProfile does not pass `scaleplan validate`",
    check: Check::Engine,
};
