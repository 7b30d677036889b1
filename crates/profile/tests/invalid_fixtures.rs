//! One invalid fixture per check under `tests/fixtures/profiles/invalid/`,
//! each with a reviewed snapshot of its human message. Every fixture must
//! trigger its check and nothing else, and every check must have a fixture.

use scaleplan_diag::SourceFile;
use scaleplan_diag::render::{Color, Sources, human};
use scaleplan_profile::checks::CHECKS;
use scaleplan_profile::checks::ids::*;
use scaleplan_profile::{check_source, checks, load_paths};
use std::path::{Path, PathBuf};

/// (check ID, fixture name). The fixture is `<name>.yaml`, named after the check.
const TABLE: &[(&str, &str)] = &[
    (NOT_A_PROFILE, "not-a-profile"),
    (UNKNOWN_FIELD, "unknown-field"),
    (WRONG_TYPE, "wrong-type"),
    (MISSING_FIELD, "missing-field"),
    (INVALID_VALUE, "invalid-value"),
    (MIN_ABOVE_MAX, "min-above-max"),
    (MIN_BELOW_ONE, "min-below-one"),
    (MAX_BELOW_ONE, "max-below-one"),
    (MAX_MISSING, "max-missing"),
    (REPLICAS_RANGE, "replicas-out-of-range"),
    (NO_METRIC, "no-metric"),
    (DUPLICATE_METRIC, "duplicate-metric"),
    (TARGET_INVALID, "target-invalid"),
    (MISSING_REQUEST, "missing-request"),
    (LIMIT_BELOW_REQUEST, "limit-below-request"),
    (MALFORMED_QUANTITY, "malformed-quantity"),
    (WINDOW_RANGE, "stabilization-window-range"),
    (POLICY_VALUE, "policy-value"),
    (POLICY_PERIOD, "policy-period"),
    (EMPTY_POLICIES, "empty-policies"),
    (NEGATIVE_TOLERANCE, "negative-tolerance"),
    (TOLERANCE_GATE, "tolerance-gate"),
    (INVALID_NAME, "invalid-name"),
    (INVALID_NAMESPACE, "invalid-namespace"),
    (INVALID_LABEL, "invalid-label"),
    (GENERATED_NAME_TOO_LONG, "generated-name-too-long"),
    (QUEUE_TARGET, "queue-target"),
    (NO_QUEUE, "no-queue"),
    (INLINE_CREDENTIALS, "inline-credentials"),
    (BROKER_REFERENCE, "broker-reference"),
    (EXPORTER_IMAGE_UNPINNED, "exporter-image-unpinned"),
    (EXPORTER_PORT, "exporter-port"),
    (PROMETHEUS_URL, "prometheus-url"),
    (SCALE_TO_ZERO_GATE, "scale-to-zero-gate"),
    (INVALID_CRON, "invalid-cron"),
    (INVALID_TIME_ZONE, "invalid-time-zone"),
    (SCHEDULED_REPLICAS, "scheduled-replicas"),
    (OVERLAPPING_WINDOWS, "overlapping-windows"),
    (DUPLICATE_WINDOW, "duplicate-window"),
    (DUPLICATE_HPA, "duplicate-hpa"),
    (DUPLICATE_WORKLOAD, "duplicate-workload"),
    (DUPLICATE_OBJECT, "duplicate-object"),
];

/// Checks that no file can trigger, each with the test that covers it instead.
const NO_FIXTURE: &[(&str, &str)] = &[
    (
        IO,
        "a missing path, not a file: see `unreadable_path_is_a_usage_error`",
    ),
    (
        HPA_API_REJECTS,
        "a safety net behind every specific check: see the property test",
    ),
];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/profiles/invalid")
}

/// Runs the per-file and cross-profile checks on a fixture, named by its
/// repository-relative path so that snapshots do not depend on the checkout.
fn run(name: &str) -> (Vec<scaleplan_diag::Diagnostic>, String) {
    let path = fixtures().join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let src = SourceFile::new(format!("tests/fixtures/profiles/invalid/{name}.yaml"), text);
    let (profiles, mut diags) = check_source(&src);
    let mut sources = Sources::default();
    sources.insert(src);
    diags.extend(checks::across_profiles(&profiles, &sources));
    scaleplan_diag::sort(&mut diags);
    let text = human(&diags, &sources, Color::Never);
    (diags, text)
}

#[test]
fn every_check_has_a_fixture() {
    for c in CHECKS {
        if NO_FIXTURE.iter().any(|(id, _)| *id == c.id) {
            continue;
        }
        let entry = TABLE.iter().find(|(id, _)| *id == c.id);
        let Some((_, name)) = entry else {
            panic!(
                "check {} ({}) has no invalid fixture in TABLE",
                c.id, c.name
            );
        };
        assert_eq!(
            *name, c.name,
            "fixture of {} should be named after the check",
            c.id
        );
        assert!(
            fixtures().join(format!("{name}.yaml")).is_file(),
            "missing tests/fixtures/profiles/invalid/{name}.yaml"
        );
    }
    assert_eq!(
        TABLE.len() + NO_FIXTURE.len(),
        CHECKS.len(),
        "TABLE lists a check that does not exist"
    );
}

#[test]
fn invalid_fixtures() {
    for (id, name) in TABLE {
        let (diags, text) = run(name);
        assert!(!diags.is_empty(), "{name}: no diagnostic");
        for d in &diags {
            assert_eq!(d.rule, *id, "{name}: expected only {id}, got:\n{text}");
            assert!(d.location.is_some(), "{name}: unlocated diagnostic");
            assert!(d.field.is_some(), "{name}: no field path");
            assert!(d.help.is_some(), "{name}: no hint");
        }
        insta::assert_snapshot!(format!("invalid_{name}"), text);
    }
}

#[test]
fn all_problems_of_a_run_are_reported_together() {
    let out = load_paths(&[fixtures()]);
    let ids: std::collections::BTreeSet<&str> =
        out.diagnostics.iter().map(|d| d.rule.as_ref()).collect();
    for (id, _) in TABLE {
        // Walking a directory skips documents of other API groups on purpose.
        if *id == NOT_A_PROFILE {
            continue;
        }
        assert!(
            ids.contains(id),
            "{id} missing when validating the whole directory"
        );
    }
}

#[test]
fn unreadable_path_is_a_usage_error() {
    let out = load_paths(&[Path::new("/nonexistent/profiles.yaml").to_path_buf()]);
    assert!(out.io_error);
    assert_eq!(out.diagnostics[0].rule, IO);
}

#[test]
fn typos_do_not_hide_other_problems() {
    let text = "\
apiVersion: scaleplan.dev/v1alpha1
kind: ScalingProfile
metadata: {name: shop, namespace: shop}
spec:
  preset: api
  replicas: {min: 5, max: 3, mn: 1}
  workload: {name: shop, containers: [{name: app, resources: {requests: {cpu: 1, memory: 1Gi}}}]}
  behavior:
    scaleUp: {stabilisationWindowSeconds: 10, policies: []}
";
    let src = SourceFile::new("typos.yaml", text);
    let (_, mut diags) = check_source(&src);
    scaleplan_diag::sort(&mut diags);
    let rules: Vec<&str> = diags.iter().map(|d| d.rule.as_ref()).collect();
    assert_eq!(
        rules,
        [MIN_ABOVE_MAX, UNKNOWN_FIELD, UNKNOWN_FIELD, EMPTY_POLICIES]
    );
    let mut sources = Sources::default();
    sources.insert(src);
    insta::assert_snapshot!(human(&diags, &sources, Color::Never));
}

#[test]
fn a_misspelt_required_field_is_reported_once() {
    let text = "\
apiVersion: scaleplan.dev/v1alpha1
kind: ScalingProfile
metadata: {name: shop, namespace: shop}
spec:
  preset: api
  workload: {name: shop, containers: [{name: app, resources: {requests: {cpu: 1, memory: 1Gi}}}]}
  behavior:
    scaleUp:
      policies: [{type: Pods, value: 1, periodSecond: 60}]
";
    let (_, diags) = check_source(&SourceFile::new("typo.yaml", text));
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].rule, UNKNOWN_FIELD);
    assert_eq!(
        diags[0].help.as_deref(),
        Some("did you mean `periodSeconds`?")
    );
}
