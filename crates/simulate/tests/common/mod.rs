//! Running `simulate` in-process from a command line, as the binary would.
#![allow(dead_code)]

use clap::Parser;
use scaleplan_diag::render::Color;
use scaleplan_simulate::cli::{Output, SimulateArgs, run};

#[derive(Parser)]
struct Cmd {
    #[command(flatten)]
    args: SimulateArgs,
}

/// Paths in the arguments are relative to the crate (cargo's working
/// directory for tests), so snapshots show stable names.
pub const TRACES: &str = "../../profiles/traces";
pub const FIXTURES: &str = "tests/fixtures";

pub fn args(argv: &[&str]) -> SimulateArgs {
    let mut full = vec!["simulate"];
    full.extend_from_slice(argv);
    Cmd::try_parse_from(full).expect("valid command line").args
}

pub fn ok(argv: &[&str]) -> Output {
    match run(&args(argv)) {
        Ok(out) => out,
        Err(f) => panic!("simulate failed:\n{}", f.render(Color::Never)),
    }
}

/// The rendered diagnostics and exit code of a run that must fail.
pub fn err(argv: &[&str]) -> (String, u8) {
    match run(&args(argv)) {
        Ok(out) => panic!("simulate succeeded:\n{}", out.stdout),
        Err(f) => (f.render(Color::Never), f.exit as u8),
    }
}
