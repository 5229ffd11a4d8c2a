//! JavaScript. lizard counts `if for while catch case && || ?? ?` (the `?` of a ternary; `?.`
//! is its own token and does not count) and each default parameter value. Every function form, arrow functions included, is a
//! function of its own.

use tree_sitter::Node;

use super::{LanguageSpec, name_field, no_receiver, one_per_child};

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

/// The ternary's `?` is a decision. lizard also counts the `?` of optional members typed
/// inside an arrow function's parameter list (`({ a }: { a?: T }) => …`): it reads an arrow
/// function's parentheses as code, where it skips an ordinary function's parameters. Other
/// optional markers (`x?: T` elsewhere) are not decisions.
///
/// A default parameter value (`x = 1`) is a decision too, as for lizard and ESLint's
/// `complexity`: it is an implicit `if (x === undefined)`.
pub(crate) fn decision_counts(token: Node, parent_kind: &str) -> bool {
    match token.kind() {
        "=" => {
            return matches!(
                parent_kind,
                "assignment_pattern"
                    | "object_assignment_pattern"
                    | "required_parameter"
                    | "optional_parameter"
            );
        }
        "?" if parent_kind != "ternary_expression" => {}
        _ => return true,
    }
    let mut node = token;
    for _ in 0..12 {
        let Some(parent) = node.parent() else {
            return false;
        };
        if parent.kind() == "formal_parameters" {
            return parent
                .parent()
                .is_some_and(|f| f.kind() == "arrow_function");
        }
        if parent.kind().ends_with("statement") || parent.kind().ends_with("declaration") {
            return false;
        }
        node = parent;
    }
    false
}
