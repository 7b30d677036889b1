//! Command-line arguments and entry points of `lint`, `rules` and `explain`.
use scaleplan_diag::Exit;

/// Lint existing YAML for autoscaling mistakes.
#[derive(clap::Args, Debug)]
pub struct LintArgs {}
/// List every lint rule.
#[derive(clap::Args, Debug)]
pub struct RulesArgs {}
/// Print the documentation of one rule.
#[derive(clap::Args, Debug)]
pub struct ExplainArgs {}

pub fn lint(_args: &LintArgs) -> Exit {
    eprintln!("scaleplan lint: not built yet");
    Exit::Usage
}
pub fn rules(_args: &RulesArgs) -> Exit {
    eprintln!("scaleplan rules: not built yet");
    Exit::Usage
}
pub fn explain(_args: &ExplainArgs) -> Exit {
    eprintln!("scaleplan explain: not built yet");
    Exit::Usage
}
