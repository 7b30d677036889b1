//! The CSV format: one row per sync, numbers in plain units, for spreadsheets
//! and plotting tools. The summary follows as `# key=value` comment lines
//! (pandas: `comment="#"`), so the rows stay a clean table.

use crate::report::{Labeled, Setting, limit_text, metric_labels, usage_number};
use std::fmt::Write;

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One run.
pub fn single(setting: &Setting<'_>, r: &Labeled<'_>) -> String {
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
    let mut out = header.join(",");
    out.push('\n');
    for s in &r.run.syncs {
        let mut row = vec![s.time.to_string()];
        row.extend(s.load.iter().map(|v| v.to_string()));
        if let Some(b) = s.backlog {
            row.push(format!("{b:.3}"));
        }
        row.extend([s.ready.to_string(), s.pods.to_string()]);
        for m in &s.metrics {
            match m {
                Ok((p, u)) => row.extend([usage_number(u).to_string(), p.to_string()]),
                Err(_) => row.extend([String::new(), String::new()]),
            }
        }
        row.push(s.recommendation.map_or(String::new(), |r| r.to_string()));
        row.extend([s.before.to_string(), s.after.to_string()]);
        row.push(
            s.limit
                .as_ref()
                .map_or(String::new(), |_| field(&limit_text(s))),
        );
        out.push_str(&row.join(","));
        out.push('\n');
    }
    summary(&mut out, &[("", r)]);
    out
}

/// Two runs side by side, columns prefixed `a_` and `b_`.
pub fn compare(setting: &Setting<'_>, a: &Labeled<'_>, b: &Labeled<'_>) -> String {
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
    let mut out = header.join(",");
    out.push('\n');
    for (sa, sb) in a.run.syncs.iter().zip(&b.run.syncs) {
        let mut row = vec![sa.time.to_string()];
        row.extend(sa.load.iter().map(|v| v.to_string()));
        for s in [sa, sb] {
            if let Some(bl) = s.backlog {
                row.push(format!("{bl:.3}"));
            }
            row.extend([s.ready.to_string(), s.after.to_string()]);
            row.push(
                s.limit
                    .as_ref()
                    .map_or(String::new(), |_| field(&limit_text(s))),
            );
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    summary(&mut out, &[("a_", a), ("b_", b)]);
    out
}

fn summary(out: &mut String, runs: &[(&str, &Labeled<'_>)]) {
    for (p, r) in runs {
        let s = &r.run.summary;
        let _ = writeln!(out, "# {p}peak_replicas={}", s.peak_replicas);
        let _ = writeln!(out, "# {p}final_replicas={}", s.final_replicas);
        let first = s.first_scale_up_s.map_or(String::new(), |v| v.to_string());
        let _ = writeln!(out, "# {p}first_scale_up_s={first}");
        let _ = writeln!(out, "# {p}time_at_max_replicas_s={}", s.time_at_max_s);
        let _ = writeln!(out, "# {p}pod_seconds={}", s.pod_seconds);
        if let Some(q) = &s.queue {
            let _ = writeln!(out, "# {p}peak_backlog={:.3}", q.peak_backlog);
            let _ = writeln!(out, "# {p}longest_wait_s={:.3}", q.longest_wait_s);
            let _ = writeln!(out, "# {p}tasks_arrived={:.3}", q.arrived);
            let _ = writeln!(out, "# {p}tasks_served={:.3}", q.served);
        }
    }
}
