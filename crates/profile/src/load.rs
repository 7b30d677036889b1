//! Reading profile files: discovery, YAML with positions, and running every
//! check on each document, then the checks that span documents and files.

use crate::checks;
use crate::model::ScalingProfile;
use crate::resolve::ResolvedProfile;
use saphyr::MarkedYaml;
use scaleplan_diag::render::Sources;
use scaleplan_diag::{Diagnostic, SourceFile, yaml};
use std::path::{Path, PathBuf};

/// One profile that parsed into the typed model.
#[derive(Clone, Debug)]
pub struct LoadedProfile {
    /// The file's display name (as in diagnostics' `Location::file`).
    pub file: String,
    /// 0-based index of the YAML document in the file.
    pub doc: usize,
    pub profile: ScalingProfile,
    pub resolved: ResolvedProfile,
}

/// Everything one run read: the profiles that parsed, every problem found,
/// and the sources the diagnostics point into (for the human renderer).
///
/// A profile appears in `profiles` when it parsed into the model, even if a
/// semantic check failed; render only when [`LoadOutcome::has_errors`] is false.
#[derive(Default)]
pub struct LoadOutcome {
    pub profiles: Vec<LoadedProfile>,
    /// Sorted with [`scaleplan_diag::sort`].
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
    /// Files read, in order.
    pub files: Vec<String>,
    /// True when a path could not be read (exit code 2 rather than 1).
    pub io_error: bool,
}

impl LoadOutcome {
    pub fn has_errors(&self) -> bool {
        self.io_error
            || self
                .diagnostics
                .iter()
                .any(|d| d.severity == scaleplan_diag::Severity::Error)
    }
}

/// Rule ID of an unreadable path; the outcome's `io_error` is set with it.
pub const IO_ERROR: &str = "P0002";

/// Loads and checks every `.yaml`/`.yml` file under `paths` (directories
/// recursively, in sorted order; a file named explicitly is read whatever
/// its extension). In a walked directory, documents of another API group
/// (Kubernetes manifests next to the profiles) are skipped. All problems
/// are collected; nothing stops at the first.
pub fn load_paths(paths: &[PathBuf]) -> LoadOutcome {
    let mut out = LoadOutcome::default();
    let mut files = Vec::new();
    for p in paths {
        collect(p, true, &mut files, &mut out);
    }
    for (f, explicit) in files {
        match SourceFile::read(&f) {
            Ok(src) => {
                let (profiles, diags) = check_source_in(&src, !explicit);
                out.files.push(src.name.clone());
                out.profiles.extend(profiles);
                out.diagnostics.extend(diags);
                out.sources.insert(src);
            }
            Err(e) => {
                out.io_error = true;
                out.diagnostics.push(
                    Diagnostic::error(IO_ERROR, format!("cannot read {e}"))
                        .help("check the path and its permissions"),
                );
            }
        }
    }
    out.diagnostics
        .extend(checks::across_profiles(&out.profiles, &out.sources));
    scaleplan_diag::sort(&mut out.diagnostics);
    out
}

fn collect(p: &Path, explicit: bool, files: &mut Vec<(PathBuf, bool)>, out: &mut LoadOutcome) {
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                out.io_error = true;
                out.diagnostics.push(
                    Diagnostic::error(IO_ERROR, format!("cannot read {}: {e}", p.display()))
                        .help("check the path and its permissions"),
                );
                return;
            }
        };
        entries.sort();
        for e in entries {
            collect(&e, false, files, out);
        }
    } else if explicit {
        files.push((p.to_path_buf(), true));
    } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
        files.push((p.to_path_buf(), false));
    }
}

/// Checks every document of one file on its own (no cross-file checks).
/// Empty documents are skipped; any other document must be a profile.
pub fn check_source(src: &SourceFile) -> (Vec<LoadedProfile>, Vec<Diagnostic>) {
    check_source_in(src, false)
}

/// Whether a document declares an `apiVersion` that is not ours: such
/// documents (HPAs kept as simulator inputs, say) are skipped when a
/// directory is walked, and reported (P0001) in a file named explicitly.
fn foreign(doc: &MarkedYaml<'_>) -> bool {
    match yaml::get(doc, "apiVersion").map(|(_, v)| yaml::to_json(v)) {
        Some(serde_json::Value::String(a)) => !a.starts_with("scaleplan.dev/"),
        _ => false,
    }
}

fn check_source_in(src: &SourceFile, skip_foreign: bool) -> (Vec<LoadedProfile>, Vec<Diagnostic>) {
    let docs = match yaml::load_documents(src) {
        Ok(d) => d,
        Err(d) => return (Vec::new(), vec![d]),
    };
    let mut profiles = Vec::new();
    let mut diags = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        if skip_foreign && foreign(doc) {
            continue;
        }
        let (p, d) = check_document(src, doc, i);
        profiles.extend(p);
        diags.extend(d);
    }
    (profiles, diags)
}

/// Checks one parsed document: strict schema, typed parse, semantic checks.
/// Returns the profile when it parsed into the model (possibly with semantic
/// errors). The linter calls this for profile documents it meets.
pub fn check_document(
    src: &SourceFile,
    doc: &MarkedYaml<'_>,
    index: usize,
) -> (Option<LoadedProfile>, Vec<Diagnostic>) {
    let json = yaml::to_json(doc);
    if json.is_null() {
        return (None, Vec::new());
    }
    let mut diags = checks::structure::check(src, doc, &json);
    let only_unknown_fields = diags.iter().all(|d| d.rule == checks::ids::UNKNOWN_FIELD);
    if !only_unknown_fields {
        return (None, diags);
    }
    // Unknown fields alone (typos) do not hide the other problems: check the
    // rest of the document as if they were absent.
    let json = if diags.is_empty() {
        json
    } else {
        let stripped = crate::schema::strip_unknown(&json);
        // A misspelt required field leaves the rest incomplete: the typo's
        // message already says what to write.
        if !crate::schema::validator().is_valid(&stripped) {
            return (None, diags);
        }
        stripped
    };
    let profile: ScalingProfile = match serde_json::from_value(json) {
        Ok(p) => p,
        Err(e) => {
            // The strict schema should have caught this; say so rather than lose it.
            diags.push(
                Diagnostic::error(
                    checks::structure::WRONG_TYPE,
                    format!("invalid profile: {e}"),
                )
                .at(yaml::span_location(src, &doc.span)),
            );
            return (None, diags);
        }
    };
    let resolved = profile.resolve();
    diags.extend(checks::semantic(&checks::Ctx {
        src,
        doc,
        profile: &profile,
        resolved: &resolved,
    }));
    (
        Some(LoadedProfile {
            file: src.name.clone(),
            doc: index,
            profile,
            resolved,
        }),
        diags,
    )
}
