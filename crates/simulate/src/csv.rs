//! The CSV format: one row per sync, numbers in plain units, for spreadsheets
//! and plotting tools. The summary follows as `# key=value` comment lines
//! (pandas: `comment="#"`), so the rows stay a clean table.

use crate::report::{Labeled, Setting, limit_text, metric_labels, usage_number};
use std::io::{self, Write};

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One run, written row by row to `out`.
pub fn single(setting: &Setting<'_>, r: &Labeled<'_>, out: &mut dyn Write) -> io::Result<()> {
    let labels = metric_labels(r.hpa);
    let closed = setting.config.service_rate.is_some();
    let mut header = vec!["time".to_string()];
    header.extend(setting.columns.iter().map(|c| field(c)));
    if closed {
        header.push("backlog".into());
    }
    header.extend(["ready_pods".into(), "pods".into()]);
    for l in &labels {
        header.push(field(&format!("{}_value", l.column)));
        header.push(field(&format!("{}_proposal", l.column)));
    }
    header.extend(
        [
            "recommendation",
            "replicas_before",
            "replicas",
            "limited_by",
        ]
        .map(String::from),
    );
    writeln!(out, "{}", header.join(","))?;
    for s in &r.run.syncs {
        write!(out, "{}", s.time)?;
        for v in &s.load {
            write!(out, ",{v}")?;
        }
        if let Some(b) = s.backlog {
            write!(out, ",{b:.3}")?;
        }
        write!(out, ",{},{}", s.ready, s.pods)?;
        for m in &s.metrics {
            match m {
                Ok((p, u)) => write!(out, ",{},{p}", usage_number(u))?,
                Err(_) => out.write_all(b",,")?,
            }
        }
        match s.recommendation {
            Some(r) => write!(out, ",{r}")?,
            None => out.write_all(b",")?,
        }
        write!(out, ",{},{},", s.before, s.after)?;
        if s.limit.is_some() {
            out.write_all(field(&limit_text(s)).as_bytes())?;
        }
        out.write_all(b"\n")?;
    }
    summary(out, &[("", r)])
}

/// Two runs side by side, columns prefixed `a_` and `b_`.
pub fn compare(
    setting: &Setting<'_>,
    a: &Labeled<'_>,
    b: &Labeled<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let closed = setting.config.service_rate.is_some();
    let mut header = vec!["time".to_string()];
    header.extend(setting.columns.iter().map(|c| field(c)));
    for p in ["a", "b"] {
        if closed {
            header.push(format!("{p}_backlog"));
        }
        header.extend([
            format!("{p}_ready_pods"),
            format!("{p}_replicas"),
            format!("{p}_limited_by"),
        ]);
    }
    writeln!(out, "{}", header.join(","))?;
    for (sa, sb) in a.run.syncs.iter().zip(&b.run.syncs) {
        write!(out, "{}", sa.time)?;
        for v in &sa.load {
            write!(out, ",{v}")?;
        }
        for s in [sa, sb] {
            if let Some(bl) = s.backlog {
                write!(out, ",{bl:.3}")?;
            }
            write!(out, ",{},{},", s.ready, s.after)?;
            if s.limit.is_some() {
                out.write_all(field(&limit_text(s)).as_bytes())?;
            }
        }
        out.write_all(b"\n")?;
    }
    summary(out, &[("a_", a), ("b_", b)])
}

fn summary(out: &mut dyn Write, runs: &[(&str, &Labeled<'_>)]) -> io::Result<()> {
    for (p, r) in runs {
        let s = &r.run.summary;
        writeln!(out, "# {p}peak_replicas={}", s.peak_replicas)?;
        writeln!(out, "# {p}final_replicas={}", s.final_replicas)?;
        let first = s.first_scale_up_s.map_or(String::new(), |v| v.to_string());
        writeln!(out, "# {p}first_scale_up_s={first}")?;
        writeln!(out, "# {p}time_at_max_replicas_s={}", s.time_at_max_s)?;
        writeln!(out, "# {p}pod_seconds={}", s.pod_seconds)?;
        if let Some(q) = &s.queue {
            writeln!(out, "# {p}peak_backlog={:.3}", q.peak_backlog)?;
            writeln!(out, "# {p}longest_wait_s={:.3}", q.longest_wait_s)?;
            writeln!(out, "# {p}tasks_arrived={:.3}", q.arrived)?;
            writeln!(out, "# {p}tasks_served={:.3}", q.served)?;
        }
    }
    Ok(())
}
