use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// How bad a finding is. Ordered so that `Error > Warning > Info`, which is
/// what `--fail-on` compares against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "info" | "note" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity {other:?} (expected error, warning or info)"
            )),
        }
    }
}

/// A place in a source file. Lines and columns are 1-based, columns count
/// Unicode scalar values (what editors and SARIF's default `charColumn` expect).
/// `end_*` is exclusive and may equal the start for a zero-width point.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Location {
    pub fn point(file: impl Into<String>, line: usize, column: usize) -> Self {
        Location {
            file: file.into(),
            line,
            column,
            end_line: line,
            end_column: column,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One thing the user is told: a rule or check ID, a severity, a message, and
/// where and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable identifier of the check that produced this (e.g. `P0101`, `HPA001`).
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    pub message: String,
    /// Absent only for problems that belong to no file (e.g. a missing input path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Field path inside the document, in the style of `spec.metrics[0].resource.name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(
        rule: impl Into<Cow<'static, str>>,
        severity: Severity,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            rule: rule.into(),
            severity,
            message: message.into(),
            location: None,
            field: None,
            help: None,
        }
    }

    pub fn error(rule: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Error, message)
    }

    pub fn warning(rule: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(rule, Severity::Warning, message)
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Order used by every writer: by file, position, then rule, so output is
    /// deterministic whatever order the checks ran in.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.location
                .as_ref()
                .map(|l| (l.file.as_str(), l.line, l.column)),
            self.rule.as_ref(),
            self.message.as_str(),
        )
    }
}

/// Sorts diagnostics into the canonical output order.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}
