use super::{Counts, to_string, write_nested};
use crate::Diagnostic;
use std::borrow::Borrow;
use std::io::{self, Write};

/// Version of the JSON output schema; bumped on any incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// The JSON format: `{"version":1,"diagnostics":[...],"summary":{...}}`.
/// Each diagnostic is the serde form of [`Diagnostic`]; its fields are the
/// stable, documented schema.
pub fn json(diags: &[Diagnostic]) -> String {
    to_string(|w| write_json(w, diags))
}

/// [`json`], written one diagnostic at a time. The bytes are those
/// `serde_json::to_string_pretty` gives for the whole document, plus a newline.
pub fn write_json<W: Write>(
    w: &mut W,
    diags: impl IntoIterator<Item = impl Borrow<Diagnostic>>,
) -> io::Result<Counts> {
    let mut counts = Counts::default();
    write!(
        w,
        "{{\n  \"version\": {JSON_SCHEMA_VERSION},\n  \"diagnostics\": ["
    )?;
    for d in diags {
        let d = d.borrow();
        w.write_all(if counts.total() == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        write_nested(w, &serde_json::to_string_pretty(d)?, 4)?;
        counts.add(d.severity);
    }
    // serde_json prints an empty array as `[]`, a full one with `]` on its own line.
    if counts.total() > 0 {
        w.write_all(b"\n  ")?;
    }
    w.write_all(b"],\n  \"summary\": ")?;
    write_nested(w, &serde_json::to_string_pretty(&counts)?, 2)?;
    w.write_all(b"\n}\n")?;
    Ok(counts)
}
