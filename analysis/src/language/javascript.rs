//! JavaScript. lizard counts `if for while catch case && || ?? ?` (the `?` of a ternary; `?.`
//! is its own token and does not count). Every function form, arrow functions included, is a
//! function of its own.

use tree_sitter::Node;

use super::{LanguageSpec, always_counts, name_field, no_receiver, one_per_child};

pub(crate) const FUNCTIONS: &[&str] = &[
    "function_declaration",
    "function_expression",
    "generator_function_declaration",
    "generator_function",
    "arrow_function",
    "method_definition",
];

pub(crate) static SPEC: LanguageSpec = LanguageSpec {
    functions: FUNCTIONS,
    closures: &[],
    containers: &["class_declaration", "class"],
    decisions: &["if", "for", "while", "catch", "case", "&&", "||", "??", "?"],
    ifs: &["if_statement"],
    elses: &["else_clause"],
    loops: &[
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
    ],
    switches: &["switch_statement"],
    catches: &["catch_clause"],
    ternaries: &["ternary_expression"],
    binaries: &["binary_expression"],
    jumps: &["break_statement", "continue_statement"],
    gotos: &[],
    calls: &["call_expression"],
    match_arms: &[],
    comments: &["comment"],
    strings: &["string", "template_string"],
    parenthesized: &["parenthesized_expression"],
    member_separator: ".",
    decision_counts: always_counts,
    function_name: name_field,
    parameters: parameters,
    parameter_count: one_per_child,
    container_name: name_field,
    receiver_type: no_receiver,
};

/// Arrow functions with one bare parameter have a `parameter` field instead of a list.
pub(crate) fn parameters(function: Node) -> Option<Node> {
    function
        .child_by_field_name("parameters")
        .or_else(|| function.child_by_field_name("parameter"))
}
