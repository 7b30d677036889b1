//! `validate` and `schema` as the binary runs them: output and exit codes.

use clap::Parser;
use scaleplan_diag::Exit;
use scaleplan_diag::render::Color;
use scaleplan_profile::cli::{ValidateArgs, validate_to};

#[derive(Parser)]
struct Cmd {
    #[command(flatten)]
    args: ValidateArgs,
}

fn run(argv: &[&str]) -> (Exit, String) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    std::env::set_current_dir(root).unwrap();
    let cmd = Cmd::try_parse_from(std::iter::once("validate").chain(argv.iter().copied())).unwrap();
    let mut out = Vec::new();
    let exit = validate_to(&cmd.args, Color::Never, &mut out);
    (exit, String::from_utf8(out).unwrap())
}

#[test]
fn exit_codes_and_formats() {
    let (exit, out) = run(&[]);
    assert_eq!(exit, Exit::Ok, "{out}");
    assert_eq!(out, "4 profiles in 4 files: valid\n");

    let (exit, out) = run(&[
        "tests/fixtures/profiles/invalid/min-above-max.yaml",
        "tests/fixtures/profiles/invalid/wrong-type.yaml",
    ]);
    assert_eq!(exit, Exit::Failure);
    assert!(
        out.contains("error[P0201]") && out.contains("error[P0102]"),
        "{out}"
    );
    assert!(out.ends_with("2 errors in 2 files\n"), "{out}");

    let (exit, out) = run(&[
        "--format",
        "json",
        "tests/fixtures/profiles/invalid/inline-credentials.yaml",
    ]);
    assert_eq!(exit, Exit::Failure);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["diagnostics"][0]["rule"], "P0603");
    assert_eq!(v["diagnostics"][0]["location"]["line"], 17);
    assert_eq!(v["diagnostics"][0]["field"], "spec.queue.broker.url");

    let (exit, out) = run(&["tests/fixtures/profiles/invalid/tolerance-gate.yaml"]);
    assert_eq!(exit, Exit::Ok, "warnings do not fail validation");
    assert!(
        out.contains("warning[P0407]") && out.ends_with(": valid (1 warning)\n"),
        "{out}"
    );

    let (exit, _) = run(&["does/not/exist.yaml"]);
    assert_eq!(exit, Exit::Usage);
}
