//! The resolved profile: presets merged, defaults applied, names decided.
//! This is what the renderer consumes; it never looks at the raw profile.
//!
//! Resolution is total so that validation can inspect what would be
//! rendered; the values are only meaningful for a profile that validated
//! without errors (a missing bound falls back to 1, an unparsable integer
//! saturates).

mod hpa;
pub mod queue;
mod types;

pub use hpa::{api_validation, feature_gates, hpa_spec, queue_selector};
pub use types::*;

use crate::model::{Behavior, ResourceTarget, ScalingProfile, ScalingRules, Targets};
use crate::names;
use crate::presets;

/// Narrows a validated 64-bit integer to the API's int32.
pub(crate) fn int32(v: i64) -> i32 {
    v.clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

impl ScalingProfile {
    /// Applies the preset and defaults. See [`ResolvedProfile`].
    pub fn resolve(&self) -> ResolvedProfile {
        resolve(self)
    }
}

/// Applies the preset and defaults. See [`ResolvedProfile`].
pub fn resolve(p: &ScalingProfile) -> ResolvedProfile {
    let spec = &p.spec;
    let preset = spec.preset.map(presets::values);
    let user_replicas = spec.replicas.clone().unwrap_or_default();
    let preset_replicas = preset
        .as_ref()
        .map(|v| v.replicas.clone())
        .unwrap_or_default();
    let min = user_replicas.min.or(preset_replicas.min).unwrap_or(1);
    let max = user_replicas
        .max
        .or(preset_replicas.max)
        .unwrap_or(min.max(1));

    let targets = merge_targets(preset.as_ref().map(|v| &v.targets), spec.targets.as_ref());
    let behavior = merge_behavior(preset.as_ref().map(|v| &v.behavior), spec.behavior.as_ref());
    let queue = spec
        .queue
        .as_ref()
        .map(|q| queue::resolve_queue(&p.metadata.name, q));
    let min_replicas = int32(min);
    let max_replicas = int32(max);
    let schedule = spec
        .schedule
        .as_ref()
        .map(|s| {
            s.windows
                .iter()
                .map(|w| ResolvedWindow {
                    name: w.name.clone(),
                    start: w.start.trim().to_string(),
                    end: w.end.trim().to_string(),
                    time_zone: w.time_zone.clone().unwrap_or_else(|| "Etc/UTC".into()),
                    min_replicas: int32(w.min_replicas),
                    max_replicas: w.max_replicas.map(int32),
                    restore_min_replicas: w
                        .restore
                        .as_ref()
                        .and_then(|r| r.min_replicas)
                        .map_or(min_replicas, int32),
                    restore_max_replicas: match (
                        w.restore.as_ref().and_then(|r| r.max_replicas),
                        w.max_replicas,
                    ) {
                        (Some(r), _) => Some(int32(r)),
                        (None, Some(_)) => Some(max_replicas),
                        (None, None) => None,
                    },
                    start_job_name: names::cronjob_name(
                        &p.metadata.name,
                        &w.name,
                        names::WindowEdge::Start,
                    ),
                    end_job_name: names::cronjob_name(
                        &p.metadata.name,
                        &w.name,
                        names::WindowEdge::End,
                    ),
                })
                .collect()
        })
        .unwrap_or_default();

    ResolvedProfile {
        name: p.metadata.name.clone(),
        namespace: p.metadata.namespace.clone(),
        labels: p.metadata.labels.clone(),
        annotations: p.metadata.annotations.clone(),
        preset: spec.preset,
        hpa_name: names::hpa_name(p),
        workload: spec.workload.clone(),
        min_replicas,
        max_replicas,
        resource_targets: targets,
        behavior,
        queue,
        scheduler_name: names::scheduler_name(&p.metadata.name),
        schedule,
    }
}

fn target_value(t: &ResourceTarget) -> TargetValue {
    match (t.average_utilization, &t.average_value) {
        (Some(u), _) => TargetValue::Utilization(int32(u)),
        (None, Some(v)) => TargetValue::AverageValue(v.clone()),
        // Rejected by validation (P0303); resolve to the API's own default.
        (None, None) => TargetValue::Utilization(80),
    }
}

fn merge_targets(preset: Option<&Targets>, user: Option<&Targets>) -> Vec<ResolvedResourceTarget> {
    let pick = |get: fn(&Targets) -> &Option<Option<ResourceTarget>>| {
        user.and_then(|u| get(u).clone())
            .or_else(|| preset.and_then(|p| get(p).clone()))
            .flatten()
    };
    let mut out = Vec::new();
    if let Some(t) = pick(|t| &t.cpu) {
        out.push(ResolvedResourceTarget {
            resource: ResourceName::Cpu,
            target: target_value(&t),
        });
    }
    if let Some(t) = pick(|t| &t.memory) {
        out.push(ResolvedResourceTarget {
            resource: ResourceName::Memory,
            target: target_value(&t),
        });
    }
    out
}

fn merge_rules(
    preset: Option<&ScalingRules>,
    user: Option<&ScalingRules>,
) -> Option<ResolvedRules> {
    if preset.is_none() && user.is_none() {
        return None;
    }
    let field =
        |get: fn(&ScalingRules) -> Option<i64>| user.and_then(get).or_else(|| preset.and_then(get));
    let policies = user
        .and_then(|u| u.policies.clone())
        .or_else(|| preset.and_then(|p| p.policies.clone()));
    Some(ResolvedRules {
        stabilization_window_seconds: field(|r| r.stabilization_window_seconds).map(int32),
        select_policy: user
            .and_then(|u| u.select_policy)
            .or_else(|| preset.and_then(|p| p.select_policy)),
        policies: policies.map(|ps| {
            ps.iter()
                .map(|p| ResolvedPolicy {
                    policy_type: p.policy_type,
                    value: int32(p.value),
                    period_seconds: int32(p.period_seconds),
                })
                .collect()
        }),
        tolerance: user
            .and_then(|u| u.tolerance.clone())
            .or_else(|| preset.and_then(|p| p.tolerance.clone())),
    })
}

fn merge_behavior(preset: Option<&Behavior>, user: Option<&Behavior>) -> Option<ResolvedBehavior> {
    if preset.is_none() && user.is_none() {
        return None;
    }
    Some(ResolvedBehavior {
        scale_up: merge_rules(
            preset.and_then(|p| p.scale_up.as_ref()),
            user.and_then(|u| u.scale_up.as_ref()),
        ),
        scale_down: merge_rules(
            preset.and_then(|p| p.scale_down.as_ref()),
            user.and_then(|u| u.scale_down.as_ref()),
        ),
    })
}
