//! ## What it does
//! Checks for a `Utilization` target above 100% on a Resource or
//! ContainerResource metric (or `targetCPUUtilizationPercentage` above 100).
//!
//! ## Why is this bad?
//! Utilization is a percentage of the *request*. A target of 150% means the
//! HPA adds pods only once every pod uses one and a half times what it
//! reserved: the scheduler packed nodes by requests, so pods compete for
//! CPU (throttling) or get OOM-killed for memory before scaling starts. It
//! usually means the request is too low; fix the request, not the target.
//!
//! ## Example
//! ```yaml
//! resource:
//!   name: memory
//!   target: {type: Utilization, averageUtilization: 150}
//! ```
//!
//! Use instead:
//! ```yaml
//! resource:
//!   name: memory
//!   target: {type: Utilization, averageUtilization: 80}   # and a realistic request
//! ```
//!
//! ## References
//! - hpa-algorithm.md §6.1
//! - <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/>

use crate::pointer::{Member, Pointer};
use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "HPA008",
    name: "utilization-above-request",
    severity: Severity::Warning,
    enabled: true,
    summary: "A utilization target above 100% of the requests",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::HorizontalPodAutoscaler {
        return;
    }
    let hpa = ctx.hpa();
    for (i, m) in hpa.metrics().iter().enumerate() {
        for block in ["resource", "containerResource"] {
            let Some(src) = m.member(block) else { continue };
            let Some(u) = src
                .at("/target/averageUtilization")
                .and_then(Value::as_i64)
            else {
                continue;
            };
            if u <= 100 {
                continue;
            }
            let resource = src
                .member("name")
                .and_then(Value::as_str)
                .unwrap_or("resource");
            let pointer = hpa.source_pointer(&format!(
                "/spec/metrics/{i}/{block}/target/averageUtilization"
            ));
            out.push(
                ctx.value_finding(
                    &pointer,
                    format!("target {u}% of the {resource} request: pods must exceed what they reserved before the HPA adds any"),
                )
                .help(format!("raise the {resource} request to what a pod needs and target at most 100% of it (70-80% leaves headroom for the scale-up delay)")),
            );
        }
    }
}
