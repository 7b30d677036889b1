use super::{Counts, to_string};
use crate::{Diagnostic, Severity};
use std::borrow::Borrow;
use std::io::{self, Write};

/// The GitHub Actions format: one workflow command per diagnostic
/// (`::error file=...,line=...,col=...,title=...::message`), which the
/// Actions runner turns into annotations on the pull request's diff.
pub fn github(diags: &[Diagnostic]) -> String {
    to_string(|w| write_github(w, diags))
}

/// [`github`], written one diagnostic (one line) at a time.
pub fn write_github<W: Write>(
    w: &mut W,
    diags: impl IntoIterator<Item = impl Borrow<Diagnostic>>,
) -> io::Result<Counts> {
    let mut counts = Counts::default();
    for d in diags {
        let d = d.borrow();
        w.write_all(command(d).as_bytes())?;
        counts.add(d.severity);
    }
    Ok(counts)
}

/// One diagnostic's workflow command, with its line end.
fn command(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let mut props = Vec::new();
    if let Some(loc) = &d.location {
        props.push(format!("file={}", escape_property(&loc.file)));
        props.push(format!("line={}", loc.line));
        props.push(format!("col={}", loc.column));
        if loc.end_line >= loc.line {
            props.push(format!("endLine={}", loc.end_line));
            if loc.end_line == loc.line && loc.end_column > loc.column {
                props.push(format!("endColumn={}", loc.end_column));
            }
        }
    }
    props.push(format!("title={}", escape_property(&d.rule)));
    let mut message = d.message.clone();
    if let Some(field) = &d.field {
        message.push_str(&format!("\nfield: {field}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!(
        "::{command} {}::{}\n",
        props.join(","),
        escape_data(&message)
    )
}

/// Escaping of a workflow command's message (the runner's `escapeData`).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value (`escapeProperty`).
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Location;

    #[test]
    fn one_annotation_per_diagnostic_with_escaping() {
        let d = Diagnostic::error("HPA001", "min (5) > max (2): 100%")
            .at(Location {
                file: "a,b.yaml".into(),
                line: 3,
                column: 3,
                end_line: 3,
                end_column: 14,
            })
            .field("spec.minReplicas")
            .help("lower it");
        assert_eq!(
            github(&[d]),
            "::error file=a%2Cb.yaml,line=3,col=3,endLine=3,endColumn=14,title=HPA001::\
             min (5) > max (2): 100%25%0Afield: spec.minReplicas%0Ahelp: lower it\n"
        );
    }
}
