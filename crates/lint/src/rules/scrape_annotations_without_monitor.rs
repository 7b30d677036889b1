//! ## What it does
//! Checks Celery exporters (and pods whose metrics an HPA's Object metric
//! reads through a Service) that rely on `prometheus.io/*` annotations with
//! no ServiceMonitor or PodMonitor in the input.
//!
//! ## Why is this bad?
//! `prometheus.io/scrape` is not a Kubernetes or Prometheus feature: only
//! scrape configs written to look for it honour it (the community
//! `prometheus` chart does). Prometheus Operator and kube-prometheus-stack
//! ignore it and scrape only what a ServiceMonitor or PodMonitor selects,
//! so the exporter is never scraped. Pod-annotation scraping also yields no
//! `service` label, which an HPA Object metric on a Service needs.
//!
//! ## Example
//! ```yaml
//! template:
//!   metadata:
//!     annotations:
//!       prometheus.io/scrape: "true"
//! ```
//!
//! Use instead:
//! ```yaml
//! apiVersion: monitoring.coreos.com/v1
//! kind: ServiceMonitor
//! metadata: {name: celery-exporter, labels: {release: prometheus}}
//! spec:
//!   selector: {matchLabels: {app: celery-exporter}}
//!   endpoints: [{port: http}]
//! ```
//!
//! ## References
//! - metrics-pipeline.md §3.3, §4 bugs 9, 13, §5.3
//! - <https://prometheus-operator.dev/docs/developer/getting-started/>

use crate::pointer::{Member, Pointer};
use super::celery_exporter::exporter_containers;
use super::workload::{describe, map_selects, pod_labels, selects};
use crate::index::IndexedObject;
use crate::kind::ObjectKind;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "EXPORTER005",
    name: "scrape-annotations-without-monitor",
    severity: Severity::Warning,
    enabled: true,
    summary: "A metrics exporter relies on prometheus.io/* annotations with no ServiceMonitor or PodMonitor",
    check: Check::Objects(check),
};

const SCRAPE: &str = "/spec/template/metadata/annotations/prometheus.io~1scrape";

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    let mut seen = Vec::new();
    for e in exporter_containers(ctx.index) {
        let w = e.workload;
        if seen.contains(&w.id()) || e.body.at(SCRAPE).is_none() {
            continue;
        }
        seen.push(w.id());
        if monitored(ctx, w) {
            continue;
        }
        let object_metric = object_metric_on_service_of(ctx, w);
        let mut msg = format!(
            "{} is scraped only through prometheus.io/* annotations, which Prometheus Operator (kube-prometheus-stack) ignores; no ServiceMonitor or PodMonitor in the input selects it",
            describe(w)
        );
        if let Some(hpa) = object_metric {
            msg.push_str(&format!(
                "; and pod-annotation scraping adds no `service` label, which the Object metric of {hpa} needs"
            ));
        }
        out.push(
            w.value_finding(SCRAPE, msg)
                .help("add a ServiceMonitor for the exporter's Service (with the label your Prometheus selects, e.g. release: prometheus), or keep the annotations only if your Prometheus is the community chart"),
        );
    }
}

/// Whether a ServiceMonitor selects a Service that selects these pods, or a
/// PodMonitor is present (its selector is not kept in the index).
fn monitored(ctx: &ObjectsContext<'_>, w: &IndexedObject) -> bool {
    let body = w.body();
    let Some(labels) = pod_labels(&body) else {
        return false;
    };
    let services: Vec<&IndexedObject> = ctx
        .index
        .of_kind(ObjectKind::Service)
        .filter(|s| s.same_namespace(w.namespace()))
        .filter(|s| {
            s.body()
                .at("/spec/selector")
                .is_some_and(|sel| map_selects(sel, labels))
        })
        .collect();
    let by_service = ctx.index.of_kind(ObjectKind::ServiceMonitor).any(|m| {
        let m = m.body();
        let Some(sel) = m.at("/spec/selector") else {
            return false;
        };
        services.iter().any(|s| {
            s.body()
                .at("/metadata/labels")
                .and_then(Value::as_object)
                .is_some_and(|l| selects(sel, l))
        })
    });
    by_service
        || ctx.index.objects().any(|o| {
            o.object.kind_name.as_deref() == Some("PodMonitor")
                && o.object.group() == "monitoring.coreos.com"
        })
}

/// An HPA whose Object metric describes a Service that selects these pods.
fn object_metric_on_service_of(ctx: &ObjectsContext<'_>, w: &IndexedObject) -> Option<String> {
    let body = w.body();
    let labels = pod_labels(&body)?;
    let hpas = ctx.index.of_kind(ObjectKind::HorizontalPodAutoscaler);
    for hpa in hpas.filter(|h| h.has_custom_metrics()) {
        let hpa_body = hpa.body();
        let metrics = hpa_body.at("/spec/metrics").and_then(Value::as_array);
        for m in metrics.into_iter().flatten() {
            let d = m.at("/object/describedObject");
            if d.and_then(|d| d.member("kind")).and_then(Value::as_str) != Some("Service") {
                continue;
            }
            let Some(name) = d.and_then(|d| d.member("name")).and_then(Value::as_str) else {
                continue;
            };
            let hit = ctx
                .index
                .find(ObjectKind::Service, hpa.namespace(), name)
                .any(|s| {
                    s.body()
                        .at("/spec/selector")
                        .is_some_and(|sel| map_selects(sel, labels))
                });
            if hit {
                return Some(describe(hpa));
            }
        }
    }
    None
}
