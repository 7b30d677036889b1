//! The rendered operational scripts are shellcheck-clean (every severity).
//! shellcheck is installed by scripts/install-test-deps; the test fails,
//! never skips, when it is missing.

mod common;

#[path = "common/generate.rs"]
mod generate;

use scaleplan_diag::SourceFile;
use scaleplan_profile::check_source;
use scaleplan_render::writer::{apply, plan_output};
use scaleplan_render::{Artifact, ArtifactKind, render_profiles};
use std::process::Command;

fn shellcheck(artifacts: &[Artifact]) -> usize {
    let tool = common::tool(
        "shellcheck",
        "scripts/install-test-deps (apt-get install shellcheck)",
    );
    let dir = tempfile::tempdir().unwrap();
    apply(dir.path(), &plan_output(dir.path(), artifacts).unwrap()).unwrap();
    let scripts: Vec<_> = artifacts
        .iter()
        .filter(|a| a.kind == ArtifactKind::Script)
        .map(|a| dir.path().join(&a.path))
        .collect();
    let out = Command::new(&tool)
        .args(["--severity=style", "--shell=bash"])
        .args(&scripts)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "shellcheck found problems:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // bash -n as well: shellcheck does not reject every syntax error.
    for s in &scripts {
        let st = Command::new("bash").arg("-n").arg(s).status().unwrap();
        assert!(st.success(), "bash -n {}", s.display());
    }
    scripts.len()
}

#[test]
fn example_scripts_are_shellcheck_clean() {
    assert_eq!(shellcheck(&render_profiles(&common::all_examples())), 3);
}

#[test]
fn scripts_of_generated_profiles_are_shellcheck_clean() {
    let mut profiles = Vec::new();
    for i in 0..40u64 {
        let yaml = generate::profile_yaml(
            &format!("gen{i}"),
            &format!("ns{}", i % 4),
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
    assert!(shellcheck(&render_profiles(&profiles)) >= 8);
}
