//! What the rules that join every autoscaler with its target ask of each
//! object, kept in front of its body in the store (`body_store::entry`) and
//! read without parsing the body: which resources every container of a pod
//! template requests, which ones an autoscaler divides by a request,
//! whether an HPA scales on a metric named after finished work, the pod
//! labels as hashes, and a workload's replicas. Those rules (XOBJ002,
//! XOBJ003, XOBJ004, HPA009) parsed the body of every autoscaler and target
//! again to learn this: a sixth of a one-thread run's instructions on the
//! benchmark corpus. They still load bodies, but only where the summary
//! says a finding is possible.

use crate::kind::{ObjectKind, ObjectType};
use crate::places::{read_unsigned, write_unsigned};
use crate::pointer::Pointer;
use crate::rules::hpa_shape::{HpaV2, metric_name};
use crate::rules::pdb_blocks_eviction::{Budget, PdbSummary};
use crate::rules::workload::{CONTAINERS, has_request, label_key, pod_labels};
use serde_json::Value;

/// A set of resources, as bits: [`CPU`], [`MEMORY`], [`OTHER`].
pub(crate) type Resources = u8;
pub(crate) const CPU: Resources = 1;
pub(crate) const MEMORY: Resources = 2;
/// Any resource but cpu and memory (extended resources, ephemeral-storage):
/// never summarized, so its rules read the body.
pub(crate) const OTHER: Resources = 4;

/// The bit of a resource name.
pub(crate) fn resource(name: &str) -> Resources {
    match name {
        "cpu" => CPU,
        "memory" => MEMORY,
        _ => OTHER,
    }
}

/// See the module docs. The default is what an object without a pod
/// template, metrics or triggers has (and what a body that cannot be read
/// back gives: nothing to report).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    /// The resources that every container of the pod template requests
    /// or limits (as `workload::has_request` counts them); [`OTHER`] is
    /// never set. A template without containers requests everything.
    pub requested: Resources,
    /// For an autoscaler: the resources it divides by requests (XOBJ003's
    /// needs, any container).
    pub needs: Resources,
    /// An HPA with an adapter-served metric whose name says work done
    /// (HPA009's `is_output`).
    pub output_metric: bool,
    /// `workload::label_key` of each label of the pod template; `None`
    /// when the template has no labels mapping.
    pub pod_labels: Option<Vec<u64>>,
    /// `spec.replicas` of a workload, as JSON text (XOBJ002's message).
    pub replicas: Option<String>,
    /// For a PodDisruptionBudget: what XOBJ004 reads of every one.
    pub pdb: Option<PdbSummary>,
}

const HAS_LABELS: u8 = 1 << 7;
const OUTPUT_METRIC: u8 = 1 << 6;
const HAS_REPLICAS: u8 = 1 << 2;

impl Summary {
    /// The summary of a pruned body (`index::prune`) of an object of this type.
    #[cfg(test)]
    pub(crate) fn of(object: &ObjectType, pruned: &Value) -> Self {
        let hpa = (object.kind == ObjectKind::HorizontalPodAutoscaler)
            .then(|| HpaV2::from_document(pruned));
        Summary::of_hpa(object, pruned, hpa.as_ref())
    }

    /// The summary of a pruned body (`index::prune`) of an object of this
    /// type, given the HPA's v2 view of it (`hpa`, for an HPA), which the
    /// index builds for itself too: a conversion copies a v1 document.
    pub(crate) fn of_hpa(object: &ObjectType, pruned: &Value, hpa: Option<&HpaV2<'_>>) -> Self {
        let mut s = Summary::default();
        if pruned.at("/spec/template").is_some() {
            // The containers as `workload::containers` finds them, without
            // their pointers (built for a finding, not for every body).
            let cs = pruned
                .at(CONTAINERS)
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            for (bit, name) in [(CPU, "cpu"), (MEMORY, "memory")] {
                if cs.iter().all(|c| has_request(c, name)) {
                    s.requested |= bit;
                }
            }
            s.pod_labels =
                pod_labels(pruned).map(|m| m.iter().map(|(k, v)| label_key(k, v)).collect());
        }
        // Whatever the kind, as `IndexedObject::sets_replicas` tells.
        s.replicas = pruned.at("/spec/replicas").map(Value::to_string);
        if matches!(
            object.kind,
            ObjectKind::HorizontalPodAutoscaler | ObjectKind::ScaledObject
        ) {
            for need in crate::rules::target_missing_request::needs_of(object, pruned) {
                s.needs |= resource(need.resource);
            }
        }
        if object.kind == ObjectKind::PodDisruptionBudget {
            s.pdb = Some(PdbSummary::of(pruned));
        }
        if let Some(hpa) = hpa {
            s.output_metric = hpa
                .metrics()
                .iter()
                .filter_map(metric_name)
                .any(|(_, name)| crate::rules::throughput_metric::is_output(name));
        }
        s
    }

    /// Appends the summary: one byte of bits (requested resources, bit 2
    /// replicas, needs shifted by 3, bit 6 output metric, bit 7 labels),
    /// then the label count and the labels (8 bytes each, little-endian)
    /// when there are labels, then the replicas' length and text, then the
    /// PDB part (see [`write_pdb`]).
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        let mut bits = self.requested | self.needs << 3;
        if self.output_metric {
            bits |= OUTPUT_METRIC;
        }
        if self.pod_labels.is_some() {
            bits |= HAS_LABELS;
        }
        if self.replicas.is_some() {
            bits |= HAS_REPLICAS;
        }
        out.push(bits);
        if let Some(labels) = &self.pod_labels {
            write_unsigned(out, labels.len() as u64);
            for l in labels {
                out.extend_from_slice(&l.to_le_bytes());
            }
        }
        if let Some(r) = &self.replicas {
            write_unsigned(out, r.len() as u64);
            out.extend_from_slice(r.as_bytes());
        }
        write_pdb(self.pdb.as_ref(), out);
    }

    /// Reads what [`Summary::write`] wrote; `None` when the bytes are not one.
    pub(crate) fn read(mut bytes: &[u8]) -> Option<Self> {
        let (&bits, rest) = bytes.split_first()?;
        bytes = rest;
        let pod_labels = if bits & HAS_LABELS != 0 {
            let n = usize::try_from(read_unsigned(&mut bytes)?).ok()?;
            let (labels, rest) = bytes.split_at_checked(n.checked_mul(8)?)?;
            bytes = rest;
            Some(
                labels
                    .chunks_exact(8)
                    .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
                    .collect(),
            )
        } else {
            None
        };
        let replicas = if bits & HAS_REPLICAS != 0 {
            let n = usize::try_from(read_unsigned(&mut bytes)?).ok()?;
            let (text, rest) = bytes.split_at_checked(n)?;
            bytes = rest;
            Some(String::from_utf8(text.to_vec()).ok()?)
        } else {
            None
        };
        let pdb = read_pdb(&mut bytes)?;
        Some(Summary {
            requested: bits & (CPU | MEMORY),
            needs: bits >> 3 & (CPU | MEMORY | OTHER),
            output_metric: bits & OUTPUT_METRIC != 0,
            pod_labels,
            replicas,
            pdb,
        })
    }

    /// Whether every resource an autoscaler with summary `self` needs is
    /// requested by every container of a target with summary `target`: then
    /// XOBJ003 has nothing to say about the pair, whatever the container.
    pub(crate) fn needs_met_by(&self, target: &Summary) -> bool {
        self.needs & OTHER == 0 && self.needs & !target.requested == 0
    }
}

/// A byte 0 (no PDB part) or 1, then the two budgets (see [`write_budget`]),
/// a byte for the selector, the first label (a byte 0 or 1, then 8 bytes)
/// and the label values (a count, then 8 bytes each), little-endian.
fn write_pdb(pdb: Option<&PdbSummary>, out: &mut Vec<u8>) {
    let Some(p) = pdb else {
        out.push(0);
        return;
    };
    out.push(1);
    write_budget(p.max_unavailable, out);
    write_budget(p.min_available, out);
    out.push(u8::from(p.has_selector));
    match p.first_label {
        Some(l) => {
            out.push(1);
            out.extend_from_slice(&l.to_le_bytes());
        }
        None => out.push(0),
    }
    write_unsigned(out, p.label_values.len() as u64);
    for v in &p.label_values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

fn read_pdb(bytes: &mut &[u8]) -> Option<Option<PdbSummary>> {
    if byte(bytes)? == 0 {
        return Some(None);
    }
    let max_unavailable = read_budget(bytes)?;
    let min_available = read_budget(bytes)?;
    let has_selector = byte(bytes)? != 0;
    let first_label = match byte(bytes)? {
        0 => None,
        _ => Some(word(bytes)?),
    };
    let n = usize::try_from(read_unsigned(bytes)?).ok()?;
    // Bounded by the bytes there, not by a count that could be anything.
    let label_values = (0..n.min(bytes.len() / 8))
        .map(|_| word(bytes))
        .collect::<Option<Vec<u64>>>()?;
    (label_values.len() == n).then_some(Some(PdbSummary {
        max_unavailable,
        min_available,
        has_selector,
        first_label,
        label_values,
    }))
}

/// A byte (0 none, 1 a count, 2 a percentage), then the number (zigzag varint).
fn write_budget(b: Option<Budget>, out: &mut Vec<u8>) {
    let (tag, n) = match b {
        None => (0, 0),
        Some(Budget::Count(n)) => (1, n),
        Some(Budget::Percent(n)) => (2, n),
    };
    out.push(tag);
    if tag != 0 {
        write_unsigned(out, ((n << 1) ^ (n >> 63)) as u64);
    }
}

fn read_budget(bytes: &mut &[u8]) -> Option<Option<Budget>> {
    let tag = byte(bytes)?;
    if tag == 0 {
        return Some(None);
    }
    let z = read_unsigned(bytes)?;
    let n = (z >> 1) as i64 ^ -((z & 1) as i64);
    match tag {
        1 => Some(Some(Budget::Count(n))),
        2 => Some(Some(Budget::Percent(n))),
        _ => None,
    }
}

fn byte(bytes: &mut &[u8]) -> Option<u8> {
    let (&b, rest) = bytes.split_first()?;
    *bytes = rest;
    Some(b)
}

fn word(bytes: &mut &[u8]) -> Option<u64> {
    let (w, rest) = bytes.split_first_chunk::<8>()?;
    *bytes = rest;
    Some(u64::from_le_bytes(*w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::classify;
    use serde_json::json;

    fn summary(doc: Value) -> Summary {
        let object = classify(&doc);
        Summary::of(&object, &crate::index::prune(object.kind, &doc))
    }

    #[test]
    fn reads_back_what_it_writes() {
        let cases = [
            Summary::default(),
            Summary {
                requested: CPU | MEMORY,
                needs: CPU | OTHER,
                output_metric: true,
                pod_labels: Some(vec![]),
                replicas: None,
                pdb: None,
            },
            Summary {
                needs: MEMORY,
                pod_labels: Some((0..300).map(|i| u64::MAX - i).collect()),
                replicas: Some("\"3\"".into()),
                ..Summary::default()
            },
            Summary {
                replicas: Some("12".into()),
                ..Summary::default()
            },
            Summary {
                pdb: Some(PdbSummary::default()),
                ..Summary::default()
            },
            Summary {
                pdb: Some(PdbSummary {
                    max_unavailable: Some(Budget::Percent(-3)),
                    min_available: Some(Budget::Count(i64::MIN)),
                    has_selector: true,
                    first_label: Some(u64::MAX),
                    label_values: (0..40).map(|i| i << 57 | 1).collect(),
                }),
                replicas: Some("2".into()),
                ..Summary::default()
            },
        ];
        for s in cases {
            let mut bytes = Vec::new();
            s.write(&mut bytes);
            assert_eq!(Summary::read(&bytes), Some(s.clone()));
            // Cut short anywhere: refused, not misread.
            for cut in 0..bytes.len() {
                assert_eq!(Summary::read(&bytes[..cut]), None, "{s:?} cut at {cut}");
            }
        }
        assert_eq!(Summary::read(&[]), None);
    }

    #[test]
    fn a_workload_tells_what_every_container_requests_and_its_pod_labels() {
        let s = summary(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "web", "tier": 2}},
                "spec": {"containers": [
                    {"name": "a", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}},
                    // A limit counts; a zero request does not.
                    {"name": "b", "resources": {"limits": {"cpu": "1"},
                        "requests": {"memory": "0"}}}]}}}}));
        assert_eq!(s.requested, CPU);
        assert_eq!(s.replicas.as_deref(), Some("3"));
        assert_eq!(
            s.pod_labels,
            Some(vec![
                label_key("app", &json!("web")),
                label_key("tier", &json!(2))
            ])
        );
        let bare = summary(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "spec": {"template": {"spec": {"containers": []}}}}));
        assert_eq!((bare.requested, bare.pod_labels), (CPU | MEMORY, None));
        assert_eq!(
            summary(json!({"apiVersion": "v1", "kind": "Service"})),
            Summary::default()
        );
    }

    #[test]
    fn an_autoscaler_tells_what_it_divides_by_requests() {
        let hpa = |version: &str, spec: Value| {
            summary(json!({"apiVersion": format!("autoscaling/{version}"),
                "kind": "HorizontalPodAutoscaler", "spec": spec}))
        };
        assert_eq!(hpa("v1", json!({"maxReplicas": 3})).needs, CPU);
        assert_eq!(hpa("v2", json!({"maxReplicas": 3})).needs, CPU);
        let utilization = |name: &str| {
            json!({"type": "Resource", "resource": {"name": name,
                "target": {"type": "Utilization", "averageUtilization": 50}}})
        };
        let done = json!({"type": "Pods", "pods": {"metric": {"name": "tasks_succeeded_rate"},
            "target": {"type": "AverageValue", "averageValue": "1"}}});
        let s = hpa("v2", json!({"metrics": [utilization("memory"), done]}));
        assert_eq!((s.needs, s.output_metric), (MEMORY, true));
        let s = hpa("v2", json!({"metrics": [utilization("ephemeral-storage")]}));
        assert_eq!((s.needs, s.output_metric), (OTHER, false));
        let so = summary(
            json!({"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
            "spec": {"triggers": [{"type": "memory", "metadata": {"value": "60"}},
                {"type": "redis", "metadata": {}}]}}),
        );
        assert_eq!(so.needs, MEMORY);
    }

    #[test]
    fn a_pdb_tells_its_budgets_and_selector() {
        use crate::rules::pdb_blocks_eviction::text_key;
        let s = summary(json!({
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "web"},
            "spec": {"minAvailable": "50%", "maxUnavailable": 1,
                     "selector": {"matchLabels": {"app": "web", "tier": 2, "team": "shop"}}}
        }));
        assert_eq!(
            s.pdb,
            Some(PdbSummary {
                max_unavailable: Some(Budget::Count(1)),
                min_available: Some(Budget::Percent(50)),
                has_selector: true,
                first_label: Some(label_key("app", &json!("web"))),
                label_values: vec![text_key("web"), text_key("shop")],
            })
        );
        let bare = summary(json!({
            "apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget",
            "spec": {"minAvailable": "x", "selector": {"matchExpressions": []}}
        }));
        assert_eq!(
            bare.pdb,
            Some(PdbSummary {
                has_selector: true,
                ..PdbSummary::default()
            })
        );
        // Other kinds have none.
        let hpa =
            summary(json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler"}));
        assert_eq!(hpa.pdb, None);
    }

    #[test]
    fn needs_are_met_only_by_requests_of_every_container() {
        let a = |needs| Summary {
            needs,
            ..Summary::default()
        };
        let t = |requested| Summary {
            requested,
            ..Summary::default()
        };
        assert!(a(0).needs_met_by(&t(0)));
        assert!(a(CPU).needs_met_by(&t(CPU | MEMORY)));
        assert!(!a(CPU | MEMORY).needs_met_by(&t(CPU)));
        assert!(!a(OTHER).needs_met_by(&t(CPU | MEMORY)));
    }
}
