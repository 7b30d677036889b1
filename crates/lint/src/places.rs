//! Where the nodes of an object's pruned body are in its file, kept beside
//! the body in the index's store.
//!
//! A cross-object finding names a JSON pointer into an object that was read
//! long before the rule ran. Locating it by reading the document again cost
//! 15% of a one-thread run (every rule with findings in a file read it
//! again); the reading thread has the document's positions at hand, so it
//! records, for every node of the pruned copy, the location a finding there
//! shows, in a few bytes per node. A pointer the copy cannot answer (into a
//! field that pruning dropped) is located the old way, by reading the
//! document again.

use crate::document::{Place, Positions, PrunedNode};
use crate::pointer::unescape;
use scaleplan_diag::{Location, SourceFile};
use serde_json::Value;

/// Flags of a node's record.
const COMPLETE: u8 = 1;
const KEYED: u8 = 2;
const UNKNOWN: u8 = 4;
const KEY_ON_TEMPLATE: u8 = 8;
const VALUE_ON_TEMPLATE: u8 = 16;

/// Line, column, end line, end column, as a [`Location`] has them (1-based,
/// kept inside the file).
pub type Span = [usize; 4];

/// What the reading thread knows of the file a document is in.
pub struct Placer<'a> {
    src: &'a SourceFile,
    /// Lines holding template expressions: findings there are dropped.
    template_lines: &'a [usize],
    /// Every line's width is its length in bytes (columns count characters).
    ascii: bool,
    /// ASCII, and the parser's lines are the file's (no lone `\r`): a
    /// plain scalar's span is then known without its line (see
    /// [`Placer::span`]).
    plain_lines: bool,
    /// The last line looked up, its text and width: a key and its value
    /// are mostly on one line, and so are a node's end and the next start.
    last_line: std::cell::Cell<Option<(usize, &'a str, usize)>>,
}

impl<'a> Placer<'a> {
    pub fn new(src: &'a SourceFile, template_lines: &'a [usize]) -> Self {
        let ascii = src.text.is_ascii();
        Placer {
            src,
            template_lines,
            ascii,
            plain_lines: ascii && !crate::parse::has_lone_cr(&src.text),
            last_line: std::cell::Cell::new(None),
        }
    }

    /// Appends the records of every node of `pruned` (a copy of `full`, the
    /// document `positions` were built with, which starts at `first_line`)
    /// to `out`, in pre-order.
    pub fn encode(
        &self,
        first_line: usize,
        positions: &Positions,
        full: &Value,
        pruned: &Value,
        out: &mut Vec<u8>,
    ) {
        positions.walk_pruned(full, pruned, &mut |node| match node {
            PrunedNode::Unknown => out.push(UNKNOWN),
            PrunedNode::At {
                key,
                value,
                complete,
            } => {
                let key = key.map(|k| self.span(k));
                let value = self.span(value);
                let mut flags = if complete { COMPLETE } else { 0 };
                if let Some((_, on_template)) = key {
                    flags |= KEYED | if on_template { KEY_ON_TEMPLATE } else { 0 };
                }
                if value.1 {
                    flags |= VALUE_ON_TEMPLATE;
                }
                out.push(flags);
                if let Some((k, _)) = key {
                    write(first_line, k, out);
                }
                write(first_line, value.0, out);
            }
        });
    }

    /// The span a finding at `place` shows, and whether it is on a
    /// template line (checked before clamping, as the engine does). This
    /// runs for every node of every pruned body: a line's width is looked
    /// up once, and counted only in a file that is not ASCII.
    fn span(&self, place: Place) -> (Span, bool) {
        // Most recorded nodes are keys and plain scalars on one line, whose
        // text gave their end when they were read: the line need not be
        // looked up. Their span lies on a line of the file, so clamping
        // would leave it as it is (a test checks both ways agree).
        if self.plain_lines
            && let Some(end) = place.text_end()
        {
            let line = place.line();
            let span = [line, place.column() + 1, line, end + 1];
            return (span, self.template_lines.contains(&line));
        }
        self.span_by_line(place)
    }

    /// [`Placer::span`] from the text of the node's line.
    fn span_by_line(&self, place: Place) -> (Span, bool) {
        // The start line's text serves the span's end and its width.
        let text = self.line(place.line()).map(|(text, _)| text);
        let span = place.span_on(text);
        let width = |l: usize| self.line(l).map_or(1, |(_, width)| width);
        let clamped = clamp_with(span, self.src.line_count().max(1), width);
        (clamped, self.template_lines.contains(&span[0]))
    }

    /// A line's text and its width in characters plus one (a column may
    /// point just past the end).
    fn line(&self, line: usize) -> Option<(&'a str, usize)> {
        if let Some((l, text, width)) = self.last_line.get()
            && l == line
        {
            return Some((text, width));
        }
        let text = self.src.line(line)?;
        let width = if self.ascii {
            text.len() + 1
        } else {
            text.chars().count() + 1
        };
        self.last_line.set(Some((line, text, width)));
        Some((text, width))
    }
}

/// A span's line numbers relative to the document's first line: small.
fn write(first_line: usize, [line, column, end_line, end_column]: Span, out: &mut Vec<u8>) {
    write_signed(out, line as i64 - first_line as i64);
    write_unsigned(out, column as u64);
    write_signed(out, end_line as i64 - line as i64);
    write_unsigned(out, end_column as u64);
}

/// Keeps a span inside its file. The YAML parser also breaks lines at a
/// lone `\r` (old Mac line ends), which `SourceFile` does not, so a parser
/// position can fall past the last line; it then points at the end.
pub fn clamp(src: &SourceFile, span: Span) -> Span {
    clamp_with(span, src.line_count().max(1), |l| {
        src.line(l).map_or(0, |t| t.chars().count()) + 1
    })
}

/// [`clamp`] with the file's last line and its lines' widths in characters
/// (plus one: a column may point just past the end).
fn clamp_with(
    [mut line, mut column, mut end_line, mut end_column]: Span,
    last: usize,
    width: impl Fn(usize) -> usize,
) -> Span {
    if line > last || line == 0 {
        line = last;
        column = width(last);
    }
    column = column.clamp(1, width(line));
    if end_line < line || end_line > last {
        end_line = line;
        end_column = column;
    }
    end_column = end_column.clamp(1, width(end_line));
    if end_line == line && end_column < column {
        end_column = column;
    }
    [line, column, end_line, end_column]
}

/// Where a pointer into a pruned body is, by its records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    At(Location),
    /// On a template line: the finding is about a placeholder, not a value.
    OnTemplate,
    /// The records cannot tell (read the document again).
    Unknown,
}

/// Resolves `pointer` in `pruned` (the pruned body's JSON text, as the
/// store keeps it) as [`Positions::resolve`] resolves it in the whole
/// document: the deepest node that exists, its key's location unless
/// `at_value`. `records` are what [`Placer::encode`] wrote for the body;
/// `first_line` the document's. The text is walked, not parsed: locating
/// a finding costs no body load.
pub fn lookup(
    pruned: &[u8],
    records: &[u8],
    file: &str,
    first_line: usize,
    pointer: &str,
    at_value: bool,
) -> Lookup {
    let mut reader = Records {
        bytes: records,
        first_line,
        next: 0,
    };
    let Some(mut record) = reader.seek(0) else {
        return Lookup::Unknown;
    };
    let mut value = Json {
        bytes: pruned,
        at: 0,
    };
    let mut number = 0;
    for raw in pointer.split('/').skip(1) {
        if record.flags & UNKNOWN != 0 {
            return Lookup::Unknown;
        }
        let Some(step) = value.child(&unescape(raw)) else {
            return Lookup::Unknown; // not JSON: not ours
        };
        let Some(before) = step else {
            // Where the copy is whole (a scalar always is), the document
            // lacks this child too, and the walk stops here in both.
            if record.flags & COMPLETE == 0 {
                return Lookup::Unknown;
            }
            break;
        };
        number += 1 + before;
        match reader.seek(number) {
            Some(r) => record = r,
            None => return Lookup::Unknown,
        }
    }
    if record.flags & UNKNOWN != 0 {
        return Lookup::Unknown;
    }
    let (span, on_template) = match record.key {
        Some(key) if !at_value => (key, record.flags & KEY_ON_TEMPLATE != 0),
        _ => (record.value, record.flags & VALUE_ON_TEMPLATE != 0),
    };
    if on_template {
        return Lookup::OnTemplate;
    }
    let [line, column, end_line, end_column] = span;
    Lookup::At(Location {
        file: file.to_owned(),
        line,
        column,
        end_line,
        end_column,
    })
}

/// The text of the value at `pointer` in `json` (a text serde_json
/// wrote), found by walking the text: a rule that needs one field of a
/// stored body parses that field, not the body. `None` when the value is
/// not there (or the text is not JSON).
pub(crate) fn subtree<'a>(json: &'a [u8], pointer: &str) -> Option<&'a [u8]> {
    let mut value = Json { bytes: json, at: 0 };
    for raw in pointer.split('/').skip(1) {
        value.child(&unescape(raw))??;
    }
    value.skip_blanks();
    let start = value.at;
    value.skip()?;
    json.get(start..value.at)
}

/// A cursor on a JSON value in a text that serde_json wrote.
struct Json<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Json<'a> {
    fn skip_blanks(&mut self) {
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    /// Moves to the child `seg` of the value here (a key, or an index as
    /// `usize` reads one) and tells how many nodes come before it in
    /// pre-order among its siblings' subtrees: `Some(None)` when there is no
    /// such child, `None` when the text is not JSON.
    fn child(&mut self, seg: &str) -> Option<Option<usize>> {
        self.skip_blanks();
        let (open, close) = match self.bytes.get(self.at)? {
            b'{' => (b'{', b'}'),
            b'[' => (b'[', b']'),
            _ => return Some(None),
        };
        let index = if open == b'[' {
            match seg.parse::<usize>() {
                Ok(i) => Some(i),
                Err(_) => return Some(None),
            }
        } else {
            None
        };
        self.at += 1;
        let mut before = 0;
        for i in 0.. {
            self.skip_blanks();
            if *self.bytes.get(self.at)? == close {
                return Some(None);
            }
            if i > 0 {
                self.expect(b',')?;
                self.skip_blanks();
            }
            let found = match index {
                Some(wanted) => wanted == i,
                None => {
                    let key = self.string()?;
                    self.skip_blanks();
                    self.expect(b':')?;
                    self.skip_blanks();
                    key_is(key, seg)?
                }
            };
            if found {
                return Some(Some(before));
            }
            before += self.skip()?;
        }
        unreachable!("the loop returns")
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (*self.bytes.get(self.at)? == byte).then(|| self.at += 1)
    }

    /// Skips a string; its text between the quotes, as written.
    fn string(&mut self) -> Option<&'a [u8]> {
        let bytes = self.bytes;
        self.expect(b'"')?;
        let start = self.at;
        loop {
            match *self.bytes.get(self.at)? {
                b'\\' => self.at += 2,
                b'"' => break,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        bytes.get(start..self.at - 1)
    }

    /// Skips the value here; the nodes in it.
    fn skip(&mut self) -> Option<usize> {
        self.skip_blanks();
        match *self.bytes.get(self.at)? {
            b'{' | b'[' => {
                let close = if self.bytes[self.at] == b'{' {
                    b'}'
                } else {
                    b']'
                };
                let object = close == b'}';
                self.at += 1;
                let mut nodes = 1;
                for i in 0.. {
                    self.skip_blanks();
                    if *self.bytes.get(self.at)? == close {
                        self.at += 1;
                        break;
                    }
                    if i > 0 {
                        self.expect(b',')?;
                    }
                    if object {
                        self.skip_blanks();
                        self.string()?;
                        self.skip_blanks();
                        self.expect(b':')?;
                    }
                    nodes += self.skip()?;
                }
                Some(nodes)
            }
            b'"' => self.string().map(|_| 1),
            _ => {
                let start = self.at;
                while self
                    .bytes
                    .get(self.at)
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
                (self.at > start).then_some(1)
            }
        }
    }
}

/// Whether a key's text as JSON writes it names `seg`.
fn key_is(written: &[u8], seg: &str) -> Option<bool> {
    if !written.contains(&b'\\') {
        return Some(written == seg.as_bytes());
    }
    let mut quoted = Vec::with_capacity(written.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(written);
    quoted.push(b'"');
    serde_json::from_slice::<String>(&quoted)
        .ok()
        .map(|k| k == seg)
}

struct Record {
    flags: u8,
    key: Option<Span>,
    value: Span,
}

/// Reads records forward.
struct Records<'a> {
    bytes: &'a [u8],
    first_line: usize,
    /// The number of the record `bytes` starts with.
    next: usize,
}

impl Records<'_> {
    /// Record `number` (not before the last one read).
    fn seek(&mut self, number: usize) -> Option<Record> {
        while self.next < number {
            self.read()?;
        }
        self.read()
    }

    fn read(&mut self) -> Option<Record> {
        let (&flags, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        self.next += 1;
        if flags & UNKNOWN != 0 {
            return Some(Record {
                flags,
                key: None,
                value: [0; 4],
            });
        }
        let key = if flags & KEYED != 0 {
            Some(self.span()?)
        } else {
            None
        };
        Some(Record {
            flags,
            key,
            value: self.span()?,
        })
    }

    fn span(&mut self) -> Option<Span> {
        let line = usize::try_from(self.first_line as i64 + read_signed(&mut self.bytes)?).ok()?;
        let column = usize::try_from(read_unsigned(&mut self.bytes)?).ok()?;
        let end_line = usize::try_from(line as i64 + read_signed(&mut self.bytes)?).ok()?;
        let end_column = usize::try_from(read_unsigned(&mut self.bytes)?).ok()?;
        Some([line, column, end_line, end_column])
    }
}

/// LEB128.
pub(crate) fn write_unsigned(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

pub(crate) fn read_unsigned(bytes: &mut &[u8]) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(n);
        }
    }
    None
}

/// Zigzag, then LEB128.
fn write_signed(out: &mut Vec<u8>, n: i64) {
    write_unsigned(out, ((n << 1) ^ (n >> 63)) as u64);
}

fn read_signed(bytes: &mut &[u8]) -> Option<i64> {
    let n = read_unsigned(bytes)?;
    Some((n >> 1) as i64 ^ -((n & 1) as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text walk finds each child, and counts the nodes before it, as
    /// a walk of the parsed value does: escaped keys, nesting, scalars of
    /// every type, compact and pretty text.
    #[test]
    fn the_json_walk_agrees_with_the_value() {
        fn size(v: &Value) -> usize {
            1 + match v {
                Value::Object(m) => m.values().map(size).sum(),
                Value::Array(a) => a.iter().map(size).sum(),
                _ => 0,
            }
        }
        let v = serde_json::json!({
            "a\"b": {"x": [1, 2.5, -3e-7, null, true, "s,}]"], "y": {}},
            "back\\slash": [], "slash/tilde~": "\u{e9}\n", "é": {"z": [[], [{}]]},
            "n": false
        });
        for text in [
            serde_json::to_vec(&v).unwrap(),
            serde_json::to_vec_pretty(&v).unwrap(),
        ] {
            let mut stack = vec![(
                v.clone(),
                Json {
                    bytes: &text,
                    at: 0,
                },
            )];
            let mut checked = 0;
            while let Some((value, cursor)) = stack.pop() {
                let children: Vec<(String, &Value)> = match &value {
                    Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
                    Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (i.to_string(), v))
                        .collect(),
                    _ => Vec::new(),
                };
                let mut before = 0;
                for (seg, child) in &children {
                    let mut c = Json {
                        bytes: cursor.bytes,
                        at: cursor.at,
                    };
                    assert_eq!(c.child(seg), Some(Some(before)), "{seg}");
                    stack.push(((*child).clone(), c));
                    before += size(child);
                    checked += 1;
                }
                let mut c = Json {
                    bytes: cursor.bytes,
                    at: cursor.at,
                };
                assert_eq!(c.child("missing"), Some(None));
            }
            assert_eq!(checked, size(&v) - 1);
        }
        assert_eq!(
            Json {
                bytes: b"{\"a\":",
                at: 0
            }
            .child("b"),
            None
        );
    }
    /// Pruning by moving fields out of the document (what the engine does)
    /// gives the copy and the records that pruning a whole document's copy
    /// gives, on every document at hand and on the cases around the holes
    /// it leaves: null and empty fields, non-mapping metadata, spec and
    /// template, an exporter's container, kubectl's annotation.
    #[test]
    fn records_of_a_moved_copy_are_those_of_a_copy() {
        let made = "apiVersion: apps/v1\nkind: Deployment\nmetadata: null\nspec:\n  replicas: 2\n  \
            selector: {}\n  template:\n    metadata: {labels: {}}\n    spec:\n      containers:\n      \
            - name: a\n        image: danihodovic/celery-exporter\n        ports: [{containerPort: 9808}]\n        \
            env: null\n        resources: {}\n      - {}\n      - null\n      - name: b\n        resources:\n          \
            requests: {cpu: 1}\n      initContainers: []\n---\napiVersion: apps/v1\nkind: StatefulSet\n\
            metadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: x\n    \
            keep: y\nspec:\n  template: null\n---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: x\n\
            spec: 3\n---\napiVersion: v1\nkind: LimitRange\nmetadata: {name: l}\nspec: {limits: []}\n---\n\
            apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r, uid: u}\n\
            spec: {template: {spec: {containers: [{name: c, image: i, args: [x]}]}}, strategy: {}}\n---\n\
            apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {uid: u, name: h}\n\
            spec: {maxReplicas: 3, metrics: null, behavior: {}}\n";
        let mut files = crate::test_manifests::files();
        files.push(("made.yaml".into(), made.to_owned()));
        let mut moved = 0;
        for (path, text) in files {
            let src = SourceFile::new(path.display().to_string(), text.clone());
            let placer = Placer::new(&src, &[]);
            read_documents(&src.text, &mut |doc| {
                let kind = classify(&doc.json).kind;
                let copied = crate::index::prune(kind, &doc.json).into_owned();
                let mut want = Vec::new();
                placer.encode(doc.lines.0, &doc.positions, &doc.json, &copied, &mut want);
                let mut holed = doc.json.clone();
                let copy = crate::index::prune_from(kind, &mut holed);
                moved += usize::from(copy.is_some());
                let pruned = copy.as_ref().unwrap_or(&holed);
                let mut got = Vec::new();
                placer.encode(doc.lines.0, &doc.positions, &holed, pruned, &mut got);
                assert_eq!(pruned, &copied, "{}", path.display());
                assert_eq!(got, want, "{} document {}", path.display(), doc.index);
            });
        }
        assert!(moved > 50, "{moved} documents pruned by moving");
    }

    /// A field cut out of a body's text is that field, for every pointer
    /// into every document at hand (compact and pretty text), and nothing
    /// for a pointer that goes nowhere.
    #[test]
    fn subtrees_are_the_values_at_their_pointers() {
        fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
            let escape = |k: &str| k.replace('~', "~0").replace('/', "~1");
            match v {
                Value::Object(m) => {
                    for (k, c) in m {
                        pointers(c, format!("{at}/{}", escape(k)), out);
                    }
                }
                Value::Array(a) => {
                    for (i, c) in a.iter().enumerate() {
                        pointers(c, format!("{at}/{i}"), out);
                    }
                }
                _ => {}
            }
            out.push(at);
        }
        let mut checked = 0;
        for (path, doc) in crate::test_manifests::documents() {
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            for text in [
                serde_json::to_vec(&doc).unwrap(),
                serde_json::to_vec_pretty(&doc).unwrap(),
            ] {
                for p in &all {
                    let cut =
                        subtree(&text, p).map(|t| serde_json::from_slice::<Value>(t).unwrap());
                    assert_eq!(cut.as_ref(), doc.pointer(p), "{} {p}", path.display());
                    checked += 1;
                }
                for missing in ["/nope", "/spec/nope/x", "/metadata/name/x", "/apiVersion/0"] {
                    if doc.pointer(missing).is_none() {
                        assert_eq!(subtree(&text, missing), None, "{missing}");
                    }
                }
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    /// The shortcut of [`Placer::span`] for plain scalars gives the span
    /// that the line's text gives, on every node of every manifest at hand
    /// and of a text made of the cases around it: comments after a value,
    /// flow collections, quotes, tags, anchors, CRLF and blank padding.
    #[test]
    fn plain_scalar_spans_agree_with_their_lines() {
        let made = "a: b # c\r\nk:   v   \t# x\r\nf: {x: y, z: [1, 2 ,3]}\n\
            q: 'v' # c\nd: \"w\" #c\nt: !!str tagged\nr: &anc anchored\ns: *anc\n\
            m: multi\n  line\nh: a#b c\nu: x:y\n? complex\n: value\n";
        let mut files = crate::test_manifests::files();
        files.push(("made.yaml".into(), made.to_owned()));
        let (mut fast, mut all, mut made_fast) = (0, 0, 0);
        for (path, text) in files {
            let is_made = path.as_os_str() == "made.yaml";
            let src = SourceFile::new(path.display().to_string(), text.clone());
            let placer = Placer::new(&src, &[]);
            crate::parse::read_documents(&src.text, &mut |d| {
                for place in d.positions.places() {
                    all += 1;
                    if placer.plain_lines && place.text_end().is_some() {
                        fast += 1;
                        made_fast += usize::from(is_made);
                    }
                    assert_eq!(
                        placer.span(place),
                        placer.span_by_line(place),
                        "{} {place:?}",
                        path.display()
                    );
                }
            });
        }
        assert!(fast * 2 > all, "the shortcut served {fast} of {all} places");
        assert!(made_fast > 10, "{made_fast}");
    }

    use crate::kind::classify;
    use crate::parse::read_documents;

    /// Each document of `text` with its records: (json, pruned body's JSON
    /// text, records, first line).
    fn records(text: &str, template_lines: &[usize]) -> Vec<(Value, Vec<u8>, Vec<u8>, usize)> {
        let src = SourceFile::new("t.yaml", text);
        let mut out = Vec::new();
        read_documents(text, &mut |doc| {
            let pruned = crate::index::prune(classify(&doc.json).kind, &doc.json).into_owned();
            let mut records = Vec::new();
            Placer::new(&src, template_lines).encode(
                doc.lines.0,
                &doc.positions,
                &doc.json,
                &pruned,
                &mut records,
            );
            let pruned = serde_json::to_vec(&pruned).expect("JSON");
            out.push((doc.json, pruned, records, doc.lines.0));
        });
        out
    }

    fn at(line: usize, column: usize, end_line: usize, end_column: usize) -> Lookup {
        Lookup::At(Location {
            file: "t.yaml".into(),
            line,
            column,
            end_line,
            end_column,
        })
    }

    const DEPLOYMENT: &str = "\
# a comment
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # trailing comment
spec:
  replicas: 3
  strategy: {type: Recreate}
  template:
    spec:
      containers:
        - name: web
          image: \"nginx\"
          resources: {requests: {cpu: 100m}}
      restartPolicy: Always
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken}
spec: 5
";

    #[test]
    fn kept_fields_are_located_from_their_records() {
        let docs = records(DEPLOYMENT, &[]);
        let (_, pruned, records, first) = &docs[0];
        let find = |p: &str, v: bool| lookup(pruned, records, "t.yaml", *first, p, v);
        assert_eq!(find("/metadata/name", false), at(5, 3, 5, 7));
        assert_eq!(find("/metadata/name", true), at(5, 9, 5, 12));
        assert_eq!(find("/spec/replicas", true), at(7, 13, 7, 14));
        assert_eq!(
            find("/spec/template/spec/containers/0/image", true),
            at(13, 18, 13, 25)
        );
        // Missing where the copy is whole (a container's requests, a
        // container list): the deepest node, as in the document.
        assert_eq!(
            find(
                "/spec/template/spec/containers/0/resources/requests/memory",
                false
            ),
            at(14, 23, 14, 31)
        );
        assert_eq!(
            find("/spec/template/spec/containers/3", false),
            at(11, 7, 11, 17)
        );
        // A scalar has no children, in the copy or in the document.
        assert_eq!(find("/spec/replicas/x", false), at(7, 3, 7, 11));
    }

    #[test]
    fn what_pruning_dropped_is_left_to_the_document() {
        let docs = records(DEPLOYMENT, &[]);
        let (_, pruned, records, first) = &docs[0];
        let find = |p: &str| lookup(pruned, records, "t.yaml", *first, p, false);
        assert_eq!(find("/spec/strategy/type"), Lookup::Unknown);
        assert_eq!(find("/spec/template/spec/restartPolicy"), Lookup::Unknown);
        // Missing from the document too, where the copy is whole.
        assert_eq!(find("/spec/template/metadata"), at(9, 3, 9, 11));
        // `spec: 5` pruned into an empty mapping: not the document's node.
        let (_, pruned, records, first) = &docs[1];
        let find = |p: &str| lookup(pruned, records, "t.yaml", *first, p, false);
        assert_eq!(find("/spec/replicas"), Lookup::Unknown);
        assert_eq!(find("/metadata/name"), at(19, 12, 19, 16));
        // Records cut short or missing cannot answer.
        assert_eq!(
            lookup(pruned, &[], "t.yaml", 1, "/kind", false),
            Lookup::Unknown
        );
        assert_eq!(
            lookup(pruned, &records[..3], "t.yaml", 1, "/metadata/name", false),
            Lookup::Unknown
        );
    }

    #[test]
    fn findings_on_template_lines_are_marked() {
        let docs = records(DEPLOYMENT, &[7]);
        let (_, pruned, records, first) = &docs[0];
        let find = |p: &str| lookup(pruned, records, "t.yaml", *first, p, true);
        assert_eq!(find("/spec/replicas"), Lookup::OnTemplate);
        assert_eq!(find("/metadata/name"), at(5, 9, 5, 12));
    }

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        let values = [
            0i64,
            1,
            -1,
            63,
            -64,
            64,
            1 << 40,
            -(1 << 40),
            i64::MAX,
            i64::MIN,
        ];
        for v in values {
            write_signed(&mut out, v);
        }
        let mut bytes = &out[..];
        for v in values {
            assert_eq!(read_signed(&mut bytes), Some(v));
        }
        assert!(bytes.is_empty());
        assert_eq!(read_unsigned(&mut &[0x80u8][..]), None);
    }
}
