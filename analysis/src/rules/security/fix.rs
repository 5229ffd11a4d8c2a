//! Byte edits the security fixes share. Each produces text that still parses: the fixture
//! tests re-parse every fixed file.

use tree_sitter::Node;

use super::Scan;
use crate::finding::{Edit, Fix};

pub(crate) fn replace(scan: &Scan, node: Node, new_text: impl Into<String>) -> Edit {
    Edit {
        span: scan.span(node.start_byte(), node.end_byte()),
        new_text: new_text.into(),
    }
}

pub(crate) fn single(title: impl Into<String>, edit: Edit) -> Fix {
    Fix {
        title: title.into(),
        edits: vec![edit],
    }
}

/// Removes one item of a comma-separated list (an argument, an object property, a struct
/// field) with its separator, keeping the list valid and the layout tidy:
/// - the only item: everything between the brackets (`f(verify=False)` → `f()`);
/// - an item alone on its line(s): the whole line, and the comma before it when it was the
///   last item without a trailing comma;
/// - an item followed by a comma: the item, the comma and the spaces after it;
/// - the last item: the comma before it goes with it.
///
/// Comments next to the item stay (a trailing comma is left instead, which every language
/// using this allows).
pub(crate) fn remove_list_item(scan: &Scan, item: Node) -> Edit {
    let source = scan.source.as_bytes();
    let blank = |from: usize, to: usize| {
        source
            .get(from..to)
            .is_some_and(|s| s.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r')))
    };
    let line_start = scan
        .slice(0, item.start_byte())
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let starts_line = blank(line_start, item.start_byte());
    let next = item.next_sibling();
    let prev = item.prev_sibling();

    if let Some(comma) = next.filter(|n| n.kind() == ",") {
        let rest_end = scan
            .slice(comma.end_byte(), scan.source.len())
            .find('\n')
            .map(|i| comma.end_byte() + i);
        if starts_line && rest_end.is_some_and(|end| blank(comma.end_byte(), end)) {
            let end = rest_end.map_or(comma.end_byte(), |e| e + 1);
            return edit(scan, line_start, end);
        }
        let mut end = comma.end_byte();
        while end < source.len() && (source[end] == b' ' || source[end] == b'\t') {
            end += 1;
        }
        return edit(scan, item.start_byte(), end);
    }
    let is_open = |n: &Node| matches!(n.kind(), "(" | "{" | "[");
    let is_close = |n: &Node| matches!(n.kind(), ")" | "}" | "]");
    if let (Some(open), Some(close)) = (prev, next)
        && is_open(&open)
        && is_close(&close)
        && !scan
            .slice(open.end_byte(), close.start_byte())
            .contains('\n')
    {
        return edit(scan, open.end_byte(), close.start_byte());
    }
    if let Some(comma) = prev.filter(|n| n.kind() == ",") {
        return edit(scan, comma.start_byte(), item.end_byte());
    }
    // A comment sits between the previous comma and the item: keep both, drop the item's line
    // (or just the item when it shares its line).
    let line_end = scan
        .slice(item.end_byte(), scan.source.len())
        .find('\n')
        .map(|i| item.end_byte() + i);
    if starts_line && line_end.is_some_and(|end| blank(item.end_byte(), end)) {
        return edit(
            scan,
            line_start,
            line_end.map_or(item.end_byte(), |e| e + 1),
        );
    }
    edit(scan, item.start_byte(), item.end_byte())
}

/// Removes `.method(args)` from a method chain (`a.m(x).b()` → `a.b()`), the whole line when
/// the link sits on a line of its own.
pub(crate) fn remove_chain_link(scan: &Scan, dot_start: usize, call_end: usize) -> Edit {
    let source = scan.source.as_bytes();
    let line_start = scan.slice(0, dot_start).rfind('\n').map_or(0, |i| i + 1);
    let own_line_before = source[line_start..dot_start]
        .iter()
        .all(|b| *b == b' ' || *b == b'\t');
    let line_end = scan
        .slice(call_end, scan.source.len())
        .find('\n')
        .map(|i| call_end + i);
    let own_line_after = line_end.is_some_and(|end| {
        source[call_end..end]
            .iter()
            .all(|b| *b == b' ' || *b == b'\t' || *b == b'\r')
    });
    if own_line_before && own_line_after && line_start > 0 {
        let end = line_end.map_or(call_end, |e| e + 1);
        return edit(scan, line_start, end);
    }
    edit(scan, dot_start, call_end)
}

fn edit(scan: &Scan, start: usize, end: usize) -> Edit {
    Edit {
        span: scan.span(start, end),
        new_text: String::new(),
    }
}
