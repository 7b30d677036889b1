//! A document as the rules see it: its JSON (the way Kubernetes' decoder
//! reads YAML) and where each of its nodes is, built in one pass over the
//! parser's events.
//!
//! saphyr's `MarkedYaml` tree would give both, but a linter pays for it
//! twice: every mapping is a linked hash map of nodes, and the JSON is a
//! second tree converted from it. Here the JSON is built directly, and the
//! positions are a flat array of small nodes that mirrors it, so a finding
//! at a JSON pointer is located by walking the two side by side. The JSON is
//! exactly `scaleplan_diag::yaml::to_json` of saphyr's tree, positions
//! exactly its spans (a test compares them on every fixture): the same
//! scalar resolution (saphyr's own), tags ignored, aliases expanded within
//! the same node budget, and a duplicate key keeping the first key's
//! position, the last value, and moving to the end of its mapping, as
//! saphyr's map does.

use crate::pointer::unescape;
use saphyr::Scalar;
use saphyr_parser::{Event, ScalarStyle, Span, Tag};
use scaleplan_diag::{Location, SourceFile};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// Alias expansion budget per document, in nodes (saphyr's default: a
/// "billion laughs" document is refused, not expanded).
const ALIAS_BUDGET: usize = 100_000;

/// Start and end of a node: 1-based line and 0-based column, as saphyr's
/// markers (end line 0: no end).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place {
    start: (u32, u32),
    end: (u32, u32),
    /// Where the text of a one-line plain ASCII scalar ends (0-based,
    /// exclusive; 0: not known), counted from its text when it was read.
    text_end: u32,
}

impl Place {
    fn of(span: &Span) -> Self {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Place {
            start: (narrow(span.start.line()), narrow(span.start.col())),
            end: (narrow(span.end.line()), narrow(span.end.col())),
            text_end: 0,
        }
    }

    /// [`Place::of`] a scalar, with where its text ends when that is plain
    /// to see: a plain scalar on one line is its text as written, so the
    /// span's end need not be found again on the line (which every
    /// recorded node of every document would pay for). Anything else
    /// (quotes, escapes, a tag or anchor before the text, folding,
    /// non-ASCII columns) leaves it unknown.
    fn of_scalar(span: &Span, text: &str, style: ScalarStyle, decorated: bool) -> Self {
        let mut place = Place::of(span);
        if style == ScalarStyle::Plain
            && !decorated
            && !text.is_empty()
            && span.start.line() == span.end.line()
            && text.is_ascii()
        {
            place.text_end = u32::try_from(span.start.col() + text.len()).unwrap_or(0);
        }
        place
    }

    /// The 0-based column where a one-line plain scalar's text ends on its
    /// start line (see [`Place::of_scalar`]).
    pub fn text_end(&self) -> Option<usize> {
        (self.text_end > 0).then_some(self.text_end as usize)
    }

    /// The 0-based column where the node starts.
    pub fn column(&self) -> usize {
        self.start.1 as usize
    }

    /// The 1-based line where the node starts.
    pub fn line(&self) -> usize {
        self.start.0 as usize
    }

    /// The location a diagnostic shows (see `scaleplan_diag::yaml::span_location`).
    pub fn location(&self, src: &SourceFile) -> Location {
        let [line, column, end_line, end_column] = self.span(src);
        src.location(line, column, end_line, end_column)
    }

    /// [`Place::location`]'s line, column, end line and end column.
    pub fn span(&self, src: &SourceFile) -> [usize; 4] {
        self.span_on(src.line(self.start.0 as usize))
    }

    /// [`Place::span`] given the text of its start line.
    pub fn span_on(&self, start_line: Option<&str>) -> [usize; 4] {
        scaleplan_diag::yaml::range_span_on(
            start_line,
            (self.start.0 as usize, self.start.1 as usize),
            (self.end.0 as usize, self.end.1 as usize),
        )
    }
}

const NONE: u32 = u32::MAX;

/// One node of the position tree.
#[derive(Clone, Copy, Debug)]
struct Node {
    place: Place,
    /// The place of the key, when the node is a mapping value.
    key: Place,
    /// First child (collections), then siblings in the JSON's order.
    first: u32,
    next: u32,
}

/// Where every node of a document's JSON is.
#[derive(Clone, Debug, Default)]
pub struct Positions {
    nodes: Vec<Node>,
    root: u32,
}

/// What a JSON pointer resolves to: the value's place and the key's place
/// (absent for the root and for sequence items). A pointer that goes past
/// what exists resolves to the deepest node that does, so that a finding
/// about a missing field points at its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub key: Option<Place>,
    pub value: Place,
}

impl Positions {
    /// Every place these positions hold, nodes' and keys' (for tests).
    #[cfg(test)]
    pub(crate) fn places(&self) -> impl Iterator<Item = Place> + '_ {
        self.nodes.iter().flat_map(|n| [n.place, n.key])
    }

    /// Resolves `pointer` (`/spec/metrics/0/type`) in `json`, the document
    /// these positions were built with.
    pub fn resolve(&self, json: &Value, pointer: &str) -> Resolved {
        let Some(root) = self.nodes.get(self.root as usize) else {
            return Resolved {
                key: None,
                value: Place::default(),
            };
        };
        let mut found = Resolved {
            key: None,
            value: root.place,
        };
        let (mut node, mut value) = (root, json);
        for raw in pointer.split('/').skip(1) {
            let seg = unescape(raw);
            // The child's position among its siblings, and whether it has a key.
            let step = match value {
                Value::Object(map) => map
                    .iter()
                    .position(|(k, _)| *k == seg)
                    .map(|i| (i, &map[&*seg], true)),
                Value::Array(items) => seg
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).map(|v| (i, v, false))),
                _ => None,
            };
            let Some((i, child, keyed)) = step else {
                break;
            };
            let mut c = node.first;
            for _ in 0..i {
                c = self.nodes.get(c as usize).map_or(NONE, |n| n.next);
            }
            let Some(n) = self.nodes.get(c as usize) else {
                break;
            };
            found = Resolved {
                key: keyed.then_some(n.key),
                value: n.place,
            };
            (node, value) = (n, child);
        }
        found
    }

    /// Location for a JSON pointer: the key of the field when there is one
    /// (that is where a reader looks for "this field"), else the value.
    pub fn pointer_location(&self, src: &SourceFile, json: &Value, pointer: &str) -> Location {
        let r = self.resolve(json, pointer);
        r.key.unwrap_or(r.value).location(src)
    }

    /// Location of the value at a JSON pointer (for "this value is wrong").
    pub fn value_location(&self, src: &SourceFile, json: &Value, pointer: &str) -> Location {
        self.resolve(json, pointer).value.location(src)
    }
}

/// One node of a pruned copy of a document, as [`Positions::walk_pruned`]
/// visits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrunedNode {
    /// Where the node is. `complete`: the copy has all of the original's
    /// children (a scalar always does), so a child the copy lacks is one the
    /// document lacks too.
    At {
        key: Option<Place>,
        value: Place,
        complete: bool,
    },
    /// The node could not be matched with the document's (visited all the
    /// same, so that pre-order numbers stay aligned; not expected of a copy
    /// made with `index::prune`, which keeps keys and item positions).
    Unknown,
}

impl Positions {
    /// Visits every node of `pruned`, a copy of `full` (the document these
    /// positions were built with, or what is left of it after
    /// `index::prune_from` moved the copy's fields out) that keeps some
    /// fields of its mappings,
    /// in pre-order (mapping entries in `pruned`'s order), each with its
    /// place in the document: where [`Positions::resolve`] would find it.
    pub fn walk_pruned(&self, full: &Value, pruned: &Value, visit: &mut dyn FnMut(PrunedNode)) {
        match self.nodes.get(self.root as usize) {
            Some(root) => self.walk(root, None, full, pruned, visit),
            None => unknown_subtree(pruned, visit),
        }
    }

    fn walk(
        &self,
        node: &Node,
        key: Option<Place>,
        full: &Value,
        pruned: &Value,
        visit: &mut dyn FnMut(PrunedNode),
    ) {
        // A null beside a value of the copy is where pruning moved that
        // value out of the document (`index::prune_from`; it copies empty
        // mappings instead, so a null beside `{}` stays what it was).
        let moved = full.is_null()
            && !pruned.is_null()
            && !matches!(pruned, Value::Object(m) if m.is_empty());
        if moved {
            return self.walk(node, key, pruned, pruned, visit);
        }
        let complete = match (full, pruned) {
            (Value::Object(f), Value::Object(p)) => f.len() == p.len(),
            (Value::Array(f), Value::Array(p)) => f.len() == p.len(),
            // A malformed field pruned into an empty mapping.
            (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => {
                false
            }
            _ => true,
        };
        visit(PrunedNode::At {
            key,
            value: node.place,
            complete,
        });
        let next = |c: u32| self.nodes.get(c as usize).map_or(NONE, |n| n.next);
        match (full, pruned) {
            (Value::Object(f), Value::Object(p)) => {
                // By position, as `resolve` finds it (no hashing). The copy
                // keeps most mappings' order, so the search goes on from the
                // last key found, and so does the walk along the siblings:
                // one pass over a mapping rather than one per key.
                let mut at: Option<(usize, u32)> = None;
                for (k, pv) in p {
                    let from = at.map_or(0, |(i, _)| i + 1);
                    let found = f
                        .iter()
                        .enumerate()
                        .skip(from)
                        .chain(f.iter().enumerate().take(from))
                        .find(|(_, (fk, _))| *fk == k);
                    let Some((i, (_, fv))) = found else {
                        unknown_subtree(pv, visit);
                        continue;
                    };
                    let (mut j, mut c) = match at {
                        Some((j, c)) if j < i => (j, c),
                        _ => (0, node.first),
                    };
                    while j < i {
                        (j, c) = (j + 1, next(c));
                    }
                    at = Some((i, c));
                    match self.nodes.get(c as usize) {
                        Some(c) => self.walk(c, Some(c.key), fv, pv, visit),
                        None => unknown_subtree(pv, visit),
                    }
                }
            }
            (Value::Array(f), Value::Array(p)) => {
                let mut c = node.first;
                for (i, pv) in p.iter().enumerate() {
                    match f.get(i).zip(self.nodes.get(c as usize)) {
                        Some((fv, n)) => self.walk(n, None, fv, pv, visit),
                        None => unknown_subtree(pv, visit),
                    }
                    c = next(c);
                }
            }
            (_, Value::Object(p)) => p.values().for_each(|v| unknown_subtree(v, visit)),
            (_, Value::Array(p)) => p.iter().for_each(|v| unknown_subtree(v, visit)),
            _ => {}
        }
    }
}

fn unknown_subtree(v: &Value, visit: &mut dyn FnMut(PrunedNode)) {
    visit(PrunedNode::Unknown);
    match v {
        Value::Object(m) => m.values().for_each(|v| unknown_subtree(v, visit)),
        Value::Array(a) => a.iter().for_each(|v| unknown_subtree(v, visit)),
        _ => {}
    }
}

/// A finished document.
pub struct Built {
    pub json: Value,
    pub positions: Positions,
    /// An empty document (no node, or a plain null): not linted.
    pub empty: bool,
}

/// An open collection.
struct Frame {
    map: bool,
    node: u32,
    anchor: usize,
    /// Where its children start in the scratch stacks.
    values: usize,
    keys: usize,
    nodes: usize,
    /// In a mapping, the key read and waiting for its value.
    key: Option<(String, Place)>,
}

/// A completed anchored node, for the aliases that refer to it.
struct Anchor {
    value: Value,
    node: u32,
    /// Whether saphyr would see nothing there (see [`Built::empty`]).
    empty: bool,
    /// saphyr could not read it (`!!int abc`): aliases to it are nothing.
    bad: bool,
    /// Its text as a mapping key.
    key: String,
}

/// Builds one document at a time from parser events (see the module docs).
#[derive(Default)]
pub struct Builder {
    nodes: Vec<Node>,
    frames: Vec<Frame>,
    /// Children of the open collections, innermost last.
    values: Vec<Value>,
    keys: Vec<(String, Place)>,
    children: Vec<u32>,
    anchors: HashMap<usize, Anchor>,
    budget: usize,
    root: Option<(Value, u32, bool)>,
    over_budget: bool,
    duplicates: Vec<Duplicate>,
}

/// A key met twice in one mapping (by its text, as JSON sees it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duplicate {
    pub key: String,
    /// The later key, and the first.
    pub at: Place,
    pub first: Place,
}

impl Builder {
    pub fn new() -> Self {
        Builder {
            budget: ALIAS_BUDGET,
            ..Builder::default()
        }
    }

    /// Takes one event of the current document. Returns `false` when alias
    /// expansion goes over budget: the document is given up (as saphyr
    /// does), and the caller reports where.
    pub fn on_event(&mut self, ev: Event<'_>, span: Span) -> bool {
        if self.over_budget {
            return true;
        }
        let wants_key = self.frames.last().is_some_and(|f| f.map && f.key.is_none());
        let map = matches!(ev, Event::MappingStart(..));
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                // A tag outside the core schema (`!secret x`) annotates
                // the value without changing how it is read.
                let foreign = tag.as_ref().is_some_and(|t| !t.is_yaml_core_schema());
                let core_tag: Option<&Cow<'_, Tag>> = tag.as_ref().filter(|_| !foreign);
                let place = Place::of_scalar(&span, &text, style, tag.is_some() || anchor > 0);
                let scalar = resolve(text, style, core_tag);
                let anchor = &anchor;
                let empty = !foreign && matches!(scalar, None | Some(Scalar::Null));
                let node = (*anchor > 0 || !wants_key).then(|| self.push_node(place));
                if let Some(node) = node.filter(|_| *anchor > 0) {
                    self.anchors.insert(
                        *anchor,
                        Anchor {
                            value: scalar_json(scalar.clone()),
                            node,
                            empty,
                            bad: scalar.is_none(),
                            key: key_text(scalar.as_ref()),
                        },
                    );
                }
                match node.filter(|_| !wants_key) {
                    Some(node) => self.complete(scalar_json(scalar), node, empty),
                    // A key saphyr cannot read (`!!int abc`) is no key to
                    // it: the next node becomes the key. So here.
                    None if scalar.is_none() => {}
                    None => self.set_key(key_text_owned(scalar), place),
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let node = self.push_node(Place::of(&Span::empty(span.start)));
                self.frames.push(Frame {
                    map,
                    node,
                    anchor,
                    values: self.values.len(),
                    keys: self.keys.len(),
                    nodes: self.children.len(),
                    key: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(span),
            Event::Alias(id) => {
                let place = Place::of(&span);
                let Some(anchor) = self.anchors.get(&id).filter(|a| !a.bad) else {
                    // An unknown (or still open) anchor, or one on a value
                    // saphyr could not read: nothing, and no key.
                    if !wants_key {
                        let node = self.push_node(place);
                        self.complete(Value::Null, node, true);
                    }
                    return true;
                };
                if !within_budget(&anchor.value, &mut self.budget) {
                    self.over_budget = true;
                    return false;
                }
                if wants_key {
                    let key = anchor.key.clone();
                    self.set_key(key, place);
                } else {
                    let (value, first, empty) = (
                        anchor.value.clone(),
                        self.nodes[anchor.node as usize].first,
                        anchor.empty,
                    );
                    // The alias is the anchored node again, at the alias's
                    // place; its children are the anchor's own (shared).
                    let node = self.push_node(place);
                    self.nodes[node as usize].first = first;
                    self.complete(value, node, empty);
                }
            }
            _ => {}
        }
        true
    }

    fn push_node(&mut self, place: Place) -> u32 {
        let id = u32::try_from(self.nodes.len()).expect("fewer than 4 billion nodes per document");
        self.nodes.push(Node {
            place,
            key: Place::default(),
            first: NONE,
            next: NONE,
        });
        id
    }

    fn set_key(&mut self, text: String, place: Place) {
        if let Some(frame) = self.frames.last_mut() {
            frame.key = Some((text, place));
        }
    }

    /// A value is done: it becomes its parent's item or value, or the root.
    fn complete(&mut self, value: Value, node: u32, empty: bool) {
        let Some(frame) = self.frames.last_mut() else {
            self.root = Some((value, node, empty));
            return;
        };
        if frame.map {
            let (text, key) = frame.key.take().unwrap_or_default();
            self.nodes[node as usize].key = key;
            self.keys.push((text, key));
        }
        self.values.push(value);
        self.children.push(node);
    }

    fn close(&mut self, span: Span) {
        let Some(frame) = self.frames.pop() else {
            return;
        };
        let this = frame.node as usize;
        self.nodes[this].place.end = Place::of(&Span::empty(span.start)).start;
        let base = frame.nodes;
        let mut reordered: Option<Vec<u32>> = None;
        let value = if frame.map {
            let mut map = Map::with_capacity(self.keys.len() - frame.keys);
            let entries = self
                .keys
                .drain(frame.keys..)
                .zip(self.values.drain(frame.values..));
            for (i, ((text, _), v)) in entries.enumerate() {
                let child = self.children[base + i];
                let key = match map.entry(text) {
                    Entry::Vacant(e) => {
                        e.insert(v);
                        if let Some(order) = &mut reordered {
                            order.push(child);
                        }
                        continue;
                    }
                    Entry::Occupied(e) => e.key().clone(),
                };
                // A duplicate key (reported by the reader): the entry keeps
                // its first key, takes the last value, and moves to the end.
                let order = reordered.get_or_insert_with(|| self.children[base..base + i].to_vec());
                let at = map
                    .keys()
                    .position(|k| *k == key)
                    .expect("the key is there");
                let old = order.remove(at);
                let first = self.nodes[old as usize].key;
                self.duplicates.push(Duplicate {
                    key: key.clone(),
                    at: self.nodes[child as usize].key,
                    first,
                });
                self.nodes[child as usize].key = first;
                order.push(child);
                map.shift_remove(&key);
                map.insert(key, v);
            }
            Value::Object(map)
        } else {
            Value::Array(self.values.drain(frame.values..).collect())
        };
        let order = reordered.as_deref().unwrap_or(&self.children[base..]);
        if let Some(&first) = order.first() {
            self.nodes[this].first = first;
        }
        for pair in order.windows(2) {
            self.nodes[pair[0] as usize].next = pair[1];
        }
        self.children.truncate(base);
        if frame.anchor > 0 {
            self.anchors.insert(
                frame.anchor,
                Anchor {
                    value: value.clone(),
                    node: frame.node,
                    empty: false,
                    bad: false,
                    key: String::new(),
                },
            );
        }
        if self.frames.last().is_some_and(|f| f.map && f.key.is_none()) {
            // A collection as a mapping key: it has no text.
            self.set_key(String::new(), self.nodes[this].place);
        } else {
            self.complete(value, frame.node, false);
        }
    }

    /// The duplicate keys met since the last call, in the order their
    /// mappings ended.
    pub fn take_duplicates(&mut self) -> Vec<Duplicate> {
        std::mem::take(&mut self.duplicates)
    }

    /// The document just ended (at `end`): its JSON and positions, `None`
    /// when alias expansion went over budget. The builder is then ready for
    /// the next document.
    pub fn finish(&mut self, end: Span) -> Option<Built> {
        let over = std::mem::take(&mut self.over_budget);
        let root = self.root.take();
        // The next document starts with room for as many nodes (documents
        // of a file tend to be alike): growing from nothing cost a run 0.7%.
        let room = self.nodes.len();
        let mut nodes = std::mem::replace(&mut self.nodes, Vec::with_capacity(room));
        self.frames.clear();
        self.values.clear();
        self.keys.clear();
        self.children.clear();
        self.anchors.clear();
        self.budget = ALIAS_BUDGET;
        if over {
            return None;
        }
        let (json, root, empty) = root.unwrap_or_else(|| {
            nodes.push(Node {
                place: Place::of(&end),
                key: Place::default(),
                first: NONE,
                next: NONE,
            });
            (Value::Null, narrow(nodes.len() - 1), true)
        });
        Some(Built {
            json,
            positions: Positions { nodes, root },
            empty,
        })
    }
}

fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A scalar as JSON (`None`: saphyr could not read it under its tag). The
/// parser's owned strings move into the JSON without a copy.
fn scalar_json(s: Option<Scalar<'_>>) -> Value {
    match s {
        None | Some(Scalar::Null) => Value::Null,
        Some(Scalar::Boolean(b)) => Value::Bool(b),
        Some(Scalar::Integer(i)) => Value::Number(i.into()),
        Some(Scalar::FloatingPoint(f)) => {
            Number::from_f64(f.into_inner()).map_or(Value::Null, Value::Number)
        }
        Some(Scalar::String(s)) => Value::String(s.into_owned()),
    }
}

/// A scalar's text as a mapping key (`None`: saphyr could not read it).
fn key_text(s: Option<&Scalar<'_>>) -> String {
    s.map(scaleplan_diag::yaml::scalar_key_text)
        .unwrap_or_default()
}

/// [`key_text`], moving an owned string.
fn key_text_owned(s: Option<Scalar<'_>>) -> String {
    match s {
        Some(Scalar::String(s)) => s.into_owned(),
        other => key_text(other.as_ref()),
    }
}

/// Counts `value`'s nodes against the budget as saphyr does (a node per
/// item, key and value); `false` once it runs out.
fn within_budget(value: &Value, budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    match value {
        Value::Array(items) => items.iter().all(|v| within_budget(v, budget)),
        Value::Object(map) => map.values().all(|v| {
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
            within_budget(v, budget)
        }),
        _ => true,
    }
}

/// saphyr's reading of a scalar (`Scalar::parse_from_cow_and_metadata`),
/// with a shortcut for the commonest scalar, keys included: an untagged
/// plain scalar that starts with a letter beginning none of the core
/// schema's null and boolean words is a string. No integer or float starts
/// with a letter (Rust's parse wants a digit first, and saphyr offers it
/// only texts that hold a digit, so `inf` and `nan` stay strings).
fn resolve<'a>(
    text: Cow<'a, str>,
    style: ScalarStyle,
    tag: Option<&Cow<'a, Tag>>,
) -> Option<Scalar<'a>> {
    // A word that starts with a letter is a string, unless it spells null,
    // a boolean or NaN (`name`, `type` and `targetPort` are words too:
    // keys start with n, t and f often).
    let plain_word = style == ScalarStyle::Plain
        && tag.is_none()
        && text.as_bytes().first().is_some_and(|b| {
            b.is_ascii_alphabetic()
                && (!b"nNtTfF".contains(b)
                    || !["null", "true", "false", "nan"]
                        .iter()
                        .any(|special| text.eq_ignore_ascii_case(special)))
        });
    if plain_word {
        return Some(Scalar::String(text));
    }
    Scalar::parse_from_cow_and_metadata(text, style, tag)
}

#[cfg(test)]
mod resolve_tests {
    use super::*;

    #[test]
    fn the_shortcut_reads_scalars_as_saphyr_does() {
        let words = [
            "app",
            "apiVersion",
            "inf",
            "Inf",
            "infinity",
            "Infinity",
            "INF",
            "iNf1",
            "inf1",
            "nan",
            "NaN",
            "e5",
            "E10",
            "x1",
            "y",
            "yes",
            "on",
            "off",
            "null",
            "Null",
            "NULL",
            "true",
            "True",
            "false",
            "FALSE",
            "tru",
            "fals",
            "n",
            "t",
            "f",
            "a1.5",
            "z9",
            "1",
            "0x1f",
            "0o17",
            "+3",
            "-2",
            "1.5",
            ".inf",
            "-.inf",
            ".nan",
            "~",
            "",
            "1e5",
            "ä",
            "É1",
            "_x",
            "Zeta",
            "q.5",
            "k8s",
            "name",
            "namespace",
            "type",
            "targetPort",
            "failureThreshold",
            "nULL",
            "tRUE",
            "fAlSe",
            "NAN",
            "nAn",
            "nan1",
            "null0",
            "trues",
            "falsey",
            "no",
            "No",
            "n1",
            "t.5",
            "f1e5",
            "Nothing",
            "ninf",
            "finfinity",
            "Ñu",
        ];
        for w in words {
            for style in [ScalarStyle::Plain, ScalarStyle::SingleQuoted] {
                assert_eq!(
                    resolve(Cow::Borrowed(w), style, None),
                    Scalar::parse_from_cow_and_metadata(Cow::Borrowed(w), style, None),
                    "{w:?} {style:?}"
                );
            }
        }
    }
}
