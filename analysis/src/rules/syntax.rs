//! `syntax/error`: the places tree-sitter could not parse.

use tree_sitter::Node;

use crate::FileContext;
use crate::finding::{Finding, Severity};
use crate::rules::{Rule, RuleDoc};
use crate::span::Span;

pub(crate) static DOC: RuleDoc = RuleDoc {
    id: "syntax/error",
    summary: "The file does not parse here.",
    what: "Reports each place where the parser found a token it did not expect or a token that is missing. Tree-sitter recovers and keeps going, so the rest of the file is still analysed.",
    why: "Code that does not parse does not run; metrics and security rules around the error may be incomplete until it is fixed.",
    example: "python\ndef f(:\n    return 1",
    cwe: None,
    equivalent: "the compiler's or interpreter's syntax error",
    default_severity: Severity::Error,
    languages: "all",
    fixable: false,
};

/// At most this many syntax findings per file: after a bad merge every line is an error and
/// the first few say all there is to say.
const LIMIT: usize = 50;

pub(crate) fn check(ctx: &FileContext, out: &mut Vec<Finding>) {
    let root = ctx.tree.root_node();
    if !root.has_error() {
        return;
    }
    let mut stack = vec![root];
    let mut found = 0;
    while let Some(node) = stack.pop() {
        if found >= LIMIT {
            break;
        }
        if node.is_missing() {
            let what = node.kind();
            out.push(Finding::new(
                Rule::SyntaxError,
                Span::of(node),
                format!("syntax error: missing `{what}`"),
            ));
            found += 1;
            continue;
        }
        if node.is_error() {
            out.push(Finding::new(
                Rule::SyntaxError,
                error_span(node, ctx),
                describe(node, ctx),
            ));
            found += 1;
            continue;
        }
        if node.has_error() {
            let mut cursor = node.walk();
            let first = stack.len();
            stack.extend(node.children(&mut cursor));
            stack[first..].reverse();
        }
    }
}

/// An ERROR node can cover many lines; squiggle only its first line.
fn error_span(node: Node, ctx: &FileContext) -> Span {
    let span = Span::of(node);
    if span.start.line == span.end.line {
        return span;
    }
    let line_end = ctx.index.line_start(span.start.line) + ctx.index.line(span.start.line).len();
    Span::from_bytes(ctx.index, span.start_byte, line_end.max(span.start_byte))
}

fn describe(node: Node, ctx: &FileContext) -> String {
    let text = node.utf8_text(ctx.source.as_bytes()).unwrap_or_default();
    let first = text.lines().next().unwrap_or_default().trim();
    if first.is_empty() {
        "syntax error: unexpected end of input".to_string()
    } else {
        let shown: String = first.chars().take(40).collect();
        let ellipsis = if first.chars().count() > 40 {
            "…"
        } else {
            ""
        };
        format!("syntax error: unexpected `{shown}{ellipsis}`")
    }
}
