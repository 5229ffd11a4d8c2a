//! Python. lizard counts `if elif for while except finally and or case` (comprehension and
//! conditional-expression `if`/`for` included); lambdas are not functions to lizard, so their
//! decisions belong to the enclosing `def`.

use tree_sitter::Node;

use super::{LanguageSpec, always_counts, name_field, no_receiver, parameters_field};

pub(crate) static SPEC: LanguageSpec = LanguageSpec {
    functions: &["function_definition"],
    closures: &["lambda"],
    containers: &["class_definition"],
    decisions: &[
        "if", "elif", "for", "while", "except", "finally", "and", "or",
    ],
    ifs: &["if_statement"],
    elses: &["elif_clause", "else_clause"],
    loops: &["for_statement", "while_statement"],
    switches: &["match_statement"],
    catches: &["except_clause"],
    ternaries: &["conditional_expression"],
    binaries: &["boolean_operator"],
    jumps: &["break_statement", "continue_statement"],
    gotos: &[],
    calls: &["call"],
    match_arms: &[],
    comments: &["comment"],
    strings: &["string", "concatenated_string"],
    parenthesized: &["parenthesized_expression"],
    member_separator: ".",
    decision_counts: always_counts,
    function_name: name_field,
    parameters: parameters_field,
    parameter_count,
    container_name: name_field,
    receiver_type: no_receiver,
};

/// `self`/`cls` are not parameters a caller passes; `*` and `/` are separators.
fn parameter_count(param: Node, source: &[u8]) -> u32 {
    match param.kind() {
        "comment" | "keyword_separator" | "positional_separator" => 0,
        "identifier" => {
            let text = param.utf8_text(source).unwrap_or_default();
            let first = param.prev_named_sibling().is_none();
            u32::from(!(first && (text == "self" || text == "cls")))
        }
        _ => 1,
    }
}
