//! Properties over random HPAs and load: desired replicas stay within [min, max], and the
//! behavior policies hold over successive syncs.

mod common;

use common::{cpu_hpa, cpu_pods};
use proptest::prelude::*;
use scaleplan_hpa::controller::{ControllerConfig, HpaState, Scale, SyncPath, sync};
use serde_json::json;

/// One simulated run: (time, replicas before, replicas after) per sync.
fn run(
    hpa: &scaleplan_hpa::HpaSpec,
    start: i32,
    steps: &[(i64, i64)],
) -> Vec<(i64, i32, i32, SyncPath)> {
    let cfg = ControllerConfig::default();
    let mut state = HpaState::default();
    let (mut now, mut replicas) = (0i64, start);
    let mut out = Vec::new();
    for &(dt, usage) in steps {
        now += dt;
        let obs = cpu_pods(replicas.max(0) as usize, 1000, &[usage], now);
        let scale = Scale {
            spec_replicas: replicas,
            status_replicas: replicas,
        };
        let r = sync(&cfg, hpa, &mut state, now, scale, &obs);
        out.push((now, replicas, r.desired_replicas, r.path));
        replicas = r.desired_replicas;
    }
    out
}

fn steps() -> impl Strategy<Value = Vec<(i64, i64)>> {
    prop::collection::vec((1i64..=60, 0i64..=5000), 1..40)
}

fn policy_type() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("Pods"), Just("Percent")]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn replicas_stay_within_min_and_max(
        min in 1i32..6, extra in 0i32..20, target in 10i32..150, start in 0i32..40,
        behavior in prop_oneof![Just(json!(null)), Just(json!({})),
            (0i32..600, 1i32..10, policy_type(), 1i32..300).prop_map(|(w, v, t, p)| json!({
                "scale_up": {"stabilization_window_seconds": w / 2,
                    "policies": [{"type": t, "value": v, "period_seconds": p}]},
                "scale_down": {"stabilization_window_seconds": w,
                    "policies": [{"type": t, "value": v, "period_seconds": p}]}}))],
        steps in steps(),
    ) {
        let (max, start) = (min + extra, start);
        let hpa = cpu_hpa(min, max, target, behavior);
        for (i, (_, before, after, path)) in run(&hpa, start, &steps).into_iter().enumerate() {
            if before == 0 {
                // Autoscaling is disabled at 0 with minReplicas >= 1.
                prop_assert_eq!(path, SyncPath::ScalingDisabled);
                prop_assert_eq!(after, 0);
                continue;
            }
            prop_assert!(after >= min && after <= max,
                "sync {}: {} -> {} outside [{}, {}]", i, before, after, min, max);
            if i > 0 {
                // After the first correction the target never leaves [min, max] again.
                prop_assert_eq!(path == SyncPath::AboveMaxReplicas || path == SyncPath::BelowMinReplicas, false);
            }
        }
    }

    #[test]
    fn pods_policy_bounds_additions_in_every_period(
        value in 1i32..6, period in 15i32..300, target in 10i32..100,
        steps in steps(),
    ) {
        let hpa = cpu_hpa(1, 80, target, json!({
            "scale_up": {"policies": [{"type": "Pods", "value": value, "period_seconds": period}]},
            "scale_down": {"select_policy": "Disabled"}}));
        let trace = run(&hpa, 1, &steps);
        for (i, &(ti, before_i, _, _)) in trace.iter().enumerate() {
            for &(tj, _, after_j, _) in &trace[i..] {
                if tj - ti < i64::from(period) {
                    prop_assert!(after_j - before_i <= value,
                        "added {} (> {}) within {}s < period {}", after_j - before_i, value, tj - ti, period);
                }
            }
            prop_assert!(trace[i].2 >= trace[i].1, "scale-down is Disabled");
        }
    }

    #[test]
    fn pods_policy_bounds_removals_in_every_period(
        value in 1i32..6, period in 15i32..300, target in 10i32..100, start in 1i32..60,
        steps in steps(),
    ) {
        let hpa = cpu_hpa(1, 80, target, json!({
            "scale_up": {"select_policy": "Disabled"},
            "scale_down": {"stabilization_window_seconds": 0,
                "policies": [{"type": "Pods", "value": value, "period_seconds": period}]}}));
        let trace = run(&hpa, start, &steps);
        for (i, &(ti, before_i, _, _)) in trace.iter().enumerate() {
            for &(tj, _, after_j, _) in &trace[i..] {
                if tj - ti < i64::from(period) {
                    prop_assert!(before_i - after_j <= value,
                        "removed {} (> {}) within {}s", before_i - after_j, value, tj - ti);
                }
            }
            prop_assert!(trace[i].2 <= trace[i].1, "scale-up is Disabled");
        }
    }

    #[test]
    fn legacy_scale_up_is_capped_per_sync(target in 10i32..100, start in 1i32..30, steps in steps()) {
        let hpa = cpu_hpa(1, 100, target, json!(null));
        for (_, before, after, _) in run(&hpa, start, &steps) {
            prop_assert!(after <= (2 * before).max(4), "{} -> {}", before, after);
        }
    }
}
