//! ## What it does
//! Checks that the workload an HPA or a KEDA ScaledObject scales is in the
//! input set: same namespace, same kind, same name.
//!
//! To avoid reporting every HPA linted without its workload (or applied on
//! top of workloads managed elsewhere), the rule speaks only when the input
//! holds a near miss: a workload of the same name under another kind or
//! namespace, or of the same kind and namespace one typo away from the name.
//!
//! ## Why is this bad?
//! An autoscaler whose target does not exist does nothing. The HPA reports
//! `FailedGetScale` in its events, which nobody reads, and the workload it
//! was meant to protect runs at a fixed size.
//!
//! ## Example
//! ```yaml
//! apiVersion: autoscaling/v2
//! kind: HorizontalPodAutoscaler
//! metadata: {name: worker, namespace: shop}
//! spec:
//!   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: wroker}
//!   maxReplicas: 10
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
//! ```
//!
//! ## References
//! - kube-score `horizontalpodautoscaler-has-target`, kube-linter `dangling-horizontalpodautoscaler`
//! - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/>

use super::workload::{Autoscaler, autoscalers, describe, target};
use crate::index::Index;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;

pub(crate) const RULE: Rule = Rule {
    id: "XOBJ001",
    name: "scale-target-missing",
    severity: Severity::Warning,
    enabled: true,
    summary: "The workload an HPA or ScaledObject scales is not in the input",
    check: Check::Objects(check),
};

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    for a in autoscalers(ctx.index) {
        if target(ctx.index, &a).is_some() {
            continue;
        }
        // Without a near miss the target may simply live in a file that was
        // not linted (manifests applied on top of existing workloads).
        let near = near_misses(ctx.index, &a);
        if near.is_empty() {
            continue;
        }
        let mut msg = format!(
            "{} scales {} {}, which is not in the input",
            a.describe(),
            a.target_kind,
            a.target_name
        );
        msg.push_str(&format!("; found {}", near.join(", ")));
        out.push(
            a.object
                .finding(&format!("{}/name", a.target_pointer), msg)
                .help("fix scaleTargetRef (kind, name, namespace) so it names the workload, or lint the workload's manifest together with the autoscaler"),
        );
    }
}

/// Workloads whose name matches but whose kind or namespace does not, and
/// workloads of the same kind and namespace one edit away from the name.
fn near_misses(index: &Index, a: &Autoscaler<'_>) -> Vec<String> {
    index
        .objects()
        .iter()
        .filter(|o| o.get("/spec/template").is_some())
        .filter(|o| {
            let name = o.name.as_deref().unwrap_or("");
            name == a.target_name
                || (o.same_namespace(a.object.namespace.as_deref())
                    && o.object.kind_name.as_deref() == Some(a.target_kind.as_str())
                    && one_edit_apart(name, &a.target_name))
        })
        .map(|o| format!("{} in {}", describe(o), o.file_name))
        .collect()
}

/// Whether two names differ by one insertion, deletion, substitution or
/// transposition of neighbours (the typos people make).
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[start..], &b[start..]);
    let tail_eq = |x: &[char], y: &[char]| x == y;
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            tail_eq(&ra[1..], &rb[1..])
                || (ra.len() >= 2
                    && ra[0] == rb[1]
                    && ra[1] == rb[0]
                    && tail_eq(&ra[2..], &rb[2..]))
        }
        std::cmp::Ordering::Greater => tail_eq(&ra[1..], rb),
        std::cmp::Ordering::Less => tail_eq(ra, &rb[1..]),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn typos_are_one_edit() {
        assert!(super::one_edit_apart("worker", "wroker"));
        assert!(super::one_edit_apart("worker", "workers"));
        assert!(super::one_edit_apart("worker", "wotker"));
        assert!(!super::one_edit_apart("worker", "api"));
        assert!(!super::one_edit_apart("worker", "worker"));
    }
}
