//! The index of every object in the input set, for cross-object rules.
//!
//! Files are linted one at a time and their trees dropped; what survives is
//! one [`IndexedObject`] per relevant document: its identity and a pruned copy
//! of the fields cross-object rules read (replicas, selectors, container
//! requests, the whole spec of autoscalers and PDBs, ...). Pod specs lose
//! everything but container names, images, ports, env and resources; objects
//! of unrelated kinds keep only their identity. This keeps memory small and
//! independent of how big the manifests are.

use crate::kind::{ObjectKind, ObjectType};
use crate::rule::Finding;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One object as cross-object rules see it.
#[derive(Clone, Debug)]
pub struct IndexedObject {
    /// Position in [`Index::objects`].
    pub id: usize,
    pub object: ObjectType,
    pub name: Option<String>,
    /// `metadata.namespace`; `None` when the manifest leaves it to `kubectl -n`.
    pub namespace: Option<String>,
    /// The pruned document (see the module docs for what is kept).
    pub json: Value,
    /// Which input file (engine-internal numbering) and document.
    pub(crate) file: usize,
    pub(crate) doc: usize,
    /// The name of the file, for messages ("the target in deploy.yaml").
    pub file_name: String,
    /// The object's `scaleplan.dev/ignore` annotation, applied to findings
    /// that cross-object rules report on it.
    pub(crate) suppression: Option<crate::suppress::Suppression>,
}

impl IndexedObject {
    pub fn kind(&self) -> ObjectKind {
        self.object.kind
    }

    /// The value at a JSON pointer of the pruned document.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.json.pointer(pointer)
    }

    /// `kind/name` as users write it in `kubectl` (`Deployment/web`).
    pub fn display_name(&self) -> String {
        format!(
            "{}/{}",
            self.object.kind_name.as_deref().unwrap_or("?"),
            self.name.as_deref().unwrap_or("?")
        )
    }

    /// Whether two objects can live in the same namespace: equal, or one of
    /// them leaves the namespace to the command line (then we cannot tell
    /// them apart, and assume they meet, to avoid false "missing" reports).
    pub fn same_namespace(&self, namespace: Option<&str>) -> bool {
        match (self.namespace.as_deref(), namespace) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// A finding at the key of the field at `pointer` in this object's file.
    pub fn finding(&self, pointer: &str, message: impl Into<String>) -> Finding {
        Finding::anchored(self.id, pointer, false, message.into())
    }

    /// A finding under the value at `pointer`.
    pub fn value_finding(&self, pointer: &str, message: impl Into<String>) -> Finding {
        Finding::anchored(self.id, pointer, true, message.into())
    }
}

/// Every indexed object, with lookups by kind and by name.
#[derive(Default, Debug)]
pub struct Index {
    objects: Vec<IndexedObject>,
    by_name: HashMap<(ObjectKind, String), Vec<usize>>,
    /// By `kind` as written (custom kinds too) and name, for references.
    by_kind_name: HashMap<(String, String), Vec<usize>>,
    /// Ids of each kind, so that `of_kind` costs what it returns (rules
    /// call it inside loops over other objects).
    by_kind: HashMap<ObjectKind, Vec<usize>>,
}

impl Index {
    /// Adds an object; its `id` is set here.
    pub fn push(&mut self, mut object: IndexedObject) {
        object.id = self.objects.len();
        if let Some(name) = &object.name {
            self.by_name
                .entry((object.kind(), name.clone()))
                .or_default()
                .push(object.id);
            if let Some(kind) = &object.object.kind_name {
                self.by_kind_name
                    .entry((kind.clone(), name.clone()))
                    .or_default()
                    .push(object.id);
            }
        }
        self.by_kind
            .entry(object.kind())
            .or_default()
            .push(object.id);
        self.objects.push(object);
    }

    pub fn objects(&self) -> &[IndexedObject] {
        &self.objects
    }

    pub fn get(&self, id: usize) -> Option<&IndexedObject> {
        self.objects.get(id)
    }

    /// Every object of one kind, in input order.
    pub fn of_kind(&self, kind: ObjectKind) -> impl Iterator<Item = &IndexedObject> + Clone {
        self.by_kind
            .get(&kind)
            .into_iter()
            .flatten()
            .map(|&i| &self.objects[i])
    }

    /// Objects of `kind` named `name` that can be in `namespace`.
    pub fn find<'s>(
        &'s self,
        kind: ObjectKind,
        namespace: Option<&'s str>,
        name: &str,
    ) -> impl Iterator<Item = &'s IndexedObject> {
        self.by_name
            .get(&(kind, name.to_owned()))
            .into_iter()
            .flatten()
            .map(|&i| &self.objects[i])
            .filter(move |o| o.same_namespace(namespace))
    }

    /// The object a `scaleTargetRef`-style reference (`apiVersion`, `kind`,
    /// `name`) points at from `namespace`, matching the kind by name (any
    /// group version of it), as the scale subresource does. An object in
    /// exactly that namespace is preferred over one without a namespace.
    pub fn find_ref<'s>(
        &'s self,
        namespace: Option<&'s str>,
        reference: &Value,
    ) -> Option<&'s IndexedObject> {
        let kind = reference.get("kind")?.as_str()?;
        let name = reference.get("name")?.as_str()?;
        let mut candidates = self
            .by_kind_name
            .get(&(kind.to_owned(), name.to_owned()))
            .into_iter()
            .flatten()
            .map(|&i| &self.objects[i])
            .filter(|o| o.same_namespace(namespace));
        // An object in exactly this namespace beats one whose namespace is
        // left to the command line.
        let first = candidates.next()?;
        if first.namespace.as_deref() == namespace {
            return Some(first);
        }
        Some(
            candidates
                .find(|o| o.namespace.as_deref() == namespace)
                .unwrap_or(first),
        )
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

/// The pruned copy of a document kept in the index.
pub fn prune(kind: ObjectKind, json: &Value) -> Value {
    let Value::Object(doc) = json else {
        return Value::Null;
    };
    let mut out = Map::new();
    for key in ["apiVersion", "kind"] {
        if let Some(v) = doc.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(meta) = doc.get("metadata") {
        out.insert("metadata".into(), prune_metadata(meta));
    }
    match kind {
        // A LimitRange's defaults stand in for missing container requests.
        ObjectKind::OtherObject
            if doc.get("kind").and_then(Value::as_str) == Some("LimitRange") =>
        {
            if let Some(spec) = doc.get("spec") {
                out.insert("spec".into(), spec.clone());
            }
        }
        ObjectKind::OtherObject | ObjectKind::ConfigMap | ObjectKind::NotAnObject => {
            // A custom workload (Argo Rollout, ...) can be a scale target.
            if let Some(spec) = doc.get("spec").filter(|s| s.get("template").is_some()) {
                out.insert("spec".into(), prune_workload_spec(spec));
            }
        }
        k if k.is_workload() => {
            if let Some(spec) = doc.get("spec") {
                out.insert("spec".into(), prune_workload_spec(spec));
            }
        }
        _ => {
            // Autoscalers, PDBs, Services, CronJobs, adapter configs: small,
            // and read whole by the rules.
            for (k, v) in doc {
                if !matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    Value::Object(out)
}

fn pick(from: &Value, keys: &[&str]) -> Value {
    let mut out = Map::new();
    if let Value::Object(m) = from {
        for k in keys {
            if let Some(v) = m.get(*k) {
                out.insert((*k).into(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn prune_metadata(meta: &Value) -> Value {
    let mut out = pick(meta, &["name", "namespace", "labels"]);
    if let Some(Value::Object(ann)) = meta.get("annotations") {
        // kubectl's last-applied copy doubles an object's size and no rule reads it.
        let kept: Map<String, Value> = ann
            .iter()
            .filter(|(k, _)| k.as_str() != "kubectl.kubernetes.io/last-applied-configuration")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out["annotations"] = Value::Object(kept);
    }
    out
}

fn prune_workload_spec(spec: &Value) -> Value {
    let mut out = pick(spec, &["replicas", "selector", "serviceName"]);
    if let Some(template) = spec.get("template") {
        let mut t = Map::new();
        if let Some(meta) = template.get("metadata") {
            t.insert("metadata".into(), pick(meta, &["labels", "annotations"]));
        }
        if let Some(pod) = template.get("spec") {
            let mut p = Map::new();
            for list in ["containers", "initContainers"] {
                if let Some(Value::Array(cs)) = pod.get(list) {
                    let cs = cs
                        .iter()
                        .map(|c| {
                            pick(
                                c,
                                &[
                                    "name",
                                    "image",
                                    "ports",
                                    "env",
                                    "resources",
                                    "args",
                                    "command",
                                ],
                            )
                        })
                        .collect();
                    p.insert(list.into(), Value::Array(cs));
                }
            }
            t.insert("spec".into(), Value::Object(p));
        }
        out["template"] = Value::Object(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn workloads_keep_only_what_cross_rules_read() {
        let d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{...}", "a": "b"}},
            "spec": {"replicas": 3, "strategy": {}, "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"volumes": [], "containers": [{"name": "c", "image": "i",
                    "livenessProbe": {}, "resources": {"requests": {"cpu": "1"}}}]}}}
        });
        let p = prune(ObjectKind::Deployment, &d);
        assert_eq!(
            p,
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "annotations": {"a": "b"}},
                "spec": {"replicas": 3, "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "c", "image": "i",
                        "resources": {"requests": {"cpu": "1"}}}]}}}})
        );
    }
}
