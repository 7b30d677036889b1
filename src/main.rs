use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match scaleplan::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with success; usage errors exit 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    scaleplan::cli::run(cli).into()
}
