//! Which files to lint: explicit files, directories walked recursively for
//! `.yaml`/`.yml` (honouring `.gitignore`, `.ignore` and the config's
//! `exclude`), and `-` for standard input.

use crate::config::Config;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One input: a file on disk, or text already read (standard input, tests).
#[derive(Clone, Debug)]
pub enum Input {
    Path(PathBuf),
    Text { name: String, text: String },
}

impl Input {
    /// The name diagnostics carry (`<stdin>` for `-`).
    pub fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Text { name, .. } => name.clone(),
        }
    }
}

/// The name standard input is shown under.
pub const STDIN_NAME: &str = "<stdin>";

/// Expands the command-line paths into inputs, in a stable order. Errors
/// (missing paths, unreadable stdin) are returned all together: they are
/// usage/I/O errors (exit 2).
pub fn collect(paths: &[PathBuf], config: &Config) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut stdin_done = false;
    for path in paths {
        if path.as_os_str() == "-" {
            if std::mem::replace(&mut stdin_done, true) {
                continue;
            }
            let mut text = String::new();
            match std::io::stdin().read_to_string(&mut text) {
                Ok(_) => inputs.push(Input::Text {
                    name: STDIN_NAME.into(),
                    text,
                }),
                Err(e) => errors.push(format!("{STDIN_NAME}: {e}")),
            }
        } else if path.is_dir() {
            walk(path, config, &mut inputs, &mut errors);
        } else if path.exists() {
            // An explicitly named file is linted whatever its extension.
            inputs.push(Input::Path(path.clone()));
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    (inputs, errors)
}

/// Whether a file name looks like YAML.
pub fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "YAML" | "YML")
    )
}

fn walk(dir: &Path, config: &Config, inputs: &mut Vec<Input>, errors: &mut Vec<String>) {
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        // .gitignore applies whether or not the tree is a git checkout.
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b));
    let walker = builder.build();
    for entry in walker {
        match entry {
            Ok(e) => {
                let is_file = e.file_type().is_some_and(|t| t.is_file());
                if is_file && is_yaml(e.path()) && !config.is_excluded(e.path(), false) {
                    inputs.push(Input::Path(e.into_path()));
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_yaml_files_honouring_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        std::fs::create_dir_all(d.join("built")).unwrap();
        for f in [
            "a/x.yaml",
            "a/b/y.yml",
            "a/readme.md",
            "built/z.yaml",
            "top.yaml",
        ] {
            std::fs::write(d.join(f), "a: 1\n").unwrap();
        }
        std::fs::write(d.join(".gitignore"), "built/\n").unwrap();
        let (inputs, errors) = collect(&[d.to_owned(), d.join("missing.yaml")], &Config::default());
        let names: Vec<String> = inputs
            .iter()
            .map(|i| {
                i.name()
                    .strip_prefix(&d.display().to_string())
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(names, ["/a/b/y.yml", "/a/x.yaml", "/top.yaml"]);
        assert_eq!(errors.len(), 1);
    }
}
