//! The HorizontalPodAutoscaler (autoscaling/v2) of a profile.

use crate::meta::Scope;
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, ExternalMetricSource, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricIdentifier, MetricSpec,
    MetricTarget, ObjectMetricSource, ResourceMetricSource,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
use std::collections::BTreeMap;

/// The kind of workload an HPA scales.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
        }
    }
}

/// The target of a cpu/memory metric.
#[derive(Clone, Debug, PartialEq)]
pub enum ResourceTarget {
    /// Percent of the containers' request.
    Utilization(i32),
    /// Absolute per-pod value (e.g. `500m`, `512Mi`).
    AverageValue(String),
}

/// Where the HPA reads the queue length from (metrics-pipeline.md §5.5).
#[derive(Clone, Debug, PartialEq)]
pub enum QueueSource {
    /// `external.metrics.k8s.io`, served by the adapter's `rules.external`.
    External,
    /// `custom.metrics.k8s.io` on the exporter's Service, served by `rules.custom`.
    ObjectOnService { service: String },
}

/// One metric of an HPA, in domain terms.
#[derive(Clone, Debug, PartialEq)]
pub enum HpaMetric {
    /// `cpu` or `memory` (or another resource name) from metrics-server.
    Resource {
        name: String,
        target: ResourceTarget,
    },
    /// Backlog of queues: `replicas = ceil(backlog / per_replica)`.
    /// Always `AverageValue`: `Value` multiplies by the ready pods, which is
    /// wrong for a total such as a queue length (metrics-pipeline.md §4.18).
    Queue {
        metric: String,
        /// The queues whose lengths are summed; the adapter turns this
        /// selector into PromQL label matchers.
        selector: QueueSelector,
        per_replica: String,
        source: QueueSource,
    },
}

/// The queues an HPA scales on, as a selector on the exporter's queue label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueSelector {
    /// The exporter's label, `queue_name` for celery-exporter.
    pub label: String,
    pub queues: Vec<String>,
}

impl QueueSelector {
    /// One queue: `matchLabels` (the adapter writes `label="q"`). Several:
    /// `matchExpressions` `In` (the adapter writes `label=~"a|b"`).
    pub fn label_selector(&self) -> LabelSelector {
        match self.queues.as_slice() {
            [one] => LabelSelector {
                match_labels: Some(BTreeMap::from([(self.label.clone(), one.clone())])),
                match_expressions: None,
            },
            many => LabelSelector {
                match_labels: None,
                match_expressions: Some(vec![LabelSelectorRequirement {
                    key: self.label.clone(),
                    operator: "In".into(),
                    values: Some(many.to_vec()),
                }]),
            },
        }
    }

    /// The same selector as the adapter's query builder sees it.
    pub fn requirements(&self) -> Vec<crate::adapter_query::Requirement> {
        use crate::adapter_query::Requirement;
        match self.queues.as_slice() {
            [one] => vec![Requirement::Equals(self.label.clone(), one.clone())],
            many => vec![Requirement::In(self.label.clone(), many.to_vec())],
        }
    }
}

/// Everything needed to write one HPA.
#[derive(Clone, Debug, PartialEq)]
pub struct HpaParams {
    pub name: String,
    pub scope: Scope,
    pub workload_kind: WorkloadKind,
    pub workload_name: String,
    pub min_replicas: i32,
    pub max_replicas: i32,
    pub metrics: Vec<HpaMetric>,
    pub behavior: Option<HorizontalPodAutoscalerBehavior>,
}

/// Annotation of an HPA with `minReplicas: 0`: profile validation allows 0
/// only with the explicit `queue.scaleToZero` opt-in (the cluster runs the
/// alpha `HPAScaleToZero` gate), so `scaleplan lint`'s API validation, which
/// assumes the gate is off, is told why this one is intended.
pub const SCALE_TO_ZERO_IGNORE: &str = "HPA003 -- minReplicas 0 is intended: the profile opts into scale to zero (queue.scaleToZero), which needs the HPAScaleToZero feature gate";

pub fn horizontal_pod_autoscaler(p: &HpaParams) -> HorizontalPodAutoscaler {
    let ignore: &[(&str, &str)] = if p.min_replicas == 0 {
        &[("scaleplan.dev/ignore", SCALE_TO_ZERO_IGNORE)]
    } else {
        &[]
    };
    HorizontalPodAutoscaler {
        metadata: p.scope.meta_with(&p.name, &[], ignore),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: p.workload_kind.as_str().into(),
                name: p.workload_name.clone(),
            },
            min_replicas: Some(p.min_replicas),
            max_replicas: p.max_replicas,
            metrics: Some(p.metrics.iter().map(metric_spec).collect()),
            behavior: p.behavior.clone(),
        }),
        status: None,
    }
}

fn metric_spec(m: &HpaMetric) -> MetricSpec {
    match m {
        HpaMetric::Resource { name, target } => MetricSpec {
            type_: "Resource".into(),
            resource: Some(ResourceMetricSource {
                name: name.clone(),
                target: match target {
                    ResourceTarget::Utilization(pct) => MetricTarget {
                        type_: "Utilization".into(),
                        average_utilization: Some(*pct),
                        ..Default::default()
                    },
                    ResourceTarget::AverageValue(q) => average_value(q),
                },
            }),
            ..Default::default()
        },
        HpaMetric::Queue {
            metric,
            selector,
            per_replica,
            source,
        } => {
            let metric = MetricIdentifier {
                name: metric.clone(),
                selector: Some(selector.label_selector()),
            };
            let target = average_value(per_replica);
            match source {
                QueueSource::External => MetricSpec {
                    type_: "External".into(),
                    external: Some(ExternalMetricSource { metric, target }),
                    ..Default::default()
                },
                QueueSource::ObjectOnService { service } => MetricSpec {
                    type_: "Object".into(),
                    object: Some(ObjectMetricSource {
                        described_object: CrossVersionObjectReference {
                            api_version: Some("v1".into()),
                            kind: "Service".into(),
                            name: service.clone(),
                        },
                        metric,
                        target,
                    }),
                    ..Default::default()
                },
            }
        }
    }
}

fn average_value(q: &str) -> MetricTarget {
    MetricTarget {
        type_: "AverageValue".into(),
        average_value: Some(Quantity(q.to_string())),
        ..Default::default()
    }
}
