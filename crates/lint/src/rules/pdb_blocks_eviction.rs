//! ## What it does
//! Checks PodDisruptionBudgets against the smallest size of the pods they
//! select: `maxUnavailable: 0` (or `0%`), `minAvailable: 100%`, and a
//! `minAvailable` at or above the minimum an HPA or KEDA ScaledObject may
//! scale the selected workload down to (percentages round up, as the
//! disruption controller rounds them).
//!
//! ## Why is this bad?
//! When the budget allows no disruption, `kubectl drain`, cluster-autoscaler
//! scale-down and node upgrades wait on these pods forever. With an
//! autoscaler the trap is hidden: at peak size the budget leaves room, but
//! at night the HPA drops to `minReplicas` and every node running one of
//! the pods becomes undrainable.
//!
//! ## Example
//! ```yaml
//! kind: HorizontalPodAutoscaler
//! spec: {minReplicas: 2, ...}
//! ---
//! kind: PodDisruptionBudget
//! spec: {minAvailable: 2, selector: {matchLabels: {app: worker}}}
//! ```
//!
//! Use instead:
//! ```yaml
//! spec: {maxUnavailable: 1, selector: {matchLabels: {app: worker}}}
//! ```
//!
//! ## References
//! - Polaris `pdbMinAvailableGreaterThanHPAMinReplicas`, `pdbDisruptionsIsZero`
//! - kube-linter `pdb-min-available`, `pdb-max-unavailable`
//! - <https://kubernetes.io/docs/tasks/run-application/configure-pdb/>

use crate::pointer::{Member, Pointer};
use super::workload::{POD_LABELS, Autoscaler, autoscalers, label_key, selects, target};
use crate::index::{IndexedObject, key_hash};
use crate::kind::ObjectKind;
use crate::rule::{Check, Finding, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "XOBJ004",
    name: "pdb-blocks-eviction",
    severity: Severity::Warning,
    enabled: true,
    summary: "A PodDisruptionBudget allows no eviction at the autoscaler's minimum (or at all)",
    check: Check::Objects(check),
};

/// `minAvailable`/`maxUnavailable`: a count or a percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Budget {
    Count(i64),
    Percent(i64),
}

fn budget(v: &Value) -> Option<Budget> {
    match v {
        Value::Number(n) => n.as_i64().map(Budget::Count),
        Value::String(s) => match s.strip_suffix('%') {
            Some(p) => p.trim().parse().ok().map(Budget::Percent),
            None => s.trim().parse().ok().map(Budget::Count),
        },
        _ => None,
    }
}

/// What the first pass reads of every PDB, kept in its summary in the
/// store (`summary.rs`): the PDBs are read before it is known which ones
/// any autoscaler concerns, and a body load is a parse.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PdbSummary {
    pub max_unavailable: Option<Budget>,
    pub min_available: Option<Budget>,
    pub has_selector: bool,
    /// `label_key` of the selector's first matchLabels pair.
    pub first_label: Option<u64>,
    /// `text_key` of each matchLabels value that is a string.
    pub label_values: Vec<u64>,
}

impl PdbSummary {
    /// The summary of a PDB's body.
    pub(crate) fn of(body: &Value) -> Self {
        let selector = body.at("/spec/selector");
        let match_labels = selector
            .and_then(|s| s.member("matchLabels"))
            .and_then(Value::as_object);
        PdbSummary {
            max_unavailable: body.at("/spec/maxUnavailable").and_then(budget),
            min_available: body.at("/spec/minAvailable").and_then(budget),
            has_selector: selector.is_some(),
            first_label: match_labels
                .and_then(|m| m.iter().next())
                .map(|(k, v)| label_key(k, v)),
            label_values: match_labels
                .into_iter()
                .flatten()
                .filter_map(|(_, v)| v.as_str())
                .map(text_key)
                .collect(),
        }
    }
}

/// A PDB whose minAvailable must be compared with the autoscalers of the
/// pods it selects.
struct Pending {
    id: usize,
    min_available: Budget,
    /// Set once an autoscaler triggered the finding (one per PDB).
    done: bool,
}

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    // PDBs first (they are fewer than autoscalers): the ones with nothing
    // to say alone, then lookups from what an autoscaler's pods can show to
    // the PDBs that can concern them: the first matchLabels pair, or (target
    // not in the input) a matchLabels value equal to the target's name.
    // Keys are hashes; a collision only adds a candidate that the exact
    // checks drop. They are kept as sorted (hash, PDB) pairs: nearly every
    // label is a PDB's own, and a map of one-item lists held some 200
    // bytes per PDB through the rule (tens of MB on a gigabyte of YAML).
    // Autoscalers then stream by once, in input order, so each PDB is
    // reported with the first autoscaler that it blocks.
    let mut pending: Vec<Pending> = Vec::new();
    let mut by_label: Vec<(u64, u32)> = Vec::new();
    let mut by_value: Vec<(u64, u32)> = Vec::new();
    let mut without_labels: Vec<usize> = Vec::new();
    for pdb in ctx.index.of_kind(ObjectKind::PodDisruptionBudget) {
        let summary = pdb.summary().pdb;
        let s = summary.unwrap_or_else(|| PdbSummary::of(&pdb.body()));
        if let Some(Budget::Count(0) | Budget::Percent(0)) = s.max_unavailable {
            out.push(
                pdb.value_finding(
                    "/spec/maxUnavailable",
                    "maxUnavailable 0 allows no voluntary eviction: node drains and cluster-autoscaler scale-downs block on these pods",
                )
                .help("allow at least one disruption (maxUnavailable: 1); protect availability with enough replicas instead"),
            );
            continue;
        }
        let Some(min_available) = s.min_available else {
            continue;
        };
        if let Budget::Percent(p) = min_available
            && p >= 100
        {
            out.push(
                pdb.value_finding(
                    "/spec/minAvailable",
                    format!("minAvailable {p}% allows no voluntary eviction: node drains block on these pods"),
                )
                .help("use maxUnavailable: 1, or a percentage below 100%"),
            );
            continue;
        }
        if !s.has_selector {
            continue;
        }
        let at = pending.len();
        pending.push(Pending {
            id: pdb.id(),
            min_available,
            done: false,
        });
        let pair = |key: u64| (key, u32::try_from(at).expect("fewer than 4 billion PDBs"));
        match s.first_label {
            Some(label) => {
                by_label.push(pair(label));
                by_value.extend(s.label_values.into_iter().map(pair));
            }
            None => without_labels.push(at),
        }
    }
    if pending.is_empty() {
        return;
    }
    by_label.sort_unstable();
    by_value.sort_unstable();
    for a in autoscalers(ctx.index) {
        let t = target(ctx.index, &a);
        // The target's pod labels come hashed in its summary: the labels
        // themselves are read only for a PDB that the hashes and the cheap
        // checks leave.
        let summary = t.map(IndexedObject::summary);
        let labels = summary.as_ref().and_then(|s| s.pod_labels.as_deref());
        let mut candidates: Vec<usize> = without_labels.clone();
        match (t, labels) {
            (Some(_), Some(labels)) => {
                for &label in labels {
                    candidates.extend(with_key(&by_label, label));
                }
            }
            (None, _) => {
                candidates.extend(with_key(&by_value, text_key(a.target_name)));
            }
            (Some(_), None) => {}
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut t_labels = None;
        for at in candidates {
            let p = &mut pending[at];
            if p.done {
                continue;
            }
            let Some(pdb) = ctx.index.get(p.id) else {
                continue;
            };
            if let Some(finding) = blocks(pdb, &p.min_available, &a, t, &mut t_labels) {
                out.push(finding);
                p.done = true;
            }
        }
    }
}

/// The finding when `pdb` (minAvailable `min_available`) selects the pods
/// of `a`'s target (`t`, its pod labels read into `t_labels` when first
/// needed)
/// and allows no eviction at the autoscaler's minimum.
fn blocks(
    pdb: &IndexedObject,
    min_available: &Budget,
    a: &Autoscaler<'_>,
    t: Option<&IndexedObject>,
    t_labels: &mut Option<Option<Value>>,
) -> Option<Finding> {
    if !a.object.same_namespace(pdb.namespace()) {
        return None;
    }
    let required = match *min_available {
        Budget::Count(n) => n,
        // ceil(p% of min), as the disruption controller rounds.
        Budget::Percent(p) => (p * a.min_pods + 99) / 100,
    };
    // The numbers first: they need no body.
    if required < a.min_pods {
        return None;
    }
    // Only the two fields are parsed, not the bodies: in a repository of
    // PDBs at the autoscalers' minimum, this runs for most autoscalers.
    let selector = pdb.body_at("/spec/selector")?;
    // With the workload in the input, match its pod labels; without
    // it, assume the usual convention (`app: <workload name>`).
    let (workload, assumed) = match t {
        Some(t) => {
            let labels = t_labels.get_or_insert_with(|| t.body_at(POD_LABELS));
            if !selects(&selector, labels.as_ref()?.as_object()?) {
                return None;
            }
            (t.display_name(), String::new())
        }
        None => {
            let (key, _) = selector
                .member("matchLabels")
                .and_then(Value::as_object)
                .and_then(|m| {
                    m.iter()
                        .find(|(_, v)| v.as_str() == Some(a.target_name))
                })?;
            (
                format!("{}/{}", a.target_kind, a.target_name),
                format!(
                    " (assuming its selector {key}={} picks that workload's pods; the workload is not in the input)",
                    a.target_name
                ),
            )
        }
    };
    Some(
        pdb.value_finding(
            "/spec/minAvailable",
            format!(
                "minAvailable needs {required} pod(s) available, but {} may scale {workload} down to {} replica(s): at that size no pod can be evicted{assumed}",
                a.describe(),
                a.min_pods
            ),
        )
        .help(format!(
            "lower minAvailable below {} (or use maxUnavailable: 1), or raise the autoscaler's minimum above {required}",
            a.min_pods
        )),
    )
}

/// The PDBs (indexes into `pending`) under `key` in sorted pairs.
fn with_key(pairs: &[(u64, u32)], key: u64) -> impl Iterator<Item = usize> + '_ {
    let from = pairs.partition_point(|&(k, _)| k < key);
    pairs[from..]
        .iter()
        .take_while(move |&&(k, _)| k == key)
        .map(|&(_, at)| at as usize)
}

pub(crate) fn text_key(text: &str) -> u64 {
    key_hash("", text)
}
