//! Command-line arguments and entry points of `validate` and `schema`.
use scaleplan_diag::Exit;

/// Validate profiles without rendering.
#[derive(clap::Args, Debug)]
pub struct ValidateArgs {}
/// Print the JSON Schema of a profile.
#[derive(clap::Args, Debug)]
pub struct SchemaArgs {}

pub fn validate(_args: &ValidateArgs) -> Exit {
    eprintln!("scaleplan validate: not built yet");
    Exit::Usage
}
pub fn schema(_args: &SchemaArgs) -> Exit {
    eprintln!("scaleplan schema: not built yet");
    Exit::Usage
}
