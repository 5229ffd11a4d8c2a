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
//! The walk uses an explicit stack: machine-generated code nests deeper than a thread's stack.

use tree_sitter::{Node, TreeCursor};

use crate::functions::FunctionNode;
use crate::language::{Language, Role};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Complexity {
    pub cyclomatic: u32,
    pub cognitive: u32,
    pub nesting: u32,
}

#[derive(Clone, Copy)]
struct Item<'t> {
    node: Node<'t>,
    parent_kind: &'t str,
    nesting: u32,
    else_if: bool,
    in_logical: bool,
}

pub(crate) fn measure(function: &FunctionNode, source: &[u8], lang: Language) -> Complexity {
    let kinds = lang.kinds();
    let spec = lang.spec();
    let mut result = Complexity {
        cyclomatic: 1,
        ..Complexity::default()
    };
    let mut stack: Vec<Item> = Vec::new();
    let mut cursor = function.node.walk();
    push_children(&mut stack, &mut cursor, function.node, 0, false);
    while let Some(item) = stack.pop() {
        let node = item.node;
        let nesting = item.nesting;
        match kinds.role(node) {
            Role::Function => continue,
            Role::Comment => continue,
            Role::Decision => {
                if (spec.decision_counts)(node, item.parent_kind) {
                    result.cyclomatic += 1;
                }
            }
            Role::If => {
                if item.else_if {
                    result.cognitive += 1;
                } else {
                    result.cognitive += 1 + nesting;
                    result.nesting = result.nesting.max(nesting + 1);
                }
                visit_if(&mut stack, node, nesting, &mut result, lang);
            }
            Role::Loop | Role::Switch | Role::Catch => {
                result.cognitive += 1 + nesting;
                result.nesting = result.nesting.max(nesting + 1);
                push_children(&mut stack, &mut cursor, node, nesting + 1, false);
            }
            Role::Ternary => {
                result.cognitive += 1 + nesting;
                push_children(&mut stack, &mut cursor, node, nesting + 1, false);
            }
            Role::Closure => push_children(&mut stack, &mut cursor, node, nesting + 1, false),
            Role::Binary => {
                let logical = is_logical(node);
                if logical && !item.in_logical {
                    result.cognitive += operator_runs(node, lang);
                }
                push_children(&mut stack, &mut cursor, node, nesting, logical);
            }
            Role::Parenthesized => {
                push_children(&mut stack, &mut cursor, node, nesting, item.in_logical)
            }
            Role::Jump => {
                if has_label(node, lang) {
                    result.cognitive += 1;
                }
                push_children(&mut stack, &mut cursor, node, nesting, false);
            }
            Role::Goto => {
                result.cognitive += 1;
                push_children(&mut stack, &mut cursor, node, nesting, false);
            }
            Role::Call => {
                if !function.simple_name.is_empty()
                    && callee_name(node, source) == Some(function.simple_name.as_str())
                {
                    result.cognitive += 1;
                }
                push_children(&mut stack, &mut cursor, node, nesting, false);
            }
            Role::MatchArms => {
                let arms = node
                    .named_children(&mut node.walk())
                    .filter(|c| c.kind() == "match_arm")
                    .count() as u32;
                result.cyclomatic += arms.saturating_sub(1);
                push_children(&mut stack, &mut cursor, node, nesting, false);
            }
            _ => push_children(&mut stack, &mut cursor, node, nesting, false),
        }
    }
    result
}

/// Pushes the children of `node`; `cursor` is reused so that no walk allocates.
fn push_children<'t>(
    stack: &mut Vec<Item<'t>>,
    cursor: &mut TreeCursor<'t>,
    node: Node<'t>,
    nesting: u32,
    in_logical: bool,
) {
    let parent_kind = node.kind();
    cursor.reset(node);
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        stack.push(Item {
            node: cursor.node(),
            parent_kind,
            nesting,
            else_if: false,
            in_logical,
        });
        if !cursor.goto_next_sibling() {
            break;
        }
    }
}

/// An `if`: its condition stays at the current nesting, its body is nested one deeper, and an
/// `else`/`elif`/`else if` adds one without a nesting increment.
fn visit_if<'t>(
    stack: &mut Vec<Item<'t>>,
    node: Node<'t>,
    nesting: u32,
    result: &mut Complexity,
    lang: Language,
) {
    let kinds = lang.kinds();
    let parent_kind = node.kind();
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return;
    }
    loop {
        let child = cursor.node();
        let field = cursor.field_name();
        let item = |nesting, else_if| Item {
            node: child,
            parent_kind,
            nesting,
            else_if,
            in_logical: false,
        };
        if field == Some("condition") {
            stack.push(item(nesting, false));
        } else if field == Some("alternative") || kinds.role(child) == Role::Else {
            match kinds.role(child) {
                // Go and Java: `else if` is the if itself.
                Role::If => stack.push(item(nesting, true)),
                Role::Else => visit_else(stack, child, nesting, result, lang),
                // Go and Java: a plain `else` block.
                _ => {
                    result.cognitive += 1;
                    stack.push(item(nesting + 1, false));
                }
            }
        } else {
            stack.push(item(nesting + 1, false));
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
}

fn visit_else<'t>(
    stack: &mut Vec<Item<'t>>,
    clause: Node<'t>,
    nesting: u32,
    result: &mut Complexity,
    lang: Language,
) {
    let kinds = lang.kinds();
    let parent_kind = clause.kind();
    result.cognitive += 1;
    let mut cursor = clause.walk();
    if !cursor.goto_first_child() {
        return;
    }
    let inner_if = {
        let mut c = clause.walk();
        clause
            .named_children(&mut c)
            .find(|n| kinds.role(*n) != Role::Comment)
            .filter(|n| kinds.role(*n) == Role::If)
    };
    if inner_if.is_some() {
        // `else if`: the +1 is the inner if's own (hybrid) increment.
        result.cognitive -= 1;
    }
    loop {
        let child = cursor.node();
        let is_inner_if = inner_if.is_some_and(|n| n.id() == child.id());
        let condition = cursor.field_name() == Some("condition");
        stack.push(Item {
            node: child,
            parent_kind,
            nesting: if is_inner_if || condition {
                nesting
            } else {
                nesting + 1
            },
            else_if: is_inner_if,
            in_logical: false,
        });
        if !cursor.goto_next_sibling() {
            break;
        }
    }
}

fn logical_operator<'t>(node: Node<'t>) -> Option<&'t str> {
    let op = node.child_by_field_name("operator")?.kind();
    matches!(op, "&&" | "||" | "and" | "or").then_some(op)
}

fn is_logical(node: Node) -> bool {
    logical_operator(node).is_some()
}

/// The number of runs of like operators in a boolean expression, read left to right through
/// parentheses: `a && b && c` → 1, `a && b || c && d` → 3.
fn operator_runs(root: Node<'_>, lang: Language) -> u32 {
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
                if let Some(op) = logical_operator(node) {
                    if let (Some(left), Some(right)) = (
                        node.child_by_field_name("left"),
                        node.child_by_field_name("right"),
                    ) {
                        pending.push((right, None));
                        pending.push((node, Some(op)));
                        pending.push((left, None));
                    }
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

fn has_label(node: Node, lang: Language) -> bool {
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).any(|c| match c.kind() {
        "label" | "statement_identifier" | "label_name" => true,
        "identifier" => lang == Language::Java,
        _ => false,
    });
    found
}

/// The last name of a call's callee: `self.f(…)` → `f`, `a::b::f(…)` → `f`.
fn callee_name<'s>(call: Node, source: &'s [u8]) -> Option<&'s str> {
    let callee = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("name"))?;
    let text = callee.utf8_text(source).ok()?;
    let text = text.split('<').next().unwrap_or(text);
    let cut = text.rfind(['.', ':', '>']).map_or(0, |i| i + 1);
    Some(text[cut..].trim())
}
