//! The ServiceMonitor (monitoring.coreos.com/v1) that makes kube-prometheus-stack
//! scrape the exporter (metrics-pipeline.md §5.3). kube-prometheus-stack
//! ignores `prometheus.io/*` annotations (§4.9), so without it nothing is scraped.
//!
//! prometheus-operator's CRD is not in k8s-openapi, so this is our own small
//! serde type with only the fields we set.

use crate::meta::Scope;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitor {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub metadata: ObjectMeta,
    pub spec: ServiceMonitorSpec,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// Selects the exporter's Service by its labels. `namespaceSelector` is
    /// omitted: the operator then looks only in the ServiceMonitor's own
    /// namespace, which is the exporter's.
    pub selector: LabelSelector,
    pub endpoints: Vec<Endpoint>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// The Service port *name*.
    pub port: String,
    pub path: String,
    pub interval: String,
}

/// Everything needed to write the ServiceMonitor.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceMonitorParams {
    pub name: String,
    pub scope: Scope,
    /// The Prometheus' `serviceMonitorSelector` label, added to the object's
    /// labels (kube-prometheus-stack: `release: <release name>`).
    pub release_label: (String, String),
    /// The exporter Service's selector labels.
    pub service_labels: BTreeMap<String, String>,
    pub port_name: String,
    pub interval: String,
}

pub fn service_monitor(p: &ServiceMonitorParams) -> ServiceMonitor {
    ServiceMonitor {
        api_version: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: p.scope.meta_with(
            &p.name,
            &[(p.release_label.0.as_str(), p.release_label.1.as_str())],
            &[],
        ),
        spec: ServiceMonitorSpec {
            selector: LabelSelector {
                match_labels: Some(p.service_labels.clone()),
                match_expressions: None,
            },
            endpoints: vec![Endpoint {
                port: p.port_name.clone(),
                path: "/metrics".into(),
                interval: p.interval.clone(),
            }],
        },
    }
}
