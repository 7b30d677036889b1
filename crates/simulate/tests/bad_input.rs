//! Every kind of bad input gets a located, explained error and exit code 1
//! (2 for files that cannot be read). One snapshot per case.

mod common;
use common::{FIXTURES, TRACES, err};

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

const QUEUE_HPA: &str = "../../profiles/traces/tutorial-queue-hpa.yaml";

/// A closed-loop run of the tutorial's queue HPA on a broken trace.
fn bad_trace(name: &str) -> String {
    let (out, code) = err(&[QUEUE_HPA, "--trace", &fixture(name), "--service-rate", "1"]);
    assert_eq!(code, 1, "{out}");
    out
}

#[test]
fn field_count() {
    insta::assert_snapshot!(bad_trace("field-count.csv"));
}

#[test]
fn not_a_number() {
    insta::assert_snapshot!(bad_trace("not-a-number.csv"));
}

#[test]
fn time_backwards() {
    insta::assert_snapshot!(bad_trace("time-backwards.csv"));
}

#[test]
fn not_finite() {
    insta::assert_snapshot!(bad_trace("not-finite.csv"));
}

#[test]
fn negative() {
    insta::assert_snapshot!(bad_trace("negative.csv"));
}

#[test]
fn empty() {
    insta::assert_snapshot!(bad_trace("empty.csv"));
}

#[test]
fn header_only() {
    insta::assert_snapshot!(bad_trace("header-only.csv"));
}

#[test]
fn bad_header() {
    insta::assert_snapshot!(bad_trace("bad-header.csv"));
}

#[test]
fn unused_column() {
    insta::assert_snapshot!(bad_trace("unused-column.csv"));
}

#[test]
fn closed_loop_without_arrivals() {
    insta::assert_snapshot!(bad_trace("no-arrivals.csv"));
}

#[test]
fn unfed_metric() {
    // fastapi-hpa reads cpu and memory; the trace has only cpu.
    let (out, code) = err(&[
        &format!("{TRACES}/fastapi-hpa.yaml"),
        "--trace",
        &fixture("unfed-metric.csv"),
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn invalid_hpa() {
    let (out, code) = err(&[
        &fixture("invalid-hpa.yaml"),
        "--trace",
        &fixture("unfed-metric.csv"),
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn bad_quantity() {
    let (out, code) = err(&[
        &fixture("bad-quantity-hpa.yaml"),
        "--trace",
        &fixture("unfed-metric.csv"),
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn hpa_type_error() {
    let (out, code) = err(&[
        &fixture("type-error-hpa.yaml"),
        "--trace",
        &fixture("unfed-metric.csv"),
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn several_hpas_need_a_name() {
    let (out, code) = err(&[
        &fixture("two-hpas.yaml"),
        "--trace",
        &fixture("unfed-metric.csv"),
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
    let (out, _) = err(&[
        &fixture("two-hpas.yaml"),
        "--hpa",
        "third",
        "--trace",
        &fixture("unfed-metric.csv"),
    ]);
    insta::assert_snapshot!("unknown_hpa_name", out);
}

#[test]
fn bad_options() {
    let (out, code) = err(&[
        QUEUE_HPA,
        "--trace",
        &fixture("no-arrivals.csv"),
        "--service-rate",
        "0",
        "--metric-lag=-5",
        "--queue-metric",
        "x",
    ]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(out);
}

#[test]
fn missing_file_is_an_io_error() {
    let (out, code) = err(&[QUEUE_HPA, "--trace", "does-not-exist.csv"]);
    assert_eq!(code, 2);
    assert!(out.contains("does-not-exist.csv"), "{out}");
}
