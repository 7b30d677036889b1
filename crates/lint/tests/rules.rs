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

/// Lints one fixture file with only `rule` on.
fn lint_fixture(rule: &str, path: &Path) -> Vec<Diagnostic> {
    let text = std::fs::read_to_string(path).unwrap();
    let name = format!("{rule}/{}", path.file_name().unwrap().to_string_lossy());
    let options = LintOptions {
        rules: RuleSet::only(&[rule]),
        jobs: 1,
        ..LintOptions::default()
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
