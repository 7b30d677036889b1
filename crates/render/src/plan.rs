//! From a [`ResolvedProfile`] to the parameters of every builder: the one
//! place that knows both the profile model and the objects.

use crate::adapter::{AdapterParams, PrometheusEndpoint, RuleKind};
use crate::exporter::{BrokerUrl, ExporterParams, PORT_NAME, Resources};
use crate::hpa::{HpaMetric, HpaParams, QueueSelector, QueueSource, ResourceTarget, WorkloadKind};
use crate::meta::Scope;
use crate::schedule::{ReplicaBounds, ScheduleParams, ScheduleWindow};
use crate::service_monitor::ServiceMonitorParams;
use k8s_openapi::api::autoscaling::v2::{
    HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscalerBehavior,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use scaleplan_profile::model::{self, PrometheusStack, QueueMetricType};
use scaleplan_profile::{
    Broker, ResolvedBehavior, ResolvedProfile, ResolvedQueue, ResolvedRules, TargetValue,
};
use std::collections::BTreeMap;

/// The kubectl image of the scheduled-scaling CronJobs: the Kubernetes
/// project's own image (entrypoint `/bin/kubectl`), pinned to the API
/// version we render for.
pub const KUBECTL_IMAGE: &str = "registry.k8s.io/kubectl:v1.33.0";
/// A CronJob run that could not start within this many seconds of its time
/// is skipped (the next edge of the window will set the bounds anyway).
pub const STARTING_DEADLINE_SECONDS: i64 = 300;
/// Finished patch Jobs are kept this long for `kubectl logs`, then deleted.
pub const TTL_SECONDS_AFTER_FINISHED: i32 = 3600;
/// The label celery-exporter puts the queue name in.
pub const QUEUE_LABEL: &str = "queue_name";
/// ServiceMonitor scrape interval; the adapter relists every minute, which
/// must not be shorter than the scrape interval (§3.5.10).
pub const SCRAPE_INTERVAL: &str = "15s";
pub const RELIST_INTERVAL: &str = "1m";

/// Everything to render for one profile.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfilePlan {
    pub hpa: HpaParams,
    pub queue: Option<QueuePlan>,
    pub schedule: Option<ScheduleParams>,
}

/// The queue pipeline of one profile.
#[derive(Clone, Debug, PartialEq)]
pub struct QueuePlan {
    pub exporter: ExporterParams,
    /// Only on kube-prometheus-stack.
    pub service_monitor: Option<ServiceMonitorParams>,
    pub adapter: AdapterParams,
    pub selector: QueueSelector,
    pub source: QueueSource,
}

pub fn plan(r: &ResolvedProfile) -> ProfilePlan {
    let scope = Scope::for_profile(&r.name, &r.namespace, &r.labels, &r.annotations);
    let queue = r.queue.as_ref().map(|q| queue_plan(&scope, q));
    let mut metrics: Vec<HpaMetric> = r
        .resource_targets
        .iter()
        .map(|t| HpaMetric::Resource {
            name: t.resource.as_str().to_string(),
            target: match &t.target {
                TargetValue::Utilization(p) => ResourceTarget::Utilization(*p),
                TargetValue::AverageValue(q) => ResourceTarget::AverageValue(q.0.clone()),
            },
        })
        .collect();
    if let (Some(q), Some(qp)) = (&r.queue, &queue) {
        metrics.push(HpaMetric::Queue {
            metric: q.metric_name.clone(),
            selector: qp.selector.clone(),
            per_replica: q.backlog_per_replica.0.clone(),
            source: qp.source.clone(),
        });
    }
    let hpa = HpaParams {
        name: r.hpa_name.clone(),
        scope: scope.clone(),
        workload_kind: match r.workload.kind {
            model::WorkloadKind::Deployment => WorkloadKind::Deployment,
            model::WorkloadKind::StatefulSet => WorkloadKind::StatefulSet,
        },
        workload_name: r.workload.name.clone(),
        min_replicas: r.min_replicas,
        max_replicas: r.max_replicas,
        metrics,
        behavior: r.behavior.as_ref().map(behavior),
    };
    let schedule = (!r.schedule.is_empty()).then(|| ScheduleParams {
        scope: scope.clone(),
        hpa_name: r.hpa_name.clone(),
        rbac_name: r.scheduler_name.clone(),
        kubectl_image: KUBECTL_IMAGE.to_string(),
        windows: r
            .schedule
            .iter()
            .map(|w| ScheduleWindow {
                start_job_name: w.start_job_name.clone(),
                end_job_name: w.end_job_name.clone(),
                start: w.start.clone(),
                end: w.end.clone(),
                time_zone: Some(w.time_zone.clone()),
                during: ReplicaBounds {
                    min_replicas: w.min_replicas,
                    max_replicas: w.max_replicas,
                },
                after: ReplicaBounds {
                    min_replicas: w.restore_min_replicas,
                    max_replicas: w.restore_max_replicas,
                },
            })
            .collect(),
        starting_deadline_seconds: STARTING_DEADLINE_SECONDS,
        ttl_seconds_after_finished: TTL_SECONDS_AFTER_FINISHED,
        resources: Resources {
            requests: BTreeMap::from([
                ("cpu".to_string(), "10m".to_string()),
                ("memory".to_string(), "64Mi".to_string()),
            ]),
            limits: BTreeMap::from([
                ("cpu".to_string(), "100m".to_string()),
                ("memory".to_string(), "128Mi".to_string()),
            ]),
        },
    });
    ProfilePlan {
        hpa,
        queue,
        schedule,
    }
}

fn queue_plan(scope: &Scope, q: &ResolvedQueue) -> QueuePlan {
    let kps = q.prometheus.stack == PrometheusStack::KubePrometheusStack;
    let exporter = ExporterParams {
        name: q.exporter.name.clone(),
        scope: scope.clone(),
        image: q.exporter.image.clone(),
        port: q.exporter.port,
        broker_url: match &q.broker {
            Broker::Secret { secret_name, key } => BrokerUrl::Secret {
                name: secret_name.clone(),
                key: key.clone(),
            },
            Broker::Url(u) => BrokerUrl::Plain(u.clone()),
        },
        queues: q.queues.clone(),
        resources: resources(&q.exporter.resources),
        scrape_annotations: !kps,
    };
    let service_monitor = kps.then(|| ServiceMonitorParams {
        name: exporter.name.clone(),
        scope: scope.clone(),
        release_label: ("release".to_string(), q.prometheus.release.clone()),
        service_labels: exporter.selector(),
        port_name: PORT_NAME.to_string(),
        interval: SCRAPE_INTERVAL.to_string(),
    });
    let (kind, source) = match q.metric_type {
        QueueMetricType::External => (RuleKind::External, QueueSource::External),
        QueueMetricType::Object => (
            RuleKind::ObjectOnService,
            QueueSource::ObjectOnService {
                service: exporter.name.clone(),
            },
        ),
    };
    let adapter = AdapterParams {
        prometheus: PrometheusEndpoint {
            url: q.prometheus.url.clone(),
            port: q.prometheus.port,
            path: q.prometheus.path.clone(),
        },
        metric: q.metric_name.clone(),
        queue_label: QUEUE_LABEL.to_string(),
        kind,
        relist_interval: RELIST_INTERVAL.to_string(),
    };
    QueuePlan {
        exporter,
        service_monitor,
        adapter,
        selector: QueueSelector {
            label: QUEUE_LABEL.to_string(),
            queues: q.queues.clone(),
        },
        source,
    }
}

fn resources(r: &model::ResourceRequirements) -> Resources {
    let list = |l: &model::ResourceList| {
        let mut m = BTreeMap::new();
        if let Some(c) = &l.cpu {
            m.insert("cpu".to_string(), c.0.clone());
        }
        if let Some(c) = &l.memory {
            m.insert("memory".to_string(), c.0.clone());
        }
        m
    };
    Resources {
        requests: list(&r.requests),
        limits: list(&r.limits),
    }
}

fn behavior(b: &ResolvedBehavior) -> HorizontalPodAutoscalerBehavior {
    HorizontalPodAutoscalerBehavior {
        scale_up: b.scale_up.as_ref().map(rules),
        scale_down: b.scale_down.as_ref().map(rules),
    }
}

fn rules(r: &ResolvedRules) -> HPAScalingRules {
    HPAScalingRules {
        stabilization_window_seconds: r.stabilization_window_seconds,
        select_policy: r.select_policy.map(|s| s.as_str().to_string()),
        policies: r.policies.as_ref().map(|ps| {
            ps.iter()
                .map(|p| HPAScalingPolicy {
                    type_: p.policy_type.as_str().to_string(),
                    value: p.value,
                    period_seconds: p.period_seconds,
                })
                .collect()
        }),
        tolerance: r.tolerance.as_ref().map(|t| Quantity(t.0.clone())),
    }
}
