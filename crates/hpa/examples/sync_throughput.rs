//! Times `sync` over a week of 1-second syncs with three metrics (cpu utilization, a Pods
//! metric and an External AverageValue metric), the load `simulate` puts on this crate.
//! Run: `cargo run --release -p scaleplan-hpa --example sync_throughput`.

use scaleplan_hpa::controller::{ControllerConfig, HpaState, Scale, sync};
use scaleplan_hpa::observations::{
    ContainerRequests, ContainerUsage, Observations, PodMetricSample, PodObservation, PodPhase,
    PodResourceSample,
};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let hpa: scaleplan_hpa::HpaSpec = serde_json::from_value(serde_json::json!({
        "min_replicas": 2, "max_replicas": 50,
        "scale_target_ref": {"kind": "Deployment", "name": "worker"},
        "metrics": [
            {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "average_utilization": 70}}},
            {"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "average_value_milli": 50000}}},
            {"type": "External", "external": {"metric": {"name": "queue"}, "target": {"type": "AverageValue", "average_value_milli": 30000}}}
        ],
        "behavior": {"scale_down": {"stabilization_window_seconds": 300}}
    }))
    .expect("valid HPA");
    let cfg = ControllerConfig::default();
    let mut state = HpaState::default();
    let mut replicas = 2i32;
    let steps: i64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(604_800);
    let start = Instant::now();
    let mut in_sync = std::time::Duration::ZERO;
    let mut obs = Observations::default();
    for t in 0..steps {
        // A daily sine of load; pods follow the replica count instantly.
        let load = 1.0 + (t as f64 / 86_400.0 * std::f64::consts::TAU).sin().abs() * 20.0;
        let n = replicas.max(0) as usize;
        obs.pods.clear();
        obs.resource_metrics.clear();
        let rps = obs.pod_metrics.entry("rps".into()).or_default();
        rps.clear();
        for i in 0..n {
            let name = format!("w-{i}");
            obs.pods.push(PodObservation {
                name: name.clone(),
                phase: PodPhase::Running,
                ready: Some(true),
                ready_transition_s: -1_000_000,
                start_time_s: Some(-1_000_000),
                deleting: false,
                containers: vec![ContainerRequests::with_request("app", "cpu", 1000)],
                pod_requests: None,
            });
            let per_pod = (load * 1000.0 / n as f64 * 10.0) as i64;
            obs.resource_metrics.push(PodResourceSample {
                pod: name.clone(),
                timestamp_s: t,
                window_s: 30,
                containers: vec![ContainerUsage {
                    name: "app".into(),
                    usage: BTreeMap::from([("cpu".into(), per_pod)]),
                }],
            });
            rps.push(PodMetricSample {
                pod: name,
                value_milli: per_pod * 40,
                timestamp_s: t,
                window_s: 60,
            });
        }
        obs.external_metrics
            .insert("queue".into(), vec![(load * 100_000.0) as i64]);
        let t0 = Instant::now();
        let out = sync(
            &cfg,
            &hpa,
            &mut state,
            t,
            Scale {
                spec_replicas: replicas,
                status_replicas: replicas,
            },
            &obs,
        );
        in_sync += t0.elapsed();
        replicas = out.desired_replicas;
    }
    let took = start.elapsed();
    println!(
        "{steps} syncs with 3 metrics: {took:.2?} in total, {in_sync:.2?} in sync ({:.0} ns/sync); final replicas {replicas}; recommendations {}, events {}+{}",
        in_sync.as_nanos() as f64 / steps as f64,
        state.recommendations.as_ref().map_or(0, Vec::len),
        state.scale_up_events.len(),
        state.scale_down_events.len()
    );
}
