//! Go. lizard counts `if for case && ||` (each `case` clause of a switch or select; `default`
//! does not count). Function literals are functions of their own.

use tree_sitter::Node;

use super::{LanguageSpec, always_counts, name_field, parameters_field};

pub(crate) static SPEC: LanguageSpec = LanguageSpec {
    functions: &["function_declaration", "method_declaration", "func_literal"],
    closures: &[],
    containers: &[],
    decisions: &["if", "for", "case", "&&", "||"],
    ifs: &["if_statement"],
    elses: &[],
    loops: &["for_statement"],
    switches: &[
        "expression_switch_statement",
        "type_switch_statement",
        "select_statement",
    ],
    catches: &[],
    ternaries: &[],
    binaries: &["binary_expression"],
    jumps: &["break_statement", "continue_statement"],
    gotos: &["goto_statement"],
    calls: &["call_expression"],
    match_arms: &[],
    comments: &["comment"],
    strings: &["interpreted_string_literal", "raw_string_literal"],
    parenthesized: &["parenthesized_expression"],
    member_separator: ".",
    decision_counts: always_counts,
    function_name: name_field,
    parameters: parameters_field,
    parameter_count,
    container_name: name_field,
    receiver_type,
};

/// `a, b int` declares two parameters; `int` alone (unnamed) declares one.
fn parameter_count(param: Node, _source: &[u8]) -> u32 {
    match param.kind() {
        "parameter_declaration" | "variadic_parameter_declaration" => {
            let mut cursor = param.walk();
            let names = param.children_by_field_name("name", &mut cursor).count() as u32;
            names.max(1)
        }
        "comment" => 0,
        _ => 1,
    }
}

/// `func (s *Server) Run()` is declared on `Server`.
fn receiver_type(function: Node) -> Option<Node> {
    let receiver = function.child_by_field_name("receiver")?;
    let mut ty = receiver.named_child(0)?.child_by_field_name("type")?;
    while matches!(ty.kind(), "pointer_type" | "generic_type") {
        ty = ty.named_child(0)?;
    }
    Some(ty)
}
