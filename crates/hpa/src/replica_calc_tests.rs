//! Worked examples of hpa-algorithm.md §6 and the §15 misunderstandings about one
//! metric's proposal.

use super::*;
use crate::observations::ContainerRequests;

const TIMING: CpuReadiness = CpuReadiness {
    cpu_initialization_period_s: 300,
    delay_of_initial_readiness_s: 30,
};

fn pods(n: usize, request: i64) -> Vec<PodObservation> {
    (0..n)
        .map(|i| PodObservation {
            name: format!("p{i}"),
            ready: Some(true),
            start_time_s: Some(-10_000),
            ready_transition_s: -10_000,
            containers: vec![ContainerRequests::with_request("c", "cpu", request)],
            ..Default::default()
        })
        .collect()
}

fn samples<'a>(pods: &'a [PodObservation], values: &[i64]) -> PodMetricsInfo<'a> {
    pods.iter()
        .zip(values)
        .map(|(p, v)| {
            (
                p.name.as_str(),
                PodMetric {
                    value: *v,
                    timestamp_s: 0,
                    window_s: 60,
                },
            )
        })
        .collect()
}

fn calc(pods: &[PodObservation]) -> ReplicaCalculator<'_> {
    ReplicaCalculator {
        pods,
        timing: TIMING,
        now_s: 0,
        pod_level_resources: false,
    }
}

const TOL: Tolerances = Tolerances {
    scale_up: 0.1,
    scale_down: 0.1,
};

#[test]
fn worked_example_three_pods_at_30_50_70_percent() {
    // §6.1: utilization 50 against 30 -> ceil(1.667 x 3) = 5.
    let p = pods(3, 1000);
    let r = calc(&p)
        .resource_utilization(3, 30, "cpu", None, samples(&p, &[300, 500, 700]), TOL)
        .unwrap();
    assert_eq!(
        (r.replicas, r.utilization, r.raw_average_milli),
        (5, 50, 500)
    );
}

#[test]
fn unready_pod_counts_as_zero_only_on_scale_up() {
    // §6.1 / misunderstanding §15.7: pod 0 NotReady and never ready -> ratio 2.0 from the
    // ready pods, then pod 0 at 0% gives 40% -> ceil(1.333 x 3) = 4.
    let mut p = pods(3, 1000);
    p[0].ready = Some(false);
    p[0].ready_transition_s = p[0].start_time_s.unwrap();
    let r = calc(&p)
        .resource_utilization(3, 30, "cpu", None, samples(&p, &[300, 500, 700]), TOL)
        .unwrap();
    assert_eq!((r.replicas, r.utilization), (4, 60));
    // On a scale-down the unready pod is simply left out: 2 ready pods at 20%.
    let r = calc(&p)
        .resource_utilization(3, 50, "cpu", None, samples(&p, &[900, 200, 200]), TOL)
        .unwrap();
    assert_eq!((r.replicas, r.utilization), (1, 20));
}

#[test]
fn utilization_is_a_ratio_of_sums_truncated_to_a_percent() {
    // Misunderstanding §15.2: requests 100m and 900m, usage 100m and 0: per-pod
    // utilizations average 50%, but the controller sees 100/1000 = 10%.
    let mut p = pods(2, 100);
    p[1].containers[0].requests.insert("cpu".into(), 900);
    let m = samples(&p, &[100, 0]);
    let reqs = calc(&p).requests(None, "cpu").unwrap();
    let (ratio, util, raw) = utilization_ratio(&m, &reqs, 50).unwrap();
    assert_eq!((util, raw), (10, 50));
    assert_eq!(ratio, 0.2);
    // 2/3 = 66.67% truncates to 66.
    let p = pods(3, 1000);
    let reqs = calc(&p).requests(None, "cpu").unwrap();
    let (_, util, _) = utilization_ratio(&samples(&p, &[1000, 1000, 0]), &reqs, 50).unwrap();
    assert_eq!(util, 66);
}

#[test]
fn missing_pods_fill_with_request_on_scale_down_and_zero_on_scale_up() {
    // §15.7: 4 pods, 2 report. Scale-down: the missing ones count as 100% of request.
    let p = pods(4, 1000);
    let r = calc(&p)
        .resource_utilization(4, 100, "cpu", None, samples(&p, &[400, 95]), TOL)
        .unwrap();
    assert_eq!((r.replicas, r.utilization), (3, 24));
    // Pods metric: missing pods count as exactly the target on scale-down.
    let r = calc(&p)
        .plain_metric(4, 1000, None, samples(&p, &[100, 100]), TOL)
        .unwrap();
    assert_eq!(
        r.replicas, 3,
        "(100+100+1000+1000)/4 = 550 -> ceil(0.55 x 4)"
    );
}

#[test]
fn object_average_value_ignores_the_pod_count() {
    // §6.6: ceil(value / target) from status replicas, whatever the ready pods.
    let r = object_per_pod(5, 1_000_000, 100_000, TOL);
    assert_eq!((r.replicas, r.usage_milli), (10, 200_000));
    // Status replicas 0: ratio +Inf -> ceil(value/target).
    assert_eq!(object_per_pod(0, 300_000, 100_000, TOL).replicas, 3);
}

#[test]
fn external_sums_saturate_instead_of_overflowing() {
    let p = pods(3, 1000);
    let r = calc(&p)
        .external_value(3, &[i64::MAX, 5], i64::MAX, TOL)
        .unwrap();
    assert_eq!((r.replicas, r.usage_milli), (3, i64::MAX));
    let r = external_per_pod(1, &[i64::MAX, 1], 1, TOL);
    assert_eq!((r.replicas, r.usage_milli), (i32::MAX, i64::MAX));
}

#[test]
fn scale_from_zero_ignores_tolerance_and_pods() {
    // §8: C = 0 -> ceil(ratio), even at ratio 1.0.
    let r = calc(&[]).object_value(0, 1000, 1000, TOL).unwrap();
    assert_eq!(r.replicas, 1);
    let r = calc(&[]).object_value(0, 0, 1000, TOL).unwrap();
    assert_eq!(r.replicas, 0);
}
