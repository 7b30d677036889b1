//! Command-line arguments and entry point of `render`.

use crate::render::render_profiles_with;
use crate::text::{TemplateError, Templates};
use crate::writer::{Change, WriteError, apply, plan_output};
use scaleplan_diag::Exit;
use scaleplan_diag::render::{Color, human};
use scaleplan_profile::load_paths;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Render profiles to manifests: HPAs, the queue pipeline (celery-exporter,
/// ServiceMonitor, prometheus-adapter values) and scheduled-scaling CronJobs,
/// plus a kustomization, a README and operational scripts.
///
/// Output layout: OUT/<namespace>/<profile>/<kind>.yaml,
/// OUT/<namespace>/<profile>/prometheus-adapter-values.yaml,
/// OUT/<namespace>/scripts/*.sh, OUT/kustomization.yaml, OUT/README.md.
/// Every file starts with a header naming its source profile. Files of an
/// earlier render that are no longer produced are removed; a file without
/// that header is never overwritten or removed.
#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// Profile files or directories (searched recursively for .yaml/.yml).
    #[arg(value_name = "PATHS", default_value = "profiles")]
    pub paths: Vec<PathBuf>,
    /// Output directory.
    #[arg(short = 'o', long = "out", value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Write nothing; print a unified diff of what would change and exit 1
    /// when the output directory is stale.
    #[arg(long)]
    pub check: bool,
    /// Directory of minijinja templates overriding the built-in ones by file
    /// name (README.md.j2, generate-load.sh.j2, monitor-scaling.sh.j2,
    /// queue-status.sh.j2).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

fn color() -> Color {
    if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        Color::Always
    } else {
        Color::Never
    }
}

pub fn render(args: &RenderArgs) -> Exit {
    let outcome = load_paths(&args.paths);
    if !outcome.diagnostics.is_empty() {
        eprint!("{}", human(&outcome.diagnostics, &outcome.sources, color()));
    }
    if outcome.has_errors() {
        let errors = outcome
            .diagnostics
            .iter()
            .filter(|d| d.severity == scaleplan_diag::Severity::Error)
            .count();
        eprintln!("scaleplan render: {errors} error(s); nothing written");
        return if outcome.io_error {
            Exit::Usage
        } else {
            Exit::Failure
        };
    }
    if outcome.profiles.is_empty() {
        eprintln!(
            "scaleplan render: no profiles found in {}; nothing written",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return Exit::Failure;
    }
    let templates = match &args.templates {
        Some(dir) => Templates::from_dir(dir),
        None => Ok(Templates::builtin()),
    };
    let artifacts = match templates.and_then(|t| render_profiles_with(&outcome.profiles, &t)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("scaleplan render: template error: {e}");
            return match e {
                TemplateError::Io(_) => Exit::Usage,
                TemplateError::Template(_) => Exit::Failure,
            };
        }
    };
    let plan = match plan_output(&args.out, &artifacts) {
        Ok(p) => p,
        Err(e) => return write_error(&e),
    };
    let out = args.out.display();
    if args.check {
        if plan.is_current() {
            eprintln!(
                "scaleplan render --check: {out} is up to date ({} files)",
                plan.unchanged
            );
            return Exit::Ok;
        }
        print!("{}", plan.diff(&args.out));
        eprintln!(
            "scaleplan render --check: {out} is stale: {} to create, {} to update, {} to remove; run `scaleplan render` to update it",
            plan.count(&Change::Create),
            plan.count(&Change::Update),
            plan.count(&Change::Remove)
        );
        return Exit::Failure;
    }
    if let Err(e) = apply(&args.out, &plan) {
        return write_error(&e);
    }
    eprintln!(
        "scaleplan render: {} profile(s) -> {out}: {} created, {} updated, {} removed, {} unchanged",
        outcome.profiles.len(),
        plan.count(&Change::Create),
        plan.count(&Change::Update),
        plan.count(&Change::Remove),
        plan.unchanged
    );
    Exit::Ok
}

fn write_error(e: &WriteError) -> Exit {
    eprintln!("scaleplan render: {e}");
    Exit::Usage
}
