//! The three output formats of `check`. Each writes the whole [`Report`] to stdout; notes
//! about skipped files go to stderr separately and are not part of any format (except SARIF,
//! which has a place for them).

mod json;
mod sarif;
mod text;

use std::io::{self, Write};
use std::path::Path;

use super::Report;
use crate::cli::Format;

pub fn write(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, out),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write(report, out),
    }
}

/// A path as printed in every format: as given, with forward slashes.
fn path_string(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}
