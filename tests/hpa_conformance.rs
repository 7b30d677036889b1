//! `cargo test --test hpa_conformance`: runs every vector of an hpa-vectors file
//! (`$SCALEPLAN_HPA_VECTORS`, default `../shared/hpa-vectors-sample.json` beside the repo)
//! through scaleplan's HPA algorithm and validation, prints one line per failing vector,
//! `kind: N passed, M failed` per kind and `N passed, M failed` in total, and exits
//! non-zero if anything failed or the file cannot be read.

use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/hpa-vectors-sample.json");
    scaleplan_hpa::conformance::main_with_default(&default)
}
