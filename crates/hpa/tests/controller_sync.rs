//! Whole-sync scenarios from hpa-algorithm.md's worked examples and §15's misunderstandings.

mod common;

use common::{cpu_hpa, cpu_pods};
use scaleplan_hpa::controller::{
    ControllerConfig, HpaState, LimitingFactor, Scale, SyncPath, sync,
};
use scaleplan_hpa::model::HpaSpec;
use scaleplan_hpa::observations::{MetricFetch, Observations};
use scaleplan_hpa::rate_limit::ScalingLimitedReason;
use serde_json::json;

fn scale(n: i32) -> Scale {
    Scale {
        spec_replicas: n,
        status_replicas: n,
    }
}

fn fresh() -> HpaState {
    HpaState {
        recommendations: Some(vec![]),
        ..Default::default()
    }
}

#[test]
fn missing_reports_scale_down_to_ready_pods_times_ratio() {
    // §15.1 TestMissingReports: spec 4, one pod reporting 200% of target 50 -> 2.
    let hpa = cpu_hpa(1, 5, 50, json!(null));
    let obs = cpu_pods(1, 1000, &[1000], 0);
    let out = sync(
        &ControllerConfig::default(),
        &hpa,
        &mut fresh(),
        0,
        scale(4),
        &obs,
    );
    assert_eq!(out.desired_replicas, 2);
}

#[test]
fn object_value_multiplies_ready_pods_average_value_does_not() {
    // §15.4: 5 ready pods, queue 1000, target 100 -> Value 50, AverageValue 10.
    let mk = |target: serde_json::Value| -> HpaSpec {
        serde_json::from_value(json!({"min_replicas": 1, "max_replicas": 100,
            "scale_target_ref": {"kind": "Deployment", "name": "w"},
            "metrics": [{"type": "Object", "object": {"described_object": {"kind": "Service", "name": "q"},
                "metric": {"name": "queue"}, "target": target}}],
            "behavior": {}}))
        .unwrap()
    };
    let mut obs = cpu_pods(5, 1000, &[100], 0);
    obs.object_metrics.insert("queue".into(), 1_000_000);
    let cfg = ControllerConfig::default();
    let value = mk(json!({"type": "Value", "value_milli": 100_000}));
    let avg = mk(json!({"type": "AverageValue", "average_value_milli": 100_000}));
    let v = sync(&cfg, &value, &mut fresh(), 0, scale(5), &obs);
    let a = sync(&cfg, &avg, &mut fresh(), 0, scale(5), &obs);
    assert_eq!(v.recommendation, Some(50));
    assert_eq!(a.recommendation, Some(10));
    assert_eq!(a.desired_replicas, 10);
    // The default behavior caps 5 -> max(5+4, 10) = 10 per 15 s.
    assert_eq!(v.desired_replicas, 10);
    assert_eq!(v.limit_reason, ScalingLimitedReason::ScaleUpLimit);
    assert!(matches!(
        v.limiting_factor(),
        Some(LimitingFactor::Policy { .. })
    ));
}

#[test]
fn legacy_path_cap_and_downscale_window() {
    // §15.5: without behavior the cap is max(2x, 4) and a recent high proposal holds.
    let hpa = cpu_hpa(1, 50, 50, json!(null));
    let cfg = ControllerConfig::default();
    let hot = cpu_pods(1, 1000, &[5000], 0);
    let mut state = HpaState::default();
    let out = sync(&cfg, &hpa, &mut state, 0, scale(1), &hot);
    assert_eq!((out.recommendation, out.desired_replicas), (Some(10), 4));
    assert_eq!(
        out.limiting_factor(),
        Some(LimitingFactor::LegacyScaleUpCap)
    );
    let idle = cpu_pods(4, 1000, &[10], 15);
    let out = sync(&cfg, &hpa, &mut state, 15, scale(4), &idle);
    assert_eq!(out.recommendation, Some(1));
    assert_eq!(
        out.stabilized,
        Some(10),
        "legacy stabilization takes the max, even above current"
    );
    assert_eq!(out.desired_replicas, 8, "then the 2x cap applies");
}

#[test]
fn partial_metrics_never_scale_down() {
    // §15.9: one metric failing: scale up allowed, scale down refused.
    let mut hpa = cpu_hpa(1, 10, 50, json!(null));
    hpa.metrics.push(
        serde_json::from_value(json!({"type": "Pods", "pods": {"metric": {"name": "qps"},
        "target": {"type": "AverageValue", "average_value_milli": 1000}}}))
        .unwrap(),
    );
    let cfg = ControllerConfig::default();
    let mut low = cpu_pods(4, 1000, &[100], 0);
    low.failing.insert(MetricFetch::Pods("qps".into()));
    let out = sync(&cfg, &hpa, &mut fresh(), 0, scale(4), &low);
    assert_eq!(out.path, SyncPath::MetricsFailed);
    assert_eq!(out.desired_replicas, 4);
    assert!(
        out.error
            .as_deref()
            .unwrap()
            .starts_with("invalid metrics (1 invalid out of 2)")
    );
    let mut high = cpu_pods(4, 1000, &[1000], 0);
    high.failing.insert(MetricFetch::Pods("qps".into()));
    let out = sync(&cfg, &hpa, &mut fresh(), 0, scale(4), &high);
    assert_eq!(out.desired_replicas, 8);
    assert!(out.error.is_some());
}

#[test]
fn zero_replicas_disable_autoscaling_unless_min_is_zero() {
    // §15.15.
    let hpa = cpu_hpa(1, 10, 50, json!(null));
    let out = sync(
        &ControllerConfig::default(),
        &hpa,
        &mut fresh(),
        0,
        scale(0),
        &Observations::default(),
    );
    assert_eq!(
        (out.path, out.desired_replicas),
        (SyncPath::ScalingDisabled, 0)
    );
}

#[test]
fn out_of_range_targets_are_corrected_before_metrics() {
    // §15.10.
    let hpa = cpu_hpa(2, 5, 50, json!({}));
    let cfg = ControllerConfig::default();
    let mut state = fresh();
    let out = sync(
        &cfg,
        &hpa,
        &mut state,
        0,
        scale(9),
        &Observations::default(),
    );
    assert_eq!(
        (out.path, out.desired_replicas),
        (SyncPath::AboveMaxReplicas, 5)
    );
    assert!(out.metrics.is_empty());
    assert_eq!(
        state.scale_down_events.len(),
        1,
        "behavior HPAs record the rescale"
    );
}

#[test]
fn tolerance_only_behavior_switches_to_the_behavior_path() {
    // §15.14: a scaleUp tolerance makes behavior non-nil: default rules (+4 pods) apply.
    let legacy = cpu_hpa(1, 50, 50, json!(null));
    let tol = cpu_hpa(1, 50, 50, json!({"scale_up": {"tolerance": "0.05"}}));
    let obs = cpu_pods(1, 1000, &[5000], 0);
    let cfg = ControllerConfig::default();
    assert_eq!(
        sync(&cfg, &legacy, &mut fresh(), 0, scale(1), &obs).desired_replicas,
        4
    );
    assert_eq!(
        sync(&cfg, &tol, &mut fresh(), 0, scale(1), &obs).desired_replicas,
        5
    );
    // 53% of a 50% target: ratio 1.06 is outside 5% but inside the global 10%.
    let obs = cpu_pods(2, 1000, &[530], 0);
    assert_eq!(
        sync(&cfg, &legacy, &mut fresh(), 0, scale(2), &obs).desired_replicas,
        2
    );
    assert_eq!(
        sync(&cfg, &tol, &mut fresh(), 0, scale(2), &obs).desired_replicas,
        3
    );
}
