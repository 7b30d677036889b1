//! ## What it does
//! Checks the environment of Celery exporter containers: the broker URL must
//! reach the exporter under its own name (`CE_BROKER_URL` for danihodovic,
//! required; `CELERY_EXPORTER_BROKER_URL` for OvalMoney), and variables
//! that belong to the other exporter or to no option at all
//! (`CE_ENABLE_EVENTS`, Celery's own `CELERY_BROKER_URL`) are reported.
//!
//! ## Why is this bad?
//! The exporters read their options through click's `auto_envvar_prefix`:
//! any other name is ignored without a warning. danihodovic's exporter
//! exits at start-up without `CE_BROKER_URL` ("Missing option
//! '--broker-url'"), so the pod crash-loops; a misspelled option silently
//! keeps its default. `CE_ENABLE_EVENTS` exists in neither exporter: task
//! events are enabled on the Celery workers (`-E`), not on the exporter.
//!
//! ## Example
//! ```yaml
//! image: danihodovic/celery-exporter:0.12.2
//! env:
//! - {name: CELERY_BROKER_URL, value: "redis://redis:6379/0"}
//! - {name: CE_ENABLE_EVENTS, value: "true"}
//! ```
//!
//! Use instead:
//! ```yaml
//! env:
//! - {name: CE_BROKER_URL, value: "redis://redis:6379/0"}
//! - {name: CE_QUEUES, value: "celery"}
//! ```
//!
//! ## References
//! - metrics-pipeline.md §1 (configuration table), §2, §4 bugs 4, 5, 6

use crate::pointer::Member;
use super::celery_exporter::CeleryExporter;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "EXPORTER004",
    name: "exporter-env-names",
    severity: Severity::Error,
    enabled: true,
    summary: "A Celery exporter gets its broker URL or options under names it does not read",
    check: Check::Document(check),
};

fn check(ctx: &DocumentContext<'_>, out: &mut Findings) {
    let Some(Value::Array(containers)) = ctx.get("/spec/template/spec/containers") else {
        return;
    };
    for (i, c) in containers.iter().enumerate() {
        let Some(exporter) = c
            .member("image")
            .and_then(Value::as_str)
            .and_then(CeleryExporter::from_image)
        else {
            continue;
        };
        let base = format!("/spec/template/spec/containers/{i}");
        let prefix = exporter.env_prefix();
        let other = CeleryExporter::all()
            .into_iter()
            .find(|e| *e != exporter)
            .unwrap_or(exporter);
        let env = c.member("env").and_then(Value::as_array);
        let mut has_broker = has_flag(c, "--broker-url") || has_flag(c, "-b");
        // envFrom may supply anything: do not claim the broker URL is missing.
        has_broker |= c.member("envFrom").is_some();
        for (e, var) in env.into_iter().flatten().enumerate() {
            let Some(name) = var.member("name").and_then(Value::as_str) else {
                continue;
            };
            let pointer = format!("{base}/env/{e}/name");
            if name == format!("{prefix}BROKER_URL") {
                has_broker = true;
                continue;
            }
            let problem = if let Some(option) = name.strip_prefix(prefix) {
                if exporter.env_options().contains(&option) {
                    continue;
                }
                if option == "ENABLE_EVENTS" {
                    format!(
                        "{} has no {name} option (--enable-events{} is not read from the environment); task events are turned on in the Celery workers (-E)",
                        exporter.image(),
                        if exporter == CeleryExporter::OvalMoney {
                            " exists only as a flag and"
                        } else {
                            ""
                        }
                    )
                } else {
                    format!("{} has no option {name}: it is ignored", exporter.image())
                }
            } else if name == "CELERY_BROKER_URL" {
                match exporter {
                    CeleryExporter::Danihodovic => format!(
                        "CELERY_BROKER_URL is Celery's variable, not an option of {}: it reads CE_BROKER_URL",
                        exporter.image()
                    ),
                    CeleryExporter::OvalMoney => format!(
                        "CELERY_BROKER_URL is Celery's variable, not an option of {}: it takes effect only because Celery itself reads it over the exporter's --broker-url default",
                        exporter.image()
                    ),
                }
            } else if let Some(option) = name.strip_prefix(other.env_prefix()) {
                if other.env_options().contains(&option) {
                    format!(
                        "{name} is an option of {}, not of {}: it is ignored",
                        other.image(),
                        exporter.image()
                    )
                } else {
                    format!(
                        "{name} is an option of neither Celery exporter: it is ignored{}",
                        if option == "ENABLE_EVENTS" {
                            " (task events are turned on in the Celery workers, -E)"
                        } else {
                            ""
                        }
                    )
                }
            } else {
                continue;
            };
            out.push(ctx.value_finding(&pointer, problem).help(format!(
                "{} reads {prefix}<OPTION> variables; see its --help",
                exporter.image()
            )));
        }
        if exporter == CeleryExporter::Danihodovic && !has_broker {
            out.push(
                ctx.finding(&format!("{base}/name"), format!("{} requires CE_BROKER_URL (or --broker-url) and exits at start-up without it", exporter.image()))
                    .field(scaleplan_diag::yaml::field_path(&format!("{base}/env")))
                    .help("add env: [{name: CE_BROKER_URL, value: \"redis://<redis-service>:6379/0\"}] (from a Secret if it holds a password)"),
            );
        }
    }
}

fn has_flag(c: &Value, flag: &str) -> bool {
    ["command", "args"]
        .iter()
        .filter_map(|f| c.get(*f).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .flat_map(str::split_whitespace)
        .any(|w| w == flag || w.starts_with(&format!("{flag}=")))
}
