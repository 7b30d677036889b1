use crate::{Diagnostic, Severity};
use serde_json::{Value, json};

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
    let rule_index = |id: &str| rules.iter().position(|r| r.id == id);
    let results: Vec<Value> = diags
        .iter()
        .map(|d| {
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
            if let Some(i) = rule_index(&d.rule) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(loc) = &d.location {
                let mut region = json!({
                    "startLine": loc.line.max(1),
                    "startColumn": loc.column.max(1),
                });
                if loc.end_line > loc.line
                    || (loc.end_line == loc.line && loc.end_column > loc.column)
                {
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
        })
        .collect();
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
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    s.push('\n');
    s
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
