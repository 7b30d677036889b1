//! ## What it does
//! Checks a KEDA ScaledObject's triggers the way KEDA validates them: at
//! least one trigger, unique trigger names, no `useCachedMetrics` on `cpu`,
//! `memory` or `cron` triggers, and a `metricType` of `Utilization` or
//! `AverageValue` on cpu/memory triggers (and not `Utilization` elsewhere).
//!
//! ## Why is this bad?
//! KEDA's webhook rejects each of these; without the webhook the operator
//! fails to build the HPA ("unknown metric type", duplicate metric names),
//! and the workload is not scaled at all.
//!
//! ## Example
//! ```yaml
//! triggers:
//! - type: cpu
//!   useCachedMetrics: true
//!   metricType: Value
//!   metadata: {value: "60"}
//! ```
//!
//! Use instead:
//! ```yaml
//! triggers:
//! - type: cpu
//!   metricType: Utilization
//!   metadata: {value: "60"}
//! ```
//!
//! ## References
//! - KEDA `ValidateTriggers` (apis/keda/v1alpha1/scaletriggers_types.go)
//! - <https://keda.sh/docs/latest/scalers/cpu/>

use crate::pointer::Member;
use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "KEDA004",
    name: "keda-trigger-invalid",
    severity: Severity::Error,
    enabled: true,
    summary: "A ScaledObject has no triggers, duplicate trigger names, or an option its trigger type rejects",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::ScaledObject || ctx.get("/spec").is_none() {
        return;
    }
    let triggers = match ctx.get("/spec/triggers") {
        Some(Value::Array(t)) if !t.is_empty() => t,
        _ => {
            let at = if ctx.get("/spec/triggers").is_some() {
                "/spec/triggers"
            } else {
                "/spec"
            };
            out.push(
                ctx.finding(at, "a ScaledObject needs at least one trigger")
                    .field("spec.triggers")
                    .help("add the trigger that measures this workload's load"),
            );
            return;
        }
    };
    let mut names: Vec<&str> = Vec::new();
    for (i, t) in triggers.iter().enumerate() {
        let base = format!("/spec/triggers/{i}");
        let kind = t.member("type").and_then(Value::as_str).unwrap_or("");
        if let Some(name) = t
            .member("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        {
            if names.contains(&name) {
                out.push(
                    ctx.value_finding(&format!("{base}/name"), format!("trigger name {name:?} is used twice: KEDA rejects duplicate trigger names"))
                        .help("give every trigger a unique name"),
                );
            }
            names.push(name);
        }
        if t.member("useCachedMetrics").and_then(Value::as_bool) == Some(true)
            && matches!(kind, "cpu" | "memory" | "cron")
        {
            out.push(
                ctx.value_finding(
                    &format!("{base}/useCachedMetrics"),
                    format!(
                        "useCachedMetrics is not supported on {kind} triggers: KEDA rejects it"
                    ),
                )
                .help("remove useCachedMetrics from this trigger"),
            );
        }
        let metric_type = t.member("metricType").and_then(Value::as_str);
        match (kind, metric_type) {
            ("cpu" | "memory", Some(m)) if m != "Utilization" && m != "AverageValue" => out.push(
                ctx.value_finding(&format!("{base}/metricType"), format!("{kind} triggers take metricType Utilization or AverageValue, not {m}"))
                    .help("use Utilization (percent of requests) or AverageValue (a quantity per pod)"),
            ),
            ("cpu" | "memory", _) | ("", _) => {}
            (_, Some("Utilization")) => out.push(
                ctx.value_finding(&format!("{base}/metricType"), format!("metricType Utilization is only for cpu and memory triggers; KEDA rejects it on {kind}"))
                    .help("use AverageValue (the default) or Value"),
            ),
            _ => {}
        }
    }
}
