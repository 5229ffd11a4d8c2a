//! C++. lizard counts `if for while catch case && || ?`. Lambdas are not functions to lizard:
//! their decisions belong to the enclosing function. Methods are named `Class::method`.

use super::c::{declarator_name, declarator_parameters, parameter_count};
use super::{LanguageSpec, always_counts, name_field, no_receiver};

pub(crate) static SPEC: LanguageSpec = LanguageSpec {
    functions: &["function_definition"],
    closures: &["lambda_expression"],
    containers: &[
        "class_specifier",
        "struct_specifier",
        "union_specifier",
        "namespace_definition",
    ],
    decisions: &[
        "if", "for", "while", "catch", "case", "&&", "||", "?", "#if", "#ifdef", "#elif",
    ],
    ifs: &["if_statement"],
    elses: &["else_clause"],
    loops: &[
        "for_statement",
        "for_range_loop",
        "while_statement",
        "do_statement",
    ],
    switches: &["switch_statement"],
    catches: &["catch_clause"],
    ternaries: &["conditional_expression"],
    binaries: &["binary_expression"],
    jumps: &["break_statement", "continue_statement"],
    gotos: &["goto_statement"],
    calls: &["call_expression"],
    match_arms: &[],
    comments: &["comment"],
    strings: &[
        "string_literal",
        "raw_string_literal",
        "concatenated_string",
    ],
    parenthesized: &["parenthesized_expression"],
    member_separator: "::",
    decision_counts: always_counts,
    function_name: declarator_name,
    parameters: declarator_parameters,
    parameter_count,
    container_name: name_field,
    receiver_type: no_receiver,
};
