//! What the editor shows about functions: hovers, code lenses and document symbols.

use cairn_analysis::{FileAnalysis, FunctionMetrics};
use tower_lsp_server::ls_types::{
    CodeLens, Command, DocumentSymbol, Hover, HoverContents, MarkupContent, MarkupKind, Position,
    SymbolKind,
};

use super::convert::{from_proto, to_range};
use crate::document::{Document, Encoding};

/// The metrics of the innermost function around `position`, as a small markdown table.
pub fn hover(
    doc: &Document,
    analysis: &FileAnalysis,
    position: Position,
    encoding: Encoding,
) -> Option<Hover> {
    let offset = doc.offset(from_proto(position), encoding);
    let function = analysis
        .functions
        .iter()
        .filter(|f| f.span.start_byte <= offset && offset <= f.span.end_byte)
        .min_by_key(|f| f.span.end_byte - f.span.start_byte)?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: metrics_table(function),
        }),
        range: Some(to_range(doc, function.name_span, encoding)),
    })
}

/// One lens per named function (closures have no line of their own to carry one).
pub fn code_lenses(doc: &Document, analysis: &FileAnalysis, encoding: Encoding) -> Vec<CodeLens> {
    analysis
        .functions
        .iter()
        .filter(|f| !f.is_closure)
        .map(|f| CodeLens {
            range: to_range(doc, f.name_span, encoding),
            command: Some(Command::new(
                format!("cyclomatic {} · cognitive {}", f.cyclomatic, f.cognitive),
                String::new(),
                None,
            )),
            data: None,
        })
        .collect()
}

pub fn document_symbols(
    doc: &Document,
    analysis: &FileAnalysis,
    encoding: Encoding,
) -> Vec<DocumentSymbol> {
    #[allow(deprecated)] // `deprecated` is a required field of the struct
    analysis
        .functions
        .iter()
        .map(|f| DocumentSymbol {
            name: f.name.clone(),
            detail: Some(format!(
                "cyclomatic {}, cognitive {}",
                f.cyclomatic, f.cognitive
            )),
            kind: SymbolKind::FUNCTION,
            tags: None,
            deprecated: None,
            range: to_range(doc, f.span, encoding),
            selection_range: to_range(doc, f.name_span, encoding),
            children: None,
        })
        .collect()
}

fn metrics_table(f: &FunctionMetrics) -> String {
    format!(
        "**{}** — lines {}–{}\n\n| metric | value |\n| --- | ---: |\n| cyclomatic | {} |\n| cognitive | {} |\n| nesting | {} |\n| parameters | {} |\n| lines of code | {} |\n",
        f.name, f.start_line, f.end_line, f.cyclomatic, f.cognitive, f.nesting, f.params, f.lines
    )
}
