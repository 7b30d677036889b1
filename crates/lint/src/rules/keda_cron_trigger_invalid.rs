//! ## What it does
//! Checks KEDA `cron` triggers: `timezone`, `start`, `end` and
//! `desiredReplicas` are required; `start` and `end` must be 5-field cron
//! expressions and differ; the timezone must be an IANA name; and
//! `desiredReplicas` must be a positive integer.
//!
//! ## Why is this bad?
//! The cron scaler fails to build on any of these ("no desiredReplicas
//! specified", "error parsing start schedule"), so the whole ScaledObject
//! stops scaling, not just the schedule. `desiredReplicas: "0"` is rejected
//! too: to scale to zero outside the window, set `minReplicaCount: 0` and
//! let the window hold the working minimum.
//!
//! ## Example
//! ```yaml
//! - type: cron
//!   metadata: {timezone: Europe/Paris, start: 0 20 * * *, end: 0 6 * * *, desiredReplicas: "0"}
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   minReplicaCount: 0
//!   triggers:
//!   - type: cron
//!     metadata: {timezone: Europe/Paris, start: 0 6 * * *, end: 0 20 * * *, desiredReplicas: "5"}
//! ```
//!
//! ## References
//! - KEDA `parseCronMetadata` (pkg/scalers/cron_scaler.go)
//! - <https://keda.sh/docs/latest/scalers/cron/>

use crate::pointer::Member;
use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "KEDA008",
    name: "keda-cron-trigger-invalid",
    severity: Severity::Error,
    enabled: true,
    summary: "A KEDA cron trigger lacks a field, has an invalid schedule or timezone, or desiredReplicas 0",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::ScaledObject {
        return;
    }
    let Some(Value::Array(triggers)) = ctx.get("/spec/triggers") else {
        return;
    };
    for (i, t) in triggers.iter().enumerate() {
        if t.member("type").and_then(Value::as_str) != Some("cron") {
            continue;
        }
        let base = format!("/spec/triggers/{i}/metadata");
        let meta = t.member("metadata");
        let field = |k: &str| {
            meta.and_then(|m| m.member(k))
                .and_then(Value::as_str)
                .map(str::trim)
        };
        let missing: Vec<&str> = ["timezone", "start", "end", "desiredReplicas"]
            .into_iter()
            .filter(|k| field(k).is_none_or(str::is_empty))
            .collect();
        if !missing.is_empty() {
            let at = if meta.is_some() {
                base.clone()
            } else {
                format!("/spec/triggers/{i}")
            };
            out.push(
                ctx.finding(&at, format!("cron trigger lacks {}: the scaler fails and the ScaledObject stops scaling", missing.join(", ")))
                    .help("set timezone, start, end and desiredReplicas (all strings)"),
            );
        }
        if let Some(tz) = field("timezone").filter(|t| !t.is_empty())
            && jiff::tz::TimeZone::get(tz).is_err()
        {
            out.push(
                ctx.value_finding(
                    &format!("{base}/timezone"),
                    format!("timezone {tz:?} is not an IANA time zone name"),
                )
                .help("use a name like Europe/Paris or America/New_York"),
            );
        }
        for k in ["start", "end"] {
            if let Some(expr) = field(k).filter(|e| !e.is_empty())
                && let Err(why) = five_field_cron(expr)
            {
                out.push(
                    ctx.value_finding(
                        &format!("{base}/{k}"),
                        format!("{k} {expr:?} is not a 5-field cron expression: {why}"),
                    )
                    .help("write minute hour day-of-month month day-of-week, e.g. \"0 8 * * 1-5\""),
                );
            }
        }
        if let (Some(s), Some(e)) = (field("start"), field("end"))
            && !s.is_empty()
            && s == e
        {
            out.push(
                ctx.value_finding(
                    &format!("{base}/end"),
                    "start and end are the same schedule: the window is empty and KEDA rejects it",
                )
                .help("set end to when the window closes"),
            );
        }
        if let Some(d) = field("desiredReplicas").filter(|d| !d.is_empty()) {
            match d.parse::<i64>() {
                Ok(n) if n > 0 => {}
                Ok(n) => out.push(
                    ctx.value_finding(&format!("{base}/desiredReplicas"), format!("desiredReplicas {n} is rejected by the cron scaler: it must be a positive integer (outside its window a cron trigger already asks for nothing)"))
                        .help("set minReplicaCount: 0 for off-hours zero and give the window the working size, e.g. desiredReplicas: \"5\""),
                ),
                Err(_) => out.push(ctx.value_finding(&format!("{base}/desiredReplicas"), format!("desiredReplicas {d:?} is not an integer")).help("write a positive integer as a string, e.g. \"5\"")),
            }
        }
    }
}

/// Whether an expression is a standard 5-field cron schedule (robfig/cron's
/// standard parser, which KEDA uses: no seconds, no `L`/`W`/`#`).
fn five_field_cron(expr: &str) -> Result<(), String> {
    let fields = expr.split_whitespace().count();
    if expr.starts_with('@') {
        return expr
            .parse::<croner::Cron>()
            .map(|_| ())
            .map_err(|e| e.to_string());
    }
    if fields != 5 {
        return Err(format!("it has {fields} fields"));
    }
    if expr.contains(['L', 'W', '#']) {
        return Err("L, W and # are not standard cron".into());
    }
    expr.parse::<croner::Cron>()
        .map(|_| ())
        .map_err(|e| e.to_string())
}
