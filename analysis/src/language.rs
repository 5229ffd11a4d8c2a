//! The languages Cairn understands. Each language is one module under `language/` that
//! describes its tree-sitter node kinds; metric and rule code only ever reads these tables.

mod c;
mod cpp;
mod go;
mod java;
mod javascript;
mod python;
mod rust;
mod typescript;

use std::path::Path;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tree_sitter::Node;

/// A language supported by the analysis engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Rust,
    Go,
    Java,
    C,
    Cpp,
}

impl Language {
    pub const ALL: [Language; 9] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Rust,
        Language::Go,
        Language::Java,
        Language::C,
        Language::Cpp,
    ];

    /// This language's position in [`Language::ALL`], for per-language tables.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// The stable lower-case name used in JSON output and configuration.
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Rust => "rust",
            Language::Go => "go",
            Language::Java => "java",
            Language::C => "c",
            Language::Cpp => "cpp",
        }
    }

    /// Chooses the language from a file extension (case-sensitive for `.C`/`.H` as C++).
    pub fn from_extension(ext: &str) -> Option<Language> {
        Some(match ext {
            "py" | "pyi" | "pyw" => Language::Python,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            "rs" => Language::Rust,
            "go" => Language::Go,
            "java" => Language::Java,
            "c" | "h" => Language::C,
            "cc" | "cpp" | "cxx" | "c++" | "hh" | "hpp" | "hxx" | "h++" | "ipp" | "C" | "H" => {
                Language::Cpp
            }
            _ => return None,
        })
    }

    /// Chooses the language from a path's extension.
    pub fn from_path(path: &Path) -> Option<Language> {
        path.extension()
            .and_then(|ext| ext.to_str())
            .and_then(Language::from_extension)
    }

    /// Chooses the language from an LSP `languageId`.
    pub fn from_lsp_id(id: &str) -> Option<Language> {
        Some(match id {
            "python" => Language::Python,
            "javascript" | "javascriptreact" => Language::JavaScript,
            "typescript" => Language::TypeScript,
            "typescriptreact" | "tsx" => Language::Tsx,
            "rust" => Language::Rust,
            "go" => Language::Go,
            "java" => Language::Java,
            "c" => Language::C,
            "cpp" | "c++" | "cuda-cpp" => Language::Cpp,
            _ => return None,
        })
    }

    /// The tree-sitter grammar.
    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::Rust => tree_sitter_rust::LANGUAGE.into(),
            Language::Go => tree_sitter_go::LANGUAGE.into(),
            Language::Java => tree_sitter_java::LANGUAGE.into(),
            Language::C => tree_sitter_c::LANGUAGE.into(),
            Language::Cpp => tree_sitter_cpp::LANGUAGE.into(),
        }
    }

    /// The comment leader used when Cairn writes a comment (suppressions).
    pub fn line_comment(self) -> &'static str {
        match self {
            Language::Python => "#",
            _ => "//",
        }
    }

    pub(crate) fn spec(self) -> &'static LanguageSpec {
        match self {
            Language::Python => &python::SPEC,
            Language::JavaScript => &javascript::SPEC,
            Language::TypeScript | Language::Tsx => &typescript::SPEC,
            Language::Rust => &rust::SPEC,
            Language::Go => &go::SPEC,
            Language::Java => &java::SPEC,
            Language::C => &c::SPEC,
            Language::Cpp => &cpp::SPEC,
        }
    }

    /// The node-kind table of this language, built once from its spec.
    pub(crate) fn kinds(self) -> &'static KindTable {
        static TABLES: [OnceLock<KindTable>; 9] = [const { OnceLock::new() }; 9];
        TABLES[self.index()].get_or_init(|| KindTable::build(&self.grammar(), self.spec()))
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .or_else(|| Language::from_lsp_id(s))
            .ok_or_else(|| {
                let names: Vec<_> = Language::ALL.iter().map(|l| l.name()).collect();
                format!(
                    "unknown language `{s}`; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// What a node kind means to the metrics. One role per kind id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) enum Role {
    #[default]
    None,
    /// A function that owns its complexity and is reported on its own.
    Function,
    /// A closure or lambda: reported when it is bound to a name, but its decisions count
    /// toward the enclosing function (lizard's rule).
    Closure,
    /// A type-like container whose name qualifies the methods inside it.
    Container,
    If,
    /// `else` / `elif` clause of an if.
    Else,
    Loop,
    Switch,
    Catch,
    Ternary,
    /// A binary expression that may be a boolean operator (`&&`, `||`, `and`, `or`).
    Binary,
    /// `break`/`continue` (counted by cognitive complexity when labelled) and `goto`.
    Jump,
    Goto,
    /// A call expression (recursion check).
    Call,
    /// A condition token lizard counts for cyclomatic complexity (`if`, `&&`, `case`, ...).
    Decision,
    /// A match/switch body whose arms after the first each count as a decision (Rust).
    MatchArms,
    Comment,
    String,
    Parenthesized,
}

/// Per-language description: node kind names and the few hooks that cannot be a table.
pub(crate) struct LanguageSpec {
    pub functions: &'static [&'static str],
    pub closures: &'static [&'static str],
    pub containers: &'static [&'static str],
    /// Anonymous tokens that lizard counts as conditions.
    pub decisions: &'static [&'static str],
    pub ifs: &'static [&'static str],
    pub elses: &'static [&'static str],
    pub loops: &'static [&'static str],
    pub switches: &'static [&'static str],
    pub catches: &'static [&'static str],
    pub ternaries: &'static [&'static str],
    pub binaries: &'static [&'static str],
    pub jumps: &'static [&'static str],
    pub gotos: &'static [&'static str],
    pub calls: &'static [&'static str],
    pub match_arms: &'static [&'static str],
    pub comments: &'static [&'static str],
    pub strings: &'static [&'static str],
    pub parenthesized: &'static [&'static str],
    /// Separator between a container and a method name in reported names.
    pub member_separator: &'static str,
    /// Whether a decision token counts (lizard has a few per-language exceptions).
    pub decision_counts: fn(token: Node, parent_kind: &str) -> bool,
    /// The function's name node, when the syntax gives it one.
    pub function_name: fn(function: Node) -> Option<Node>,
    /// The node holding the parameters (its named children are counted).
    pub parameters: fn(function: Node) -> Option<Node>,
    /// How many parameters one child of the parameter list declares (0 for `self`, `void`, ...).
    pub parameter_count: fn(param: Node, source: &[u8]) -> u32,
    /// A container's name node.
    pub container_name: fn(container: Node) -> Option<Node>,
    /// The type a method is declared on when the syntax puts it outside a container (Go's
    /// receiver).
    pub receiver_type: fn(function: Node) -> Option<Node>,
}

pub(crate) fn no_receiver(_function: Node) -> Option<Node> {
    None
}

pub(crate) fn always_counts(_token: Node, _parent_kind: &str) -> bool {
    true
}

pub(crate) fn name_field(node: Node) -> Option<Node> {
    node.child_by_field_name("name")
}

pub(crate) fn parameters_field(node: Node) -> Option<Node> {
    node.child_by_field_name("parameters")
}

/// One parameter per named child, except comments.
pub(crate) fn one_per_child(param: Node, _source: &[u8]) -> u32 {
    u32::from(!param.kind().contains("comment"))
}

/// Maps each node kind id of a grammar to its [`Role`].
pub(crate) struct KindTable {
    roles: Vec<Role>,
}

impl KindTable {
    fn build(grammar: &tree_sitter::Language, spec: &LanguageSpec) -> KindTable {
        let count = grammar.node_kind_count();
        let groups: [(&[&str], Role, Option<bool>); 18] = [
            (spec.decisions, Role::Decision, Some(false)),
            (spec.functions, Role::Function, Some(true)),
            (spec.closures, Role::Closure, Some(true)),
            (spec.containers, Role::Container, Some(true)),
            (spec.ifs, Role::If, Some(true)),
            (spec.elses, Role::Else, Some(true)),
            (spec.loops, Role::Loop, Some(true)),
            (spec.switches, Role::Switch, Some(true)),
            (spec.catches, Role::Catch, Some(true)),
            (spec.ternaries, Role::Ternary, Some(true)),
            (spec.binaries, Role::Binary, Some(true)),
            (spec.jumps, Role::Jump, Some(true)),
            (spec.gotos, Role::Goto, Some(true)),
            (spec.calls, Role::Call, Some(true)),
            (spec.match_arms, Role::MatchArms, Some(true)),
            (spec.comments, Role::Comment, Some(true)),
            (spec.strings, Role::String, Some(true)),
            (spec.parenthesized, Role::Parenthesized, Some(true)),
        ];
        let roles = (0..count)
            .map(|id| {
                let id = id as u16;
                let Some(kind) = grammar.node_kind_for_id(id) else {
                    return Role::None;
                };
                let named = grammar.node_kind_is_named(id);
                groups
                    .iter()
                    .find(|(names, _, want_named)| {
                        want_named.is_none_or(|w| w == named) && names.contains(&kind)
                    })
                    .map_or(Role::None, |(_, role, _)| *role)
            })
            .collect();
        KindTable { roles }
    }

    #[inline]
    pub fn role(&self, node: Node) -> Role {
        self.roles
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_the_position_in_all() {
        for (position, lang) in Language::ALL.into_iter().enumerate() {
            assert_eq!(lang.index(), position);
        }
    }

    #[test]
    fn every_spec_kind_exists_in_its_grammar() {
        for lang in Language::ALL {
            let grammar = lang.grammar();
            let spec = lang.spec();
            let lists: [(&str, &[&str], bool); 17] = [
                ("functions", spec.functions, true),
                ("closures", spec.closures, true),
                ("containers", spec.containers, true),
                ("decisions", spec.decisions, false),
                ("ifs", spec.ifs, true),
                ("elses", spec.elses, true),
                ("loops", spec.loops, true),
                ("switches", spec.switches, true),
                ("catches", spec.catches, true),
                ("ternaries", spec.ternaries, true),
                ("binaries", spec.binaries, true),
                ("jumps", spec.jumps, true),
                ("gotos", spec.gotos, true),
                ("calls", spec.calls, true),
                ("match_arms", spec.match_arms, true),
                ("comments", spec.comments, true),
                ("strings", spec.strings, true),
            ];
            for (list, kinds, named) in lists {
                for kind in kinds {
                    assert_ne!(
                        grammar.id_for_node_kind(kind, named),
                        0,
                        "{lang}: {list} kind `{kind}` (named={named}) is not in the grammar"
                    );
                }
            }
        }
    }

    #[test]
    fn languages_are_chosen_by_extension_and_lsp_id() {
        assert_eq!(
            Language::from_path(Path::new("a/b.py")),
            Some(Language::Python)
        );
        assert_eq!(Language::from_path(Path::new("x.tsx")), Some(Language::Tsx));
        assert_eq!(Language::from_path(Path::new("x.hpp")), Some(Language::Cpp));
        assert_eq!(Language::from_path(Path::new("Makefile")), None);
        assert_eq!(
            Language::from_lsp_id("typescriptreact"),
            Some(Language::Tsx)
        );
        assert_eq!("cpp".parse::<Language>(), Ok(Language::Cpp));
        assert!("cobol".parse::<Language>().is_err());
    }
}
