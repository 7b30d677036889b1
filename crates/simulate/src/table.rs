//! The human format: one line per sync, then the summary. With `--compare`
//! the two runs share the time and load columns and sit side by side.

use crate::report::{Labeled, Setting, clock, limit_text, metric_labels, num, usage_text};
use crate::trace::fmt_num;
use std::io::{self, Write};

/// Column alignment.
#[derive(Clone, Copy)]
enum Align {
    Left,
    Right,
}

/// A plain-text table with columns sized to their widest cell.
struct Grid {
    header: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Grid {
    fn new() -> Self {
        Grid {
            header: Vec::new(),
            align: Vec::new(),
            rows: Vec::new(),
        }
    }

    fn col(&mut self, name: impl Into<String>, align: Align) {
        self.header.push(name.into());
        self.align.push(align);
    }

    /// Writes the table, one reused line buffer for all rows.
    fn render(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut width: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (w, c) in width.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut l = String::new();
        let mut line = |cells: &[String], out: &mut dyn Write| {
            l.clear();
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    l.push_str("  ");
                }
                let pad = width[i].saturating_sub(c.chars().count());
                match self.align[i] {
                    Align::Right => {
                        l.extend(std::iter::repeat_n(' ', pad));
                        l.push_str(c);
                    }
                    Align::Left => {
                        l.push_str(c);
                        l.extend(std::iter::repeat_n(' ', pad));
                    }
                }
            }
            out.write_all(l.trim_end().as_bytes())?;
            out.write_all(b"\n")
        };
        line(&self.header, out)?;
        for r in &self.rows {
            line(r, out)?;
        }
        Ok(())
    }
}

fn settings_line(setting: &Setting<'_>) -> String {
    let c = setting.config;
    let mut s = format!(
        "trace {}: sync every {}s, pod startup {}s, metric lag {}s",
        setting.trace_file,
        c.sync_period,
        fmt_num(c.pod_startup),
        fmt_num(c.metric_lag)
    );
    if let Some(r) = c.service_rate {
        s.push_str(&format!(
            ", closed loop at {} tasks/s per ready pod",
            fmt_num(r)
        ));
    }
    s
}

fn title(r: &Labeled<'_>) -> String {
    format!(
        "HPA {} from {} (minReplicas {}, maxReplicas {})",
        r.hpa_name,
        r.source,
        r.hpa.min_replicas.unwrap_or(1),
        r.hpa.max_replicas
    )
}

/// One run, sync by sync.
pub fn single(setting: &Setting<'_>, r: &Labeled<'_>, out: &mut dyn Write) -> io::Result<()> {
    let labels = metric_labels(r.hpa);
    let closed = setting.config.service_rate.is_some();
    let mut g = Grid::new();
    g.col("time", Align::Right);
    for c in &setting.columns {
        g.col(c.clone(), Align::Right);
    }
    if closed {
        g.col("backlog", Align::Right);
    }
    g.col("ready", Align::Right);
    for l in &labels {
        g.col(
            format!("{} ({}) -> proposal", l.name, l.target),
            Align::Left,
        );
    }
    g.col("recommended", Align::Right);
    g.col("replicas", Align::Right);
    g.col("limited by", Align::Left);
    for s in &r.run.syncs {
        let mut row = vec![clock(s.time)];
        row.extend(s.load.iter().map(|v| num(*v)));
        if let Some(b) = s.backlog {
            row.push(num(b));
        }
        row.push(format!("{}/{}", s.ready, s.pods));
        for m in &s.metrics {
            row.push(match m {
                Ok((p, u)) => format!("{} -> {p}", usage_text(u)),
                Err(_) => "unavailable".into(),
            });
        }
        row.push(s.recommendation.map_or("-".into(), |r| r.to_string()));
        row.push(if s.after == s.before {
            s.after.to_string()
        } else {
            format!("{} -> {}", s.before, s.after)
        });
        row.push(limit_text(s));
        g.rows.push(row);
    }
    write!(out, "{}\n{}\n\n", title(r), settings_line(setting))?;
    g.render(out)?;
    out.write_all(b"\n")?;
    summary(out, &[r])
}

/// Two runs on the same trace, side by side.
pub fn compare(
    setting: &Setting<'_>,
    a: &Labeled<'_>,
    b: &Labeled<'_>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let closed = setting.config.service_rate.is_some();
    let mut g = Grid::new();
    g.col("time", Align::Right);
    for c in &setting.columns {
        g.col(c.clone(), Align::Right);
    }
    for tag in ["A", "B"] {
        if closed {
            g.col(format!("{tag} backlog"), Align::Right);
        }
        g.col(format!("{tag} replicas"), Align::Right);
        g.col(format!("{tag} limited by"), Align::Left);
    }
    for (sa, sb) in a.run.syncs.iter().zip(&b.run.syncs) {
        let mut row = vec![clock(sa.time)];
        row.extend(sa.load.iter().map(|v| num(*v)));
        for s in [sa, sb] {
            if let Some(bl) = s.backlog {
                row.push(num(bl));
            }
            row.push(s.after.to_string());
            row.push(limit_text(s));
        }
        g.rows.push(row);
    }
    write!(
        out,
        "A: {}\nB: {}\n{}\n\n",
        title(a),
        title(b),
        settings_line(setting)
    )?;
    g.render(out)?;
    out.write_all(b"\n")?;
    summary(out, &[a, b])
}

/// The summary: one column per run.
fn summary(out: &mut dyn Write, runs: &[&Labeled<'_>]) -> io::Result<()> {
    let mut g = Grid::new();
    g.col("summary", Align::Left);
    for (i, _) in runs.iter().enumerate() {
        g.col(
            if runs.len() == 1 {
                String::new()
            } else {
                ["A", "B"][i].to_string()
            },
            Align::Right,
        );
    }
    let mut add = |name: &str, f: &dyn Fn(&Labeled<'_>) -> String| {
        let mut row = vec![name.to_string()];
        row.extend(runs.iter().map(|r| f(r)));
        g.rows.push(row);
    };
    add("peak replicas", &|r| {
        r.run.summary.peak_replicas.to_string()
    });
    add("final replicas", &|r| {
        r.run.summary.final_replicas.to_string()
    });
    add("first scale-up after", &|r| {
        r.run.summary.first_scale_up_s.map_or("never".into(), clock)
    });
    add("time at maxReplicas", &|r| {
        clock(r.run.summary.time_at_max_s)
    });
    add("pod-seconds", &|r| num(r.run.summary.pod_seconds));
    if runs.iter().all(|r| r.run.summary.queue.is_some()) {
        let q = |r: &Labeled<'_>| r.run.summary.queue.clone().expect("checked");
        add("peak backlog (tasks)", &|r| num(q(r).peak_backlog));
        add("longest wait in queue", &|r| clock(q(r).longest_wait_s));
        add("tasks arrived", &|r| num(q(r).arrived));
        add("tasks served", &|r| num(q(r).served));
        add("backlog at end", &|r| num(q(r).final_backlog));
    }
    g.render(out)
}
