//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Files larger than this are skipped unless `--max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

#[derive(Debug, Parser)]
#[command(
    name = "cairn-lsp",
    version,
    about = "Cairn: local code analysis for editors and CI",
    long_about = "Cairn: local code analysis for editors and CI.\n\n\
                  Without a subcommand (or with --stdio) it serves the Language Server \
                  Protocol on standard input and output; `cairn-lsp check` runs the same \
                  analysis as a command-line linter."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Serve the Language Server Protocol over standard input/output (the default).
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse files and report findings, for CI and the terminal.
    #[command(
        after_help = "Exit status: 0 when no finding has error severity, 1 when some \
                            do, 2 on a usage or I/O error.\n\n\
                            Directories are walked like ripgrep does: .gitignore, .ignore and \
                            hidden files are skipped, and so are files that `[files] exclude` in \
                            .cairn.toml matches. Files named on the command line are always \
                            checked."
    )]
    Check(CheckArgs),
    /// List the rules, or print their documentation as Markdown.
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check [default: the current directory].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Use this configuration for every file instead of the `.cairn.toml` found upward from
    /// each file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,

    /// Also check files that .gitignore, .ignore or hidden-file rules would skip.
    #[arg(long)]
    pub no_ignore: bool,

    /// Number of files analysed in parallel [default: the number of cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:column: severity[rule] message`, one finding a line, then a summary.
    Text,
    /// One JSON object: files with their functions and diagnostics, and a summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print the full documentation of every rule as Markdown (docs/rules.md).
    #[arg(long)]
    pub markdown: bool,
}
