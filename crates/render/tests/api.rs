//! The public API other crates use: `load_hpas` (the simulator) and
//! `render_profiles`.

mod common;

use scaleplan_render::{load_hpas, render_profiles};

#[test]
fn load_hpas_returns_each_profiles_hpa_as_rendered() {
    let Ok(hpas) = load_hpas(&common::repo_root().join("profiles/queue-worker.yaml")) else {
        panic!("the example validates")
    };
    assert_eq!(hpas.len(), 1);
    let (name, hpa) = &hpas[0];
    assert_eq!(name, "celery-queue-worker");
    let rendered = render_profiles(&common::load(&["queue-worker.yaml".to_string()]));
    let file = rendered
        .iter()
        .find(|a| a.path.ends_with("/horizontalpodautoscaler.yaml"))
        .unwrap();
    let from_file: k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler =
        serde_saphyr::from_str(&file.contents).unwrap();
    assert_eq!(hpa, &from_file);
}

#[test]
fn load_hpas_of_a_directory_returns_every_profile() {
    let Ok(hpas) = load_hpas(&common::repo_root().join("profiles")) else {
        panic!("the examples validate")
    };
    let mut names: Vec<&str> = hpas.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "celery-queue-worker",
            "celery-worker",
            "fastapi",
            "report-worker"
        ]
    );
}

#[test]
fn load_hpas_of_an_invalid_profile_returns_its_diagnostics_and_sources() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "apiVersion: scaleplan.dev/v1alpha1\nkind: ScalingProfile\nmetadata: {name: x, namespace: y}\nspec:\n  preset: api\n  replicas: {min: 5, max: 2}\n  workload: {name: w, containers: [{name: c, resources: {requests: {cpu: 100m, memory: 1Mi}}}]}\n",
    )
    .unwrap();
    let Err((diags, sources)) = load_hpas(&bad) else {
        panic!("an invalid profile is an error")
    };
    assert!(!diags.is_empty());
    let loc = diags[0].location.as_ref().expect("located");
    assert!(sources.get(&loc.file).is_some());
}
