//! Any bytes through `scaleplan lint`'s entry point: no panic, no hang, and
//! every finding located inside the input (see `scaleplan_lint::fuzzing`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    scaleplan_lint::fuzzing::lint_bytes(data);
});
