//! `scaleplan lint` streams its report (findings merged from the spill and
//! written as they come, sources read one file at a time): what the binary
//! prints, in every format, must be what the library renders from the
//! in-memory result of the same run, and its exit code the one the result
//! calls for.

use assert_cmd::Command;
use scaleplan_diag::render::Color;
use scaleplan_diag::{Exit, Severity};
use scaleplan_lint::config::Config;
use scaleplan_lint::output::{Format, exit_code, render};
use scaleplan_lint::{LintOptions, input, lint};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/lint"))
}

#[test]
fn the_streamed_report_is_the_in_memory_one() {
    let paths = vec![fixtures()];
    let (inputs, errors) = input::collect(&paths, &Config::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(inputs.len() > 50, "the fixtures are many files");
    let result = lint(&inputs, &LintOptions::default());
    assert!(result.diagnostics.len() > 100);
    let expected_exit = exit_code(&result, Some(Severity::Error));
    assert_eq!(expected_exit, Exit::Failure);
    for (name, format) in [
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("github", Format::Github),
        ("human", Format::Human),
    ] {
        let want = render(&result, &inputs, format, Color::Never);
        let out = Command::cargo_bin("scaleplan")
            .unwrap()
            .args(["lint", "--no-config", "--format", name])
            .arg(fixtures())
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let got = String::from_utf8(out.stdout).unwrap();
        assert!(got == want, "--format {name}: the CLI's report differs");
        assert_eq!(out.status.code(), Some(expected_exit as i32), "{name}");
    }
}
