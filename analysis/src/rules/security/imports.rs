//! Local names of imported modules and functions, so `sp.run` is known to be
//! `subprocess.run`, `exec` after `const { exec } = require("child_process")` to be
//! `child_process.exec`, and Go's `rand` to be `math/rand` or `crypto/rand`.
//!
//! Imports are recorded as the walk meets them; since the walk is in document order, an
//! import is known before the code after it.

use std::collections::HashMap;

use tree_sitter::Node;

use super::calls::Children;
use super::syntax;
use crate::language::Language;

#[derive(Default)]
pub(crate) struct Imports<'a> {
    aliases: HashMap<&'a str, Alias<'a>>,
    /// What [`Imports::record`] bound, for the scan to take (see `carry`).
    recorded: Vec<(&'a str, &'a str, Option<&'a str>)>,
}

/// What a local name stands for: a module (`import subprocess as sp`) or a member of one
/// (`from subprocess import run`). Slices of the source, so nothing is copied.
#[derive(Clone, Copy)]
struct Alias<'a> {
    module: &'a str,
    member: Option<&'a str>,
}

impl<'a> Imports<'a> {
    /// What a local name stands for as a dotted path (`sp` → `subprocess`, `run` →
    /// `subprocess.run`), if an import bound it.
    pub fn resolve(&self, name: &str) -> Option<String> {
        let alias = self.aliases.get(name)?;
        Some(match alias.member {
            Some(member) => format!("{}.{member}", alias.module),
            None => alias.module.to_string(),
        })
    }

    /// The imported name a local name stands for (`run` after
    /// `from subprocess import check_output as run` → `check_output`).
    pub fn imported_name(&self, name: &str) -> Option<&'a str> {
        let alias = self.aliases.get(name)?;
        Some(alias.member.unwrap_or_else(|| {
            alias
                .module
                .rsplit(['.', '/'])
                .next()
                .unwrap_or(alias.module)
        }))
    }

    /// Binds a local name without recording it (a replayed import).
    pub fn bind(&mut self, local: &'a str, module: &'a str, member: Option<&'a str>) {
        self.aliases.insert(local, Alias { module, member });
    }

    fn record_bind(&mut self, local: &'a str, module: &'a str, member: Option<&'a str>) {
        self.bind(local, module, member);
        self.recorded.push((local, module, member));
    }

    /// The bindings recorded since the last call.
    pub fn take_recorded(&mut self) -> Vec<(&'a str, &'a str, Option<&'a str>)> {
        std::mem::take(&mut self.recorded)
    }

    pub fn record(&mut self, source: &'a str, language: Language, node: Node) {
        let text = |n: Node| source.get(n.start_byte()..n.end_byte()).unwrap_or_default();
        match (language, node.kind()) {
            (Language::Python, "import_statement") => {
                let mut cursor = node.walk();
                for name in node.children_by_field_name("name", &mut cursor) {
                    if name.kind() == "aliased_import"
                        && let (Some(module), Some(alias)) = (
                            name.child_by_field_name("name"),
                            name.child_by_field_name("alias"),
                        )
                    {
                        self.record_bind(text(alias), text(module), None);
                    }
                }
            }
            (Language::Python, "import_from_statement") => {
                let Some(module) = node.child_by_field_name("module_name") else {
                    return;
                };
                if module.kind() != "dotted_name" {
                    return; // relative imports name the project's own modules
                }
                let module = text(module);
                let mut cursor = node.walk();
                for name in node.children_by_field_name("name", &mut cursor) {
                    let (imported, local) = if name.kind() == "aliased_import" {
                        match (
                            name.child_by_field_name("name"),
                            name.child_by_field_name("alias"),
                        ) {
                            (Some(n), Some(a)) => (text(n), text(a)),
                            _ => continue,
                        }
                    } else {
                        (text(name), text(name))
                    };
                    self.record_bind(local, module, Some(imported));
                }
            }
            (Language::JavaScript | Language::TypeScript | Language::Tsx, "import_statement") => {
                let Some(source_node) = node.child_by_field_name("source") else {
                    return;
                };
                let Some(module) = string_in(source, language, source_node) else {
                    return;
                };
                let module = module.strip_prefix("node:").unwrap_or(module);
                for clause in Children::of(Some(node)).filter(|c| c.kind() == "import_clause") {
                    for part in Children::of(Some(clause)) {
                        match part.kind() {
                            "identifier" => {
                                self.record_bind(text(part), module, None);
                            }
                            "namespace_import" => {
                                if let Some(id) =
                                    Children::of(Some(part)).find(|c| c.kind() == "identifier")
                                {
                                    self.record_bind(text(id), module, None);
                                }
                            }
                            "named_imports" => {
                                for spec in Children::of(Some(part))
                                    .filter(|s| s.kind() == "import_specifier")
                                {
                                    let Some(name) = spec.child_by_field_name("name") else {
                                        continue;
                                    };
                                    let local = spec.child_by_field_name("alias").unwrap_or(name);
                                    self.record_bind(text(local), module, Some(text(name)));
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            (
                Language::JavaScript | Language::TypeScript | Language::Tsx,
                "variable_declarator",
            ) => self.record_require(source, language, node),
            (Language::Go, "import_spec") => {
                let Some(path) = node
                    .child_by_field_name("path")
                    .and_then(|p| string_in(source, language, p))
                else {
                    return;
                };
                let local = match node.child_by_field_name("name") {
                    Some(name) if name.kind() == "package_identifier" => text(name),
                    Some(_) => return, // `.` and `_` imports bind no name
                    None => default_package_name(path),
                };
                self.record_bind(local, path, None);
            }
            _ => {}
        }
    }

    /// `const cp = require("child_process")`, `const { exec } = require("child_process")`,
    /// `const exec = require("child_process").exec`.
    fn record_require(&mut self, source: &'a str, language: Language, node: Node) {
        let text = |n: Node| source.get(n.start_byte()..n.end_byte()).unwrap_or_default();
        // Most declarators are not `require(...)`: look at the text first.
        let Some(at) = text(node).find('=') else {
            return;
        };
        if !text(node)[at + 1..].trim_start().starts_with("require") {
            return;
        }
        let (Some(name), Some(value)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("value"),
        ) else {
            return;
        };
        let value = syntax::unwrap(value);
        let (module, member) = match value.kind() {
            "call_expression" => match required(source, language, value) {
                Some(m) => (m, None),
                None => return,
            },
            "member_expression" => {
                let (Some(object), Some(property)) = (
                    value.child_by_field_name("object"),
                    value.child_by_field_name("property"),
                ) else {
                    return;
                };
                match required(source, language, object) {
                    Some(m) => (m, Some(text(property))),
                    None => return,
                }
            }
            _ => return,
        };
        match name.kind() {
            "identifier" => self.record_bind(text(name), module, member),
            "object_pattern" => {
                for part in Children::of(Some(name)) {
                    match part.kind() {
                        "shorthand_property_identifier_pattern" if member.is_none() => {
                            self.record_bind(text(part), module, Some(text(part)));
                        }
                        "pair_pattern" => {
                            if let (Some(key), Some(local)) = (
                                part.child_by_field_name("key"),
                                part.child_by_field_name("value"),
                            ) && local.kind() == "identifier"
                                && member.is_none()
                            {
                                self.record_bind(text(local), module, Some(text(key)));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// `require("x")` → `x`, without a scan (imports are recorded while the scan is borrowed).
fn required<'a>(source: &'a str, language: Language, node: Node) -> Option<&'a str> {
    if node.kind() != "call_expression" {
        return None;
    }
    let function = node.child_by_field_name("function")?;
    if source.get(function.start_byte()..function.end_byte()) != Some("require") {
        return None;
    }
    let module = string_in(
        source,
        language,
        node.child_by_field_name("arguments")?.named_child(0)?,
    )?;
    Some(module.strip_prefix("node:").unwrap_or(module))
}

fn string_in<'a>(source: &'a str, language: Language, node: Node) -> Option<&'a str> {
    if !syntax::is_string(language, node) {
        return None;
    }
    let (start, end) = syntax::string_content_range(node);
    source.get(start..end)
}

/// Go's package name for an import path: its last element, skipping a `/vN` major version.
fn default_package_name(path: &str) -> &str {
    let mut parts = path.rsplit('/');
    let last = parts.next().unwrap_or(path);
    let is_version =
        last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    if is_version {
        parts.next().unwrap_or(last)
    } else {
        last
    }
}
