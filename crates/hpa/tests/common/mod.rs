//! Builders for synthetic pods and metrics shared by the integration tests.

#![allow(dead_code)]

use scaleplan_hpa::model::HpaSpec;
use scaleplan_hpa::observations::{
    ContainerRequests, ContainerUsage, Observations, PodObservation, PodPhase, PodResourceSample,
};
use std::collections::BTreeMap;

/// `n` running, ready, long-started pods requesting `request_milli` cpu, each using
/// `usage_milli` (sampled at `now_s`).
pub fn cpu_pods(n: usize, request_milli: i64, usage_milli: &[i64], now_s: i64) -> Observations {
    let mut obs = Observations::default();
    for i in 0..n {
        let name = format!("pod-{i}");
        obs.pods.push(PodObservation {
            name: name.clone(),
            phase: PodPhase::Running,
            ready: Some(true),
            ready_transition_s: now_s - 100_000,
            start_time_s: Some(now_s - 100_000),
            deleting: false,
            containers: vec![ContainerRequests::with_request("app", "cpu", request_milli)],
            pod_requests: None,
        });
        if let Some(u) = usage_milli.get(i % usage_milli.len().max(1)) {
            obs.resource_metrics.push(PodResourceSample {
                pod: name,
                timestamp_s: now_s,
                window_s: 60,
                containers: vec![ContainerUsage {
                    name: "app".into(),
                    usage: BTreeMap::from([("cpu".to_string(), *u)]),
                }],
            });
        }
    }
    obs
}

/// An HPA on cpu utilization, parsed from the internal-API JSON shape.
pub fn cpu_hpa(min: i32, max: i32, target: i32, behavior: serde_json::Value) -> HpaSpec {
    serde_json::from_value(serde_json::json!({
        "min_replicas": min, "max_replicas": max,
        "scale_target_ref": {"kind": "Deployment", "name": "app"},
        "metrics": [{"type": "Resource", "resource": {"name": "cpu",
            "target": {"type": "Utilization", "average_utilization": target}}}],
        "behavior": behavior
    }))
    .expect("valid HPA JSON")
}
