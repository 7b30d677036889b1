//! ## What it does
//! Checks for a KEDA ScaledObject whose triggers are all `cpu` or `memory`
//! while `minReplicaCount` is 0 or unset (it defaults to 0).
//!
//! ## Why is this bad?
//! cpu and memory come from running pods; at zero pods there is nothing to
//! measure, so the workload would never wake up. KEDA's webhook rejects the
//! object ("scaledobject has only cpu/memory triggers AND minReplica is 0
//! (scale to zero doesn't work in this case)"). The default of
//! `minReplicaCount` makes this easy to hit by omission.
//!
//! ## Example
//! ```yaml
//! spec:
//!   triggers:
//!   - {type: cpu, metricType: Utilization, metadata: {value: "60"}}
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   minReplicaCount: 1
//!   triggers:
//!   - {type: cpu, metricType: Utilization, metadata: {value: "60"}}
//! ```
//!
//! ## References
//! - KEDA `verifyCPUMemoryScalers` (apis/keda/v1alpha1/scaledobject_webhook.go)
//! - <https://keda.sh/docs/latest/scalers/cpu/>

use crate::pointer::Member;
use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "KEDA007",
    name: "keda-cpu-memory-scale-to-zero",
    severity: Severity::Error,
    enabled: true,
    summary: "A ScaledObject with only cpu/memory triggers has minReplicaCount 0 (the default)",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::ScaledObject {
        return;
    }
    let Some(Value::Array(triggers)) = ctx.get("/spec/triggers") else {
        return;
    };
    let only_resource = !triggers.is_empty()
        && triggers.iter().all(|t| {
            matches!(
                t.member("type").and_then(Value::as_str),
                Some("cpu" | "memory")
            )
        });
    if !only_resource {
        return;
    }
    match ctx.get("/spec/minReplicaCount").and_then(Value::as_i64) {
        Some(0) => out.push(
            ctx.value_finding("/spec/minReplicaCount", "minReplicaCount 0 with only cpu/memory triggers: nothing can wake the workload from zero, and KEDA rejects it")
                .help("set minReplicaCount: 1, or add a trigger that measures demand from outside the pods (queue, Prometheus)"),
        ),
        None => out.push(
            ctx.finding("/spec", "minReplicaCount defaults to 0, but cpu/memory triggers cannot wake a workload from zero: KEDA rejects this ScaledObject")
                .field("spec.minReplicaCount")
                .help("add minReplicaCount: 1"),
        ),
        _ => {}
    }
}
