//! YAML with positions. Documents are read with saphyr's `MarkedYaml`, whose
//! every key and value carries a span, and are looked up by JSON pointer so
//! that errors found on a `serde_json::Value` (by a JSON Schema validator or
//! by typed deserialization) can be reported at the offending field.

use crate::{Diagnostic, Location, SourceFile};
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use saphyr_parser::Span;
use serde_json::{Map, Number, Value};

/// Rule ID for input that is not well-formed YAML.
pub const YAML_SYNTAX: &str = "YAML001";

/// Parses every document of a file. A syntax error becomes one located
/// diagnostic; YAML cannot be resumed after one, so it is the only one.
// The error is the diagnostic itself, returned once per file: boxing it would
// only move the allocation and burden every caller.
#[allow(clippy::result_large_err)]
pub fn load_documents(src: &SourceFile) -> Result<Vec<MarkedYaml<'_>>, Diagnostic> {
    MarkedYaml::load_from_str(&src.text).map_err(|e| {
        let m = e.marker();
        Diagnostic::error(YAML_SYNTAX, format!("invalid YAML: {}", e.info()))
            .at(src.location(m.line(), m.col() + 1, m.line(), m.col() + 1))
            .help("fix the YAML syntax; every later check needs a parsed document")
    })
}

/// Location of a span in `src` (1-based columns).
pub fn span_location(src: &SourceFile, span: &Span) -> Location {
    let (s, e) = (span.start, span.end);
    range_location(src, (s.line(), s.col()), (e.line(), e.col()))
}

/// Location of a node from its start and end as saphyr marks them: 1-based
/// line, 0-based column (end line 0: no end).
pub fn range_location(src: &SourceFile, start: (usize, usize), end: (usize, usize)) -> Location {
    let [line, column, end_line, end_column] = range_span(src, start, end);
    src.location(line, column, end_line, end_column)
}

/// [`range_location`]'s line, column, end line and end column, without a
/// [`Location`] (which owns the file's name).
pub fn range_span(src: &SourceFile, start: (usize, usize), end: (usize, usize)) -> [usize; 4] {
    range_span_on(src.line(start.0), start, end)
}

/// [`range_span`] given the text of the start line (`SourceFile::line`),
/// for a caller that needs that line too: it runs for every node the
/// linter records.
pub fn range_span_on(text: Option<&str>, start: (usize, usize), end: (usize, usize)) -> [usize; 4] {
    let (line, col) = start;
    let (end_line, mut end_col) = if end.0 == 0 {
        (line, col)
    } else {
        (end.0.max(line), end.1)
    };
    if end_line == line {
        end_col = scalar_end(text, col, end_col);
    }
    [line, col + 1, end_line, end_col + 1]
}

/// saphyr ends the span of a quoted scalar that is followed by a comment at
/// the end of the comment; a caret should stop at the closing quote. Plain
/// scalars are trimmed of trailing blanks and a ` # comment` likewise.
fn scalar_end(text: Option<&str>, start: usize, end: usize) -> usize {
    let Some(text) = text else {
        return end;
    };
    // Columns count characters; on an ASCII line (nearly all) they are bytes,
    // and this runs for every node a lint run locates: no copy then.
    if text.is_ascii() {
        let bytes = text.as_bytes();
        match bytes.get(start) {
            Some(b'"' | b'\'') | None => end_in(bytes, start, end),
            Some(_) => plain_end(bytes, start, end.min(bytes.len())),
        }
    } else {
        end_in(&text.chars().collect::<Vec<char>>(), start, end)
    }
}

/// [`scalar_end`] over a line's characters.
fn end_in<C: Copy + Into<char>>(chars: &[C], start: usize, end: usize) -> usize {
    let at = |i: usize| -> char { chars[i].into() };
    let end = end.min(chars.len());
    if start >= end {
        return end;
    }
    let seg = start..end;
    let quote = at(start);
    if quote == '"' || quote == '\'' {
        let mut i = start + 1;
        while i < seg.end {
            let c = at(i);
            // A backslash escape in "..." and a doubled quote in '...' skip a character.
            let escaped = (quote == '"' && c == '\\')
                || (c == quote && quote == '\'' && i + 1 < seg.end && at(i + 1) == '\'');
            if escaped {
                i += 1;
            } else if c == quote {
                return i + 1;
            }
            i += 1;
        }
        return end;
    }
    let cut = (start..end.saturating_sub(1))
        .find(|&i| at(i).is_whitespace() && at(i + 1) == '#')
        .unwrap_or(end);
    (start..cut)
        .rev()
        .find(|&i| !at(i).is_whitespace())
        .map_or(start + 1, |p| p + 1)
}

/// [`end_in`] for a plain scalar on an ASCII line. Most scalars have no
/// comment after them: a search for `#` passes over them comparing bytes,
/// rather than testing each character for a blank. (Scalars are short:
/// memchr's setup cost more than it saved.)
fn plain_end(bytes: &[u8], start: usize, end: usize) -> usize {
    // `char::is_whitespace` on ASCII, which `u8::is_ascii_whitespace` is
    // not (it leaves out the vertical tab).
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    if start >= end {
        return end;
    }
    let seg = &bytes[start..end];
    let cut = (1..seg.len())
        .find(|&j| seg[j] == b'#' && blank(seg[j - 1]))
        .map_or(end, |j| start + j - 1);
    (start..cut)
        .rev()
        .find(|&i| !blank(bytes[i]))
        .map_or(start + 1, |p| p + 1)
}

/// Plain data of a node, following tags through to the value they annotate.
pub fn data<'a, 'i>(node: &'a MarkedYaml<'i>) -> &'a YamlData<'i, MarkedYaml<'i>> {
    match &node.data {
        YamlData::Tagged(_, inner) => data(inner),
        d => d,
    }
}

/// Converts a node into JSON the way Kubernetes' YAML decoder would see it:
/// mappings with non-string keys get their keys stringified.
pub fn to_json(node: &MarkedYaml<'_>) -> Value {
    match data(node) {
        YamlData::Value(s) => scalar_to_json(s),
        YamlData::Representation(text, _, _) => Value::String(text.to_string()),
        YamlData::Sequence(items) => Value::Array(items.iter().map(to_json).collect()),
        YamlData::Mapping(map) => {
            // Sized once: these maps are kept (pruned) for a whole lint run.
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map.iter() {
                out.insert(key_text(k), to_json(v));
            }
            Value::Object(out)
        }
        YamlData::Tagged(..) | YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    }
}

fn scalar_to_json(s: &Scalar<'_>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => {
            Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number)
        }
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

/// The text of a mapping key as a string (numbers and booleans as written).
pub fn key_text(k: &MarkedYaml<'_>) -> String {
    match data(k) {
        YamlData::Value(s) => scalar_key_text(s),
        YamlData::Representation(t, _, _) => t.to_string(),
        _ => String::new(),
    }
}

/// The text of a scalar mapping key (numbers and booleans as written).
pub fn scalar_key_text(s: &Scalar<'_>) -> String {
    match s {
        Scalar::String(s) => s.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::Boolean(b) => b.to_string(),
        Scalar::FloatingPoint(f) => f.to_string(),
        Scalar::Null => "null".into(),
    }
}

/// The mapping value under `key`, with the key node itself.
pub fn get<'a, 'i>(
    node: &'a MarkedYaml<'i>,
    key: &str,
) -> Option<(&'a MarkedYaml<'i>, &'a MarkedYaml<'i>)> {
    match data(node) {
        YamlData::Mapping(map) => map.iter().find(|(k, _)| key_text(k) == key),
        _ => None,
    }
}

/// What a JSON pointer resolves to: the value node, and the key node of the
/// last mapping step (absent for the root and for sequence items).
pub struct Found<'a, 'i> {
    pub key: Option<&'a MarkedYaml<'i>>,
    pub value: &'a MarkedYaml<'i>,
}

/// Resolves a JSON pointer (`/spec/metrics/0/type`) in a document. Returns the
/// deepest node that exists, so an error about a missing child points at its parent.
pub fn resolve<'a, 'i>(root: &'a MarkedYaml<'i>, pointer: &str) -> (Found<'a, 'i>, bool) {
    let mut found = Found {
        key: None,
        value: root,
    };
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let next = match data(found.value) {
            YamlData::Mapping(_) => get(found.value, &seg).map(|(k, v)| Found {
                key: Some(k),
                value: v,
            }),
            YamlData::Sequence(items) => {
                seg.parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|v| Found {
                        key: None,
                        value: v,
                    })
            }
            _ => None,
        };
        match next {
            Some(n) => found = n,
            None => return (found, false),
        }
    }
    (found, true)
}

/// Location for a JSON pointer: the key of the field when there is one (that
/// is where a reader looks for "this field"), else the value.
pub fn pointer_location(src: &SourceFile, root: &MarkedYaml<'_>, pointer: &str) -> Location {
    let (found, _) = resolve(root, pointer);
    let node = found.key.unwrap_or(found.value);
    span_location(src, &node.span)
}

/// Location of the value at a JSON pointer (for "this value is wrong").
pub fn value_location(src: &SourceFile, root: &MarkedYaml<'_>, pointer: &str) -> Location {
    let (found, _) = resolve(root, pointer);
    span_location(src, &found.value.span)
}

/// Turns a JSON pointer into the dotted field path users know from
/// `kubectl explain`: `/spec/metrics/0/type` -> `spec.metrics[0].type`.
pub fn field_path(pointer: &str) -> String {
    let mut out = String::new();
    for raw in pointer.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        if seg.parse::<usize>().is_ok() {
            out.push('[');
            out.push_str(&seg);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&seg);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan agrees with the character loop on every string of
    /// up to five characters from an alphabet of the cases that matter,
    /// at every start and end.
    #[test]
    fn plain_end_agrees_with_the_character_loop() {
        let alphabet = [b'a', b' ', b'#', b'\t', 0x0B, b':'];
        let mut line = Vec::new();
        for len in 0..=5u32 {
            for n in 0..alphabet.len().pow(len) {
                line.clear();
                let mut k = n;
                for _ in 0..len {
                    line.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                for start in 0..line.len() {
                    for end in start + 1..=line.len() + 1 {
                        let end = end.min(line.len());
                        assert_eq!(
                            plain_end(&line, start, end),
                            end_in(&line, start, end),
                            "{line:?} {start}..{end}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn pointer_lookup_finds_keys_and_items() {
        let src = SourceFile::new(
            "t.yaml",
            "a: 1\n---\nspec:\n  metrics:\n  - type: Pods\n    pods: {}\n",
        );
        let docs = load_documents(&src).unwrap();
        assert_eq!(docs.len(), 2);
        let loc = pointer_location(&src, &docs[1], "/spec/metrics/0/pods");
        assert_eq!((loc.line, loc.column), (6, 5));
        let (_, complete) = resolve(&docs[1], "/spec/metrics/3");
        assert!(!complete);
        assert_eq!(field_path("/spec/metrics/0/type"), "spec.metrics[0].type");
    }

    #[test]
    fn bom_and_crlf_keep_positions() {
        let src = SourceFile::new("t.yaml", "\u{feff}a: 1\r\nb:\r\n  c: x\r\n");
        let docs = load_documents(&src).unwrap();
        let loc = pointer_location(&src, &docs[0], "/b/c");
        assert_eq!((loc.line, loc.column), (3, 3));
        assert_eq!(src.line(3), Some("  c: x"));
        assert_eq!(to_json(&docs[0])["b"]["c"], "x");
    }

    /// (line, column, end column) of the value at each pointer of `text`.
    fn value_spans(text: &str, pointers: &[&str]) -> Vec<(usize, usize, usize)> {
        let src = SourceFile::new("t.yaml", text);
        let docs = load_documents(&src).unwrap();
        pointers
            .iter()
            .map(|p| {
                let l = value_location(&src, &docs[0], p);
                (l.line, l.column, l.end_column)
            })
            .collect()
    }

    #[test]
    fn scalar_spans_stop_before_comments() {
        assert_eq!(
            value_spans(
                "a:\n  value: \"30\"  # Scale up\n  b: plain  # c\n  c: 'it''s'\n  d: {x: 1}\n",
                &["/a/value", "/a/b", "/a/c"]
            ),
            [(2, 10, 14), (3, 6, 11), (4, 6, 13)]
        );
        // Columns count characters on lines that are not ASCII.
        assert_eq!(
            value_spans(
                "é: \"ü\\\"x\"  # ß\nà: ça va  # ô\nb: 'l''é'  # x\n",
                &["/é", "/à", "/b"]
            ),
            [(1, 4, 10), (2, 4, 9), (3, 4, 10)]
        );
    }

    #[test]
    fn syntax_error_is_located() {
        let src = SourceFile::new("t.yaml", "a: [1, 2\nb: 3\n");
        let d = load_documents(&src).unwrap_err();
        assert_eq!(d.rule, YAML_SYNTAX);
        assert!(d.location.is_some());
    }
}
