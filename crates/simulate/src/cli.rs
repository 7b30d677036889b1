//! Command-line arguments and entry point of `simulate`.

use crate::engine::{self, SimConfig};
use crate::feed::{self, MetricFeed};
use crate::input::{self, LoadedHpa, PreparedHpa};
use crate::report::{Labeled, Setting};
use crate::trace::{self, Trace};
use crate::{chart, csv, table};
use scaleplan_diag::render::{Color, Sources};
use scaleplan_diag::{Diagnostic, Exit, SourceFile};
use scaleplan_hpa::controller::ControllerConfig;
use scaleplan_hpa::model::MetricSourceType;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

const TRACE_HELP: &str = "\
Trace format (CSV): a header `time,<column>,...`, then one row per instant.
`time` is in seconds; a row's values hold until the next row; `#` lines are comments.
Columns are named after the HPA's metrics, and mean:
  Resource cpu/memory, Utilization   total demand in percent of ONE pod's request,
                                     shared by the ready pods (350 = 3.5 pods' worth)
  Resource, AverageValue             total usage across pods (cores, bytes), shared
  ContainerResource (<ctr>/<res>)    as Resource, for that container
  Pods metric                        the total across pods (e.g. requests/s), shared
  Object / External metric           the value itself (e.g. the queue length)
Closed loop (--service-rate): an `arrivals` column (tasks/s) drives a queue whose
backlog feeds the queue metric; ready pods serve --service-rate tasks/s each.";

/// Replay a load trace through the Kubernetes HPA algorithm.
///
/// Every number comes from the controller's own arithmetic (scaleplan-hpa):
/// per-metric proposals, tolerance, stabilization windows, behavior policies,
/// min/max. The simulator supplies what the controller would observe: the
/// pods (starting pods are Pending, then Ready after --pod-startup) and the
/// metric values (the trace, --metric-lag seconds old).
#[derive(clap::Args, Debug)]
#[command(after_help = TRACE_HELP)]
pub struct SimulateArgs {
    /// An autoscaling/v2 HPA manifest (other kinds in the file are skipped) or a scaleplan profile.
    pub input: PathBuf,
    /// The load trace (CSV; see below for what the columns mean).
    #[arg(long, value_name = "CSV")]
    pub trace: PathBuf,
    /// Which HPA of the input to simulate, when it holds several.
    #[arg(long, value_name = "NAME")]
    pub hpa: Option<String>,
    /// A second configuration to run on the same trace, shown side by side.
    #[arg(long, value_name = "FILE")]
    pub compare: Option<PathBuf>,
    /// Which HPA of --compare to simulate, when it holds several.
    #[arg(long, value_name = "NAME")]
    pub compare_hpa: Option<String>,
    /// Seconds between controller syncs (--horizontal-pod-autoscaler-sync-period).
    #[arg(long, default_value_t = 15, value_name = "SECONDS", value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub sync_period: u32,
    /// Age of the metric values the controller reads: scrape interval plus the adapter's query window.
    #[arg(long, default_value_t = 0.0, value_name = "SECONDS")]
    pub metric_lag: f64,
    /// Seconds from a new pod's creation to Ready (scheduling, image pull, start, readiness probe).
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS")]
    pub pod_startup: f64,
    /// Replicas when the trace starts (default: minReplicas).
    #[arg(long, value_name = "N")]
    pub initial_replicas: Option<i32>,
    /// Closed loop: tasks per second one ready pod serves. The trace then needs an `arrivals` column.
    #[arg(long, value_name = "TASKS_PER_S")]
    pub service_rate: Option<f64>,
    /// Closed loop: the Object/External metric that reports the backlog (default: the HPA's only one).
    #[arg(long, value_name = "NAME")]
    pub queue_metric: Option<String>,
    /// The controller's global tolerance (--horizontal-pod-autoscaler-tolerance).
    #[arg(long, default_value_t = 0.1)]
    pub tolerance: f64,
    /// The controller's default scale-down window (--horizontal-pod-autoscaler-downscale-stabilization).
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub downscale_stabilization: i64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also draw load, backlog and replicas over time as an SVG file.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// Rule ID of invalid option values.
pub const BAD_OPTION: &str = "S0401";

/// Everything that went wrong, with the files the diagnostics point into.
/// Profiles come with the sources their loader read, so problems are kept in
/// groups, each rendered against its own sources.
pub struct Failure {
    pub groups: Vec<(Vec<Diagnostic>, Sources)>,
    pub exit: Exit,
}

impl Failure {
    /// The diagnostics as people read them, in canonical order.
    pub fn render(&self, color: Color) -> String {
        let mut out = String::new();
        for (diagnostics, sources) in &self.groups {
            let mut diags = diagnostics.clone();
            scaleplan_diag::sort(&mut diags);
            out.push_str(&scaleplan_diag::render::human(&diags, sources, color));
        }
        out
    }

    /// Every diagnostic, for callers that inspect them.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.groups.iter().flat_map(|g| g.0.iter())
    }

    fn invalid(diagnostics: Vec<Diagnostic>, sources: Vec<&SourceFile>) -> Self {
        let mut s = Sources::default();
        for src in sources {
            s.insert(src.clone());
        }
        Failure {
            groups: vec![(diagnostics, s)],
            exit: Exit::Failure,
        }
    }

    fn io(message: String) -> Self {
        Failure {
            groups: vec![(
                vec![Diagnostic::error("S0001", message)],
                Sources::default(),
            )],
            exit: Exit::Usage,
        }
    }
}

/// What `scaleplan simulate` prints, or why it could not run.
pub struct Output {
    pub stdout: String,
    pub svg: Option<String>,
}

pub fn simulate(args: &SimulateArgs) -> Exit {
    let done = execute(args, |report, svg| {
        if let (Some(path), Some(svg)) = (&args.svg, &svg)
            && let Err(e) = write_atomic(path, svg)
        {
            eprintln!("error: {}: {e}", path.display());
            return Exit::Usage;
        }
        // Streamed through one buffer: a week's output is tens of megabytes,
        // and nobody needs it in memory before the first line shows.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        match report
            .write(args.format, &mut out)
            .and_then(|()| out.flush())
        {
            // A closed pipe (`| head`) is the reader's choice, not an error.
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                eprintln!("error: writing the output: {e}");
                Exit::Usage
            }
            _ => Exit::Ok,
        }
    });
    match done {
        Ok(exit) => exit,
        Err(f) => {
            let color = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            {
                Color::Always
            } else {
                Color::Never
            };
            eprint!("{}", f.render(color));
            f.exit
        }
    }
}

/// The finished runs, ready to be written in any format.
pub struct Report<'a> {
    setting: Setting<'a>,
    runs: Vec<Labeled<'a>>,
}

impl Report<'_> {
    /// Writes the report in `format` to `out`, as it goes.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
        let setting = &self.setting;
        match (format, self.runs.as_slice()) {
            (Format::Table, [a]) => table::single(setting, a, out),
            (Format::Table, [a, b]) => table::compare(setting, a, b, out),
            (Format::Csv, [a]) => csv::single(setting, a, out),
            (Format::Csv, [a, b]) => csv::compare(setting, a, b, out),
            (Format::Json, runs) => crate::report::json(setting, runs, out),
            _ => unreachable!("one or two configurations"),
        }
    }
}

/// Runs the command without touching stdout or the SVG file (tests call this).
pub fn run(args: &SimulateArgs) -> Result<Output, Box<Failure>> {
    execute(args, |report, svg| {
        let mut stdout = Vec::new();
        report
            .write(args.format, &mut stdout)
            .expect("writing to memory cannot fail");
        Output {
            stdout: String::from_utf8(stdout).expect("the writers write UTF-8"),
            svg,
        }
    })
}

/// Reads, checks and simulates, then hands the report and the chart to
/// `emit`, which decides where they go.
fn execute<T>(
    args: &SimulateArgs,
    emit: impl FnOnce(&Report<'_>, Option<String>) -> T,
) -> Result<T, Box<Failure>> {
    let config = config(args).map_err(|d| Box::new(Failure::invalid(d, vec![])))?;
    let trace_src = SourceFile::read(&args.trace).map_err(|e| Box::new(Failure::io(e)))?;
    // Read everything before giving up, so that one run reports the
    // problems of the trace and of each configuration together.
    let trace = trace::parse(&trace_src);
    let mut configs = vec![load(&args.input, args.hpa.as_deref())];
    if let Some(other) = &args.compare {
        configs.push(load(other, args.compare_hpa.as_deref()));
    }
    let (trace, configs) = match (trace, configs.iter().any(Result::is_err)) {
        (Ok(trace), false) => (
            trace,
            configs
                .into_iter()
                .map(|c| c.ok().expect("checked"))
                .collect::<Vec<_>>(),
        ),
        (trace, _) => {
            let mut all = Failure::invalid(trace.err().unwrap_or_default(), vec![&trace_src]);
            if all.groups[0].0.is_empty() {
                all.groups.clear();
            }
            for f in configs.into_iter().filter_map(Result::err) {
                all.groups.extend(f.groups);
                if f.exit == Exit::Usage {
                    all.exit = Exit::Usage;
                }
            }
            return Err(Box::new(all));
        }
    };
    let mut runs = Vec::new();
    let mut problems = Vec::new();
    let mut sources = vec![&trace_src];
    for c in &configs {
        if let Some(s) = &c.src {
            sources.push(s);
        }
        match bind(&c.hpa, &trace, &trace_src.name, args) {
            Ok(feeds) => runs.push(feeds),
            Err(d) => problems.extend(d),
        }
    }
    if !problems.is_empty() {
        return Err(Box::new(Failure::invalid(problems, sources)));
    }
    let labeled: Vec<Labeled<'_>> = configs
        .iter()
        .zip(&runs)
        .map(|(c, feeds)| Labeled {
            source: c.source.clone(),
            hpa_name: c.hpa.name.clone(),
            hpa: &c.hpa.spec,
            run: engine::run(&c.hpa.spec, feeds, &trace, &config),
        })
        .collect();
    let setting = Setting {
        trace_file: &trace_src.name,
        trace: &trace,
        columns: trace.columns.iter().map(|c| c.name.clone()).collect(),
        config: &config,
    };
    let svg = match &args.svg {
        Some(_) => Some(
            chart::svg(&setting, &labeled)
                .map_err(|e| Box::new(Failure::io(format!("drawing the chart: {e}"))))?,
        ),
        None => None,
    };
    let report = Report {
        setting,
        runs: labeled,
    };
    Ok(emit(&report, svg))
}

fn config(args: &SimulateArgs) -> Result<SimConfig, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut check = |name: &str, v: f64, positive: bool| {
        if !v.is_finite() || v < 0.0 || (positive && v == 0.0) {
            let what = if positive {
                "a positive number"
            } else {
                "a number >= 0"
            };
            problems.push(Diagnostic::error(
                BAD_OPTION,
                format!("--{name} must be {what}, got {v}"),
            ));
        }
    };
    check("metric-lag", args.metric_lag, false);
    check("pod-startup", args.pod_startup, false);
    check("tolerance", args.tolerance, false);
    if let Some(r) = args.service_rate {
        check("service-rate", r, true);
    }
    if args.initial_replicas.is_some_and(|n| n < 0) {
        problems.push(Diagnostic::error(
            BAD_OPTION,
            "--initial-replicas must be >= 0",
        ));
    }
    if args.queue_metric.is_some() && args.service_rate.is_none() {
        problems.push(
            Diagnostic::error(BAD_OPTION, "--queue-metric needs --service-rate")
                .help("--queue-metric names the metric the closed loop's backlog feeds"),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(SimConfig {
        sync_period: args.sync_period,
        metric_lag: args.metric_lag,
        pod_startup: args.pod_startup,
        initial_replicas: args.initial_replicas,
        service_rate: args.service_rate,
        controller: ControllerConfig {
            tolerance: args.tolerance,
            downscale_stabilization_window_s: args.downscale_stabilization,
            ..ControllerConfig::default()
        },
    })
}

/// One configuration to simulate and where it came from.
struct Loaded {
    /// How the output names it: the file, with `(profile)` for rendered profiles.
    source: String,
    hpa: PreparedHpa,
    /// The HPA manifest read, for diagnostics that point into it.
    src: Option<SourceFile>,
}

/// Reads and prepares one configuration: a scaleplan profile (or a directory
/// of them) is rendered to its HPA exactly as `scaleplan render` writes it;
/// anything else is read as HPA manifests.
fn load(path: &Path, wanted: Option<&str>) -> Result<Loaded, Box<Failure>> {
    if path.is_dir() {
        return load_profile(path, wanted);
    }
    let src = SourceFile::read(path).map_err(|e| Box::new(Failure::io(e)))?;
    if is_profile(&src) {
        return load_profile(path, wanted);
    }
    let hpas = input::load_hpa_yaml(&src).map_err(|d| Box::new(Failure::invalid(d, vec![&src])))?;
    let chosen: LoadedHpa = input::select(hpas, wanted, &src.name)
        .map_err(|d| Box::new(Failure::invalid(vec![d], vec![&src])))?;
    let prepared = input::prepare(&chosen, Some(&src))
        .map_err(|d| Box::new(Failure::invalid(d, vec![&src])))?;
    Ok(Loaded {
        source: src.name.clone(),
        hpa: prepared,
        src: Some(src),
    })
}

/// A file whose documents declare `kind: ScalingProfile`.
fn is_profile(src: &SourceFile) -> bool {
    scaleplan_diag::yaml::load_documents(src).is_ok_and(|docs| {
        docs.iter().any(|d| {
            scaleplan_diag::yaml::to_json(d)
                .get("kind")
                .and_then(|k| k.as_str())
                == Some("ScalingProfile")
        })
    })
}

fn load_profile(path: &Path, wanted: Option<&str>) -> Result<Loaded, Box<Failure>> {
    let rendered = scaleplan_render::load_hpas(path).map_err(|(diagnostics, sources)| {
        Box::new(Failure {
            groups: vec![(diagnostics, sources)],
            exit: Exit::Failure,
        })
    })?;
    let file = path.display().to_string();
    // A profile is known by its own name; its HPA may be named otherwise.
    let hpas = rendered
        .into_iter()
        .map(|(profile, hpa)| LoadedHpa {
            name: if wanted.is_some_and(|w| hpa.metadata.name.as_deref() == Some(w)) {
                wanted.unwrap_or_default().to_string()
            } else {
                profile
            },
            hpa,
            location: scaleplan_diag::Location::point(file.clone(), 1, 1),
            doc: None,
        })
        .collect();
    let chosen = input::select(hpas, wanted, &file)
        .map_err(|d| Box::new(Failure::invalid(vec![d], vec![])))?;
    let mut prepared =
        input::prepare(&chosen, None).map_err(|d| Box::new(Failure::invalid(d, vec![])))?;
    // The rendered HPA has no lines of its own; the message names the
    // metric and the field path says which one.
    prepared.metric_locations.iter_mut().for_each(|l| *l = None);
    Ok(Loaded {
        source: format!("{file} (profile)"),
        hpa: prepared,
        src: None,
    })
}

fn bind(
    hpa: &PreparedHpa,
    trace: &Trace,
    trace_file: &str,
    args: &SimulateArgs,
) -> Result<Vec<MetricFeed>, Vec<Diagnostic>> {
    let queue_metric = match (&args.service_rate, &args.queue_metric) {
        (None, _) => None,
        (Some(_), Some(q)) => Some(q.clone()),
        (Some(_), None) => {
            let mut names: Vec<String> = hpa
                .spec
                .metrics
                .iter()
                .filter(|m| {
                    matches!(
                        m.source_type,
                        MetricSourceType::Object | MetricSourceType::External
                    )
                })
                .filter_map(feed::column_name)
                .collect();
            names.dedup();
            match names.as_slice() {
                [one] => Some(one.clone()),
                [] => {
                    return Err(vec![Diagnostic::error(
                        feed::rules::CLOSED_LOOP,
                        format!("HPA {} has no Object or External metric for the backlog to feed", hpa.name),
                    )
                    .help("the closed loop models a queue; its length reaches the HPA as an Object or External metric")]);
                }
                many => {
                    return Err(vec![
                        Diagnostic::error(
                            feed::rules::CLOSED_LOOP,
                            format!(
                                "HPA {} has several Object/External metrics ({})",
                                hpa.name,
                                many.join(", ")
                            ),
                        )
                        .help("name the one that reports the queue length with --queue-metric"),
                    ]);
                }
            }
        }
    };
    feed::bind(
        &hpa.spec,
        &hpa.metric_locations,
        trace,
        trace_file,
        queue_metric.as_deref(),
    )
}

/// Writes through a temporary file in the same directory, then renames, so a
/// reader never sees half a chart.
fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}
