//! The command line: the single place where commands are listed. Each
//! command's flags live with the crate that implements it.

use clap::{Parser, Subcommand};
use scaleplan_diag::Exit;

const EXIT_CODES: &str = "\
Exit codes:
  0  success: input valid, output current, no findings at or above --fail-on
  1  invalid input, stale output (render --check), or findings at or above --fail-on
  2  usage error or I/O error";

/// Kubernetes autoscaling as code: render HPAs and their metrics pipeline from
/// typed profiles, lint existing autoscaling YAML, simulate the HPA controller.
#[derive(Parser, Debug)]
#[command(name = "scaleplan", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render profiles to Kubernetes manifests, adapter values and scripts.
    #[command(after_help = EXIT_CODES)]
    Render(scaleplan_render::cli::RenderArgs),
    /// Validate profiles without writing anything.
    #[command(after_help = EXIT_CODES)]
    Validate(scaleplan_profile::cli::ValidateArgs),
    /// Print the JSON Schema of a scaling profile.
    Schema(scaleplan_profile::cli::SchemaArgs),
    /// Find autoscaling mistakes in existing YAML.
    #[command(after_help = EXIT_CODES)]
    Lint(scaleplan_lint::cli::LintArgs),
    /// List every lint rule.
    Rules(scaleplan_lint::cli::RulesArgs),
    /// Print the documentation of a lint rule.
    Explain(scaleplan_lint::cli::ExplainArgs),
    /// Replay a load trace through the Kubernetes HPA algorithm.
    #[command(after_help = EXIT_CODES)]
    Simulate(scaleplan_simulate::cli::SimulateArgs),
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> Exit {
    match &cli.command {
        Command::Render(a) => scaleplan_render::cli::render(a),
        Command::Validate(a) => scaleplan_profile::cli::validate(a),
        Command::Schema(a) => scaleplan_profile::cli::schema(a),
        Command::Lint(a) => scaleplan_lint::cli::lint(a),
        Command::Rules(a) => scaleplan_lint::cli::rules(a),
        Command::Explain(a) => scaleplan_lint::cli::explain(a),
        Command::Simulate(a) => scaleplan_simulate::cli::simulate(a),
    }
}
