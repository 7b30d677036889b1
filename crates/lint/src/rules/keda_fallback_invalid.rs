//! ## What it does
//! Checks a KEDA ScaledObject's `fallback` the way KEDA validates it:
//! `failureThreshold` and `replicas` must be >= 0, and (without
//! `scalingModifiers`) at least one trigger other than cpu/memory must use
//! the `AverageValue` metric type (the default); with `scalingModifiers`, its
//! `metricType` must not be `Value`.
//!
//! ## Why is this bad?
//! KEDA implements the fallback by answering the HPA with
//! `target × fallback.replicas` for AverageValue metrics. cpu and memory come
//! from metrics-server and `Value` metrics do not scale with a count, so
//! there is nothing to fake: KEDA's webhook rejects the object, or without
//! the webhook the fallback silently never applies.
//!
//! ## Example
//! ```yaml
//! fallback: {failureThreshold: 3, replicas: 4}
//! triggers:
//! - type: cpu
//!   metricType: Utilization
//!   metadata: {value: "60"}
//! ```
//!
//! Use instead: a fallback only next to an AverageValue trigger (queue, lag,
//! Prometheus), or no fallback.
//!
//! ## References
//! - KEDA `CheckFallbackValid` (apis/keda/v1alpha1/scaledobject_types.go)
//! - <https://keda.sh/docs/latest/reference/scaledobject-spec/#fallback>

use crate::pointer::Member;
use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "KEDA003",
    name: "keda-fallback-invalid",
    severity: Severity::Error,
    enabled: true,
    summary: "A ScaledObject's fallback has negative values or no AverageValue trigger to apply to",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::ScaledObject || ctx.get("/spec/fallback").is_none() {
        return;
    }
    let mut negative = false;
    for field in ["failureThreshold", "replicas"] {
        let pointer = format!("/spec/fallback/{field}");
        if let Some(v) = ctx.get(&pointer).and_then(Value::as_i64)
            && v < 0
        {
            negative = true;
            out.push(
                ctx.value_finding(
                    &pointer,
                    format!("fallback.{field} is {v}: it must be >= 0"),
                )
                .help("use a non-negative value"),
            );
        }
    }
    if negative {
        return;
    }
    if ctx
        .get("/spec/advanced/scalingModifiers")
        .is_some_and(|m| m.as_object().is_some_and(|m| !m.is_empty()))
    {
        if ctx
            .get("/spec/advanced/scalingModifiers/metricType")
            .and_then(Value::as_str)
            == Some("Value")
        {
            out.push(
                ctx.value_finding(
                    "/spec/advanced/scalingModifiers/metricType",
                    "a fallback with scalingModifiers needs metricType AverageValue",
                )
                .help("use metricType: AverageValue, or remove the fallback"),
            );
        }
        return;
    }
    let triggers = ctx.get("/spec/triggers").and_then(Value::as_array);
    let usable = triggers.into_iter().flatten().any(|t| {
        let kind = t.member("type").and_then(Value::as_str).unwrap_or("");
        let metric_type = t
            .member("metricType")
            .and_then(Value::as_str)
            .unwrap_or("AverageValue");
        kind != "cpu" && kind != "memory" && metric_type == "AverageValue"
    });
    if !usable {
        out.push(
            ctx.finding("/spec/fallback", "fallback needs at least one trigger other than cpu/memory with metricType AverageValue; this ScaledObject has none, so KEDA rejects it")
                .help("remove the fallback, or add it only next to an AverageValue trigger"),
        );
    }
}
