//! C. lizard counts `if for while case && || ?`; `else if` counts once, through its `if`.
//! The function's name sits inside its declarator chain (`static int *f(void)`).

use tree_sitter::Node;

use super::{LanguageSpec, always_counts, no_receiver};

pub(crate) static SPEC: LanguageSpec = LanguageSpec {
    functions: &["function_definition"],
    closures: &[],
    containers: &[],
    decisions: &[
        "if", "for", "while", "case", "&&", "||", "?", "#if", "#ifdef", "#elif",
    ],
    ifs: &["if_statement"],
    elses: &["else_clause"],
    loops: &["for_statement", "while_statement", "do_statement"],
    switches: &["switch_statement"],
    catches: &[],
    ternaries: &["conditional_expression"],
    binaries: &["binary_expression"],
    jumps: &["break_statement", "continue_statement"],
    gotos: &["goto_statement"],
    calls: &["call_expression"],
    match_arms: &[],
    comments: &["comment"],
    strings: &["string_literal", "concatenated_string"],
    parenthesized: &["parenthesized_expression"],
    member_separator: "::",
    decision_counts: always_counts,
    function_name: declarator_name,
    parameters: declarator_parameters,
    parameter_count,
    container_name: |_| None,
    receiver_type: no_receiver,
};

/// The wrappers a declarator can sit in: `*f(…)`, `&f(…)`, `(*f(int))(int)`.
const WRAPPERS: &[&str] = &[
    "pointer_declarator",
    "reference_declarator",
    "parenthesized_declarator",
    "attributed_declarator",
];

/// The inner declarator of a wrapper (some have no `declarator` field).
fn unwrap_declarator(node: Node) -> Option<Node> {
    node.child_by_field_name("declarator").or_else(|| {
        let mut cursor = node.walk();

        node.named_children(&mut cursor)
            .find(|c| c.kind().ends_with("declarator") || c.kind().ends_with("identifier"))
    })
}

/// The `function_declarator` that names the defined function: the innermost one, since
/// `int (*get(int))(int)` declares `get` inside a function-pointer return type.
pub(crate) fn function_declarator(function: Node) -> Option<Node> {
    let mut node = function.child_by_field_name("declarator")?;
    let mut found = None;
    for _ in 0..64 {
        if matches!(
            node.kind(),
            "function_declarator" | "abstract_function_declarator"
        ) {
            found = Some(node);
        } else if !WRAPPERS.contains(&node.kind()) {
            break;
        }
        match unwrap_declarator(node) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    found
}

pub(crate) fn declarator_name(function: Node) -> Option<Node> {
    function_declarator(function)?.child_by_field_name("declarator")
}

pub(crate) fn declarator_parameters(function: Node) -> Option<Node> {
    function_declarator(function)?.child_by_field_name("parameters")
}

/// `f(void)` takes no parameter; `...` is not counted.
pub(crate) fn parameter_count(param: Node, source: &[u8]) -> u32 {
    match param.kind() {
        "parameter_declaration" => {
            let is_void = param.child_by_field_name("declarator").is_none()
                && param
                    .child_by_field_name("type")
                    .and_then(|t| t.utf8_text(source).ok())
                    == Some("void");
            u32::from(!is_void)
        }
        "comment" | "variadic_parameter" => 0,
        _ => 1,
    }
}
