//! Expression shapes the security rules share, per language: string literals and their
//! content, constants, strings built at run time, and names.

use tree_sitter::Node;

use super::Scan;
use super::fields::F;
use crate::language::Language;

/// Kinds that hold the text between a string's delimiters.
const CONTENT_KINDS: &[&str] = &[
    "string_content",
    "string_fragment",
    "interpreted_string_literal_content",
    "raw_string_literal_content",
    "raw_string_content",
    "escape_sequence",
    "multiline_string_fragment",
];

/// Strips parentheses (and TypeScript's `x as T` / `x!`, which do not change the value).
pub(crate) fn unwrap(mut node: Node) -> Node {
    loop {
        match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression" => match node.named_child(0) {
                Some(inner) if !inner.kind().contains("comment") => node = inner,
                _ => return node,
            },
            // Rust's `&x` and `&mut x` borrow the same value.
            "reference_expression" => match node.child_by_field_name("value") {
                Some(inner) => node = inner,
                None => return node,
            },
            _ => return node,
        }
    }
}

/// A string literal with no interpolation (`"a"`, `'a'`, `f"a"`, a template without `${}`,
/// Go raw strings, Rust raw strings, adjacent literals in C and Python).
pub(crate) fn is_string(language: Language, node: Node) -> bool {
    let node = unwrap(node);
    match (language, node.kind()) {
        (Language::Python, "string") => !has_child(node, "interpolation"),
        (Language::Python, "concatenated_string")
        | (Language::C | Language::Cpp, "concatenated_string") => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .all(|c| c.kind().contains("comment") || is_string(language, c))
        }
        (Language::JavaScript | Language::TypeScript | Language::Tsx, "string") => true,
        (Language::JavaScript | Language::TypeScript | Language::Tsx, "template_string") => {
            !has_child(node, "template_substitution")
        }
        (Language::Go, "interpreted_string_literal" | "raw_string_literal") => true,
        (Language::Java, "string_literal") => true,
        (Language::Rust, "string_literal" | "raw_string_literal") => true,
        (Language::C | Language::Cpp, "string_literal" | "raw_string_literal") => true,
        _ => false,
    }
}

fn has_child(node: Node, kind: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| c.kind() == kind)
}

/// The byte range of a literal's content between its delimiters (escapes left as written).
/// For adjacent literals, the range from the first content to the last.
pub(crate) fn string_content_range(node: Node) -> (usize, usize) {
    let mut first = None;
    let mut last = None;
    let mut stack = vec![node];
    // Content pieces sit at most two levels down (concatenated string → string → content).
    while let Some(n) = stack.pop() {
        let mut cursor = n.walk();
        for child in n.children(&mut cursor) {
            if CONTENT_KINDS.contains(&child.kind()) {
                first =
                    Some(first.map_or(child.start_byte(), |f: usize| f.min(child.start_byte())));
                last = Some(last.map_or(child.end_byte(), |l: usize| l.max(child.end_byte())));
            } else if matches!(
                child.kind(),
                "string" | "string_literal" | "raw_string_literal"
            ) {
                stack.push(child);
            }
        }
    }
    match (first, last) {
        (Some(f), Some(l)) => (f, l),
        _ => {
            // An empty literal: the point just after the opening delimiter.
            let at = node.child(0).map_or(node.start_byte(), |c| {
                if node.child_count() >= 2 {
                    c.end_byte()
                } else {
                    node.start_byte()
                }
            });
            (at, at)
        }
    }
}

/// The content of a string literal, `None` when the node is not one.
pub(crate) fn string_value<'a>(scan: &Scan<'a>, node: Node) -> Option<&'a str> {
    let node = unwrap(node);
    if !is_string(scan.language, node) {
        return None;
    }
    let (start, end) = string_content_range(node);
    Some(scan.slice(start, end))
}

/// A value known without running the program: literals, and `+` of literals.
pub(crate) fn is_constant(language: Language, node: Node) -> bool {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        let node = unwrap(node);
        if is_string(language, node) {
            continue;
        }
        match node.kind() {
            "integer"
            | "float"
            | "number"
            | "true"
            | "false"
            | "none"
            | "null"
            | "nil"
            | "undefined"
            | "int_literal"
            | "float_literal"
            | "integer_literal"
            | "decimal_integer_literal"
            | "hex_integer_literal"
            | "boolean_literal"
            | "number_literal"
            | "char_literal"
            | "rune_literal"
            | "imaginary_literal"
            | "decimal_floating_point_literal" => {}
            "binary_operator" | "binary_expression" if operator(node) == Some("+") => {
                stack.extend(node.child_by_field_name("left"));
                stack.extend(node.child_by_field_name("right"));
            }
            _ => return false,
        }
    }
    true
}

pub(crate) fn operator<'t>(node: Node<'t>) -> Option<&'t str> {
    node.child_by_field_name("operator").map(|op| op.kind())
}

/// How a string was built at run time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Built {
    FString,
    Percent,
    FormatMethod,
    Concatenation,
    Template,
    Sprintf,
    StringFormat,
    FormatMacro,
}

impl Built {
    pub fn describe(self) -> &'static str {
        match self {
            Built::FString => "an f-string",
            Built::Percent => "`%` formatting",
            Built::FormatMethod => "`str.format`",
            Built::Concatenation => "string concatenation",
            Built::Template => "a template literal",
            Built::Sprintf => "`fmt.Sprintf`",
            Built::StringFormat => "`String.format`",
            Built::FormatMacro => "`format!`",
        }
    }
}

/// Is `node` a string built at run time from values that are not constants (an f-string with
/// `{x}`, `"..." % x`, `"...".format(x)`, `"a" + x`, `` `a${x}` ``, `fmt.Sprintf`,
/// `String.format`, `format!`)?
pub(crate) fn built_string(scan: &Scan, node: Node) -> Option<Built> {
    let language = scan.language;
    let node = unwrap(node);
    match (language, node.kind()) {
        (Language::Python, "string") if has_child(node, "interpolation") => Some(Built::FString),
        (Language::Python, "concatenated_string") => {
            let mut cursor = node.walk();
            let built = node
                .named_children(&mut cursor)
                .any(|c| c.kind() == "string" && has_child(c, "interpolation"));
            built.then_some(Built::FString)
        }
        (Language::Python, "binary_operator") if operator(node) == Some("%") => {
            let left = node.child_by_field_name("left")?;
            let right = node.child_by_field_name("right")?;
            (is_string(language, left) && !is_constant(language, right)).then_some(Built::Percent)
        }
        (Language::Python, "call") => {
            let function = node.child_by_field_name("function")?;
            if function.kind() != "attribute" {
                return None;
            }
            let name = function.child_by_field_name("attribute")?;
            let object = function.child_by_field_name("object")?;
            (scan.text(name) == "format"
                && is_string(language, object)
                && !all_arguments_constant(language, node))
            .then_some(Built::FormatMethod)
        }
        (Language::JavaScript | Language::TypeScript | Language::Tsx, "template_string")
            if has_child(node, "template_substitution") =>
        {
            Some(Built::Template)
        }
        (Language::Go, "call_expression") => {
            let function = node.child_by_field_name("function")?;
            let text = scan.text(function);
            (matches!(text, "fmt.Sprintf" | "fmt.Sprint" | "fmt.Sprintln")
                && !all_arguments_constant(language, node))
            .then_some(Built::Sprintf)
        }
        (Language::Java, "method_invocation") => {
            let name = scan.text(node.child_by_field_name("name")?);
            let object = node.child_by_field_name("object")?;
            let format = (name == "format" && scan.text(object) == "String")
                || (name == "formatted" && is_string(language, object));
            (format && !all_arguments_constant(language, node)).then_some(Built::StringFormat)
        }
        (Language::Rust, "macro_invocation") => rust_format(scan, node),
        (Language::Rust, "call_expression") => {
            // `format!(..).as_str()` and friends: strip the conversions, then look again.
            let mut inner = node;
            for _ in 0..8 {
                if inner.kind() != "call_expression" {
                    break;
                }
                let function = inner.child_by_field_name("function")?;
                if function.kind() != "field_expression" {
                    return None;
                }
                let method = scan.text(function.child_by_field_name("field")?);
                if !matches!(
                    method,
                    "as_str" | "as_ref" | "to_string" | "to_owned" | "into" | "as_bytes"
                ) {
                    return None;
                }
                inner = unwrap(function.child_by_field_name("value")?);
            }
            (inner.kind() == "macro_invocation")
                .then(|| rust_format(scan, inner))
                .flatten()
        }
        (_, "binary_operator" | "binary_expression") if operator(node) == Some("+") => {
            concatenation(scan, node)
        }
        _ => None,
    }
}

/// `"a" + x + "b"`: a `+` chain with a string piece and a piece that is not a constant.
fn concatenation(scan: &Scan, node: Node) -> Option<Built> {
    let language = scan.language;
    let mut has_string = false;
    let mut has_variable = false;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let n = unwrap(n);
        if matches!(n.kind(), "binary_operator" | "binary_expression") && operator(n) == Some("+") {
            stack.extend(n.child_by_field_name("left"));
            stack.extend(n.child_by_field_name("right"));
        } else if is_string(language, n) {
            has_string = true;
        } else if built_string(scan, n).is_some() {
            has_string = true;
            has_variable = true;
        } else if !is_constant(language, n) {
            has_variable = true;
        }
    }
    (has_string && has_variable).then_some(Built::Concatenation)
}

/// `format!("... {}", x)` or `format!("... {x}")`.
fn rust_format(scan: &Scan, node: Node) -> Option<Built> {
    let name = scan.text(node.child_by_field_name("macro")?);
    if !matches!(name, "format" | "std::format" | "alloc::format") {
        return None;
    }
    let tokens = node.named_child(1).filter(|t| t.kind() == "token_tree")?;
    let mut cursor = tokens.walk();
    let mut literal = None;
    let mut more = false;
    for child in tokens.named_children(&mut cursor) {
        if literal.is_none() && is_string(Language::Rust, child) {
            literal = Some(child);
        } else if !child.kind().contains("comment") {
            more = true;
        }
    }
    let literal = scan.text(literal?);
    // Inline captures (`{id}`) interpolate too; `{{` is an escaped brace.
    let inline = literal
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == b'{' && (w[1].is_ascii_alphabetic() || w[1] == b'_'));
    (more || inline).then_some(Built::FormatMacro)
}

/// Are all arguments of a call (after the callee) constants?
fn all_arguments_constant(language: Language, call: Node) -> bool {
    let Some(args) = call.child_by_field_name("arguments") else {
        return true;
    };
    let mut cursor = args.walk();
    args.named_children(&mut cursor).all(|a| {
        a.kind().contains("comment")
            || is_constant(
                language,
                if a.kind() == "keyword_argument" {
                    a.child_by_field_name("value").unwrap_or(a)
                } else {
                    a
                },
            )
    })
}

/// The name a left-hand side, key or declarator gives: `x`, `obj.x`, `obj["x"]`, `"x":`,
/// `*x` (C declarators), `.x =` (C designators).
pub(crate) fn target_name<'t>(scan: &Scan, node: Node<'t>) -> Option<Node<'t>> {
    let f = scan.fields;
    let mut node = node;
    for _ in 0..16 {
        node = match node.kind() {
            "identifier"
            | "property_identifier"
            | "field_identifier"
            | "type_identifier"
            | "shorthand_property_identifier"
            | "constant"
            | "package_identifier" => {
                return Some(node);
            }
            "attribute" => f.get(node, F::Attribute)?,
            "member_expression" => f.get(node, F::Property)?,
            "field_access" | "field_expression" | "selector_expression" => f.get(node, F::Field)?,
            "subscript" => f.get(node, F::Subscript)?,
            "subscript_expression" | "index_expression" => f.get(node, F::Index)?,
            "literal_element" | "field_designator" => node.named_child(0)?,
            "pointer_declarator"
            | "array_declarator"
            | "reference_declarator"
            | "init_declarator" => f.get(node, F::Declarator).or_else(|| node.named_child(0))?,
            "mut_pattern" => node.named_child(node.named_child_count().checked_sub(1)? as u32)?,
            _ if is_string(scan.language, node) => return Some(node),
            _ => return None,
        };
    }
    None
}

/// The text of a name node (for string keys, the string's content).
pub(crate) fn name_text<'a>(scan: &Scan<'a>, node: Node) -> &'a str {
    string_value(scan, node).unwrap_or_else(|| scan.text(node))
}

/// Splits an identifier into words: `apiKey` → `api`, `Key`; `DB_PASSWORD` → `DB`,
/// `PASSWORD`; `HTTPClient` → `HTTP`, `Client`.
pub(crate) fn words(name: &str) -> Vec<&str> {
    let bytes = name.as_bytes();
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                out.push(&name[s..i]);
            }
            continue;
        }
        match start {
            None => start = Some(i),
            Some(s) => {
                let prev = bytes[i - 1];
                let next_lower = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase);
                let boundary = (prev.is_ascii_lowercase() && b.is_ascii_uppercase())
                    || (prev.is_ascii_uppercase() && b.is_ascii_uppercase() && next_lower)
                    || (prev.is_ascii_digit() != b.is_ascii_digit() && b.is_ascii_uppercase());
                if boundary {
                    out.push(&name[s..i]);
                    start = Some(i);
                }
            }
        }
    }
    if let Some(s) = start {
        out.push(&name[s..]);
    }
    out
}

/// At most `max` characters of `text`, with an ellipsis when cut (for messages).
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(words("apiKey"), ["api", "Key"]);
        assert_eq!(words("DB_PASSWORD"), ["DB", "PASSWORD"]);
        assert_eq!(words("HTTPClientSecret"), ["HTTP", "Client", "Secret"]);
        assert_eq!(words("aws2Key"), ["aws2", "Key"]);
        assert_eq!(words("__x__"), ["x"]);
        assert_eq!(words("ключ_token"), ["token"]);
    }

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten("héllo", 2), "hé…");
        assert_eq!(shorten("ab", 2), "ab");
    }
}
