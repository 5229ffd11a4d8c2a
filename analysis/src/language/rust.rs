//! Rust. lizard counts `if for while where && || ?` (the `?` is the error-propagation
//! operator), every match arm after the first, and the `else` of `let … else`. Closures are not
//! functions to lizard: their decisions belong to the enclosing `fn`.

use tree_sitter::Node;

use super::{LanguageSpec, name_field, no_receiver, parameters_field};

pub(crate) static SPEC: LanguageSpec = LanguageSpec {
    functions: &["function_item"],
    closures: &["closure_expression"],
    containers: &["impl_item", "trait_item", "mod_item"],
    decisions: &["if", "for", "while", "where", "&&", "||", "?", "else"],
    ifs: &["if_expression"],
    elses: &["else_clause"],
    loops: &["for_expression", "while_expression", "loop_expression"],
    switches: &["match_expression"],
    catches: &[],
    ternaries: &[],
    binaries: &["binary_expression"],
    jumps: &["break_expression", "continue_expression"],
    gotos: &[],
    calls: &["call_expression"],
    match_arms: &["match_block"],
    comments: &["line_comment", "block_comment"],
    strings: &["string_literal", "raw_string_literal"],
    parenthesized: &["parenthesized_expression"],
    member_separator: "::",
    decision_counts,
    function_name: name_field,
    parameters: parameters_field,
    parameter_count,
    container_name,
    receiver_type: no_receiver,
};

/// Only the `else` of `let PATTERN = EXPR else { … }` is a decision; an `if`'s `else` is not.
fn decision_counts(_token: Node, parent_kind: &str) -> bool {
    parent_kind != "else_clause"
}

fn parameter_count(param: Node, _source: &[u8]) -> u32 {
    u32::from(!matches!(
        param.kind(),
        "self_parameter" | "line_comment" | "block_comment" | "attribute_item"
    ))
}

/// `impl Trait for Type` is named after the type; traits and modules after themselves.
fn container_name(container: Node) -> Option<Node> {
    container
        .child_by_field_name("type")
        .or_else(|| container.child_by_field_name("name"))
}
