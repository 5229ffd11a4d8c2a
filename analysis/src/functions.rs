//! Finding the functions of a file and naming them the way lizard does: declared names,
//! the name a function expression or closure is bound to, `(anonymous)` otherwise; methods
//! qualified by their class, impl or receiver.

use tree_sitter::{Node, Tree};

use crate::language::{Language, Role};

/// A function-like node found in a tree.
#[derive(Clone, Debug)]
pub(crate) struct FunctionNode<'t> {
    pub node: Node<'t>,
    pub name: String,
    /// The unqualified name, for the recursion check.
    pub simple_name: String,
    /// Where the function is said to start: its name when the syntax has one (lizard's start
    /// line), else the node itself.
    pub anchor: Node<'t>,
    /// Closures are reported but their decisions count toward the enclosing function.
    pub is_closure: bool,
}

pub(crate) const ANONYMOUS: &str = "(anonymous)";

/// All functions of the tree in document order (parents before their nested functions).
pub(crate) fn discover<'t>(tree: &'t Tree, source: &[u8], lang: Language) -> Vec<FunctionNode<'t>> {
    let kinds = lang.kinds();
    let spec = lang.spec();
    let mut found = Vec::new();
    // Scope names (classes, impls, enclosing functions) that qualify nested names, and for
    // each open node of the walk the scope depth its children see.
    let mut scopes: Vec<String> = Vec::new();
    // The open ancestors of the cursor, each with the scope depth its children see.
    let mut open: Vec<(Node<'t>, usize)> = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let parent = open.last().map(|(p, _)| *p);
        let scope_depth = open.last().map_or(0, |(_, d)| *d);
        scopes.truncate(scope_depth);
        let mut child_depth = scope_depth;
        match kinds.role(node) {
            Role::Container => {
                if let Some(name) =
                    (spec.container_name)(node).and_then(|n| n.utf8_text(source).ok())
                {
                    scopes.push(type_name(name).to_string());
                    child_depth = scopes.len();
                }
            }
            role @ (Role::Function | Role::Closure) => {
                let declared = (spec.function_name)(node);
                let bound = if declared.is_none() {
                    parent.and_then(|p| bound_name(p, node))
                } else {
                    None
                };
                let is_closure = role == Role::Closure;
                let name_node = declared.or(bound);
                if let Some(text) = name_node.and_then(|n| n.utf8_text(source).ok()) {
                    let simple = simple_name(text);
                    let mut qualified = String::new();
                    if let Some(receiver) =
                        (spec.receiver_type)(node).and_then(|r| r.utf8_text(source).ok())
                    {
                        qualified.push_str(receiver);
                        qualified.push_str(spec.member_separator);
                    } else {
                        for scope in &scopes {
                            qualified.push_str(scope);
                            qualified.push_str(spec.member_separator);
                        }
                    }
                    qualified.push_str(&collapse_whitespace(text));
                    found.push(FunctionNode {
                        node,
                        simple_name: simple.to_string(),
                        anchor: declared
                            .filter(|n| n.start_byte() >= node.start_byte())
                            .unwrap_or(node),
                        name: qualified,
                        is_closure,
                    });
                    scopes.push(simple.to_string());
                    child_depth = scopes.len();
                } else if !is_closure {
                    found.push(FunctionNode {
                        node,
                        name: ANONYMOUS.to_string(),
                        simple_name: String::new(),
                        anchor: node,
                        is_closure,
                    });
                }
            }
            _ => {}
        }
        // Functions only live in named nodes; leaves and comments have nothing below.
        let descend = node.named_child_count() > 0
            && !matches!(kinds.role(node), Role::Comment | Role::String);
        if descend && cursor.goto_first_child() {
            open.push((node, child_depth));
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return found;
            }
            open.pop();
        }
    }
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
