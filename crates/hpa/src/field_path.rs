//! Field paths (`spec.metrics[0].resource.target`) built lazily: validation and
//! conversion run on every HPA read and nearly all are valid, so a path is a chain of
//! borrowed segments on the stack and is rendered to a `String` only for an error.

use std::fmt;

/// A path as a linked list from the leaf back to the root; each segment borrows its
/// parent, so extending a path costs nothing and allocates nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FieldPath<'a> {
    /// The first segment, printed as is (it may hold dots: `spec.behavior`).
    Root(&'static str),
    /// `parent.name`; the name may come from the data (a metric source's block name).
    Field(&'a FieldPath<'a>, &'a str),
    /// `parent[i]`.
    Index(&'a FieldPath<'a>, usize),
}

impl<'a> FieldPath<'a> {
    pub(crate) fn field<'b>(&'b self, name: &'b str) -> FieldPath<'b> {
        FieldPath::Field(self, name)
    }

    pub(crate) fn index(&self, i: usize) -> FieldPath<'_> {
        FieldPath::Index(self, i)
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root(root) => f.write_str(root),
            Self::Field(parent, name) => write!(f, "{parent}.{name}"),
            Self::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FieldPath;

    #[test]
    fn renders_segments_root_first_in_order() {
        let spec = FieldPath::Root("spec");
        let metrics = spec.field("metrics");
        let m3 = metrics.index(3);
        let block = String::from("containerResource");
        let source = m3.field(&block);
        let target = source.field("target");
        assert_eq!(
            target.field("averageValue").to_string(),
            "spec.metrics[3].containerResource.target.averageValue"
        );
        let policies = FieldPath::Root("spec.behavior.scaleUp").field("policies");
        assert_eq!(
            policies.index(0).index(12).field("type").to_string(),
            "spec.behavior.scaleUp.policies[0][12].type"
        );
        assert_eq!(spec.to_string(), "spec");
    }
}
