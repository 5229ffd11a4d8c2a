//! Cairn's analysis engine: parse a file with tree-sitter, measure its functions, run the
//! rules, and report findings with fixes. Pure: no I/O, no async, no global state beyond
//! per-language tables built once.
//!
//! ```
//! use cairn_analysis::{analyze, Config, Language};
//! let analysis = analyze("def f(x):\n    return eval(x)\n", Language::Python, &Config::default());
//! assert_eq!(analysis.functions[0].name, "f");
//! ```

pub mod config;
pub mod finding;
mod functions;
mod incremental;
pub mod language;
pub mod metrics;
pub mod rules;
pub mod span;
pub mod suppress;
mod walk;

pub use config::{Config, ConfigError, Thresholds};
pub use finding::{Edit, Finding, Fix, Severity};
pub use incremental::analyze_incremental;
pub use language::Language;
pub use metrics::{FileMetrics, FunctionMetrics};
pub use rules::Rule;
pub use rules::security::secrets::{SecretKind, SecretMatch, find_secrets};
pub use span::{LineCol, LineIndex, Span};
pub use suppress::suppression_fix;
pub use tree_sitter;

use tree_sitter::{Parser, Tree};

/// Everything Cairn knows about one file.
#[derive(Clone, Debug)]
pub struct FileAnalysis {
    pub language: Language,
    pub functions: Vec<FunctionMetrics>,
    pub metrics: FileMetrics,
    /// Findings after configuration and suppressions, ordered by position.
    pub findings: Vec<Finding>,
    /// The measures and security scan of each top-level chunk, for reuse by
    /// [`analyze_incremental`].
    chunks: Vec<walk::Chunk>,
}

impl PartialEq for FileAnalysis {
    fn eq(&self, other: &Self) -> bool {
        self.language == other.language
            && self.functions == other.functions
            && self.metrics == other.metrics
            && self.findings == other.findings
    }
}

/// What a rule sees of the file.
pub(crate) struct FileContext<'a> {
    pub source: &'a str,
    pub tree: &'a Tree,
    pub index: &'a LineIndex<'a>,
}

/// Parses `source`, reusing `old` (already edited with `Tree::edit`) when given.
pub fn parse(source: &str, language: Language, old: Option<&Tree>) -> Tree {
    let mut parser = Parser::new();
    // The grammars are compiled in at the ABI version tree-sitter supports; a mismatch is a
    // build error of this crate, not something input can cause.
    parser
        .set_language(&language.grammar())
        .expect("grammar ABI matches the tree-sitter runtime");
    parser
        .parse(source, old)
        .expect("parsing without a timeout or cancellation flag always returns a tree")
}

/// Parses and analyses a whole file.
pub fn analyze(source: &str, language: Language, config: &Config) -> FileAnalysis {
    let tree = parse(source, language, None);
    analyze_tree(&tree, source, language, config)
}

/// Analyses an already parsed file.
pub fn analyze_tree(
    tree: &Tree,
    source: &str,
    language: Language,
    config: &Config,
) -> FileAnalysis {
    analyze_with(tree, source, language, config, |_, _, _| None)
}

/// The shared pipeline; `reuse(chunk)` may return the result of an unchanged chunk.
pub(crate) fn analyze_with(
    tree: &Tree,
    source: &str,
    language: Language,
    config: &Config,
    reuse: impl Fn(tree_sitter::Node, u64, u64) -> Option<walk::Chunk>,
) -> FileAnalysis {
    let bytes = source.as_bytes();
    let index = LineIndex::new(source);
    let line_count = index.line_count();
    let mut assembly = Assembly {
        code_line: vec![false; line_count],
        comment_line: vec![false; line_count],
        ..Assembly::default()
    };

    let root = tree.root_node();
    let mut chunker = Chunker {
        bytes,
        language,
        reuse,
        cursor: root.walk(),
        security: rules::security::Scan::new(source, language, &index, root),
        has_suppressions: source.contains(suppress::MARKER),
    };
    let mut top = root.walk();
    let mut pending = top.goto_first_child().then(|| top.node());
    while let Some(node) = pending {
        match walk::members_of(node, language) {
            None => assembly.add(node, chunker.chunk(node, None, None)),
            Some((body, path)) => {
                // A container: its header, then each member as a chunk of its own.
                let shell = chunker.chunk(node, None, Some(body));
                let entry = shell.measures.members.clone();
                assembly.add(node, shell);
                if let Some(entry) = entry {
                    chunker.security.enter_members(&path);
                    let mut members = body.walk();
                    let mut member = members.goto_first_child().then(|| members.node());
                    while let Some(node) = member {
                        assembly.add(node, chunker.chunk(node, Some((&entry, body)), None));
                        member = members.goto_next_sibling().then(|| members.node());
                    }
                    chunker.security.leave_members();
                }
            }
        }
        pending = top.goto_next_sibling().then(|| top.node());
    }
    let Assembly {
        code_line,
        comment_line,
        operators,
        operands,
        total_operators,
        total_operands,
        functions,
        suppressions,
        chunks,
    } = assembly;
    let security = chunker.security;

    let code_lines = code_line.iter().filter(|c| **c).count() as u32;
    let comment_lines = code_line
        .iter()
        .zip(&comment_line)
        .filter(|(code, comment)| !**code && **comment)
        .count() as u32;
    let lines = line_count as u32 - u32::from(source.ends_with('\n'));
    let length = (total_operators + total_operands) as f64;
    let vocabulary = (operators.len() + operands.len()) as f64;
    let volume = if vocabulary < 2.0 {
        0.0
    } else {
        length * vocabulary.log2()
    };
    let cyclomatic_total = functions
        .iter()
        .filter(|f| !f.is_closure)
        .map(|f| f.cyclomatic)
        .sum::<u32>()
        .max(1);
    let file_metrics = FileMetrics {
        lines,
        code_lines,
        comment_lines,
        blank_lines: lines.saturating_sub(code_lines + comment_lines),
        functions: functions.len() as u32,
        halstead_volume: (volume * 100.0).round() / 100.0,
        maintainability_index: metrics::maintainability_index(volume, cyclomatic_total, code_lines),
    };

    let ctx = FileContext {
        source,
        tree,
        index: &index,
    };
    let mut findings = security.finish();
    rules::syntax::check(&ctx, &mut findings);
    rules::complexity::check(&functions, &config.thresholds, &mut findings);

    let comment_only = |line: u32| {
        let line = line as usize;
        comment_line.get(line).copied().unwrap_or(false)
            && !code_line.get(line).copied().unwrap_or(false)
    };
    findings.retain(|f| {
        config.is_enabled(f.rule) && !suppress::is_suppressed(f, &suppressions, comment_only)
    });
    for finding in &mut findings {
        if let Some(severity) = config.severity_override(finding.rule) {
            finding.severity = severity;
        }
    }
    findings.sort_by(|a, b| {
        (a.span.start_byte, a.span.end_byte, a.rule).cmp(&(
            b.span.start_byte,
            b.span.end_byte,
            b.rule,
        ))
    });
    findings.dedup_by(|a, b| a.rule == b.rule && a.span == b.span);

    FileAnalysis {
        language,
        functions,
        metrics: file_metrics,
        findings,
        chunks,
    }
}

/// Walks the chunks of a file in document order, or takes them from a previous analysis.
struct Chunker<'t, 's, R> {
    bytes: &'s [u8],
    language: Language,
    /// A previous result for a chunk (by node, key and the scan's state before it), if it
    /// may be reused.
    reuse: R,
    cursor: tree_sitter::TreeCursor<'t>,
    security: rules::security::Scan<'t>,
    has_suppressions: bool,
}

impl<'t, R: Fn(tree_sitter::Node, u64, u64) -> Option<walk::Chunk>> Chunker<'t, '_, R> {
    /// One chunk: a top-level item, a container's header (`members` is its body, left to
    /// the member chunks), or a container's member (`entry`).
    fn chunk(
        &mut self,
        node: tree_sitter::Node<'t>,
        entry: Option<(&walk::Entry, tree_sitter::Node<'t>)>,
        members: Option<tree_sitter::Node<'t>>,
    ) -> walk::Chunk {
        let key = walk::chunk_key(node, self.bytes, entry.map(|(entry, _)| entry));
        let own_text = node.start_byte()..members.map_or(node.end_byte(), |b| b.start_byte());
        if let Some(mut reused) = (self.reuse)(node, key, self.security.fingerprint()) {
            if !self.security.reuse_chunk(node, &reused.scan) {
                // Same text, but the imports or variables seen before it changed.
                self.security.begin_chunk(node, own_text);
                walk::scan_chunk(node, members, &mut self.cursor, &mut self.security);
                reused.scan = std::sync::Arc::new(self.security.end_chunk());
            }
            return reused;
        }
        self.security.begin_chunk(node, own_text);
        let measures = walk::walk_chunk(
            node,
            walk::Place {
                key,
                entry,
                members,
            },
            self.bytes,
            self.language,
            &mut self.cursor,
            &mut self.security,
            self.has_suppressions,
        );
        walk::Chunk {
            measures: std::sync::Arc::new(measures),
            scan: std::sync::Arc::new(self.security.end_chunk()),
        }
    }
}

/// The file's measures, put together from its chunks.
#[derive(Default)]
struct Assembly {
    code_line: Vec<bool>,
    comment_line: Vec<bool>,
    operators: rustc_hash::FxHashSet<u16>,
    operands: rustc_hash::FxHashSet<u64>,
    total_operators: u64,
    total_operands: u64,
    functions: Vec<FunctionMetrics>,
    suppressions: Vec<suppress::Suppression>,
    chunks: Vec<walk::Chunk>,
}

impl Assembly {
    fn add(&mut self, node: tree_sitter::Node, chunk: walk::Chunk) {
        let result = &*chunk.measures;
        let (start_byte, start_line) = (node.start_byte(), node.start_position().row);
        for (offset, (code, comment)) in result
            .code_line
            .iter()
            .zip(&result.comment_line)
            .enumerate()
        {
            if let Some(slot) = self.code_line.get_mut(start_line + offset) {
                *slot |= *code;
            }
            if let Some(slot) = self.comment_line.get_mut(start_line + offset) {
                *slot |= *comment;
            }
        }
        self.operators.extend(result.operators.iter().copied());
        self.operands.extend(result.operands.iter().copied());
        self.total_operators += u64::from(result.total_operators);
        self.total_operands += u64::from(result.total_operands);
        for s in &result.suppressions {
            self.suppressions.push(suppress::Suppression {
                line: s.line + start_line as u32,
                selectors: s.selectors.clone(),
            });
        }
        for f in &result.functions {
            let span = walk::absolute_span(f.span, start_byte, start_line as u32);
            let name_span = walk::absolute_span(f.name_span, start_byte, start_line as u32);
            let lines = (span.start.line..=span.end.line)
                .filter(|l| self.code_line.get(*l as usize).copied().unwrap_or(false))
                .count() as u32;
            self.functions.push(FunctionMetrics {
                name: f.name.clone(),
                start_line: name_span.start.line + 1,
                end_line: span.end.line + 1,
                params: f.params,
                lines,
                cyclomatic: f.complexity.cyclomatic,
                cognitive: f.complexity.cognitive,
                nesting: f.complexity.nesting,
                span,
                name_span,
                is_closure: f.is_closure,
            });
        }
        self.chunks.push(chunk);
    }
}
