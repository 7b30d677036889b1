//! ## What it does
//! Checks the ports around a Celery exporter container: the `containerPort`
//! and a `prometheus.io/port` pod annotation must be the port the exporter
//! listens on (9808 for danihodovic, 9540 for OvalMoney, unless `CE_PORT`,
//! `--port` or `--listen-address` moves it).
//!
//! ## Why is this bad?
//! A port copied from the other exporter's docs is a port nothing listens
//! on: the Service routes to it, Prometheus scrapes it, the target shows
//! `connection refused`, and every metric the HPA needs is absent.
//!
//! ## Example
//! ```yaml
//! image: danihodovic/celery-exporter:0.12.2
//! ports:
//! - containerPort: 9540      # OvalMoney's port
//! ```
//!
//! Use instead:
//! ```yaml
//! ports:
//! - containerPort: 9808
//!   name: http
//! ```
//!
//! ## References
//! - metrics-pipeline.md §1 (port 9808), §2 (port 9540), §4 bug 3

use crate::pointer::Member;
use super::celery_exporter::CeleryExporter;
use crate::rule::{Check, DocumentContext, Findings, Rule};
use scaleplan_diag::Severity;
use serde_json::Value;

pub(crate) const RULE: Rule = Rule {
    id: "EXPORTER003",
    name: "exporter-port-mismatch",
    severity: Severity::Error,
    enabled: true,
    summary: "A Celery exporter's containerPort or prometheus.io/port is not the port it listens on",
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
        let Some(listen) = listen_port(c, exporter) else {
            continue;
        };
        let base = format!("/spec/template/spec/containers/{i}");
        let ports = c.member("ports").and_then(Value::as_array);
        for (p, port) in ports.into_iter().flatten().enumerate() {
            let Some(n) = port.member("containerPort").and_then(Value::as_i64) else {
                continue;
            };
            if n != listen {
                out.push(
                    ctx.value_finding(&format!("{base}/ports/{p}/containerPort"), format!("{} listens on {listen}, not {n}: nothing answers on this port", exporter.image()))
                        .help(format!("use containerPort: {listen} (and the same port in the Service and scrape config)")),
                );
            }
        }
        let annotation = "/spec/template/metadata/annotations/prometheus.io~1port";
        let annotated = ctx.get(annotation).and_then(|v| match v {
            Value::String(s) => s.parse::<i64>().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        });
        if let Some(a) = annotated
            && a != listen
        {
            out.push(
                ctx.value_finding(annotation, format!("prometheus.io/port {a} is not the port {} listens on ({listen}): the scrape fails", exporter.image()))
                    .help(format!("set prometheus.io/port: \"{listen}\"")),
            );
        }
    }
}

/// The port the exporter listens on, when the manifest lets us know it.
fn listen_port(c: &Value, exporter: CeleryExporter) -> Option<i64> {
    let words: Vec<&str> = ["command", "args"]
        .iter()
        .filter_map(|f| c.get(*f).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .flat_map(str::split_whitespace)
        .collect();
    let (flag, var) = match exporter {
        CeleryExporter::Danihodovic => ("--port", "CE_PORT"),
        CeleryExporter::OvalMoney => ("--listen-address", "CELERY_EXPORTER_LISTEN_ADDRESS"),
    };
    if let Some(i) = words.iter().position(|w| {
        *w == flag
            || w.starts_with(&format!("{flag}="))
            || (exporter == CeleryExporter::OvalMoney && *w == "-l")
    }) {
        let v = words[i]
            .split_once('=')
            .map(|(_, v)| v)
            .or(words.get(i + 1).copied())?;
        return v.rsplit(':').next()?.parse().ok();
    }
    let env = c
        .member("env")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|e| e.member("name").and_then(Value::as_str) == Some(var));
    match env {
        None => Some(exporter.default_port()),
        Some(e) => e
            .member("value")
            .and_then(Value::as_str)
            .and_then(|v| v.rsplit(':').next()?.parse().ok()),
    }
}
