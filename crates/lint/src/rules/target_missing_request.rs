//! ## What it does
//! Checks that every container of a scaled workload requests the resource an
//! autoscaler measures against its request: a `Resource` or
//! `ContainerResource` metric with a `Utilization` target, and a KEDA `cpu`
//! or `memory` trigger. A limit counts (the API server copies it into a
//! missing request), and so does a LimitRange default in the namespace.
//!
//! ## Why is this bad?
//! Utilization is usage divided by request. If one container has no request,
//! the HPA cannot compute it at all: the metric shows `<unknown>`, the event
//! reads `failed to get cpu utilization: missing request for cpu`, and the
//! workload never scales on it. KEDA's admission webhook rejects such a
//! ScaledObject outright when it can see the workload.
//!
//! ## Example
//! ```yaml
//! containers:
//! - name: app
//!   resources: {requests: {cpu: 250m}}
//! - name: log-shipper     # no cpu request: utilization is undefined
//! ```
//!
//! Use instead:
//! ```yaml
//! - name: log-shipper
//!   resources: {requests: {cpu: 50m}}
//! ```
//!
//! ## References
//! - <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-resource-metrics>
//! - KEDA `verifyCPUMemoryScalers` (apis/keda/v1alpha1/scaledobject_webhook.go)

use crate::pointer::{Member, Pointer};
use super::workload::{CONTAINERS, autoscalers, containers_in, has_request, target};
use crate::index::IndexedObject;
use crate::kind::{ObjectKind, ObjectType};
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "XOBJ003",
    name: "target-missing-request",
    severity: Severity::Error,
    enabled: true,
    summary: "A container of the target lacks the request a utilization metric or KEDA cpu/memory trigger needs",
    check: Check::Objects(check),
};

/// A resource the autoscaler divides by the request, and in which
/// container(s), borrowed from the autoscaler's body: the index asks every
/// autoscaler for its needs, and only a finding needs them as text.
pub(crate) struct Need<'a> {
    pub resource: &'a str,
    /// `None`: every container.
    container: Option<&'a str>,
    /// Where the autoscaler asks for it.
    at: NeedAt,
}

/// Where an autoscaler asks for a resource (see [`Need::pointer`]).
enum NeedAt {
    /// autoscaling/v1's implicit CPU target.
    V1Target,
    /// No metrics: the default 80% CPU.
    NoMetrics,
    /// A metric's `resource` or `containerResource` block.
    Metric(usize, &'static str),
    /// A KEDA trigger.
    Trigger(usize),
}

impl Need<'_> {
    /// The JSON pointer to where the autoscaler asks for the resource.
    fn pointer(&self) -> String {
        match self.at {
            NeedAt::V1Target => "/spec/targetCPUUtilizationPercentage".into(),
            NeedAt::NoMetrics => "/spec/metrics".into(),
            NeedAt::Metric(i, block) => format!("/spec/metrics/{i}/{block}"),
            NeedAt::Trigger(i) => format!("/spec/triggers/{i}"),
        }
    }
}

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    // LimitRanges are few: collect them once rather than per autoscaler.
    let limit_ranges: Vec<&IndexedObject> = ctx
        .index
        .objects()
        .filter(|o| o.object.kind_name.as_deref() == Some("LimitRange"))
        .collect();
    for a in autoscalers(ctx.index) {
        let Some(t) = target(ctx.index, &a) else {
            continue;
        };
        // Most pairs need cpu or memory of a target whose every container
        // requests both: the summaries say so without loading either body.
        if a.object.summary().needs_met_by(&t.summary()) {
            continue;
        }
        let body = a.object.body();
        let needs = needs_of(&a.object.object, &body);
        if needs.is_empty() {
            continue;
        }
        // The containers alone: they are most of a pruned workload, not all.
        let t_containers = t.body_at(CONTAINERS);
        for need in needs {
            if limit_range_default(&limit_ranges, t, need.resource) {
                continue;
            }
            for (pointer, c) in t_containers.as_ref().map(containers_in).unwrap_or_default() {
                let name = c.member("name").and_then(Value::as_str).unwrap_or("?");
                if need.container.is_some_and(|n| n != name) {
                    continue;
                }
                if has_request(c, need.resource) {
                    continue;
                }
                out.push(
                    t.finding(
                        &pointer,
                        format!(
                            "container {name:?} of {} has no {} request, but {} scales on {} utilization ({} in {})",
                            t.display_name(),
                            need.resource,
                            a.describe(),
                            need.resource,
                            scaleplan_diag::yaml::field_path(&need.pointer()),
                            a.object.file_name()
                        ),
                    )
                    .help(format!(
                        "add resources.requests.{} to container {name:?} (utilization is usage / request, summed over every container)",
                        need.resource
                    )),
                );
            }
        }
    }
}

/// What an autoscaler of type `object` with (pruned) body `body` divides
/// by requests (also summarized in the index: `summary::Summary::needs`).
pub(crate) fn needs_of<'a>(object: &ObjectType, body: &'a Value) -> Vec<Need<'a>> {
    let mut out = Vec::new();
    match object.kind {
        ObjectKind::HorizontalPodAutoscaler => {
            if object.version() == "v1" {
                // autoscaling/v1 always scales on CPU utilization (80% when unset).
                out.push(Need {
                    resource: "cpu",
                    container: None,
                    at: NeedAt::V1Target,
                });
            }
            let metrics = body.at("/spec/metrics").and_then(Value::as_array);
            if object.version() != "v1" && metrics.is_none_or(|m| m.is_empty()) {
                out.push(Need {
                    resource: "cpu",
                    container: None,
                    at: NeedAt::NoMetrics,
                });
            }
            for (i, m) in metrics.into_iter().flatten().enumerate() {
                for (block, per_container) in [("resource", false), ("containerResource", true)] {
                    let Some(src) = m.member(block) else { continue };
                    // v2beta1 spells the target targetAverageUtilization.
                    let utilization = src.at("/target/averageUtilization").is_some()
                        || src.at("/target/type").and_then(Value::as_str)
                            == Some("Utilization")
                        || src.member("targetAverageUtilization").is_some();
                    let Some(resource) = src.member("name").and_then(Value::as_str) else {
                        continue;
                    };
                    if utilization {
                        out.push(Need {
                            resource,
                            container: per_container
                                .then(|| src.member("container").and_then(Value::as_str))
                                .flatten(),
                            at: NeedAt::Metric(i, block),
                        });
                    }
                }
            }
        }
        ObjectKind::ScaledObject => {
            let triggers = body.at("/spec/triggers").and_then(Value::as_array);
            for (i, t) in triggers.into_iter().flatten().enumerate() {
                let Some(kind @ ("cpu" | "memory")) = t.member("type").and_then(Value::as_str) else {
                    continue;
                };
                // KEDA's webhook checks the request whatever the metric type.
                out.push(Need {
                    resource: kind,
                    container: t.at("/metadata/containerName").and_then(Value::as_str),
                    at: NeedAt::Trigger(i),
                });
            }
        }
        _ => {}
    }
    out
}

/// Whether a LimitRange of the workload's namespace gives containers a
/// default request or limit for `resource`.
fn limit_range_default(
    limit_ranges: &[&IndexedObject],
    workload: &IndexedObject,
    resource: &str,
) -> bool {
    limit_ranges.iter().any(|o| {
        o.same_namespace(workload.namespace())
            && o.body()
                .at("/spec/limits")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|l| {
                    l.member("type").and_then(Value::as_str) == Some("Container")
                        && ["defaultRequest", "default"]
                            .iter()
                            .any(|d| l.get(d).and_then(|d| d.get(resource)).is_some())
                })
    })
}
