//! The object `cairn-lsp check --format json` prints and `POST /api/v1/analyze` returns
//! (DESIGN.md §3). Written out field by field, not derived from the engine's types, so a new
//! field in the engine cannot change the output by accident.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckReport {
    pub files: Vec<CheckedFile>,
    pub summary: CheckSummary,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedFile {
    pub path: String,
    /// The language's stable lower-case name (`python`, `tsx`, `cpp`, …).
    pub language: String,
    pub functions: Vec<FunctionReport>,
    pub diagnostics: Vec<DiagnosticReport>,
}

/// Lines are 1-based, as editors and lizard show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FunctionReport {
    pub name: String,
    pub start_line: u32,
    pub end_line: u32,
    pub params: u32,
    pub lines: u32,
    pub cyclomatic: u32,
    pub cognitive: u32,
    pub nesting: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiagnosticReport {
    /// A stable rule id such as `security/eval`.
    pub rule: String,
    /// `error`, `warning`, `info` or `hint`.
    pub severity: String,
    pub message: String,
    pub range: Range,
}

/// An LSP range: 0-based lines, UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckSummary {
    pub files: usize,
    pub functions: usize,
    pub diagnostics: usize,
}

/// `POST /api/v1/analyze`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnalyzeRequest {
    /// A language name as `check` prints it (`python`, `javascript`, `typescript`, `tsx`,
    /// `rust`, `go`, `java`, `c`, `cpp`) or an LSP language id (`typescriptreact`, …).
    pub language: String,
    pub code: String,
    /// Shown as the file's `path` in the result; `input` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The text of a `.cairn.toml` to apply; the defaults when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
}
