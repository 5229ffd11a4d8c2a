//! `cairn-lsp` as a library: the modules of the binary, so that tests can drive the language
//! server in-process (through [`server::Backend`]) as well as over stdio.

pub mod check;
pub mod cli;
pub mod config_discovery;
pub mod document;
pub mod logging;
pub mod rules_cmd;
pub mod server;
