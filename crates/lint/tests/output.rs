//! The output formats on one fixture: JSON (stable schema), SARIF (valid
//! against the official SARIF 2.1.0 schema, with and without results),
//! GitHub annotations, and the exit codes.

use scaleplan_diag::render::Color;
use scaleplan_diag::{Exit, Severity};
use scaleplan_lint::output::{Format, exit_code, render};
use scaleplan_lint::{Input, LintOptions, LintResult, RuleSet, lint};
use serde_json::Value;
use std::path::Path;

fn fixture() -> (Vec<Input>, LintResult) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/lint-engine");
    let inputs = vec![Input::Text {
        name: "multi.yaml".into(),
        text: std::fs::read_to_string(dir.join("multi.yaml")).unwrap(),
    }];
    let options = LintOptions {
        // The engine's checks only, so that the snapshots do not follow rule changes.
        rules: RuleSet::only(&[
            "YAML001", "YAML002", "YAML003", "YAML004", "YAML005", "K8S001",
        ]),
        jobs: 1,
        ..LintOptions::default()
    };
    let result = lint(&inputs, &options);
    (inputs, result)
}

fn sarif_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).unwrap();
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    log
}

#[test]
fn json_is_the_documented_schema() {
    let (inputs, result) = fixture();
    let text = render(&result, &inputs, Format::Json, Color::Never);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1);
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_is_valid_and_carries_rule_metadata() {
    let (inputs, result) = fixture();
    let text = render(&result, &inputs, Format::Sarif, Color::Never);
    let log = assert_valid_sarif(&text);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    // Every registered rule is described, with its docs as help.
    assert_eq!(rules.len(), scaleplan_lint::registry::all().count());
    for r in rules {
        assert!(
            r["help"]["text"]
                .as_str()
                .unwrap()
                .contains("## What it does"),
            "{r}"
        );
    }
    for res in run["results"].as_array().unwrap() {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
    }
    // The rule table is long and follows the registry; snapshot the results.
    insta::assert_json_snapshot!(run["results"]);
}

#[test]
fn clean_sarif_still_has_an_empty_results_array() {
    let inputs = vec![Input::Text {
        name: "ok.yaml".into(),
        text: "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n".into(),
    }];
    let result = lint(
        &inputs,
        &LintOptions {
            jobs: 1,
            ..LintOptions::default()
        },
    );
    assert!(result.diagnostics.is_empty(), "{:?}", result.diagnostics);
    let log = assert_valid_sarif(&render(&result, &inputs, Format::Sarif, Color::Never));
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn the_schema_check_can_fail() {
    // kube-score's SARIF broke consumers with an empty driver name and empty
    // snippets; make sure the validator used above would notice such things.
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}},
        "results": [{"message": {}, "locations": [{"physicalLocation": {"region": {"startLine": 0}}}]}]}]});
    assert!(sarif_validator().iter_errors(&bad).count() >= 3);
}

#[test]
fn every_rule_finding_of_the_whole_corpus_is_valid_sarif() {
    // All rules on the engine fixtures, with absolute paths and stdin-like names.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/lint-engine");
    let (mut inputs, _) = scaleplan_lint::input::collect(&[dir], &Default::default());
    inputs.push(Input::Text {
        name: "<stdin>".into(),
        text: "a: [".into(),
    });
    let result = lint(
        &inputs,
        &LintOptions {
            jobs: 1,
            ..LintOptions::default()
        },
    );
    assert!(!result.diagnostics.is_empty());
    assert_valid_sarif(&render(&result, &inputs, Format::Sarif, Color::Never));
}

#[test]
fn github_annotations() {
    let (inputs, result) = fixture();
    insta::assert_snapshot!(render(&result, &inputs, Format::Github, Color::Never));
}

#[test]
fn exit_codes_follow_fail_on() {
    let (_, result) = fixture();
    assert_eq!(exit_code(&result, Some(Severity::Error)), Exit::Failure);
    assert_eq!(exit_code(&result, None), Exit::Ok);
    let clean = LintResult::default();
    assert_eq!(exit_code(&clean, Some(Severity::Info)), Exit::Ok);
    let mut warned = fixture().1;
    warned
        .diagnostics
        .iter_mut()
        .for_each(|d| d.severity = Severity::Warning);
    assert_eq!(exit_code(&warned, Some(Severity::Error)), Exit::Ok);
    assert_eq!(exit_code(&warned, Some(Severity::Warning)), Exit::Failure);
    let missing = lint(
        &[Input::Path("/nonexistent/x.yaml".into())],
        &LintOptions::default(),
    );
    assert_eq!(exit_code(&missing, None), Exit::Usage);
}
