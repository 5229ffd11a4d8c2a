//! Re-analysis after an edit that walks again only what the edit touched.
//!
//! A file is analysed in chunks, the top-level items under the root (functions, classes,
//! statements). A chunk that lies outside every changed range and has the same text and
//! start column as a chunk of the previous analysis is taken from it, shifted to its new
//! place; only the other chunks are walked and measured again. The result is the same as a
//! full analysis (tested with random edits).

use std::ops::Range;

use rustc_hash::FxHashMap;
use tree_sitter::Tree;

use crate::walk::Chunk;
use crate::{Config, FileAnalysis, Language, analyze_with};

/// Analyses `tree` (parsed incrementally from the previous tree) reusing `previous` for
/// chunks outside `changed` (byte ranges in the new text: the edits' new ranges and
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
    // The same text can stand in several places (an import repeated, a `;`); its measures
    // are the same everywhere, its scan only where the same state led to it.
    let mut by_key: FxHashMap<u64, &Chunk> = FxHashMap::default();
    let mut by_key_and_state: FxHashMap<(u64, u64), &Chunk> = FxHashMap::default();
    for chunk in &previous.chunks {
        by_key.insert(chunk.measures.key, chunk);
        if let Some(state) = chunk.scan.state_in() {
            by_key_and_state.insert((chunk.measures.key, state), chunk);
        }
    }
    analyze_with(tree, source, language, config, |chunk, key, state| {
        let (start, end) = (chunk.start_byte(), chunk.end_byte());
        if changed.iter().any(|r| r.start <= end && start <= r.end) {
            return None;
        }
        by_key_and_state
            .get(&(key, state))
            .or_else(|| by_key.get(&key))
            .map(|c| (*c).clone())
    })
}
