//! `--svg`: the run as a picture. Top panel: the load (each trace column) and,
//! in closed loop, the backlog; bottom panel: replicas against min/max. With
//! `--compare`, both runs are drawn in the same panels (A solid, B dashed
//! colours). No system fonts: plotters' SVG backend writes `<text>` elements
//! that the viewer renders.

use crate::report::{Labeled, Setting};
use plotters::prelude::*;

/// A named, coloured series of `(x, y)` points.
type Line = (String, RGBColor, Vec<(f64, f64)>);

const WIDTH: u32 = 1100;
const HEIGHT: u32 = 720;
/// More points than this per line are reduced to their per-bucket maxima
/// (peaks are what a reader looks for), so a week stays a small file.
const MAX_POINTS: usize = 2000;

const LOAD_COLORS: [RGBColor; 4] = [
    RGBColor(90, 90, 90),
    RGBColor(140, 86, 75),
    RGBColor(148, 103, 189),
    RGBColor(127, 127, 127),
];
const RUN_COLORS: [RGBColor; 2] = [RGBColor(31, 119, 180), RGBColor(214, 39, 40)];
const BACKLOG_COLORS: [RGBColor; 2] = [RGBColor(44, 160, 44), RGBColor(255, 127, 14)];

/// Time axis unit chosen so that tick labels stay short.
fn time_unit(duration: f64) -> (f64, &'static str) {
    if duration <= 3.0 * 3600.0 {
        (60.0, "minutes")
    } else if duration <= 3.0 * 86400.0 {
        (3600.0, "hours")
    } else {
        (86400.0, "days")
    }
}

/// Reduces a series to at most `MAX_POINTS` by keeping each bucket's maximum.
fn thin(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if points.len() <= MAX_POINTS {
        return points;
    }
    let bucket = points.len().div_ceil(MAX_POINTS);
    points
        .chunks(bucket)
        .map(|c| {
            let y = c.iter().map(|p| p.1).fold(f64::MIN, f64::max);
            (c[0].0, y)
        })
        .collect()
}

/// A step line: each value holds until the next point.
fn steps(points: &[(f64, f64)], end: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for (i, &(x, y)) in points.iter().enumerate() {
        out.push((x, y));
        let next = points.get(i + 1).map_or(end, |p| p.0);
        out.push((next, y));
    }
    out
}

/// Draws the chart as an SVG document.
pub fn svg(setting: &Setting<'_>, runs: &[Labeled<'_>]) -> Result<String, String> {
    let mut buf = String::new();
    draw(&mut buf, setting, runs).map_err(|e| e.to_string())?;
    Ok(buf)
}

fn draw(
    buf: &mut String,
    setting: &Setting<'_>,
    runs: &[Labeled<'_>],
) -> Result<(), Box<dyn std::error::Error>> {
    let first = &runs[0].run;
    let start = first.syncs.first().map_or(0.0, |s| s.time);
    let duration = first.summary.duration_s.max(1.0);
    let (unit, unit_name) = time_unit(duration);
    let x = |t: f64| (t - start) / unit;
    let x_end = duration / unit;
    let closed = setting.config.service_rate.is_some();
    let tag = |i: usize| {
        if runs.len() > 1 {
            ["A: ", "B: "][i]
        } else {
            ""
        }
    };

    let root = SVGBackend::with_string(buf, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let title = if runs.len() > 1 {
        format!(
            "{} vs {} on {}",
            runs[0].hpa_name, runs[1].hpa_name, setting.trace_file
        )
    } else {
        format!("{} on {}", runs[0].hpa_name, setting.trace_file)
    };
    let (top, bottom) = root
        .titled(&title, ("sans-serif", 22))?
        .split_vertically(HEIGHT / 2 - 20);

    // Load and backlog. In closed loop the arrival rate (tasks/s) is small
    // next to the backlog (tasks), so it gets its own axis on the right.
    let mut left: Vec<Line> = Vec::new();
    let mut right: Vec<Line> = Vec::new();
    for (i, c) in setting.columns.iter().enumerate() {
        // The trace itself, not its samples at the syncs: a burst shorter
        // than a sync period is still drawn where it happened.
        let values = &setting.trace.columns[i].values;
        let pts: Vec<(f64, f64)> = setting
            .trace
            .times
            .iter()
            .zip(values)
            .map(|(t, v)| (x(*t), *v))
            .collect();
        let series = (
            c.clone(),
            LOAD_COLORS[i % LOAD_COLORS.len()],
            steps(&thin(pts), x_end),
        );
        if closed {
            right.push((format!("{c} (tasks/s, right axis)"), series.1, series.2));
        } else {
            left.push(series);
        }
    }
    if closed {
        for (i, r) in runs.iter().enumerate() {
            let pts: Vec<(f64, f64)> = r
                .run
                .syncs
                .iter()
                .filter_map(|s| s.backlog.map(|b| (x(s.time), b)))
                .collect();
            left.push((
                format!("{}backlog (tasks)", tag(i)),
                BACKLOG_COLORS[i],
                thin(pts),
            ));
        }
    }
    let peak = |v: &[Line]| {
        v.iter()
            .flat_map(|s| s.2.iter().map(|p| p.1))
            .fold(1.0, f64::max)
            * 1.1
    };
    let mut chart = ChartBuilder::on(&top)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .right_y_label_area_size(if closed { 60 } else { 0 })
        .caption(
            if closed {
                "backlog and arrivals"
            } else {
                "load (trace values)"
            },
            ("sans-serif", 16),
        )
        .build_cartesian_2d(0f64..x_end, 0f64..peak(&left))?
        .set_secondary_coord(0f64..x_end, 0f64..peak(&right));
    chart
        .configure_mesh()
        .x_desc(format!("time since trace start ({unit_name})"))
        .y_desc(if closed {
            "backlog (tasks)"
        } else {
            "metric value (see --help)"
        })
        .y_label_formatter(&|v| crate::report::num(*v))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    if closed {
        chart
            .configure_secondary_axes()
            .y_desc("arrivals (tasks/s)")
            .label_style(("sans-serif", 12))
            .draw()?;
    }
    for (name, color, pts) in left {
        let style = ShapeStyle::from(&color).stroke_width(2);
        chart
            .draw_series(LineSeries::new(pts, style))?
            .label(name)
            .legend(move |(lx, ly)| PathElement::new(vec![(lx, ly), (lx + 20, ly)], style));
    }
    for (name, color, pts) in right {
        let style = ShapeStyle::from(&color).stroke_width(1);
        chart
            .draw_secondary_series(LineSeries::new(pts, style))?
            .label(name)
            .legend(move |(lx, ly)| PathElement::new(vec![(lx, ly), (lx + 20, ly)], style));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;

    // Replicas.
    let max = runs.iter().map(|r| r.hpa.max_replicas).max().unwrap_or(1);
    let y_rep = f64::from(max) * 1.15 + 1.0;
    let mut chart = ChartBuilder::on(&bottom)
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .caption(
            "replicas (spec.replicas set by the HPA)",
            ("sans-serif", 16),
        )
        .build_cartesian_2d(0f64..x_end, 0f64..y_rep)?;
    chart
        .configure_mesh()
        .x_desc(format!("time since trace start ({unit_name})"))
        .y_desc("replicas")
        .y_label_formatter(&|v| crate::report::num(*v))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()?;
    for (i, r) in runs.iter().enumerate() {
        let mut pts: Vec<(f64, f64)> =
            vec![(0.0, f64::from(r.run.syncs.first().map_or(0, |s| s.before)))];
        pts.extend(r.run.syncs.iter().map(|s| (x(s.time), f64::from(s.after))));
        let style = ShapeStyle::from(&RUN_COLORS[i]).stroke_width(if i == 0 { 3 } else { 2 });
        chart
            .draw_series(LineSeries::new(steps(&thin(pts), x_end), style))?
            .label(format!("{}{} replicas", tag(i), r.hpa_name))
            .legend(move |(lx, ly)| PathElement::new(vec![(lx, ly), (lx + 20, ly)], style));
    }
    let mut bounds: Vec<i32> = runs
        .iter()
        .flat_map(|r| [r.hpa.max_replicas, r.hpa.min_replicas.unwrap_or(1)])
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let bound = RGBColor(150, 150, 150);
    for (i, b) in bounds.iter().enumerate() {
        let y = f64::from(*b);
        let series = chart.draw_series(DashedLineSeries::new(
            vec![(0.0, y), (x_end, y)],
            6,
            4,
            bound.stroke_width(1),
        ))?;
        if i == 0 {
            let names: Vec<String> = bounds.iter().map(|b| b.to_string()).collect();
            series
                .label(format!("min/maxReplicas ({})", names.join(", ")))
                .legend(move |(lx, ly)| PathElement::new(vec![(lx, ly), (lx + 20, ly)], bound));
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
