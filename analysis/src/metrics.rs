//! Metrics of functions and files.

pub(crate) mod complexity;

use serde::{Deserialize, Serialize};

use crate::span::Span;

/// Measures of one function. Lines are 1-based, as editors and lizard show them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunctionMetrics {
    /// Qualified name (`Class.method`, `Type::method`), or `(anonymous)`.
    pub name: String,
    /// The line of the function's name (lizard's start line), 1-based.
    pub start_line: u32,
    /// The last line of the function, 1-based.
    pub end_line: u32,
    pub params: u32,
    /// Lines of code: lines inside the function holding code (not blank, not only comment).
    pub lines: u32,
    pub cyclomatic: u32,
    pub cognitive: u32,
    /// Deepest nesting of control structures inside the function.
    pub nesting: u32,
    /// Where the function is, for editors (the whole definition).
    #[serde(skip)]
    pub span: Span,
    /// The name (or the function itself when anonymous), for editors' lenses and squiggles.
    #[serde(skip)]
    pub name_span: Span,
    /// Closures bound to a name are reported, but their decisions also count toward the
    /// enclosing function (lizard's rule).
    #[serde(skip)]
    pub is_closure: bool,
}

/// Measures of a whole file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileMetrics {
    pub lines: u32,
    pub code_lines: u32,
    pub comment_lines: u32,
    pub blank_lines: u32,
    pub functions: u32,
    pub halstead_volume: f64,
    /// 0–100, the normalised form Visual Studio uses:
    /// `max(0, (171 − 5.2·ln V − 0.23·G − 16.2·ln LOC) · 100 / 171)`.
    pub maintainability_index: f64,
}

pub(crate) fn maintainability_index(volume: f64, cyclomatic_total: u32, code_lines: u32) -> f64 {
    let volume = volume.max(1.0);
    let loc = f64::from(code_lines.max(1));
    let raw = 171.0 - 5.2 * volume.ln() - 0.23 * f64::from(cyclomatic_total) - 16.2 * loc.ln();
    let scaled = (raw * 100.0 / 171.0).clamp(0.0, 100.0);
    (scaled * 100.0).round() / 100.0
}
