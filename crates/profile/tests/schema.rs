//! The committed JSON Schema is what `scaleplan schema` prints. Regenerate
//! with `SCALEPLAN_UPDATE_SCHEMA=1 cargo test -p scaleplan-profile --test schema`.

use scaleplan_profile::schema::{profile_schema, profile_schema_text};
use std::path::PathBuf;

#[test]
fn committed_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../schema/scaleplan-profile.schema.json");
    let want = profile_schema_text();
    if std::env::var_os("SCALEPLAN_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "schema/scaleplan-profile.schema.json is stale; run SCALEPLAN_UPDATE_SCHEMA=1 cargo test -p scaleplan-profile --test schema"
    );
}

#[test]
fn schema_is_strict_everywhere() {
    fn walk(v: &serde_json::Value, path: &str) {
        if let Some(m) = v.as_object() {
            if m.contains_key("properties") {
                assert_eq!(
                    m.get("additionalProperties"),
                    Some(&serde_json::Value::Bool(false)),
                    "{path}"
                );
            }
            for (k, c) in m {
                walk(c, &format!("{path}/{k}"));
            }
        } else if let Some(a) = v.as_array() {
            for (i, c) in a.iter().enumerate() {
                walk(c, &format!("{path}/{i}"));
            }
        }
    }
    walk(profile_schema(), "");
}
