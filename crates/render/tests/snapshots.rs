//! The full output of every example profile, reviewed and snapshotted.

mod common;

use scaleplan_render::render_profiles;

#[test]
fn every_example_profile_renders_as_reviewed() {
    for file in common::example_files() {
        let profiles = common::load(std::slice::from_ref(&file));
        let artifacts = render_profiles(&profiles);
        let name = format!("example_{}", file.trim_end_matches(".yaml"));
        insta::assert_snapshot!(name, common::listing(&artifacts));
    }
}

#[test]
fn all_examples_together_render_one_kustomization_and_readme() {
    let artifacts = render_profiles(&common::all_examples());
    let paths: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    insta::assert_snapshot!("all_examples_paths", paths.join("\n"));
    let readme = artifacts.iter().find(|a| a.path == "README.md").unwrap();
    insta::assert_snapshot!("all_examples_readme", readme.contents);
    let k = artifacts
        .iter()
        .find(|a| a.path == "kustomization.yaml")
        .unwrap();
    insta::assert_snapshot!("all_examples_kustomization", k.contents);
}

#[test]
fn rendering_is_deterministic() {
    let a = render_profiles(&common::all_examples());
    let b = render_profiles(&common::all_examples());
    assert_eq!(a, b);
}
