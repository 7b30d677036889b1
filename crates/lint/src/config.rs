//! `.scaleplan.yaml`: per-repository lint settings.
//!
//! ```yaml
//! lint:
//!   kubernetes-version: "1.31"   # default for --kubernetes-version
//!   fail-on: warning             # default for --fail-on
//!   rules:
//!     HPA004: off                # disable
//!     HPA009: warning            # re-grade (error | warning | info)
//!     HPA012: on                 # enable a rule that is off by default
//!   exclude:                     # .gitignore syntax, relative to this file
//!     - charts/*/templates/
//!     - "*.generated.yaml"
//! ```
//!
//! The file is found by walking up from the first input (or the current
//! directory for `-`), or given with `--config`. Command-line flags win over it.

use crate::registry;
use crate::version::KubeVersion;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use scaleplan_diag::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The config file name looked up from the inputs upwards.
pub const CONFIG_FILE: &str = ".scaleplan.yaml";

#[derive(Deserialize, Default, Debug)]
struct ConfigFile {
    #[serde(default)]
    lint: LintSection,
}

#[derive(Deserialize, Default, Debug)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct LintSection {
    kubernetes_version: Option<String>,
    fail_on: Option<String>,
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    exclude: Vec<String>,
}

/// What the config says about one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    /// On at its default severity.
    On,
    /// On at this severity.
    Severity(Severity),
}

/// Settings read from a config file (or the defaults when there is none).
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from.
    pub path: Option<PathBuf>,
    pub kubernetes_version: Option<KubeVersion>,
    pub fail_on: Option<Severity>,
    /// By upper-cased rule ID.
    pub rules: BTreeMap<String, RuleSetting>,
    exclude: Option<Gitignore>,
}

impl Config {
    /// Reads and checks a config file. Every problem is reported, each
    /// naming the file and the key.
    pub fn load(path: &Path) -> Result<Config, Vec<String>> {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| vec![format!("{shown}: {e}")])?;
        let file: ConfigFile = if text.trim().is_empty() {
            ConfigFile::default()
        } else {
            serde_saphyr::from_str(&text).map_err(|e| vec![format!("{shown}: {e}")])?
        };
        let section = file.lint;
        let mut errors = Vec::new();
        let mut config = Config {
            path: Some(path.to_owned()),
            ..Config::default()
        };
        if let Some(v) = &section.kubernetes_version {
            match v.parse() {
                Ok(v) => config.kubernetes_version = Some(v),
                Err(e) => errors.push(format!("{shown}: lint.kubernetes-version: {e}")),
            }
        }
        if let Some(s) = &section.fail_on {
            match s.parse() {
                Ok(s) => config.fail_on = Some(s),
                Err(e) => errors.push(format!("{shown}: lint.fail-on: {e}")),
            }
        }
        for (id, setting) in &section.rules {
            if registry::find(id).is_none() {
                errors.push(format!(
                    "{shown}: lint.rules.{id}: no rule has this ID (`scaleplan rules` lists them)"
                ));
                continue;
            }
            let parsed = match setting.to_ascii_lowercase().as_str() {
                "off" | "false" | "disable" | "disabled" => Ok(RuleSetting::Off),
                "on" | "true" | "enable" | "enabled" => Ok(RuleSetting::On),
                other => other.parse().map(RuleSetting::Severity),
            };
            match parsed {
                Ok(p) => {
                    config.rules.insert(id.to_ascii_uppercase(), p);
                }
                Err(_) => errors.push(format!(
                    "{shown}: lint.rules.{id}: {setting:?} is not one of off, on, error, warning, info"
                )),
            }
        }
        if !section.exclude.is_empty() {
            let root = path.parent().unwrap_or(Path::new("."));
            let mut builder = GitignoreBuilder::new(root);
            for pattern in &section.exclude {
                if let Err(e) = builder.add_line(None, pattern) {
                    errors.push(format!("{shown}: lint.exclude: {pattern:?}: {e}"));
                }
            }
            match builder.build() {
                Ok(g) => config.exclude = Some(g),
                Err(e) => errors.push(format!("{shown}: lint.exclude: {e}")),
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    /// Looks for [`CONFIG_FILE`] in `start` and its parents.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).ok()?;
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE);
            if candidate.is_file() {
                return Some(candidate);
            }
            dir = d.parent();
        }
        None
    }

    /// Whether a path is excluded by `lint.exclude`.
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        let Some(g) = &self.exclude else {
            return false;
        };
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        abs.strip_prefix(g.path()).is_ok()
            && g.matched_path_or_any_parents(&abs, is_dir).is_ignore()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_reports_every_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(
            &path,
            "lint:\n  fail-on: warning\n  rules:\n    YAML002: off\n    YAML004: info\n  exclude: [\"vendor/\"]\n",
        )
        .unwrap();
        let c = Config::load(&path).unwrap();
        assert_eq!(c.fail_on, Some(Severity::Warning));
        assert_eq!(c.rules["YAML002"], RuleSetting::Off);
        assert_eq!(c.rules["YAML004"], RuleSetting::Severity(Severity::Info));
        assert!(c.is_excluded(&dir.path().join("vendor/x.yaml"), false));
        assert!(!c.is_excluded(&dir.path().join("app/x.yaml"), false));
        assert_eq!(
            Config::discover(&dir.path().join("vendor")),
            Some(path.clone())
        );

        std::fs::write(
            &path,
            "lint:\n  fail-on: sometimes\n  rules:\n    NOPE1: off\n  typo: 1\n",
        )
        .unwrap();
        let errs = Config::load(&path).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}"); // unknown key `typo` stops the typed read
        std::fs::write(
            &path,
            "lint:\n  fail-on: sometimes\n  rules:\n    NOPE1: off\n",
        )
        .unwrap();
        let errs = Config::load(&path).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
    }
}
