//! Shape checks: the document is a ScalingProfile and matches the strict
//! JSON Schema. Every schema error becomes one located diagnostic; unknown
//! fields get a did-you-mean from the fields allowed at that place.

use super::ids::*;
use crate::model::{API_VERSION, KIND};
use crate::schema;
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use saphyr::MarkedYaml;
use scaleplan_diag::suggest::edit_distance;
use scaleplan_diag::{Diagnostic, SourceFile, yaml};
use serde_json::Value;

pub use super::ids::WRONG_TYPE;

/// Runs the strict schema over a document's JSON form.
pub fn check(src: &SourceFile, doc: &MarkedYaml<'_>, json: &Value) -> Vec<Diagnostic> {
    if let Some(d) = not_a_profile(src, doc, json) {
        return vec![d];
    }
    let mut out = Vec::new();
    for err in schema::validator().iter_errors(json) {
        flatten(src, doc, &err, &mut out);
    }
    out.dedup_by(|a, b| a.location == b.location && a.message == b.message);
    drop_missing_explained_by_typos(&mut out);
    out
}

/// `periodSecond: 60` yields both "unknown field `periodSecond`" and
/// "missing field `periodSeconds`"; the first (with its did-you-mean) says it
/// all, so the second is dropped.
fn drop_missing_explained_by_typos(out: &mut Vec<Diagnostic>) {
    fn split(field: &str) -> (&str, &str) {
        field.rsplit_once('.').unwrap_or(("", field))
    }
    let typos: Vec<(String, String)> = out
        .iter()
        .filter(|d| d.rule == UNKNOWN_FIELD)
        .filter_map(|d| d.field.as_deref())
        .map(|f| {
            let (parent, name) = split(f);
            (parent.to_string(), name.to_string())
        })
        .collect();
    out.retain(|d| {
        if d.rule != MISSING_FIELD {
            return true;
        }
        let Some(field) = d.field.as_deref() else {
            return true;
        };
        let (parent, name) = split(field);
        !typos
            .iter()
            .any(|(p, typo)| p == parent && did_you_mean(typo, &[name.to_string()]).is_some())
    });
}

/// A document that is clearly something else (a Deployment, an HPA) gets one
/// message instead of a schema error per field.
fn not_a_profile(src: &SourceFile, doc: &MarkedYaml<'_>, json: &Value) -> Option<Diagnostic> {
    let Value::Object(m) = json else {
        return Some(
            Diagnostic::error(
                NOT_A_PROFILE,
                "document is not a mapping: expected a ScalingProfile",
            )
            .at(yaml::span_location(src, &doc.span))
            .help(format!(
                "a profile starts with `apiVersion: {API_VERSION}` and `kind: {KIND}`"
            )),
        );
    };
    let kind = m.get("kind").and_then(Value::as_str);
    let api = m.get("apiVersion").and_then(Value::as_str);
    match (api, kind) {
        (Some(a), Some(k)) if a != API_VERSION && k != KIND => Some(
            Diagnostic::error(
                NOT_A_PROFILE,
                format!("`{a}` `{k}` is not a scaling profile: expected apiVersion `{API_VERSION}`, kind `{KIND}`"),
            )
            .at(yaml::value_location(src, doc, "/kind"))
            .field("kind")
            .help("keep only ScalingProfile documents in profile paths; `scaleplan lint` checks Kubernetes manifests"),
        ),
        _ => None,
    }
}

/// `anyOf`/`oneOf` errors (from `Option<T>` fields and documented enums)
/// carry the errors of each branch. When every branch wants a constant, the
/// value is simply not one of them; otherwise report the errors of the branch
/// the value was meant for, the non-null one.
fn flatten(
    src: &SourceFile,
    doc: &MarkedYaml<'_>,
    err: &ValidationError<'_>,
    out: &mut Vec<Diagnostic>,
) {
    match err.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            let consts: Option<Vec<String>> = context
                .iter()
                .map(|errs| match errs.as_slice() {
                    [e] if e.instance_path() == err.instance_path() => match e.kind() {
                        ValidationErrorKind::Constant { expected_value } => {
                            expected_value.as_str().map(str::to_string)
                        }
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            if let Some(options) = consts {
                out.push(enum_diagnostic(src, doc, err, &options));
                return;
            }
            let branch = context.iter().find(|errs| {
                !errs.iter().any(|e| {
                    matches!(e.kind(), ValidationErrorKind::Type { kind: TypeKind::Single(t) } if t.to_string() == "null")
                        && e.instance_path() == err.instance_path()
                })
            });
            match branch {
                Some(errs) if !errs.is_empty() => {
                    for e in errs {
                        flatten(src, doc, e, out);
                    }
                }
                _ => out.push(to_diagnostic(src, doc, err)),
            }
        }
        _ => out.push(to_diagnostic(src, doc, err)),
    }
}

fn enum_diagnostic(
    src: &SourceFile,
    doc: &MarkedYaml<'_>,
    e: &ValidationError<'_>,
    opts: &[String],
) -> Diagnostic {
    let ptr = e.instance_path().as_str().to_string();
    let field = yaml::field_path(&ptr);
    let got = e
        .instance()
        .as_str()
        .map_or(e.instance().to_string(), str::to_string);
    let help = match did_you_mean(&got, opts) {
        Some(s) => format!("did you mean `{s}`? (values are case-sensitive)"),
        None => format!("use one of: {}", opts.join(", ")),
    };
    Diagnostic::error(
        INVALID_VALUE,
        format!("`{field}` is `{got}`: expected one of {}", opts.join(", ")),
    )
    .at(yaml::value_location(src, doc, &ptr))
    .field(field)
    .help(help)
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn expected_type(kind: &TypeKind) -> String {
    let name = |t: String| match t.as_str() {
        "object" => "a mapping".to_string(),
        "array" => "a list".to_string(),
        "integer" => "an integer".to_string(),
        "string" => "a string".to_string(),
        "number" => "a number".to_string(),
        "boolean" => "true or false".to_string(),
        other => other.to_string(),
    };
    match kind {
        TypeKind::Single(t) => name(t.to_string()),
        TypeKind::Multiple(set) => set
            .iter()
            .filter(|t| t.to_string() != "null")
            .map(|t| name(t.to_string()))
            .collect::<Vec<_>>()
            .join(" or "),
    }
}

fn to_diagnostic(src: &SourceFile, doc: &MarkedYaml<'_>, e: &ValidationError<'_>) -> Diagnostic {
    let ptr = e.instance_path().as_str().to_string();
    let field = yaml::field_path(&ptr);
    let shown = if field.is_empty() {
        "the document".to_string()
    } else {
        format!("`{field}`")
    };
    match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let name = unexpected.first().cloned().unwrap_or_default();
            let child = format!("{ptr}/{}", name.replace('~', "~0").replace('/', "~1"));
            let allowed = schema::allowed_properties(&ptr);
            let help = match (hpa_alias(&name), did_you_mean(&name, &allowed)) {
                (Some(h), _) => h.to_string(),
                (None, Some(s)) => format!("did you mean `{s}`?"),
                (None, None) => format!("allowed fields here: {}", allowed.join(", ")),
            };
            let child_field = yaml::field_path(&child);
            Diagnostic::error(
                UNKNOWN_FIELD,
                format!("unknown field `{name}` in {shown}: expected one of the documented fields"),
            )
            .at(yaml::pointer_location(src, doc, &child))
            .field(child_field)
            .help(help)
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default().to_string();
            let missing = if ptr.is_empty() {
                name.clone()
            } else {
                format!("{field}.{name}")
            };
            Diagnostic::error(
                MISSING_FIELD,
                format!("missing required field `{name}` in {shown}"),
            )
            .at(yaml::pointer_location(src, doc, &ptr))
            .field(missing)
            .help(required_hint(&name))
        }
        ValidationErrorKind::Type { kind } => Diagnostic::error(
            WRONG_TYPE,
            format!(
                "{shown} is {}: expected {}",
                type_name(e.instance()),
                expected_type(kind)
            ),
        )
        .at(yaml::value_location(src, doc, &ptr))
        .field(field)
        .help("quote strings that look like numbers or booleans, and write numbers without quotes"),
        ValidationErrorKind::Enum { options } => {
            let opts: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|o| o.as_str().map_or(o.to_string(), str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            enum_diagnostic(src, doc, e, &opts)
        }
        ValidationErrorKind::Constant { expected_value } => {
            let want = expected_value
                .as_str()
                .map_or(expected_value.to_string(), str::to_string);
            let got = e
                .instance()
                .as_str()
                .map_or(e.instance().to_string(), str::to_string);
            Diagnostic::error(
                INVALID_VALUE,
                format!("{shown} is `{got}`: expected `{want}`"),
            )
            .at(yaml::value_location(src, doc, &ptr))
            .field(field)
            .help(format!("write `{want}`"))
        }
        ValidationErrorKind::MinItems { limit } => Diagnostic::error(
            MISSING_FIELD,
            format!("{shown} is empty: expected at least {limit} item(s)"),
        )
        .at(yaml::pointer_location(src, doc, &ptr))
        .field(field)
        .help("list at least one entry"),
        _ => Diagnostic::error(INVALID_VALUE, format!("{shown}: {e}"))
            .at(yaml::value_location(src, doc, &ptr))
            .field(field)
            .help("see `scaleplan schema` or docs/profiles.md for this field"),
    }
}

/// Where HPA field names that users carry over belong in a profile.
fn hpa_alias(name: &str) -> Option<&'static str> {
    Some(match name {
        "minReplicas" => "in a profile this is `spec.replicas.min`",
        "maxReplicas" => "in a profile this is `spec.replicas.max`",
        "scaleTargetRef" => {
            "in a profile the scaled object is `spec.workload: {kind, name, containers}`"
        }
        "metrics" => {
            "in a profile resource metrics are `spec.targets: {cpu, memory}` and the queue metric is `spec.queue`"
        }
        _ => return None,
    })
}

fn required_hint(name: &str) -> String {
    match name {
        "apiVersion" => format!("add `apiVersion: {API_VERSION}`"),
        "kind" => format!("add `kind: {KIND}`"),
        "workload" => "add `workload: {kind: Deployment, name: ..., containers: [...]}`".into(),
        "containers" => "list the workload's containers with their resources.requests".into(),
        _ => format!("add `{name}`; see docs/profiles.md for its meaning"),
    }
}

/// The closest allowed name within a small edit distance, case-insensitively.
pub fn did_you_mean(got: &str, allowed: &[String]) -> Option<String> {
    let g = got.to_lowercase();
    allowed
        .iter()
        .map(|a| (edit_distance(&g, &a.to_lowercase()), a))
        .filter(|(d, a)| *d <= (a.len() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, a)| a.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_names_only() {
        let allowed = vec!["minReplicas".to_string(), "maxReplicas".to_string()];
        assert_eq!(
            did_you_mean("minReplica", &allowed).as_deref(),
            Some("minReplicas")
        );
        assert_eq!(did_you_mean("zzz", &allowed), None);
    }
}
