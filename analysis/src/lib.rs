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

pub use config::{Config, ConfigError, Thresholds};
pub use finding::{Edit, Finding, Fix, Severity};
pub use incremental::analyze_incremental;
pub use language::Language;
pub use metrics::{FileMetrics, FunctionMetrics};
pub use rules::Rule;
pub use span::{LineCol, LineIndex, Span};
pub use suppress::suppression_fix;
pub use tree_sitter;

use std::collections::HashMap;

use tree_sitter::{Parser, Tree};

use crate::metrics::complexity::{self, Complexity};

/// Everything Cairn knows about one file.
#[derive(Clone, Debug, PartialEq)]
pub struct FileAnalysis {
    pub language: Language,
    pub functions: Vec<FunctionMetrics>,
    pub metrics: FileMetrics,
    /// Findings after configuration and suppressions, ordered by position.
    pub findings: Vec<Finding>,
    /// Complexity by function content, for reuse by [`analyze_incremental`].
    reuse: HashMap<u64, Reusable>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct Reusable {
    complexity: Complexity,
    params: u32,
}

/// What a rule sees of the file.
pub(crate) struct FileContext<'a> {
    pub source: &'a str,
    pub tree: &'a Tree,
    pub language: Language,
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

/// The shared pipeline; `reuse(function)` may return the measures of an unchanged function.
pub(crate) fn analyze_with(
    tree: &Tree,
    source: &str,
    language: Language,
    config: &Config,
    reuse: impl Fn(&functions::FunctionNode) -> Option<Reusable>,
) -> FileAnalysis {
    let bytes = source.as_bytes();
    let index = LineIndex::new(source);
    let scan = metrics::file::scan(tree, bytes, language, index.line_count());
    let spec = language.spec();

    let mut reusable = HashMap::new();
    let mut functions = Vec::new();
    for found in functions::discover(tree, bytes, language) {
        let measured = reuse(&found).unwrap_or_else(|| Reusable {
            complexity: complexity::measure(&found, bytes, language),
            params: count_params(&found, bytes, language),
        });
        reusable.insert(incremental::content_hash(&found, bytes), measured);
        let node = found.node;
        functions.push(FunctionMetrics {
            name: found.name,
            start_line: found.anchor.start_position().row as u32 + 1,
            end_line: node.end_position().row as u32 + 1,
            params: measured.params,
            lines: scan.code_lines_between(node.start_position().row, node.end_position().row),
            cyclomatic: measured.complexity.cyclomatic,
            cognitive: measured.complexity.cognitive,
            nesting: measured.complexity.nesting,
            span: Span::of(node),
            name_span: Span::of(found.anchor),
            is_closure: found.is_closure,
        });
    }
    let _ = spec;

    let code_lines = scan.code_line.iter().filter(|c| **c).count() as u32;
    let comment_lines = scan
        .code_line
        .iter()
        .zip(&scan.comment_line)
        .filter(|(code, comment)| !**code && **comment)
        .count() as u32;
    let lines = index.line_count() as u32 - u32::from(source.ends_with('\n'));
    let volume = scan.halstead_volume();
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
        language,
        index: &index,
    };
    let mut findings = Vec::new();
    rules::syntax::check(&ctx, &mut findings);
    rules::complexity::check(&functions, &config.thresholds, &mut findings);
    rules::security::check(&ctx, &mut findings);

    let suppressions = collect_suppressions(&scan, tree, source, language);
    let comment_only = |line: u32| {
        let line = line as usize;
        scan.comment_line.get(line).copied().unwrap_or(false)
            && !scan.code_line.get(line).copied().unwrap_or(false)
    };
    findings.retain(|f| {
        config.is_enabled(f.rule) && !suppress::is_suppressed(f, &suppressions, comment_only)
    });
    for finding in &mut findings {
        finding.severity = config.severity(finding.rule);
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
        reuse: reusable,
    }
}

fn count_params(found: &functions::FunctionNode, source: &[u8], language: Language) -> u32 {
    let spec = language.spec();
    let Some(params) = (spec.parameters)(found.node) else {
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

fn collect_suppressions(
    scan: &metrics::file::FileScan,
    tree: &Tree,
    source: &str,
    language: Language,
) -> Vec<suppress::Suppression> {
    let mut out = Vec::new();
    if !source.contains("cairn: ignore") {
        return out;
    }
    let _ = scan;
    let kinds = language.kinds();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if kinds.role(node) == language::Role::Comment {
            if let Ok(text) = node.utf8_text(source.as_bytes()) {
                suppress::parse_comment(text, node.start_position().row as u32, &mut out);
            }
        } else if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return out;
            }
        }
    }
}
