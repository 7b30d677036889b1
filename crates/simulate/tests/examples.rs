//! The example traces through the example HPAs, in every output format.
//! Each snapshot was checked by hand against hpa-algorithm.md (see
//! docs/simulate.md for the syncs worked through).

mod common;
use common::{TRACES, ok};

fn path(name: &str) -> String {
    format!("{TRACES}/{name}")
}

/// The tutorial's load test (500 jobs, 20 at a time) against its Value-30 queue HPA.
fn load_test(format: &str) -> String {
    ok(&[
        &path("tutorial-queue-hpa.yaml"),
        "--trace",
        &path("tutorial-load-test.csv"),
        "--service-rate",
        "0.2",
        "--metric-lag",
        "30",
        "--format",
        format,
    ])
    .stdout
}

#[test]
fn load_test_table() {
    insta::assert_snapshot!(load_test("table"));
}

#[test]
fn load_test_csv() {
    insta::assert_snapshot!(load_test("csv"));
}

#[test]
fn load_test_json() {
    insta::assert_snapshot!(load_test("json"));
}

fn compare(format: &str) -> String {
    ok(&[
        &path("tutorial-queue-hpa.yaml"),
        "--compare",
        &path("tutorial-queue-hpa-averagevalue.yaml"),
        "--trace",
        &path("tutorial-load-test.csv"),
        "--service-rate",
        "0.2",
        "--metric-lag",
        "30",
        "--format",
        format,
    ])
    .stdout
}

#[test]
fn value_vs_average_value_table() {
    insta::assert_snapshot!(compare("table"));
}

#[test]
fn value_vs_average_value_csv() {
    insta::assert_snapshot!(compare("csv"));
}

#[test]
fn value_vs_average_value_json_summary() {
    let doc: serde_json::Value = serde_json::from_str(&compare("json")).unwrap();
    let summaries: Vec<_> = doc["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["hpa"].clone(), r["summary"].clone()))
        .collect();
    insta::assert_json_snapshot!(summaries);
}

/// A day of an API (open loop, CPU and memory). The full run is 5,761
/// syncs; the snapshot keeps every sync that changed the replicas, and the summary.
#[test]
fn daily_cycle_open_loop() {
    let out = ok(&[
        &path("fastapi-hpa.yaml"),
        "--trace",
        &path("daily-cycle.csv"),
        "--format",
        "json",
    ])
    .stdout;
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &doc["runs"][0];
    let changes: Vec<_> = run["syncs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["replicas"] != s["replicas_before"])
        .collect();
    insta::assert_json_snapshot!("daily_cycle_changes", changes);
    insta::assert_json_snapshot!("daily_cycle_summary", run["summary"]);
}

#[test]
fn svg_has_axes_labels_and_legend() {
    let out = ok(&[
        &path("tutorial-queue-hpa.yaml"),
        "--compare",
        &path("tutorial-queue-hpa-averagevalue.yaml"),
        "--trace",
        &path("tutorial-load-test.csv"),
        "--service-rate",
        "0.2",
        "--svg",
        "/dev/null",
    ]);
    let svg = out.svg.expect("--svg draws");
    for text in [
        "backlog (tasks)",
        "arrivals (tasks/s)",
        "time since trace start (minutes)",
        "A: celery-worker-hpa-custom replicas",
        "B: celery-worker-hpa-averagevalue replicas",
        "min/maxReplicas (2, 20)",
    ] {
        assert!(svg.contains(text), "missing {text:?}");
    }
}

/// A scaleplan profile is simulated through the HPA `scaleplan render`
/// writes for it: the queue-worker profile's External AverageValue queue
/// metric against the tutorial's load test.
#[test]
fn profile_input() {
    let out = ok(&[
        "../../profiles/queue-worker.yaml",
        "--trace",
        "tests/fixtures/queue-worker-load-test.csv",
        "--service-rate",
        "0.2",
        "--metric-lag",
        "30",
        "--format",
        "json",
    ])
    .stdout;
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &doc["runs"][0];
    insta::assert_json_snapshot!(
        "profile_queue_worker",
        serde_json::json!({"source": run["source"], "hpa": run["hpa"], "metrics": run["metrics"], "summary": run["summary"]})
    );
}
