//! Code actions: each finding's quick fixes and "suppress on this line", and one
//! `source.fixAll.cairn` action applying every fix of the document.

use std::collections::HashMap;

use cairn_analysis::{Edit, FileAnalysis, Fix};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::convert::{diagnostic, from_proto, to_range};
use crate::document::{Document, Encoding};

/// The kind of the action that applies every quick fix of a document (on save, in VS Code).
pub const FIX_ALL: &str = "source.fixAll.cairn";

/// The actions for `range` of a document, of the kinds `only` asks for.
pub fn code_actions(
    uri: &Uri,
    doc: &Document,
    analysis: &FileAnalysis,
    range: Range,
    only: &Option<Vec<CodeActionKind>>,
    encoding: Encoding,
) -> Vec<CodeActionOrCommand> {
    let start = doc.offset(from_proto(range.start), encoding);
    let end = doc.offset(from_proto(range.end), encoding);
    let mut actions = Vec::new();
    if requested(only, CodeActionKind::QUICKFIX.as_str()) {
        for finding in &analysis.findings {
            if !finding.span.intersects(start, end) {
                continue;
            }
            let diagnostic = diagnostic(finding, to_range(doc, finding.span, encoding));
            let suppress =
                cairn_analysis::suppression_fix(finding, doc.analyzed_text(), doc.language());
            let fixes = finding
                .fix
                .iter()
                .map(|fix| (fix, true))
                .chain(std::iter::once((&suppress, false)));
            for (fix, preferred) in fixes {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(workspace_edit(uri, doc, fix.edits.iter(), encoding)),
                    is_preferred: Some(preferred),
                    ..CodeAction::default()
                }));
            }
        }
    }
    if requested(only, FIX_ALL)
        && let Some(action) = fix_all(uri, doc, analysis, encoding)
    {
        actions.push(CodeActionOrCommand::CodeAction(action));
    }
    actions
}

/// Does the client's `only` filter ask for actions of `kind`? (`source` asks for
/// `source.fixAll.cairn`; no filter asks for everything.)
fn requested(only: &Option<Vec<CodeActionKind>>, kind: &str) -> bool {
    only.as_ref().is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let k = k.as_str();
            kind == k
                || kind
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// One action with every quick fix of the document; a fix whose edits overlap an earlier
/// one is left for the next round.
fn fix_all(
    uri: &Uri,
    doc: &Document,
    analysis: &FileAnalysis,
    encoding: Encoding,
) -> Option<CodeAction> {
    let mut edits: Vec<&Edit> = Vec::new();
    let mut fixes: Vec<&Fix> = analysis
        .findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .collect();
    fixes.sort_by_key(|fix| fix.edits.first().map(|e| e.span.start_byte));
    for fix in fixes {
        let overlaps = fix.edits.iter().any(|e| {
            edits.iter().any(|taken| {
                e.span.start_byte < taken.span.end_byte.max(taken.span.start_byte + 1)
                    && taken.span.start_byte < e.span.end_byte.max(e.span.start_byte + 1)
            })
        });
        if !overlaps {
            edits.extend(&fix.edits);
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some(CodeAction {
        title: "Apply every Cairn quick fix".to_string(),
        kind: Some(CodeActionKind::new(FIX_ALL)),
        edit: Some(workspace_edit(uri, doc, edits.into_iter(), encoding)),
        ..CodeAction::default()
    })
}

fn workspace_edit<'e>(
    uri: &Uri,
    doc: &Document,
    edits: impl Iterator<Item = &'e Edit>,
    encoding: Encoding,
) -> WorkspaceEdit {
    let edits = edits
        .map(|e| TextEdit::new(to_range(doc, e.span, encoding), e.new_text.clone()))
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}
