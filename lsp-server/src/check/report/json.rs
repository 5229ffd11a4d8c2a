//! `--format json`: the contract in DESIGN.md §3. The structs below are that contract; they
//! are written out field by field, not derived from the engine's types, so a new field in
//! the engine cannot change the output by accident.

use std::io::{self, Write};

use serde::Serialize;

use super::path_string;
use crate::check::{CheckedFile, Diagnostic, Position, Range, Report};

#[derive(Serialize)]
struct Output<'a> {
    files: Vec<File<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct File<'a> {
    path: String,
    language: &'static str,
    functions: Vec<Function<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

/// Lines are 1-based, as editors and lizard show them.
#[derive(Serialize)]
struct Function<'a> {
    name: &'a str,
    start_line: u32,
    end_line: u32,
    params: u32,
    lines: u32,
    cyclomatic: u32,
    cognitive: u32,
    nesting: u32,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    range: JsonRange,
}

/// An LSP range: 0-based lines, UTF-16 code units.
#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: u32,
    character: u32,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    functions: usize,
    diagnostics: usize,
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let summary = report.summary();
    let output = Output {
        files: report.files.iter().map(file).collect(),
        summary: Summary {
            files: summary.files,
            functions: summary.functions,
            diagnostics: summary.diagnostics,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}

fn file(file: &CheckedFile) -> File<'_> {
    File {
        path: path_string(&file.path),
        language: file.language.name(),
        functions: file
            .functions
            .iter()
            .map(|f| Function {
                name: &f.name,
                start_line: f.start_line,
                end_line: f.end_line,
                params: f.params,
                lines: f.lines,
                cyclomatic: f.cyclomatic,
                cognitive: f.cognitive,
                nesting: f.nesting,
            })
            .collect(),
        diagnostics: file.diagnostics.iter().map(diagnostic).collect(),
    }
}

fn diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        rule: d.rule.id(),
        severity: d.severity.as_str(),
        message: &d.message,
        range: range(d.range),
    }
}

fn range(r: Range) -> JsonRange {
    let position = |p: Position| JsonPosition {
        line: p.line,
        character: p.character,
    };
    JsonRange {
        start: position(r.start),
        end: position(r.end),
    }
}
