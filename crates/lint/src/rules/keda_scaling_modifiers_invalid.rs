//! ## What it does
//! Checks `advanced.scalingModifiers` of a KEDA ScaledObject the way KEDA
//! compiles it: `formula` and `target` are required, `target` must be a
//! number above 0, `metricType` must not be `Utilization`, and every
//! identifier of the formula must be the `name` of a trigger (cpu and memory
//! triggers do not take part).
//!
//! ## Why is this bad?
//! The formula replaces all external triggers with one composite metric. If
//! it does not compile (an unnamed trigger, a typo in a name) or has no
//! target, KEDA's webhook rejects the object, or the operator fails to
//! build the HPA, and nothing is scaled.
//!
//! ## Example
//! ```yaml
//! advanced:
//!   scalingModifiers:
//!     formula: "(orders + refunds) / 2"     # no target; refunds is unnamed
//! ```
//!
//! Use instead:
//! ```yaml
//! advanced:
//!   scalingModifiers:
//!     formula: "(orders + refunds) / 2"
//!     target: "20"
//! triggers:
//! - {type: rabbitmq, name: orders, ...}
//! - {type: rabbitmq, name: refunds, ...}
//! ```
//!
//! ## References
//! - KEDA `ValidateAndCompileScalingModifiers` (apis/keda/v1alpha1/scaledobject_webhook.go)
//! - <https://keda.sh/docs/latest/reference/scaledobject-spec/#scalingmodifiers>

use crate::pointer::Member;
use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "KEDA006",
    name: "keda-scaling-modifiers-invalid",
    severity: Severity::Error,
    enabled: true,
    summary: "A ScaledObject's scalingModifiers lacks formula/target, or its formula names no trigger",
    check: Check::Document(check),
};

/// Words of expr-lang that are not variables.
const KEYWORDS: [&str; 16] = [
    "and",
    "or",
    "not",
    "in",
    "matches",
    "contains",
    "startsWith",
    "endsWith",
    "true",
    "false",
    "nil",
    "float",
    "int",
    "abs",
    "min",
    "max",
];

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::ScaledObject {
        return;
    }
    let base = "/spec/advanced/scalingModifiers";
    let Some(Value::Object(m)) = ctx.get(base) else {
        return;
    };
    if m.is_empty() {
        return;
    }
    let formula = m.member("formula").and_then(Value::as_str).unwrap_or("");
    let target = m.member("target").and_then(Value::as_str).unwrap_or("");
    if formula.is_empty() {
        out.push(
            ctx.finding(base, "scalingModifiers.formula is required")
                .field("spec.advanced.scalingModifiers.formula")
                .help("write a formula over the trigger names, e.g. \"(orders + refunds) / 2\""),
        );
    } else if target.is_empty() {
        out.push(ctx.finding(base, "scalingModifiers has a formula but no target: KEDA rejects it").field("spec.advanced.scalingModifiers.target").help("set target to the value of the composite metric one replica handles, e.g. target: \"20\""));
    }
    if !target.is_empty() && target.trim().parse::<f64>().map_or(true, |t| t <= 0.0) {
        out.push(
            ctx.value_finding(
                &format!("{base}/target"),
                format!("scalingModifiers.target {target:?} must be a number above 0"),
            )
            .help("write the target as a positive number in a string, e.g. \"20\""),
        );
    }
    if m.member("metricType").and_then(Value::as_str) == Some("Utilization") {
        out.push(ctx.value_finding(&format!("{base}/metricType"), "scalingModifiers.metricType cannot be Utilization: the composite metric is external").help("use AverageValue (the default) or Value"));
    }
    if formula.is_empty() {
        return;
    }
    let names: Vec<&str> = ctx
        .get("/spec/triggers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| {
            !matches!(
                t.member("type").and_then(Value::as_str),
                Some("cpu" | "memory")
            )
        })
        .filter_map(|t| t.member("name").and_then(Value::as_str))
        .collect();
    for ident in identifiers(formula) {
        if !names.contains(&ident.as_str()) && !KEYWORDS.contains(&ident.as_str()) {
            out.push(
                ctx.value_finding(&format!("{base}/formula"), format!("the formula uses {ident:?}, which is the name of no trigger (cpu and memory triggers cannot be used)"))
                    .help(format!("give the trigger it means `name: {ident}`; trigger names in the input: {}", if names.is_empty() { "none".to_owned() } else { names.join(", ") })),
            );
        }
    }
}

/// Identifiers of an expr-lang formula, outside string literals and
/// not followed by `(` (function calls).
fn identifiers(formula: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = formula.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' || c == '\'' || c == '`' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += 1;
            }
            i += 1;
            continue;
        }
        if c.is_ascii_digit() {
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '-')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j] == ' ' {
                j += 1;
            }
            let preceded_by_dot = start > 0 && chars[start - 1] == '.';
            if chars.get(j) != Some(&'(') && !preceded_by_dot && !out.contains(&word) {
                out.push(word);
            }
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn identifiers_skip_calls_numbers_and_strings() {
        assert_eq!(
            super::identifiers("max(orders, refunds * 2.5) + x ?? 0"),
            vec!["orders", "refunds", "x"]
        );
        assert_eq!(
            super::identifiers("float(a) > 3 ? \"b\" : c"),
            vec!["a", "c"]
        );
    }
}
