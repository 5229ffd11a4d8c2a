//! `cairn-lsp`: Cairn's language server and command-line linter.
//!
//! Without a subcommand it serves LSP over stdio (`server`); `check` and `rules` are the
//! command-line side.

mod check;
mod cli;
mod config_discovery;
mod document;
mod rules_cmd;
mod server;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    init_tracing();
    let cli = cli::Cli::parse();
    match cli.command {
        Some(cli::Command::Check(args)) => check::run(&args),
        Some(cli::Command::Rules(args)) => rules_cmd::run(&args),
        None => serve(),
    }
}

/// The language server over stdio; stdout carries only protocol messages.
fn serve() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cairn: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(server::serve());
    ExitCode::SUCCESS
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
