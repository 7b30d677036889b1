//! The index of every object in the input set, for cross-object rules.
//!
//! Files are linted one at a time and their trees dropped; what survives is
//! one [`IndexedObject`] per relevant document: its identity in memory
//! (kind, name, namespace, where it is) and, in the body store (`body_store`), a
//! pruned copy of the fields cross-object rules read (replicas, selectors,
//! container requests, the whole spec of autoscalers and PDBs, ...). Pod
//! specs lose everything but container names, images and resources (and,
//! for a Celery exporter's container, its ports, env and arguments); objects
//! of unrelated kinds keep only their identity. The store keeps bodies
//! serialized, past a budget in a temporary file, so what grows with the
//! input is about a hundred bytes of record per object; docs/lint.md
//! "Performance" has the figures. In front of each body the store keeps
//! its summary (`summary`): what the rules joining every autoscaler with
//! its target ask, read without parsing the body.

use crate::body_store::{Bodies, BodyRef, BodyWriter};
use crate::kind::{ObjectKind, ObjectType};
use crate::pointer::{Member, Pointer, field, field_mut};
use crate::rule::Finding;
use crate::rules::celery_exporter::CeleryExporter;
use crate::rules::hpa_shape::HpaV2;
use crate::summary::Summary;
use crate::suppress::Suppression;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

/// One object as cross-object rules see it: its identity in memory, its
/// pruned body in the body store (`body_store`), loaded by [`IndexedObject::body`].
#[derive(Clone, Debug)]
pub struct IndexedObject {
    /// Position in input order ([`IndexedObject::id`]).
    id: u32,
    /// Shared by every object of the same kind and apiVersion.
    pub object: Arc<ObjectType>,
    /// `metadata.name`, in the index's name arena (see [`IndexedObject::name`]).
    name: NameRef,
    /// `metadata.namespace` as a number in the index's namespace table
    /// (0: none, see [`IndexedObject::namespace`]).
    namespace: u32,
    body: BodyRef,
    shared: Arc<Shared>,
    /// Which input file (engine-internal numbering) and document; u32s
    /// because a large input holds millions of these records.
    file: u32,
    /// The document's index in its file; the top bit says whether the
    /// object has a pod template (see [`IndexedObject::has_template`]), the
    /// next two whether it sets `spec.replicas` and whether it is an HPA
    /// with custom metrics ([`IndexedObject::has_custom_metrics`]).
    doc: u32,
    /// The lines the document spans, to read it again alone when a
    /// cross-object finding must be located in it.
    doc_lines: (u32, u32),
}

/// Where a name is in the arena; `len == u32::MAX` for an object without one.
#[derive(Clone, Copy, Debug)]
struct NameRef {
    chunk: u32,
    start: u32,
    len: u32,
}

/// Names back to back in chunks of [`NAME_CHUNK`] bytes: one allocation per
/// chunk instead of one per name (a million names cost their length, not
/// their length rounded up plus a pointer and a length).
#[derive(Default)]
struct NameArena {
    chunks: Vec<String>,
}

const NAME_CHUNK: usize = 1 << 20;

/// How many object types [`Index::push`] finds by a scan.
const FIRST_TYPES: usize = 16;

impl NameArena {
    fn add(&mut self, name: Option<&str>) -> NameRef {
        let Some(name) = name else {
            return NameRef {
                chunk: 0,
                start: 0,
                len: u32::MAX,
            };
        };
        let fits = |c: &String| c.len() + name.len() <= c.capacity();
        if !self.chunks.last().is_some_and(fits) {
            self.chunks
                .push(String::with_capacity(NAME_CHUNK.max(name.len())));
        }
        let chunk = self.chunks.len() - 1;
        let c = &mut self.chunks[chunk];
        let start = c.len();
        c.push_str(name);
        let narrow = |n: usize| u32::try_from(n).expect("names under 4 GiB");
        NameRef {
            chunk: narrow(chunk),
            start: narrow(start),
            len: narrow(name.len()),
        }
    }

    fn get(&self, at: NameRef) -> Option<&str> {
        if at.len == u32::MAX {
            return None;
        }
        let start = at.start as usize;
        self.chunks
            .get(at.chunk as usize)?
            .get(start..start + at.len as usize)
    }
}

/// What every record points to: set when the index is finished.
#[derive(Default)]
struct Shared {
    names: OnceLock<NameArena>,
    /// The scale targets of the autoscalers, by object id (sorted).
    targets: OnceLock<Vec<TargetRecord>>,
    /// Beside `targets`: the id of each one's target in the input
    /// ([`NO_TARGET`] when it is not there), found once for every rule.
    resolved: OnceLock<Vec<u32>>,
    /// Beside `targets`: the autoscalers' ids alone, what the lookup of
    /// an autoscaler's record searches (4 bytes each, which stay in cache
    /// far better than the 28-byte records, whose search missed it at
    /// every step).
    target_ids: OnceLock<Vec<u32>>,
    /// Target kinds as written, by number (a handful).
    target_kinds: OnceLock<Vec<Box<str>>>,
    namespaces: OnceLock<Vec<Box<str>>>,
    bodies: OnceLock<Bodies>,
    /// File names by the engine's file number.
    files: OnceLock<Vec<Arc<str>>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("bodies", &self.bodies.get())
            .finish_non_exhaustive()
    }
}

/// Whom an autoscaler scales, kept apart from its body: nearly every
/// cross-object rule starts from autoscalers and their targets, and a body
/// load is a parse.
#[derive(Clone, Copy, Debug)]
struct TargetRecord {
    /// The autoscaler's id.
    id: u32,
    kind: u32,
    name: NameRef,
    /// Saturated to i32: the API server rejects larger replica counts.
    min_pods: i32,
}

/// A target that is not in the input (see `Shared::resolved`).
const NO_TARGET: u32 = u32::MAX;

/// What an autoscaler names as its target (see [`IndexedObject::scale_target`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ScaleTarget {
    pub kind: String,
    pub name: String,
    /// The smallest number of running pods the autoscaler leaves.
    pub min_pods: i64,
}

/// What the engine hands the index for one document: identity and the
/// serialized pruned body (serialized on the thread that read the file).
pub(crate) struct PendingObject {
    pub object: ObjectType,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub body: PendingBody,
    pub file: usize,
    pub doc: usize,
    pub doc_lines: (usize, usize),
    pub file_name: Arc<str>,
    pub suppression: Option<Suppression>,
}

impl PendingBody {
    /// The pruned copy of `json` (see [`prune_from`]: the document is
    /// left with holes), serialized, after its summary (`summary`) and
    /// followed by what `place` writes for it (the records of
    /// [`crate::places`], given the document and the copy), and what the
    /// index keeps in memory: flags (exporter, pod template, replicas,
    /// custom metrics) and, for an autoscaler, its target.
    pub(crate) fn of(
        object: &ObjectType,
        json: &mut Value,
        place: impl FnOnce(&Value, &Value, &mut Vec<u8>),
    ) -> Self {
        let kind = object.kind;
        let copy = prune_from(kind, json);
        let json = &*json;
        let pruned = copy.as_ref().unwrap_or(json);
        let hpa =
            (kind == ObjectKind::HorizontalPodAutoscaler).then(|| HpaV2::from_document(pruned));
        let mut summary = Vec::new();
        Summary::of_hpa(object, pruned, hpa.as_ref()).write(&mut summary);
        let body = crate::body_store::entry(&summary, pruned, |out| place(json, pruned, out));
        PendingBody {
            runs_exporter: runs_exporter(pruned),
            has_template: pruned.at("/spec/template").is_some(),
            sets_replicas: pruned.at("/spec/replicas").is_some(),
            custom_metrics: hpa.as_ref().is_some_and(|h| {
                h.metrics()
                    .iter()
                    .any(|m| CUSTOM_METRICS.iter().any(|b| m.member(b).is_some()))
            }),
            scale_target: crate::rules::workload::scale_target(kind, pruned),
            body,
        }
    }
}

/// An object's body as the reading thread hands it over (see [`PendingBody::of`]).
pub(crate) struct PendingBody {
    /// The store's entry (see `body_store::entry`).
    pub body: Vec<u8>,
    pub runs_exporter: bool,
    pub has_template: bool,
    pub sets_replicas: bool,
    pub custom_metrics: bool,
    /// For an autoscaler: its target.
    pub scale_target: Option<ScaleTarget>,
}

/// An entry of the name lookup: a hash of (kind, name) and an object id,
/// in 12 bytes (a `(u64, u32)` pair pads to 16; there is one per object).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    /// High and low halves, so that the derived order is the hash's.
    hash: [u32; 2],
    id: u32,
}

impl Key {
    fn new(hash: u64, id: u32) -> Self {
        Key {
            hash: [(hash >> 32) as u32, hash as u32],
            id,
        }
    }

    fn hash(&self) -> u64 {
        u64::from(self.hash[0]) << 32 | u64::from(self.hash[1])
    }
}

/// See [`IndexedObject::doc`].
const TEMPLATE_BIT: u32 = 1 << 31;
const REPLICAS_BIT: u32 = 1 << 30;
const CUSTOM_METRICS_BIT: u32 = 1 << 29;
const FLAGS: u32 = TEMPLATE_BIT | REPLICAS_BIT | CUSTOM_METRICS_BIT;

/// The metric blocks of an HPA (v2 shape) that name a metric of their own,
/// served by a metrics adapter: what [`IndexedObject::has_custom_metrics`] tells.
pub(crate) const CUSTOM_METRICS: [&str; 3] = ["object", "pods", "external"];

/// An object's flags, as the top bits of its document number.
fn flags(body: &PendingBody) -> u32 {
    [
        (body.has_template, TEMPLATE_BIT),
        (body.sets_replicas, REPLICAS_BIT),
        (body.custom_metrics, CUSTOM_METRICS_BIT),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .fold(0, |all, (_, bit)| all | bit)
}

/// A document's index in its file, below the flags' bits.
fn doc_number(doc: usize) -> u32 {
    let n = narrow(doc);
    assert!(
        n < CUSTOM_METRICS_BIT,
        "fewer than 500 million documents per file"
    );
    n
}

fn narrow(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 4 billion files, documents and lines")
}

impl IndexedObject {
    /// Position in input order ([`Index::get`]).
    pub fn id(&self) -> usize {
        self.id as usize
    }

    /// The object has a pod template (`spec.template`): it can be a scale target.
    pub fn has_template(&self) -> bool {
        self.doc & TEMPLATE_BIT != 0
    }

    /// The object sets `spec.replicas` (known without loading its body).
    pub fn sets_replicas(&self) -> bool {
        self.doc & REPLICAS_BIT != 0
    }

    /// An HPA with a metric of a [`CUSTOM_METRICS`] kind, in any API
    /// version (known without loading its body: the rules about metrics
    /// adapters read no other HPA).
    pub fn has_custom_metrics(&self) -> bool {
        self.doc & CUSTOM_METRICS_BIT != 0
    }

    pub fn kind(&self) -> ObjectKind {
        self.object.kind
    }

    /// The input file (engine numbering) the object was read from.
    pub(crate) fn file(&self) -> usize {
        self.file as usize
    }

    /// The document's index in its file and the lines it spans.
    pub(crate) fn document(&self) -> (usize, (usize, usize)) {
        let (first, last) = self.doc_lines;
        (
            (self.doc & !FLAGS) as usize,
            (first as usize, last as usize),
        )
    }

    /// The pruned document (see the module docs for what is kept), loaded
    /// from the store: hold on to it while reading several fields.
    pub fn body(&self) -> Rc<Value> {
        self.shared
            .bodies
            .get()
            .expect("the index is finished before rules read it")
            .load(self.id(), self.body)
    }

    /// One field of the pruned document, parsed alone: for a rule that
    /// reads one field of many bodies (a body load parses all of it).
    pub fn body_at(&self, pointer: &str) -> Option<Value> {
        self.shared
            .bodies
            .get()
            .expect("the index is finished before rules read it")
            .load_at(self.body, pointer)
    }

    /// What the cross-object rules ask of every autoscaler and target,
    /// read without parsing the body (see `summary`).
    pub(crate) fn summary(&self) -> Summary {
        self.shared
            .bodies
            .get()
            .expect("the index is finished before rules read it")
            .summary(self.body)
    }

    /// The body's JSON text and the records of where its nodes are in the
    /// file (see [`crate::places`]); `None` when the store cannot be read.
    pub(crate) fn places(&self) -> Option<crate::body_store::Placed> {
        self.shared
            .bodies
            .get()
            .expect("the index is finished before rules read it")
            .places(self.body)
    }

    /// Where an autoscaler's record is among the targets.
    fn target_at(&self) -> Option<usize> {
        let ids = self.shared.target_ids.get().expect("the index is finished");
        ids.binary_search(&self.id).ok()
    }

    /// For an autoscaler: the id of its target, when the input has it
    /// (`rules::workload::find_target`, run once when the index is finished).
    pub(crate) fn target_id(&self) -> Option<usize> {
        let at = self.target_at()?;
        let resolved = self.shared.resolved.get().expect("the index is finished");
        resolved
            .get(at)
            .filter(|&&id| id != NO_TARGET)
            .map(|&id| id as usize)
    }

    /// For an autoscaler: the kind and name of its target and the smallest
    /// number of pods it leaves running (no body load).
    pub(crate) fn scale_target(&self) -> Option<(&str, &str, i64)> {
        let targets = self.shared.targets.get().expect("the index is finished");
        let t = targets[self.target_at()?];
        let kinds = self
            .shared
            .target_kinds
            .get()
            .expect("the index is finished");
        let names = self.shared.names.get().expect("the index is finished");
        Some((
            kinds.get(t.kind as usize)?,
            names.get(t.name)?,
            i64::from(t.min_pods),
        ))
    }

    /// `metadata.namespace`; `None` when the manifest leaves it to `kubectl -n`.
    pub fn namespace(&self) -> Option<&str> {
        let i = (self.namespace as usize).checked_sub(1)?;
        let names = self.shared.namespaces.get().expect("the index is finished");
        names.get(i).map(|n| &**n)
    }

    /// `metadata.name`, when it is a string.
    pub fn name(&self) -> Option<&str> {
        self.shared
            .names
            .get()
            .expect("the index is finished before rules read it")
            .get(self.name)
    }

    /// The name of the file, for messages ("the target in deploy.yaml").
    pub fn file_name(&self) -> &str {
        self.shared
            .files
            .get()
            .and_then(|f| f.get(self.file as usize))
            .map_or("?", |n| n)
    }

    /// `kind/name` as users write it in `kubectl` (`Deployment/web`).
    pub fn display_name(&self) -> String {
        format!(
            "{}/{}",
            self.object.kind_name.as_deref().unwrap_or("?"),
            self.name().unwrap_or("?")
        )
    }

    /// Whether two objects can live in the same namespace: equal, or one of
    /// them leaves the namespace to the command line (then we cannot tell
    /// them apart, and assume they meet, to avoid false "missing" reports).
    pub fn same_namespace(&self, namespace: Option<&str>) -> bool {
        match (self.namespace(), namespace) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// A finding at the key of the field at `pointer` in this object's file.
    pub fn finding(&self, pointer: &str, message: impl Into<String>) -> Finding {
        Finding::anchored(self.id(), pointer, false, message.into())
    }

    /// A finding under the value at `pointer`.
    pub fn value_finding(&self, pointer: &str, message: impl Into<String>) -> Finding {
        Finding::anchored(self.id(), pointer, true, message.into())
    }
}

/// Every indexed object, with lookups by kind and by name.
///
/// Lookups by name are sorted `(hash, id)` pairs rather than maps of owned
/// strings: the keys would cost more than the records themselves.
pub struct Index {
    /// In chunks of [`CHUNK`] records, allocated whole: a growing `Vec`
    /// of a million records would briefly hold its old and new buffers
    /// (three times the records) each time it doubles.
    chunks: Vec<Vec<IndexedObject>>,
    len: usize,
    /// Hash of (`kind` as written, name) and id, built and sorted once the
    /// index is finished (sized exactly then, rather than doubled while
    /// adding). One table serves lookups by [`ObjectKind`] too: each has
    /// exactly one `kind` ([`ObjectKind::kind_field`]).
    by_kind_name: Vec<Key>,
    /// Ids of each kind, so that `of_kind` costs what it returns (rules
    /// call it inside loops over other objects).
    by_kind: BTreeMap<ObjectKind, Vec<u32>>,
    /// Ids of workloads that run a Celery exporter.
    exporters: Vec<usize>,
    /// `scaleplan.dev/ignore` annotations by object id (few objects have
    /// one), applied to findings that cross-object rules report on them.
    suppressions: HashMap<usize, Suppression>,
    /// The same few object types, shared.
    types: HashSet<Arc<ObjectType>>,
    /// The first few of them, looked up by a scan before `types` is
    /// hashed: an input of ordinary kinds has a handful, and every object
    /// added looks its type up.
    first_types: Vec<Arc<ObjectType>>,
    writer: Option<BodyWriter>,
    names: NameArena,
    targets: Vec<TargetRecord>,
    target_kinds: Vec<Box<str>>,
    /// Namespaces by number (record value - 1), and numbers by namespace.
    namespaces: Vec<Box<str>>,
    namespace_ids: HashMap<String, usize>,
    /// The last namespace looked up and its number: neighbours in a file
    /// mostly share one.
    last_namespace: Option<(String, usize)>,
    files: Vec<Arc<str>>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("objects", &self.len)
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

const CHUNK: usize = 1 << 14;

impl Default for Index {
    fn default() -> Self {
        Index::new(usize::MAX)
    }
}

/// The hash the index and the rules key their lookups by, instead of
/// owned strings (a collision only adds a candidate that an exact check
/// then drops). Fixed keys: the same input gives the same order every run.
pub(crate) fn key_hash(kind: impl Hash, name: impl Hash) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    kind.hash(&mut h);
    name.hash(&mut h);
    h.finish()
}

impl Index {
    /// An empty index that keeps up to `memory` bytes of serialized bodies
    /// in memory and the rest in a temporary file.
    pub fn new(memory: usize) -> Self {
        Index {
            chunks: Vec::new(),
            len: 0,
            by_kind_name: Vec::new(),
            by_kind: BTreeMap::new(),
            exporters: Vec::new(),
            suppressions: HashMap::new(),
            types: HashSet::new(),
            first_types: Vec::new(),
            writer: Some(BodyWriter::new(memory)),
            names: NameArena::default(),
            targets: Vec::new(),
            target_kinds: Vec::new(),
            namespaces: Vec::new(),
            namespace_ids: HashMap::new(),
            last_namespace: None,
            files: Vec::new(),
            shared: Arc::default(),
        }
    }

    /// Adds an object; its `id` is its position.
    pub(crate) fn push(&mut self, p: PendingObject) {
        let id = self.len;
        let body = self
            .writer
            .as_mut()
            .expect("objects are added before the index is finished")
            .append(&p.body.body);
        let object = match self.first_types.iter().find(|t| ***t == p.object) {
            Some(t) => Arc::clone(t),
            None => match self.types.get(&p.object) {
                Some(t) => Arc::clone(t),
                None => {
                    let t = Arc::new(p.object);
                    self.types.insert(Arc::clone(&t));
                    if self.first_types.len() < FIRST_TYPES {
                        self.first_types.push(Arc::clone(&t));
                    }
                    t
                }
            },
        };
        let id32 = u32::try_from(id).expect("fewer than 4 billion objects");
        if self.files.len() <= p.file {
            self.files.resize(p.file + 1, Arc::from(""));
        }
        if self.files[p.file].is_empty() {
            self.files[p.file] = p.file_name;
        }
        self.by_kind.entry(object.kind).or_default().push(id32);
        if p.body.runs_exporter {
            self.exporters.push(id);
        }
        let name = self.names.add(p.name.as_deref());
        let flags = flags(&p.body);
        if let Some(t) = p.body.scale_target {
            let kind = match self.target_kinds.iter().position(|k| **k == *t.kind) {
                Some(k) => k,
                None => {
                    self.target_kinds.push(t.kind.into_boxed_str());
                    self.target_kinds.len() - 1
                }
            };
            // Ids grow with every push: the table stays sorted.
            self.targets.push(TargetRecord {
                id: id32,
                kind: narrow(kind),
                // Most autoscalers are named after their target: share it.
                name: if p.name.as_deref() == Some(t.name.as_str()) {
                    name
                } else {
                    self.names.add(Some(&t.name))
                },
                min_pods: t.min_pods.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            });
        }
        if let Some(s) = p.suppression {
            self.suppressions.insert(id, s);
        }
        let namespace = match p.namespace {
            None => 0,
            Some(ns) => {
                let i = match &self.last_namespace {
                    Some((last, i)) if *last == ns => *i,
                    _ => {
                        let next = self.namespaces.len();
                        let i = *self.namespace_ids.entry(ns.clone()).or_insert(next);
                        if i == next {
                            self.namespaces.push(Box::from(""));
                        }
                        self.last_namespace = Some((ns, i));
                        i
                    }
                };
                narrow(i + 1)
            }
        };
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        self.len += 1;
        self.chunks
            .last_mut()
            .expect("a chunk with room")
            .push(IndexedObject {
                id: id32,
                object,
                name,
                namespace,
                body,
                shared: Arc::clone(&self.shared),
                file: narrow(p.file),
                doc: doc_number(p.doc) | flags,
                doc_lines: (narrow(p.doc_lines.0), narrow(p.doc_lines.1)),
            });
    }

    /// Ends the adding: sorts the lookups and opens the bodies for reading.
    pub(crate) fn finish(&mut self) {
        let _ = self.shared.names.set(std::mem::take(&mut self.names));
        self.targets.shrink_to_fit();
        let _ = self
            .shared
            .target_ids
            .set(self.targets.iter().map(|t| t.id).collect());
        let _ = self.shared.targets.set(std::mem::take(&mut self.targets));
        let _ = self
            .shared
            .target_kinds
            .set(std::mem::take(&mut self.target_kinds));
        let mut namespaces = std::mem::take(&mut self.namespaces);
        for (ns, i) in std::mem::take(&mut self.namespace_ids) {
            namespaces[i] = ns.into_boxed_str();
        }
        let _ = self.shared.namespaces.set(namespaces);
        let named = || {
            self.objects()
                .filter_map(|o| o.name().map(|name| (o, name, o.id)))
        };
        let with_kind = || named().filter(|(o, ..)| o.object.kind_name.is_some());
        let mut by_kind_name = Vec::with_capacity(with_kind().count());
        by_kind_name.extend(with_kind().map(|(o, name, id)| {
            let kind = o.object.kind_name.as_deref().unwrap_or_default();
            Key::new(key_hash(kind, name), id)
        }));
        by_kind_name.sort_unstable();
        self.by_kind_name = by_kind_name;
        // Three rules look every autoscaler's target up: once is enough.
        let targets = self.shared.targets.get().map_or(&[][..], Vec::as_slice);
        let resolved = targets
            .iter()
            .map(|t| {
                crate::rules::workload::autoscaler(self.at(t.id as usize))
                    .and_then(|a| crate::rules::workload::find_target(self, &a))
                    .map_or(NO_TARGET, |o| o.id)
            })
            .collect();
        let _ = self.shared.resolved.set(resolved);
        if let Some(last) = self.chunks.last_mut() {
            last.shrink_to_fit();
        }
        if let Some(w) = self.writer.take() {
            let _ = self.shared.bodies.set(w.finish());
            let _ = self.shared.files.set(std::mem::take(&mut self.files));
        }
    }

    /// The `scaleplan.dev/ignore` annotation of an object.
    pub(crate) fn suppression(&self, id: usize) -> Option<&Suppression> {
        self.suppressions.get(&id)
    }

    /// Whether a body could not be read back from the temporary file.
    pub(crate) fn bodies_failed(&self) -> bool {
        self.shared.bodies.get().is_some_and(Bodies::failed)
    }

    fn ids_with(keys: &[Key], hash: u64) -> impl Iterator<Item = usize> + '_ {
        let from = keys.partition_point(|k| k.hash() < hash);
        keys[from..]
            .iter()
            .take_while(move |k| k.hash() == hash)
            .map(|k| k.id as usize)
    }

    /// Every object, in input order.
    pub fn objects(&self) -> impl Iterator<Item = &IndexedObject> + Clone {
        self.chunks.iter().flatten()
    }

    pub fn get(&self, id: usize) -> Option<&IndexedObject> {
        self.chunks.get(id / CHUNK)?.get(id % CHUNK)
    }

    /// The object with this id, which came from this index.
    fn at(&self, id: usize) -> &IndexedObject {
        &self.chunks[id / CHUNK][id % CHUNK]
    }

    /// Every object of one kind, in input order.
    pub fn of_kind(&self, kind: ObjectKind) -> impl Iterator<Item = &IndexedObject> + Clone {
        self.by_kind
            .get(&kind)
            .into_iter()
            .flatten()
            .map(|&i| self.at(i as usize))
    }

    /// Objects of `kind` named `name` that can be in `namespace`, in input order.
    pub fn find<'s>(
        &'s self,
        kind: ObjectKind,
        namespace: Option<&str>,
        name: &str,
    ) -> impl Iterator<Item = &'s IndexedObject> {
        let hash = kind.kind_field().map(|k| key_hash(k, name));
        hash.into_iter()
            .flat_map(|hash| Self::ids_with(&self.by_kind_name, hash))
            .map(|i| self.at(i))
            .filter(move |o| {
                o.kind() == kind && o.name() == Some(name) && o.same_namespace(namespace)
            })
    }

    /// Objects whose `kind` (as written, custom kinds too) and name are
    /// these, in input order, whatever their namespace.
    pub fn find_kind_name<'s>(
        &'s self,
        kind: &str,
        name: &str,
    ) -> impl Iterator<Item = &'s IndexedObject> {
        Self::ids_with(&self.by_kind_name, key_hash(kind, name))
            .map(|i| self.at(i))
            .filter(move |o| o.object.kind_name.as_deref() == Some(kind) && o.name() == Some(name))
    }

    /// Workloads with a container that runs a known Celery exporter image,
    /// in input order (noted once, when they are added: three rules look
    /// for exporters, and most workloads are not one).
    pub fn exporter_workloads(&self) -> impl Iterator<Item = &IndexedObject> {
        self.exporters.iter().map(|&i| self.at(i))
    }

    /// The object a `scaleTargetRef`-style reference (`apiVersion`, `kind`,
    /// `name`) points at from `namespace`, matching the kind by name (any
    /// group version of it), as the scale subresource does. An object in
    /// exactly that namespace is preferred over one without a namespace.
    pub fn find_ref(&self, namespace: Option<&str>, reference: &Value) -> Option<&IndexedObject> {
        let kind = reference.member("kind")?.as_str()?;
        let name = reference.member("name")?.as_str()?;
        let mut candidates = self
            .find_kind_name(kind, name)
            .filter(|o| o.same_namespace(namespace));
        // An object in exactly this namespace beats one whose namespace is
        // left to the command line.
        let first = candidates.next()?;
        if first.namespace() == namespace {
            return Some(first);
        }
        Some(
            candidates
                .find(|o| o.namespace() == namespace)
                .unwrap_or(first),
        )
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

fn runs_exporter(pruned: &Value) -> bool {
    pruned
        .at("/spec/template/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.member("image").and_then(Value::as_str))
        .any(|i| CeleryExporter::from_image(i).is_some())
}

/// The pruned copy of a document kept in the index (see [`prune_from`]),
/// for callers that keep the document whole: the document itself when the
/// copy would equal it, key order included (most autoscalers, PDBs and
/// Services: read whole).
pub fn prune(kind: ObjectKind, json: &Value) -> std::borrow::Cow<'_, Value> {
    use std::borrow::Cow;
    if kept_whole(kind, json) {
        Cow::Borrowed(json)
    } else {
        Cow::Owned(pruned_copy(kind, &mut json.clone()))
    }
}

/// Prunes a document that is read for the last time: `None` when it is
/// kept whole (see [`prune`]); otherwise the kept fields, *moved* out of
/// `json` into maps sized exactly, which leaves a null in their place.
/// Copying them cost the reading thread more than the rest of pruning.
/// [`crate::document::Positions::walk_pruned`] takes such a null beside a
/// value of the copy as the place that value came from. An empty mapping
/// is copied, not moved: a null beside `{}` is a non-mapping that the copy
/// reads as empty (`metadata: null`), which the walk must tell apart.
pub fn prune_from(kind: ObjectKind, json: &mut Value) -> Option<Value> {
    (!kept_whole(kind, json)).then(|| pruned_copy(kind, json))
}

/// Whether [`pruned_copy`] would copy `json` whole and in its order: a kind
/// kept whole, top-level keys in the copy's order (`apiVersion`, `kind`,
/// `metadata`, the rest), and metadata that holds only what the copy keeps,
/// in its order, without kubectl's last-applied annotation.
fn kept_whole(kind: ObjectKind, json: &Value) -> bool {
    let Value::Object(doc) = json else {
        return false;
    };
    let whole_kind = !kind.is_workload()
        && !matches!(
            kind,
            ObjectKind::OtherObject | ObjectKind::ConfigMap | ObjectKind::NotAnObject
        );
    if !whole_kind {
        return false;
    }
    // Keys ranked by `order` (unlisted keys last when `rest`, else refused)
    // must not go back.
    fn in_order<'k>(keys: impl Iterator<Item = &'k String>, order: &[&str], rest: bool) -> bool {
        let mut last = 0;
        for k in keys {
            let rank = match order.iter().position(|o| o == k) {
                Some(r) => r,
                None if rest => order.len(),
                None => return false,
            };
            if rank < last {
                return false;
            }
            last = rank;
        }
        true
    }
    let metadata_kept = match doc.member("metadata") {
        None => true,
        Some(Value::Object(meta)) => {
            in_order(
                meta.keys(),
                &["name", "namespace", "labels", "annotations"],
                false,
            ) && match meta.member("annotations") {
                None => true,
                Some(Value::Object(a)) => {
                    !a.contains_key("kubectl.kubernetes.io/last-applied-configuration")
                }
                Some(_) => false,
            }
        }
        Some(_) => false,
    };
    metadata_kept && in_order(doc.keys(), &["apiVersion", "kind", "metadata"], true)
}

/// The pruned copy itself (see [`prune_from`]).
fn pruned_copy(kind: ObjectKind, json: &mut Value) -> Value {
    let Value::Object(doc) = json else {
        return Value::Null;
    };
    let is_limit_range = doc.member("kind").and_then(Value::as_str) == Some("LimitRange");
    let mut out = take(doc, &["apiVersion", "kind"]);
    if let Some(meta) = field_mut(doc, "metadata") {
        out.insert("metadata".into(), prune_metadata(meta));
    }
    match kind {
        // A LimitRange's defaults stand in for missing container requests.
        ObjectKind::OtherObject if is_limit_range => {
            if let Some(spec) = field_mut(doc, "spec") {
                out.insert("spec".into(), moved(spec));
            }
        }
        ObjectKind::OtherObject | ObjectKind::ConfigMap | ObjectKind::NotAnObject => {
            // A custom workload (Argo Rollout, ...) can be a scale target.
            if let Some(spec) = field_mut(doc, "spec").filter(|s| s.member("template").is_some()) {
                out.insert("spec".into(), prune_workload_spec(spec));
            }
        }
        k if k.is_workload() => {
            if let Some(spec) = field_mut(doc, "spec") {
                out.insert("spec".into(), prune_workload_spec(spec));
            }
        }
        _ => {
            // Autoscalers, PDBs, Services, CronJobs, adapter configs: small,
            // and read whole by the rules.
            for (k, v) in doc.iter_mut() {
                if !matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    out.insert(k.clone(), moved(v));
                }
            }
        }
    }
    Value::Object(out)
}

/// A value moved out of the document (see [`prune_from`]).
fn moved(v: &mut Value) -> Value {
    match v {
        Value::Object(m) if m.is_empty() => Value::Object(Map::new()),
        _ => std::mem::take(v),
    }
}

/// The listed fields of `from`, moved, in the listed order.
fn take(from: &mut Map<String, Value>, keys: &[&str]) -> Map<String, Value> {
    let mut out = Map::with_capacity(keys.iter().filter(|k| field(from, k).is_some()).count());
    for k in keys {
        if let Some(v) = field_mut(from, k) {
            out.insert((*k).into(), moved(v));
        }
    }
    out
}

/// The fields of a mapping (anything else, a malformed manifest, has none).
fn pick(from: &mut Value, keys: &[&str]) -> Value {
    Value::Object(match from {
        Value::Object(m) => take(m, keys),
        _ => Map::new(),
    })
}

fn prune_metadata(meta: &mut Value) -> Value {
    let Value::Object(meta) = meta else {
        return Value::Object(Map::new());
    };
    let mut out = take(meta, &["name", "namespace", "labels"]);
    if let Some(Value::Object(ann)) = field_mut(meta, "annotations") {
        // kubectl's last-applied copy doubles an object's size and no rule reads it.
        let kept = ann
            .iter_mut()
            .filter(|(k, _)| *k != "kubectl.kubernetes.io/last-applied-configuration")
            .map(|(k, v)| (k.clone(), moved(v)));
        out.insert("annotations".into(), Value::Object(kept.collect()));
    }
    Value::Object(out)
}

fn prune_workload_spec(spec: &mut Value) -> Value {
    let Value::Object(spec) = spec else {
        return Value::Object(Map::new());
    };
    let mut out = take(spec, &["replicas", "selector", "serviceName"]);
    if let Some(template) = field_mut(spec, "template") {
        let mut t = Map::new();
        if let Value::Object(template) = template {
            if let Some(meta) = field_mut(template, "metadata") {
                t.insert("metadata".into(), pick(meta, &["labels", "annotations"]));
            }
            if let Some(pod) = field_mut(template, "spec") {
                let mut p = Map::new();
                if let Value::Object(pod) = pod {
                    for list in ["containers", "initContainers"] {
                        if let Some(Value::Array(cs)) = field_mut(pod, list) {
                            let cs = cs.iter_mut().map(prune_container).collect();
                            p.insert(list.into(), Value::Array(cs));
                        }
                    }
                }
                t.insert("spec".into(), Value::Object(p));
            }
        }
        out.insert("template".into(), Value::Object(t));
    }
    Value::Object(out)
}

/// What cross-object rules read of a container: its requests (for
/// Resource metrics) of every container; ports, env and arguments only of
/// a Celery exporter's (the exporter rules match them with Services and
/// adapter rules). Most of a large input is workloads, so this is most of
/// the index's memory.
fn prune_container(c: &mut Value) -> Value {
    let is_exporter = c
        .member("image")
        .and_then(Value::as_str)
        .is_some_and(|i| CeleryExporter::from_image(i).is_some());
    if is_exporter {
        pick(
            c,
            &[
                "name",
                "image",
                "ports",
                "env",
                "resources",
                "args",
                "command",
            ],
        )
    } else {
        pick(c, &["name", "image", "resources"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn type_of(doc: &Value) -> ObjectType {
        crate::kind::classify(doc)
    }

    #[test]
    fn workloads_keep_only_what_cross_rules_read() {
        let d = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{...}", "a": "b"}},
            "spec": {"replicas": 3, "strategy": {}, "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"volumes": [], "containers": [{"name": "c", "image": "i",
                    "livenessProbe": {}, "resources": {"requests": {"cpu": "1"}}}]}}}
        });
        let p = prune(ObjectKind::Deployment, &d);
        assert_eq!(
            *p,
            json!({"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "annotations": {"a": "b"}},
                "spec": {"replicas": 3, "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "c", "image": "i",
                        "resources": {"requests": {"cpu": "1"}}}]}}}})
        );
    }

    #[test]
    fn custom_metrics_are_flagged_in_every_hpa_version() {
        let flag = |v: &str, spec: Value| {
            let hpa = json!({"apiVersion": format!("autoscaling/{v}"),
                "kind": "HorizontalPodAutoscaler", "spec": spec});
            PendingBody::of(&type_of(&hpa), &mut hpa.clone(), |_, _, _| {}).custom_metrics
        };
        assert!(!flag("v1", json!({"targetCPUUtilizationPercentage": 50})));
        assert!(!flag("v2", json!({})));
        let resource = json!({"type": "Resource", "resource": {"name": "cpu"}});
        assert!(!flag("v2", json!({"metrics": [resource]})));
        let external = json!({"type": "External", "external": {"metric": {"name": "q"}}});
        assert!(flag("v2", json!({"metrics": [resource, external]})));
        let pods = json!({"type": "Pods", "pods": {"metric": {"name": "rps"}}});
        assert!(flag("v2beta2", json!({"metrics": [pods]})));
        let object = json!({"type": "Object", "object": {"metricName": "q",
            "target": {"kind": "Service", "name": "s"}, "targetValue": 1}});
        assert!(flag("v2beta1", json!({"metrics": [object]})));
        // Not an HPA: never flagged.
        let so = json!({"apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
            "spec": {"metrics": [external]}});
        assert_eq!(type_of(&so).kind, ObjectKind::ScaledObject);
        assert!(!PendingBody::of(&type_of(&so), &mut so.clone(), |_, _, _| {}).custom_metrics);
    }

    /// `prune` hands back the document itself when `kept_whole` says the
    /// copy would equal it: on every document at hand, it does, key order
    /// included (the serialized texts are compared).
    #[test]
    fn a_document_kept_whole_equals_its_copy() {
        let mut whole = 0;
        for (f, json) in crate::test_manifests::documents() {
            let kind = type_of(&json).kind;
            if kept_whole(kind, &json) {
                let copy = serde_json::to_string(&pruned_copy(kind, &mut json.clone())).unwrap();
                assert_eq!(
                    copy,
                    serde_json::to_string(&json).unwrap(),
                    "{}",
                    f.display()
                );
                whole += 1;
            }
        }
        assert!(whole > 50, "{whole} documents kept whole");
        // Out of order, or with metadata the copy drops: copied.
        let hpa = |doc: Value| kept_whole(ObjectKind::HorizontalPodAutoscaler, &doc);
        assert!(hpa(
            json!({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "a", "annotations": {"x": "y"}}, "spec": {}})
        ));
        assert!(!hpa(
            json!({"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2"})
        ));
        assert!(!hpa(
            json!({"apiVersion": "v", "spec": {}, "metadata": {"name": "a"}})
        ));
        assert!(!hpa(json!({"metadata": {"namespace": "n", "name": "a"}})));
        assert!(!hpa(json!({"metadata": {"name": "a", "uid": "1"}})));
        assert!(!hpa(json!({"metadata": {"annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{}"}}})));
        assert!(!kept_whole(ObjectKind::Deployment, &json!({"spec": {}})));
    }

    #[test]
    fn only_exporter_containers_keep_ports_env_and_arguments() {
        let container = |image: &str| {
            json!({"name": "c", "image": image, "args": ["--port=9808"],
                "env": [{"name": "BROKER_URL", "value": "redis://r"}],
                "ports": [{"containerPort": 9808}], "resources": {}})
        };
        let d = json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [
            container("danihodovic/celery-exporter:0.12.2"), container("shop/web:1.0")]}}}});
        let p = prune(ObjectKind::Deployment, &d);
        let cs = p.at("/spec/template/spec/containers").unwrap();
        assert_eq!(cs[0], container("danihodovic/celery-exporter:0.12.2"));
        assert_eq!(
            cs[1],
            json!({"name": "c", "image": "shop/web:1.0", "resources": {}})
        );
    }
}

#[cfg(test)]
mod size {
    /// The record is what a large input's memory grows by (plus the name
    /// and 16 bytes of lookups per object): keep it from creeping up.
    #[test]
    fn a_record_stays_small() {
        let size = std::mem::size_of::<super::IndexedObject>();
        assert!(size <= 64, "IndexedObject is {size} bytes");
        assert_eq!(std::mem::size_of::<super::Key>(), 12);
    }
}

#[cfg(test)]
mod chunks {
    use super::*;

    fn pending(i: usize) -> PendingObject {
        let object = ObjectType {
            kind: ObjectKind::Deployment,
            api_version: Some("apps/v1".into()),
            kind_name: Some("Deployment".into()),
        };
        let body = PendingBody {
            body: crate::body_store::entry(&[], &serde_json::json!({"n": i}), |_| {}),
            runs_exporter: false,
            has_template: true,
            sets_replicas: i.is_multiple_of(2),
            custom_metrics: i.is_multiple_of(3),
            scale_target: None,
        };
        PendingObject {
            object,
            name: Some(format!("app-{i}")),
            namespace: Some(format!("ns-{}", i % 3)),
            body,
            file: i / 10,
            doc: i % 10,
            doc_lines: (1, 2),
            file_name: format!("f{}.yaml", i / 10).into(),
            suppression: None,
        }
    }

    #[test]
    fn autoscalers_keep_their_targets_apart_from_their_bodies() {
        let mut index = Index::new(0);
        for i in 0..5 {
            let mut p = pending(i);
            if i % 2 == 1 {
                p.body.scale_target = Some(ScaleTarget {
                    kind: ["Deployment", "Rollout"][i / 2 % 2].into(),
                    name: format!("target-{i}"),
                    min_pods: i as i64,
                });
            }
            index.push(p);
        }
        index.finish();
        let targets: Vec<_> = index.objects().map(|o| o.scale_target()).collect();
        assert_eq!(
            targets,
            [
                None,
                Some(("Deployment", "target-1", 1)),
                None,
                Some(("Rollout", "target-3", 3)),
                None
            ]
        );
        // 24 bytes per autoscaler: a large input holds hundreds of thousands.
        assert!(std::mem::size_of::<TargetRecord>() <= 24);
        // Names stay right around the targets' names in the arena.
        assert_eq!(index.get(3).and_then(IndexedObject::name), Some("app-3"));
    }

    #[test]
    fn objects_across_chunks_keep_their_ids_order_and_lookups() {
        let n = 2 * CHUNK + 7;
        let mut index = Index::new(1 << 10);
        (0..n).for_each(|i| index.push(pending(i)));
        index.finish();
        assert_eq!(index.len(), n);
        assert!(index.objects().map(IndexedObject::id).eq(0..n));
        for id in [0, CHUNK - 1, CHUNK, 2 * CHUNK, n - 1] {
            let o = index.get(id).unwrap();
            assert_eq!(o.id(), id);
            assert!(o.has_template());
            assert_eq!(o.sets_replicas(), id.is_multiple_of(2));
            assert_eq!(o.has_custom_metrics(), id.is_multiple_of(3));
            assert_eq!(o.body()["n"], id);
            assert_eq!(o.file_name(), format!("f{}.yaml", id / 10));
            let name = format!("app-{id}");
            let ns = format!("ns-{}", id % 3);
            let found: Vec<usize> = index
                .find(ObjectKind::Deployment, Some(&ns), &name)
                .map(IndexedObject::id)
                .collect();
            assert_eq!(found, [id]);
            assert!(
                index
                    .find(ObjectKind::Service, Some(&ns), &name)
                    .next()
                    .is_none()
            );
            assert_eq!(index.find_kind_name("Deployment", &name).count(), 1);
        }
        assert!(index.get(n).is_none());
    }
}
