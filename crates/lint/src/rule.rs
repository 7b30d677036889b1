//! The rule API: what a rule is, what it sees, and how it reports.
//!
//! A rule lives in its own file under `src/rules/` (or `src/checks/` for the
//! engine's own parsing checks). The file starts with the rule's user
//! documentation as `//!` comments (`## What it does`, `## Why is this bad?`,
//! `## Example`, `Use instead:`, `## References`), then declares
//! `pub(crate) const RULE: Rule` with its ID, default severity and summary,
//! then the check function. The registry (`rules/mod.rs`) includes the file
//! text with `include_str!`, so `scaleplan explain` prints exactly the
//! comment that sits above the code.
//!
//! Two kinds of checks exist:
//! - [`Check::Document`]: sees one parsed document with positions
//!   ([`DocumentContext`]); most rules are these.
//! - [`Check::Objects`]: runs once after every file was read, over the
//!   [`Index`] of all objects (by namespace/kind/name), for cross-object
//!   rules (an HPA whose target is missing, a PDB that blocks eviction at the
//!   HPA's minimum, ...). Objects in the index are small records; their
//!   pruned bodies are loaded on use ([`crate::index::IndexedObject::body`]),
//!   so that memory stays small on large inputs. Their findings are located
//!   by JSON pointer and resolved to `line:col` by the engine.

use crate::document::Positions;
use crate::index::Index;
use crate::kind::{ObjectKind, ObjectType};
use crate::pointer::Pointer;
use crate::version::KubeVersion;
use scaleplan_diag::yaml::field_path;
use scaleplan_diag::{Diagnostic, Severity, SourceFile};
use serde_json::Value;

/// A lint rule: its identity, defaults and check. Declared once per rule
/// file as `pub(crate) const RULE: Rule`.
#[derive(Debug)]
pub struct Rule {
    /// Stable ID users put in suppressions and config (`HPA001`).
    pub id: &'static str,
    /// Short kebab-case name (`hpa-min-above-max`), shown next to the ID.
    pub name: &'static str,
    /// Severity unless the config re-grades it.
    pub severity: Severity,
    /// Whether the rule runs without being enabled in the config.
    pub enabled: bool,
    /// One line: what the rule finds.
    pub summary: &'static str,
    pub check: Check,
}

/// How a rule runs.
#[derive(Clone, Copy)]
pub enum Check {
    /// On each document on its own.
    Document(fn(&DocumentContext<'_>, &mut Findings<'_>)),
    /// Once, over the index of every object of the input set.
    Objects(fn(&ObjectsContext<'_>, &mut Findings<'_>)),
    /// Reported by the engine itself while reading input (syntax, duplicate
    /// keys, templates); registered so that it can be listed, explained,
    /// suppressed and re-graded like any other rule.
    Engine,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Check::Document(_) => "Document",
            Check::Objects(_) => "Objects",
            Check::Engine => "Engine",
        })
    }
}

/// What a [`Check::Document`] rule sees: one document, with positions.
pub struct DocumentContext<'a> {
    pub source: &'a SourceFile,
    /// 0-based index of the document in its file.
    pub index: usize,
    pub object: &'a ObjectType,
    pub kubernetes_version: KubeVersion,
    json: Value,
    positions: &'a Positions,
    /// The document as autoscaling/v2, once a rule asked (see [`Self::hpa`]).
    hpa: std::cell::OnceCell<crate::rules::hpa_shape::Converted>,
}

impl<'a> DocumentContext<'a> {
    pub fn new(
        source: &'a SourceFile,
        index: usize,
        json: Value,
        positions: &'a Positions,
        object: &'a ObjectType,
        kubernetes_version: KubeVersion,
    ) -> Self {
        DocumentContext {
            source,
            index,
            object,
            kubernetes_version,
            json,
            positions,
            hpa: std::cell::OnceCell::new(),
        }
    }

    /// The document, an HPA of any version, in the autoscaling/v2 shape:
    /// converted once for all the rules that ask (a conversion copies a v1
    /// or v2beta1 document).
    pub(crate) fn hpa(&self) -> crate::rules::hpa_shape::HpaV2<'_> {
        use crate::rules::hpa_shape::HpaV2;
        let converted = self
            .hpa
            .get_or_init(|| HpaV2::from_document(&self.json).into_converted());
        HpaV2::view(converted, &self.json)
    }

    pub fn kind(&self) -> ObjectKind {
        self.object.kind
    }

    /// The document as JSON, the way Kubernetes' decoder would see it.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The value at a JSON pointer (`/spec/minReplicas`).
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.json.at(pointer)
    }

    /// The document as JSON, taken out of the context once the rules are
    /// done (the engine prunes it into the index without copying it).
    pub(crate) fn into_json(self) -> Value {
        self.json
    }

    /// `metadata.name`, when it is a string.
    pub fn name(&self) -> Option<&str> {
        self.get("/metadata/name").and_then(Value::as_str)
    }

    /// `metadata.namespace`, when set.
    pub fn namespace(&self) -> Option<&str> {
        self.get("/metadata/namespace").and_then(Value::as_str)
    }

    /// A finding about the field at `pointer`, located at its key (or at the
    /// deepest parent that exists, for a missing field), with the field path set.
    pub fn finding(&self, pointer: &str, message: impl Into<String>) -> Finding {
        Finding::located(
            self.positions
                .pointer_location(self.source, &self.json, pointer),
            pointer,
            message,
        )
    }

    /// A finding about the value at `pointer` (the caret goes under the value).
    pub fn value_finding(&self, pointer: &str, message: impl Into<String>) -> Finding {
        Finding::located(
            self.positions
                .value_location(self.source, &self.json, pointer),
            pointer,
            message,
        )
    }
}

/// What a [`Check::Objects`] rule sees: every object of the input set.
pub struct ObjectsContext<'a> {
    pub index: &'a Index,
    pub kubernetes_version: KubeVersion,
}

/// One finding of a rule, before the engine applies config and suppressions.
/// Build it with [`DocumentContext::finding`] or
/// [`crate::index::IndexedObject::finding`], add help, and push it into [`Findings`].
#[derive(Clone, Debug)]
pub struct Finding {
    pub(crate) diag: Diagnostic,
    /// For findings on indexed objects: where to resolve the location later.
    pub(crate) anchor: Option<Anchor>,
}

/// A position to resolve once the object's file is read again.
#[derive(Clone, Debug)]
pub(crate) struct Anchor {
    pub object: usize,
    pub pointer: String,
    pub at_value: bool,
}

impl Finding {
    fn located(
        location: scaleplan_diag::Location,
        pointer: &str,
        message: impl Into<String>,
    ) -> Self {
        let mut diag = Diagnostic::error("", message).at(location);
        if pointer.len() > 1 {
            diag = diag.field(field_path(pointer));
        }
        Finding { diag, anchor: None }
    }

    pub(crate) fn anchored(object: usize, pointer: &str, at_value: bool, message: String) -> Self {
        let mut diag = Diagnostic::error("", message);
        if pointer.len() > 1 {
            diag = diag.field(field_path(pointer));
        }
        Finding {
            diag,
            anchor: Some(Anchor {
                object,
                pointer: pointer.to_owned(),
                at_value,
            }),
        }
    }

    /// What to do about it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.diag.help = Some(help.into());
        self
    }

    /// Overrides the field path (set from the pointer by default).
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.diag.field = Some(field.into());
        self
    }

    /// The message, for tests and for rules that refine it.
    pub fn message(&self) -> &str {
        &self.diag.message
    }
}

/// Where a rule's findings go. The engine sets the rule's ID and effective
/// severity on every finding pushed here, so a rule never spells its own ID.
pub struct Findings<'s> {
    rule: &'static str,
    severity: Severity,
    pub(crate) out: Vec<Finding>,
    /// Takes the findings every [`FLUSH_AT`]: a cross-object rule can report
    /// on a large share of a large input, and they are located and written
    /// out in batches rather than held until the rule ends.
    flush: Option<&'s (dyn Fn(Vec<Finding>) + Sync)>,
}

/// How many findings a rule holds before they are flushed.
pub(crate) const FLUSH_AT: usize = 4096;

impl<'s> Findings<'s> {
    pub fn new(rule: &'static str, severity: Severity) -> Self {
        Findings {
            rule,
            severity,
            out: Vec::new(),
            flush: None,
        }
    }

    /// Findings handed to `flush` in batches (the rest stays in `out`).
    pub(crate) fn flushed_to(
        rule: &'static str,
        severity: Severity,
        flush: &'s (dyn Fn(Vec<Finding>) + Sync),
    ) -> Self {
        Findings {
            flush: Some(flush),
            ..Findings::new(rule, severity)
        }
    }

    pub fn push(&mut self, finding: Finding) {
        let mut finding = finding;
        finding.diag.rule = self.rule.into();
        finding.diag.severity = self.severity;
        self.out.push(finding);
        if let Some(flush) = self.flush
            && self.out.len() >= FLUSH_AT
        {
            flush(std::mem::take(&mut self.out));
        }
    }

    /// Whether no finding is held (findings already flushed do not count).
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// The findings' diagnostics (located ones only), for rule unit tests.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.out.iter().map(|f| &f.diag)
    }
}
