//! TypeScript and TSX. lizard counts what it counts for JavaScript; the `?` of an optional
//! parameter or property (`x?: T`) is not a decision.

use tree_sitter::Node;

use super::javascript::{decision_counts, parameters};
use super::{LanguageSpec, name_field, no_receiver};

pub(crate) static SPEC: LanguageSpec = LanguageSpec {
    functions: super::javascript::FUNCTIONS,
    closures: &[],
    containers: &["class_declaration", "class", "abstract_class_declaration"],
    decisions: &[
        "if", "for", "while", "catch", "case", "&&", "||", "??", "?", "=",
    ],
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
    decision_counts,
    function_name: name_field,
    parameters,
    parameter_count,
    container_name: name_field,
    receiver_type: no_receiver,
};

/// `this: Foo` declares the receiver's type, not a parameter.
fn parameter_count(param: Node, source: &[u8]) -> u32 {
    if param.kind().contains("comment") {
        return 0;
    }
    let is_this = param
        .child_by_field_name("pattern")
        .is_some_and(|p| p.kind() == "this" || p.utf8_text(source) == Ok("this"));
    u32::from(!is_this)
}
