//! Finding the functions of a file and naming them the way lizard does: declared names,
//! the name a function expression or closure is bound to, `(anonymous)` otherwise; methods
//! qualified by their class, impl or receiver.

use tree_sitter::Node;

use crate::language::Language;

pub(crate) const ANONYMOUS: &str = "(anonymous)";

/// How a function is named and where it is said to start.
pub(crate) struct FunctionName<'t> {
    /// Qualified name (`Class.method`), or `(anonymous)`.
    pub qualified: String,
    /// The last segment, for the recursion check (empty when anonymous).
    pub simple: String,
    /// The name node when the syntax has one inside the function (lizard's start line),
    /// else the function itself.
    pub anchor: Node<'t>,
}

/// Names a function or closure node. `scopes` are the enclosing containers and named
/// functions; `parent` is the node's parent (for `const f = () => …`). Returns `None` for a
/// closure that is not bound to a name: those are not reported.
pub(crate) fn name_function<'t>(
    node: Node<'t>,
    parent: Option<Node<'t>>,
    scopes: &[String],
    is_closure: bool,
    source: &[u8],
    lang: Language,
) -> Option<FunctionName<'t>> {
    let spec = lang.spec();
    let declared = (spec.function_name)(node);
    let name_node = declared.or_else(|| parent.and_then(|p| bound_name(p, node)));
    let Some(text) = name_node.and_then(|n| n.utf8_text(source).ok()) else {
        return (!is_closure).then(|| FunctionName {
            qualified: ANONYMOUS.to_string(),
            simple: String::new(),
            anchor: node,
        });
    };
    let mut qualified = String::new();
    if let Some(receiver) = (spec.receiver_type)(node).and_then(|r| r.utf8_text(source).ok()) {
        qualified.push_str(receiver);
        qualified.push_str(spec.member_separator);
    } else {
        for scope in scopes {
            qualified.push_str(scope);
            qualified.push_str(spec.member_separator);
        }
    }
    qualified.push_str(&collapse_whitespace(text));
    Some(FunctionName {
        qualified,
        simple: simple_name(text).to_string(),
        anchor: declared
            .filter(|n| n.start_byte() >= node.start_byte())
            .unwrap_or(node),
    })
}

/// The name a container (class, impl, namespace) gives to what is inside it.
pub(crate) fn container_scope(node: Node, source: &[u8], lang: Language) -> Option<String> {
    let name = (lang.spec().container_name)(node)?.utf8_text(source).ok()?;
    Some(type_name(name).to_string())
}

/// The name a function expression or closure is bound to, from its parent node.
fn bound_name<'t>(parent: Node<'t>, function: Node<'t>) -> Option<Node<'t>> {
    let field = match parent.kind() {
        // JS/TS `const f = () => …`, Java `Runnable r = () -> …`
        "variable_declarator" => "name",
        // JS `obj.f = function () {}`, Python `f = lambda: …`
        "assignment_expression" | "assignment" => "left",
        // JS `{ f: () => … }`
        "pair" => "key",
        // class fields `f = () => …`
        "public_field_definition" | "field_definition" => {
            return parent
                .child_by_field_name("name")
                .or_else(|| parent.child_by_field_name("property"));
        }
        // Rust `let f = |x| …`
        "let_declaration" => "pattern",
        // C++ `auto f = [](…) {…};`
        "init_declarator" => "declarator",
        _ => return None,
    };
    let name = parent.child_by_field_name(field)?;
    // The function must be the bound value, not part of the name.
    (name.id() != function.id() && name.end_byte() <= function.start_byte()).then_some(name)
}

/// `a.b.c` → `c`, `Foo::bar` → `bar`, `this.x` → `x`.
fn simple_name(text: &str) -> &str {
    let text = text.trim();
    let cut = text.rfind(['.', ':']).map_or(0, |i| i + 1);
    &text[cut..]
}

/// `Foo<T>` → `Foo` for impl/generic container names.
fn type_name(text: &str) -> &str {
    text.split(['<', ' ', '\n']).next().unwrap_or(text)
}

fn collapse_whitespace(text: &str) -> String {
    if text.contains(char::is_whitespace) {
        text.split_whitespace().collect::<Vec<_>>().join("")
    } else {
        text.to_string()
    }
}
