//! The README is the user's first contact: its fresh-machine commands and its
//! command table are checked against the repository and the CLI definition, so
//! they cannot silently go stale.

use clap::CommandFactory;
use scaleplan::cli::Cli;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

#[test]
fn fresh_machine_commands_exist() {
    let readme = readme();
    assert!(
        readme.contains("cargo run --release -- render\n"),
        "main job command missing"
    );
    assert!(readme.contains("\nscripts/test\n"), "test command missing");
    let root = env!("CARGO_MANIFEST_DIR");
    let ci = std::fs::read_to_string(format!("{root}/.ci/run")).expect(".ci/run");
    assert!(
        ci.contains("scripts/test"),
        ".ci/run must call the README's test command"
    );
    assert!(std::path::Path::new(&format!("{root}/scripts/test")).exists());
    // `render` with no arguments reads `profiles` and writes `out`: both are in the repo.
    assert!(std::path::Path::new(&format!("{root}/profiles")).is_dir());
}

#[test]
fn command_table_lists_every_subcommand() {
    let readme = readme();
    let cli = Cli::command();
    let listed: Vec<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `scaleplan "))
        .map(|rest| rest.split([' ', '`']).next().unwrap_or("").to_string())
        .collect();
    let mut actual: Vec<String> = cli
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    actual.sort();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort();
    listed_sorted.dedup();
    assert_eq!(
        listed_sorted, actual,
        "README command table vs clap subcommands"
    );
}

#[test]
fn every_flag_in_the_command_table_exists() {
    let readme = readme();
    let cli = Cli::command();
    for line in readme.lines().filter(|l| l.starts_with("| `scaleplan ")) {
        let usage = line.split('`').nth(1).unwrap_or("");
        let name = usage.split_whitespace().nth(1).unwrap_or("");
        let sub = cli
            .find_subcommand(name)
            .unwrap_or_else(|| panic!("no subcommand {name}"));
        for flag in usage
            .split(|c: char| c.is_whitespace() || c == '[' || c == ']')
            .filter(|w| w.starts_with("--"))
        {
            let long = flag.trim_start_matches("--");
            assert!(
                sub.get_arguments().any(|a| a.get_long() == Some(long)),
                "README lists {flag} for `scaleplan {name}`, which has no such flag"
            );
        }
    }
}
