//! Java. lizard counts `if for while catch case && || ?`, except the `?` of a generic wildcard
//! (`List<?>`). Lambdas are not functions to lizard: their decisions belong to the method.

use tree_sitter::Node;

use super::{LanguageSpec, name_field, no_receiver, parameters_field};

pub(crate) static SPEC: LanguageSpec = LanguageSpec {
    functions: &[
        "method_declaration",
        "constructor_declaration",
        "compact_constructor_declaration",
    ],
    closures: &["lambda_expression"],
    containers: &[
        "class_declaration",
        "interface_declaration",
        "enum_declaration",
        "record_declaration",
    ],
    decisions: &["if", "for", "while", "catch", "case", "&&", "||", "?"],
    ifs: &["if_statement"],
    elses: &[],
    loops: &[
        "for_statement",
        "enhanced_for_statement",
        "while_statement",
        "do_statement",
    ],
    switches: &["switch_expression"],
    catches: &["catch_clause"],
    ternaries: &["ternary_expression"],
    binaries: &["binary_expression"],
    jumps: &["break_statement", "continue_statement"],
    gotos: &[],
    calls: &["method_invocation"],
    match_arms: &[],
    comments: &["line_comment", "block_comment"],
    strings: &["string_literal"],
    parenthesized: &["parenthesized_expression"],
    member_separator: "::",
    decision_counts,
    function_name: name_field,
    parameters: parameters_field,
    parameter_count,
    container_name: name_field,
    receiver_type: no_receiver,
};

fn decision_counts(_token: Node, parent_kind: &str) -> bool {
    parent_kind != "wildcard"
}

fn parameter_count(param: Node, _source: &[u8]) -> u32 {
    u32::from(!matches!(
        param.kind(),
        "receiver_parameter" | "line_comment" | "block_comment"
    ))
}
