//! ## What it does
//! Runs the API server's own validation of HorizontalPodAutoscalers on each
//! HPA, after converting autoscaling/v1, v2beta1 and v2beta2 to the v2 shape
//! and applying the API defaults, as the API server does. It reports every
//! range and shape the API server rejects: `minReplicas` >= 1 (0 only with
//! the `HPAScaleToZero` gate and an Object or External metric),
//! `maxReplicas` >= 1, the metric `type` and exactly one matching source,
//! target types and values (`averageUtilization` >= 1, `value` and
//! `averageValue` > 0), stabilization windows in [0, 3600] s, policy periods
//! in [1, 1800] s, `selectPolicy` in Max/Min/Disabled, non-empty `policies`,
//! and `tolerance` (only from Kubernetes 1.34, where its feature gate is on
//! by default). `minReplicas` above `maxReplicas` is HPA001's.
//!
//! ## Why is this bad?
//! `kubectl apply` fails with `HorizontalPodAutoscaler.autoscaling "x" is
//! invalid`, and schema validators (kubeconform, kubectl-validate) pass these
//! manifests because the OpenAPI schema carries none of these ranges: the
//! failure shows up only against a live API server, often in the pipeline of
//! one environment.
//!
//! ## Example
//! ```yaml
//! behavior:
//!   scaleDown:
//!     stabilizationWindowSeconds: 4000
//!     policies:
//!     - {type: Percent, value: 10, periodSeconds: 3600}
//! ```
//!
//! Use instead:
//! ```yaml
//! behavior:
//!   scaleDown:
//!     stabilizationWindowSeconds: 3600
//!     policies:
//!     - {type: Percent, value: 10, periodSeconds: 1800}
//! ```
//!
//! ## References
//! - `ValidateHorizontalPodAutoscaler` (pkg/apis/autoscaling/validation/validation.go)
//! - hpa-algorithm.md §11 (defaults), §12 (validation)

use crate::pointer::Member;
use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use crate::version::KubeVersion;
use scaleplan_diag::Severity;
use scaleplan_hpa::validation::{FeatureGates, FieldError, validate};
use serde_json::{Map, Value};

pub(crate) const RULE: Rule = Rule {
    id: "HPA003",
    name: "hpa-api-validation",
    severity: Severity::Error,
    enabled: true,
    summary: "An HPA the API server's validation rejects (ranges, metric and behavior shapes)",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::HorizontalPodAutoscaler || ctx.get("/spec").is_none() {
        return;
    }
    let hpa = ctx.hpa();
    let gates = FeatureGates {
        hpa_scale_to_zero: false,
        hpa_configurable_tolerance: ctx.kubernetes_version >= KubeVersion::new(1, 34),
    };
    for error in errors(&hpa.json, &gates) {
        // minReplicas > maxReplicas is HPA001's finding.
        if error.field == "spec.maxReplicas" && error.detail.contains("minReplicas") {
            continue;
        }
        let source = hpa.source_pointer(&pointer(&error.field));
        let finding = if ctx.get(&source).is_some() {
            ctx.value_finding(&source, error.message.clone())
        } else {
            ctx.finding(&source, error.message.clone())
        };
        out.push(finding.field(error.field.clone()).help(help(&error)));
    }
}

/// The API server's errors for a v2-shaped HPA document (defaulted first, as
/// the API server does on create); empty when the document's types are too
/// broken to convert (the schema check reports those).
pub(crate) fn errors(doc: &Value, gates: &FeatureGates) -> Vec<FieldError> {
    match spec_of(doc) {
        Some(spec) => validate(&scaleplan_hpa::defaults::apply_defaults(&spec), None, gates),
        None => Vec::new(),
    }
}

/// The document's spec converted the way the API server decodes it.
fn spec_of(doc: &Value) -> Option<scaleplan_hpa::HpaSpec> {
    use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerSpec;
    use serde::Deserialize;
    let spec = doc.member("spec")?;
    // k8s-openapi decodes a missing required field as its zero value, the
    // one zero_fill writes: a spec that decodes as it is, without a number
    // where a quantity belongs, decodes the same filled (a test checks it on
    // every HPA at hand). Most do; only the others pay for a copy.
    let as_is = (!has_numeric_quantity(spec))
        .then(|| HorizontalPodAutoscalerSpec::deserialize(spec).ok())
        .flatten();
    let k8s = match as_is {
        Some(k8s) => k8s,
        None => {
            let mut spec = spec.clone();
            zero_fill(&mut spec);
            serde_json::from_value::<HorizontalPodAutoscalerSpec>(spec).ok()?
        }
    };
    let mut conversion = Vec::new();
    let converted = scaleplan_hpa::from_k8s::convert_spec(&k8s, &mut conversion);
    conversion.is_empty().then_some(converted)
}

/// Fills the fields Go decodes as zero values when absent (k8s-openapi
/// requires them), and writes numeric quantities as strings, so the API
/// server's validation sees what it would see.
fn zero_fill(spec: &mut Value) {
    let Some(s) = spec.as_object_mut() else {
        return;
    };
    s.entry("maxReplicas").or_insert(Value::from(0));
    fill_ref(
        s.entry("scaleTargetRef")
            .or_insert(Value::Object(Map::new())),
    );
    if let Some(Value::Array(metrics)) = s.get_mut("metrics") {
        for m in metrics {
            let Some(m) = m.as_object_mut() else { continue };
            m.entry("type").or_insert(Value::from(""));
            for block in [
                "object",
                "pods",
                "resource",
                "containerResource",
                "external",
            ] {
                let Some(Value::Object(b)) = m.get_mut(block) else {
                    continue;
                };
                let target = b.entry("target").or_insert(Value::Object(Map::new()));
                if let Some(t) = target.as_object_mut() {
                    t.entry("type").or_insert(Value::from(""));
                    for q in ["value", "averageValue"] {
                        if let Some(v @ Value::Number(_)) = t.get_mut(q) {
                            *v = Value::String(v.to_string());
                        }
                    }
                }
                match block {
                    "resource" => {
                        b.entry("name").or_insert(Value::from(""));
                    }
                    "containerResource" => {
                        b.entry("name").or_insert(Value::from(""));
                        b.entry("container").or_insert(Value::from(""));
                    }
                    _ => {
                        let metric = b.entry("metric").or_insert(Value::Object(Map::new()));
                        if let Some(mm) = metric.as_object_mut() {
                            mm.entry("name").or_insert(Value::from(""));
                        }
                        if block == "object" {
                            fill_ref(
                                b.entry("describedObject")
                                    .or_insert(Value::Object(Map::new())),
                            );
                        }
                    }
                }
            }
        }
    }
    if let Some(Value::Object(b)) = s.get_mut("behavior") {
        for dir in ["scaleUp", "scaleDown"] {
            let Some(Value::Object(r)) = b.get_mut(dir) else {
                continue;
            };
            if let Some(v @ Value::Number(_)) = r.get_mut("tolerance") {
                *v = Value::String(v.to_string());
            }
            if let Some(Value::Array(ps)) = r.get_mut("policies") {
                for p in ps.iter_mut().filter_map(Value::as_object_mut) {
                    p.entry("type").or_insert(Value::from(""));
                    p.entry("value").or_insert(Value::from(0));
                    p.entry("periodSeconds").or_insert(Value::from(0));
                }
            }
        }
    }
}

/// Whether a metric target's value or a behavior's tolerance is written as
/// a number (which `zero_fill` turns into a string).
fn has_numeric_quantity(spec: &Value) -> bool {
    let metrics = spec.member("metrics").and_then(Value::as_array);
    let targets = metrics
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|m| m.values().filter_map(|b| b.member("target")));
    let in_targets = targets
        .flat_map(|t| ["value", "averageValue"].map(|q| t.get(q)))
        .any(|q| q.is_some_and(Value::is_number));
    let behavior = spec.member("behavior");
    in_targets
        || ["scaleUp", "scaleDown"].iter().any(|dir| {
            behavior
                .and_then(|b| b.get(*dir))
                .and_then(|r| r.member("tolerance"))
                .is_some_and(Value::is_number)
        })
}

fn fill_ref(r: &mut Value) {
    if let Some(r) = r.as_object_mut() {
        r.entry("kind").or_insert(Value::from(""));
        r.entry("name").or_insert(Value::from(""));
    }
}

/// `spec.metrics[0].resource.name` -> `/spec/metrics/0/resource/name`.
fn pointer(field: &str) -> String {
    let mut out = String::new();
    for part in field.split('.') {
        let (name, indices) = part
            .split_once('[')
            .map_or((part, ""), |(n, rest)| (n, rest));
        out.push('/');
        out.push_str(name);
        for idx in indices.split('[').filter(|s| !s.is_empty()) {
            out.push('/');
            out.push_str(idx.trim_end_matches(']'));
        }
    }
    out
}

fn help(e: &FieldError) -> String {
    use scaleplan_hpa::validation::FieldErrorKind;
    match &e.kind {
        FieldErrorKind::Required => format!("set {}", e.field),
        FieldErrorKind::NotSupported(values) => format!("use one of: {}", values.join(", ")),
        FieldErrorKind::Forbidden => "remove the field, or satisfy what it requires".to_owned(),
        FieldErrorKind::Invalid => format!("{} {}", e.field, e.detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaleplan_hpa::model::{HpaSpec, MetricTarget};
    use serde_json::json;

    /// `spec_of` skips `zero_fill` for a spec that decodes as it is and has
    /// no numeric quantity: for every such HPA of the fixtures, the tutorial
    /// and the corpus, the zero-filled copy must decode to the same spec.
    #[test]
    fn zero_fill_changes_no_spec_that_decodes_as_it_is() {
        use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerSpec;
        use serde::Deserialize;
        let (mut as_is, mut filled) = (0, 0);
        for (f, json) in crate::test_manifests::documents() {
            if crate::kind::classify(&json).kind != ObjectKind::HorizontalPodAutoscaler {
                continue;
            }
            let doc = crate::rules::hpa_shape::HpaV2::from_document(&json).json.into_owned();
            let Some(spec) = doc.member("spec") else { continue };
            let fast = (!has_numeric_quantity(spec))
                .then(|| HorizontalPodAutoscalerSpec::deserialize(spec).ok())
                .flatten();
            if let Some(fast) = fast {
                let mut copy = spec.clone();
                zero_fill(&mut copy);
                let slow = serde_json::from_value::<HorizontalPodAutoscalerSpec>(copy);
                assert_eq!(Some(&fast), slow.as_ref().ok(), "{}", f.display());
                as_is += 1;
            } else {
                filled += 1;
            }
        }
        // Both paths are exercised.
        assert!(as_is > 20 && filled > 3, "{as_is} as they are, {filled} filled");
    }

    fn quantity(milli: Option<i64>) -> Option<Value> {
        milli.map(|m| Value::String(format!("{m}m")))
    }

    fn target(t: &MetricTarget) -> Value {
        let mut o = Map::new();
        if let Some(ty) = &t.target_type {
            o.insert("type".into(), ty.clone().into());
        }
        if let Some(v) = quantity(t.value_milli) {
            o.insert("value".into(), v);
        }
        if let Some(v) = quantity(t.average_value_milli) {
            o.insert("averageValue".into(), v);
        }
        if let Some(u) = t.average_utilization {
            o.insert("averageUtilization".into(), u.into());
        }
        Value::Object(o)
    }

    fn metric_id(m: &scaleplan_hpa::model::MetricIdentifier) -> Value {
        let mut o = json!({"name": m.name});
        if let Some(sel) = &m.selector {
            let labels: Map<String, Value> = sel
                .split(',')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), Value::from(v.trim())))
                .collect();
            o["selector"] = json!({"matchLabels": labels});
        }
        o
    }

    /// An HPA of the vectors' internal shape written as the autoscaling/v2
    /// manifest a user would write.
    fn manifest(h: &HpaSpec) -> Value {
        let mut spec = json!({
            "maxReplicas": h.max_replicas,
            "scaleTargetRef": {"kind": h.scale_target_ref.kind, "name": h.scale_target_ref.name},
        });
        if let Some(m) = h.min_replicas {
            spec["minReplicas"] = m.into();
        }
        let metrics: Vec<Value> = h
            .metrics
            .iter()
            .map(|m| {
                let mut o = json!({"type": m.source_type.as_str()});
                if let Some(s) = &m.resource {
                    o["resource"] = json!({"name": s.name, "target": target(&s.target)});
                }
                if let Some(s) = &m.container_resource {
                    o["containerResource"] = json!({"name": s.name, "container": s.container, "target": target(&s.target)});
                }
                if let Some(s) = &m.pods {
                    o["pods"] = json!({"metric": metric_id(&s.metric), "target": target(&s.target)});
                }
                if let Some(s) = &m.object {
                    o["object"] = json!({"metric": metric_id(&s.metric), "target": target(&s.target),
                        "describedObject": {"kind": s.described_object.kind, "name": s.described_object.name}});
                }
                if let Some(s) = &m.external {
                    o["external"] = json!({"metric": metric_id(&s.metric), "target": target(&s.target)});
                }
                o
            })
            .collect();
        if !metrics.is_empty() {
            spec["metrics"] = metrics.into();
        }
        if let Some(b) = &h.behavior {
            let mut behavior = Map::new();
            for (key, rules) in [("scaleUp", &b.scale_up), ("scaleDown", &b.scale_down)] {
                let Some(r) = rules else { continue };
                let mut o = Map::new();
                if let Some(w) = r.stabilization_window_seconds {
                    o.insert("stabilizationWindowSeconds".into(), w.into());
                }
                if let Some(p) = &r.select_policy {
                    o.insert("selectPolicy".into(), p.as_str().into());
                }
                if let Some(ps) = &r.policies {
                    let list: Vec<Value> = ps
                        .iter()
                        .map(|p| json!({"type": p.policy_type.as_str(), "value": p.value, "periodSeconds": p.period_seconds}))
                        .collect();
                    o.insert("policies".into(), list.into());
                }
                if let Some(t) = r.tolerance_value() {
                    o.insert(
                        "tolerance".into(),
                        Value::String(format!("{}m", (t * 1000.0).round() as i64)),
                    );
                }
                behavior.insert(key.into(), Value::Object(o));
            }
            spec["behavior"] = Value::Object(behavior);
        }
        json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
               "metadata": {"name": "vector"}, "spec": spec})
    }

    /// Every `validation` vector of the HPA vectors file, written as a
    /// manifest and read back by this rule's conversion, gets the verdict
    /// the upstream test asserts. (The rule itself also applies the API
    /// defaults, as the API server does before validating a manifest; the
    /// vectors validate raw objects, so this test validates the converted
    /// spec without them.)
    #[test]
    fn agrees_with_every_validation_vector() {
        let default = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/hpa-vectors-sample.json");
        let path =
            std::env::var_os("SCALEPLAN_HPA_VECTORS").map_or(default, std::path::PathBuf::from);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file: Value = serde_json::from_str(&text).unwrap();
        let mut checked = 0;
        let mut failures = Vec::new();
        for v in file["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["kind"] == "validation")
        {
            let input = &v["input"];
            let hpa: HpaSpec = serde_json::from_value(input["hpa"].clone()).unwrap();
            let old: Option<HpaSpec> = input
                .member("old_hpa")
                .filter(|o| !o.is_null())
                .map(|o| serde_json::from_value(o.clone()).unwrap());
            let gates: FeatureGates =
                serde_json::from_value(input["feature_gates"].clone()).unwrap_or_default();
            let doc = manifest(&hpa);
            let Some(spec) = spec_of(&doc) else {
                failures.push(format!("{}: the manifest did not convert", v["name"]));
                continue;
            };
            let errs = validate(&spec, old.as_ref(), &gates);
            let expected = &v["expected"];
            let valid = expected["valid"].as_bool().unwrap();
            let mut ok = errs.is_empty() == valid;
            if let Some(want) = expected["first_error_contains"].as_str() {
                ok &= errs.first().is_some_and(|e| e.to_string().contains(want));
            }
            if let Some(n) = expected["error_count"].as_u64() {
                ok &= errs.len() as u64 == n;
            }
            if !ok {
                failures.push(format!(
                    "{}: expected {expected}, got {:?}",
                    v["name"],
                    errs.iter().map(|e| e.to_string()).collect::<Vec<_>>()
                ));
            }
            checked += 1;
        }
        assert!(checked > 0, "no validation vectors in {}", path.display());
        assert!(
            failures.is_empty(),
            "{} of {checked} vectors disagree:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn dotted_paths_become_pointers() {
        assert_eq!(
            super::pointer("spec.metrics[0].resource.target"),
            "/spec/metrics/0/resource/target"
        );
        assert_eq!(
            super::pointer("spec.behavior.scaleUp.policies[1].periodSeconds"),
            "/spec/behavior/scaleUp/policies/1/periodSeconds"
        );
    }
}
