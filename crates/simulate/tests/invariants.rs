//! Properties that hold whatever the load: the closed loop neither creates nor
//! loses tasks, and the HPA keeps replicas within [minReplicas, maxReplicas].

use proptest::prelude::*;
use scaleplan_diag::SourceFile;
use scaleplan_hpa::model::HpaSpec;
use scaleplan_simulate::engine::{SimConfig, run};
use scaleplan_simulate::feed::{Feed, MetricFeed};
use scaleplan_simulate::input::{LoadedHpa, prepare};
use scaleplan_simulate::trace::Trace;

/// An HPA with one External queue metric (`Value` or `AverageValue` 30) and,
/// when `behavior` is set, the tutorial's policies.
fn queue_hpa(min: i32, max: i32, average: bool, behavior: bool) -> HpaSpec {
    let target = if average {
        "{type: AverageValue, averageValue: \"30\"}"
    } else {
        "{type: Value, value: \"30\"}"
    };
    let behavior = if behavior {
        "  behavior:\n    scaleDown: {stabilizationWindowSeconds: 60, policies: [{type: Percent, value: 50, periodSeconds: 60}]}\n    scaleUp: {policies: [{type: Pods, value: 3, periodSeconds: 60}], selectPolicy: Max}\n"
    } else {
        ""
    };
    let text = format!(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: q}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: w}}\n  minReplicas: {min}\n  maxReplicas: {max}\n  metrics:\n  - type: External\n    external:\n      metric: {{name: queue}}\n      target: {target}\n{behavior}"
    );
    let src = SourceFile::new("q.yaml", text);
    let loaded: LoadedHpa = scaleplan_simulate::input::load_hpa_yaml(&src)
        .unwrap()
        .remove(0);
    prepare(&loaded, Some(&src)).unwrap().spec
}

fn backlog_feed() -> Vec<MetricFeed> {
    vec![MetricFeed {
        name: "queue".into(),
        source: scaleplan_hpa::model::MetricSourceType::External,
        feed: Feed::Backlog,
    }]
}

fn closed(service_rate: f64, startup: f64, lag: f64) -> SimConfig {
    SimConfig {
        service_rate: Some(service_rate),
        pod_startup: startup,
        metric_lag: lag,
        ..SimConfig::default()
    }
}

#[test]
fn closed_loop_conserves_tasks() {
    // Bursts and quiet spells at uneven times, so that queue-empty instants,
    // pod starts and syncs fall inside trace intervals.
    let times = vec![0.0, 7.0, 63.5, 64.0, 200.0, 333.3, 900.0, 2000.0];
    let arrivals = vec![0.0, 12.0, 40.0, 3.0, 0.0, 25.0, 1.0, 0.0];
    let trace = Trace::from_columns(times, vec![("arrivals".into(), arrivals.clone())]);
    let run = run(
        &queue_hpa(1, 12, true, true),
        &backlog_feed(),
        &trace,
        &closed(0.7, 20.0, 30.0),
    );
    let q = run.summary.queue.expect("closed loop");
    let expected: f64 = (0..7)
        .map(|i| arrivals[i] * (trace.times[i + 1] - trace.times[i]))
        .sum();
    assert!(
        (q.arrived - expected).abs() < 1e-6,
        "arrived {} != {expected}",
        q.arrived
    );
    assert!(
        (q.arrived - (q.served + q.final_backlog)).abs() < 1e-6,
        "{q:?}"
    );
    assert!(q.served > 0.0 && q.peak_backlog > 0.0 && q.longest_wait_s > 0.0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn replicas_stay_within_min_and_max(
        min in 1i32..5,
        extra in 0i32..15,
        average in any::<bool>(),
        behavior in any::<bool>(),
        rates in proptest::collection::vec(0.0f64..60.0, 2..12),
        step in 20.0f64..400.0,
        service in 0.05f64..3.0,
        startup in 0.0f64..120.0,
        lag in 0.0f64..90.0,
    ) {
        let max = min + extra;
        let times: Vec<f64> = (0..rates.len()).map(|i| i as f64 * step).collect();
        let trace = Trace::from_columns(times, vec![("arrivals".into(), rates)]);
        let run = run(&queue_hpa(min, max, average, behavior), &backlog_feed(), &trace, &closed(service, startup, lag));
        for s in &run.syncs {
            prop_assert!(s.after >= min && s.after <= max, "replicas {} outside [{min}, {max}] at {}", s.after, s.time);
            prop_assert!(s.ready <= s.pods);
        }
        let q = run.summary.queue.unwrap();
        prop_assert!((q.arrived - (q.served + q.final_backlog)).abs() < 1e-6 * q.arrived.max(1.0));
    }
}
