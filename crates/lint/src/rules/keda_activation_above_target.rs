//! ## What it does
//! Checks KEDA triggers of a ScaledObject that scales to zero
//! (`minReplicaCount` 0 or unset) for an activation threshold at or above
//! the trigger's target (`activationListLength` vs `listLength`,
//! `activationThreshold` vs `threshold`, `activationLagThreshold` vs
//! `lagThreshold`, ...).
//!
//! ## Why is this bad?
//! At zero replicas KEDA wakes the workload only when the metric exceeds the
//! activation value. If that value is at or above what one replica is meant
//! to handle, work waits at zero until more than a replica's worth has piled
//! up, and the first pod starts already behind. Activation is meant as a
//! small noise floor below the target.
//!
//! ## Example
//! ```yaml
//! metadata: {listLength: "20", activationListLength: "50"}
//! ```
//!
//! Use instead:
//! ```yaml
//! metadata: {listLength: "20", activationListLength: "5"}
//! ```
//!
//! ## References
//! - <https://keda.sh/docs/latest/concepts/scaling-deployments/#activating-and-scaling-thresholds>

use crate::pointer::Member;
use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "KEDA009",
    name: "keda-activation-above-target",
    severity: Severity::Warning,
    enabled: true,
    summary: "A scale-to-zero trigger activates only above its own per-replica target",
    check: Check::Document(check),
};

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::ScaledObject {
        return;
    }
    if ctx
        .get("/spec/minReplicaCount")
        .and_then(Value::as_i64)
        .unwrap_or(0)
        > 0
    {
        return; // activation is ignored when the workload never sits at zero
    }
    let Some(Value::Array(triggers)) = ctx.get("/spec/triggers") else {
        return;
    };
    for (i, t) in triggers.iter().enumerate() {
        let Some(Value::Object(meta)) = t.member("metadata") else {
            continue;
        };
        for (key, value) in meta {
            let Some(rest) = key.strip_prefix("activation").filter(|r| !r.is_empty()) else {
                continue;
            };
            let mut chars = rest.chars();
            let target_key: String = chars
                .next()
                .map(|c| c.to_ascii_lowercase())
                .into_iter()
                .chain(chars)
                .collect();
            let (Some(activation), Some(target)) =
                (number(value), meta.get(&target_key).and_then(number))
            else {
                continue;
            };
            if activation < target {
                continue;
            }
            out.push(
                ctx.value_finding(
                    &format!("/spec/triggers/{i}/metadata/{key}"),
                    format!("{key} {activation} is not below {target_key} {target}: from zero, the workload wakes only once at least a replica's worth of work is waiting"),
                )
                .help(format!("set {key} well below {target_key} (a noise floor, e.g. 0-10% of it)")),
            );
        }
    }
}
