//! `cairn-server`: the Cairn backend. Only `--version` exists so far; the server itself is
//! the subject of a later issue (see the README's status table).

use std::process::ExitCode;

fn main() -> ExitCode {
    let version = format!("cairn-server {}", env!("CARGO_PKG_VERSION"));
    match std::env::args().nth(1).as_deref() {
        Some("--version" | "-V" | "version") => {
            println!("{version}");
            ExitCode::SUCCESS
        }
        Some("--help" | "-h" | "help") => {
            println!(
                "{version}\n\nThe backend server is not built yet; only --version is available."
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "{version}: the backend server is not built yet; only --version is available"
            );
            ExitCode::from(2)
        }
    }
}
