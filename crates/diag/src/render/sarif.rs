use super::{Counts, to_string, write_nested};
use crate::{Diagnostic, Severity};
use serde_json::{Value, json};
use std::borrow::Borrow;
use std::collections::HashMap;
use std::io::{self, Write};

/// What SARIF says about a rule in `tool.driver.rules`: code scanning UIs
/// show the summary as the alert title and the help as its documentation.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub id: String,
    /// Kebab-case name (`hpa-min-above-max`).
    pub name: String,
    /// One line.
    pub summary: String,
    /// The rule's full documentation, Markdown.
    pub help: String,
    pub default_severity: Severity,
    /// Where the documentation lives online, when it does.
    pub help_uri: Option<String>,
}

/// The tool that produced the run.
#[derive(Clone, Debug)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
    pub information_uri: Option<String>,
}

/// The SARIF 2.1.0 format: one run, every rule's metadata, and a `results`
/// array that is present (and empty) when there are no findings. Paths are
/// written as relative URI references; absolute paths as `file://` URIs.
pub fn sarif(diags: &[Diagnostic], rules: &[RuleInfo], tool: &ToolInfo) -> String {
    to_string(|w| write_sarif(w, diags, rules, tool))
}

/// [`sarif`], written one result at a time. The bytes are those
/// `serde_json::to_string_pretty` gives for the whole log, plus a newline.
pub fn write_sarif<W: Write>(
    w: &mut W,
    diags: impl IntoIterator<Item = impl Borrow<Diagnostic>>,
    rules: &[RuleInfo],
    tool: &ToolInfo,
) -> io::Result<Counts> {
    // The log without results, split where they go: `results` is the last
    // member of the last (only) run, so its last occurrence is the one.
    let log = serde_json::to_string_pretty(&envelope(rules, tool))?;
    let at = log
        .rfind(EMPTY_RESULTS)
        .expect("the envelope has an empty results array");
    let (head, tail) = log.split_at(at + EMPTY_RESULTS.len() - 1);
    let indent = at - log[..at].rfind('\n').map_or(0, |i| i + 1);

    let mut first_index = HashMap::new();
    for (i, r) in rules.iter().enumerate() {
        first_index.entry(r.id.as_str()).or_insert(i);
    }
    let mut counts = Counts::default();
    w.write_all(head.as_bytes())?;
    for d in diags {
        let d = d.borrow();
        let sep = if counts.total() == 0 { "" } else { "," };
        write!(w, "{sep}\n{:1$}", "", indent + 2)?;
        let item = result(d, first_index.get(d.rule.as_ref()).copied());
        write_nested(w, &serde_json::to_string_pretty(&item)?, indent + 2)?;
        counts.add(d.severity);
    }
    // serde_json prints an empty array as `[]`, a full one with `]` on its own line.
    if counts.total() > 0 {
        write!(w, "\n{:indent$}", "")?;
    }
    w.write_all(tail.as_bytes())?;
    w.write_all(b"\n")?;
    Ok(counts)
}

const EMPTY_RESULTS: &str = "\"results\": []";

/// The whole log with an empty `results` array.
fn envelope(rules: &[RuleInfo], tool: &ToolInfo) -> Value {
    let rules: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut rule = json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.help, "markdown": r.help },
                "defaultConfiguration": { "level": level(r.default_severity) },
            });
            if let Some(uri) = &r.help_uri {
                rule["helpUri"] = json!(uri);
            }
            rule
        })
        .collect();
    let mut driver = json!({
        "name": tool.name,
        "version": tool.version,
        "semanticVersion": tool.version,
        "rules": rules,
    });
    if let Some(uri) = &tool.information_uri {
        driver["informationUri"] = json!(uri);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": [],
        }],
    })
}

/// One diagnostic as a SARIF result; `rule_index` is its rule's position in
/// `tool.driver.rules`, when it has one.
fn result(d: &Diagnostic, rule_index: Option<usize>) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut result = json!({
        "ruleId": d.rule,
        "level": level(d.severity),
        "message": { "text": text },
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    if let Some(loc) = &d.location {
        let mut region = json!({
            "startLine": loc.line.max(1),
            "startColumn": loc.column.max(1),
        });
        if loc.end_line > loc.line || (loc.end_line == loc.line && loc.end_column > loc.column) {
            region["endLine"] = json!(loc.end_line);
            region["endColumn"] = json!(loc.end_column.max(1));
        }
        result["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": file_uri(&loc.file) },
                "region": region,
            }
        }]);
    }
    if let Some(field) = &d.field {
        result["properties"] = json!({ "field": field });
    }
    result
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a SARIF `uri`: a relative reference with `/` separators,
/// or a `file://` URI for absolute paths; reserved characters percent-encoded.
pub fn file_uri(name: &str) -> String {
    let path = name.replace('\\', "/");
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(file_uri("a b/c.yaml"), "a%20b/c.yaml");
        assert_eq!(file_uri("/abs/x.yaml"), "file:///abs/x.yaml");
        assert_eq!(file_uri("<stdin>"), "%3Cstdin%3E");
    }

    #[test]
    fn clean_run_still_has_results() {
        let tool = ToolInfo {
            name: "scaleplan".into(),
            version: "0.1.0".into(),
            information_uri: None,
        };
        let v: Value = serde_json::from_str(&sarif(&[], &[], &tool)).unwrap();
        assert_eq!(v["runs"][0]["results"], json!([]));
    }
}
