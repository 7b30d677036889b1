//! The autoscaling rules, one per file.
//!
//! To add a rule:
//! 1. Create `src/rules/<rule_name>.rs` (snake_case of the rule's kebab-case
//!    name). Start it with the user docs as `//!` comments in the house
//!    sections: `## What it does`, `## Why is this bad?`, `## Example`,
//!    `Use instead:`, `## References`. `scaleplan explain <ID>` prints this
//!    comment verbatim, so write it for users.
//! 2. Declare `pub(crate) const RULE: Rule` (ID, kebab-case name, default
//!    severity, enabled by default or not, one-line summary without a final
//!    period, and the check) and write the check function.
//!    [`Check::Document`](crate::rule::Check) rules see one document with
//!    positions; [`Check::Objects`](crate::rule::Check) rules see the
//!    [`Index`](crate::index::Index) of every object in the input set.
//! 3. Add the module name to the list below (keep it sorted by ID).
//! 4. Add a fixture under `tests/fixtures/lint/<rule_name>/` and a snapshot.
//!
//! `hpa_min_above_max.rs` is the worked example.

crate::registry::register! { RULES:
    hpa_min_above_max,
}

// Knowledge the rules share: HPAs in the v2 shape, scale targets and their
// pods, prometheus-adapter rules, and the Celery exporters.
mod adapter_rules;
mod celery_exporter;
mod hpa_shape;
mod workload;

/// What a rule file usually needs.
#[allow(unused_imports)]
mod prelude {
    pub(crate) use crate::index::{Index, IndexedObject};
    pub(crate) use crate::kind::ObjectKind;
    pub(crate) use crate::rule::{Check, DocumentContext, Findings, ObjectsContext, Rule};
    pub(crate) use crate::version::KubeVersion;
    pub(crate) use scaleplan_diag::Severity;
    pub(crate) use serde_json::Value;
}
