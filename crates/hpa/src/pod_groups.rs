//! Pod classification before a per-pod metric is averaged (`groupPods`, hpa-algorithm.md §5).

use crate::observations::{PodMetricsInfo, PodObservation, PodPhase};
use std::collections::BTreeSet;

/// Controller timings that decide whether a CPU sample of a young pod is trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuReadiness {
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (s).
    pub cpu_initialization_period_s: i64,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (s).
    pub delay_of_initial_readiness_s: i64,
}

/// The result of [`group_pods`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodGroups<'a> {
    /// Pods whose sample is used as-is.
    pub ready_count: usize,
    /// Pending pods, and for CPU pods whose readiness makes the sample untrustworthy.
    pub unready: BTreeSet<&'a str>,
    /// Pods without a sample.
    pub missing: BTreeSet<&'a str>,
    /// Deleted or Failed pods.
    pub ignored: BTreeSet<&'a str>,
}

/// Classifies each pod, in upstream's order: ignored (deleting or Failed), unready
/// (Pending), missing (no sample), then — only when `resource` is `cpu` — unready by the
/// readiness rules, else ready.
pub fn group_pods<'a>(
    pods: &'a [PodObservation],
    metrics: &PodMetricsInfo<'_>,
    resource: Option<&str>,
    timing: CpuReadiness,
    now_s: i64,
) -> PodGroups<'a> {
    let mut g = PodGroups::default();
    for pod in pods {
        if pod.deleting || pod.phase == PodPhase::Failed {
            g.ignored.insert(&pod.name);
            continue;
        }
        if pod.phase == PodPhase::Pending {
            g.unready.insert(&pod.name);
            continue;
        }
        let Some(metric) = metrics.get(pod.name.as_str()) else {
            g.missing.insert(&pod.name);
            continue;
        };
        if resource == Some("cpu") {
            let unready = match (pod.ready, pod.start_time_s) {
                (None, _) | (_, None) => true,
                (Some(ready), Some(start)) => {
                    if start + timing.cpu_initialization_period_s > now_s {
                        // Still initializing: trust the sample only from a pod that is
                        // ready and has been for one full metric window.
                        !ready || metric.timestamp_s < pod.ready_transition_s + metric.window_s
                    } else {
                        // Ignore it only if the pod never became ready after starting.
                        !ready
                            && start + timing.delay_of_initial_readiness_s > pod.ready_transition_s
                    }
                }
            };
            if unready {
                g.unready.insert(&pod.name);
                continue;
            }
        }
        g.ready_count += 1;
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::PodMetric;

    const T: CpuReadiness = CpuReadiness {
        cpu_initialization_period_s: 120,
        delay_of_initial_readiness_s: 10,
    };

    fn pod(name: &str, ready: Option<bool>, start: i64, transition: i64) -> PodObservation {
        PodObservation {
            name: name.into(),
            ready,
            start_time_s: Some(start),
            ready_transition_s: transition,
            ..Default::default()
        }
    }

    fn sample(pod: &str, ts: i64, window: i64) -> PodMetricsInfo<'_> {
        PodMetricsInfo::from([(
            pod,
            PodMetric {
                value: 1,
                timestamp_s: ts,
                window_s: window,
            },
        )])
    }

    #[test]
    fn pod_that_became_unready_later_still_counts_as_ready() {
        // Misunderstanding §15.8: after the initialization period only never-ready pods
        // are excluded.
        let p = pod("a", Some(false), -300, -100);
        let pods = [p];
        let g = group_pods(&pods, &sample("a", 0, 60), Some("cpu"), T, 0);
        assert_eq!(g.ready_count, 1);
    }

    #[test]
    fn never_ready_pod_is_unready_with_strict_comparison() {
        let p = pod("a", Some(false), -300, -295);
        let pods = [p];
        let g = group_pods(&pods, &sample("a", 0, 60), Some("cpu"), T, 0);
        assert!(g.unready.contains("a"));
        // Transition exactly at start + delay: `After` is strict, so the pod counts.
        let p = pod("a", Some(false), -300, -290);
        let pods = [p];
        let g = group_pods(&pods, &sample("a", 0, 60), Some("cpu"), T, 0);
        assert_eq!(g.ready_count, 1);
    }

    #[test]
    fn memory_and_custom_metrics_skip_readiness_rules() {
        let p = pod("a", Some(false), 0, 0);
        let g = group_pods(
            std::slice::from_ref(&p),
            &sample("a", 0, 60),
            Some("memory"),
            T,
            0,
        );
        assert_eq!(g.ready_count, 1);
        let pods = [p];
        let g = group_pods(&pods, &sample("a", 0, 60), None, T, 0);
        assert_eq!(g.ready_count, 1);
    }

    #[test]
    fn order_ignored_pending_missing() {
        let mut deleting = pod("d", Some(true), -300, -300);
        deleting.deleting = true;
        deleting.phase = PodPhase::Pending;
        let mut pending = pod("p", Some(true), -300, -300);
        pending.phase = PodPhase::Pending;
        let missing = pod("m", Some(true), -300, -300);
        let pods = [deleting, pending, missing];
        let g = group_pods(&pods, &PodMetricsInfo::new(), None, T, 0);
        assert!(g.ignored.contains("d") && g.unready.contains("p") && g.missing.contains("m"));
    }
}
