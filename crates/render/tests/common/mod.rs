//! Helpers shared by the render tests: the repository's example profiles,
//! loaded the way `scaleplan render` loads them from the repository root.
#![allow(dead_code)]

use scaleplan_profile::{LoadedProfile, load_paths};
use scaleplan_render::Artifact;
use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The example profile files: `profiles/*.yaml` (not subdirectories).
pub fn example_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo_root().join("profiles"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 4,
        "expected the four example profiles, found {names:?}"
    );
    names
}

/// Loads profile files (names relative to `profiles/`), panicking with the
/// rendered diagnostics if any is invalid. File names are shown as
/// `profiles/<name>`, as when `scaleplan render` runs at the repository root.
pub fn load(names: &[String]) -> Vec<LoadedProfile> {
    let root = repo_root();
    let paths: Vec<PathBuf> = names
        .iter()
        .map(|n| root.join("profiles").join(n))
        .collect();
    let outcome = load_paths(&paths);
    assert!(
        !outcome.has_errors(),
        "example profiles must validate:\n{}",
        scaleplan_diag::render::human(
            &outcome.diagnostics,
            &outcome.sources,
            scaleplan_diag::render::Color::Never
        )
    );
    let prefix = format!("{}/", root.display());
    outcome
        .profiles
        .into_iter()
        .map(|mut p| {
            p.file = p.file.trim_start_matches(&prefix).to_string();
            p
        })
        .collect()
}

pub fn all_examples() -> Vec<LoadedProfile> {
    load(&example_files())
}

/// Every artifact as one text: `==> path` then the file.
pub fn listing(artifacts: &[Artifact]) -> String {
    let mut s = String::new();
    for a in artifacts {
        s.push_str(&format!("==> {} ({:?})\n{}", a.path, a.kind, a.contents));
    }
    s
}

/// Finds a program on PATH or in the project's virtualenv; panics with how
/// to install it otherwise (these tests fail, never skip, when a tool is missing).
pub fn tool(name: &str, install: &str) -> PathBuf {
    let venv = repo_root().join(".venv/bin").join(name);
    if venv.is_file() {
        return venv;
    }
    if let Some(paths) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&paths) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!("`{name}` is not installed (not on PATH, not in .venv/bin); run {install}");
}
