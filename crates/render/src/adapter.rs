//! prometheus-adapter Helm values (chart `prometheus-community/prometheus-adapter`)
//! whose one rule exposes exactly the metric the HPA asks for
//! (metrics-pipeline.md §3, §5.4).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The values file passed to `helm install prometheus-adapter ... -f`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdapterValues {
    pub prometheus: PrometheusEndpoint,
    /// Must be at least the scrape interval, or metrics flicker (§3.5.10).
    pub metrics_relist_interval: String,
    pub rules: AdapterRules,
}

/// The adapter chart's `prometheus:` values. The chart renders
/// `--prometheus-url={{url}}:{{port}}{{path}}`, so the URL holds scheme and
/// host only, never the port (§3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrometheusEndpoint {
    pub url: String,
    pub port: i32,
    pub path: String,
}

impl PrometheusEndpoint {
    /// The full URL the adapter ends up calling.
    pub fn full_url(&self) -> String {
        format!("{}:{}{}", self.url, self.port, self.path)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdapterRules {
    /// Off: the chart's catch-all default rules would define the same metric
    /// again, and rules must be mutually exclusive (§4.17).
    pub default: bool,
    /// `custom.metrics.k8s.io` rules (Object metrics).
    pub custom: Vec<AdapterRule>,
    /// `external.metrics.k8s.io` rules; the chart registers the external
    /// APIService only when this is non-empty.
    pub external: Vec<AdapterRule>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdapterRule {
    /// A plain series selector: sent as `match[]` to `/api/v1/series`.
    pub series_query: String,
    pub resources: RuleResources,
    pub name: RuleName,
    /// Go template with `<<` `>>` delimiters, filled in by the adapter.
    pub metrics_query: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleResources {
    /// Prometheus label -> Kubernetes resource.
    pub overrides: BTreeMap<String, ResourceRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    pub resource: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleName {
    pub matches: String,
    #[serde(rename = "as")]
    pub as_: String,
}

/// Which metrics API the HPA reads the queue length from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    External,
    /// Object metric on the exporter's Service.
    ObjectOnService,
}

/// Everything needed to write the adapter values.
#[derive(Clone, Debug, PartialEq)]
pub struct AdapterParams {
    pub prometheus: PrometheusEndpoint,
    /// The exporter's metric, e.g. `celery_queue_length`.
    pub metric: String,
    /// The label carrying the queue name, e.g. `queue_name`.
    pub queue_label: String,
    pub kind: RuleKind,
    pub relist_interval: String,
}

fn resource(r: &str) -> ResourceRef {
    ResourceRef {
        resource: r.to_string(),
    }
}

/// The one rule serving `p.metric` (§5.4).
pub fn rule(p: &AdapterParams) -> AdapterRule {
    let name = RuleName {
        matches: format!("^{}$", regex_escape(&p.metric)),
        as_: p.metric.clone(),
    };
    match p.kind {
        // The adapter adds the HPA's namespace as `namespace="<ns>"`, so
        // `namespace` must be mapped; GroupBy is empty for external rules,
        // so the query must not use it (`by (, x)` does not parse). The
        // `max by (queue)` de-duplicates exporter replicas: the HPA sums
        // every sample an External metric returns.
        RuleKind::External => AdapterRule {
            series_query: format!("{}{{namespace!=\"\",{}!=\"\"}}", p.metric, p.queue_label),
            resources: RuleResources {
                overrides: BTreeMap::from([("namespace".into(), resource("namespace"))]),
            },
            name,
            metrics_query: format!(
                "sum(max by ({}) (<<.Series>>{{<<.LabelMatchers>>}}))",
                p.queue_label
            ),
        },
        // Object on a Service: the result must keep the `service` label, one
        // series per Service, because the adapter maps results back by it.
        RuleKind::ObjectOnService => AdapterRule {
            series_query: format!("{}{{namespace!=\"\",service!=\"\"}}", p.metric),
            resources: RuleResources {
                overrides: BTreeMap::from([
                    ("namespace".into(), resource("namespace")),
                    ("service".into(), resource("service")),
                ]),
            },
            name,
            metrics_query: format!(
                "sum(max by (<<.GroupBy>>, {}) (<<.Series>>{{<<.LabelMatchers>>}})) by (<<.GroupBy>>)",
                p.queue_label
            ),
        },
    }
}

pub fn values(p: &AdapterParams) -> AdapterValues {
    let r = rule(p);
    let (custom, external) = match p.kind {
        RuleKind::External => (vec![], vec![r]),
        RuleKind::ObjectOnService => (vec![r], vec![]),
    };
    AdapterValues {
        prometheus: p.prometheus.clone(),
        metrics_relist_interval: p.relist_interval.clone(),
        rules: AdapterRules {
            default: false,
            custom,
            external,
        },
    }
}

/// Escapes regex metacharacters (metric names only contain `[a-zA-Z0-9_:]`,
/// so this is belt and braces).
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
