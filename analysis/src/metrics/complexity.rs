//! Cyclomatic complexity (lizard's token counting), cognitive complexity (SonarSource's
//! specification, 2023 edition) and maximum nesting depth of one function, in one walk.
//!
//! Cyclomatic: 1 + every condition token lizard counts for the language (see the language
//! modules), not looking into nested functions; closures are transparent.
//!
//! Cognitive: +1 for each `if`, loop, `switch`/`match`, `catch`, ternary, plus the current
//! nesting level; +1 (no nesting) for `else if`/`elif`/`else`, for each run of like boolean
//! operators (`a && b && c` is +1, `a && b || c` is +2), for labelled `break`/`continue` and
//! `goto`, and for each recursive call. Nesting grows inside those structures and inside
//! closures.
//!
//! The counting happens in the one walk over the file (`crate::walk`); this module holds the
//! pieces that look at a single node.

use tree_sitter::Node;

use crate::language::{Language, Role};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Complexity {
    pub cyclomatic: u32,
    pub cognitive: u32,
    pub nesting: u32,
}

pub(crate) fn logical_operator<'t>(node: Node<'t>) -> Option<&'t str> {
    // The operator is the second child unless a comment sits before it; a field lookup costs
    // far more than this check, and this runs for every binary expression.
    let op = match node.child(1) {
        Some(op) if !op.is_named() => op,
        _ => node.child_by_field_name("operator")?,
    }
    .kind();
    matches!(op, "&&" | "||" | "and" | "or").then_some(op)
}

pub(crate) fn is_logical(node: Node) -> bool {
    logical_operator(node).is_some()
}

/// The number of runs of like operators in a boolean expression, read left to right through
/// parentheses: `a && b && c` → 1, `a && b || c && d` → 3.
pub(crate) fn operator_runs(root: Node<'_>, lang: Language) -> u32 {
    let kinds = lang.kinds();
    let mut runs = 0;
    let mut previous: Option<&str> = None;
    // In-order walk: a pending entry is either a node to expand or an operator to emit.
    let mut pending: Vec<(Node<'_>, Option<&str>)> = vec![(root, None)];
    while let Some((node, op)) = pending.pop() {
        if let Some(op) = op {
            if previous != Some(op) {
                runs += 1;
            }
            previous = Some(op);
            continue;
        }
        match kinds.role(node) {
            Role::Binary => {
                if let Some(op) = logical_operator(node)
                    && let (Some(left), Some(right)) = (
                        node.child_by_field_name("left"),
                        node.child_by_field_name("right"),
                    )
                {
                    pending.push((right, None));
                    pending.push((node, Some(op)));
                    pending.push((left, None));
                }
            }
            Role::Parenthesized => {
                if let Some(inner) = node.named_child(0) {
                    pending.push((inner, None));
                }
            }
            _ => {}
        }
    }
    runs
}

pub(crate) fn has_label(node: Node, lang: Language) -> bool {
    let mut cursor = node.walk();

    node.named_children(&mut cursor).any(|c| match c.kind() {
        "label" | "statement_identifier" | "label_name" => true,
        "identifier" => lang == Language::Java,
        _ => false,
    })
}

/// The last name of a call's callee: `self.f(…)` → `f`, `a::b::f(…)` → `f`.
pub(crate) fn callee_name<'s>(call: Node, source: &'s [u8]) -> Option<&'s str> {
    let callee = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("name"))?;
    let text = callee.utf8_text(source).ok()?;
    let text = text.split('<').next().unwrap_or(text);
    let cut = text.rfind(['.', ':', '>']).map_or(0, |i| i + 1);
    Some(text[cut..].trim())
}
