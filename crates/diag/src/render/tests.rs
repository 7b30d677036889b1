//! Every format on one set of awkward diagnostics. The snapshots were taken
//! from the renderers that built the whole document in memory, so they pin
//! the streaming writers to the same bytes.

use super::*;
use crate::{Diagnostic, Location, Severity, SourceFile};

fn sources() -> Vec<SourceFile> {
    vec![
        SourceFile::new("a.yaml", "spec:\n  minReplicas: 5\n  maxReplicas: 2\n"),
        SourceFile::new(
            "dir with space/ü.yaml",
            "metadata:\n  name: \"größe\"\nspec:\n  metrics: []\n",
        ),
    ]
}

/// Already in output order: no location first, then by file and position.
fn sample() -> Vec<Diagnostic> {
    let mut diags = vec![
        Diagnostic::error(
            "IO",
            "cannot read \"missing.yaml\": no such file\nsecond line",
        )
        .help("check the path"),
        Diagnostic::new("P0001", Severity::Info, "no location, with field").field("spec.x"),
        Diagnostic::error("P0201", "minReplicas (5) is greater than maxReplicas (2)")
            .at(Location {
                file: "a.yaml".into(),
                line: 2,
                column: 3,
                end_line: 2,
                end_column: 14,
            })
            .field("spec.minReplicas")
            .help("lower minReplicas or raise maxReplicas"),
        Diagnostic::warning("HPA001", "tab\there, backslash \\ and 100% \u{1F680}")
            .at(Location::point("a.yaml", 3, 3)),
        Diagnostic::warning("NOPE9", "rule not in the rule list, span over lines").at(Location {
            file: "a.yaml".into(),
            line: 2,
            column: 3,
            end_line: 3,
            end_column: 5,
        }),
        Diagnostic::new(
            "K8S002",
            Severity::Info,
            "name \"größe\" is not a DNS label: 'ß'",
        )
        .at(Location {
            file: "dir with space/ü.yaml".into(),
            line: 2,
            column: 9,
            end_line: 2,
            end_column: 16,
        })
        .field("metadata.name"),
        Diagnostic::error("K8S001", "file has no source loaded")
            .at(Location::point("gone.yaml", 7, 1))
            .help("a help line, with: punctuation"),
    ];
    crate::sort(&mut diags);
    diags
}

fn rules() -> Vec<RuleInfo> {
    vec![
        RuleInfo {
            id: "HPA001".into(),
            name: "hpa-min-above-max".into(),
            summary: "minReplicas above maxReplicas".into(),
            help: "## What it does\nChecks \"min\" <= max.\n".into(),
            default_severity: Severity::Error,
            help_uri: Some("https://example.com/HPA001".into()),
        },
        RuleInfo {
            id: "K8S002".into(),
            name: "unknown-field".into(),
            summary: "unknown field".into(),
            help: "Fields the schema does not know.".into(),
            default_severity: Severity::Warning,
            help_uri: None,
        },
    ]
}

fn tool() -> ToolInfo {
    ToolInfo {
        name: "scaleplan".into(),
        version: "0.1.0".into(),
        information_uri: Some("https://example.com".into()),
    }
}

fn all_sources() -> Sources {
    let mut s = Sources::default();
    for src in sources() {
        s.insert(src);
    }
    s
}

#[test]
fn json_sample() {
    insta::assert_snapshot!(json(&sample()));
}

#[test]
fn json_empty() {
    insta::assert_snapshot!(json(&[]));
}

#[test]
fn sarif_sample() {
    insta::assert_snapshot!(sarif(&sample(), &rules(), &tool()));
}

#[test]
fn sarif_empty() {
    insta::assert_snapshot!(sarif(&[], &[], &tool()));
}

#[test]
fn github_sample() {
    insta::assert_snapshot!(github(&sample()));
}

#[test]
fn human_sample() {
    insta::assert_snapshot!(human(&sample(), &all_sources(), Color::Never));
}

/// Runs a streaming writer on owned diagnostics, as the lint CLI does.
fn stream(
    write: impl FnOnce(&mut Vec<u8>, std::vec::IntoIter<Diagnostic>) -> std::io::Result<Counts>,
    diags: Vec<Diagnostic>,
) -> (String, Counts) {
    let mut out = Vec::new();
    let counts = write(&mut out, diags.into_iter()).unwrap();
    (String::from_utf8(out).unwrap(), counts)
}

const SAMPLE_COUNTS: Counts = Counts {
    errors: 3,
    warnings: 2,
    infos: 2,
};

#[test]
fn streamed_json_is_the_document() {
    let (text, counts) = stream(write_json, sample());
    assert_eq!(text, json(&sample()));
    assert_eq!(counts, SAMPLE_COUNTS);
    // Byte-exact against serde_json on the whole document (snapshots trim ends).
    let whole: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(text, serde_json::to_string_pretty(&whole).unwrap() + "\n");

    let (empty, counts) = stream(write_json, vec![]);
    assert_eq!(counts, Counts::default());
    assert_eq!(
        empty,
        "{\n  \"version\": 1,\n  \"diagnostics\": [],\n  \"summary\": {\n    \"errors\": 0,\n    \
         \"warnings\": 0,\n    \"infos\": 0\n  }\n}\n"
    );
}

#[test]
fn streamed_sarif_is_the_log() {
    for (diags, rules) in [(sample(), rules()), (vec![], vec![]), (vec![], rules())] {
        let (text, counts) = stream(|w, d| write_sarif(w, d, &rules, &tool()), diags.clone());
        assert_eq!(text, sarif(&diags, &rules, &tool()));
        assert_eq!(counts.total(), diags.len());
        let whole: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(text, serde_json::to_string_pretty(&whole).unwrap() + "\n");
        assert_eq!(
            whole["runs"][0]["results"].as_array().unwrap().len(),
            diags.len()
        );
    }
}

#[test]
fn streamed_github_is_one_line_each() {
    let (text, counts) = stream(write_github, sample());
    assert_eq!(text, github(&sample()));
    assert_eq!(text.lines().count(), sample().len());
    assert_eq!(counts, SAMPLE_COUNTS);
    assert_eq!(stream(write_github, vec![]).0, "");
}

#[test]
fn streamed_human_loads_each_file_once() {
    let mut loaded = Vec::new();
    let (text, counts) = stream(
        |w, d| {
            write_human(
                w,
                d,
                |name| {
                    loaded.push(name.to_owned());
                    sources().into_iter().find(|s| s.name == name)
                },
                Color::Never,
            )
        },
        sample(),
    );
    assert_eq!(text, human(&sample(), &all_sources(), Color::Never));
    assert!(text.ends_with("punctuation\n\n"));
    assert_eq!(counts, SAMPLE_COUNTS);
    assert_eq!(loaded, ["a.yaml", "dir with space/ü.yaml", "gone.yaml"]);

    let (empty, _) = stream(
        |w, d| write_human(w, d, |_| None::<SourceFile>, Color::Never),
        vec![],
    );
    assert_eq!(empty, "");
}
