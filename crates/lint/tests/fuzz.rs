//! The fuzz target's body on stable, bounded: every fixture and corpus file
//! as a seed, then proptest mutations of them (byte flips, truncations,
//! splices), then generated manifests. The real coverage-guided run is
//! `scripts/fuzz-lint` (cargo-fuzz, nightly).

use proptest::prelude::*;
use scaleplan_lint::fuzzing::lint_bytes;
use std::path::{Path, PathBuf};

fn seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dirs: [PathBuf; 3] = [
        root.join("tests/fixtures/lint-engine"),
        root.join("tests/fixtures/lint"),
        root.join("../shared/corpus/third-party"),
    ];
    let mut out = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        for entry in ignore::WalkBuilder::new(dir).build().flatten() {
            let p = entry.path();
            if scaleplan_lint::input::is_yaml(p) {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    assert!(out.len() >= 10, "seeds not found");
    out
}

#[test]
fn every_seed_holds_the_invariants() {
    for seed in seeds() {
        lint_bytes(&seed);
    }
}

/// One mutation of a seed: flip bytes, cut it, or splice in YAML-ish noise.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let noise = prop_oneof![
        Just("{{ .Values.x }}".to_owned()),
        Just("&a [*a]".to_owned()),
        Just("\n---\n".to_owned()),
        Just(": : :".to_owned()),
        Just("\t".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\r\n".to_owned()),
        Just("- [".to_owned()),
        Just("minReplicas: 99999999999999999999".to_owned()),
        "[ -~]{0,12}",
    ];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), noise).prop_map(|(i, s)| Mutation::Insert(i, s)),
    ]
}

fn apply(mut data: Vec<u8>, m: &Mutation) -> Vec<u8> {
    let n = data.len().max(1);
    match m {
        Mutation::Flip(i, b) => {
            if !data.is_empty() {
                data[i % n] ^= b;
            }
        }
        Mutation::Truncate(i) => data.truncate(i % n),
        Mutation::Insert(i, s) => {
            let at = (i % n).min(data.len());
            data.splice(at..at, s.bytes());
        }
    }
    data
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_seeds_hold_the_invariants(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let seeds = seeds_cached();
        let mut data = seeds[seed.index(seeds.len())].clone();
        for m in &mutations {
            data = apply(data, m);
        }
        lint_bytes(&data);
    }

    #[test]
    fn arbitrary_bytes_hold_the_invariants(data in prop::collection::vec(any::<u8>(), 0..512)) {
        lint_bytes(&data);
    }
}

fn seeds_cached() -> &'static [Vec<u8>] {
    static SEEDS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(seeds)
}
