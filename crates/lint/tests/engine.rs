//! The engine on its own fixtures (`tests/fixtures/lint-engine/`): parsing
//! problems, templates, suppressions, config, cross-object location.
//! Only the engine's own checks run here, so these snapshots do not move
//! when rules are added or reworded.

use scaleplan_diag::render::{Color, Sources, human};
use scaleplan_diag::{Diagnostic, Severity, SourceFile};
use scaleplan_lint::config::Config;
use scaleplan_lint::rule::{Check, Findings, ObjectsContext, Rule};
use scaleplan_lint::{Input, LintOptions, RuleSet, lint, lint_text};
use std::path::{Path, PathBuf};

const ENGINE_RULES: &[&str] = &[
    "YAML001", "YAML002", "YAML003", "YAML004", "YAML005", "K8S001",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/lint-engine")
}

fn options() -> LintOptions {
    LintOptions {
        rules: RuleSet::only(ENGINE_RULES),
        jobs: 1,
        ..LintOptions::default()
    }
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

/// Lints a fixture under its bare name and renders it the human way.
fn human_of(name: &str) -> (Vec<Diagnostic>, String) {
    let text = fixture_text(name);
    let result = lint_text(name, &text, &options());
    let mut sources = Sources::default();
    sources.insert(SourceFile::new(name, text));
    let out = human(&result.diagnostics, &sources, Color::Never);
    (result.diagnostics, out)
}

fn rules_of(diags: &[Diagnostic]) -> Vec<(String, usize, usize)> {
    diags
        .iter()
        .map(|d| {
            let l = d.location.as_ref().unwrap();
            (d.rule.to_string(), l.line, l.column)
        })
        .collect()
}

#[test]
fn multi_document_findings_point_at_fields() {
    let (diags, out) = human_of("multi.yaml");
    assert_eq!(
        rules_of(&diags),
        [
            ("K8S001".into(), 11, 3),  // minReplica: unknown field, at its key
            ("K8S001".into(), 13, 16), // maxReplicas: "3" is a string, at the value
            ("YAML002".into(), 21, 5), // the second `app` label key
        ]
    );
    insta::assert_snapshot!(out);
}

#[test]
fn crlf_and_bom_keep_positions() {
    let text = fixture_text("multi.yaml").replace('\n', "\r\n");
    let with_bom = format!("\u{feff}{text}");
    let plain = lint_text("multi.yaml", &fixture_text("multi.yaml"), &options());
    let crlf = lint_text("multi.yaml", &with_bom, &options());
    assert_eq!(rules_of(&plain.diagnostics), rules_of(&crlf.diagnostics));
    assert_eq!(crlf.files[0].documents, 3);
}

#[test]
fn billion_laughs_is_refused_and_later_documents_are_linted() {
    let (diags, out) = human_of("billion-laughs.yaml");
    let rules: Vec<_> = rules_of(&diags).into_iter().map(|r| r.0).collect();
    assert_eq!(rules, ["YAML003", "K8S001"], "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn templates_are_reported_once_at_their_first_expression() {
    let (diags, out) = human_of("helm-template.yaml");
    assert_eq!(rules_of(&diags), [("YAML004".into(), 1, 1)]);
    insta::assert_snapshot!("helm_template", out);
    let (diags, out) = human_of("envsubst.yaml");
    assert_eq!(rules_of(&diags), [("YAML004".into(), 5, 14)]);
    insta::assert_snapshot!("envsubst", out);
    let result = lint_text(
        "helm-template.yaml",
        &fixture_text("helm-template.yaml"),
        &options(),
    );
    assert!(result.files[0].template);
}

#[test]
fn syntax_error_loses_only_its_document() {
    let (diags, out) = human_of("syntax-error.yaml");
    let rules: Vec<_> = rules_of(&diags).into_iter().map(|r| r.0).collect();
    assert_eq!(rules, ["YAML001", "K8S001"], "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn suppression_annotation_silences_listed_rules_only() {
    let result = lint_text(
        "suppressed.yaml",
        &fixture_text("suppressed.yaml"),
        &options(),
    );
    assert_eq!(rules_of(&result.diagnostics), [("K8S001".into(), 21, 3)]);
    assert_eq!(result.suppressed, 3);
}

#[test]
fn config_regrades_disables_and_excludes() {
    let dir = fixtures().join("config");
    let config = Config::load(&dir.join(".scaleplan.yaml")).unwrap();
    assert_eq!(config.fail_on, Some(Severity::Warning));
    assert_eq!(config.kubernetes_version.unwrap().to_string(), "1.30");
    let (inputs, errors) = scaleplan_lint::input::collect(std::slice::from_ref(&dir), &config);
    assert!(errors.is_empty());
    let names: Vec<_> = inputs.iter().map(|i| i.name()).collect();
    assert_eq!(names.len(), 1, "vendor/ is excluded: {names:?}");
    assert!(names[0].ends_with("app/hpa.yaml"));
    let opts = LintOptions {
        rules: RuleSet::from_config(&config),
        jobs: 1,
        ..LintOptions::default()
    };
    let result = lint(&inputs, &opts);
    let got: Vec<_> = result
        .diagnostics
        .iter()
        .filter(|d| d.rule.starts_with("K8S") || d.rule.starts_with("YAML"))
        .map(|d| (d.rule.to_string(), d.severity))
        .collect();
    // The duplicate `name` key is off; the unknown field is re-graded.
    assert_eq!(got, [("K8S001".to_owned(), Severity::Warning)]);
}

/// A cross-object rule of the test's own: every Deployment that another
/// file's HPA targets gets a finding at its `spec.replicas`.
const CROSS: Rule = Rule {
    id: "TEST001",
    name: "test-cross",
    severity: Severity::Warning,
    enabled: true,
    summary: "Test rule",
    check: Check::Objects(cross),
};

fn cross(ctx: &ObjectsContext<'_>, out: &mut Findings) {
    use scaleplan_lint::kind::ObjectKind;
    for hpa in ctx.index.of_kind(ObjectKind::HorizontalPodAutoscaler) {
        let body = hpa.body();
        let Some(reference) = body.pointer("/spec/scaleTargetRef") else {
            continue;
        };
        if let Some(target) = ctx.index.find_ref(hpa.namespace(), reference) {
            out.push(
                target
                    .finding(
                        "/spec/replicas",
                        format!(
                            "{} is targeted by {}",
                            target.display_name(),
                            hpa.display_name()
                        ),
                    )
                    .help("drop spec.replicas"),
            );
        }
    }
}

#[test]
fn cross_object_findings_are_located_in_their_own_file() {
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: b, namespace: other}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 3\n";
    let deploy = "---\n# a comment\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n";
    let ignored = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: other\n  annotations: {scaleplan.dev/ignore: TEST001}\nspec:\n  replicas: 2\n";
    let inputs = [
        Input::Text {
            name: "hpa.yaml".into(),
            text: hpa.into(),
        },
        Input::Text {
            name: "deploy.yaml".into(),
            text: deploy.into(),
        },
        Input::Text {
            name: "ignored.yaml".into(),
            text: ignored.into(),
        },
    ];
    let opts = LintOptions {
        rules: RuleSet::with_rules(vec![(&CROSS, Severity::Warning)]),
        jobs: 2,
        ..LintOptions::default()
    };
    let result = lint(&inputs, &opts);
    assert_eq!(result.suppressed, 1);
    let d = &result.diagnostics;
    assert_eq!(d.len(), 1, "{d:#?}");
    let loc = d[0].location.as_ref().unwrap();
    assert_eq!(
        (loc.file.as_str(), loc.line, loc.column),
        ("deploy.yaml", 12, 3)
    );
    assert_eq!(d[0].field.as_deref(), Some("spec.replicas"));
    assert_eq!(
        d[0].message,
        "Deployment/web is targeted by HorizontalPodAutoscaler/a"
    );
}

#[test]
fn scaling_profiles_are_checked_by_the_profile_crate() {
    let profiles = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../profiles");
    let (inputs, _) = scaleplan_lint::input::collect(&[profiles], &Config::default());
    let opts = LintOptions {
        rules: RuleSet::only(&["PROFILE001", "K8S001"]),
        jobs: 1,
        ..LintOptions::default()
    };
    let result = lint(&inputs, &opts);
    assert!(
        result
            .files
            .iter()
            .any(|f| f.kinds.iter().any(|k| k.starts_with("ScalingProfile")))
    );
    assert!(result.diagnostics.is_empty(), "{:#?}", result.diagnostics);
    // A typo in a profile is reported with the profile check's own ID.
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../profiles/api.yaml"),
    )
    .unwrap()
    .replace("preset: api", "preset: api\n  presett: api");
    let result = lint_text("api.yaml", &text, &opts);
    assert_eq!(result.diagnostics.len(), 1, "{:#?}", result.diagnostics);
    assert!(
        result.diagnostics[0].rule.starts_with('P'),
        "{:?}",
        result.diagnostics[0]
    );
}

#[test]
fn a_file_that_is_not_utf8_is_a_finding_and_others_still_lint() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("latin1.yaml"),
        b"metadata:\n  name: caf\xe9\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ok.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {portz: []}\n",
    )
    .unwrap();
    let (inputs, _) = scaleplan_lint::input::collect(&[dir.path().to_owned()], &Config::default());
    let result = lint(&inputs, &options());
    let rules: Vec<_> = result
        .diagnostics
        .iter()
        .map(|d| d.rule.to_string())
        .collect();
    assert_eq!(rules, ["YAML005", "K8S001"]);
    let d = &result.diagnostics[0];
    assert!(d.message.contains("0xE9 at offset 21"), "{d:?}");
    let loc = d.location.as_ref().unwrap();
    assert_eq!((loc.line, loc.column), (2, 12));
}

/// Past the bundled schemas' version an unknown field is a K8S002 warning
/// (it may be a newer field), while wrong types stay K8S001 errors.
#[test]
fn unknown_fields_are_warnings_for_a_newer_target_version() {
    let text = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplica: 2\n  maxReplicas: \"3\"\n";
    let at = |version: &str| {
        let options = LintOptions {
            kubernetes_version: version.parse().unwrap(),
            rules: RuleSet::only(&["K8S001", "K8S002"]),
            jobs: 1,
            ..LintOptions::default()
        };
        lint_text("hpa.yaml", text, &options)
            .diagnostics
            .iter()
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                (d.rule.to_string(), d.severity, l.line)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        at("1.33"),
        [
            ("K8S001".into(), Severity::Error, 6),
            ("K8S001".into(), Severity::Error, 7)
        ]
    );
    assert_eq!(
        at("1.35"),
        [
            ("K8S002".into(), Severity::Warning, 6),
            ("K8S001".into(), Severity::Error, 7)
        ]
    );
}

/// A scaling profile is checked against saphyr's tree, read again for it.
/// With old Mac line ends the whole file is read again, and when that
/// fails (a syntax error elsewhere) the profile says it went unchecked.
#[test]
fn a_profile_that_cannot_be_read_again_says_so() {
    let profile = "apiVersion: scaleplan.dev/v1alpha1\nkind: ScalingProfile\nmetadata:\n  name: shop-worker\nspec:\n  preset: worker\n  schedule:\n    windows:\n    - name: a\n      start: \"0 8 * * 1-5\"\n      end: \"0 18 * * 1-5\"\n      minReplicas: 5\n    - name: a\n      start: \"0 8 * * 6\"\n      end: \"0 12 * * 6\"\n      minReplicas: 5\n";
    let options = LintOptions {
        rules: RuleSet::only(&["PROFILE001"]),
        ..LintOptions::default()
    };
    // Read again alone (LF, and with a broken document after it): checked.
    for text in [profile.to_owned(), format!("{profile}---\nbad: [\n")] {
        let r = lint_text("p.yaml", &text, &options);
        assert!(
            r.diagnostics
                .iter()
                .any(|d| d.rule.starts_with('P') && d.rule != "PROFILE001"),
            "{:#?}",
            r.diagnostics
        );
    }
    // Lone `\r` line ends and a syntax error: not checked, and said so.
    let text = format!("{profile}---\nbad: [\n").replace('\n', "\r");
    let r = lint_text("p.yaml", &text, &options);
    let unchecked: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("could not be read again"))
        .collect();
    assert_eq!(unchecked.len(), 1, "{:#?}", r.diagnostics);
    assert_eq!(unchecked[0].location.as_ref().map(|l| l.line), Some(1));
}
