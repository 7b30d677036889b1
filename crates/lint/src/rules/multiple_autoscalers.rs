//! ## What it does
//! Checks that each workload has one horizontal autoscaler: no two HPAs, no
//! HPA next to a KEDA ScaledObject (which creates its own HPA), no two
//! ScaledObjects; and that a VerticalPodAutoscaler in `Auto`, `Recreate` or
//! `InPlaceOrRecreate` mode does not control a resource an HPA scales on.
//!
//! ## Why is this bad?
//! Two HPAs on one workload fight: each sets the replica count from its own
//! metrics every 15 s, and the workload flaps between their answers. (The
//! controller marks both `AmbiguousSelector` and stops, on recent versions.)
//! KEDA's webhook rejects a ScaledObject for a workload an HPA already scales.
//! A VPA that rewrites CPU requests moves the HPA's utilization under it:
//! the HPA scales out, the VPA shrinks the requests, utilization rises again.
//!
//! ## Example
//! ```yaml
//! kind: HorizontalPodAutoscaler
//! metadata: {name: worker-cpu}
//! spec: {scaleTargetRef: {kind: Deployment, name: worker}, ...}
//! ---
//! kind: HorizontalPodAutoscaler
//! metadata: {name: worker-queue}
//! spec: {scaleTargetRef: {kind: Deployment, name: worker}, ...}
//! ```
//!
//! Use instead: one HPA with both metrics (the HPA takes the largest proposal).
//!
//! ## References
//! - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-multiple-metrics>
//! - KEDA `verifyHpas`, `verifyScaledObjects` (apis/keda/v1alpha1/scaledobject_webhook.go)
//! - <https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler#known-limitations>

use crate::pointer::{Member, Pointer};
use super::workload::{Autoscaler, autoscaler, autoscalers};
use crate::index::key_hash;
use crate::kind::ObjectKind;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "XOBJ005",
    name: "multiple-autoscalers",
    severity: Severity::Error,
    enabled: true,
    summary: "Two autoscalers act on one workload (HPA+HPA, HPA+ScaledObject, VPA on the HPA's resource)",
    check: Check::Objects(check),
};

fn same_target(a: &Autoscaler<'_>, b: &Autoscaler<'_>) -> bool {
    a.target_kind == b.target_kind
        && a.target_name == b.target_name
        && a.object.same_namespace(b.object.namespace())
}

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    // Autoscalers by a hash of their target's kind and name, in input order:
    // only those that share a hash are compared (and built again). A large
    // input holds hundreds of thousands; the pairs are few.
    let mut by_target: Vec<(u64, usize)> = autoscalers(ctx.index)
        .map(|a| (target_key(&a), a.object.id()))
        .collect();
    // Stable: input order within a target.
    by_target.sort_by_key(|&(key, _)| key);
    for group in by_target.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        let all: Vec<Autoscaler<'_>> = group
            .iter()
            .filter_map(|&(_, id)| ctx.index.get(id).and_then(autoscaler))
            .collect();
        report_pairs(&all, out);
    }
    check_vpas(ctx, &by_target, out);
}

fn target_key(a: &Autoscaler<'_>) -> u64 {
    key_hash(a.target_kind, a.target_name)
}


/// Two autoscalers of one group (same target kind and name hash) that
/// scale the same workload: reported on the later one, naming the earlier.
fn report_pairs(all: &[Autoscaler<'_>], out: &mut Findings) {
    for (i, a) in all.iter().enumerate() {
        // Report on the later one, naming the earlier one.
        if let Some(first) = all[..i].iter().find(|b| same_target(a, b)) {
            out.push(
                a.object
                    .finding(
                        &format!("{}/name", a.target_pointer),
                        format!(
                            "{} {} is already scaled by {} (in {}); two autoscalers fight over its replica count",
                            a.target_kind,
                            a.target_name,
                            first.describe(),
                            first.object.file_name()
                        ),
                    )
                    .help("merge the metrics into one autoscaler: an HPA (or a ScaledObject's triggers) takes the largest of all proposals"),
            );
        }
    }
}

/// A VPA in an updating mode on a resource that an autoscaler of the same
/// workload scales on. `by_target` is [`target_key`] and id, sorted by key.
fn check_vpas(ctx: &ObjectsContext<'_>, by_target: &[(u64, usize)], out: &mut Findings) {
    for vpa in ctx.index.of_kind(ObjectKind::VerticalPodAutoscaler) {
        let body = vpa.body();
        let mode = body
            .at("/spec/updatePolicy/updateMode")
            .and_then(Value::as_str)
            .unwrap_or("Auto");
        if !matches!(mode, "Auto" | "Recreate" | "InPlaceOrRecreate") {
            continue;
        }
        let Some(r) = body.at("/spec/targetRef") else {
            continue;
        };
        let (Some(kind), Some(name)) = (
            r.member("kind").and_then(Value::as_str),
            r.member("name").and_then(Value::as_str),
        ) else {
            continue;
        };
        let controlled = controlled_resources(body.at("/spec/resourcePolicy"));
        let key = key_hash(kind, name);
        let from = by_target.partition_point(|&(k, _)| k < key);
        let candidates = by_target[from..]
            .iter()
            .take_while(|&&(k, _)| k == key)
            .filter_map(|&(_, id)| ctx.index.get(id).and_then(autoscaler));
        for a in candidates.filter(|a| {
            a.target_kind == kind
                && a.target_name == name
                && a.object.same_namespace(vpa.namespace())
        }) {
            let shared: Vec<&str> = scaled_resources(a.object)
                .into_iter()
                .filter(|r| controlled.contains(r))
                .collect();
            if shared.is_empty() {
                continue;
            }
            out.push(
                vpa.finding(
                    "/spec/targetRef/name",
                    format!(
                        "VPA in {mode} mode rewrites the {} requests of {kind} {name}, which {} scales on (in {}); the two loops chase each other",
                        shared.join(" and "),
                        a.describe(),
                        a.object.file_name()
                    ),
                )
                .help("set the VPA to updateMode: \"Off\" (recommendations only), limit its controlledResources to what the HPA does not scale on, or scale the HPA on a custom metric"),
            );
        }
    }
}

/// Resources a VPA controls: `controlledResources` of its container
/// policies, cpu and memory by default.
fn controlled_resources(policy: Option<&Value>) -> Vec<&'static str> {
    let lists: Vec<&Value> = policy
        .and_then(|p| p.member("containerPolicies"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| c.member("mode").and_then(Value::as_str) != Some("Off"))
        .filter_map(|c| c.member("controlledResources"))
        .collect();
    if lists.is_empty() {
        return vec!["cpu", "memory"];
    }
    ["cpu", "memory"]
        .into_iter()
        .filter(|r| {
            lists.iter().any(|l| {
                l.as_array()
                    .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(r)))
            })
        })
        .collect()
}

/// Resources an autoscaler scales on (an HPA without metrics scales on CPU).
fn scaled_resources(o: &crate::index::IndexedObject) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut add = |name: Option<&str>| {
        for r in ["cpu", "memory"] {
            if name == Some(r) && !out.contains(&r) {
                out.push(r);
            }
        }
    };
    let body = o.body();
    match o.kind() {
        ObjectKind::HorizontalPodAutoscaler => {
            let metrics = body.at("/spec/metrics").and_then(Value::as_array);
            if metrics.is_none_or(|m| m.is_empty()) {
                add(Some("cpu"));
            }
            for m in metrics.into_iter().flatten() {
                for block in ["resource", "containerResource"] {
                    add(m
                        .member(block)
                        .and_then(|b| b.member("name"))
                        .and_then(Value::as_str));
                }
            }
        }
        ObjectKind::ScaledObject => {
            for t in body
                .at("/spec/triggers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                add(t.member("type").and_then(Value::as_str));
            }
        }
        _ => {}
    }
    out
}
