//! ## What it does
//! Reports a mapping key that appears twice in the same mapping, pointing at
//! the second occurrence and naming the line of the first. Keys are compared
//! as they reach JSON: `1`, `01` and `"1"` are one key there.
//!
//! ## Why is this bad?
//! YAML forbids duplicate keys, but many tools silently keep the last value,
//! so the first one (often the one a reviewer reads) has no effect. The API
//! server's strict field validation rejects or warns about them. Linting goes
//! on with the last value, as `kubectl` would use it.
//!
//! ## Example
//! ```yaml
//! spec:
//!   minReplicas: 2
//!   maxReplicas: 10
//!   minReplicas: 4
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   minReplicas: 4
//!   maxReplicas: 10
//! ```
//!
//! ## References
//! - [YAML 1.2.2: mappings have unique keys](https://yaml.org/spec/1.2.2/#mapping)
//! - [Kubernetes: field validation](https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation)

use crate::rule::{Check, Rule};
use scaleplan_diag::Severity;

pub const ID: &str = "YAML002";

pub(crate) const RULE: Rule = Rule {
    id: ID,
    name: "duplicate-key",
    severity: Severity::Error,
    enabled: true,
    summary: "A key appears twice in the same mapping",
    check: Check::Engine,
};
