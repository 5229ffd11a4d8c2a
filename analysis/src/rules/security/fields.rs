//! Field ids of the grammars, looked up once per language. `Node::child_by_field_name`
//! compares the name against every field name of the grammar on each call; the hot paths
//! (every call and every assignment of a file) use the id instead.

use std::sync::OnceLock;

use tree_sitter::Node;

use crate::language::Language;

#[derive(Clone, Copy, Debug)]
pub(crate) enum F {
    Function,
    Arguments,
    Constructor,
    Type,
    Name,
    Object,
    Attribute,
    Property,
    Operand,
    Field,
    Value,
    Argument,
    Left,
    Right,
    Key,
    Pattern,
    Declarator,
    Designator,
    Operator,
    Subscript,
    Index,
}

const NAMES: [&str; 21] = [
    "function",
    "arguments",
    "constructor",
    "type",
    "name",
    "object",
    "attribute",
    "property",
    "operand",
    "field",
    "value",
    "argument",
    "left",
    "right",
    "key",
    "pattern",
    "declarator",
    "designator",
    "operator",
    "subscript",
    "index",
];

/// The id of each [`F`] in one grammar (0 when the grammar has no such field).
pub(crate) struct Fields([u16; 21]);

impl Fields {
    pub fn of(language: Language) -> &'static Fields {
        static TABLES: [OnceLock<Fields>; 9] = [const { OnceLock::new() }; 9];
        TABLES[language.index()].get_or_init(|| {
            let grammar = language.grammar();
            Fields(NAMES.map(|name| grammar.field_id_for_name(name).map_or(0, |id| id.get())))
        })
    }

    #[inline]
    pub fn get<'t>(&self, node: Node<'t>, field: F) -> Option<Node<'t>> {
        match self.0[field as usize] {
            0 => None,
            id => node.child_by_field_id(id),
        }
    }
}
