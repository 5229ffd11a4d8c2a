//! `cairn-lsp`: Cairn's language server and command-line linter.
//!
//! Without a subcommand it serves LSP over stdio (`server`); `check` and `rules` are the
//! command-line side.

use std::process::ExitCode;

use cairn_lsp::{check, cli, logging, rules_cmd, server};
use clap::Parser;

fn main() -> ExitCode {
    logging::init();
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
