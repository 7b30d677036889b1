//! Where the index keeps the pruned copy of each object while cross-object
//! rules run: serialized, in memory up to a budget, then in an anonymous
//! temporary file. Rules load a body when they read it (parsed again each
//! time, with a small per-thread cache), so the index's memory is its
//! fixed-size records, not the objects: 1 GB of YAML holds well over a
//! million objects, and their trees would take gigabytes.

use serde_json::Value;
use std::cell::RefCell;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// One entry of the store: the body's summary (see `summary`), the body,
/// serialized, and what `more` writes after it (where its nodes are, see
/// `places`), framed so that each reads back alone.
pub(crate) fn entry(summary: &[u8], body: &Value, more: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::with_capacity(summary.len() + 1024);
    crate::places::write_unsigned(&mut out, summary.len() as u64);
    out.extend_from_slice(summary);
    // The body is serialized in place, and its length written in front of
    // it afterwards, as a varint padded to a fixed width (redundant
    // continuation bytes read back as the same number): no second copy.
    let at = out.len();
    out.extend_from_slice(&[0; LENGTH_WIDTH]);
    serde_json::to_writer(&mut out, body).expect("a JSON value serializes into memory");
    let len = out.len() - at - LENGTH_WIDTH;
    for (k, byte) in out[at..at + LENGTH_WIDTH].iter_mut().enumerate() {
        let more = if k + 1 < LENGTH_WIDTH { 0x80 } else { 0 };
        *byte = (len >> (7 * k)) as u8 & 0x7f | more;
    }
    more(&mut out);
    out
}

/// Bytes of a body's padded length: 35 bits, more than an entry's `u32`.
const LENGTH_WIDTH: usize = 5;

/// An entry's summary, body and what follows them (see [`entry`]).
fn parts(entry: &[u8]) -> Option<[&[u8]; 3]> {
    let mut rest = entry;
    let mut part = || {
        let len = usize::try_from(crate::places::read_unsigned(&mut rest)?).ok()?;
        let (part, after) = (len <= rest.len()).then(|| rest.split_at(len))?;
        rest = after;
        Some(part)
    };
    let summary = part()?;
    let body = part()?;
    Some([summary, body, rest])
}

/// A body as the JSON text the store keeps, with the records of where its
/// nodes are (`places`): what locating a finding reads.
pub(crate) struct Placed {
    pub text: Vec<u8>,
    pub records: Vec<u8>,
}

/// Where one body is in the store. The offset is split in two u32s so that
/// the reference packs into the index record without padding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct BodyRef {
    offset: [u32; 2],
    len: u32,
}

impl BodyRef {
    fn offset(self) -> u64 {
        u64::from(self.offset[0]) << 32 | u64::from(self.offset[1])
    }
}

/// Appends bodies while the index is built.
pub(crate) struct BodyWriter {
    memory: Chunks,
    file: Option<BufWriter<File>>,
    written: u64,
    budget: usize,
    write_failed: bool,
}

impl BodyWriter {
    /// Keeps up to `budget` bytes in memory; past it, everything moves to a
    /// temporary file and later bodies are appended there.
    pub(crate) fn new(budget: usize) -> Self {
        BodyWriter {
            memory: Chunks::default(),
            file: None,
            written: 0,
            budget,
            write_failed: false,
        }
    }

    pub(crate) fn append(&mut self, bytes: &[u8]) -> BodyRef {
        let at = BodyRef {
            offset: [(self.written >> 32) as u32, self.written as u32],
            // A pruned body over 4 GiB cannot come out of a YAML document
            // that the parser accepted in memory; saturate rather than wrap.
            len: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
        };
        self.written += u64::from(at.len);
        let bytes = &bytes[..at.len as usize];
        if self.file.is_none() && self.memory.len + bytes.len() > self.budget {
            self.spill();
        }
        match &mut self.file {
            Some(f) => {
                if f.write_all(bytes).is_err() {
                    // The disk is full or gone: the run goes on, and the
                    // engine reports that cross-object results are incomplete.
                    self.write_failed = true;
                }
            }
            None => self.memory.push(bytes),
        }
        at
    }

    /// Moves what is in memory to a new temporary file (kept in memory when
    /// none can be created).
    fn spill(&mut self) {
        let Ok(file) = tempfile::tempfile() else {
            return;
        };
        let mut file = BufWriter::with_capacity(1 << 16, file);
        // Chunks hold consecutive offsets: in order, they are the file.
        if self
            .memory
            .chunks
            .iter()
            .all(|c| file.write_all(&c.bytes).is_ok())
        {
            self.memory = Chunks::default();
            self.file = Some(file);
        }
    }

    pub(crate) fn finish(mut self) -> Bodies {
        static STORES: AtomicU64 = AtomicU64::new(0);
        let mut failed = self.write_failed;
        let storage = match self.file.take().map(BufWriter::into_inner) {
            Some(Ok(file)) => Storage::File(file),
            Some(Err(_)) => {
                failed = true;
                Storage::Memory(Chunks::default())
            }
            None => Storage::Memory(std::mem::take(&mut self.memory)),
        };
        Bodies {
            storage,
            id: STORES.fetch_add(1, Ordering::Relaxed),
            failed: AtomicBool::new(failed),
        }
    }
}

enum Storage {
    Memory(Chunks),
    File(File),
}

/// The store's memory, in chunks: a doubling `Vec` copied everything it
/// held at each step (1% of a run in `memmove`, and as many fresh pages
/// again). An entry never straddles two chunks, so that it reads back as
/// one slice.
#[derive(Default)]
struct Chunks {
    chunks: Vec<Chunk>,
    len: usize,
}

struct Chunk {
    /// The store offset of its first byte.
    start: u64,
    bytes: Vec<u8>,
}

/// Bytes a chunk is allocated with (a larger entry gets a chunk of its own).
const CHUNK: usize = 1 << 20;

impl Chunks {
    fn push(&mut self, bytes: &[u8]) {
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.bytes.capacity() - c.bytes.len() >= bytes.len());
        if !fits {
            self.chunks.push(Chunk {
                start: self.len as u64,
                bytes: Vec::with_capacity(bytes.len().max(CHUNK)),
            });
        }
        if let Some(c) = self.chunks.last_mut() {
            c.bytes.extend_from_slice(bytes);
        }
        self.len += bytes.len();
    }

    /// The `len` bytes at store offset `at`, when one chunk holds them.
    fn get(&self, at: u64, len: usize) -> Option<&[u8]> {
        let i = self
            .chunks
            .partition_point(|c| c.start <= at)
            .checked_sub(1)?;
        let c = &self.chunks[i];
        let from = usize::try_from(at - c.start).ok()?;
        c.bytes.get(from..from.checked_add(len)?)
    }
}

/// The finished store: read-only, shared by the threads that run rules.
pub(crate) struct Bodies {
    storage: Storage,
    /// Tells stores apart in the per-thread cache.
    id: u64,
    failed: AtomicBool,
}

impl std::fmt::Debug for Bodies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = match &self.storage {
            Storage::Memory(m) => format!("{} bytes in memory", m.len),
            Storage::File(_) => "in a temporary file".to_owned(),
        };
        write!(f, "Bodies({place})")
    }
}

/// Bodies recently loaded on this thread: rules read an object's fields in
/// bursts (an autoscaler, then its target), and a parse is the cost of a load.
const CACHE_SLOTS: usize = 256;

type CacheSlot = Option<(u64, usize, Rc<Value>)>;

thread_local! {
    static CACHE: RefCell<Vec<CacheSlot>> = RefCell::new(vec![None; CACHE_SLOTS]);
}

impl Bodies {
    /// The body of object `object` (its index id, the cache key). A body
    /// that cannot be read back is `null`, and [`Bodies::failed`] says so.
    pub(crate) fn load(&self, object: usize, at: BodyRef) -> Rc<Value> {
        let slot = object % CACHE_SLOTS;
        let cached = CACHE.with(|c| match &c.borrow()[slot] {
            Some((store, id, v)) if *store == self.id && *id == object => Some(Rc::clone(v)),
            _ => None,
        });
        if let Some(v) = cached {
            return v;
        }
        let value = Rc::new(self.read(at).unwrap_or_else(|| {
            self.failed.store(true, Ordering::Relaxed);
            Value::Null
        }));
        CACHE.with(|c| c.borrow_mut()[slot] = Some((self.id, object, Rc::clone(&value))));
        value
    }

    /// The value at `pointer` in a body, parsed alone (see
    /// [`crate::places::subtree`]); `None` when it is not there, and
    /// [`Bodies::failed`] set when the store cannot be read.
    pub(crate) fn load_at(&self, at: BodyRef, pointer: &str) -> Option<Value> {
        let Some(entry) = self.entry(at) else {
            self.failed.store(true, Ordering::Relaxed);
            return None;
        };
        let text = crate::places::subtree(parts(&entry)?[1], pointer)?;
        serde_json::from_slice(text).ok()
    }

    fn read(&self, at: BodyRef) -> Option<Value> {
        let entry = self.entry(at)?;
        serde_json::from_slice(parts(&entry)?[1]).ok()
    }

    /// The summary in front of a body (see `summary`); the default, and
    /// [`Bodies::failed`] set, when the store cannot be read.
    pub(crate) fn summary(&self, at: BodyRef) -> crate::summary::Summary {
        let summary = self
            .entry(at)
            .and_then(|e| crate::summary::Summary::read(parts(&e)?[0]));
        summary.unwrap_or_else(|| {
            self.failed.store(true, Ordering::Relaxed);
            crate::summary::Summary::default()
        })
    }

    /// A body's JSON text and what follows it in its entry (see
    /// `PendingBody::of`): where its nodes are in the file.
    pub(crate) fn places(&self, at: BodyRef) -> Option<Placed> {
        let entry = self.entry(at)?;
        let [_, body, places] = parts(&entry)?;
        Some(Placed {
            text: body.to_vec(),
            records: places.to_vec(),
        })
    }

    /// The bytes of one entry: the body's length, the body, what follows.
    fn entry(&self, at: BodyRef) -> Option<std::borrow::Cow<'_, [u8]>> {
        let len = at.len as usize;
        match &self.storage {
            Storage::Memory(m) => Some(m.get(at.offset(), len)?.into()),
            Storage::File(f) => {
                let mut buf = vec![0; len];
                read_exact_at(f, &mut buf, at.offset()).ok()?;
                Some(buf.into())
            }
        }
    }

    /// Whether a body could not be read back (the temporary file failed).
    pub(crate) fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Whether the bodies went to a temporary file (for tests).
    #[cfg(test)]
    pub(crate) fn spilled(&self) -> bool {
        matches!(self.storage, Storage::File(_))
    }
}

#[cfg(unix)]
fn read_exact_at(f: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
}

#[cfg(windows)]
fn read_exact_at(f: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match f.seek_read(buf, offset)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::Summary;
    use serde_json::json;

    fn round_trip(budget: usize) -> bool {
        let values: Vec<Value> = (0..1000)
            .map(
                |i| json!({"kind": "Deployment", "metadata": {"name": format!("app-{i}")}, "n": i}),
            )
            .collect();
        let summary = |i: usize| Summary {
            requested: (i % 4) as u8,
            pod_labels: (!i.is_multiple_of(3))
                .then(|| (0..i as u64 % 5).map(|l| l << 40 | l).collect()),
            ..Summary::default()
        };
        let mut w = BodyWriter::new(budget);
        let refs: Vec<BodyRef> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let mut s = Vec::new();
                summary(i).write(&mut s);
                w.append(&entry(&s, v, |out| out.extend_from_slice(b"after")))
            })
            .collect();
        let bodies = w.finish();
        // Out of order and twice, through the cache and around it.
        for round in 0..2 {
            for (i, (v, r)) in values.iter().zip(&refs).enumerate().rev() {
                assert_eq!(*bodies.load(i, *r), *v, "round {round}, body {i}");
                let placed = bodies.places(*r).expect("an entry");
                let text = serde_json::from_slice::<Value>(&placed.text);
                assert_eq!(text.ok().as_ref(), Some(v));
                assert_eq!(placed.records, b"after");
                assert_eq!(bodies.summary(*r), summary(i));
            }
        }
        assert!(!bodies.failed());
        bodies.spilled()
    }

    #[test]
    fn bodies_read_back_from_memory() {
        assert!(!round_trip(usize::MAX));
    }

    #[test]
    fn bodies_read_back_from_the_temporary_file() {
        assert!(round_trip(1000));
    }

    /// Entries that fill chunks unevenly, one larger than a chunk, read
    /// back from memory and, spilled after several chunks, from the file.
    #[test]
    fn bodies_read_back_across_chunks() {
        for budget in [usize::MAX, 3 * CHUNK] {
            let sizes = [400_000, 700_000, 10, 1_500_000, 999_990, 20, 600_000, 300];
            let values: Vec<Value> = sizes
                .iter()
                .enumerate()
                .map(|(i, &n)| json!({"i": i, "s": "x".repeat(n)}))
                .collect();
            let mut w = BodyWriter::new(budget);
            let refs: Vec<BodyRef> = values
                .iter()
                .map(|v| w.append(&entry(b"s", v, |out| out.push(7))))
                .collect();
            if budget == usize::MAX {
                assert!(w.memory.chunks.len() >= 4, "{}", w.memory.chunks.len());
            }
            let bodies = w.finish();
            assert_eq!(bodies.spilled(), budget != usize::MAX);
            for (i, (v, r)) in values.iter().zip(&refs).enumerate().rev() {
                assert_eq!(*bodies.load(i, *r), *v, "body {i}, budget {budget}");
                assert_eq!(bodies.places(*r).expect("an entry").records, [7]);
            }
            assert!(!bodies.failed());
        }
    }

    #[test]
    fn two_stores_do_not_share_cache_entries() {
        let one = |v: Value| {
            let mut w = BodyWriter::new(usize::MAX);
            let r = w.append(&entry(&[], &v, |_| {}));
            (w.finish(), r)
        };
        let (a, ra) = one(json!({"a": 1}));
        let (b, rb) = one(json!({"b": 2}));
        assert_eq!(*a.load(0, ra), json!({"a": 1}));
        assert_eq!(*b.load(0, rb), json!({"b": 2}));
    }
}
