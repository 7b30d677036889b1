//! The engine's own checks: problems met while reading input, before (or
//! instead of) the autoscaling rules, and strict schema validation of
//! built-in kinds. They are rules like any other: listed by `scaleplan
//! rules`, explained, suppressed and re-graded the same way.

crate::registry::register! { CHECKS:
    yaml_syntax,
    duplicate_key,
    alias_budget,
    template,
    not_utf8,
    schema_violation,
    unknown_field_newer_version,
    scaling_profile,
}

pub use alias_budget::ID as ALIAS_BUDGET;
pub use duplicate_key::ID as DUPLICATE_KEY;
pub use not_utf8::ID as NOT_UTF8;
pub use scaling_profile::ID as SCALING_PROFILE;
pub use schema_violation::ID as SCHEMA_VIOLATION;
pub use template::ID as TEMPLATE;
pub use yaml_syntax::ID as YAML_SYNTAX;
