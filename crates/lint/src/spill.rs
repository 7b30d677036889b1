//! External merge sort for findings, so that linting a gigabyte of YAML does
//! not hold every [`Diagnostic`] in memory before sorting.
//!
//! Findings are buffered up to a budget; a full buffer is sorted, deduplicated
//! and appended as one run of JSON lines to a single anonymous temp file.
//! [`DiagnosticSpill::finish`] merges the runs and the in-memory remainder.
//! The result is exactly what `scaleplan_diag::sort` followed by `Vec::dedup`
//! gives for the same input: the merge is stable (ties go to the earlier run,
//! as `sort` keeps insertion order) and drops a diagnostic equal to the one
//! just before it.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::sync::Arc;
use std::vec;

use scaleplan_diag::Diagnostic;

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
        for diagnostic in &self.buffer {
            serde_json::to_writer(&mut out, diagnostic)?;
            out.write_all(b"\n")?;
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
    /// One line buffer shared by all runs, as only one is decoded at a time.
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
                line.clear();
                if reader.read_until(b'\n', line)? == 0 {
                    return Ok(None);
                }
                Ok(Some(serde_json::from_slice(line)?))
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
