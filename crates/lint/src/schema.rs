//! Strict JSON Schemas of the built-in kinds, derived from k8s-openapi.
//!
//! k8s-openapi's `schemars` output has types and `required` lists but lets
//! unknown fields through; a typo like `minReplica` would pass. Every object
//! schema that lists `properties` gets `additionalProperties: false` here,
//! which is what the API server's strict field validation does.
//!
//! The build carries one Kubernetes version (k8s-openapi feature `v1_33`),
//! so these schemas are those of 1.33 whatever `--kubernetes-version` says;
//! API versions that 1.33 no longer serves (`autoscaling/v2beta2`,
//! `policy/v1beta1`, ...) have no schema here and are left to the
//! deprecated-API rule.

use crate::pointer::{Member, Pointer};
use jsonschema::Validator;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::api::{apps::v1 as apps, autoscaling, batch::v1 as batch, core::v1 as core};
use scaleplan_diag::suggest::edit_distance;
use schemars::JsonSchema;
use serde_json::Value;
use std::sync::OnceLock;

/// A compiled strict validator and the schema it came from (kept to look up
/// the field names allowed at a path, for "did you mean" hints).
pub struct StrictSchema {
    pub validator: Validator,
    pub schema: Value,
}

/// The strict schema for an `apiVersion`/`kind`, when the bundled version
/// has one. Compiled once, on first use.
pub fn for_kind(api_version: &str, kind: &str) -> Option<&'static StrictSchema> {
    macro_rules! cached {
        ($t:ty) => {{
            static CELL: OnceLock<StrictSchema> = OnceLock::new();
            Some(CELL.get_or_init(strict::<$t>))
        }};
    }
    match (api_version, kind) {
        ("autoscaling/v2", "HorizontalPodAutoscaler") => {
            cached!(autoscaling::v2::HorizontalPodAutoscaler)
        }
        ("autoscaling/v1", "HorizontalPodAutoscaler") => {
            cached!(autoscaling::v1::HorizontalPodAutoscaler)
        }
        ("apps/v1", "Deployment") => cached!(apps::Deployment),
        ("apps/v1", "StatefulSet") => cached!(apps::StatefulSet),
        ("apps/v1", "ReplicaSet") => cached!(apps::ReplicaSet),
        ("policy/v1", "PodDisruptionBudget") => cached!(policy::PodDisruptionBudget),
        ("batch/v1", "CronJob") => cached!(batch::CronJob),
        ("v1", "Service") => cached!(core::Service),
        ("v1", "ConfigMap") => cached!(core::ConfigMap),
        _ => None,
    }
}

fn strict<T: JsonSchema>() -> StrictSchema {
    let mut schema = schemars::schema_for!(T).to_value();
    make_strict(&mut schema);
    let validator = jsonschema::validator_for(&schema).expect("k8s-openapi schemas compile");
    StrictSchema { validator, schema }
}

/// Adds `additionalProperties: false` to every object schema with
/// `properties`, and drops descriptions (they are large and unused).
pub fn make_strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            map.remove("description");
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (key, v) in map.iter_mut() {
                // Property *names* under `properties` are not schemas, but
                // their values are; every other nested object is a schema or
                // a list of them.
                if key == "properties" || key == "$defs" {
                    if let Value::Object(props) = v {
                        props.values_mut().for_each(make_strict);
                    }
                } else {
                    make_strict(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(make_strict),
        _ => {}
    }
}

/// The field names the schema allows at a JSON pointer of the instance.
pub fn allowed_fields<'s>(schema: &'s Value, pointer: &str) -> Vec<&'s str> {
    let mut node = resolve_ref(schema, schema);
    for seg in pointer.split('/').skip(1) {
        let next = if seg.parse::<usize>().is_ok() && node.member("items").is_some() {
            node.member("items")
        } else {
            node.member("properties").and_then(|p| p.get(seg))
        };
        match next {
            Some(n) => node = resolve_ref(schema, n),
            None => return Vec::new(),
        }
    }
    node.member("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn resolve_ref<'s>(root: &'s Value, node: &'s Value) -> &'s Value {
    match node.member("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix('#')
            .and_then(|p| root.at(p))
            .map_or(node, |n| resolve_ref(root, n)),
        None => node,
    }
}

/// The allowed name closest to a misspelt one: same letters ignoring case,
/// or at most two edits away.
pub fn closest<'a>(wrong: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| {
            (
                edit_distance(&wrong.to_ascii_lowercase(), &a.to_ascii_lowercase()),
                *a,
            )
        })
        .filter(|(d, a)| *d <= 2.min(a.len() / 3 + 1))
        .min()
        .map(|(_, a)| a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_rejected_and_known_ones_listed() {
        let s = for_kind("autoscaling/v2", "HorizontalPodAutoscaler").unwrap();
        let hpa = json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "a"},
            "spec": {"minReplica": 1, "maxReplicas": 3,
                     "scaleTargetRef": {"kind": "Deployment", "name": "a"}}});
        let errors: Vec<String> = s
            .validator
            .iter_errors(&hpa)
            .map(|e| format!("{} {}", e.instance_path(), e))
            .collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("minReplica"), "{errors:?}");
        let allowed = allowed_fields(&s.schema, "/spec");
        assert!(allowed.contains(&"minReplicas"), "{allowed:?}");
        assert_eq!(closest("minReplica", &allowed), Some("minReplicas"));
        assert_eq!(closest("completelyDifferent", &allowed), None);
        assert!(for_kind("autoscaling/v2beta2", "HorizontalPodAutoscaler").is_none());
    }
}
