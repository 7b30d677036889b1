//! Conformance runner for `hpa-vectors` files (hpa-algorithm.md §0): every vector of every
//! kind is run against this crate's code and compared with the value the upstream test
//! asserts. Used by the root test target `hpa_conformance` and by this crate's tests.

mod json;
mod kinds;
mod pod_vectors;
mod sync_vectors;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Every kind of the format, in the order of §0.
pub const KINDS: &[&str] = &[
    "behavior_rate_limit",
    "scale_up_limit",
    "scale_down_limit",
    "stabilize_with_behavior",
    "stabilize_legacy",
    "legacy_rules",
    "store_scale_event",
    "generate_rules",
    "replica_calc",
    "group_pods",
    "controller_sync",
    "validation",
];

/// Environment variable naming the vectors file.
pub const VECTORS_ENV: &str = "SCALEPLAN_HPA_VECTORS";

/// A vector whose result differs from the expectation (or could not be run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: String,
    pub name: String,
    pub expected: String,
    pub got: String,
}

/// The outcome of a run: pass/fail counts per kind and the failures.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// kind -> (passed, failed), in file order of first appearance.
    pub per_kind: Vec<(String, usize, usize)>,
    pub failures: Vec<Failure>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.per_kind.iter().map(|k| k.1).sum()
    }
    pub fn failed(&self) -> usize {
        self.per_kind.iter().map(|k| k.2).sum()
    }

    /// The printed report: one line per failure, one per kind, then the total.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.failures {
            out.push_str(&format!(
                "FAIL [{}] {}: expected {}, got {}\n",
                f.kind, f.name, f.expected, f.got
            ));
        }
        for (kind, p, f) in &self.per_kind {
            out.push_str(&format!("{kind}: {p} passed, {f} failed\n"));
        }
        out.push_str(&format!(
            "{} passed, {} failed\n",
            self.passed(),
            self.failed()
        ));
        out
    }
}

/// Why a file could not be run at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError(pub String);

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs every vector of the file at `path`.
pub fn run_file(path: &Path) -> Result<Report, FileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| FileError(format!("{}: cannot read vectors file: {e}", path.display())))?;
    run_json(&text).map_err(|FileError(e)| FileError(format!("{}: {e}", path.display())))
}

/// Runs every vector of a vectors document.
pub fn run_json(text: &str) -> Result<Report, FileError> {
    let doc: Value =
        serde_json::from_str(text).map_err(|e| FileError(format!("not valid JSON: {e}")))?;
    if doc.get("format").and_then(Value::as_str) != Some("hpa-vectors") {
        return Err(FileError("`format` is not \"hpa-vectors\"".into()));
    }
    if doc.get("format_version").and_then(Value::as_i64) != Some(1) {
        return Err(FileError(
            "unsupported `format_version` (expected 1)".into(),
        ));
    }
    let vectors = doc
        .get("vectors")
        .and_then(Value::as_array)
        .ok_or_else(|| FileError("`vectors` is missing or not an array".into()))?;
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for (i, v) in vectors.iter().enumerate() {
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("vectors[{i}]"));
        let kind = v
            .get("kind")
            .and_then(Value::as_str)
            .unwrap_or("<missing kind>")
            .to_string();
        let order = counts.len();
        let entry = counts.entry(kind.clone()).or_insert((order, 0, 0));
        let input = v.get("input").unwrap_or(&Value::Null);
        let expected = v.get("expected").unwrap_or(&Value::Null);
        match run_vector(&kind, input, expected) {
            Ok(()) => entry.1 += 1,
            Err(Mismatch { expected, got }) => {
                entry.2 += 1;
                failures.push(Failure {
                    kind,
                    name,
                    expected,
                    got,
                });
            }
        }
    }
    let mut per_kind: Vec<(usize, String, usize, usize)> = counts
        .into_iter()
        .map(|(k, (o, p, f))| (o, k, p, f))
        .collect();
    per_kind.sort();
    Ok(Report {
        per_kind: per_kind.into_iter().map(|(_, k, p, f)| (k, p, f)).collect(),
        failures,
    })
}

/// A vector's result that differs from its expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub expected: String,
    pub got: String,
}

impl Mismatch {
    fn malformed(what: impl std::fmt::Display) -> Self {
        Mismatch {
            expected: "a well-formed vector".into(),
            got: format!("malformed vector: {what}"),
        }
    }
}

fn run_vector(kind: &str, input: &Value, expected: &Value) -> Result<(), Mismatch> {
    match kind {
        "behavior_rate_limit" => kinds::behavior_rate_limit(input, expected),
        "scale_up_limit" => kinds::policy_limit(input, expected, true),
        "scale_down_limit" => kinds::policy_limit(input, expected, false),
        "stabilize_with_behavior" => kinds::stabilize_with_behavior_vector(input, expected),
        "stabilize_legacy" => kinds::stabilize_legacy_vector(input, expected),
        "legacy_rules" => kinds::legacy_rules(input, expected),
        "store_scale_event" => kinds::store_scale_event_vector(input, expected),
        "generate_rules" => kinds::generate_rules(input, expected),
        "replica_calc" => pod_vectors::replica_calc(input, expected),
        "group_pods" => pod_vectors::group_pods_vector(input, expected),
        "controller_sync" => sync_vectors::controller_sync(input, expected),
        "validation" => kinds::validation(input, expected),
        other => Err(kinds::VectorError::Mismatch(Mismatch {
            expected: format!("a known kind ({})", KINDS.join(", ")),
            got: format!("unknown kind {other:?}"),
        })),
    }
    .map_err(|e| match e {
        kinds::VectorError::Malformed(m) => Mismatch::malformed(m),
        kinds::VectorError::Mismatch(m) => m,
    })
}

/// The vectors file to run: `$SCALEPLAN_HPA_VECTORS`, else `default`.
pub fn vectors_path(default: &Path) -> PathBuf {
    std::env::var_os(VECTORS_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| default.to_path_buf())
}

/// The `main` of a `harness = false` conformance test: runs the file, prints the report,
/// and fails when anything failed or the file could not be run.
pub fn main_with_default(default: &Path) -> ExitCode {
    let path = vectors_path(default);
    match run_file(&path) {
        Ok(report) => {
            println!("hpa conformance: {}", path.display());
            print!("{}", report.render());
            if report.failed() == 0 && report.passed() > 0 {
                ExitCode::SUCCESS
            } else {
                if report.passed() + report.failed() == 0 {
                    eprintln!("error: {}: the file holds no vectors", path.display());
                }
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            println!("0 passed, 1 failed");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(vectors: &str) -> String {
        format!(r#"{{"format": "hpa-vectors", "format_version": 1, "vectors": [{vectors}]}}"#)
    }

    const LEGACY: &str = r#"{"name": "cap", "kind": "legacy_rules", "input": {"current_replicas": 3,
        "desired_replicas": 1, "min_replicas": 2, "max_replicas": 8, "scale_up_limit_factor": 8.0,
        "scale_up_limit_minimum": 4.0}, "expected": {"replicas": 2, "reason": "TooFewReplicas"}}"#;

    #[test]
    fn passing_vector_is_counted() {
        let r = run_json(&doc(LEGACY)).unwrap();
        assert_eq!((r.passed(), r.failed()), (1, 0));
        assert!(
            r.render()
                .ends_with("legacy_rules: 1 passed, 0 failed\n1 passed, 0 failed\n")
        );
    }

    #[test]
    fn wrong_expectation_prints_expected_and_got() {
        let wrong = LEGACY.replace("\"replicas\": 2", "\"replicas\": 3");
        let r = run_json(&doc(&wrong)).unwrap();
        assert_eq!(r.failed(), 1);
        let out = r.render();
        assert!(
            out.starts_with("FAIL [legacy_rules] cap: expected "),
            "{out}"
        );
        assert!(
            out.contains("\"replicas\":3") && out.contains("got {\"replicas\":2"),
            "{out}"
        );
    }

    #[test]
    fn unknown_kind_and_unknown_expectation_fail() {
        let unknown = r#"{"name": "x", "kind": "brand_new", "input": {}, "expected": {}}"#;
        let extra = LEGACY.replace(
            "\"reason\": \"TooFewReplicas\"",
            "\"reason\": \"TooFewReplicas\", \"surprise\": 1",
        );
        let r = run_json(&doc(&format!("{unknown}, {extra}"))).unwrap();
        assert_eq!(r.failed(), 2);
        assert!(r.render().contains("unknown kind \"brand_new\""));
        assert!(r.render().contains("unsupported expectation `surprise`"));
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(run_json("not json").is_err());
        assert!(run_json(r#"{"format": "other", "format_version": 1, "vectors": []}"#).is_err());
        assert!(run_json(r#"{"format": "hpa-vectors", "format_version": 1}"#).is_err());
        let missing_field =
            r#"{"name": "m", "kind": "legacy_rules", "input": {}, "expected": {"replicas": 1}}"#;
        let r = run_json(&doc(missing_field)).unwrap();
        assert!(
            r.render()
                .contains("malformed vector: missing field `current_replicas`")
        );
    }

    #[test]
    fn integers_are_parsed_exactly() {
        // 2^63-1 must not go through float64.
        let v = r#"{"name": "sat", "kind": "replica_calc", "input": {"metric_source": "external_value",
            "current_replicas": 3, "target_value_milli": 9223372036854775807,
            "external_values_milli": [4611686018427387904, 4611686018427387904],
            "tolerance": {"scale_up": 0.1, "scale_down": 0.1},
            "pods": [{"name": "a", "phase": "Running", "ready": true, "ready_transition_s": 0,
                      "start_time_s": 0, "deleting": false, "request_milli": null}]},
            "expected": {"replicas": 3, "usage_milli": 9223372036854775807}}"#;
        let r = run_json(&doc(v)).unwrap();
        assert_eq!(r.failed(), 0, "{}", r.render());
    }
}
