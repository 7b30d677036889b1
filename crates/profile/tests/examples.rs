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
