//! ## What it does
//! Checks a KEDA ScaledObject's replica bounds the way KEDA validates them:
//! `minReplicaCount` must not exceed `maxReplicaCount` (100 when unset), and
//! `idleReplicaCount` must be below `minReplicaCount` (as KEDA computes it:
//! 0 when unset, 1 when set to 0).
//!
//! ## Why is this bad?
//! The CRD's CEL rule and KEDA's admission webhook reject the object
//! ("MinReplicaCount=5 must be less than MaxReplicaCount=3", "IdleReplicaCount=2
//! must be less than MinReplicaCount=2"). Without the webhook installed,
//! the operator loops on the error and never creates the HPA.
//!
//! ## Example
//! ```yaml
//! spec:
//!   minReplicaCount: 5
//!   maxReplicaCount: 3
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   minReplicaCount: 1
//!   maxReplicaCount: 3
//! ```
//!
//! ## References
//! - KEDA `CheckReplicaCountBoundsAreValid` (apis/keda/v1alpha1/scaledobject_types.go)
//! - <https://keda.sh/docs/latest/reference/scaledobject-spec/>

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "KEDA001",
    name: "keda-replica-bounds",
    severity: Severity::Error,
    enabled: true,
    summary: "A ScaledObject's minReplicaCount exceeds maxReplicaCount, or idleReplicaCount is not below it",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::ScaledObject {
        return;
    }
    let min_set = ctx.get("/spec/minReplicaCount").and_then(Value::as_i64);
    let max = ctx.get("/spec/maxReplicaCount").and_then(Value::as_i64);
    // KEDA: unset min is 0 here; a set min of 0 counts as the HPA's 1.
    let min = match min_set {
        None => 0,
        Some(m) if m > 0 => m,
        Some(_) => 1,
    };
    let max_eff = max.unwrap_or(100);
    if let Some(m) = min_set
        && m > max_eff
    {
        let shown = if max.is_some() {
            format!("maxReplicaCount {max_eff}")
        } else {
            "the default maxReplicaCount 100".into()
        };
        out.push(
            ctx.value_finding(
                "/spec/minReplicaCount",
                format!("minReplicaCount {m} is above {shown}: KEDA rejects the ScaledObject"),
            )
            .help("make minReplicaCount <= maxReplicaCount (maxReplicaCount defaults to 100)"),
        );
    }
    if let Some(idle) = ctx.get("/spec/idleReplicaCount").and_then(Value::as_i64)
        && idle >= min
    {
        out.push(
            ctx.value_finding("/spec/idleReplicaCount", format!("idleReplicaCount {idle} must be below minReplicaCount (KEDA counts it as {min} here): KEDA rejects the ScaledObject"))
                .help("set idleReplicaCount: 0 with minReplicaCount of 1 or more, or remove idleReplicaCount"),
        );
    }
}
