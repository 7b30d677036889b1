//! ## What it does
//! Checks that a workload scaled by an HPA or a KEDA ScaledObject does not
//! set `spec.replicas`.
//!
//! ## Why is this bad?
//! The autoscaler owns the replica count. Every `kubectl apply` of a manifest
//! that sets `replicas` resets the workload to that number: a deploy during a
//! traffic peak scales a 12-pod Deployment down to 3, and the HPA needs
//! minutes (its stabilization window and rate limits) to climb back. With
//! server-side apply the field manager conflicts as well.
//!
//! ## Example
//! ```yaml
//! apiVersion: apps/v1
//! kind: Deployment
//! metadata: {name: worker}
//! spec:
//!   replicas: 3        # an HPA targets this Deployment
//! ```
//!
//! Use instead:
//! ```yaml
//! spec:
//!   # no replicas: the HPA's minReplicas applies from the first reconcile
//! ```
//!
//! ## References
//! - kube-score `deployment-targeted-by-hpa-does-not-have-replicas-configured`
//! - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling>

use super::workload::{autoscalers, target};
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use std::collections::BTreeSet;

pub(crate) const RULE: Rule = Rule {
    id: "XOBJ002",
    name: "target-sets-replicas",
    severity: Severity::Warning,
    enabled: true,
    summary: "A workload managed by an autoscaler sets spec.replicas",
    check: Check::Objects(check),
};

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    let mut seen = BTreeSet::new();
    for a in autoscalers(ctx.index) {
        let Some(t) = target(ctx.index, &a) else {
            continue;
        };
        // Most targets leave replicas to the autoscaler: the index says so
        // without loading their bodies.
        if !t.sets_replicas() {
            continue;
        }
        // Its summary holds the value: no body load.
        let Some(replicas) = t.summary().replicas else {
            continue;
        };
        if !seen.insert(t.id()) {
            continue;
        }
        out.push(
            t.value_finding(
                "/spec/replicas",
                format!(
                    "replicas: {replicas} is set, but {} manages the replica count of {} (in {}); every apply resets it",
                    a.describe(),
                    t.display_name(),
                    a.object.file_name()
                ),
            )
            .help("remove spec.replicas from the manifest; set the floor with the autoscaler's minimum instead"),
        );
    }
}
