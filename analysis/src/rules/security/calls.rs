//! A call in any language as the rules see it: the last name of the callee (`exec` in
//! `child_process.exec(...)`), the callee's dotted path with module aliases resolved, and the
//! arguments split into positional and keyword (Python) arguments.

use tree_sitter::{Node, TreeCursor};

use super::Scan;
use super::fields::F;
use super::syntax;
use crate::language::Language;
use crate::span::Span;

pub(crate) struct Call<'t> {
    pub node: Node<'t>,
    /// The name node of the last callee segment (`exec` in `cp.exec()`); for constructors,
    /// the type's name.
    pub name_node: Node<'t>,
    /// The called name; for a plain call of an imported name, the name it was imported as
    /// (`run` after `const { execSync: run } = require("child_process")` → `execSync`).
    pub name: &'t str,
    /// The object a method is called on (`cp` in `cp.exec()`).
    pub receiver: Option<Node<'t>>,
    /// The argument list node (`(a, b)`), absent for `new Foo` without parentheses.
    pub args: Option<Node<'t>>,
    /// `new Function(...)`, `new Random()`.
    pub is_new: bool,
    callee: Node<'t>,
}

impl<'t> Call<'t> {
    pub fn new(scan: &Scan<'t>, node: Node<'t>) -> Option<Call<'t>> {
        let f = scan.fields;
        let kind = node.kind();
        let (callee, is_new) = match kind {
            "new_expression" => (f.get(node, F::Constructor)?, true),
            "object_creation_expression" => (f.get(node, F::Type)?, true),
            "method_invocation" => (f.get(node, F::Name)?, false),
            _ => (f.get(node, F::Function)?, false),
        };
        let args = f.get(node, F::Arguments);
        // A tagged template (`` sql`...` ``) or a generator argument (`f(x for x in y)`) is
        // not an argument list.
        let args = match args {
            Some(a) if a.kind() == "template_string" => return None,
            Some(a) if a.kind() == "generator_expression" => None,
            other => other,
        };
        let (name_node, receiver) = if kind == "method_invocation" {
            (callee, f.get(node, F::Object))
        } else {
            last_segment(scan, callee)?
        };
        let text = scan.text(name_node);
        let name = if receiver.is_none() && !is_new {
            scan.imports.imported_name(text).unwrap_or(text)
        } else {
            text
        };
        Some(Call {
            node,
            name_node,
            name,
            receiver,
            args,
            is_new,
            callee,
        })
    }

    /// Where to report the call: the whole call, except in a method chain split over lines
    /// (`Client::builder()\n    .danger_accept_invalid_certs(true)`), where it starts at the
    /// method's name rather than at the start of the chain.
    pub fn span(&self) -> Span {
        let whole = Span::of(self.node);
        if self.receiver.is_some()
            && self.name_node.start_position().row != self.node.start_position().row
        {
            Span {
                start_byte: self.name_node.start_byte(),
                start: self.name_node.start_position().into(),
                ..whole
            }
        } else {
            whole
        }
    }

    /// Arguments that are not keyword arguments or splats, in order.
    pub fn positional(&self) -> impl Iterator<Item = Node<'t>> + use<'t> {
        Children::of(self.args).filter(|a| {
            !matches!(
                a.kind(),
                "keyword_argument"
                    | "list_splat"
                    | "dictionary_splat"
                    | "comment"
                    | "block_comment"
                    | "line_comment"
            )
        })
    }

    pub fn arg(&self, index: usize) -> Option<Node<'t>> {
        self.positional().nth(index)
    }

    pub fn arg_count(&self) -> usize {
        self.positional().count()
    }

    /// A Python keyword argument by name: the whole `name=value` node.
    pub fn keyword(&self, scan: &Scan, name: &str) -> Option<Node<'t>> {
        Children::of(self.args).find(|a| {
            a.kind() == "keyword_argument"
                && a.child_by_field_name("name")
                    .is_some_and(|n| scan.text(n) == name)
        })
    }

    /// The value of a Python keyword argument.
    pub fn keyword_value(&self, scan: &Scan, name: &str) -> Option<Node<'t>> {
        self.keyword(scan, name)?.child_by_field_name("value")
    }

    /// `f(**options)`: keyword arguments we cannot see.
    pub fn has_keyword_splat(&self) -> bool {
        Children::of(self.args).any(|a| a.kind() == "dictionary_splat")
    }

    /// The callee as a dotted path with the first segment resolved through the file's
    /// imports: `sp.run` → `subprocess.run`, `require('child_process').exec` →
    /// `child_process.exec`, `Runtime.getRuntime().exec` → `Runtime.getRuntime().exec`,
    /// `std::process::Command::new` → `std.process.Command.new`.
    pub fn path(&self, scan: &Scan) -> String {
        let mut segments: Vec<String> = Vec::new();
        let mut node = Some(self.callee);
        if self.node.kind() == "method_invocation" {
            segments.push(scan.text(self.callee).to_string());
            node = self.receiver;
        }
        let mut steps = 0;
        while let Some(n) = node {
            steps += 1;
            if steps > 32 {
                segments.push("?".to_string());
                break;
            }
            node = match n.kind() {
                "identifier"
                | "property_identifier"
                | "field_identifier"
                | "type_identifier"
                | "namespace_identifier"
                | "package_identifier"
                | "this"
                | "self"
                | "super" => {
                    segments.push(scan.text(n).to_string());
                    None
                }
                "attribute" => {
                    segments.extend(
                        n.child_by_field_name("attribute")
                            .map(|a| scan.text(a).to_string()),
                    );
                    n.child_by_field_name("object")
                }
                "member_expression" => {
                    segments.extend(
                        n.child_by_field_name("property")
                            .map(|a| scan.text(a).to_string()),
                    );
                    n.child_by_field_name("object")
                }
                "selector_expression" => {
                    segments.extend(
                        n.child_by_field_name("field")
                            .map(|a| scan.text(a).to_string()),
                    );
                    n.child_by_field_name("operand")
                }
                "field_access" => {
                    segments.extend(
                        n.child_by_field_name("field")
                            .map(|a| scan.text(a).to_string()),
                    );
                    n.child_by_field_name("object")
                }
                "field_expression" => {
                    segments.extend(
                        n.child_by_field_name("field")
                            .map(|a| scan.text(a).to_string()),
                    );
                    n.child_by_field_name("value")
                        .or_else(|| n.child_by_field_name("argument"))
                }
                "scoped_identifier" | "scoped_type_identifier" => {
                    let (name, path) = scoped_parts(n);
                    segments.extend(name.map(|a| scan.text(a).to_string()));
                    path
                }
                "qualified_identifier" => {
                    segments.push(scan.text(n).replace("::", "."));
                    None
                }
                "generic_function" | "generic_type" | "template_function" => n
                    .child_by_field_name("function")
                    .or_else(|| n.child_by_field_name("name"))
                    .or_else(|| n.named_child(0)),
                "call"
                | "call_expression"
                | "method_invocation"
                | "new_expression"
                | "object_creation_expression" => {
                    if let Some(module) = required_module(scan, n) {
                        segments.push(module.to_string());
                        None
                    } else if let Some(inner) = Call::new(scan, n) {
                        segments.push("()".to_string());
                        if n.kind() == "method_invocation" {
                            segments.push(scan.text(inner.callee).to_string());
                            inner.receiver
                        } else {
                            Some(inner.callee)
                        }
                    } else {
                        segments.push("?".to_string());
                        None
                    }
                }
                "parenthesized_expression" => syntax::unwrap(n).into(),
                _ => {
                    segments.push("?".to_string());
                    None
                }
            };
        }
        segments.reverse();
        if let Some(first) = segments.first_mut()
            && let Some(resolved) = scan.imports.resolve(first)
        {
            *first = resolved;
        }
        let mut path = String::new();
        for segment in segments {
            if segment == "()" {
                path.push_str("()");
            } else {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&segment);
            }
        }
        path
    }
}

/// `require("x")` → `x` (without a `node:` prefix).
pub(crate) fn required_module<'a>(scan: &Scan<'a>, node: Node) -> Option<&'a str> {
    if node.kind() != "call_expression"
        || !matches!(
            scan.language,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        )
    {
        return None;
    }
    let function = node.child_by_field_name("function")?;
    if scan.text(function) != "require" {
        return None;
    }
    let args = node.child_by_field_name("arguments")?;
    let module = syntax::string_value(scan, args.named_child(0)?)?;
    Some(module.strip_prefix("node:").unwrap_or(module))
}

/// The last name of a callee and the object it is called on.
fn last_segment<'t>(scan: &Scan, callee: Node<'t>) -> Option<(Node<'t>, Option<Node<'t>>)> {
    let f = scan.fields;
    let mut node = callee;
    for _ in 0..8 {
        node = match node.kind() {
            "attribute" => return Some((f.get(node, F::Attribute)?, f.get(node, F::Object))),
            "member_expression" => {
                return Some((f.get(node, F::Property)?, f.get(node, F::Object)));
            }
            "selector_expression" => {
                return Some((f.get(node, F::Field)?, f.get(node, F::Operand)));
            }
            "field_expression" => {
                return Some((
                    f.get(node, F::Field)?,
                    f.get(node, F::Value).or_else(|| f.get(node, F::Argument)),
                ));
            }
            "scoped_identifier" | "scoped_type_identifier" => scoped_parts(node).0?,
            "qualified_identifier" => f.get(node, F::Name)?,
            "generic_function" | "template_function" => {
                f.get(node, F::Function).or_else(|| f.get(node, F::Name))?
            }
            "generic_type" => node.named_child(0)?,
            "parenthesized_expression" => {
                let inner = syntax::unwrap(node);
                if inner.id() == node.id() {
                    return None;
                }
                inner
            }
            _ => return Some((node, None)),
        };
    }
    None
}

/// `a::b` (Rust) or `a.B` (Java types): the last name and the path before it.
fn scoped_parts(node: Node) -> (Option<Node>, Option<Node>) {
    if let Some(name) = node.child_by_field_name("name") {
        return (Some(name), node.child_by_field_name("path"));
    }
    let count = node.named_child_count();
    let name = count
        .checked_sub(1)
        .and_then(|last| node.named_child(last as u32));
    let path = if count >= 2 {
        node.named_child(0)
    } else {
        None
    };
    (name, path)
}

/// Iterates the named children of an optional node with one cursor (O(1) per step, unlike
/// `next_named_sibling`).
pub(crate) struct Children<'t> {
    cursor: Option<TreeCursor<'t>>,
    started: bool,
}

impl<'t> Children<'t> {
    pub fn of(node: Option<Node<'t>>) -> Children<'t> {
        Children {
            cursor: node.map(|n| n.walk()),
            started: false,
        }
    }
}

impl<'t> Iterator for Children<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        let cursor = self.cursor.as_mut()?;
        loop {
            let moved = if self.started {
                cursor.goto_next_sibling()
            } else {
                self.started = true;
                cursor.goto_first_child()
            };
            if !moved {
                self.cursor = None;
                return None;
            }
            let node = cursor.node();
            if node.is_named() && !node.is_extra() {
                return Some(node);
            }
        }
    }
}
