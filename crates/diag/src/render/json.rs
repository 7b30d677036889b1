use crate::Diagnostic;
use serde::Serialize;

/// Version of the JSON output schema; bumped on any incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    diagnostics: &'a [Diagnostic],
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
}

/// The JSON format: `{"version":1,"diagnostics":[...],"summary":{...}}`.
/// Each diagnostic is the serde form of [`Diagnostic`]; its fields are the
/// stable, documented schema.
pub fn json(diags: &[Diagnostic]) -> String {
    use crate::Severity::*;
    let count = |s| diags.iter().filter(|d| d.severity == s).count();
    let report = Report {
        version: JSON_SCHEMA_VERSION,
        diagnostics: diags,
        summary: Summary {
            errors: count(Error),
            warnings: count(Warning),
            infos: count(Info),
        },
    };
    let mut s = serde_json::to_string_pretty(&report).expect("diagnostics serialize");
    s.push('\n');
    s
}
