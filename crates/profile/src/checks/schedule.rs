//! Schedule windows: cron as a Kubernetes CronJob accepts it, an IANA time
//! zone, replicas within bounds, and windows that never overlap. Overlap is
//! decided by replaying both schedules over a year from a fixed date, in
//! their own time zones, so the answer is deterministic and DST-aware.

use super::Ctx;
use super::ids::*;
use crate::model::ScheduleWindow;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};
use scaleplan_diag::Diagnostic;

/// First instant of the replay (a Monday), and its length.
const REPLAY_FROM: &str = "2026-01-05T00:00:00Z";
const REPLAY_DAYS: i64 = 366;
/// Bound on window openings replayed per window (a `*/5` start would have 100k).
const MAX_OPENINGS: usize = 2000;

/// Parses a schedule the way Kubernetes' CronJob validation
/// (robfig/cron `ParseStandard`) accepts it; the error says why not.
pub fn parse_cron(expr: &str) -> Result<Cron, String> {
    let e = expr.trim();
    if e.starts_with("TZ=") || e.starts_with("CRON_TZ=") {
        return Err(
            "Kubernetes rejects `TZ=`/`CRON_TZ=` in a schedule; set `timeZone` instead".into(),
        );
    }
    if e.starts_with("@every") {
        return Err("`@every` is not a calendar schedule; use a 5-field cron".into());
    }
    if !e.starts_with('@') {
        let fields = e.split_whitespace().count();
        if fields != 5 {
            return Err(format!(
                "has {fields} fields; Kubernetes takes exactly 5 (minute hour day-of-month month day-of-week), no seconds or years"
            ));
        }
        for f in e.split_whitespace() {
            if let Some(c) = f
                .chars()
                .find(|c| matches!(c.to_ascii_uppercase(), 'L' | 'W' | '#'))
                && (c == '#' || !is_name_field(f))
            {
                return Err(format!(
                    "uses `{c}`, which Kubernetes' cron parser does not support (no L, W or #)"
                ));
            }
        }
    }
    CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
        .parse(e)
        .map_err(|err| err.to_string())
}

/// Fields made only of month or weekday names (`JAN`, `MON-FRI`), whose
/// letters are not the L/W modifiers.
fn is_name_field(f: &str) -> bool {
    f.split([',', '-', '/']).all(|part| {
        part.chars()
            .all(|c| c.is_ascii_digit() || c == '*' || c == '?')
            || NAMES.contains(&part.to_ascii_uppercase().as_str())
    })
}

const NAMES: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC", "SUN",
    "MON", "TUE", "WED", "THU", "FRI", "SAT",
];

struct Parsed<'a> {
    index: usize,
    window: &'a ScheduleWindow,
    start: Cron,
    end: Cron,
    tz: TimeZone,
}

pub fn check(ctx: &Ctx<'_, '_>, out: &mut Vec<Diagnostic>) {
    let Some(s) = &ctx.profile.spec.schedule else {
        return;
    };
    let res = ctx.resolved;
    let mut parsed = Vec::new();
    for (i, w) in s.windows.iter().enumerate() {
        let base = format!("/spec/schedule/windows/{i}");
        if s.windows[..i].iter().any(|o| o.name == w.name) {
            out.push(
                ctx.value_error(
                    DUPLICATE_WINDOW,
                    &format!("{base}/name"),
                    format!(
                        "window `{}` is defined twice: expected unique window names",
                        w.name
                    ),
                )
                .help("window names are part of CronJob names; rename one"),
            );
        }
        replicas(ctx, &base, w, res.max_replicas, out);
        let mut cron = |field: &str, expr: &str| match parse_cron(expr) {
            Ok(c) => Some(c),
            Err(why) => {
                out.push(
                    ctx.value_error(
                        INVALID_CRON,
                        &format!("{base}/{field}"),
                        format!("schedule `{expr}` {why}"),
                    )
                    .help("write 5 fields, e.g. `0 8 * * 1-5` for 08:00 Monday to Friday"),
                );
                None
            }
        };
        let start = cron("start", &w.start);
        let end = cron("end", &w.end);
        let tz_name = w.time_zone.as_deref().unwrap_or("Etc/UTC");
        let tz = if tz_name.eq_ignore_ascii_case("local") {
            None
        } else {
            TimeZone::get(tz_name).ok()
        };
        if tz.is_none() {
            out.push(
                ctx.value_error(INVALID_TIME_ZONE, &format!("{base}/timeZone"), format!("time zone `{tz_name}` is not in the IANA time zone database: expected a name such as `Europe/Berlin`"))
                    .help("use an IANA name (case-sensitive), e.g. `America/New_York`, `Etc/UTC`; Kubernetes rejects `Local`"),
            );
        }
        if let (Some(start), Some(end), Some(tz)) = (start, end, tz) {
            if w.start.trim() == w.end.trim() {
                out.push(
                    ctx.value_error(INVALID_CRON, &format!("{base}/end"), format!("end `{}` is the same schedule as start: expected the window to close at another time", w.end))
                        .help("a window opens at `start` and closes at the next `end` after it"),
                );
                continue;
            }
            parsed.push(Parsed {
                index: i,
                window: w,
                start,
                end,
                tz,
            });
        }
    }
    overlaps(ctx, &parsed, out);
}

fn replicas(
    ctx: &Ctx<'_, '_>,
    base: &str,
    w: &ScheduleWindow,
    profile_max: i32,
    out: &mut Vec<Diagnostic>,
) {
    let max = w.max_replicas.unwrap_or(profile_max as i64);
    let mut bad = |ptr: String, what: &str, v: i64, hi: i64| {
        out.push(
            ctx.value_error(SCHEDULED_REPLICAS, &ptr, format!("{what} is {v}: expected 1 to {hi}"))
                .help("scheduled bounds must stay within [1, maxReplicas], or the HPA patch is rejected or ignored"),
        );
    };
    if w.max_replicas.is_some() && max < 1 {
        bad(
            format!("{base}/maxReplicas"),
            "scheduled maxReplicas",
            max,
            i32::MAX as i64,
        );
    }
    if w.min_replicas < 1 || w.min_replicas > max {
        bad(
            format!("{base}/minReplicas"),
            "scheduled minReplicas",
            w.min_replicas,
            max.max(1),
        );
    }
    if let Some(r) = &w.restore {
        let rmax = r.max_replicas.unwrap_or(profile_max as i64);
        if let Some(v) = r.max_replicas
            && v < 1
        {
            bad(
                format!("{base}/restore/maxReplicas"),
                "restored maxReplicas",
                v,
                i32::MAX as i64,
            );
        }
        if let Some(v) = r.min_replicas
            && (v < 1 || v > rmax)
        {
            bad(
                format!("{base}/restore/minReplicas"),
                "restored minReplicas",
                v,
                rmax.max(1),
            );
        }
    }
}

/// Openings `[start, end)` of a window during the replay.
fn openings(p: &Parsed<'_>) -> Result<Vec<(Timestamp, Timestamp)>, ()> {
    let from: Timestamp = REPLAY_FROM.parse().expect("constant timestamp");
    let until = from + (REPLAY_DAYS * 24).hours();
    let mut out = Vec::new();
    let z0 = from.to_zoned(p.tz.clone());
    for s in p.start.iter_after(z0).take(MAX_OPENINGS) {
        if s.timestamp() >= until {
            break;
        }
        let e: Zoned = p.end.find_next_occurrence(&s, false).map_err(|_| ())?;
        out.push((s.timestamp(), e.timestamp()));
    }
    Ok(out)
}

fn overlaps(ctx: &Ctx<'_, '_>, parsed: &[Parsed<'_>], out: &mut Vec<Diagnostic>) {
    let mut all = Vec::new();
    for p in parsed {
        match openings(p) {
            Ok(o) if !o.is_empty() => all.push((p, o)),
            Ok(_) => out.push(
                ctx.value_error(INVALID_CRON, &format!("/spec/schedule/windows/{}/start", p.index), format!("schedule `{}` never fires within a year: expected a schedule that runs", p.window.start))
                    .help("check day-of-month against month (e.g. `0 0 31 2 *` never fires)"),
            ),
            Err(()) => out.push(
                ctx.value_error(INVALID_CRON, &format!("/spec/schedule/windows/{}/end", p.index), format!("end `{}` never fires after the window opens: expected a schedule that closes it", p.window.end))
                    .help("check day-of-month against month"),
            ),
        }
    }
    for (i, (a, ao)) in all.iter().enumerate() {
        for (b, bo) in &all[i + 1..] {
            if let Some(t) = first_overlap(ao, bo) {
                let when = t
                    .to_zoned(b.tz.clone())
                    .strftime("%a %Y-%m-%d %H:%M %Z")
                    .to_string();
                out.push(
                    ctx.value_error(
                        OVERLAPPING_WINDOWS,
                        &format!("/spec/schedule/windows/{}/start", b.index),
                        format!("window `{}` overlaps window `{}` (both open at {when}): expected windows that never overlap", b.window.name, a.window.name),
                    )
                    .help("overlapping windows patch the same HPA and the first to close restores the bounds while the other is still open; merge them or move their times"),
                );
            }
        }
    }
}

/// The first instant at which an opening of `a` and one of `b` are both open.
fn first_overlap(a: &[(Timestamp, Timestamp)], b: &[(Timestamp, Timestamp)]) -> Option<Timestamp> {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (s1, e1) = a[i];
        let (s2, e2) = b[j];
        if s1 < e2 && s2 < e1 {
            return Some(s1.max(s2));
        }
        if e1 <= e2 { i += 1 } else { j += 1 }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::parse_cron;

    #[test]
    fn kubernetes_cron_dialect() {
        for ok in [
            "0 8 * * 1-5",
            "*/5 * * * *",
            "@daily",
            "0 0 * * MON-FRI",
            "30 2 * * 0",
            "0 0 * * 7",
        ] {
            assert!(parse_cron(ok).is_ok(), "{ok}: {:?}", parse_cron(ok).err());
        }
        for bad in [
            "0 0 L * *",
            "0 0 * * 5#3",
            "0 0 15W * *",
            "0 */2 * * * *",
            "TZ=UTC 0 * * * *",
            "CRON_TZ=UTC 0 * * * *",
            "0 8 * *",
            "61 * * * *",
            "@every 5m",
        ] {
            assert!(parse_cron(bad).is_err(), "{bad}");
        }
    }
}
