//! Rendering a lint result in the chosen format, and its exit code.

use crate::engine::{LintResult, LintSummary, load};
use crate::input::Input;
use crate::registry;
use scaleplan_diag::render::{self, Color, Counts, RuleInfo, ToolInfo};
use scaleplan_diag::{Diagnostic, Exit, Severity};
use std::collections::HashMap;
use std::io::Write;

/// Output formats of `scaleplan lint --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `file:line:col`, the source line with a caret, the field and a hint.
    Human,
    /// A stable JSON document (`version`, `diagnostics`, `summary`).
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

/// The SARIF description of every rule.
pub fn rule_infos() -> Vec<RuleInfo> {
    registry::all()
        .map(|e| RuleInfo {
            id: e.rule.id.to_owned(),
            name: e.rule.name.to_owned(),
            summary: e.rule.summary.to_owned(),
            help: e.docs(),
            default_severity: e.rule.severity,
            help_uri: None,
        })
        .collect()
}

/// Renders the diagnostics of a run (in memory; the CLI streams with [`write()`]).
pub fn render(result: &LintResult, inputs: &[Input], format: Format, color: Color) -> String {
    let mut out = Vec::new();
    write(
        &mut out,
        result.diagnostics.iter().cloned(),
        inputs,
        format,
        color,
    )
    .expect("writing to memory does not fail");
    String::from_utf8(out).expect("the formats write UTF-8")
}

/// Writes diagnostics (in output order) as they come; returns how many of
/// each severity were written. The human format reads each file again for
/// its snippets, one file at a time.
pub fn write<W: Write>(
    out: &mut W,
    diags: impl Iterator<Item = Diagnostic>,
    inputs: &[Input],
    format: Format,
    color: Color,
) -> std::io::Result<Counts> {
    match format {
        Format::Json => render::write_json(out, diags),
        Format::Github => render::write_github(out, diags),
        Format::Sarif => render::write_sarif(
            out,
            diags,
            &rule_infos(),
            &ToolInfo {
                name: "scaleplan".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                information_uri: None,
            },
        ),
        Format::Human => {
            let by_name: HashMap<String, &Input> = inputs.iter().map(|i| (i.name(), i)).collect();
            let load = |name: &str| by_name.get(name).and_then(|i| load(i).ok());
            render::write_human(out, diags, load, color)
        }
    }
}

/// One line for people: counts by severity, files and documents.
pub fn summary_line(summary: &LintSummary, counts: &Counts) -> String {
    let mut line = format!(
        "{} error(s), {} warning(s), {} info in {} file(s), {} document(s)",
        counts.errors, counts.warnings, counts.infos, summary.files, summary.documents
    );
    if summary.suppressed > 0 {
        line.push_str(&format!(
            "; {} suppressed by scaleplan.dev/ignore",
            summary.suppressed
        ));
    }
    line
}

/// 2 if an input could not be read, 1 if a finding is at or above
/// `fail_on` (`None`: never), else 0.
pub fn exit_code(result: &LintResult, fail_on: Option<Severity>) -> Exit {
    let io_error = result.diagnostics.iter().any(|d| d.rule == "IO");
    let worst = result.diagnostics.iter().map(|d| d.severity).max();
    exit_for(io_error, worst, fail_on)
}

/// [`exit_code`] from what a streamed run saw: an `IO` finding, and the
/// worst severity written.
pub fn exit_for(io_error: bool, worst: Option<Severity>, fail_on: Option<Severity>) -> Exit {
    if io_error {
        return Exit::Usage;
    }
    match (fail_on, worst) {
        (Some(level), Some(worst)) if worst >= level => Exit::Failure,
        _ => Exit::Ok,
    }
}
