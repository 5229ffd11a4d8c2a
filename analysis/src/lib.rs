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
    analyze_with(tree, source, language, config, |_| None)
}

/// The shared pipeline; `reuse(chunk)` may return the result of an unchanged chunk.
pub(crate) fn analyze_with(
    tree: &Tree,
    source: &str,
    language: Language,
    config: &Config,
    reuse: impl Fn(tree_sitter::Node) -> Option<walk::Chunk>,
) -> FileAnalysis {
    let bytes = source.as_bytes();
    let index = LineIndex::new(source);
    let line_count = index.line_count();
    let mut code_line = vec![false; line_count];
    let mut comment_line = vec![false; line_count];
    let mut operators = rustc_hash::FxHashSet::default();
    let mut operands = rustc_hash::FxHashSet::default();
    let (mut total_operators, mut total_operands) = (0u64, 0u64);
    let mut functions = Vec::new();
    let mut suppressions = Vec::new();
    let mut chunks = Vec::new();

    let root = tree.root_node();
    let mut cursor = root.walk();
    let mut chunk_cursor = root.walk();
    let mut security = rules::security::Scan::new(source, language, &index, root);
    let has_suppressions = source.contains(suppress::MARKER);
    let has_chunks = cursor.goto_first_child();
    let mut pending = if has_chunks {
        Some(cursor.node())
    } else {
        None
    };
    while let Some(chunk) = pending {
        let reused = match reuse(chunk) {
            Some(mut reused) => {
                if !security.reuse_chunk(chunk, &reused.scan) {
                    // Same text, but the imports or variables seen before it changed.
                    security.begin_chunk(chunk);
                    walk::scan_chunk(chunk, &mut chunk_cursor, &mut security);
                    reused.scan = std::sync::Arc::new(security.end_chunk());
                }
                reused
            }
            None => {
                security.begin_chunk(chunk);
                let measures = walk::walk_chunk(
                    chunk,
                    bytes,
                    language,
                    &mut chunk_cursor,
                    &mut security,
                    has_suppressions,
                );
                walk::Chunk {
                    measures: std::sync::Arc::new(measures),
                    scan: std::sync::Arc::new(security.end_chunk()),
                }
            }
        };
        let result = &*reused.measures;
        let (start_byte, start_line) = (chunk.start_byte(), chunk.start_position().row);
        for (offset, (code, comment)) in result
            .code_line
            .iter()
            .zip(&result.comment_line)
            .enumerate()
        {
            if let Some(slot) = code_line.get_mut(start_line + offset) {
                *slot |= *code;
            }
            if let Some(slot) = comment_line.get_mut(start_line + offset) {
                *slot |= *comment;
            }
        }
        operators.extend(result.operators.iter().copied());
        operands.extend(result.operands.iter().copied());
        total_operators += u64::from(result.total_operators);
        total_operands += u64::from(result.total_operands);
        for s in &result.suppressions {
            suppressions.push(suppress::Suppression {
                line: s.line + start_line as u32,
                selectors: s.selectors.clone(),
            });
        }
        for f in &result.functions {
            let span = walk::absolute_span(f.span, start_byte, start_line as u32);
            let name_span = walk::absolute_span(f.name_span, start_byte, start_line as u32);
            let lines = (span.start.line..=span.end.line)
                .filter(|l| code_line.get(*l as usize).copied().unwrap_or(false))
                .count() as u32;
            functions.push(FunctionMetrics {
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
        chunks.push(reused);
        pending = if cursor.goto_next_sibling() {
            Some(cursor.node())
        } else {
            None
        };
    }

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
