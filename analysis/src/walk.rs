//! The one walk over a file. Each top-level item (a child of the root: a function, a class,
//! a statement) is a *chunk*, walked once with a tree cursor while everything is measured at
//! the same time: lines, Halstead counts, functions with their cyclomatic and cognitive
//! complexity and nesting, suppression comments and security findings.
//!
//! Chunk results hold positions relative to the chunk's start, so an unchanged chunk can be
//! reused after an edit elsewhere in the file (see `crate::incremental`).
//!
//! Architecture invariant: no recursion on the tree's shape. Generated code nests far deeper
//! than a thread's stack; the cursor and explicit stacks handle any depth.

use rustc_hash::{FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use tree_sitter::{Node, TreeCursor};

use crate::functions::{container_scope, name_function};
use crate::language::{Language, Role};
use crate::metrics::complexity::{Complexity, callee_name, has_label, is_logical, operator_runs};
use crate::rules::security::Scan;
use crate::rules::security::carry::ChunkScan;
use crate::span::Span;
use crate::suppress::{self, Suppression};

/// A function measured in a chunk. Positions are relative to the chunk start.
#[derive(Clone, Debug)]
pub(crate) struct ChunkFunction {
    pub name: String,
    pub span: Span,
    pub name_span: Span,
    pub params: u32,
    pub complexity: Complexity,
    pub is_closure: bool,
}

/// Everything measured in one chunk, relative to where it starts.
#[derive(Clone, Debug, Default)]
pub(crate) struct ChunkResult {
    /// Hash of the chunk's text and its start column: the key for reuse.
    pub key: u64,
    pub functions: Vec<ChunkFunction>,
    /// Per line of the chunk (0 = its first line): does code / a comment touch it?
    pub code_line: Vec<bool>,
    pub comment_line: Vec<bool>,
    pub operators: FxHashSet<u16>,
    pub operands: FxHashSet<u64>,
    pub total_operators: u32,
    pub total_operands: u32,
    pub suppressions: Vec<Suppression>,
    /// For a container whose members are chunks of their own: what they start with.
    pub members: Option<Entry>,
}

/// Where the members of a container start: the scopes that qualify their names and the
/// context of the container's body, so each member can be walked (and reused) on its own
/// exactly as it would be inside the whole container.
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub scopes: Vec<String>,
    role: Role,
    ctx: Context,
}

/// Kinds that wrap a top-level declaration without changing it (a decorator, `export`).
const WRAPPERS: &[&str] = &["decorated_definition", "export_statement"];

/// The body of a top-level container (a class, an impl, a namespace — possibly decorated or
/// exported) whose members are walked as chunks of their own, so an edit in one method does
/// not walk the whole class again. `None` for any other chunk.
/// Also returns the ids of the nodes from the chunk down to the body.
pub(crate) fn members_of<'t>(
    chunk: Node<'t>,
    language: Language,
) -> Option<(Node<'t>, Vec<usize>)> {
    let kinds = language.kinds();
    let mut node = chunk;
    let mut path = vec![chunk.id()];
    while kinds.role(node) != Role::Container {
        if kinds.role(node) != Role::None || !WRAPPERS.contains(&node.kind()) {
            return None;
        }
        let last = u32::try_from(node.named_child_count().checked_sub(1)?).ok()?;
        node = node.named_child(last)?;
        path.push(node.id());
    }
    let body = node.child_by_field_name("body")?;
    path.push(body.id());
    (kinds.role(body) == Role::None && body.child_count() > 0).then_some((body, path))
}

/// What a later analysis may reuse of a chunk: its measures and its security scan, shared
/// (an unchanged chunk is carried from one analysis to the next without copying).
#[derive(Clone, Debug)]
pub(crate) struct Chunk {
    pub measures: Arc<ChunkResult>,
    pub scan: Arc<ChunkScan>,
}

/// The key under which a chunk's result may be reused: its text, its start column (a
/// chunk that moved sideways has different columns) and, for a container's member, the
/// scopes that qualify its names.
pub(crate) fn chunk_key(chunk: Node, source: &[u8], entry: Option<&Entry>) -> u64 {
    let mut hasher = FxHasher::default();
    source[chunk.start_byte()..chunk.end_byte()].hash(&mut hasher);
    chunk.start_position().column.hash(&mut hasher);
    chunk.kind_id().hash(&mut hasher);
    if let Some(entry) = entry {
        entry.scopes.hash(&mut hasher);
    }
    hasher.finish()
}

/// Where a node's children stand for cognitive complexity.
#[derive(Clone, Copy, Debug, Default)]
struct Context {
    /// Global nesting level (each frame subtracts its base).
    nesting: u32,
    else_if: bool,
    /// Inside a boolean-operator expression whose runs were already counted.
    in_logical: bool,
    /// This node is the `else`/`elif` branch of an `if`.
    else_branch: bool,
}

/// An ancestor of the cursor.
struct Open<'t> {
    node: Node<'t>,
    role: Role,
    ctx: Context,
    /// For an else clause whose body is an `if`: that `if`.
    inner_if: Option<usize>,
    /// A boolean-operator expression (`&&`, `||`, `and`, `or`).
    logical: bool,
    frames: usize,
    scopes: usize,
}

/// A function being measured.
struct Frame {
    function: usize,
    /// Global nesting level of the function's body.
    base: u32,
    owned: bool,
    simple_name: String,
    complexity: Complexity,
}

struct Walker<'a, 't, 's> {
    source: &'a [u8],
    security: &'s mut Scan<'t>,
    language: Language,
    origin: Node<'t>,
    origin_line: usize,
    result: ChunkResult,
    frames: Vec<Frame>,
    scopes: Vec<String>,
    collect_suppressions: bool,
    /// The body of a container whose members are chunks of their own: not descended into.
    stop_at: Option<usize>,
}

/// Where and how a chunk is walked.
pub(crate) struct Place<'e, 't> {
    /// The reuse key ([`chunk_key`]).
    pub key: u64,
    /// For a container's member: what the members start with, and the container's body.
    pub entry: Option<(&'e Entry, Node<'t>)>,
    /// For a container whose members are walked on their own: its body.
    pub members: Option<Node<'t>>,
}

/// Walks and measures one chunk; every node is also shown to the security scan. Comments are
/// read for suppressions only when `collect_suppressions` (the file mentions `cairn: ignore`).
pub(crate) fn walk_chunk<'t>(
    chunk: Node<'t>,
    place: Place<'_, 't>,
    source: &[u8],
    language: Language,
    cursor: &mut TreeCursor<'t>,
    security: &mut Scan<'t>,
    collect_suppressions: bool,
) -> ChunkResult {
    let lines = chunk.end_position().row - chunk.start_position().row + 1;
    let mut walker = Walker {
        source,
        security,
        language,
        origin: chunk,
        origin_line: chunk.start_position().row,
        result: ChunkResult {
            key: place.key,
            code_line: vec![false; lines],
            comment_line: vec![false; lines],
            ..ChunkResult::default()
        },
        frames: Vec::new(),
        scopes: place
            .entry
            .map(|(entry, _)| entry.scopes.clone())
            .unwrap_or_default(),
        collect_suppressions,
        stop_at: place.members.map(|body| body.id()),
    };
    walker.run(chunk, cursor, place.entry);
    walker.result
}

impl<'t> Walker<'_, 't, '_> {
    fn run(
        &mut self,
        chunk: Node<'t>,
        cursor: &mut TreeCursor<'t>,
        entry: Option<(&Entry, Node<'t>)>,
    ) {
        let kinds = self.language.kinds();
        cursor.reset(chunk);
        let mut open: Vec<Open<'t>> = Vec::new();
        // A member starts as a child of its container's body.
        let outside = entry.map(|(entry, body)| Open {
            node: body,
            role: entry.role,
            ctx: entry.ctx,
            inner_if: None,
            logical: false,
            frames: 0,
            scopes: 0,
        });
        loop {
            let node = cursor.node();
            let role = kinds.role(node);
            let ctx = match open.last() {
                Some(parent) => {
                    // Field names cost a lookup; only `if` and `else` children need them.
                    let field = matches!(parent.role, Role::If | Role::Else)
                        .then(|| cursor.field_name())
                        .flatten();
                    self.child_context(parent, node, role, field)
                }
                None => outside.as_ref().map_or_else(Context::default, |body| {
                    self.child_context(body, node, role, None)
                }),
            };
            let frames_before = self.frames.len();
            let scopes_before = self.scopes.len();
            let parent = open.last().or(outside.as_ref()).map(|o| o.node);
            let logical = role == Role::Binary && is_logical(node);
            let inner_if = self.visit(node, role, ctx, parent, logical);
            let members_here = Some(node.id()) == self.stop_at;
            if members_here {
                self.result.members = Some(Entry {
                    scopes: self.scopes.clone(),
                    role,
                    ctx,
                });
            }
            let descend = match role {
                Role::Comment => false,
                Role::String => has_code_inside(node, self.source),
                _ => !members_here,
            };
            if descend && cursor.goto_first_child() {
                open.push(Open {
                    node,
                    role,
                    ctx,
                    inner_if,
                    logical,
                    frames: frames_before,
                    scopes: scopes_before,
                });
                continue;
            }
            self.leave(frames_before, scopes_before);
            loop {
                if open.is_empty() {
                    return;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                cursor.goto_parent();
                if let Some(done) = open.pop() {
                    self.leave(done.frames, done.scopes);
                }
            }
        }
    }

    /// The context of `child` under `parent`.
    fn child_context(
        &self,
        parent: &Open,
        child: Node,
        role: Role,
        field: Option<&str>,
    ) -> Context {
        let n = parent.ctx.nesting;
        let plain = |nesting| Context {
            nesting,
            ..Context::default()
        };
        match parent.role {
            Role::If => {
                if field == Some("condition") {
                    plain(n)
                } else if field == Some("alternative") || role == Role::Else {
                    match role {
                        // Go and Java: `else if` is the if itself.
                        Role::If => Context {
                            nesting: n,
                            else_if: true,
                            ..Context::default()
                        },
                        Role::Else => Context {
                            nesting: n,
                            else_branch: true,
                            ..Context::default()
                        },
                        // Go and Java: a plain `else` block (counted in `visit`).
                        _ => Context {
                            nesting: n + 1,
                            else_branch: true,
                            ..Context::default()
                        },
                    }
                } else {
                    plain(n + 1)
                }
            }
            Role::Else if parent.ctx.else_branch => {
                if parent.inner_if == Some(child.id()) {
                    Context {
                        nesting: n,
                        else_if: true,
                        ..Context::default()
                    }
                } else if field == Some("condition") {
                    plain(n)
                } else {
                    plain(n + 1)
                }
            }
            Role::Loop | Role::Switch | Role::Catch | Role::Ternary | Role::Closure => plain(n + 1),
            Role::Binary => Context {
                nesting: n,
                in_logical: parent.logical,
                ..Context::default()
            },
            Role::Parenthesized => Context {
                nesting: n,
                in_logical: parent.ctx.in_logical,
                ..Context::default()
            },
            _ => plain(n),
        }
    }

    /// Measures one node; returns the id of the `if` inside an `else if` clause.
    fn visit(
        &mut self,
        node: Node<'t>,
        role: Role,
        ctx: Context,
        parent: Option<Node<'t>>,
        logical: bool,
    ) -> Option<usize> {
        let n = ctx.nesting;
        let is_leaf = node.child_count() == 0
            || (role == Role::String && !has_code_inside(node, self.source));
        if role == Role::Comment {
            self.mark(node, false);
            if self.collect_suppressions
                && let Ok(text) = node.utf8_text(self.source)
            {
                let line = (node.start_position().row - self.origin_line) as u32;
                suppress::parse_comment(text, line, &mut self.result.suppressions);
            }
            return None;
        }
        self.security.visit(node);
        if is_leaf && node.end_byte() > node.start_byte() {
            self.mark(node, true);
            if node.is_named() {
                self.result.total_operands += 1;
                let mut hasher = FxHasher::default();
                self.source[node.start_byte()..node.end_byte()].hash(&mut hasher);
                self.result.operands.insert(hasher.finish());
            } else {
                self.result.total_operators += 1;
                self.result.operators.insert(node.kind_id());
            }
        }
        let spec = self.language.spec();
        match role {
            Role::Function | Role::Closure => self.enter_function(node, role, n, parent),
            Role::Container => {
                if let Some(scope) = container_scope(node, self.source, self.language) {
                    self.scopes.push(scope);
                }
            }
            Role::Decision => {
                let parent_kind = parent.map_or("", |p| p.kind());
                if (spec.decision_counts)(node, parent_kind) {
                    self.each_frame(|f| f.complexity.cyclomatic += 1);
                }
            }
            Role::If => {
                if ctx.else_if {
                    self.each_frame(|f| f.complexity.cognitive += 1);
                } else {
                    self.structure(n, true);
                }
            }
            Role::Else if ctx.else_branch => {
                let inner_if = first_meaningful_child(node, self.language)
                    .filter(|c| self.language.kinds().role(*c) == Role::If);
                if inner_if.is_none() {
                    self.each_frame(|f| f.complexity.cognitive += 1);
                }
                return inner_if.map(|c| c.id());
            }
            Role::Loop | Role::Switch | Role::Catch => self.structure(n, true),
            Role::Ternary => self.structure(n, false),
            Role::Binary if !ctx.in_logical && logical => {
                let runs = operator_runs(node, self.language);
                self.each_frame(|f| f.complexity.cognitive += runs);
            }
            Role::Jump if has_label(node, self.language) => {
                self.each_frame(|f| f.complexity.cognitive += 1);
            }
            Role::Goto => self.each_frame(|f| f.complexity.cognitive += 1),
            Role::Call => {
                if let Some(callee) = callee_name(node, self.source) {
                    self.each_frame(|f| {
                        if !f.simple_name.is_empty() && f.simple_name == callee {
                            f.complexity.cognitive += 1;
                        }
                    });
                }
            }
            Role::MatchArms => {
                let arms = node
                    .named_children(&mut node.walk())
                    .filter(|c| c.kind() == "match_arm")
                    .count() as u32;
                self.each_frame(|f| f.complexity.cyclomatic += arms.saturating_sub(1));
            }
            _ => {}
        }
        // A plain `else` block of Go or Java.
        if ctx.else_branch && role != Role::Else && role != Role::If {
            self.each_frame(|f| f.complexity.cognitive += 1);
        }
        None
    }

    /// A structural increment: +1 plus the nesting level, in every frame that sees it.
    fn structure(&mut self, nesting: u32, deepens: bool) {
        self.each_frame(|f| {
            let level = nesting.saturating_sub(f.base);
            f.complexity.cognitive += 1 + level;
            if deepens {
                f.complexity.nesting = f.complexity.nesting.max(level + 1);
            }
        });
    }

    /// Applies `f` to the frames a decision belongs to: the innermost function and, through
    /// closures, up to the nearest function that owns its complexity.
    fn each_frame(&mut self, mut f: impl FnMut(&mut Frame)) {
        for frame in self.frames.iter_mut().rev() {
            f(frame);
            if frame.owned {
                break;
            }
        }
    }

    fn enter_function(
        &mut self,
        node: Node<'t>,
        role: Role,
        nesting: u32,
        parent: Option<Node<'t>>,
    ) {
        let is_closure = role == Role::Closure;
        // A declaration without a body (an interface or abstract method, a Go assembly stub)
        // is not a function to measure.
        if !is_closure && node.child_by_field_name("body").is_none() {
            return;
        }
        let Some(name) = name_function(
            node,
            parent,
            &self.scopes,
            is_closure,
            self.source,
            self.language,
        ) else {
            return;
        };
        let function = self.result.functions.len();
        self.result.functions.push(ChunkFunction {
            name: name.qualified,
            span: self.relative(node),
            name_span: self.relative(name.anchor),
            params: count_params(node, self.source, self.language),
            complexity: Complexity::default(),
            is_closure,
        });
        if !name.simple.is_empty() {
            self.scopes.push(name.simple.clone());
        }
        self.frames.push(Frame {
            function,
            // A closure's body is one level deeper for its parent, level 0 for itself.
            base: if is_closure { nesting + 1 } else { nesting },
            owned: !is_closure,
            simple_name: name.simple,
            complexity: Complexity {
                cyclomatic: 1,
                ..Complexity::default()
            },
        });
    }

    fn leave(&mut self, frames: usize, scopes: usize) {
        while self.frames.len() > frames {
            if let Some(frame) = self.frames.pop() {
                self.result.functions[frame.function].complexity = frame.complexity;
            }
        }
        self.scopes.truncate(scopes);
    }

    fn mark(&mut self, node: Node, code: bool) {
        let lines = if code {
            &mut self.result.code_line
        } else {
            &mut self.result.comment_line
        };
        let first = node.start_position().row - self.origin_line;
        let last = (node.end_position().row - self.origin_line).min(lines.len().saturating_sub(1));
        for line in lines.iter_mut().take(last + 1).skip(first) {
            *line = true;
        }
    }

    fn relative(&self, node: Node) -> Span {
        relative_span(Span::of(node), self.origin)
    }
}

/// A span made relative to a chunk's start (byte 0, line 0 at the chunk).
pub(crate) fn relative_span(span: Span, origin: Node) -> Span {
    span.relative_to(origin.start_byte(), origin.start_position().row as u32)
        .unwrap_or_default()
}

/// A relative span placed back at a chunk's position.
pub(crate) fn absolute_span(span: Span, start_byte: usize, start_line: u32) -> Span {
    span.placed_at(start_byte, start_line)
}

fn first_meaningful_child<'t>(node: Node<'t>, language: Language) -> Option<Node<'t>> {
    let kinds = language.kinds();
    let mut cursor = node.walk();

    node.named_children(&mut cursor)
        .find(|c| kinds.role(*c) != Role::Comment)
}

fn count_params(function: Node, source: &[u8], language: Language) -> u32 {
    let spec = language.spec();
    let Some(params) = (spec.parameters)(function) else {
        return 0;
    };
    if params.named_child_count() == 0 && params.kind() == "identifier" {
        // A bare arrow-function parameter: `x => x + 1`.
        return 1;
    }
    let mut cursor = params.walk();
    params
        .named_children(&mut cursor)
        .map(|p| (spec.parameter_count)(p, source))
        .sum()
}

/// Shows every node of a chunk (but those under `members`, a container's body left to its
/// member chunks) to the security scan, for a chunk whose measures were reused but whose
/// scan must run again: the imports or variables seen before it changed.
pub(crate) fn scan_chunk<'t>(
    chunk: Node<'t>,
    members: Option<Node<'t>>,
    cursor: &mut TreeCursor<'t>,
    security: &mut Scan<'t>,
) {
    let stop_at = members.map(|body| body.id());
    cursor.reset(chunk);
    loop {
        let node = cursor.node();
        security.visit(node);
        if Some(node.id()) != stop_at && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// Does a string literal hold code (a JavaScript `${…}`, a Python f-string `{…}`)? Its
/// decisions count, as lizard counts them; other strings are one operand. Decided from the
/// kind and the prefix, without looking at children: this runs for every string.
fn has_code_inside(string: Node, source: &[u8]) -> bool {
    match string.kind() {
        "template_string" => true,
        "string" => source[string.start_byte()..]
            .iter()
            .take(3)
            .take_while(|b| !matches!(b, b'"' | b'\''))
            .any(|b| matches!(b, b'f' | b'F' | b't' | b'T')),
        _ => false,
    }
}
