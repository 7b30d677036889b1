//! Command-line arguments and entry point of `render`.
use scaleplan_diag::Exit;

/// Render profiles to manifests.
#[derive(clap::Args, Debug)]
pub struct RenderArgs {}

pub fn render(_args: &RenderArgs) -> Exit {
    eprintln!("scaleplan render: not built yet");
    Exit::Usage
}
