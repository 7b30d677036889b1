//! Everything scaleplan tells a user goes through one type, [`Diagnostic`]:
//! profile validation errors, lint findings and trace errors alike. This crate
//! also reads YAML with positions ([`yaml`]) so that every diagnostic can point
//! at `file:line:col`, and renders diagnostics for people and machines ([`render`]).

mod diagnostic;
pub mod render;
mod source;
pub mod suggest;
pub mod yaml;

pub use diagnostic::{Diagnostic, Location, Severity, sort};
pub use source::SourceFile;

/// The process exit codes every command shares, documented in `--help` and
/// the README.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Success: input valid, output current, no findings at or above `--fail-on`.
    Ok = 0,
    /// Invalid input, stale output, or findings at or above `--fail-on`.
    Failure = 1,
    /// Usage error or I/O error (unreadable input, unwritable output).
    Usage = 2,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e as u8)
    }
}
