//! Re-analysis after an edit that measures again only the functions the edit touched.
//!
//! A function whose bytes lie outside every changed range has the same text as before, so
//! its complexity and parameters are taken from the previous analysis (looked up by a hash
//! of its text); everything else is measured again. The result is the same as a full
//! analysis (tested).

use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

use tree_sitter::Tree;

use crate::functions::FunctionNode;
use crate::{Config, FileAnalysis, Language, analyze_with};

/// Analyses `tree` (parsed incrementally from the previous tree) reusing `previous` for
/// functions outside `changed` (byte ranges in the new text: the edits' new ranges and
/// `old_tree.changed_ranges(&tree)`).
pub fn analyze_incremental(
    tree: &Tree,
    source: &str,
    language: Language,
    config: &Config,
    previous: &FileAnalysis,
    changed: &[Range<usize>],
) -> FileAnalysis {
    if previous.language != language {
        return crate::analyze_tree(tree, source, language, config);
    }
    let bytes = source.as_bytes();
    analyze_with(tree, source, language, config, |found| {
        let (start, end) = (found.node.start_byte(), found.node.end_byte());
        let touched = changed.iter().any(|r| r.start <= end && start <= r.end);
        if touched {
            return None;
        }
        previous.reuse.get(&content_hash(found, bytes)).copied()
    })
}

pub(crate) fn content_hash(found: &FunctionNode, source: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    source[found.node.start_byte()..found.node.end_byte()].hash(&mut hasher);
    found.is_closure.hash(&mut hasher);
    found.simple_name.hash(&mut hasher);
    hasher.finish()
}
