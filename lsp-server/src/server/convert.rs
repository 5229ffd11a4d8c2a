//! Between the analysis's spans and the protocol's ranges, in the negotiated encoding.

use cairn_analysis::{Finding, LineIndex, Severity, Span};
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range};

use super::state::Open;
use crate::document::{self, Document, Encoding};

/// The diagnostics of an open document's latest analysis.
pub fn document_diagnostics(open: &Open, encoding: Encoding) -> Vec<Diagnostic> {
    let Some(analysis) = &open.analysis else {
        return Vec::new();
    };
    analysis
        .findings
        .iter()
        .map(|f| diagnostic(f, to_range(&open.document, f.span, encoding)))
        .collect()
}

/// The diagnostics of a file read from disk (not open in the editor).
pub fn file_diagnostics(text: &str, findings: &[Finding], encoding: Encoding) -> Vec<Diagnostic> {
    let index = LineIndex::new(text);
    let position = |at: cairn_analysis::LineCol| {
        Position::new(
            at.line,
            match encoding {
                Encoding::Utf8 => at.column,
                Encoding::Utf16 => index.utf16_column(at),
            },
        )
    };
    findings
        .iter()
        .map(|f| diagnostic(f, Range::new(position(f.span.start), position(f.span.end))))
        .collect()
}

pub fn diagnostic(finding: &Finding, range: Range) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(finding.rule.id().to_string())),
        source: Some("cairn".to_string()),
        message: finding.message.clone(),
        ..Diagnostic::default()
    }
}

pub fn to_range(doc: &Document, span: Span, encoding: Encoding) -> Range {
    Range::new(
        to_proto(doc.position(span.start_byte, encoding)),
        to_proto(doc.position(span.end_byte, encoding)),
    )
}

fn to_proto(p: document::Position) -> Position {
    Position::new(p.line, p.character)
}

pub fn from_proto(p: Position) -> document::Position {
    document::Position {
        line: p.line,
        character: p.character,
    }
}
