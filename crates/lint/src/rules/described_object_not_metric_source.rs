//! ## What it does
//! Checks HPA Object metrics that read a Celery exporter's metric (by its
//! name, or through the adapter rule that serves it) on a Service: the
//! described Service must be one that selects the exporter's pods.
//!
//! ## Why is this bad?
//! The adapter finds an Object metric by the `service` label of the series,
//! and Prometheus sets that label to the Service it scraped: the
//! exporter's own Service. Describing the broker's Service (`redis-service`)
//! because "the queue lives in Redis" asks for
//! `celery_queue_length{service="redis-service"}`, which never exists; the
//! HPA gets `NotFound` forever.
//!
//! ## Example
//! ```yaml
//! describedObject: {apiVersion: v1, kind: Service, name: redis-service}
//! ```
//!
//! Use instead:
//! ```yaml
//! describedObject: {apiVersion: v1, kind: Service, name: celery-exporter}
//! ```
//! or, better, an External metric with a `queue_name` selector.
//!
//! ## References
//! - metrics-pipeline.md §3.3, §4 bug 13, §5.5

use crate::pointer::{Member, Pointer};
use super::adapter_rules::{all_rules, serves, source_series};
use super::celery_exporter::{CeleryExporter, exporter_containers};
use super::hpa_shape::HpaV2;
use super::workload::{describe, map_selects};
use crate::kind::ObjectKind;
use crate::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "EXPORTER006",
    name: "described-object-not-metric-source",
    severity: Severity::Error,
    enabled: true,
    summary: "An HPA Object metric from a Celery exporter describes a Service other than the exporter's",
    check: Check::Objects(check),
};

fn check(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    let exporters = exporter_containers(ctx.index);
    if exporters.is_empty() {
        return;
    }
    let rules = all_rules(ctx.index);
    // Only metrics of these kinds are served by an adapter.
    let hpas = ctx.index.of_kind(ObjectKind::HorizontalPodAutoscaler);
    for hpa in hpas.filter(|h| h.has_custom_metrics()) {
        let body = hpa.body();
        let view = HpaV2::from_document(&body);
        for (i, m) in view.metrics().iter().enumerate() {
            let Some(obj) = m.member("object") else { continue };
            if obj.at("/describedObject/kind").and_then(Value::as_str) != Some("Service") {
                continue;
            }
            let (Some(metric), Some(service)) = (
                obj.at("/metric/name").and_then(Value::as_str),
                obj.at("/describedObject/name").and_then(Value::as_str),
            ) else {
                continue;
            };
            // The series behind the metric: through a serving rule, or the name itself.
            let mut series: Vec<String> = rules
                .iter()
                .filter(|(_, r)| serves(r, metric) == Some(true))
                .flat_map(|(_, r)| source_series(r))
                .collect();
            series.push(metric.to_owned());
            let from_celery = series.iter().any(|s| {
                s.starts_with("celery_") && CeleryExporter::all().iter().any(|e| e.exposes(s))
            });
            if !from_celery {
                continue;
            }
            let ns = hpa.namespace();
            let exporter_pods: Vec<_> = exporters
                .iter()
                .filter(|e| e.workload.same_namespace(ns))
                .collect();
            if exporter_pods.is_empty() {
                continue;
            }
            let selects_exporter = ctx.index.find(ObjectKind::Service, ns, service).any(|s| {
                let s = s.body();
                exporter_pods.iter().any(|e| {
                    e.pod_labels().is_some_and(|l| {
                        s.at("/spec/selector")
                            .is_some_and(|sel| map_selects(sel, l))
                    })
                })
            });
            if selects_exporter {
                continue;
            }
            let exporter_services: Vec<String> = ctx
                .index
                .of_kind(ObjectKind::Service)
                .filter(|s| s.same_namespace(ns))
                .filter(|s| {
                    let s = s.body();
                    exporter_pods.iter().any(|e| {
                        e.pod_labels().is_some_and(|l| {
                            s.at("/spec/selector")
                                .is_some_and(|sel| map_selects(sel, l))
                        })
                    })
                })
                .filter_map(|s| s.name().map(str::to_owned))
                .collect();
            let pointer =
                view.source_pointer(&format!("/spec/metrics/{i}/object/describedObject/name"));
            let want = exporter_services
                .first()
                .cloned()
                .unwrap_or_else(|| "<the exporter's Service>".into());
            out.push(
                hpa.value_finding(
                    &pointer,
                    format!(
                        "{metric} is scraped from the Celery exporter ({}), so its `service` label is {}, never {service:?}: the adapter finds no series for Service {service}",
                        describe(exporter_pods[0].workload),
                        if exporter_services.is_empty() { "the exporter's Service".to_owned() } else { format!("{:?}", exporter_services.join("\", \"")) }
                    ),
                )
                .help(format!("describe Service {want} (the exporter's), or use an External metric with a queue_name selector")),
            );
        }
    }
}
