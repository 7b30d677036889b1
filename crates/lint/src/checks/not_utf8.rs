//! ## What it does
//! Reports an input file that is not UTF-8 text, with the byte offset of the
//! first invalid byte.
//!
//! ## Why is this bad?
//! Kubernetes manifests are UTF-8 (JSON and YAML 1.2 both require Unicode);
//! a file in another encoding, or a binary file with a `.yaml` name, cannot
//! be applied as it is.
//!
//! ## Example
//! A file saved as Latin-1 with `café` in an annotation.
//!
//! Use instead: save the file as UTF-8 (`iconv -f latin1 -t utf-8`).
//!
//! ## References
//! - [YAML 1.2.2: character encodings](https://yaml.org/spec/1.2.2/#52-character-encodings)

use crate::rule::{Check, Rule};
use scaleplan_diag::Severity;

pub const ID: &str = "YAML005";

pub(crate) const RULE: Rule = Rule {
    id: ID,
    name: "not-utf8",
    severity: Severity::Error,
    enabled: true,
    summary: "The file is not UTF-8 text",
    check: Check::Engine,
};
