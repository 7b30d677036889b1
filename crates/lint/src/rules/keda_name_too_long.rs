//! ## What it does
//! Checks that a KEDA ScaledObject's name and the name of the HPA it
//! creates (`keda-hpa-<name>` unless
//! `advanced.horizontalPodAutoscalerConfig.name` is set) are at most 63
//! characters.
//!
//! ## Why is this bad?
//! KEDA puts the name into label values (`scaledobject.keda.sh/name`),
//! which are limited to 63 characters; its webhook rejects longer names. A
//! name of 55 characters passes that check, but its derived HPA name does
//! not.
//!
//! ## Example
//! ```yaml
//! metadata:
//!   name: order-fulfilment-consumer-for-the-european-warehouse-network
//! ```
//!
//! Use instead:
//! ```yaml
//! metadata:
//!   name: order-fulfilment-eu
//! ```
//!
//! ## References
//! - KEDA `verifyName` (apis/keda/v1alpha1/scaledobject_webhook.go)
//! - <https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set>

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "KEDA005",
    name: "keda-name-too-long",
    severity: Severity::Error,
    enabled: true,
    summary: "A ScaledObject's name, or its derived HPA name, is longer than 63 characters",
    check: Check::Document(check),
};

const LIMIT: usize = 63;

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::ScaledObject {
        return;
    }
    let Some(name) = ctx.name() else { return };
    let custom = ctx
        .get("/spec/advanced/horizontalPodAutoscalerConfig/name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty());
    if name.chars().count() > LIMIT {
        out.push(
            ctx.value_finding(
                "/metadata/name",
                format!(
                    "name is {} characters: KEDA uses it as a label value, limited to {LIMIT}",
                    name.chars().count()
                ),
            )
            .help("shorten the name"),
        );
        return;
    }
    let (hpa, pointer) = match custom {
        Some(c) => (
            c.to_owned(),
            "/spec/advanced/horizontalPodAutoscalerConfig/name",
        ),
        None => (format!("keda-hpa-{name}"), "/metadata/name"),
    };
    if hpa.chars().count() > LIMIT {
        out.push(
            ctx.value_finding(pointer, format!("the HPA KEDA creates is named {hpa:?} ({} characters, limit {LIMIT})", hpa.chars().count()))
                .help("shorten the name, or set advanced.horizontalPodAutoscalerConfig.name to a shorter HPA name"),
        );
    }
}
