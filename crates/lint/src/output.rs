//! Rendering a lint result in the chosen format, and its exit code.

use crate::engine::{LintResult, load};
use crate::input::Input;
use crate::registry;
use scaleplan_diag::render::{self, Color, RuleInfo, Sources, ToolInfo};
use scaleplan_diag::{Exit, Severity};

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

/// Renders the diagnostics of a run.
pub fn render(result: &LintResult, inputs: &[Input], format: Format, color: Color) -> String {
    let diags = &result.diagnostics;
    match format {
        Format::Json => render::json(diags),
        Format::Github => render::github(diags),
        Format::Sarif => render::sarif(
            diags,
            &rule_infos(),
            &ToolInfo {
                name: "scaleplan".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                information_uri: None,
            },
        ),
        Format::Human => {
            // Only the files that have findings are read again for snippets.
            let mut sources = Sources::default();
            for input in inputs {
                let name = input.name();
                let wanted = diags
                    .iter()
                    .any(|d| d.location.as_ref().is_some_and(|l| l.file == name));
                if wanted && let Ok(src) = load(input) {
                    sources.insert(src);
                }
            }
            render::human(diags, &sources, color)
        }
    }
}

/// One line for people: counts by severity, files and documents.
pub fn summary_line(result: &LintResult) -> String {
    let count = |s| {
        result
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let docs: usize = result.files.iter().map(|f| f.documents).sum();
    let mut line = format!(
        "{} error(s), {} warning(s), {} info in {} file(s), {} document(s)",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        result.files.len(),
        docs
    );
    if result.suppressed > 0 {
        line.push_str(&format!(
            "; {} suppressed by scaleplan.dev/ignore",
            result.suppressed
        ));
    }
    line
}

/// 2 if an input could not be read, 1 if a finding is at or above
/// `fail_on` (`None`: never), else 0.
pub fn exit_code(result: &LintResult, fail_on: Option<Severity>) -> Exit {
    if result.diagnostics.iter().any(|d| d.rule == "IO") {
        return Exit::Usage;
    }
    match fail_on {
        Some(level) if result.diagnostics.iter().any(|d| d.severity >= level) => Exit::Failure,
        _ => Exit::Ok,
    }
}
