//! Runs the conformance vectors from this crate too, so the HPA crate can be checked while
//! another crate of the workspace is broken (`cargo test -p scaleplan-hpa`).

use std::path::Path;

#[test]
fn every_vector_of_the_vectors_file_passes() {
    let default =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/hpa-vectors-sample.json");
    let path = scaleplan_hpa::conformance::vectors_path(&default);
    let report = scaleplan_hpa::conformance::run_file(&path).expect("vectors file runs");
    print!("{}", report.render());
    assert!(report.passed() > 0, "no vectors in {}", path.display());
    assert_eq!(report.failed(), 0, "{}", report.render());
}
