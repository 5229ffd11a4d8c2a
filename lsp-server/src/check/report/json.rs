//! `--format json`: the contract in DESIGN.md §3. The types are `cairn_protocol::check`'s,
//! shared with the backend's `POST /api/v1/analyze`; they are filled in field by field, not
//! derived from the engine's types, so a new field in the engine cannot change the output by
//! accident.

use std::io::{self, Write};

use cairn_protocol::check::{
    CheckReport, CheckSummary, CheckedFile as JsonFile, DiagnosticReport, FunctionReport,
    Position as JsonPosition, Range as JsonRange,
};

use super::path_string;
use crate::check::{CheckedFile, Diagnostic, Position, Range, Report};

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let summary = report.summary();
    let output = CheckReport {
        files: report.files.iter().map(file).collect(),
        summary: CheckSummary {
            files: summary.files,
            functions: summary.functions,
            diagnostics: summary.diagnostics,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}

fn file(file: &CheckedFile) -> JsonFile {
    JsonFile {
        path: path_string(&file.path),
        language: file.language.name().to_string(),
        functions: file
            .functions
            .iter()
            .map(|f| FunctionReport {
                name: f.name.clone(),
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

fn diagnostic(d: &Diagnostic) -> DiagnosticReport {
    DiagnosticReport {
        rule: d.rule.id().to_string(),
        severity: d.severity.as_str().to_string(),
        message: d.message.clone(),
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
