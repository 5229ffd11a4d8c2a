//! `cairn-lsp`: Cairn's language server and command-line linter.
//!
//! For now the binary offers the command-line side (`check`, `rules`); the language server
//! itself comes later.

mod check;
mod cli;
mod config_discovery;
#[allow(dead_code)] // used by the language server, which is being built (issue 3)
mod document;
mod rules_cmd;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    init_tracing();
    let cli = cli::Cli::parse();
    match cli.command {
        cli::Command::Check(args) => check::run(&args),
        cli::Command::Rules(args) => rules_cmd::run(&args),
    }
}

/// Internal logs go to stderr, filtered by `CAIRN_LOG` (e.g. `CAIRN_LOG=debug`); user-facing
/// notes are plain `cairn: …` lines and do not depend on it.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CAIRN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
