//! What the rules need to know about scale targets and their pods: how an
//! autoscaler names its target, which pods a selector picks, and which
//! containers a pod template runs. Shared by the cross-object rules.

use crate::index::{Index, IndexedObject, ScaleTarget};
use crate::kind::ObjectKind;
use crate::pointer::{Member, Pointer};
use serde_json::Value;

/// An autoscaler of any kind, as the cross-object rules compare them.
pub(crate) struct Autoscaler<'a> {
    pub object: &'a IndexedObject,
    /// JSON pointer of the reference to the workload (`/spec/scaleTargetRef`).
    pub target_pointer: &'static str,
    /// Kind of the workload (KEDA defaults to `Deployment`).
    pub target_kind: &'a str,
    pub target_name: &'a str,
    /// The smallest number of running pods the autoscaler leaves.
    pub min_pods: i64,
}

impl Autoscaler<'_> {
    /// `HorizontalPodAutoscaler shop/worker`, for messages.
    pub fn describe(&self) -> String {
        describe(self.object)
    }
}

/// `Kind namespace/name` (namespace omitted when the manifest leaves it open).
pub(crate) fn describe(o: &IndexedObject) -> String {
    let kind = o.object.kind_name.as_deref().unwrap_or("object");
    let name = o.name().unwrap_or("?");
    match o.namespace() {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// Every HPA and KEDA ScaledObject of the input, with its target, in input
/// order of each kind. Lazy: most rules look at one at a time, and a large
/// input holds hundreds of thousands.
pub(crate) fn autoscalers(index: &Index) -> impl Iterator<Item = Autoscaler<'_>> {
    index
        .of_kind(ObjectKind::HorizontalPodAutoscaler)
        .chain(index.of_kind(ObjectKind::ScaledObject))
        .filter_map(autoscaler)
}

/// An HPA or ScaledObject as an [`Autoscaler`] (`None`: another kind, or
/// no target named). Cheap: the index keeps targets apart from bodies.
pub(crate) fn autoscaler(o: &IndexedObject) -> Option<Autoscaler<'_>> {
    let (target_kind, target_name, min_pods) = o.scale_target()?;
    Some(Autoscaler {
        object: o,
        target_pointer: "/spec/scaleTargetRef",
        target_kind,
        target_name,
        min_pods,
    })
}

/// What an HPA or ScaledObject (its pruned body) names as its target, for
/// the index to keep (`None`: another kind, or no target named).
pub(crate) fn scale_target(kind: ObjectKind, body: &Value) -> Option<ScaleTarget> {
    let r = body.at("/spec/scaleTargetRef");
    let (kind, name, min) = match kind {
        ObjectKind::HorizontalPodAutoscaler => {
            let kind = r.and_then(|r| r.member("kind")).and_then(Value::as_str)?;
            let name = r.and_then(|r| r.member("name")).and_then(Value::as_str)?;
            let min = body
                .at("/spec/minReplicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            (kind, name, min)
        }
        ObjectKind::ScaledObject => {
            // keda.k8s.io (KEDA 1) named the Deployment in `deploymentName`.
            let name = r
                .and_then(|r| r.member("name").or_else(|| r.member("deploymentName")))
                .and_then(Value::as_str)?;
            let kind = r
                .and_then(|r| r.member("kind"))
                .and_then(Value::as_str)
                .unwrap_or("Deployment");
            let min = body
                .at("/spec/minReplicaCount")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            // At 0 there are no pods to protect; the smallest running size is 1.
            (kind, name, min.max(1))
        }
        _ => return None,
    };
    Some(ScaleTarget {
        kind: kind.to_owned(),
        name: name.to_owned(),
        min_pods: min,
    })
}

/// The workload an autoscaler targets, when it is in the input (found once,
/// by [`find_target`], when the index was finished).
pub(crate) fn target<'a>(index: &'a Index, a: &Autoscaler<'a>) -> Option<&'a IndexedObject> {
    index.get(a.object.target_id()?)
}

/// [`target`], looked up. Built-in workload kinds are looked up by kind and
/// name; other kinds (custom resources with a scale subresource) by the
/// kind as written and the name.
pub(crate) fn find_target<'a>(index: &'a Index, a: &Autoscaler<'a>) -> Option<&'a IndexedObject> {
    let ns = a.object.namespace();
    let kind = match a.target_kind {
        "Deployment" => Some(ObjectKind::Deployment),
        "StatefulSet" => Some(ObjectKind::StatefulSet),
        "ReplicaSet" => Some(ObjectKind::ReplicaSet),
        _ => None,
    };
    let is_target = |o: &&IndexedObject| {
        o.object.kind_name.as_deref() == Some(a.target_kind)
            && o.name() == Some(a.target_name)
            && o.same_namespace(ns)
            && o.has_template()
    };
    match kind {
        Some(k) => index.find(k, ns, a.target_name).find(is_target),
        None => index
            .find_kind_name(a.target_kind, a.target_name)
            .find(is_target),
    }
}

/// The containers of a workload's pod template (its body), with their JSON pointers.
pub(crate) fn containers(workload: &Value) -> Vec<(String, &Value)> {
    workload
        .at(CONTAINERS)
        .map(containers_in)
        .unwrap_or_default()
}

/// Where a workload's containers are.
pub(crate) const CONTAINERS: &str = "/spec/template/spec/containers";

/// [`containers`] given the list at [`CONTAINERS`] (read alone, see
/// `IndexedObject::body_at`).
pub(crate) fn containers_in(list: &Value) -> Vec<(String, &Value)> {
    match list {
        Value::Array(cs) => cs
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("{CONTAINERS}/{i}"), c))
            .collect(),
        _ => Vec::new(),
    }
}

/// A label as the lookups of pod labels key it: a hash of the key and the
/// value (equal hashes for equal `labels.get(k) == Some(v)`). A string, as
/// nearly every label value is, is hashed as it is; anything else by its
/// JSON text (tagged apart, so that `"1"` and `1` do not collide).
pub(crate) fn label_key(key: &str, value: &Value) -> u64 {
    match value {
        Value::String(s) => crate::index::key_hash(key, (0u8, s.as_str())),
        other => crate::index::key_hash(key, (1u8, other.to_string())),
    }
}

/// The labels of a workload's pods (from its body).
pub(crate) fn pod_labels(workload: &Value) -> Option<&serde_json::Map<String, Value>> {
    workload.at(POD_LABELS).and_then(Value::as_object)
}

/// Where a workload's pod labels are.
pub(crate) const POD_LABELS: &str = "/spec/template/metadata/labels";

/// Whether a label selector (`matchLabels` + `matchExpressions`) selects
/// pods with `labels`. An empty selector selects nothing here: a PDB or
/// ServiceMonitor without one is another rule's business.
pub(crate) fn selects(selector: &Value, labels: &serde_json::Map<String, Value>) -> bool {
    let match_labels = selector.member("matchLabels").and_then(Value::as_object);
    let exprs = selector
        .member("matchExpressions")
        .and_then(Value::as_array);
    if match_labels.is_none_or(|m| m.is_empty()) && exprs.is_none_or(|e| e.is_empty()) {
        return false;
    }
    let labels_ok = match_labels
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.member(k) == Some(v));
    let exprs_ok = exprs.into_iter().flatten().all(|e| {
        let key = e.member("key").and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = e
            .member("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let have = labels.member(key).and_then(Value::as_str);
        match e.member("operator").and_then(Value::as_str) {
            Some("In") => have.is_some_and(|h| values.contains(&h)),
            Some("NotIn") => have.is_none_or(|h| !values.contains(&h)),
            Some("Exists") => have.is_some(),
            Some("DoesNotExist") => have.is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

/// Whether a Service-style selector (a plain map) selects pods with `labels`.
pub(crate) fn map_selects(selector: &Value, labels: &serde_json::Map<String, Value>) -> bool {
    match selector.as_object() {
        Some(m) if !m.is_empty() => m.iter().all(|(k, v)| labels.member(k) == Some(v)),
        _ => false,
    }
}

/// Whether a container sets a request for `resource`, or a limit (which the
/// API server copies into a missing request).
pub(crate) fn has_request(container: &Value, resource: &str) -> bool {
    let set = |section: &str| {
        container
            .member("resources")
            .and_then(|r| r.get(section))
            .and_then(|r| r.get(resource))
            .is_some_and(|q| !is_zero_quantity(q))
    };
    set("requests") || set("limits")
}

fn is_zero_quantity(q: &Value) -> bool {
    match q {
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.trim().trim_end_matches(|c: char| c.is_ascii_alphabetic()) == "0",
        Value::Null => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::label_key;
    use serde_json::json;

    #[test]
    fn label_keys_tell_values_apart_and_agree_on_equal_ones() {
        let values = [
            json!("web"),
            json!("1"),
            json!(1),
            json!(true),
            json!("true"),
            json!(null),
        ];
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                assert_eq!(
                    label_key("app", a) == label_key("app", b),
                    i == j,
                    "{a} {b}"
                );
            }
            assert_ne!(label_key("app", a), label_key("tier", a));
            assert_eq!(label_key("app", a), label_key("app", &a.clone()));
        }
    }
}
