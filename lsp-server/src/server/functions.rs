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

/// The functions as an outline: a nested function is a child of the function around it,
/// named by its own name (the hover shows the qualified one).
pub fn document_symbols(
    doc: &Document,
    analysis: &FileAnalysis,
    encoding: Encoding,
) -> Vec<DocumentSymbol> {
    let mut functions: Vec<&FunctionMetrics> = analysis.functions.iter().collect();
    functions.sort_by_key(|f| (f.span.start_byte, std::cmp::Reverse(f.span.end_byte)));
    // Functions that a later one may be inside, outermost first.
    let mut open: Vec<Outline> = Vec::new();
    let mut roots = Vec::new();
    for f in functions {
        close_up_to(&mut open, &mut roots, f.span.start_byte);
        let name = open
            .last()
            .and_then(|parent| f.name.strip_prefix(parent.qualified.as_str()))
            .and_then(|rest| rest.strip_prefix('.'))
            .unwrap_or(&f.name)
            .to_string();
        #[allow(deprecated)] // `deprecated` is a required field of the struct
        let symbol = DocumentSymbol {
            name,
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
        };
        open.push(Outline {
            end_byte: f.span.end_byte,
            qualified: f.name.clone(),
            symbol,
        });
    }
    close_up_to(&mut open, &mut roots, usize::MAX);
    roots
}

struct Outline {
    end_byte: usize,
    qualified: String,
    symbol: DocumentSymbol,
}

/// Closes the open functions that end at or before `offset`, attaching each to the one
/// around it (or to the roots).
fn close_up_to(open: &mut Vec<Outline>, roots: &mut Vec<DocumentSymbol>, offset: usize) {
    while open.last().is_some_and(|o| o.end_byte <= offset) {
        let Some(done) = open.pop() else { break };
        match open.last_mut() {
            Some(parent) => parent
                .symbol
                .children
                .get_or_insert_with(Vec::new)
                .push(done.symbol),
            None => roots.push(done.symbol),
        }
    }
}

fn metrics_table(f: &FunctionMetrics) -> String {
    format!(
        "**{}** — lines {}–{}\n\n| metric | value |\n| --- | ---: |\n| cyclomatic | {} |\n| cognitive | {} |\n| nesting | {} |\n| parameters | {} |\n| lines of code | {} |\n",
        f.name, f.start_line, f.end_line, f.cyclomatic, f.cognitive, f.nesting, f.params, f.lines
    )
}
