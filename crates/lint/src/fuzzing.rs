//! The body of the fuzz target (`fuzz/fuzz_targets/lint.rs`), kept here so
//! that the same checks also run on stable as a bounded property test
//! (`tests/fuzz.rs`): any bytes go through the lint entry point with every
//! rule on, and the result must hold the invariants users rely on.

use crate::engine::{LintOptions, RuleSet, lint_text};
use scaleplan_diag::SourceFile;

/// Lints arbitrary bytes and panics if an invariant breaks: every finding
/// is located inside the text it names, on an existing line and column.
pub fn lint_bytes(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // non-UTF-8 files are reported before parsing (YAML005)
    };
    let options = LintOptions {
        rules: RuleSet::defaults(),
        jobs: 1,
        ..LintOptions::default()
    };
    let result = lint_text("fuzz.yaml", text, &options);
    let src = SourceFile::new("fuzz.yaml", text);
    for d in &result.diagnostics {
        let loc = d
            .location
            .as_ref()
            .unwrap_or_else(|| panic!("finding without a location: {d:?}"));
        assert_eq!(loc.file, "fuzz.yaml");
        let line = src
            .line(loc.line)
            .unwrap_or_else(|| panic!("line outside the input: {d:?}"));
        assert!(
            loc.column >= 1 && loc.column <= line.chars().count() + 1,
            "column outside its line: {d:?}"
        );
        assert!(!d.message.is_empty(), "empty message: {d:?}");
    }
    assert_eq!(result.files.len(), 1);
    assert_eq!(result.files[0].kinds.len(), result.files[0].documents);
}
