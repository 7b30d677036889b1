//! Command-line arguments and entry point of `simulate`.
use scaleplan_diag::Exit;

/// Replay a load trace through the HPA algorithm.
#[derive(clap::Args, Debug)]
pub struct SimulateArgs {}

pub fn simulate(_args: &SimulateArgs) -> Exit {
    eprintln!("scaleplan simulate: not built yet");
    Exit::Usage
}
