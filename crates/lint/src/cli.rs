//! Command-line arguments and entry points of `lint`, `rules` and `explain`.

use crate::config::Config;
use crate::engine::{LintOptions, RuleSet, lint_streaming, temp_file_error};
use crate::input;
use crate::output::{self, Format};
use crate::registry;
use crate::version::KubeVersion;
use scaleplan_diag::render::Color;
use scaleplan_diag::{Exit, Severity};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// When `--fail-on` fails the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Always exit 0 on findings (I/O errors still exit 2).
    Never,
}

impl FailOn {
    fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// When to colour human output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    Always,
    Never,
}

/// Lint existing YAML for autoscaling mistakes.
///
/// Reads Kubernetes manifests (HPAs, Deployments, StatefulSets, PDBs,
/// CronJobs, Services, VPAs, KEDA objects, ServiceMonitors), prometheus-adapter
/// values and ConfigMaps, and scaleplan profiles; reports every finding at
/// file:line:col with a rule ID (`scaleplan rules` lists them, `scaleplan
/// explain ID` documents one). Silence a rule on one object with the
/// annotation `scaleplan.dev/ignore: "ID[,ID] -- reason"`, or for a
/// repository in `.scaleplan.yaml` (`lint.rules`, `lint.exclude`).
#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Files and directories to lint (directories are walked for .yaml/.yml,
    /// honouring .gitignore); `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Exit 1 when a finding is at or above this severity [default: error, or lint.fail-on in the config].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Kubernetes version to check against (deprecated/removed APIs);
    /// schemas are those of 1.33 whatever this says [default: 1.33, or
    /// lint.kubernetes-version in the config].
    #[arg(long, value_name = "MAJOR.MINOR")]
    pub kubernetes_version: Option<KubeVersion>,
    /// Config file [default: .scaleplan.yaml found upwards from the first input].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any .scaleplan.yaml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Worker threads (files are spread across them) [default: one per core].
    #[arg(long, short = 'j', default_value_t = 0, hide_default_value = true)]
    pub jobs: usize,
    /// Colour for the human format.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// List every lint rule: ID, name, default severity and summary.
#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// Print JSON (id, name, severity, enabled, summary) instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Print the documentation of one rule.
#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// Rule ID, e.g. HPA001 (case-insensitive).
    pub rule: String,
}

fn load_config(args: &LintArgs) -> Result<Config, Vec<String>> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => {
            let start = args
                .paths
                .iter()
                .find(|p| p.as_os_str() != "-")
                .cloned()
                .unwrap_or_else(|| PathBuf::from("."));
            Config::discover(&start)
        }
    };
    match path {
        Some(p) => Config::load(&p),
        None => Ok(Config::default()),
    }
}

pub fn lint(args: &LintArgs) -> Exit {
    let config = match load_config(args) {
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return Exit::Usage;
        }
    };
    let (inputs, errors) = input::collect(&args.paths, &config);
    if !errors.is_empty() {
        for e in errors {
            eprintln!("error: {e}");
        }
        return Exit::Usage;
    }
    let options = LintOptions {
        kubernetes_version: args
            .kubernetes_version
            .or(config.kubernetes_version)
            .unwrap_or_default(),
        rules: RuleSet::from_config(&config),
        jobs: args.jobs,
        ..LintOptions::default()
    };
    let (summary, diagnostics) = lint_streaming(&inputs, &options, &mut |_| {});
    let color = match args.color {
        ColorChoice::Always => Color::Always,
        ColorChoice::Never => Color::Never,
        ColorChoice::Auto => {
            if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
                Color::Always
            } else {
                Color::Never
            }
        }
    };
    // Written as they come out of the merge: the report of a large input
    // is never held whole.
    let mut io_error = false;
    let mut worst = None;
    let diags = diagnostics.map(|d| {
        let d = d.unwrap_or_else(|e| temp_file_error(&e));
        io_error |= d.rule == "IO";
        worst = worst.max(Some(d.severity));
        d
    });
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let counts = match output::write(&mut stdout, diags, &inputs, args.format, color)
        .and_then(|counts| stdout.flush().map(|()| counts))
    {
        Ok(counts) => counts,
        Err(_) => return Exit::Usage,
    };
    if args.format == Format::Human {
        eprintln!("{}", output::summary_line(&summary, &counts));
    }
    let fail_on = match args.fail_on {
        Some(f) => f.severity(),
        None => Some(config.fail_on.unwrap_or(Severity::Error)),
    };
    output::exit_for(io_error, worst, fail_on)
}

pub fn rules(args: &RulesArgs) -> Exit {
    if args.json {
        let list: Vec<_> = registry::all()
            .map(|e| {
                serde_json::json!({
                    "id": e.rule.id,
                    "name": e.rule.name,
                    "severity": e.rule.severity,
                    "enabled": e.rule.enabled,
                    "summary": e.rule.summary,
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&list).expect("serializes")
        );
        return Exit::Ok;
    }
    println!("{:<11} {:<34} {:<9} SUMMARY", "ID", "NAME", "SEVERITY");
    for e in registry::all() {
        let severity = if e.rule.enabled {
            e.rule.severity.to_string()
        } else {
            format!("({})", e.rule.severity)
        };
        println!(
            "{:<11} {:<34} {:<9} {}",
            e.rule.id, e.rule.name, severity, e.rule.summary
        );
    }
    println!(
        "\n(severity) in parentheses: off unless enabled in .scaleplan.yaml (lint.rules.ID: on)"
    );
    Exit::Ok
}

pub fn explain(args: &ExplainArgs) -> Exit {
    let Some(e) = registry::find(&args.rule) else {
        eprintln!(
            "error: no rule has the ID {:?}; `scaleplan rules` lists them",
            args.rule
        );
        return Exit::Usage;
    };
    let r = e.rule;
    println!("{} ({}): {}", r.id, r.name, r.summary);
    println!(
        "Default severity: {}{}\n",
        r.severity,
        if r.enabled { "" } else { " (off by default)" }
    );
    print!("{}", e.docs());
    Exit::Ok
}
