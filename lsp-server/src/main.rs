//! `cairn-lsp`: Cairn's language server and command-line linter.
//!
//! Without a subcommand it serves LSP over stdio (`server`); `check` and `rules` are the
//! command-line side.

use std::process::ExitCode;
use std::time::Duration;

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
    let clean = runtime.block_on(server::serve());
    // A read of stdin may still be blocked in a runtime thread: do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(100));
    if clean {
        ExitCode::SUCCESS
    } else {
        // `exit` without `shutdown`, or the input closed: the LSP specification's code 1.
        ExitCode::FAILURE
    }
}
