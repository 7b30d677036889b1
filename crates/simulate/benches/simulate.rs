//! `cargo bench -p scaleplan-simulate`: how long a simulation takes, at three
//! trace lengths (1, 3.5 and 7 days at 1-second resolution), for an HPA with
//! three metrics (CPU utilization, a Pods metric, an External queue metric),
//! open loop and closed loop; and a week end to end (CSV parse, simulation,
//! JSON output). A small harness, not criterion: the question is "well under
//! a second, and linear", which the best of a few runs answers.

use scaleplan_diag::SourceFile;
use scaleplan_simulate::engine::{SimConfig, run};
use scaleplan_simulate::feed::bind;
use scaleplan_simulate::input::{load_hpa_yaml, prepare};
use scaleplan_simulate::trace::{Trace, parse};
use std::hint::black_box;
use std::time::{Duration, Instant};

const HPA: &str = r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: bench}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: w}
  minReplicas: 2
  maxReplicas: 50
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
  - type: Pods
    pods: {metric: {name: requests_per_second}, target: {type: AverageValue, averageValue: "100"}}
  - type: External
    external: {metric: {name: queue_length}, target: {type: AverageValue, averageValue: "30"}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 300}
"#;

const DAY: usize = 86_400;

/// A deterministic load with a daily cycle and minute-scale noise (a linear
/// congruential generator: no dependency, same numbers every run).
fn load(seconds: usize, names: [&str; 3]) -> Trace {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut noise = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let mut cols = [
        Vec::with_capacity(seconds),
        Vec::with_capacity(seconds),
        Vec::with_capacity(seconds),
    ];
    for t in 0..seconds {
        let day = (std::f64::consts::TAU * (t % DAY) as f64 / DAY as f64)
            .sin()
            .max(0.0);
        let n = noise();
        cols[0].push(200.0 + 2000.0 * day * (0.9 + 0.2 * n));
        cols[1].push(300.0 + 3000.0 * day * (0.9 + 0.2 * n));
        cols[2].push(if names[2] == "arrivals" {
            5.0 + 60.0 * day * n
        } else {
            900.0 * day * n
        });
    }
    let columns = names
        .iter()
        .zip(cols)
        .map(|(n, v)| (n.to_string(), v))
        .collect();
    Trace::from_columns((0..seconds).map(|t| t as f64).collect(), columns)
}

/// Best of `runs` wall-clock times.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .min()
        .expect("at least one run")
}

fn main() {
    let src = SourceFile::new("bench.yaml", HPA);
    let hpa = prepare(&load_hpa_yaml(&src).unwrap().remove(0), Some(&src)).unwrap();
    let open_cfg = SimConfig::default();
    let closed_cfg = SimConfig {
        service_rate: Some(1.0),
        metric_lag: 30.0,
        ..SimConfig::default()
    };

    println!(
        "{:<12} {:>10} {:>8} {:>12} {:>14} {:>12} {:>14}",
        "trace", "steps", "syncs", "open loop", "ns/step", "closed loop", "ns/step"
    );
    for days in [1.0, 3.5, 7.0] {
        let steps = (days * DAY as f64) as usize;
        let open = load(steps, ["cpu", "requests_per_second", "queue_length"]);
        let open_feeds = bind(&hpa.spec, &hpa.metric_locations, &open, "bench", None).unwrap();
        let closed = load(steps, ["cpu", "requests_per_second", "arrivals"]);
        let closed_feeds = bind(
            &hpa.spec,
            &hpa.metric_locations,
            &closed,
            "bench",
            Some("queue_length"),
        )
        .unwrap();
        let syncs = run(&hpa.spec, &open_feeds, &open, &open_cfg).syncs.len();
        let t_open = best(5, || run(&hpa.spec, &open_feeds, &open, &open_cfg));
        let t_closed = best(5, || run(&hpa.spec, &closed_feeds, &closed, &closed_cfg));
        println!(
            "{:<12} {:>10} {:>8} {:>10.1}ms {:>14.1} {:>10.1}ms {:>14.1}",
            format!("{days} days"),
            steps,
            syncs,
            t_open.as_secs_f64() * 1e3,
            t_open.as_nanos() as f64 / steps as f64,
            t_closed.as_secs_f64() * 1e3,
            t_closed.as_nanos() as f64 / steps as f64,
        );
    }

    // A week end to end, as `scaleplan simulate --format json` does it.
    let week = load(7 * DAY, ["cpu", "requests_per_second", "queue_length"]);
    let mut csv = String::from("time,cpu,requests_per_second,queue_length\n");
    for (i, t) in week.times.iter().enumerate() {
        use std::fmt::Write;
        let _ = writeln!(
            csv,
            "{t},{:.1},{:.1},{:.1}",
            week.columns[0].values[i], week.columns[1].values[i], week.columns[2].values[i]
        );
    }
    let csv_src = SourceFile::new("week.csv", csv);
    let t_parse = best(3, || parse(&csv_src).unwrap());
    let parsed = parse(&csv_src).unwrap();
    let feeds = bind(&hpa.spec, &hpa.metric_locations, &parsed, "week.csv", None).unwrap();
    let t_total = best(3, || {
        let trace = parse(&csv_src).unwrap();
        let r = run(&hpa.spec, &feeds, &trace, &open_cfg);
        let labeled = [scaleplan_simulate::report::Labeled {
            source: "bench.yaml".into(),
            hpa_name: "bench".into(),
            hpa: &hpa.spec,
            run: r,
        }];
        let setting = scaleplan_simulate::report::Setting {
            trace_file: "week.csv",
            trace: &trace,
            columns: trace.columns.iter().map(|c| c.name.clone()).collect(),
            config: &open_cfg,
        };
        let mut out = Vec::new();
        scaleplan_simulate::report::json(&setting, &labeled, &mut out).expect("in memory");
        out.len()
    });
    println!(
        "\nweek end to end: CSV of {:.1} MB parsed in {:.1}ms; parse + simulate + JSON output {:.1}ms",
        csv_src.text.len() as f64 / 1e6,
        t_parse.as_secs_f64() * 1e3,
        t_total.as_secs_f64() * 1e3
    );
}
