//! One sync of one HPA (`reconcileAutoscaler`, hpa-algorithm.md §2 and §14), over plain
//! data: the caller passes the clock (`now_s`), the `/scale` subresource and what the
//! metrics APIs return, and keeps the per-HPA [`HpaState`] between syncs.

use crate::defaults::default_behavior;
use crate::legacy::limit_legacy;
use crate::model::{HpaSpec, ScalingPolicy};
use crate::observations::Observations;
use crate::pod_groups::CpuReadiness;
use crate::proposal::{Combined, MetricContext, MetricProposal, combine};
use crate::rate_limit::{
    RateLimitArgs, ScaleEvent, ScalingLimitedReason, limit_with_behavior, store_scale_event,
};
use crate::replica_calc::ReplicaCalculator;
use crate::stabilization::{
    Recommendation, StabilizationReason, stabilize_legacy, stabilize_with_behavior,
};
use crate::tolerance::Tolerances;
use serde::{Deserialize, Serialize};
use std::fmt;

/// kube-controller-manager settings (§1). `Default` is production.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ControllerConfig {
    /// `--horizontal-pod-autoscaler-tolerance` (0.1).
    pub tolerance: f64,
    /// `--horizontal-pod-autoscaler-downscale-stabilization` (300 s).
    pub downscale_stabilization_window_s: i64,
    /// `--horizontal-pod-autoscaler-cpu-initialization-period` (300 s).
    pub cpu_initialization_period_s: i64,
    /// `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s).
    pub delay_of_initial_readiness_s: i64,
    /// Legacy scale-up cap factor (2.0; the upstream tests use 8.0).
    pub scale_up_limit_factor: f64,
    /// Legacy scale-up cap minimum in replicas (4.0).
    pub scale_up_limit_minimum: f64,
    /// The `PodLevelResources` feature gate (pod-level requests for Resource metrics).
    #[serde(default)]
    pub pod_level_resources: bool,
}

impl Default for ControllerConfig {
    fn default() -> Self {
        ControllerConfig {
            tolerance: 0.1,
            downscale_stabilization_window_s: 300,
            cpu_initialization_period_s: 300,
            delay_of_initial_readiness_s: 30,
            scale_up_limit_factor: 2.0,
            scale_up_limit_minimum: 4.0,
            pod_level_resources: false,
        }
    }
}

impl ControllerConfig {
    /// The CPU readiness timings of this configuration.
    pub fn cpu_readiness(&self) -> CpuReadiness {
        CpuReadiness {
            cpu_initialization_period_s: self.cpu_initialization_period_s,
            delay_of_initial_readiness_s: self.delay_of_initial_readiness_s,
        }
    }
}

/// The controller's in-memory memory of one HPA, kept between syncs (lost on restart).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HpaState {
    /// Raw proposals of earlier syncs; `None` before the first sync.
    pub recommendations: Option<Vec<Recommendation>>,
    pub scale_up_events: Vec<ScaleEvent>,
    pub scale_down_events: Vec<ScaleEvent>,
}

/// The target's `/scale` subresource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    /// `spec.replicas`: the controller's `currentReplicas`.
    pub spec_replicas: i32,
    /// `status.replicas`: used only by Object/External AverageValue metrics.
    pub status_replicas: i32,
}

/// Which branch of the sync ran (§2 step 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SyncPath {
    /// spec.replicas is 0 and minReplicas is not: autoscaling disabled.
    ScalingDisabled,
    /// spec.replicas above maxReplicas: set to max without reading metrics.
    AboveMaxReplicas,
    /// spec.replicas below minReplicas: set to min without reading metrics.
    BelowMinReplicas,
    /// Metrics computed; no scaling because they failed.
    MetricsFailed,
    /// Metrics computed and normalized.
    Metrics,
}

/// What held the replica count back from the metrics' recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum LimitingFactor {
    /// Autoscaling is disabled at 0 replicas.
    ScalingDisabled,
    /// The target was outside [min, max]; corrected before reading metrics.
    OutOfRange(ScalingLimitedReason),
    /// Metrics failed (the sync changes nothing).
    MetricsUnavailable,
    /// A stabilization window.
    Stabilization(StabilizationReason),
    /// A behavior policy (`None` = selectPolicy Disabled).
    Policy {
        reason: ScalingLimitedReason,
        policy: Option<ScalingPolicy>,
    },
    /// The legacy scale-up cap max(factor × current, minimum).
    LegacyScaleUpCap,
    /// maxReplicas.
    MaxReplicas,
    /// minReplicas.
    MinReplicas,
}

impl fmt::Display for LimitingFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ScalingDisabled => write!(f, "scaling disabled (0 replicas)"),
            Self::OutOfRange(ScalingLimitedReason::TooManyReplicas) => {
                write!(f, "above maxReplicas")
            }
            Self::OutOfRange(_) => write!(f, "below minReplicas"),
            Self::MetricsUnavailable => write!(f, "metrics unavailable"),
            Self::Stabilization(StabilizationReason::ScaleUpStabilized) => {
                write!(f, "scaleUp stabilization")
            }
            Self::Stabilization(StabilizationReason::ScaleDownStabilized) => {
                write!(f, "scaleDown stabilization")
            }
            Self::Policy {
                reason,
                policy: Some(p),
            } => {
                let dir = if *reason == ScalingLimitedReason::ScaleUpLimit {
                    "scaleUp"
                } else {
                    "scaleDown"
                };
                write!(f, "{dir} policy {p}")
            }
            Self::Policy {
                reason,
                policy: None,
            } => {
                let dir = if *reason == ScalingLimitedReason::ScaleUpLimit {
                    "scaleUp"
                } else {
                    "scaleDown"
                };
                write!(f, "{dir} disabled")
            }
            Self::LegacyScaleUpCap => write!(f, "scale-up cap (no behavior)"),
            Self::MaxReplicas => write!(f, "maxReplicas"),
            Self::MinReplicas => write!(f, "minReplicas"),
        }
    }
}

/// Everything one sync computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncOutcome {
    /// `scale.spec.replicas` before the sync.
    pub current_replicas: i32,
    /// `scale.spec.replicas` after the sync.
    pub desired_replicas: i32,
    /// Whether the sync wrote a new replica count.
    pub rescaled: bool,
    pub path: SyncPath,
    /// Each metric's proposal, in spec order (empty for the shortcut branches).
    pub metrics: Vec<MetricProposal>,
    /// The combined recommendation, max(0, max of valid proposals), before normalization.
    pub recommendation: Option<i32>,
    /// The recommendation after stabilization.
    pub stabilized: Option<i32>,
    /// Set when stabilization changed the recommendation.
    pub stabilization: Option<StabilizationReason>,
    /// The ScalingLimited reason of the rate-limit/min-max step.
    pub limit_reason: ScalingLimitedReason,
    /// The behavior policy that set the limit, when one did.
    pub limit_policy: Option<ScalingPolicy>,
    /// The error the sync returns (`metrics_error`): some or all metrics invalid.
    pub error: Option<String>,
    /// Whether the behavior path (§10) normalized the recommendation, else legacy (§9).
    pub uses_behavior: bool,
}

impl SyncOutcome {
    /// The first thing that held the replicas back from the recommendation, if any.
    pub fn limiting_factor(&self) -> Option<LimitingFactor> {
        match self.path {
            SyncPath::ScalingDisabled => return Some(LimitingFactor::ScalingDisabled),
            SyncPath::AboveMaxReplicas | SyncPath::BelowMinReplicas => {
                return Some(LimitingFactor::OutOfRange(self.limit_reason));
            }
            SyncPath::MetricsFailed => return Some(LimitingFactor::MetricsUnavailable),
            SyncPath::Metrics => {}
        }
        match self.limit_reason {
            ScalingLimitedReason::DesiredWithinRange => {
                self.stabilization.map(LimitingFactor::Stabilization)
            }
            ScalingLimitedReason::TooManyReplicas => Some(LimitingFactor::MaxReplicas),
            ScalingLimitedReason::TooFewReplicas => Some(LimitingFactor::MinReplicas),
            reason if self.uses_behavior => Some(LimitingFactor::Policy {
                reason,
                policy: self.limit_policy.clone(),
            }),
            _ => Some(LimitingFactor::LegacyScaleUpCap),
        }
    }
}

/// One sync of `hpa` at `now_s` (§14): shortcut for out-of-range targets, per-metric
/// proposals, combination, stabilization, rate limits and min/max, rescale, scale-event
/// bookkeeping. `hpa` is taken as given; `behavior` is defaulted here like the API server
/// would have (an HPA read from a cluster is already defaulted; defaulting is idempotent).
pub fn sync(
    config: &ControllerConfig,
    hpa: &HpaSpec,
    state: &mut HpaState,
    now_s: i64,
    scale: Scale,
    observations: &Observations,
) -> SyncOutcome {
    let current = scale.spec_replicas;
    // recordInitialRecommendation
    let recommendations = state.recommendations.get_or_insert_with(|| {
        vec![Recommendation {
            replicas: current,
            timestamp_s: now_s,
        }]
    });
    let min_replicas = hpa.min_replicas.unwrap_or(1);
    let behavior = hpa.behavior.as_ref().map(default_behavior);

    let mut out = SyncOutcome {
        current_replicas: current,
        desired_replicas: current,
        rescaled: false,
        path: SyncPath::Metrics,
        metrics: Vec::new(),
        recommendation: None,
        stabilized: None,
        stabilization: None,
        limit_reason: ScalingLimitedReason::DesiredWithinRange,
        limit_policy: None,
        error: None,
        uses_behavior: behavior.is_some(),
    };

    let desired = if current == 0 && min_replicas != 0 {
        out.path = SyncPath::ScalingDisabled;
        return out;
    } else if current > hpa.max_replicas {
        out.path = SyncPath::AboveMaxReplicas;
        out.limit_reason = ScalingLimitedReason::TooManyReplicas;
        hpa.max_replicas
    } else if current < min_replicas {
        out.path = SyncPath::BelowMinReplicas;
        out.limit_reason = ScalingLimitedReason::TooFewReplicas;
        min_replicas
    } else {
        let ctx = MetricContext {
            calc: ReplicaCalculator {
                pods: &observations.pods,
                timing: config.cpu_readiness(),
                now_s,
                pod_level_resources: config.pod_level_resources,
            },
            observations,
            spec_replicas: current,
            status_replicas: scale.status_replicas,
            tolerances: Tolerances::for_hpa(hpa, config.tolerance),
        };
        out.metrics = hpa.metrics.iter().map(|m| ctx.propose(m)).collect();
        let Combined {
            replicas, error, ..
        } = combine(&out.metrics, current);
        out.error = error;
        if replicas == -1 && out.error.is_some() {
            out.path = SyncPath::MetricsFailed;
            return out;
        }
        let proposal = replicas.max(0);
        out.recommendation = Some(proposal);
        match &behavior {
            None => {
                let stabilized = stabilize_legacy(
                    recommendations,
                    proposal,
                    config.downscale_stabilization_window_s,
                    now_s,
                );
                out.stabilized = Some(stabilized);
                if stabilized != proposal {
                    out.stabilization = Some(StabilizationReason::ScaleDownStabilized);
                }
                let (r, reason) = limit_legacy(
                    current,
                    stabilized,
                    min_replicas,
                    hpa.max_replicas,
                    config.scale_up_limit_factor,
                    config.scale_up_limit_minimum,
                );
                out.limit_reason = reason;
                r
            }
            Some(b) => {
                let up = b.scale_up.as_ref().expect("defaulted");
                let down = b.scale_down.as_ref().expect("defaulted");
                let up_window = i64::from(up.stabilization_window_seconds.unwrap_or(0));
                let down_window = down
                    .stabilization_window_seconds
                    .map(i64::from)
                    .unwrap_or(config.downscale_stabilization_window_s);
                let (stabilized, reason) = stabilize_with_behavior(
                    recommendations,
                    current,
                    proposal,
                    up_window,
                    down_window,
                    now_s,
                );
                out.stabilized = Some(stabilized);
                if stabilized != proposal {
                    out.stabilization = Some(reason);
                }
                let limited = limit_with_behavior(
                    RateLimitArgs {
                        current,
                        desired: stabilized,
                        min_replicas,
                        max_replicas: hpa.max_replicas,
                        scale_up: up,
                        scale_down: down,
                    },
                    &state.scale_up_events,
                    &state.scale_down_events,
                    now_s,
                );
                out.limit_reason = limited.reason;
                out.limit_policy = limited.policy;
                limited.replicas
            }
        }
    };

    out.desired_replicas = desired;
    if desired != current {
        out.rescaled = true;
        if let Some(b) = &behavior {
            if desired > current {
                let rules = b.scale_up.as_ref().expect("defaulted");
                store_scale_event(&mut state.scale_up_events, rules, desired - current, now_s);
            } else {
                let rules = b.scale_down.as_ref().expect("defaulted");
                store_scale_event(
                    &mut state.scale_down_events,
                    rules,
                    current - desired,
                    now_s,
                );
            }
        }
    }
    out
}
