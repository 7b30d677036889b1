//! docs/profiles.md lists every check with its ID, name and summary.

use scaleplan_profile::checks::CHECKS;

#[test]
fn every_check_is_documented() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/profiles.md");
    let doc = std::fs::read_to_string(path).unwrap();
    for c in CHECKS {
        let row = format!("| `{}` | `{}` | {} |", c.id, c.name, c.summary);
        assert!(doc.contains(&row), "docs/profiles.md lacks the row:\n{row}");
    }
}
