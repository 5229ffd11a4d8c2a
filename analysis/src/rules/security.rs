//! Security rules. A [`Scan`] looks at each node of a file in document order and only does
//! work for the few kinds the rules care about (calls, assignment-like nodes, imports, a
//! couple of others): everything else is skipped by a per-language table indexed by kind id.
//! The analysis walk (`crate::walk`) shows it every node it visits, so the rules cost no
//! traversal of their own.
//!
//! Language knowledge stays in small shared helpers: [`syntax`] (what is a literal, what
//! builds a string at run time), [`calls`] (a call in any language as callee path +
//! arguments), [`bindings`] (a name given a value), [`imports`] (local aliases of modules).
//! The rule families read those and decide. Nothing recurses on the tree's shape.

mod bindings;
mod buffer;
mod calls;
pub(crate) mod carry;
mod deserialize;
pub(crate) mod docs;
mod eval;
mod fields;
mod fix;
mod hash;
mod imports;
mod random;
pub mod secrets;
mod shell;
mod sql;
mod syntax;
mod timeout;
mod tls;
mod xss;

use std::collections::HashMap;
use std::sync::OnceLock;

use tree_sitter::Node;

use crate::finding::{Finding, Fix, Severity};
use crate::language::Language;
use crate::rules::Rule;
use crate::span::{LineIndex, Span};

use self::calls::Call;
use self::fields::Fields;
use self::imports::Imports;

/// What the walk does with a node kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum Class {
    #[default]
    Skip,
    Call,
    Binding,
    Import,
    /// Nodes one rule looks at directly (`ssl.CERT_NONE`, JSX attributes).
    Other,
}

/// The node kinds each language's rules look at.
fn kinds(language: Language) -> &'static [(&'static str, Class)] {
    use Class::*;
    match language {
        Language::Python => &[
            ("call", Call),
            ("assignment", Binding),
            ("keyword_argument", Binding),
            ("pair", Binding),
            ("default_parameter", Binding),
            ("typed_default_parameter", Binding),
            ("import_statement", Import),
            ("import_from_statement", Import),
            ("attribute", Other),
        ],
        Language::JavaScript | Language::TypeScript | Language::Tsx => &[
            ("call_expression", Call),
            ("new_expression", Call),
            ("variable_declarator", Binding),
            ("assignment_expression", Binding),
            ("augmented_assignment_expression", Binding),
            ("pair", Binding),
            ("field_definition", Binding),
            ("public_field_definition", Binding),
            ("assignment_pattern", Binding),
            ("required_parameter", Binding),
            ("optional_parameter", Binding),
            ("import_statement", Import),
            ("jsx_attribute", Other),
        ],
        Language::Go => &[
            ("call_expression", Call),
            ("const_spec", Binding),
            ("var_spec", Binding),
            ("short_var_declaration", Binding),
            ("assignment_statement", Binding),
            ("keyed_element", Binding),
            ("import_spec", Import),
        ],
        Language::Java => &[
            ("method_invocation", Call),
            ("object_creation_expression", Call),
            ("variable_declarator", Binding),
            ("assignment_expression", Binding),
        ],
        Language::Rust => &[
            ("call_expression", Call),
            ("let_declaration", Binding),
            ("const_item", Binding),
            ("static_item", Binding),
            ("field_initializer", Binding),
            ("assignment_expression", Binding),
        ],
        Language::C | Language::Cpp => &[
            ("call_expression", Call),
            ("init_declarator", Binding),
            ("initializer_pair", Binding),
            ("assignment_expression", Binding),
            ("preproc_def", Binding),
        ],
    }
}

/// [`Class`] by kind id, built once per language. Kind names can map to several ids
/// (aliases), so every id of the grammar is looked at.
fn class_table(language: Language) -> &'static [Class] {
    static TABLES: [OnceLock<Vec<Class>>; 9] = [const { OnceLock::new() }; 9];
    TABLES[language.index()].get_or_init(|| {
        let grammar = language.grammar();
        let wanted = kinds(language);
        (0..grammar.node_kind_count())
            .map(|id| {
                let id = id as u16;
                if !grammar.node_kind_is_named(id) {
                    return Class::Skip;
                }
                let name = grammar.node_kind_for_id(id).unwrap_or_default();
                wanted
                    .iter()
                    .find(|(kind, _)| *kind == name)
                    .map_or(Class::Skip, |(_, class)| *class)
            })
            .collect()
    })
}

/// Where a finding goes: a node, or a call (see [`Call::span`]).
pub(crate) trait Place {
    fn span(&self) -> Span;
}

impl Place for Node<'_> {
    fn span(&self) -> Span {
        Span::of(*self)
    }
}

impl Place for &Call<'_> {
    fn span(&self) -> Span {
        Call::span(self)
    }
}

/// The state of one file's security scan.
pub(crate) struct Scan<'a> {
    pub source: &'a str,
    pub language: Language,
    pub index: &'a LineIndex<'a>,
    pub fields: &'static Fields,
    classes: &'static [Class],
    pub imports: Imports<'a>,
    /// Byte ranges of provider keys found in the current chunk, so the name-based secret
    /// check does not report the same literal twice.
    pub provider_secrets: Vec<std::ops::Range<usize>>,
    findings: Vec<Finding>,
    /// Reused for each assignment-like node, so the walk does not allocate per node.
    bindings: Vec<bindings::Binding<'a>>,
    /// Local variables last assigned a string built at run time (`q = f"... {x}"`), for
    /// rules that follow a query or command through one variable.
    pub assigned: HashMap<&'a str, Assigned>,
    /// The ids of the nodes above the current chunk, the root first: variables assigned in
    /// those blocks are seen by later chunks.
    ancestors: Vec<usize>,
    /// The state that crosses chunks, summed up (see [`carry`]).
    fingerprint: u64,
    current: carry::Current,
}

/// A variable assigned a string built at run time, in the block (by node id) where that
/// happened; `value` is the byte range of what it was assigned.
pub(crate) struct Assigned {
    pub block: usize,
    pub built: syntax::Built,
    pub value: (usize, usize),
}

impl<'a> Scan<'a> {
    /// The text of a node ("" if the range is not valid UTF-8 boundaries, which tree-sitter
    /// does not produce for valid UTF-8 input, but nothing here may panic).
    pub fn text(&self, node: Node) -> &'a str {
        self.source
            .get(node.start_byte()..node.end_byte())
            .unwrap_or_default()
    }

    pub fn slice(&self, start: usize, end: usize) -> &'a str {
        self.source.get(start..end).unwrap_or_default()
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        Span::from_bytes(self.index, start, end)
    }

    pub fn report(&mut self, rule: Rule, at: impl Place, message: impl Into<String>) {
        self.findings.push(Finding::new(rule, at.span(), message));
    }

    /// A finding at the rule's default severity with an optional fix.
    pub fn report_fix(
        &mut self,
        rule: Rule,
        at: impl Place,
        message: impl Into<String>,
        fix: Option<Fix>,
    ) {
        let mut finding = Finding::new(rule, at.span(), message);
        finding.fix = fix;
        self.findings.push(finding);
    }

    /// A finding at a severity other than the rule's default, where the rule's
    /// documentation says so.
    pub fn report_at(
        &mut self,
        rule: Rule,
        at: impl Place,
        severity: Severity,
        message: impl Into<String>,
        fix: Option<Fix>,
    ) {
        let mut finding = Finding::new(rule, at.span(), message);
        finding.severity = severity;
        finding.fix = fix;
        self.findings.push(finding);
    }

    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }
}

impl<'a> Scan<'a> {
    /// Starts the scan of a file whose root node is `root`. Its chunks (the root's children)
    /// are then scanned in order, each between [`Scan::begin_chunk`] and
    /// [`Scan::end_chunk`], or taken from a previous scan with [`Scan::reuse_chunk`].
    pub fn new(
        source: &'a str,
        language: Language,
        index: &'a LineIndex<'a>,
        root: Node,
    ) -> Scan<'a> {
        let mut scan = Scan {
            source,
            language,
            index,
            fields: Fields::of(language),
            classes: class_table(language),
            imports: Imports::default(),
            provider_secrets: Vec::new(),
            findings: Vec::new(),
            bindings: Vec::new(),
            assigned: HashMap::new(),
            ancestors: vec![root.id()],
            fingerprint: 0,
            current: carry::Current::default(),
        };
        scan.fingerprint = carry::initial_fingerprint(&scan);
        scan
    }

    /// Looks at one node. Call it for every node of the tree in document order (pre-order):
    /// imports are recorded when met and apply to the code after them. Cheap for the nodes
    /// no rule looks at (one table lookup).
    #[inline]
    pub fn visit(&mut self, node: Node<'a>) {
        match self
            .classes
            .get(usize::from(node.kind_id()))
            .copied()
            .unwrap_or_default()
        {
            Class::Skip => {}
            Class::Call => visit_call(self, node),
            Class::Binding => visit_binding(self, node),
            Class::Import => self.record_import(node),
            Class::Other => visit_other(self, node),
        }
    }

    fn record_import(&mut self, node: Node) {
        self.imports.record(self.source, self.language, node);
        for (local, module, member) in self.imports.take_recorded() {
            self.imported(local, module, member);
        }
    }

    /// Keeps track of `name = <string built at run time>`; any other assignment to the name
    /// forgets it.
    fn remember_assignment(&mut self, binding: &bindings::Binding<'a>) {
        use bindings::BindingKind::*;
        if !matches!(binding.kind, Declaration | Assignment | Augmented)
            || binding.name.kind() != "identifier"
            || binding.target.kind() != binding.name.kind()
                && binding.target.kind() != "mut_pattern"
        {
            return;
        }
        let built = match binding.kind {
            Augmented if !syntax::is_constant(self.language, binding.value) => {
                Some(syntax::Built::Concatenation)
            }
            // `q += " LIMIT 10"` keeps what `q` was.
            Augmented => return,
            _ => syntax::built_string(self, binding.value),
        };
        let name = self.text(binding.name);
        match built {
            Some(built) => {
                if let Some(block) = sql::block_of(self.language, binding.node) {
                    let value = (binding.value.start_byte(), binding.value.end_byte());
                    let old = self.assigned.insert(
                        name,
                        Assigned {
                            block,
                            built,
                            value,
                        },
                    );
                    if let Some(depth) = self.carried(block) {
                        self.assign_carried(name, built, value, depth);
                    } else if let Some(depth) = old.and_then(|old| self.carried(old.block)) {
                        self.forget_carried(name, depth);
                    }
                }
            }
            None => {
                if !self.assigned.is_empty()
                    && let Some(old) = self.assigned.remove(name)
                    && let Some(depth) = self.carried(old.block)
                {
                    self.forget_carried(name, depth);
                }
            }
        }
    }

    /// The findings, in no particular order.
    pub fn finish(self) -> Vec<Finding> {
        self.findings
    }
}

/// Could a rule care about a call of this name? Most calls stop here, before any rule
/// looks at them. Each rule family owns its names; this asks the ones [`visit_call`] runs.
fn routes(language: Language, name: &str) -> bool {
    match language {
        Language::Python => {
            eval::is_python_name(name)
                || shell::is_python_name(name)
                || sql::is_python_name(name)
                || hash::is_python_name(name)
                || deserialize::is_python_name(name)
                || tls::is_python_name(name)
                || random::is_python_name(name)
                || timeout::is_python_name(name)
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            eval::is_javascript_name(name)
                || shell::is_javascript_name(name)
                || sql::is_javascript_name(name)
                || hash::is_javascript_name(name)
                || deserialize::is_javascript_name(name)
                || random::is_javascript_name(name)
                || xss::is_javascript_name(name)
        }
        Language::Go => {
            shell::go_program_index(name).is_some()
                || sql::go_query_index(name).is_some()
                || hash::is_go_name(name)
                || random::is_go_name(name)
        }
        Language::Java => {
            shell::is_java_name(name)
                || sql::is_java_name(name)
                || hash::is_java_name(name)
                || deserialize::is_java_name(name)
                || random::is_java_name(name)
        }
        Language::Rust => {
            shell::is_rust_name(name)
                || sql::is_rust_name(name)
                || hash::is_rust_name(name)
                || tls::is_rust_name(name)
        }
        Language::C | Language::Cpp => {
            shell::is_c_name(name) || hash::c_algorithm(name).is_some() || buffer::is_c_name(name)
        }
    }
}

fn visit_call<'a>(scan: &mut Scan<'a>, node: Node<'a>) {
    let Some(call) = Call::new(scan, node) else {
        return;
    };
    if !routes(scan.language, call.name) {
        return;
    }
    match scan.language {
        Language::Python => {
            eval::python(scan, &call);
            shell::python(scan, &call);
            sql::python(scan, &call);
            hash::python(scan, &call);
            deserialize::python(scan, &call);
            tls::python_call(scan, &call);
            random::python(scan, &call);
            timeout::python(scan, &call);
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            eval::javascript(scan, &call);
            shell::javascript(scan, &call);
            sql::javascript(scan, &call);
            hash::javascript(scan, &call);
            deserialize::javascript(scan, &call);
            random::javascript(scan, &call);
            xss::javascript_call(scan, &call);
        }
        Language::Go => {
            shell::go(scan, &call);
            sql::go(scan, &call);
            hash::go(scan, &call);
            random::go(scan, &call);
        }
        Language::Java => {
            shell::java(scan, &call);
            sql::java(scan, &call);
            hash::java(scan, &call);
            deserialize::java(scan, &call);
            random::java(scan, &call);
        }
        Language::Rust => {
            shell::rust(scan, &call);
            sql::rust(scan, &call);
            hash::rust(scan, &call);
            tls::rust_call(scan, &call);
        }
        Language::C | Language::Cpp => {
            shell::c(scan, &call);
            hash::c(scan, &call);
            buffer::c(scan, &call);
        }
    }
}

fn visit_binding<'a>(scan: &mut Scan<'a>, node: Node<'a>) {
    if matches!(
        scan.language,
        Language::JavaScript | Language::TypeScript | Language::Tsx
    ) && node.kind() == "variable_declarator"
    {
        scan.record_import(node);
    }
    let mut found = std::mem::take(&mut scan.bindings);
    found.clear();
    bindings::for_each(scan, node, |binding| found.push(binding));
    for binding in &found {
        scan.remember_assignment(binding);
        secrets::on_binding(scan, binding);
        tls::on_binding(scan, binding);
        xss::on_binding(scan, binding);
    }
    scan.bindings = found;
}

fn visit_other(scan: &mut Scan, node: Node) {
    match node.kind() {
        "attribute" => tls::python_attribute(scan, node),
        "jsx_attribute" => xss::jsx_attribute(scan, node),
        _ => {}
    }
}
