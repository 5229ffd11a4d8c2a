//! Inline suppressions: a comment `cairn: ignore[rule-id, group]` on the finding's line, or
//! alone on the line above, silences those rules there. `cairn: ignore` without a list
//! silences every rule.

use crate::finding::{Edit, Finding, Fix};
use crate::language::Language;
use crate::span::{LineIndex, Span};

pub(crate) const MARKER: &str = "cairn: ignore";

/// Rules silenced on one line (`None` = all rules).
#[derive(Clone, Debug)]
pub(crate) struct Suppression {
    pub line: u32,
    pub selectors: Option<Vec<String>>,
}

/// Parses the suppressions in a comment that starts on `line`.
pub(crate) fn parse_comment(text: &str, line: u32, out: &mut Vec<Suppression>) {
    let mut rest = text;
    while let Some(at) = rest.find(MARKER) {
        rest = &rest[at + MARKER.len()..];
        let selectors = rest.strip_prefix('[').and_then(|list| {
            let end = list.find(']')?;
            Some(
                list[..end]
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
            )
        });
        out.push(Suppression { line, selectors });
    }
}

/// Is `finding` silenced? `comment_only(line)` says whether a line holds only a comment.
pub(crate) fn is_suppressed(
    finding: &Finding,
    suppressions: &[Suppression],
    comment_only: impl Fn(u32) -> bool,
) -> bool {
    let line = finding.span.start.line;
    suppressions.iter().any(|s| {
        let applies = s.line == line || (s.line + 1 == line && comment_only(s.line));
        applies
            && s.selectors
                .as_ref()
                .is_none_or(|list| list.iter().any(|sel| finding.rule.matches(sel)))
    })
}

/// The fix that adds `cairn: ignore[rule]` to the end of the finding's line, extending a
/// suppression comment already there.
pub fn suppression_fix(finding: &Finding, source: &str, language: Language) -> Fix {
    let index = LineIndex::new(source);
    let line = finding.span.start.line;
    let text = index.line(line);
    let line_start = index.line_start(line);
    let rule = finding.rule.id();
    let title = format!("Suppress `{rule}` on this line");
    if let Some(at) = text.find("cairn: ignore[")
        && let Some(close) = text[at..].find(']')
    {
        let offset = line_start + at + close;
        return Fix {
            title,
            edits: vec![Edit {
                span: Span::from_bytes(&index, offset, offset),
                new_text: format!(", {rule}"),
            }],
        };
    }
    let end = line_start + text.len();
    Fix {
        title,
        edits: vec![Edit {
            span: Span::from_bytes(&index, end, end),
            new_text: format!("  {} cairn: ignore[{rule}]", language.line_comment()),
        }],
    }
}
