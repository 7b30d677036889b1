//! Conformance runner (filled in below).
