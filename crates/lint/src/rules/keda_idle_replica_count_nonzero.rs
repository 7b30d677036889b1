//! ## What it does
//! Checks for a KEDA ScaledObject whose `idleReplicaCount` is not 0.
//!
//! ## Why is this bad?
//! KEDA's documentation: "Only a value of 0 is supported". With another
//! value, KEDA and the HPA it manages fight over the replica count when the
//! triggers go inactive: KEDA writes the idle count, the HPA (whose minimum
//! is `minReplicaCount`) writes it back (kedacore/keda#2314).
//!
//! ## Example
//! ```yaml
//! spec:
//!   idleReplicaCount: 1
//!   minReplicaCount: 2
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   idleReplicaCount: 0
//!   minReplicaCount: 2
//! ```
//!
//! ## References
//! - <https://keda.sh/docs/latest/reference/scaledobject-spec/#idlereplicacount>

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "KEDA002",
    name: "keda-idle-replica-count-nonzero",
    severity: Severity::Warning,
    enabled: true,
    summary: "A ScaledObject's idleReplicaCount is not 0, the only value KEDA supports",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::ScaledObject {
        return;
    }
    let pointer = "/spec/idleReplicaCount";
    let Some(idle) = ctx.get(pointer).and_then(Value::as_i64) else {
        return;
    };
    if idle == 0 {
        return;
    }
    out.push(
        ctx.value_finding(pointer, format!("idleReplicaCount {idle}: KEDA supports only 0; other values make KEDA and its HPA fight over the replica count"))
            .help("use idleReplicaCount: 0, or drop it and let minReplicaCount be the floor"),
    );
}
