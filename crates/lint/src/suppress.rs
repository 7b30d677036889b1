//! In-manifest suppressions: the `scaleplan.dev/ignore` annotation.
//!
//! ```yaml
//! metadata:
//!   annotations:
//!     scaleplan.dev/ignore: "HPA003,HPA007 -- replicas are pinned during the migration"
//! ```
//!
//! The IDs before `--` are the rules silenced for this object (every finding
//! whose location is inside the object's document, including findings of
//! cross-object rules reported on it); the text after `--` is the reason,
//! kept for reviewers. IDs are matched case-insensitively.

use crate::pointer::Member;
use serde_json::Value;

/// The annotation key.
pub const IGNORE_ANNOTATION: &str = "scaleplan.dev/ignore";

/// A parsed `scaleplan.dev/ignore` annotation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suppression {
    /// Rule IDs, upper-cased.
    pub rules: Vec<String>,
    pub reason: Option<String>,
}

impl Suppression {
    pub fn parse(value: &str) -> Self {
        let (ids, reason) = match value.split_once("--") {
            Some((ids, reason)) => (
                ids,
                Some(reason.trim().to_owned()).filter(|r| !r.is_empty()),
            ),
            None => (value, None),
        };
        Suppression {
            rules: ids
                .split([',', ' '])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_ascii_uppercase)
                .collect(),
            reason,
        }
    }

    pub fn covers(&self, rule: &str) -> bool {
        self.rules.iter().any(|r| r.eq_ignore_ascii_case(rule))
    }

    /// Reads the annotation from a document, if it has one.
    pub fn of_document(root: &Value) -> Option<Self> {
        let value = root
            .member("metadata")?
            .member("annotations")?
            .get(IGNORE_ANNOTATION)?;
        value.as_str().map(Self::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_reason() {
        let s = Suppression::parse("hpa003, HPA007 -- pinned during migration");
        assert_eq!(s.rules, ["HPA003", "HPA007"]);
        assert_eq!(s.reason.as_deref(), Some("pinned during migration"));
        assert!(s.covers("hpa007"));
        assert!(!s.covers("HPA001"));
        assert_eq!(Suppression::parse("K8S001").reason, None);
    }
}
