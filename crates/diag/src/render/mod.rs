//! One writer per output format. Each takes diagnostics already sorted
//! ([`crate::sort`]) and the sources they point into.
//!
//! Every format has a streaming writer (`write_*`) that writes each
//! diagnostic as it arrives, so a report's memory does not grow with the
//! number of findings, and a `String` form over it for small, in-memory uses.
//! The writers issue many small writes: give them a buffered writer.

mod github;
mod human;
mod json;
mod sarif;

pub use github::{github, write_github};
pub use human::{Color, human, write_human};
pub use json::{json, write_json};
pub use sarif::{RuleInfo, ToolInfo, file_uri, sarif, write_sarif};

use crate::{Severity, SourceFile};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// How many diagnostics a writer wrote, by severity. Also the JSON `summary`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Counts {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

/// The sources diagnostics point into, by the name they carry in `Location::file`.
#[derive(Default)]
pub struct Sources {
    files: BTreeMap<String, SourceFile>,
}

impl Sources {
    pub fn insert(&mut self, src: SourceFile) {
        self.files.insert(src.name.clone(), src);
    }
    pub fn get(&self, name: &str) -> Option<&SourceFile> {
        self.files.get(name)
    }
}

/// Writes pretty-printed JSON `text` with every line after the first indented
/// by `indent` spaces, so a value serialized on its own nests where
/// `serde_json` would have put it. Safe to split on `\n`: inside strings it
/// is escaped.
fn write_nested<W: Write>(w: &mut W, text: &str, indent: usize) -> io::Result<()> {
    let mut lines = text.split('\n');
    if let Some(first) = lines.next() {
        w.write_all(first.as_bytes())?;
    }
    for line in lines {
        write!(w, "\n{:indent$}{line}", "")?;
    }
    Ok(())
}

/// Runs a streaming writer into memory, for the `String` forms.
fn to_string(write: impl FnOnce(&mut Vec<u8>) -> io::Result<Counts>) -> String {
    let mut out = Vec::new();
    write(&mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the writers write UTF-8")
}

#[cfg(test)]
mod tests;
