//! The bundled example profiles validate cleanly, and the presets reproduce
//! the tutorial's HPAs value for value.

use scaleplan_diag::render::{Color, human};
use scaleplan_profile::model::{PolicyType, Preset};
use scaleplan_profile::{TargetValue, load_paths};
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn example_profiles_are_valid() {
    let out = load_paths(&[repo().join("profiles")]);
    let text = human(&out.diagnostics, &out.sources, Color::Never);
    assert!(out.diagnostics.is_empty(), "{text}");
    assert_eq!(out.profiles.len(), 4);
    assert!(
        out.profiles
            .iter()
            .all(|p| p.resolved.namespace == "fastapi-k8-proto")
    );
}

#[test]
fn presets_reproduce_the_tutorial() {
    let out = load_paths(&[repo().join("profiles")]);
    let api = out
        .profiles
        .iter()
        .find(|p| p.resolved.name == "fastapi")
        .unwrap();
    let r = &api.resolved;
    assert_eq!(r.preset, Some(Preset::Api));
    assert_eq!(
        (r.hpa_name.as_str(), r.min_replicas, r.max_replicas),
        ("fastapi-hpa", 3, 10)
    );
    assert_eq!(r.resource_targets[0].target, TargetValue::Utilization(75));
    assert_eq!(r.resource_targets[1].target, TargetValue::Utilization(85));
    let b = r.behavior.as_ref().unwrap();
    let up = b.scale_up.as_ref().unwrap();
    assert_eq!(up.stabilization_window_seconds, Some(30));
    let p = &up.policies.as_ref().unwrap()[0];
    assert_eq!(
        (p.policy_type, p.value, p.period_seconds),
        (PolicyType::Percent, 50, 30)
    );
    assert_eq!(up.select_policy, None);

    let w = out
        .profiles
        .iter()
        .find(|p| p.resolved.name == "celery-worker")
        .unwrap();
    let r = &w.resolved;
    assert_eq!(
        (r.hpa_name.as_str(), r.min_replicas, r.max_replicas),
        ("celery-worker-hpa", 2, 10)
    );
    let up = r.behavior.as_ref().unwrap().scale_up.as_ref().unwrap();
    assert_eq!(up.policies.as_ref().unwrap().len(), 2);
    assert_eq!(up.stabilization_window_seconds, Some(60));
}

#[test]
fn queue_and_schedule_examples_resolve_to_the_working_pipeline() {
    use scaleplan_profile::Broker;
    use scaleplan_profile::model::{PrometheusStack, QueueMetricType};
    let out = load_paths(&[repo().join("profiles")]);
    let q = out
        .profiles
        .iter()
        .find(|p| p.resolved.name == "celery-queue-worker")
        .unwrap();
    let r = &q.resolved;
    assert_eq!((r.min_replicas, r.max_replicas), (2, 20));
    let queue = r.queue.as_ref().unwrap();
    assert_eq!(queue.metric_type, QueueMetricType::External);
    assert_eq!(queue.metric_name, "celery_queue_length");
    assert_eq!(queue.backlog_per_replica.as_str(), "30");
    assert_eq!(
        queue.broker,
        Broker::Secret {
            secret_name: "celery-broker".into(),
            key: "url".into()
        }
    );
    assert_eq!(queue.exporter.name, "celery-exporter");
    assert_eq!(queue.exporter.image, "danihodovic/celery-exporter:0.12.2");
    assert_eq!(queue.exporter.port, 9808);
    let prom = &queue.prometheus;
    assert_eq!(prom.stack, PrometheusStack::KubePrometheusStack);
    assert_eq!(
        prom.url,
        "http://prometheus-kube-prometheus-prometheus.monitoring.svc"
    );
    assert_eq!((prom.port, prom.path.as_str()), (9090, ""));
    assert_eq!(
        scaleplan_profile::queue_selector(&queue.queues),
        "queue_name=celery"
    );

    let s = out
        .profiles
        .iter()
        .find(|p| p.resolved.name == "report-worker")
        .unwrap();
    let w = &s.resolved.schedule[0];
    assert_eq!(w.start_job_name, "report-worker-business-hours-start");
    assert_eq!(w.end_job_name, "report-worker-business-hours-end");
    assert_eq!(
        (
            w.min_replicas,
            w.max_replicas,
            w.restore_min_replicas,
            w.restore_max_replicas
        ),
        (5, None, 2, None)
    );
    assert_eq!(w.time_zone, "Europe/Berlin");
    assert_eq!(s.resolved.scheduler_name, "report-worker-scheduler");
}

#[test]
fn overrides_replace_preset_values_field_by_field() {
    use scaleplan_diag::SourceFile;
    let text = r#"
apiVersion: scaleplan.dev/v1alpha1
kind: ScalingProfile
metadata: {name: shop, namespace: shop}
spec:
  preset: worker
  replicas: {max: 6}
  targets: {memory: null, cpu: {averageValue: 300m}}
  behavior:
    scaleUp:
      selectPolicy: Min
      policies: [{type: Pods, value: 1, periodSeconds: 120}]
  workload: {name: shop, containers: [{name: app, resources: {requests: {cpu: 100m}}}]}
"#;
    let (profiles, diags) = scaleplan_profile::check_source(&SourceFile::new("o.yaml", text));
    assert!(diags.is_empty(), "{diags:?}");
    let r = &profiles[0].resolved;
    assert_eq!((r.min_replicas, r.max_replicas), (2, 6));
    assert_eq!(r.resource_targets.len(), 1);
    assert_eq!(
        r.resource_targets[0].target,
        TargetValue::AverageValue("300m".into())
    );
    let b = r.behavior.as_ref().unwrap();
    let up = b.scale_up.as_ref().unwrap();
    // Window kept from the preset, policies replaced wholesale, selectPolicy added.
    assert_eq!(up.stabilization_window_seconds, Some(60));
    assert_eq!(up.policies.as_ref().unwrap().len(), 1);
    assert_eq!(
        up.select_policy,
        Some(scaleplan_profile::model::SelectPolicy::Min)
    );
    assert_eq!(
        b.scale_down.as_ref().unwrap().stabilization_window_seconds,
        Some(300)
    );
}
