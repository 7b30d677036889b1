//! Every document of the manifests at hand, for unit tests that check a
//! shortcut against the long way on real input: the rule fixtures (the
//! tutorial's YAML among them), and the third-party corpus beside the
//! repository when present.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Each document's JSON, with the file it came from.
pub(crate) fn documents() -> Vec<(PathBuf, Value)> {
    let mut out = Vec::new();
    for (p, text) in files() {
        crate::parse::read_documents(&text, &mut |d| out.push((p.clone(), d.json)));
    }
    out
}

/// Every YAML file of the manifests at hand, with its text.
pub(crate) fn files() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut stack: Vec<PathBuf> = [
        root.join("tests/fixtures/lint"),
        root.join("../shared/corpus"),
    ]
    .into_iter()
    .filter(|d| d.exists())
    .collect();
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("a readable directory")
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                out.push((p, text));
            }
        }
    }
    out
}
