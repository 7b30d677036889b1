//! External merge sort for findings, so that linting a gigabyte of YAML does
//! not hold every [`Diagnostic`] in memory before sorting.
//!
//! Findings are buffered up to a budget; a full buffer is sorted, deduplicated
//! and appended as one run of compact binary records (see `encode`) to a
//! single anonymous temp file.
//! [`DiagnosticSpill::finish`] merges the runs and the in-memory remainder.
//! The result is exactly what `scaleplan_diag::sort` followed by `Vec::dedup`
//! gives for the same input: the merge is stable (ties go to the earlier run,
//! as `sort` keeps insertion order) and drops a diagnostic equal to the one
//! just before it.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Arc;
use std::vec;

use crate::places::{read_unsigned, write_unsigned};
use scaleplan_diag::{Diagnostic, Location, Severity};

/// A few MB of findings: enough that typical repositories never touch disk.
const DEFAULT_BUDGET: usize = 10_000;

/// Read buffer per run while merging; memory is this times the run count.
const RUN_BUFFER: usize = 16 * 1024;

/// Collects diagnostics in any order and gives them back sorted and
/// deduplicated, holding at most `budget` of them in memory at a time.
pub(crate) struct DiagnosticSpill {
    budget: usize,
    buffer: Vec<Diagnostic>,
    /// Created on the first spill only; holds every run back to back.
    file: Option<File>,
    runs: Vec<Run>,
}

/// Byte range of one sorted run in the spill file.
#[derive(Clone, Copy)]
struct Run {
    start: u64,
    end: u64,
}

impl Default for DiagnosticSpill {
    fn default() -> Self {
        Self::new(DEFAULT_BUDGET)
    }
}

impl DiagnosticSpill {
    /// `budget` is how many diagnostics are kept in memory before they are
    /// written out as a sorted run (0 is treated as 1).
    pub(crate) fn new(budget: usize) -> Self {
        DiagnosticSpill {
            budget: budget.max(1),
            buffer: Vec::new(),
            file: None,
            runs: Vec::new(),
        }
    }

    /// Adds one finding; writes a run to disk when the buffer is full. When
    /// the disk fails (full, no temp directory), findings stay in memory:
    /// a run that needs more memory beats one that loses findings.
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.buffer.push(diagnostic);
        if self.buffer.len() >= self.budget && self.spill().is_err() {
            self.budget = usize::MAX;
        }
    }

    /// How many sorted runs were written; 0 means no temp file was created.
    #[cfg(test)]
    pub(crate) fn spilled_runs(&self) -> usize {
        self.runs.len()
    }

    /// Everything pushed, in canonical order without exact duplicates.
    pub(crate) fn finish(mut self) -> SortedDiagnostics {
        sort_dedup(&mut self.buffer);
        let Some(file) = self.file else {
            return SortedDiagnostics::Memory(self.buffer.into_iter());
        };
        let file = Arc::new(file);
        // The remainder goes last: it holds the most recently pushed items.
        let sources = self
            .runs
            .iter()
            .map(|run| Source::Run(RunBytes::new_reader(Arc::clone(&file), *run)))
            .chain([Source::Memory(self.buffer.into_iter())])
            .collect();
        match Merge::new(sources) {
            Ok(merge) => SortedDiagnostics::Merge(merge),
            Err(e) => SortedDiagnostics::Failed(Some(e)),
        }
    }

    /// Writes the buffer as one sorted run, streamed (an encoded copy of a
    /// run would double its memory). The buffer is cleared only once the run
    /// is on disk, so a failed write loses nothing: its partial bytes lie
    /// past the last recorded run and are never read.
    fn spill(&mut self) -> io::Result<()> {
        sort_dedup(&mut self.buffer);
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile()?),
        };
        let start = self.runs.last().map_or(0, |run| run.end);
        let mut out = CountingWriter {
            inner: BufWriter::with_capacity(1 << 16, &*file),
            written: 0,
        };
        let (mut record, mut length) = (Vec::new(), Vec::with_capacity(10));
        for diagnostic in &self.buffer {
            record.clear();
            encode(diagnostic, &mut record);
            length.clear();
            write_unsigned(&mut length, record.len() as u64);
            out.write_all(&length)?;
            out.write_all(&record)?;
        }
        out.flush()?;
        let end = start + out.written;
        self.runs.push(Run { start, end });
        self.buffer.clear();
        Ok(())
    }
}

/// Counts the bytes of a run as they are written.
struct CountingWriter<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A finding as a run holds it: its fields in order, each string as a
/// varint length and its bytes, each number a varint, each optional part
/// after a 0/1 byte; the record goes after its own length. Writing and
/// reading the JSON lines of the first design cost a spilling run more
/// than its sorting.
fn encode(d: &Diagnostic, out: &mut Vec<u8>) {
    let text = |out: &mut Vec<u8>, s: &str| {
        write_unsigned(out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    };
    text(out, &d.rule);
    out.push(match d.severity {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    });
    text(out, &d.message);
    out.push(u8::from(d.location.is_some()));
    if let Some(l) = &d.location {
        text(out, &l.file);
        for n in [l.line, l.column, l.end_line, l.end_column] {
            write_unsigned(out, n as u64);
        }
    }
    for part in [&d.field, &d.help] {
        out.push(u8::from(part.is_some()));
        if let Some(s) = part {
            text(out, s);
        }
    }
}

/// The finding [`encode`] wrote (`None`: not one).
fn decode(mut bytes: &[u8]) -> Option<Diagnostic> {
    let bytes = &mut bytes;
    fn number(bytes: &mut &[u8]) -> Option<usize> {
        usize::try_from(read_unsigned(bytes)?).ok()
    }
    fn text(bytes: &mut &[u8]) -> Option<String> {
        let len = number(bytes)?;
        let (s, rest) = (len <= bytes.len()).then(|| bytes.split_at(len))?;
        *bytes = rest;
        String::from_utf8(s.to_vec()).ok()
    }
    fn flag(bytes: &mut &[u8]) -> Option<bool> {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        (b <= 1).then_some(b == 1)
    }
    let rule = text(bytes)?;
    let (&severity, rest) = bytes.split_first()?;
    *bytes = rest;
    let severity = [Severity::Info, Severity::Warning, Severity::Error]
        .get(usize::from(severity))
        .copied()?;
    let message = text(bytes)?;
    let location = match flag(bytes)? {
        true => Some(Location {
            file: text(bytes)?,
            line: number(bytes)?,
            column: number(bytes)?,
            end_line: number(bytes)?,
            end_column: number(bytes)?,
        }),
        false => None,
    };
    let field = if flag(bytes)? {
        Some(text(bytes)?)
    } else {
        None
    };
    let help = if flag(bytes)? {
        Some(text(bytes)?)
    } else {
        None
    };
    bytes.is_empty().then(|| Diagnostic {
        location,
        field,
        help,
        ..Diagnostic::new(rule, severity, message)
    })
}

/// A record's length (see [`encode`]); `None` at the end of the run.
fn read_length(reader: &mut impl Read) -> io::Result<Option<usize>> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let mut byte = [0u8];
        if reader.read(&mut byte)? == 0 {
            return if shift == 0 {
                Ok(None)
            } else {
                Err(io::ErrorKind::UnexpectedEof.into())
            };
        }
        n |= u64::from(byte[0] & 0x7f) << shift;
        if byte[0] & 0x80 == 0 {
            return usize::try_from(n)
                .map(Some)
                .map_err(|_| io::ErrorKind::InvalidData.into());
        }
    }
    Err(io::ErrorKind::InvalidData.into())
}

/// The same as the engine's `sort` + `dedup`, so runs match the final order.
fn sort_dedup(diagnostics: &mut Vec<Diagnostic>) {
    scaleplan_diag::sort(diagnostics);
    diagnostics.dedup();
}

/// The sorted, deduplicated output of a [`DiagnosticSpill`]. Stops after the
/// first error.
pub(crate) enum SortedDiagnostics {
    /// Nothing was spilled: already sorted in memory.
    Memory(vec::IntoIter<Diagnostic>),
    Merge(Merge),
    /// The runs could not be read back: this error, then nothing.
    Failed(Option<io::Error>),
}

impl Iterator for SortedDiagnostics {
    type Item = io::Result<Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            SortedDiagnostics::Memory(items) => items.next().map(Ok),
            SortedDiagnostics::Merge(merge) => merge.next(),
            SortedDiagnostics::Failed(e) => e.take().map(Err),
        }
    }
}

/// k-way merge over the runs and the in-memory remainder.
pub(crate) struct Merge {
    sources: Vec<Source>,
    heap: BinaryHeap<Head>,
    /// Next item to yield; held back until the one after it is known so that
    /// equal neighbours are dropped without cloning.
    pending: Option<Diagnostic>,
    /// One record buffer shared by all runs, as only one is decoded at a time.
    line: Vec<u8>,
}

impl Merge {
    fn new(mut sources: Vec<Source>) -> io::Result<Self> {
        let mut line = Vec::new();
        let mut heap = BinaryHeap::with_capacity(sources.len());
        for (source, items) in sources.iter_mut().enumerate() {
            if let Some(diagnostic) = items.next(&mut line)? {
                heap.push(Head { diagnostic, source });
            }
        }
        let mut merge = Merge {
            sources,
            heap,
            pending: None,
            line,
        };
        merge.pending = merge.pop()?;
        Ok(merge)
    }

    fn pop(&mut self) -> io::Result<Option<Diagnostic>> {
        let Some(Head { diagnostic, source }) = self.heap.pop() else {
            return Ok(None);
        };
        if let Some(next) = self.sources[source].next(&mut self.line)? {
            self.heap.push(Head {
                diagnostic: next,
                source,
            });
        }
        Ok(Some(diagnostic))
    }

    fn next(&mut self) -> Option<io::Result<Diagnostic>> {
        let current = self.pending.take()?;
        loop {
            match self.pop() {
                Ok(Some(next)) if next == current => continue,
                Ok(next) => {
                    self.pending = next;
                    return Some(Ok(current));
                }
                Err(err) => {
                    // A broken run makes the rest meaningless: end here.
                    self.heap.clear();
                    return Some(Err(err));
                }
            }
        }
    }
}

/// The smallest unread diagnostic of one source, as ordered in the heap.
struct Head {
    diagnostic: Diagnostic,
    source: usize,
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed because `BinaryHeap` pops the largest. Equal keys go to the
        // earlier source, which keeps the merge as stable as `sort`.
        other
            .diagnostic
            .sort_key()
            .cmp(&self.diagnostic.sort_key())
            .then_with(|| other.source.cmp(&self.source))
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

enum Source {
    Run(RunReader),
    Memory(vec::IntoIter<Diagnostic>),
}

impl Source {
    fn next(&mut self, line: &mut Vec<u8>) -> io::Result<Option<Diagnostic>> {
        match self {
            Source::Memory(items) => Ok(items.next()),
            Source::Run(reader) => {
                let Some(len) = read_length(reader)? else {
                    return Ok(None);
                };
                line.resize(len, 0);
                reader.read_exact(line)?;
                decode(line).map(Some).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        "a spilled finding does not decode",
                    )
                })
            }
        }
    }
}

type RunReader = BufReader<RunBytes>;

impl RunBytes {
    fn new_reader(file: Arc<File>, run: Run) -> RunReader {
        BufReader::with_capacity(
            RUN_BUFFER,
            RunBytes {
                file,
                pos: run.start,
                end: run.end,
            },
        )
    }
}

/// One run's bytes. All runs share one file handle, so each read seeks to
/// where this run left off; that is one extra syscall per buffer refill.
struct RunBytes {
    file: Arc<File>,
    pos: u64,
    end: u64,
}

impl Read for RunBytes {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.end - self.pos).unwrap_or(usize::MAX);
        let want = buf.len().min(left);
        if want == 0 {
            return Ok(0);
        }
        let mut file = &*self.file;
        file.seek(SeekFrom::Start(self.pos))?;
        let n = file.read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use scaleplan_diag::{Location, Severity};

    fn expected(mut input: Vec<Diagnostic>) -> Vec<Diagnostic> {
        sort_dedup(&mut input);
        input
    }

    fn through_spill(budget: usize, input: &[Diagnostic]) -> (Vec<Diagnostic>, usize) {
        let mut spill = DiagnosticSpill::new(budget);
        for d in input {
            spill.push(d.clone());
        }
        let runs = spill.spilled_runs();
        let out = spill.finish().collect::<io::Result<Vec<_>>>();
        (out.unwrap(), runs)
    }

    fn location() -> impl Strategy<Value = Location> {
        (
            prop::sample::select(vec!["a.yaml", "b.yaml", "dir/c.yaml", "é ü.yaml"]),
            1..4usize,
            1..3usize,
            0..2usize,
            0..3usize,
        )
            .prop_map(|(file, line, column, lines, width)| Location {
                file: file.to_owned(),
                line,
                column,
                end_line: line + lines,
                end_column: column + width,
            })
    }

    // Small domains on purpose: many equal sort keys and exact duplicates.
    fn diagnostic() -> impl Strategy<Value = Diagnostic> {
        (
            prop::sample::select(vec!["HPA001", "HPA002", "P0101"]),
            prop::sample::select(vec![Severity::Info, Severity::Warning, Severity::Error]),
            prop::sample::select(vec!["too low", "too high", "line\nbreak \"quoted\""]),
            prop::option::of(location()),
            prop::option::of(prop::sample::select(vec!["spec", "spec.metrics[0]"])),
            prop::option::of(prop::sample::select(vec!["raise it", "lower it"])),
        )
            .prop_map(
                |(rule, severity, message, location, field, help)| Diagnostic {
                    location,
                    field: field.map(str::to_owned),
                    help: help.map(str::to_owned),
                    ..Diagnostic::new(rule, severity, message)
                },
            )
    }

    fn diagnostics() -> impl Strategy<Value = Vec<Diagnostic>> {
        (
            prop::collection::vec(diagnostic(), 0..150),
            prop::collection::vec(any::<prop::sample::Index>(), 0..50),
        )
            .prop_map(|(mut diags, copies)| {
                if !diags.is_empty() {
                    for i in copies {
                        let copy = i.get(&diags).clone();
                        diags.push(copy);
                    }
                }
                diags
            })
    }

    proptest! {
        #[test]
        fn matches_sort_then_dedup(input in diagnostics()) {
            let want = expected(input.clone());
            for budget in [1, 2, 7, 1000] {
                let (got, runs) = through_spill(budget, &input);
                prop_assert_eq!(&got, &want, "budget {}", budget);
                prop_assert_eq!(runs, input.len() / budget);
            }
        }
    }

    /// A record decodes to its finding (optional parts present or not,
    /// text with line breaks and non-ASCII); no cut of it decodes.
    #[test]
    fn records_decode_to_their_findings_and_cuts_do_not() {
        let full = Diagnostic::new("HPA001", Severity::Warning, "é \"q\"\nx")
            .at(Location {
                file: "dir/ü.yaml".into(),
                line: 300,
                column: 2,
                end_line: 301,
                end_column: 200,
            })
            .field("spec.metrics[0]")
            .help("lower it");
        let bare = Diagnostic::new("IO", Severity::Info, "");
        for d in [full, bare] {
            let mut record = Vec::new();
            super::encode(&d, &mut record);
            assert_eq!(super::decode(&record), Some(d.clone()));
            for cut in 0..record.len() {
                assert_eq!(super::decode(&record[..cut]), None, "{cut}");
            }
        }
    }

    #[test]
    fn empty_input() {
        for budget in [0, 1, 1000] {
            let spill = DiagnosticSpill::new(budget);
            assert_eq!(spill.spilled_runs(), 0);
            assert_eq!(spill.finish().count(), 0);
        }
    }

    #[test]
    fn under_budget_creates_no_file() {
        let mut spill = DiagnosticSpill::default();
        for line in (1..=100).rev() {
            let d = Diagnostic::error("HPA001", "x").at(Location::point("a.yaml", line, 1));
            spill.push(d.clone());
            spill.push(d);
        }
        assert!(spill.file.is_none());
        assert_eq!(spill.spilled_runs(), 0);
        let out = spill.finish();
        assert!(matches!(out, SortedDiagnostics::Memory(_)));
        let lines: Vec<_> = out.map(|d| d.unwrap().location.unwrap().line).collect();
        assert_eq!(lines, (1..=100).collect::<Vec<_>>());
    }

    #[test]
    fn duplicates_across_runs_are_removed() {
        let d = Diagnostic::warning("HPA002", "same").at(Location::point("a.yaml", 3, 4));
        let input = vec![d.clone(), d.clone(), d.clone()];
        let (got, runs) = through_spill(1, &input);
        assert_eq!(runs, 3);
        assert_eq!(got, vec![d]);
    }

    // Same sort key, different help: `sort` keeps insertion order and `dedup`
    // only drops neighbours, so [a, b, a] stays [a, b, a] across runs too.
    #[test]
    fn equal_keys_keep_insertion_order() {
        let a = Diagnostic::error("HPA001", "m").at(Location::point("f", 1, 1));
        let b = a.clone().help("other");
        let input = vec![a.clone(), b.clone(), a.clone(), a.clone()];
        for budget in [1, 2, 3, 1000] {
            assert_eq!(
                through_spill(budget, &input).0,
                vec![a.clone(), b.clone(), a.clone()]
            );
        }
    }
}
