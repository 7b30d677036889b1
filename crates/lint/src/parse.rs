//! Reading a file into positioned YAML documents, one at a time.
//!
//! `saphyr`'s own `MarkedYaml::load_from_str` keeps every document of a file
//! in memory, stops at the first duplicate key and throws away the documents
//! it had already read when it meets a syntax error. A linter wants the
//! opposite on all three counts, so this module drives saphyr's event parser
//! itself:
//! - each document is built (JSON and positions, see [`crate::document`])
//!   and handed to the caller as soon as it ends, then dropped (memory
//!   follows the largest document, not the file);
//! - duplicate keys are recorded as findings and loading goes on (last value
//!   wins, like `kubectl`);
//! - alias expansion keeps saphyr's node budget, per document: a
//!   billion-laughs document becomes one located finding;
//! - after a syntax error, reading resumes at the next `---` line, so one bad
//!   document does not hide the rest of the file.

use crate::document::{Builder, Place, Positions};
use saphyr::{MarkedYaml, ScanError, YamlLoader};
use saphyr_parser::{Event, Parser, Span, SpannedEventReceiver};
use serde_json::Value;

/// A problem met while reading YAML, before any rule runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParseProblem {
    /// Not well-formed YAML at (line, column0).
    Syntax {
        line: usize,
        col: usize,
        message: String,
        /// Line where the broken document starts (it is skipped whole).
        document_line: usize,
    },
    /// A key appears twice in one mapping: the second occurrence and the first.
    DuplicateKey {
        key: String,
        span: Place,
        first: Place,
    },
    /// Alias expansion exceeded the node budget.
    AliasBudget { line: usize, col: usize },
}

/// One document, parsed, with its 0-based position in the file.
pub struct ParsedDocument {
    pub index: usize,
    /// The document the way Kubernetes' decoder reads it.
    pub json: Value,
    /// Where each node of `json` is in the file.
    pub positions: Positions,
    /// First and last line of the document (1-based, inclusive), so that
    /// [`read_document_at`] can read it again alone.
    pub lines: (usize, usize),
    /// Problems met inside this document (duplicate keys, alias budget).
    pub problems: Vec<ParseProblem>,
}

/// Reads every document of `text`, calling `on_document` for each in order,
/// and returns the problems that belong to no document (syntax errors).
/// Documents that are empty (a bare `---`, or comments only) are skipped.
pub fn read_documents(
    text: &str,
    on_document: &mut dyn FnMut(ParsedDocument),
) -> Vec<ParseProblem> {
    let mut problems = Vec::new();
    let mut next_index = 0;
    let mut resumed: Option<String>;
    let mut input: &str = text;
    let mut doc_start = 1;
    loop {
        let (result, index, start) = parse_from(input, next_index, doc_start, on_document);
        next_index = index;
        let Err(e) = result else { break };
        let m = e.marker();
        let (line, col) = (m.line(), m.col());
        problems.push(ParseProblem::Syntax {
            line,
            col,
            message: e.info().to_string(),
            document_line: start,
        });
        // Resume at the next document marker after the start of the broken
        // document (the parser may notice the error only lines later); the
        // lost document counts as one, so indexes stay those of the file.
        match next_document_line(text, start) {
            Some(resume_line) => {
                doc_start = resume_line;
                next_index += 1;
                resumed = Some(pad_to_line(text, resume_line));
                input = resumed.as_deref().unwrap_or_default();
            }
            None => break,
        }
    }
    problems
}

/// Where each line of a text starts (byte offsets), for
/// [`read_document_at`]; `None` when the text has a `\r` not followed by
/// `\n` (old Mac line ends): the YAML parser breaks lines there and this
/// count would not, so documents must be found by reading the whole file.
pub fn line_starts(text: &str) -> Option<Vec<usize>> {
    if has_lone_cr(text) {
        return None;
    }
    Some(
        std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
    )
}

/// Whether `text` has a `\r` not followed by `\n` (see [`line_starts`]).
pub fn has_lone_cr(text: &str) -> bool {
    let b = text.as_bytes();
    // Most files have no `\r` at all: one vectorized scan says so (the
    // standard library's byte search is several times slower).
    memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
}

/// Reads again, alone, the document that [`read_documents`] reported with
/// `index` and `lines`, with the positions it has in the whole of `text`
/// (`starts` is [`line_starts`] of `text`). Locating a cross-object finding
/// needs the tree of one document only; reading just that document keeps
/// the second pass as small as the number of documents with findings
/// instead of a second parse of every file.
///
/// Returns `false` when the document is not there as recorded (the file
/// changed since): the caller then reads the whole file.
pub fn read_document_at(
    text: &str,
    starts: &[usize],
    index: usize,
    lines: (usize, usize),
    on_document: &mut dyn FnMut(ParsedDocument),
) -> bool {
    let Some(padded) = document_text(text, starts, lines) else {
        return false;
    };
    let mut found = false;
    let mut only_this = |doc: ParsedDocument| {
        if doc.index == index && !found {
            found = true;
            on_document(doc);
        }
    };
    let mut reader = DocumentReader::new(index, &mut only_this);
    reader.doc_start = lines.0;
    let mut parser = Parser::new_from_str(&padded);
    // One document (multi = false): the rest of the slice, if any, is the
    // start of the next one.
    let _ = parser.load(&mut reader, false);
    found
}

/// The text of the lines a document spans, preceded by as many empty lines
/// as come before it, so that positions stay those of the whole file
/// (`None` when the lines are not in the text).
fn document_text(text: &str, starts: &[usize], lines: (usize, usize)) -> Option<String> {
    let (first, last) = lines;
    let &from = starts.get(first.checked_sub(1)?)?;
    if last < first || from > text.len() {
        return None;
    }
    let to = starts
        .get(last)
        .copied()
        .unwrap_or(text.len())
        .min(text.len());
    let mut padded = "\n".repeat(first - 1);
    padded.push_str(&text[from..to]);
    Some(padded)
}

/// Parses `input` to its end or to its first syntax error; returns the
/// outcome, the index the next document would have, and the line where the
/// last document started.
fn parse_from(
    input: &str,
    first_index: usize,
    first_line: usize,
    on_document: &mut dyn FnMut(ParsedDocument),
) -> (Result<(), ScanError>, usize, usize) {
    let mut reader = DocumentReader::new(first_index, on_document);
    reader.doc_start = first_line;
    let mut parser = Parser::new_from_str(input);
    let result = parser.load(&mut reader, true);
    (result, reader.next_index, reader.doc_start)
}

/// The first line after `after_line` (1-based) that starts a new document.
fn next_document_line(text: &str, after_line: usize) -> Option<usize> {
    text.split('\n')
        .enumerate()
        .skip(after_line)
        .find(|(_, l)| {
            let l = l.trim_end_matches('\r');
            l == "---" || l.starts_with("--- ") || l.starts_with("---\t")
        })
        .map(|(i, _)| i + 1)
}

/// `text` from `line` on, preceded by as many empty lines as it had before,
/// so that the parser's positions stay those of the original file.
fn pad_to_line(text: &str, line: usize) -> String {
    let start = text
        .match_indices('\n')
        .nth(line - 2)
        .map_or(0, |(i, _)| i + 1);
    let mut out = "\n".repeat(line - 1);
    out.push_str(&text[start..]);
    out
}

/// Calls `f` with saphyr's own tree of the document that [`read_documents`]
/// reported with `index` and `lines` (the scaling-profile checks are written
/// against it); `false` when it cannot be read again (see
/// [`read_document_at`]; for a file with lone `\r` line ends, the whole file
/// is read, and must then parse).
pub fn with_marked_document(
    text: &str,
    index: usize,
    lines: (usize, usize),
    f: &mut dyn FnMut(&MarkedYaml<'_>),
) -> bool {
    let Some(starts) = line_starts(text) else {
        let mut loader = marked_loader();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut loader, true).is_err() || loader.error().is_some() {
            return false;
        }
        return match loader.into_documents().get(index) {
            Some(doc) => {
                f(doc);
                true
            }
            None => false,
        };
    };
    let Some(padded) = document_text(text, &starts, lines) else {
        return false;
    };
    let mut loader = marked_loader();
    let mut parser = Parser::new_from_str(&padded);
    let _ = parser.load(&mut loader, false);
    if loader.error().is_some() {
        return false;
    }
    match loader.into_documents().first() {
        Some(doc) => {
            f(doc);
            true
        }
        None => false,
    }
}

fn marked_loader<'i>() -> YamlLoader<'i, MarkedYaml<'i>> {
    let mut loader = YamlLoader::default();
    // Duplicates were reported by the first reading.
    loader.allow_duplicate_keys(true);
    loader
}

struct DocumentReader<'cb> {
    builder: Builder,
    problems: Vec<ParseProblem>,
    next_index: usize,
    /// Line of the current document's start (its `---`, or its first line).
    doc_start: usize,
    on_document: &'cb mut dyn FnMut(ParsedDocument),
}

impl<'cb> DocumentReader<'cb> {
    fn new(first_index: usize, on_document: &'cb mut dyn FnMut(ParsedDocument)) -> Self {
        DocumentReader {
            builder: Builder::new(),
            problems: Vec::new(),
            next_index: first_index,
            doc_start: 1,
            on_document,
        }
    }

    fn finish_document(&mut self, end: Span) {
        let mut problems = std::mem::take(&mut self.problems);
        problems.extend(self.builder.take_duplicates().into_iter().map(|d| {
            ParseProblem::DuplicateKey {
                key: d.key,
                span: d.at,
                first: d.first,
            }
        }));
        let index = self.next_index;
        self.next_index += 1;
        let (json, positions, empty) = match self.builder.finish(end) {
            Some(b) => (b.json, b.positions, b.empty),
            // Alias expansion went over budget (the problem is recorded):
            // the document is given up, but reported and counted.
            None => (Value::Null, Positions::default(), false),
        };
        if empty && problems.is_empty() {
            // An empty document (`---` then nothing, or `null`): kubectl
            // skips it, so do we; nothing to lint or count.
            return;
        }
        // An implicit end is marked at the next `---` (or the end of the
        // input): that line may belong to the next document, which is
        // harmless for `read_document_at` (it reads one document).
        let end_line = end.start.line().max(self.doc_start);
        (self.on_document)(ParsedDocument {
            index,
            json,
            positions,
            lines: (self.doc_start, end_line),
            problems,
        });
    }
}

impl<'i> SpannedEventReceiver<'i> for DocumentReader<'_> {
    fn on_event(&mut self, ev: Event<'i>, span: Span) {
        match ev {
            Event::DocumentStart(_) => self.doc_start = span.start.line(),
            Event::DocumentEnd => self.finish_document(span),
            ev => {
                if !self.builder.on_event(ev, span) {
                    self.problems.push(ParseProblem::AliasBudget {
                        line: span.start.line(),
                        col: span.start.col(),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<(usize, Vec<ParseProblem>)>, Vec<ParseProblem>) {
        let mut docs = Vec::new();
        let problems = read_documents(text, &mut |d| docs.push((d.index, d.problems)));
        (docs, problems)
    }

    /// A lone `\r` is one not followed by `\n`, wherever it is.
    #[test]
    fn lone_carriage_returns_are_found() {
        for (text, lone) in [
            ("", false),
            ("a: 1\n", false),
            ("a: 1\r\nb: 2\r\n", false),
            ("a: 1\rb: 2", true),
            ("\r", true),
            ("a\r\n\r", true),
            ("\r\r\n", true),
            ("a\r\n".repeat(40).as_str(), false),
            (format!("{}\rx", "a\r\n".repeat(40)).as_str(), true),
        ] {
            assert_eq!(has_lone_cr(text), lone, "{text:?}");
        }
    }

    #[test]
    fn duplicate_keys_are_reported_and_loading_goes_on() {
        let (docs, problems) = read("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n---\nz: 1\n");
        assert!(problems.is_empty());
        assert_eq!(docs.len(), 2);
        let keys: Vec<_> = docs[0]
            .1
            .iter()
            .map(|p| match p {
                ParseProblem::DuplicateKey { key, span, first } => {
                    (key.clone(), span.line(), first.line())
                }
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(keys, [("c".into(), 4, 3), ("a".into(), 5, 1)]);
        // Keys are compared as JSON sees them.
        let (docs, _) = read("1: a\n01: b\n\"1\": c\nx: 1\n");
        assert_eq!(docs[0].1.len(), 2, "{:?}", docs[0].1);
    }

    #[test]
    fn reading_resumes_after_a_syntax_error() {
        let (docs, problems) = read("a: 1\n---\nb: [1\n---\nc: 1\n");
        assert_eq!(docs.iter().map(|d| d.0).collect::<Vec<_>>(), [0, 2]);
        assert!(matches!(problems[..], [ParseProblem::Syntax { .. }]));
        let (docs, problems) = read("a: b: c\n---\nd: 1\n---\ne: [\n");
        assert_eq!(docs.iter().map(|d| d.0).collect::<Vec<_>>(), [1]);
        assert_eq!(problems.len(), 2);
    }

    /// Every document read again alone is the document read with its file:
    /// same JSON, same lines and columns (the locate pass relies on it),
    /// and saphyr's tree of it is there for the profile checks.
    #[test]
    fn a_document_read_alone_is_the_one_read_with_its_file() {
        let texts = [
            "a: 1\n---\nb: [1, 2]\n---\nc: {d: e}\n",
            "\u{feff}# comment\n\nkind: A\nspec:\n  x: 1\n---\n# between\nkind: B\n",
            "--- {a: 1}\n--- |\n  text\n...\n---\nb: 2\n...\n",
            "a: 1\r\n---\r\nb:\r\n  c: 2\r\n",
            "a: 1\n---\nb: [1\n---\nc: 1\n---\nd: 2\n",
            "%YAML 1.2\n---\na: 1\n---\nb: &x 1\nc: *x\n",
        ];
        for text in texts {
            let mut whole = Vec::new();
            read_documents(text, &mut |d| {
                whole.push((d.index, d.lines, tree(&d)));
            });
            assert!(!whole.is_empty(), "{text:?}");
            for (index, lines, expected) in &whole {
                let mut alone = None;
                let starts = line_starts(text).unwrap();
                let found = read_document_at(text, &starts, *index, *lines, &mut |d| {
                    alone = Some((d.index, tree(&d)));
                });
                assert!(found, "document {index} of {text:?} not found at {lines:?}");
                assert_eq!(alone, Some((*index, expected.clone())), "{text:?}");
                let mut marked = None;
                assert!(with_marked_document(text, *index, *lines, &mut |root| {
                    marked = Some(scaleplan_diag::yaml::to_json(root).to_string());
                }));
                assert_eq!(marked.as_deref(), expected.split('|').next(), "{text:?}");
            }
        }
        // Lone CR line ends: the caller reads the whole file instead.
        assert_eq!(line_starts("a: 1\r---\rb: 2\r"), None);
        assert_eq!(line_starts("a\r\nb\n"), Some(vec![0, 3, 5]));
        // Lines that are not in the text, or hold no document: not found.
        let text = "# only a comment\n---\nb: 2\n";
        let starts = line_starts(text).unwrap();
        assert!(!read_document_at(text, &starts, 1, (9, 9), &mut |_| {}));
        assert!(!read_document_at(text, &starts, 0, (1, 1), &mut |_| {}));
    }

    /// A document's JSON and positions, comparable.
    fn tree(d: &ParsedDocument) -> String {
        format!("{}|{:?}", d.json, d.positions)
    }

    #[test]
    fn billion_laughs_is_refused_with_a_position() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let (docs, _) = read(&text);
        assert_eq!(docs.len(), 1);
        assert!(
            docs[0]
                .1
                .iter()
                .any(|p| matches!(p, ParseProblem::AliasBudget { line, .. } if *line > 1))
        );
    }
}
