//! JSON pointer lookups (RFC 6901), as rules make them: millions in a run.
//!
//! serde_json's `Value::pointer` unescapes every segment into two new
//! strings and hashes every key; here a segment is borrowed unless it holds
//! an escape (`~0`, `~1`), and a small mapping, as nearly all in a manifest
//! are, is searched in order. Results are the same (a test compares them).

use serde_json::{Map, Value};
use std::borrow::Cow;

/// A mapping up to this size is searched in order rather than hashed.
const SCAN: usize = 8;

/// [`Value::pointer`], without its allocations.
pub trait Pointer {
    fn at(&self, pointer: &str) -> Option<&Value>;
}

impl Pointer for Value {
    fn at(&self, pointer: &str) -> Option<&Value> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut v = self;
        let mut rest = pointer.strip_prefix('/')?;
        loop {
            // Segments are a few bytes: a byte loop, not `split`'s memchr.
            let (raw, next) = match rest.bytes().position(|b| b == b'/') {
                Some(i) => (&rest[..i], Some(&rest[i + 1..])),
                None => (rest, None),
            };
            let seg = unescape(raw);
            v = match v {
                Value::Object(map) => field(map, &seg),
                Value::Array(items) => index(&seg).and_then(|i| items.get(i)),
                _ => None,
            }?;
            match next {
                Some(n) => rest = n,
                None => return Some(v),
            }
        }
    }
}

/// `Value::get` and `Map::get` with a key, by [`field`]: rules ask a
/// document for a key some fifty times (`index_into`, with SipHash, was
/// 1.4% of a run's instructions).
pub trait Member {
    fn member(&self, key: &str) -> Option<&Value>;
}

impl Member for Value {
    fn member(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(map) => field(map, key),
            _ => None,
        }
    }
}

impl Member for Map<String, Value> {
    fn member(&self, key: &str) -> Option<&Value> {
        field(self, key)
    }
}

/// `map.get(key)`, by a scan of a small mapping (no hashing).
pub(crate) fn field<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    if map.len() <= SCAN {
        map.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    } else {
        map.get(key)
    }
}

/// `map.get_mut(key)`, by a scan of a small mapping (as [`field`]).
pub(crate) fn field_mut<'v>(map: &'v mut Map<String, Value>, key: &str) -> Option<&'v mut Value> {
    if map.len() <= SCAN {
        map.iter_mut().find(|(k, _)| *k == key).map(|(_, v)| v)
    } else {
        map.get_mut(key)
    }
}

/// A pointer segment as the key it names.
pub(crate) fn unescape(raw: &str) -> Cow<'_, str> {
    if raw.bytes().any(|b| b == b'~') {
        Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(raw)
    }
}

/// An array index as serde_json reads one: no sign, no leading zero.
fn index(seg: &str) -> Option<usize> {
    if seg.starts_with('+') || (seg.starts_with('0') && seg.len() != 1) {
        return None;
    }
    seg.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookups_agree_with_serde_json() {
        let many: serde_json::Map<String, Value> =
            (0..20).map(|i| (format!("k{i}"), json!(i))).collect();
        let doc = json!({
            "spec": {"metrics": [{"type": "Pods"}, {"type": "Resource"}], "": {"x": 1}},
            "a/b": {"c~d": [0, 1, 2]},
            "many": many,
            "01": "key", "s": "scalar", "n": null
        });
        let pointers = [
            "",
            "/",
            "/spec",
            "/spec/",
            "/spec//x",
            "/spec/metrics/0/type",
            "/spec/metrics/1",
            "/spec/metrics/2",
            "/spec/metrics/01",
            "/spec/metrics/+1",
            "/spec/metrics/-1",
            "/spec/metrics/x",
            "/a~1b/c~0d/2",
            "/a/b",
            "/a~1b/c~d",
            "/many/k0",
            "/many/k19",
            "/many/k20",
            "/01",
            "/s/x",
            "/n",
            "/n/x",
            "spec",
            "/~2",
            "/spec/metrics/0/type/x",
        ];
        for p in pointers {
            assert_eq!(doc.at(p), doc.pointer(p), "{p:?}");
        }
        // Members, of a small mapping, a large one and of what is no mapping.
        let keys = ["spec", "a/b", "01", "s", "n", "k0", "k19", "k20", "", "x"];
        for v in [&doc, &doc["many"], &doc["s"], &doc["spec"]["metrics"]] {
            for k in keys {
                assert_eq!(v.member(k), v.get(k), "{v} {k:?}");
                if let Value::Object(m) = v {
                    assert_eq!(m.member(k), m.get(k), "{k:?}");
                }
            }
        }
    }
}
