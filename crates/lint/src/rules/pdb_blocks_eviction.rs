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

use super::workload::{autoscalers, pod_labels, selects, target};
use crate::kind::ObjectKind;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;
use std::collections::HashMap;

pub(crate) const RULE: Rule = Rule {
    id: "XOBJ004",
    name: "pdb-blocks-eviction",
    severity: Severity::Warning,
    enabled: true,
    summary: "A PodDisruptionBudget allows no eviction at the autoscaler's minimum (or at all)",
    check: Check::Objects(check),
};

/// `minAvailable`/`maxUnavailable`: a count or a percentage.
enum Budget {
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

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    let scalers: Vec<_> = autoscalers(ctx.index).collect();
    // Each autoscaler's target once, and two lookups so that a PDB is only
    // compared with the autoscalers it can concern: by a pod label of the
    // target, or (target not in the input) by the target's name.
    // Labels are keyed by their hash, not copied: the bodies they come from
    // are not kept (a collision only adds a candidate that `selects` drops).
    let targets: Vec<_> = scalers.iter().map(|a| target(ctx.index, a)).collect();
    let mut by_label: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, a) in scalers.iter().enumerate() {
        let body = targets[i].map(|t| t.body());
        match body.as_deref().and_then(pod_labels) {
            Some(labels) => labels
                .iter()
                .for_each(|(k, v)| by_label.entry(label_key(k, v)).or_default().push(i)),
            None if targets[i].is_none() => {
                by_name.entry(a.target_name.as_str()).or_default().push(i)
            }
            None => {}
        }
    }
    for pdb in ctx.index.of_kind(ObjectKind::PodDisruptionBudget) {
        let body = pdb.body();
        let max_unavailable = body.pointer("/spec/maxUnavailable").and_then(budget);
        if let Some(Budget::Count(0) | Budget::Percent(0)) = max_unavailable {
            out.push(
                pdb.value_finding(
                    "/spec/maxUnavailable",
                    "maxUnavailable 0 allows no voluntary eviction: node drains and cluster-autoscaler scale-downs block on these pods",
                )
                .help("allow at least one disruption (maxUnavailable: 1); protect availability with enough replicas instead"),
            );
            continue;
        }
        let Some(min_available) = body.pointer("/spec/minAvailable").and_then(budget) else {
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
        let Some(selector) = body.pointer("/spec/selector") else {
            continue;
        };
        let match_labels = selector.get("matchLabels").and_then(Value::as_object);
        let mut candidates: Vec<usize> = match match_labels.and_then(|m| m.iter().next()) {
            Some((k, v)) => {
                let mut c = by_label.get(&label_key(k, v)).cloned().unwrap_or_default();
                for v in match_labels
                    .into_iter()
                    .flatten()
                    .filter_map(|(_, v)| v.as_str())
                {
                    c.extend(by_name.get(v).into_iter().flatten());
                }
                c
            }
            None => (0..scalers.len()).collect(),
        };
        candidates.sort_unstable();
        candidates.dedup();
        for i in candidates {
            let a = &scalers[i];
            if !a.object.same_namespace(pdb.namespace.as_deref()) {
                continue;
            }
            // With the workload in the input, match its pod labels; without
            // it, assume the usual convention (`app: <workload name>`).
            let (workload, assumed) = match targets[i] {
                Some(t) => {
                    let t_body = t.body();
                    let Some(labels) = pod_labels(&t_body) else {
                        continue;
                    };
                    if !selects(selector, labels) {
                        continue;
                    }
                    (t.display_name(), String::new())
                }
                None => {
                    let Some((key, _)) = selector
                        .get("matchLabels")
                        .and_then(Value::as_object)
                        .and_then(|m| {
                            m.iter()
                                .find(|(_, v)| v.as_str() == Some(a.target_name.as_str()))
                        })
                    else {
                        continue;
                    };
                    (
                        format!("{}/{}", a.target_kind, a.target_name),
                        format!(
                            " (assuming its selector {key}={} picks that workload's pods; the workload is not in the input)",
                            a.target_name
                        ),
                    )
                }
            };
            let required = match min_available {
                Budget::Count(n) => n,
                // ceil(p% of min), as the disruption controller rounds.
                Budget::Percent(p) => (p * a.min_pods + 99) / 100,
            };
            if required >= a.min_pods {
                out.push(
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
                );
                break;
            }
        }
    }
}

fn label_key(key: &str, value: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    value.to_string().hash(&mut h);
    h.finish()
}
