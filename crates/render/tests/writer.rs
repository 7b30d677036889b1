//! The output writer: atomic writes, stale removal, foreign files left
//! alone, `--check` diff and exit code.

mod common;

use scaleplan_diag::Exit;
use scaleplan_render::cli::{RenderArgs, render};
use scaleplan_render::writer::{Change, WriteError, apply, is_generated, plan_output};
use scaleplan_render::{Artifact, ArtifactKind, Origin, render_profiles};
use std::fs;
use std::path::Path;

fn artifact(path: &str, body: &str, kind: ArtifactKind) -> Artifact {
    let origin = Origin::profile("profiles/x.yaml", "x");
    Artifact {
        path: path.into(),
        kind,
        contents: format!("# {}\n{body}", origin.header()),
        origin,
    }
}

fn write(out: &Path, artifacts: &[Artifact]) {
    let plan = plan_output(out, artifacts).unwrap();
    apply(out, &plan).unwrap();
}

fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn writes_every_artifact_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let a = [
        artifact(
            "ns/p/horizontalpodautoscaler.yaml",
            "a: 1\n",
            ArtifactKind::Manifest,
        ),
        artifact("ns/scripts/s.sh", "echo hi\n", ArtifactKind::Script),
    ];
    write(&out, &a);
    assert_eq!(
        files(&out),
        ["ns/p/horizontalpodautoscaler.yaml", "ns/scripts/s.sh"]
    );
    assert_eq!(
        fs::read_to_string(out.join("ns/p/horizontalpodautoscaler.yaml")).unwrap(),
        a[0].contents
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &str| fs::metadata(out.join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("ns/scripts/s.sh"), 0o755);
        assert_eq!(mode("ns/p/horizontalpodautoscaler.yaml"), 0o644);
    }
    // A second run changes nothing.
    let plan = plan_output(&out, &a).unwrap();
    assert!(plan.is_current());
    assert_eq!(plan.unchanged, 2);
}

#[cfg(unix)]
#[test]
fn an_update_replaces_the_file_by_rename_so_readers_never_see_a_partial_file() {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    let old = artifact("f.yaml", "old: 1\n", ArtifactKind::Manifest);
    write(out, std::slice::from_ref(&old));
    let inode_before = fs::metadata(out.join("f.yaml")).unwrap().ino();
    // A reader that opened the old file keeps reading the old content.
    let mut reader = fs::File::open(out.join("f.yaml")).unwrap();
    let new = artifact("f.yaml", &"new: 2\n".repeat(10_000), ArtifactKind::Manifest);
    write(out, std::slice::from_ref(&new));
    let mut seen = String::new();
    reader.read_to_string(&mut seen).unwrap();
    assert_eq!(seen, old.contents);
    assert_ne!(
        fs::metadata(out.join("f.yaml")).unwrap().ino(),
        inode_before
    );
    assert_eq!(
        fs::read_to_string(out.join("f.yaml")).unwrap(),
        new.contents
    );
    assert_eq!(files(out), ["f.yaml"]);
}

#[test]
fn files_no_longer_produced_are_removed_with_their_empty_directories() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    write(
        out,
        &[
            artifact("ns/a/cronjob.yaml", "x: 1\n", ArtifactKind::Manifest),
            artifact(
                "ns/b/horizontalpodautoscaler.yaml",
                "x: 1\n",
                ArtifactKind::Manifest,
            ),
        ],
    );
    let keep = [artifact(
        "ns/b/horizontalpodautoscaler.yaml",
        "x: 1\n",
        ArtifactKind::Manifest,
    )];
    let plan = plan_output(out, &keep).unwrap();
    assert_eq!(plan.count(&Change::Remove), 1);
    apply(out, &plan).unwrap();
    assert_eq!(files(out), ["ns/b/horizontalpodautoscaler.yaml"]);
    assert!(
        !out.join("ns/a").exists(),
        "the emptied directory is removed"
    );
}

#[test]
fn a_file_without_our_header_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    fs::create_dir_all(out.join("ns/p")).unwrap();
    let mine = "apiVersion: v1\nkind: ConfigMap # hand-written\n";
    fs::write(out.join("ns/p/horizontalpodautoscaler.yaml"), mine).unwrap();
    let a = [artifact(
        "ns/p/horizontalpodautoscaler.yaml",
        "x: 1\n",
        ArtifactKind::Manifest,
    )];
    let err = plan_output(out, &a).unwrap_err();
    assert_eq!(
        err,
        WriteError::Foreign(vec![out.join("ns/p/horizontalpodautoscaler.yaml")])
    );
    let msg = err.to_string();
    assert!(msg.contains("refusing to overwrite 1 file(s)"), "{msg}");
    assert!(msg.contains("ns/p/horizontalpodautoscaler.yaml"), "{msg}");
    assert_eq!(
        fs::read_to_string(out.join("ns/p/horizontalpodautoscaler.yaml")).unwrap(),
        mine
    );
}

#[test]
fn a_file_without_our_header_is_never_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    fs::create_dir_all(out.join("ns")).unwrap();
    fs::write(out.join("ns/notes.md"), "my notes\n").unwrap();
    fs::write(out.join(".gitkeep"), "").unwrap();
    fs::write(out.join("binary.bin"), [0xff, 0xfe, 0x00]).unwrap();
    write(
        out,
        &[artifact("k.yaml", "x: 1\n", ArtifactKind::Kustomization)],
    );
    let plan = plan_output(out, &[]).unwrap();
    assert_eq!(plan.count(&Change::Remove), 1, "only k.yaml is ours");
    apply(out, &plan).unwrap();
    assert_eq!(files(out), [".gitkeep", "binary.bin", "ns/notes.md"]);
}

#[test]
fn headers_are_recognised_after_a_shebang_and_in_markdown() {
    assert!(is_generated(
        "# Generated by scaleplan from a (profile b); do not edit.\nx: 1\n"
    ));
    assert!(is_generated(
        "#!/usr/bin/env bash\n# Generated by scaleplan from a; do not edit.\n"
    ));
    assert!(is_generated(
        "<!-- Generated by scaleplan from a; do not edit. -->\n# Title\n"
    ));
    assert!(!is_generated("x: 1\n# Generated by scaleplan\n"));
    assert!(!is_generated("#!/bin/sh\necho\n# Generated by scaleplan\n"));
    assert!(!is_generated(""));
}

#[test]
fn the_diff_shows_creations_updates_and_removals() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    write(
        out,
        &[
            artifact("changed.yaml", "a: 1\nb: 2\n", ArtifactKind::Manifest),
            artifact("gone.yaml", "g: 1\n", ArtifactKind::Manifest),
        ],
    );
    let plan = plan_output(
        out,
        &[
            artifact("changed.yaml", "a: 1\nb: 3\n", ArtifactKind::Manifest),
            artifact("new.yaml", "n: 1\n", ArtifactKind::Manifest),
        ],
    )
    .unwrap();
    let diff = plan.diff(Path::new("out"));
    insta::assert_snapshot!(diff);
}

fn args(paths: Vec<std::path::PathBuf>, out: &Path, check: bool) -> RenderArgs {
    RenderArgs {
        paths,
        out: out.to_path_buf(),
        check,
        templates: None,
    }
}

#[test]
fn check_writes_nothing_and_fails_when_stale_then_passes_when_current() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let profiles = vec![common::repo_root().join("profiles/api.yaml")];
    assert_eq!(render(&args(profiles.clone(), &out, true)), Exit::Failure);
    assert!(
        !out.exists(),
        "--check must not create the output directory"
    );
    assert_eq!(render(&args(profiles.clone(), &out, false)), Exit::Ok);
    assert_eq!(render(&args(profiles.clone(), &out, true)), Exit::Ok);
    // Hand-edit a generated file (keeping the header): stale again, and
    // --check leaves the edit in place.
    let hpa = out.join("fastapi-k8-proto/fastapi/horizontalpodautoscaler.yaml");
    let edited = fs::read_to_string(&hpa)
        .unwrap()
        .replace("maxReplicas: 10", "maxReplicas: 11");
    fs::write(&hpa, &edited).unwrap();
    assert_eq!(render(&args(profiles.clone(), &out, true)), Exit::Failure);
    assert_eq!(fs::read_to_string(&hpa).unwrap(), edited);
    assert_eq!(render(&args(profiles, &out, false)), Exit::Ok);
    assert!(
        fs::read_to_string(&hpa)
            .unwrap()
            .contains("maxReplicas: 10")
    );
}

#[test]
fn a_foreign_file_in_the_way_is_an_error_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("fastapi-k8-proto/fastapi")).unwrap();
    let foreign = out.join("fastapi-k8-proto/fastapi/horizontalpodautoscaler.yaml");
    fs::write(&foreign, "kind: Mine\n").unwrap();
    let profiles = vec![common::repo_root().join("profiles/api.yaml")];
    assert_eq!(render(&args(profiles.clone(), &out, false)), Exit::Usage);
    assert_eq!(render(&args(profiles, &out, true)), Exit::Usage);
    assert_eq!(fs::read_to_string(&foreign).unwrap(), "kind: Mine\n");
}

#[test]
fn invalid_profiles_write_nothing_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    fs::write(
        &bad,
        "apiVersion: scaleplan.dev/v1alpha1\nkind: ScalingProfile\nmetadata: {name: x, namespace: y}\nspec:\n  preset: api\n  replicas: {min: 5, max: 2}\n  workload: {name: w, containers: [{name: c, resources: {requests: {cpu: 100m, memory: 1Mi}}}]}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    assert_eq!(render(&args(vec![bad], &out, false)), Exit::Failure);
    assert!(!out.exists());
    let missing = dir.path().join("missing.yaml");
    assert_eq!(render(&args(vec![missing], &out, false)), Exit::Usage);
}

#[test]
fn rendering_all_examples_into_a_fresh_directory_matches_the_artifacts() {
    let dir = tempfile::tempdir().unwrap();
    let artifacts = render_profiles(&common::all_examples());
    write(dir.path(), &artifacts);
    let mut expected: Vec<String> = artifacts.iter().map(|a| a.path.clone()).collect();
    expected.sort();
    assert_eq!(files(dir.path()), expected);
}
