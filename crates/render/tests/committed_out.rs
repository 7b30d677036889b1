//! The committed `out/` is exactly what `scaleplan render` makes of
//! `profiles/` (the same check as `scaleplan render --check`).

mod common;

use scaleplan_profile::load_paths;
use scaleplan_render::render_profiles;
use scaleplan_render::writer::plan_output;

#[test]
fn committed_out_is_what_the_profiles_render() {
    let root = common::repo_root();
    let outcome = load_paths(&[root.join("profiles")]);
    assert!(
        !outcome.has_errors(),
        "`scaleplan render` fails on profiles/:\n{}",
        scaleplan_diag::render::human(
            &outcome.diagnostics,
            &outcome.sources,
            scaleplan_diag::render::Color::Never
        )
    );
    let prefix = format!("{}/", root.display());
    let profiles: Vec<_> = outcome
        .profiles
        .into_iter()
        .map(|mut p| {
            p.file = p.file.trim_start_matches(&prefix).to_string();
            p
        })
        .collect();
    let plan = plan_output(&root.join("out"), &render_profiles(&profiles)).unwrap();
    assert!(
        plan.is_current(),
        "out/ is stale; run `scaleplan render` at the repository root:\n{}",
        plan.diff(std::path::Path::new("out"))
    );
}
