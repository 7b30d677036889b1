//! Command-line arguments and entry points of `validate` and `schema`.

use crate::load::load_paths;
use scaleplan_diag::render::{self, Color};
use scaleplan_diag::{Exit, Severity};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Output format of `validate`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `file:line:col`, the source line with a caret under the field, and a hint.
    Human,
    /// `{"version":1,"diagnostics":[...],"summary":{...}}` for tools.
    Json,
}

/// When to colour human output.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    Auto,
    Always,
    Never,
}

/// Validate profiles without rendering anything.
///
/// Checks every `.yaml`/`.yml` file under PATHS (directories recursively):
/// YAML syntax, the strict profile schema (unknown fields, types, required
/// fields), the API server's HPA rules, Kubernetes names, queue and schedule
/// settings, and conflicts between profiles. Every problem of the run is
/// reported, each with a check ID (see `docs/profiles.md`), file:line:col,
/// the field path, what was expected and a hint.
#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    /// Profile files or directories.
    #[arg(value_name = "PATHS", default_value = "profiles")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Colour the human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Print the JSON Schema of a scaling profile.
///
/// The same schema is committed as `schema/scaleplan-profile.schema.json`
/// for editors (`# yaml-language-server: $schema=...`). It is strict:
/// unknown fields are errors.
#[derive(clap::Args, Debug)]
pub struct SchemaArgs {}

fn color(choice: ColorChoice) -> Color {
    match choice {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            if !no_color && std::io::stdout().is_terminal() {
                Color::Always
            } else {
                Color::Never
            }
        }
    }
}

/// `scaleplan validate`: exit 0 when every profile is valid, 1 when any has
/// an error, 2 when a path cannot be read.
pub fn validate(args: &ValidateArgs) -> Exit {
    validate_to(args, color(args.color), &mut std::io::stdout().lock())
}

/// `validate` writing to `out` with a decided colour (for tests).
pub fn validate_to(args: &ValidateArgs, color: Color, out: &mut dyn Write) -> Exit {
    let outcome = load_paths(&args.paths);
    let errors = outcome
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let text = match args.format {
        Format::Json => render::json(&outcome.diagnostics),
        Format::Human => {
            let mut t = render::human(&outcome.diagnostics, &outcome.sources, color);
            // Files that held a profile or a problem; walked directories may
            // also hold Kubernetes manifests, which are skipped.
            let files = outcome
                .profiles
                .iter()
                .map(|p| p.file.as_str())
                .chain(
                    outcome
                        .diagnostics
                        .iter()
                        .filter_map(|d| d.location.as_ref().map(|l| l.file.as_str())),
                )
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            let profiles = outcome.profiles.len();
            let warnings = outcome
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            if errors == 0 && !outcome.io_error {
                let note = match warnings {
                    0 => String::new(),
                    n => format!(" ({n} warning{})", plural(n)),
                };
                t.push_str(&format!(
                    "{profiles} profile{} in {files} file{}: valid{note}\n",
                    plural(profiles),
                    plural(files)
                ));
            } else {
                t.push_str(&format!(
                    "{errors} error{} in {files} file{}\n",
                    plural(errors),
                    plural(files)
                ));
            }
            t
        }
    };
    if out.write_all(text.as_bytes()).is_err() {
        return Exit::Usage;
    }
    if outcome.io_error {
        Exit::Usage
    } else if errors > 0 {
        Exit::Failure
    } else {
        Exit::Ok
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `scaleplan schema`: prints the strict JSON Schema.
pub fn schema(_args: &SchemaArgs) -> Exit {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(crate::schema::profile_schema_text().as_bytes()) {
        Ok(()) => Exit::Ok,
        Err(_) => Exit::Usage,
    }
}
