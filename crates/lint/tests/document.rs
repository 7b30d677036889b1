//! The document builder (`scaleplan_lint::document`) against saphyr's own
//! `MarkedYaml` loader fed the same events: same JSON, same emptiness, same
//! alias refusals, and the same location for every JSON pointer of every
//! document (present or missing), on every fixture and corpus file and on
//! proptest mutations of them.

use proptest::prelude::*;
use saphyr::{LoadableYamlNode, MarkedYaml, YamlLoader};
use saphyr_parser::{Event, Parser, Span, SpannedEventReceiver};
use scaleplan_diag::yaml::{pointer_location, to_json, value_location};
use scaleplan_diag::{Location, SourceFile};
use scaleplan_lint::document::{Builder, Built};
use scaleplan_lint::index::prune;
use scaleplan_lint::kind::classify;
use scaleplan_lint::places::{Lookup, Placer, clamp, lookup};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Both loaders side by side, one document at a time.
struct Both<'i> {
    marked: YamlLoader<'i, MarkedYaml<'i>>,
    built: Builder,
    refused: bool,
    docs: Vec<(Option<MarkedYaml<'i>>, Option<Built>)>,
}

fn loader<'i>() -> YamlLoader<'i, MarkedYaml<'i>> {
    let mut l = YamlLoader::default();
    l.allow_duplicate_keys(true);
    l
}

impl<'i> SpannedEventReceiver<'i> for Both<'i> {
    fn on_event(&mut self, ev: Event<'i>, span: Span) {
        if !matches!(ev, Event::DocumentStart(_) | Event::DocumentEnd)
            && !self.built.on_event(ev.clone(), span)
        {
            self.refused = true;
        }
        let end = ev == Event::DocumentEnd;
        self.marked.on_event(ev, span);
        if end {
            let marked = std::mem::replace(&mut self.marked, loader());
            let refused = marked.error().is_some();
            assert_eq!(refused, self.refused, "alias budget");
            self.refused = false;
            let root = marked.into_documents().into_iter().next();
            self.docs.push((root, self.built.finish(span)));
        }
    }
}

/// Every pointer of a JSON value, and a missing child under each container.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => {
            out.push(format!("{at}/missing~1child"));
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            out.push(format!("{at}/{}", items.len()));
            out.push(format!("{at}/x"));
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => out.push(format!("{at}/0")),
    }
}

/// Whether a mapping anywhere holds two keys with the same text.
fn text_collision(node: &MarkedYaml<'_>) -> bool {
    use saphyr::YamlData;
    match scaleplan_diag::yaml::data(node) {
        YamlData::Mapping(map) => {
            let mut texts: Vec<String> = map.keys().map(scaleplan_diag::yaml::key_text).collect();
            let n = texts.len();
            texts.sort();
            texts.dedup();
            texts.len() < n || map.values().any(text_collision)
        }
        YamlData::Sequence(items) => items.iter().any(text_collision),
        _ => false,
    }
}

fn compare(text: &str) {
    let src = SourceFile::new("t.yaml", text);
    let mut both = Both {
        marked: loader(),
        built: Builder::new(),
        refused: false,
        docs: Vec::new(),
    };
    // Up to the first syntax error, as the reader does per resumed part.
    let _ = Parser::new_from_str(&src.text).load(&mut both, true);
    for (n, (marked, built)) in both.docs.iter().enumerate() {
        let (Some(marked), Some(built)) = (marked, built) else {
            assert_eq!(
                marked.is_none(),
                built.is_none(),
                "document {n} of {text:?}"
            );
            continue;
        };
        let json = to_json(marked);
        assert_eq!(json, built.json, "document {n} of {text:?}");
        if !text_collision(marked) {
            // Key order too (JSON equality ignores it; rules iterate it).
            assert_eq!(
                json.to_string(),
                built.json.to_string(),
                "order in document {n} of {text:?}"
            );
        }
        let empty = marked.is_badvalue()
            || matches!(marked.data, saphyr::YamlData::Value(saphyr::Scalar::Null));
        assert_eq!(empty, built.empty, "emptiness of document {n} of {text:?}");
        compare_places(&src, built);
        if text_collision(marked) {
            // Two different YAML keys with the same text (`1` and `"1"`):
            // saphyr's tree keeps both and its lookup finds the first, while
            // the JSON (and this builder) keeps the last value. The builder
            // points at the value the rules see; the tree cannot be the
            // oracle here.
            continue;
        }
        let mut all = Vec::new();
        pointers(&json, String::new(), &mut all);
        for p in all {
            assert_eq!(
                pointer_location(&src, marked, &p),
                built.positions.pointer_location(&src, &built.json, &p),
                "key of {p} in document {n} of {text:?}"
            );
            assert_eq!(
                value_location(&src, marked, &p),
                built.positions.value_location(&src, &built.json, &p),
                "value of {p} in document {n} of {text:?}"
            );
        }
    }
}

/// Pointers the records kept with a pruned body answered (see
/// `compare_places`), so that a test can tell they were compared at all.
static ANSWERED: AtomicUsize = AtomicUsize::new(0);

/// The records kept with the document's pruned body (`scaleplan_lint::places`)
/// locate every pointer as the whole document does, or leave it to the
/// document; a finding's location is kept inside the file either way.
fn compare_places(src: &SourceFile, built: &Built) {
    let kind = classify(&built.json).kind;
    let pruned = prune(kind, &built.json);
    let first_line = 3; // any: lines are recorded relative to it
    let mut records = Vec::new();
    Placer::new(src, &[]).encode(
        first_line,
        &built.positions,
        &built.json,
        &pruned,
        &mut records,
    );
    // The store's compact text; a pretty one must read the same.
    let text = serde_json::to_vec(&*pruned).expect("JSON");
    let pretty = serde_json::to_vec_pretty(&*pruned).expect("JSON");
    let mut all = Vec::new();
    pointers(&built.json, String::new(), &mut all);
    for p in all {
        for at_value in [false, true] {
            let want = if at_value {
                built.positions.value_location(src, &built.json, &p)
            } else {
                built.positions.pointer_location(src, &built.json, &p)
            };
            let [line, column, end_line, end_column] = clamp(
                src,
                [want.line, want.column, want.end_line, want.end_column],
            );
            let want = Location {
                line,
                column,
                end_line,
                end_column,
                ..want
            };
            let found = lookup(&text, &records, &src.name, first_line, &p, at_value);
            assert_eq!(
                found,
                lookup(&pretty, &records, &src.name, first_line, &p, at_value),
                "{p}: compact and pretty JSON"
            );
            match found {
                Lookup::At(got) => {
                    assert_eq!(
                        got, want,
                        "{p} (at value: {at_value}) in {kind:?} {:?}",
                        built.json
                    );
                    ANSWERED.fetch_add(1, Ordering::Relaxed);
                }
                Lookup::Unknown => {}
                Lookup::OnTemplate => panic!("no template lines were given"),
            }
        }
    }
}

fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dirs: [PathBuf; 4] = [
        root.join("tests/fixtures"),
        root.join("examples"),
        root.join("../shared/corpus/third-party"),
        root.join("../shared/seed"),
    ];
    let mut out = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for entry in ignore::WalkBuilder::new(dir).build().flatten() {
            let p = entry.path();
            if scaleplan_lint::input::is_yaml(p)
                && let Ok(text) = std::fs::read_to_string(p)
            {
                out.push(text);
            }
        }
    }
    assert!(out.len() >= 100, "seeds not found: {}", out.len());
    out
}

#[test]
fn every_fixture_reads_as_saphyr_reads_it() {
    for text in seeds() {
        compare(&text);
    }
    let answered = ANSWERED.load(Ordering::Relaxed);
    assert!(
        answered > 10_000,
        "the records answered {answered} pointers"
    );
}

#[test]
fn the_edges_read_as_saphyr_reads_them() {
    let texts = [
        // Duplicate keys: first key's place, last value, moved to the end.
        "a: 1\nb: 2\na: 3\n",
        "a: {x: 1, y: 2, x: [3]}\nb: 1\n",
        // Keys that are not strings, or not scalars.
        "1: a\ntrue: b\n1.5: c\n~: d\n0x10: e\n",
        "? [a, b]\n: 1\n? {c: d}\n: 2\nz: 3\n",
        "1: a\n\"1\": b\n",
        // Anchors and aliases, as keys and values, and unknown ones.
        "base: &b {x: 1, y: [1, 2]}\nother: *b\nlist: [*b, *b]\n",
        "k: &k key\n*k : value\n",
        "a: *nope\n*nope : 1\n",
        "a: &x [1, &y {z: *y}]\n",
        // Tags: core (read under the tag), foreign (ignored), bad values.
        "a: !!str 123\nb: !!int 12\nc: !!int abc\nd: !custom 5\ne: !custom [1]\n",
        "!!int abc\n",
        "!custom ~\n",
        "--- ~\n--- null\n---\n--- |\n  text\n--- *a\n",
        // Empty values, nulls, flow and block mixed.
        "a:\nb: ~\nc: null\nd: []\ne: {}\nf: [a, {b: c}, [d]]\n",
        "- a\n- - b\n  - c\n- d: e\n  f: g\n",
        "\u{feff}a: 1\r\nb:\r\n  c: 'it''s'  # x\r\n",
        "a: \"30\"  # Scale up\nb: plain  # c\nc: >\n  folded\n  text\nd: .inf\ne: .nan\n",
        // Columns in characters; old Mac line ends (lines the file does not have).
        "é: \"ü\\\"x\"  # ß\nà: {b: ça va  , c: [ô]}\nspec: {replicas: 2}\n",
        "kind: Deployment\rspec:\r  replicas: 2\r",
    ];
    for t in texts {
        compare(t);
    }
    let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    laughs.push_str("---\nafter: 1\n");
    compare(&laughs);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_fixtures_read_as_saphyr_reads_them(
        pick in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        noise in prop::sample::select(vec!["&a ", "*a", "!!int ", "!x ", "? ", ": ", "- ", "{", "}", "[", "]", ", ", "\n", "  ", "~", "\"", "'", "#", "---\n", "|\n  "]),
    ) {
        let seeds = seeds();
        let text = &seeds[pick.index(seeds.len())];
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mutated = format!("{}{noise}{}", &text[..at], &text[at..]);
        compare(&mutated);
    }
}
