//! Incremental re-analysis after edits gives the same result as a full analysis.

use cairn_analysis::tree_sitter::{InputEdit, Point};
use cairn_analysis::{Config, Language, LineIndex, analyze, analyze_incremental, parse};
use proptest::prelude::*;

fn point(text: &str, offset: usize) -> Point {
    let at = LineIndex::new(text).line_col(offset);
    Point::new(at.line as usize, at.column as usize)
}

/// Applies `replacement` at `start..end` of `old`, incrementally, and compares with a full
/// analysis of the new text.
fn check_edit(language: Language, old: &str, start: usize, end: usize, replacement: &str) {
    let config = Config::default();
    let mut tree = parse(old, language, None);
    let previous = cairn_analysis::analyze_tree(&tree, old, language, &config);
    let mut new = old.to_string();
    new.replace_range(start..end, replacement);
    let new_end = start + replacement.len();
    tree.edit(&InputEdit {
        start_byte: start,
        old_end_byte: end,
        new_end_byte: new_end,
        start_position: point(old, start),
        old_end_position: point(old, end),
        new_end_position: point(&new, new_end),
    });
    let new_tree = parse(&new, language, Some(&tree));
    let mut changed: Vec<_> = tree
        .changed_ranges(&new_tree)
        .map(|r| r.start_byte..r.end_byte)
        .collect();
    changed.push(start..new_end);
    let incremental = analyze_incremental(&new_tree, &new, language, &config, &previous, &changed);
    let full = analyze(&new, language, &config);
    assert_eq!(
        incremental.functions, full.functions,
        "functions differ after editing {old:?} → {new:?}"
    );
    assert_eq!(incremental.findings, full.findings);
    assert_eq!(incremental.metrics, full.metrics);
}

const PYTHON: &str = "def a(x):\n    if x:\n        return 1\n    return 2\n\ndef b(y):\n    for i in y:\n        while i:\n            i -= 1\n\nclass C:\n    def m(self, z):\n        return z and self or None\n";

#[test]
fn editing_one_function_keeps_the_others_and_matches_a_full_analysis() {
    let at = PYTHON.find("return 1").unwrap();
    check_edit(
        Language::Python,
        PYTHON,
        at,
        at + 8,
        "return 1 if x > 2 else 3",
    );
    let at = PYTHON.find("class C").unwrap();
    check_edit(
        Language::Python,
        PYTHON,
        at,
        at,
        "def inserted(q):\n    return q or 1\n\n",
    );
    check_edit(Language::Python, PYTHON, 0, 9, "");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_match_a_full_analysis(start in 0usize..PYTHON.len(), len in 0usize..20, text in "[a-z :()\n]{0,12}|if x:\n    |else:|\n\ndef g():\n    return 1\n") {
        let end = (start + len).min(PYTHON.len());
        check_edit(Language::Python, PYTHON, start, end, &text);
    }
}
