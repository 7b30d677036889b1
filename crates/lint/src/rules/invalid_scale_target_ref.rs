//! ## What it does
//! Checks an HPA's `scaleTargetRef`: the kind must be one that has a
//! `/scale` subresource (Deployment, StatefulSet, ReplicaSet,
//! ReplicationController, or a custom resource), spelled as the API spells
//! it, and its `apiVersion` must name the group that serves it (`extensions` stopped
//! serving workloads in 1.16). An old version of the right group is HPA010.
//!
//! ## Why is this bad?
//! The HPA controller resolves the target through the REST mapper and the
//! scale subresource. A DaemonSet, Service or Pod has none, a lower-case kind
//! does not resolve, and neither does a group that does not serve the kind: the HPA reports
//! `FailedGetScale` and never scales.
//!
//! ## Example
//! ```yaml
//! scaleTargetRef:
//!   apiVersion: extensions/v1beta1
//!   kind: Deployment
//!   name: nginx
//! ```
//!
//! Use instead:
//! ```yaml
//! scaleTargetRef:
//!   apiVersion: apps/v1
//!   kind: Deployment
//!   name: nginx
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/reference/using-api/deprecation-guide/#v1-16>
//! - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#how-does-a-horizontalpodautoscaler-work>

use crate::kind::ObjectKind;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "HPA004",
    name: "invalid-scale-target-ref",
    severity: Severity::Error,
    enabled: true,
    summary: "An HPA's scaleTargetRef names a kind without /scale, a misspelled kind, or a group that does not serve it",
    check: Check::Document(check),
};

const SCALABLE: [&str; 4] = [
    "Deployment",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
];
/// Built-in kinds that have no scale subresource.
const NOT_SCALABLE: [&str; 9] = [
    "DaemonSet",
    "Service",
    "Pod",
    "Job",
    "CronJob",
    "ConfigMap",
    "Ingress",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
];

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    if ctx.kind() != ObjectKind::HorizontalPodAutoscaler {
        return;
    }
    // Constant pointers: this runs for every HPA, most of them fine.
    const KIND: &str = "/spec/scaleTargetRef/kind";
    const API_VERSION: &str = "/spec/scaleTargetRef/apiVersion";
    let Some(kind) = ctx.get(KIND).and_then(Value::as_str) else {
        return; // a missing kind is an API validation error (HPA003)
    };
    let api_version = ctx
        .get(API_VERSION)
        .and_then(Value::as_str);
    if let Some(known) = NOT_SCALABLE
        .iter()
        .chain(&SCALABLE)
        .find(|k| k.eq_ignore_ascii_case(kind) && **k != kind)
    {
        out.push(
            ctx.value_finding(
                KIND,
                format!("kind {kind:?} does not resolve: kinds are case-sensitive"),
            )
            .help(format!("write kind: {known}")),
        );
        return;
    }
    if NOT_SCALABLE.contains(&kind) {
        out.push(
            ctx.value_finding(
                KIND,
                format!("a {kind} has no /scale subresource: the HPA cannot scale it"),
            )
            .help("target the Deployment, StatefulSet or ReplicaSet that runs the pods"),
        );
        return;
    }
    let Some(av) = api_version else { return };
    if !SCALABLE.contains(&kind) {
        return;
    }
    // The controller resolves the target by group and kind only (the version
    // is ignored), so a wrong group fails while an old apps version works.
    let group = av.rsplit_once('/').map_or("", |(g, _)| g);
    let want = if kind == "ReplicationController" {
        "v1"
    } else {
        "apps/v1"
    };
    if group == "extensions" {
        out.push(
            ctx.value_finding(API_VERSION, format!("the extensions group stopped serving {kind} in Kubernetes 1.16: the target does not resolve"))
                .help(format!("write apiVersion: {want}")),
        );
    } else if (kind == "ReplicationController" && !group.is_empty())
        || (kind != "ReplicationController" && group != "apps")
    {
        out.push(
            ctx.value_finding(
                API_VERSION,
                format!("{kind} is not served under {av}: the target does not resolve"),
            )
            .help(format!("write apiVersion: {want}")),
        );
    }
}
