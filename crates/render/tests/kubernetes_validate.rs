//! Every rendered Kubernetes object, validated strictly (unknown fields
//! rejected) for Kubernetes 1.33 by an independent validator:
//! `kubernetes-validate --strict -k 1.33.0` from PyPI, installed into
//! `.venv` by scripts/install-python-tools. Fails, never skips, when the tool
//! is missing.
//!
//! The ServiceMonitor is a prometheus-operator CRD for which the Kubernetes
//! schemas have no entry; the test requires it to be the only object the
//! validator has no schema for (checked separately in `service_monitor_fields`).

mod common;

#[path = "common/generate.rs"]
mod generate;

use scaleplan_diag::SourceFile;
use scaleplan_profile::check_source;
use scaleplan_render::writer::{apply, plan_output};
use scaleplan_render::{Artifact, ArtifactKind, render_profiles};
use std::path::Path;
use std::process::Command;

/// Writes the artifacts, runs the validator on every manifest, and checks
/// that each object passed.
fn validate_strictly(artifacts: &[Artifact]) {
    let tool = common::tool("kubernetes-validate", "scripts/install-python-tools");
    let dir = tempfile::tempdir().unwrap();
    apply(dir.path(), &plan_output(dir.path(), artifacts).unwrap()).unwrap();
    let manifests: Vec<&Artifact> = artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Manifest)
        .collect();
    let objects: usize = manifests
        .iter()
        .map(|a| a.contents.matches("\napiVersion: ").count())
        .sum();
    let crds: usize = manifests
        .iter()
        .map(|a| {
            a.contents
                .matches("\napiVersion: monitoring.coreos.com/v1\n")
                .count()
        })
        .sum();
    // One process for all files: the tool loads its schemas once.
    let files: Vec<_> = manifests.iter().map(|a| dir.path().join(&a.path)).collect();
    let output = Command::new(&tool)
        .args(["--strict", "--kubernetes-version", "1.33.0"])
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", tool.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = format!("{stdout}{stderr}");
    assert!(
        output.status.success(),
        "kubernetes-validate failed:\n{report}"
    );
    let passed = report
        .lines()
        .filter(|l| l.starts_with("INFO") && l.contains(" passed for resource "))
        .count();
    let no_schema: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("Couldn't find schema"))
        .collect();
    assert!(
        no_schema
            .iter()
            .all(|l| l.contains("kind ServiceMonitor with api version monitoring.coreos.com/v1")),
        "only the ServiceMonitor CRD may lack a schema:\n{report}"
    );
    assert_eq!(no_schema.len(), crds, "{report}");
    assert_eq!(
        passed + crds,
        objects,
        "every object must be validated:\n{report}"
    );
    assert!(!report.contains("ERROR"), "{report}");
}

#[test]
fn every_object_of_the_examples_is_valid_for_kubernetes_1_33() {
    validate_strictly(&render_profiles(&common::all_examples()));
}

#[test]
fn every_object_of_generated_profiles_is_valid_for_kubernetes_1_33() {
    let mut profiles = Vec::new();
    for i in 0..30u64 {
        let yaml = generate::profile_yaml(
            &format!("gen{i}"),
            &format!("ns{}", i % 3),
            &generate::choice(i),
        );
        let (p, diags) = check_source(&SourceFile::new(format!("gen{i}.yaml"), yaml));
        if !diags
            .iter()
            .any(|d| d.severity == scaleplan_diag::Severity::Error)
        {
            profiles.extend(p);
        }
    }
    assert!(
        profiles.len() >= 20,
        "too few generated profiles validate: {}",
        profiles.len()
    );
    validate_strictly(&render_profiles(&profiles));
}

/// The ServiceMonitor holds only fields of prometheus-operator's
/// `monitoring.coreos.com/v1` ServiceMonitorSpec, with values of the CRD's types.
#[test]
fn service_monitor_fields() {
    let artifacts = render_profiles(&common::all_examples());
    let sm = artifacts
        .iter()
        .find(|a| a.path.ends_with("/servicemonitor.yaml"))
        .expect("the queue example on kube-prometheus-stack renders a ServiceMonitor");
    let v: serde_json::Value = serde_saphyr::from_str(&sm.contents).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["apiVersion", "kind", "metadata", "spec"]);
    assert_eq!(keys(&v["spec"]), ["endpoints", "selector"]);
    assert_eq!(keys(&v["spec"]["selector"]), ["matchLabels"]);
    for e in v["spec"]["endpoints"].as_array().unwrap() {
        assert_eq!(keys(e), ["interval", "path", "port"]);
        // monitoringv1.Duration: ^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$
        let interval = e["interval"].as_str().unwrap();
        assert!(
            interval
                .strip_suffix('s')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
            "{interval}"
        );
        assert!(e["path"].as_str().unwrap().starts_with('/'));
    }
    let _ = Path::new(&sm.path);
}
