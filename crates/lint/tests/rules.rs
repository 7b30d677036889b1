//! One fixture directory per rule (`tests/fixtures/lint/<RULE_ID>/`), with
//! bad and good inputs: each file is linted on its own with only that rule
//! on, every bad file must produce findings and every good file none, and
//! the findings of the whole directory are one reviewed snapshot.

use scaleplan_diag::Diagnostic;
use scaleplan_lint::{LintOptions, RuleSet, lint_text};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/lint")
}

/// `file:line:col severity RULE field: message` and an indented help line.
fn render(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let at = d
            .location
            .as_ref()
            .map(|l| format!("{}:{}:{}", l.file, l.line, l.column))
            .unwrap_or_else(|| "-".into());
        let field = d
            .field
            .as_deref()
            .map(|f| format!(" {f}:"))
            .unwrap_or_default();
        writeln!(out, "{at} {} {}{field} {}", d.severity, d.rule, d.message).unwrap();
        if let Some(h) = &d.help {
            writeln!(out, "    help: {h}").unwrap();
        }
    }
    out
}

/// Lints one fixture file with only `rule` on, at the Kubernetes version
/// named in the directory's `kubernetes-version` file (default 1.33).
fn lint_fixture(rule: &str, path: &Path) -> Vec<Diagnostic> {
    let text = std::fs::read_to_string(path).unwrap();
    let name = format!("{rule}/{}", path.file_name().unwrap().to_string_lossy());
    let version = std::fs::read_to_string(path.with_file_name("kubernetes-version"))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or_default();
    let options = LintOptions {
        rules: RuleSet::only(&[rule]),
        jobs: 1,
        kubernetes_version: version,
        // Every fixture's objects and findings go through the temporary
        // files (the path large inputs take); the engine tests cover the
        // in-memory one.
        index_memory: 0,
        findings_memory: 1,
    };
    lint_text(&name, &text, &options).diagnostics
}

fn check_rule(rule: &str) {
    let dir = fixtures().join(rule);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    files.sort();
    assert!(
        files
            .iter()
            .any(|f| f.file_name().unwrap().to_string_lossy().starts_with("bad")),
        "{rule}: no bad fixture"
    );
    assert!(
        files
            .iter()
            .any(|f| f.file_name().unwrap().to_string_lossy().starts_with("good")),
        "{rule}: no good fixture"
    );
    let mut all = Vec::new();
    for f in &files {
        let diags = lint_fixture(rule, f);
        let file = f.file_name().unwrap().to_string_lossy().into_owned();
        let others: Vec<_> = diags.iter().filter(|d| d.rule != rule).collect();
        assert!(
            others.is_empty(),
            "{rule}/{file}: findings of other rules: {others:?}"
        );
        if file.starts_with("good") {
            assert!(
                diags.is_empty(),
                "{rule}/{file} must be clean:\n{}",
                render(&diags)
            );
        } else {
            assert!(!diags.is_empty(), "{rule}/{file} must produce findings");
        }
        all.extend(diags);
    }
    insta::with_settings!({ snapshot_suffix => rule, prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("rule", render(&all));
    });
}

macro_rules! rule_tests {
    ($($test:ident => $id:literal,)*) => {
        $( #[test] fn $test() { check_rule($id); } )*

        /// Every registered autoscaling rule has a row in this table.
        #[test]
        fn every_rule_has_a_fixture_test() {
            let tested = [$($id),*];
            for entry in scaleplan_lint::registry::all() {
                let id = entry.rule.id;
                let engine_check = matches!(entry.rule.check, scaleplan_lint::rule::Check::Engine);
                if !engine_check && id != "K8S001" {
                    assert!(tested.contains(&id), "rule {id} has no fixture test");
                }
            }
        }
    };
}

rule_tests! {
    k8s002 => "K8S002",
    hpa001 => "HPA001",
    hpa002 => "HPA002",
    hpa003 => "HPA003",
    hpa004 => "HPA004",
    hpa005 => "HPA005",
    hpa006 => "HPA006",
    hpa007 => "HPA007",
    hpa008 => "HPA008",
    hpa009 => "HPA009",
    hpa010 => "HPA010",
    api001 => "API001",
    api002 => "API002",
    xobj001 => "XOBJ001",
    xobj002 => "XOBJ002",
    xobj003 => "XOBJ003",
    xobj004 => "XOBJ004",
    xobj005 => "XOBJ005",
    xobj006 => "XOBJ006",
    adapter001 => "ADAPTER001",
    adapter002 => "ADAPTER002",
    adapter003 => "ADAPTER003",
    adapter004 => "ADAPTER004",
    adapter005 => "ADAPTER005",
    adapter006 => "ADAPTER006",
    exporter001 => "EXPORTER001",
    exporter002 => "EXPORTER002",
    exporter003 => "EXPORTER003",
    exporter004 => "EXPORTER004",
    exporter005 => "EXPORTER005",
    exporter006 => "EXPORTER006",
    keda001 => "KEDA001",
    keda002 => "KEDA002",
    keda003 => "KEDA003",
    keda004 => "KEDA004",
    keda005 => "KEDA005",
    keda006 => "KEDA006",
    keda007 => "KEDA007",
    keda008 => "KEDA008",
    keda009 => "KEDA009",
}

/// The tutorial's own YAML (`tests/fixtures/lint/tutorial/`, extracted
/// byte-for-byte from its code blocks): every confirmed bug of
/// metrics-pipeline.md §4 that is visible in YAML is reported, at its line.
#[test]
fn tutorial_bugs_are_reported() {
    let dir = fixtures().join("tutorial");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    let inputs: Vec<scaleplan_lint::Input> = names
        .iter()
        .map(|n| scaleplan_lint::Input::Text {
            name: format!("tutorial/{n}"),
            text: std::fs::read_to_string(dir.join(n)).unwrap(),
        })
        .collect();
    let options = LintOptions {
        jobs: 1,
        ..LintOptions::default()
    };
    let result = scaleplan_lint::lint(&inputs, &options);
    let found: Vec<(String, String, usize)> = result
        .diagnostics
        .iter()
        .filter_map(|d| {
            let l = d.location.as_ref()?;
            Some((
                d.rule.to_string(),
                l.file.trim_start_matches("tutorial/").to_owned(),
                l.line,
            ))
        })
        .collect();
    let values = "monitoring-prometheus-adapter-values.yaml";
    let exporter = "workers-celery-metrics-exporter.yaml";
    let custom = "workers-hpa-custom.yaml";
    // (rule, file, line, metrics-pipeline.md §4 bug)
    let expected = [
        (
            "EXPORTER001",
            exporter,
            25,
            "7: unmaintained Celery-4 image, :latest",
        ),
        (
            "EXPORTER004",
            exporter,
            30,
            "4: CELERY_BROKER_URL is neither exporter's option",
        ),
        (
            "EXPORTER004",
            exporter,
            35,
            "5: CE_ACCEPT_CONTENT belongs to the other exporter",
        ),
        (
            "EXPORTER004",
            exporter,
            37,
            "6: CE_ENABLE_EVENTS does nothing",
        ),
        (
            "EXPORTER005",
            exporter,
            19,
            "9: prometheus.io annotations, no ServiceMonitor",
        ),
        (
            "EXPORTER002",
            values,
            10,
            "1, 2: celery_queue_length is not in the deployed image",
        ),
        (
            "EXPORTER002",
            values,
            20,
            "15: celery_tasks_pending exists in no exporter",
        ),
        (
            "EXPORTER002",
            values,
            30,
            "16: celery_task_succeeded_total is not in the deployed image",
        ),
        ("ADAPTER001", values, 30, "11: rate() in seriesQuery"),
        (
            "ADAPTER002",
            values,
            17,
            "14: metricsQuery ignores the templates (rule a)",
        ),
        (
            "ADAPTER002",
            values,
            27,
            "14: metricsQuery ignores the templates (rule b)",
        ),
        (
            "ADAPTER002",
            values,
            37,
            "16: metricsQuery ignores the templates (rule c)",
        ),
        (
            "ADAPTER006",
            values,
            7,
            "17: default rules overlap the custom rules",
        ),
        (
            "ADAPTER004",
            custom,
            32,
            "12: celery_queue_length served only for namespaces",
        ),
        (
            "ADAPTER004",
            custom,
            44,
            "16: celery_tasks_per_second served by no working rule",
        ),
        (
            "EXPORTER006",
            custom,
            36,
            "13: describedObject redis-service can never match",
        ),
        ("HPA007", custom, 39, "18: Value target on a backlog"),
        (
            "HPA009",
            custom,
            44,
            "19: scaling workers on their own throughput",
        ),
    ];
    let missing: Vec<_> = expected
        .iter()
        .filter(|(rule, file, line, _)| {
            !found
                .iter()
                .any(|(r, f, l)| r == rule && f == file && l == line)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "tutorial bugs not reported: {missing:#?}\nfound: {found:#?}"
    );
    insta::with_settings!({ prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("tutorial", render(&result.diagnostics));
    });
}

/// `docs/lint-rules.md` carries the rule table of the README; it must list
/// every registered rule with its default severity and summary.
#[test]
fn docs_rule_table_matches_the_registry() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/lint-rules.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let begin = doc
        .find("<!-- rules:begin -->\n")
        .expect("rules:begin marker")
        + "<!-- rules:begin -->\n".len();
    let end = doc.find("<!-- rules:end -->").expect("rules:end marker");
    let mut expected = String::from("| ID | Name | Severity | Summary |\n|---|---|---|---|\n");
    for e in scaleplan_lint::registry::all() {
        let r = e.rule;
        let severity = if r.enabled {
            r.severity.to_string()
        } else {
            format!("({}, off)", r.severity)
        };
        writeln!(
            expected,
            "| {} | `{}` | {severity} | {} |",
            r.id,
            r.name,
            r.summary.replace('|', "\\|")
        )
        .unwrap();
    }
    assert_eq!(
        &doc[begin..end],
        expected,
        "docs/lint-rules.md's rule table is stale; replace it with the expected text"
    );
}

/// Documents whose fields have the wrong types and shapes, with every rule
/// on: the rules skip what they cannot read (the schema check reports it),
/// and never panic or point outside the file.
#[test]
fn wrong_shapes_do_not_break_the_rules() {
    let path = fixtures().join("robustness/wrong-shapes.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines = text.lines().count();
    for version in ["1.24", "1.33", "1.34"] {
        let options = LintOptions {
            rules: RuleSet::only(
                &scaleplan_lint::registry::all()
                    .map(|e| e.rule.id)
                    .collect::<Vec<_>>(),
            ),
            jobs: 1,
            kubernetes_version: version.parse().unwrap(),
            ..LintOptions::default()
        };
        let result = lint_text("wrong-shapes.yaml", &text, &options);
        for d in &result.diagnostics {
            let l = d.location.as_ref().expect("every finding is located");
            assert!(
                l.line >= 1 && l.line <= lines,
                "{d:?} points outside the file"
            );
        }
    }
}
