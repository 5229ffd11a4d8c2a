//! A name given a value, whatever the syntax: assignments, declarations, constants, keyword
//! arguments, dictionary and object keys, struct fields, parameter defaults, `#define`.

use tree_sitter::Node;

use super::Scan;
use super::calls::Children;
use super::fields::F;
use super::syntax;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BindingKind {
    /// `let x = v`, `const X = v`, `String x = v;`, `#define X v`.
    Declaration,
    /// `x = v`, `obj.x = v`.
    Assignment,
    /// `x += v`.
    Augmented,
    /// `{"x": v}`, `{x: v}`, `f(x=v)`, `S{X: v}`, `.x = v` in a C initializer.
    Field,
    /// `def f(x=v)`, `function f(x = v)`.
    Parameter,
}

pub(crate) struct Binding<'t> {
    pub node: Node<'t>,
    pub kind: BindingKind,
    /// The whole target: `el.innerHTML`, `"password"`, `x`.
    pub target: Node<'t>,
    /// The node holding the name (an identifier, property or string key).
    pub name: Node<'t>,
    pub value: Node<'t>,
}

/// Calls `f` with each binding `node` makes (Go's `a, b := x, y` makes two).
pub(crate) fn for_each<'t>(scan: &Scan, node: Node<'t>, mut f: impl FnMut(Binding<'t>)) {
    use BindingKind::*;
    let fields = scan.fields;
    let field = |name: F| fields.get(node, name);
    let (target, value, kind) = match node.kind() {
        "assignment" => (field(F::Left), field(F::Right), Assignment),
        "keyword_argument" => (field(F::Name), field(F::Value), Field),
        "pair" => (field(F::Key), field(F::Value), Field),
        "default_parameter" | "typed_default_parameter" => {
            (field(F::Name), field(F::Value), Parameter)
        }
        "variable_declarator" => (field(F::Name), field(F::Value), Declaration),
        "assignment_expression" => {
            let augmented = field(F::Operator).is_some_and(|op| op.kind() != "=");
            (
                field(F::Left),
                field(F::Right),
                if augmented { Augmented } else { Assignment },
            )
        }
        "assignment_statement" => {
            let augmented = field(F::Operator).is_some_and(|op| op.kind() != "=");
            return go_lists(
                scan,
                node,
                if augmented { Augmented } else { Assignment },
                f,
            );
        }
        "augmented_assignment_expression" => (field(F::Left), field(F::Right), Augmented),
        "field_definition" => (field(F::Property), field(F::Value), Declaration),
        "public_field_definition" => (field(F::Name), field(F::Value), Declaration),
        "assignment_pattern" => (field(F::Left), field(F::Right), Parameter),
        "required_parameter" | "optional_parameter" => {
            (field(F::Pattern), field(F::Value), Parameter)
        }
        "const_spec" | "var_spec" | "short_var_declaration" => {
            return go_lists(scan, node, Declaration, f);
        }
        "keyed_element" => (field(F::Key), field(F::Value), Field),
        "let_declaration" => (field(F::Pattern), field(F::Value), Declaration),
        "const_item" | "static_item" | "preproc_def" => {
            (field(F::Name), field(F::Value), Declaration)
        }
        "field_initializer" => (field(F::Field), field(F::Value), Field),
        "init_declarator" => (field(F::Declarator), field(F::Value), Declaration),
        "initializer_pair" => (field(F::Designator), field(F::Value), Field),
        _ => return,
    };
    let (Some(target), Some(value)) = (target, value) else {
        return;
    };
    // Go wraps keyed values: `Key: value` is `literal_element: literal_element`.
    let value = if value.kind() == "literal_element" {
        value.named_child(0).unwrap_or(value)
    } else {
        value
    };
    if let Some(binding) = binding(scan, node, kind, target, value) {
        f(binding);
    }
}

/// Go's `a, b := x, y`, `var a, b = x, y`, `a, b = x, y`: names and values by position.
fn go_lists<'t>(scan: &Scan, node: Node<'t>, kind: BindingKind, f: impl FnMut(Binding<'t>)) {
    let mut cursor = node.walk();
    let targets: Vec<Node<'t>> = match node.kind() {
        "const_spec" | "var_spec" => node.children_by_field_name("name", &mut cursor).collect(),
        _ => Children::of(node.child_by_field_name("left")).collect(),
    };
    let values: Vec<Node<'t>> = match node
        .child_by_field_name("value")
        .or_else(|| node.child_by_field_name("right"))
    {
        Some(list) if list.kind() == "expression_list" => Children::of(Some(list)).collect(),
        Some(single) => vec![single],
        None => return,
    };
    targets
        .into_iter()
        .zip(values)
        .filter_map(|(target, value)| binding(scan, node, kind, target, value))
        .for_each(f);
}

/// The binding of `target` to `value`, if the target has a name.
fn binding<'t>(
    scan: &Scan,
    node: Node<'t>,
    kind: BindingKind,
    target: Node<'t>,
    value: Node<'t>,
) -> Option<Binding<'t>> {
    Some(Binding {
        node,
        kind,
        target,
        name: syntax::target_name(scan, target)?,
        value,
    })
}
