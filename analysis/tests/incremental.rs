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
    let tree = parse(old, language, None);
    let previous = cairn_analysis::analyze_tree(&tree, old, language, &config);
    edit_and_compare(language, old, tree, &previous, start, end, replacement);
}

/// One incremental step: edits `old` (parsed as `tree`, analysed as `previous`), re-analyses
/// incrementally, checks the result against a full analysis and returns the new state.
fn edit_and_compare(
    language: Language,
    old: &str,
    mut tree: cairn_analysis::tree_sitter::Tree,
    previous: &cairn_analysis::FileAnalysis,
    start: usize,
    end: usize,
    replacement: &str,
) -> (
    String,
    cairn_analysis::tree_sitter::Tree,
    cairn_analysis::FileAnalysis,
) {
    let config = Config::default();
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
    let incremental = analyze_incremental(&new_tree, &new, language, &config, previous, &changed);
    let full = analyze(&new, language, &config);
    assert_eq!(
        incremental.functions, full.functions,
        "functions differ after editing {old:?} → {new:?}"
    );
    assert_eq!(
        incremental.findings, full.findings,
        "findings differ after editing {old:?} → {new:?}"
    );
    assert_eq!(incremental.metrics, full.metrics);
    (new, new_tree, incremental)
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

#[test]
fn a_variable_moved_into_another_class_body_reaches_its_later_members() {
    // In the old text `q` belongs to A's body, so B's `execute(q)` is not reported; after the
    // edit it belongs to B's body and is. The member `cursor.execute(q)` keeps its text.
    let old = "class A:\n    q = f\"SELECT a FROM b WHERE c = {d}\"\nclass B:\n    y = 2\n\n    def f(self):\n        pass\n\n    cursor.execute(q)\n";
    let start = old.find("q = f").unwrap();
    let end = old.find("    y = 2").unwrap();
    check_edit(
        Language::Python,
        old,
        start,
        end,
        "pass\nclass B:\n    q = f\"SELECT a FROM b WHERE c = {d}\"\n",
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_edits_match_a_full_analysis(start in 0usize..PYTHON.len(), len in 0usize..20, text in "[a-z :()\n]{0,12}|if x:\n    |else:|\n\ndef g():\n    return 1\n") {
        let end = (start + len).min(PYTHON.len());
        check_edit(Language::Python, PYTHON, start, end, &text);
    }
}

/// Files whose security findings depend on earlier chunks: imports give calls their meaning,
/// root-level variables carry a built query to a later statement, and a Java file's mention
/// of `ObjectInputStream` decides whether `readObject()` is reported.
const CROSSING: &[(Language, &str)] = &[
    (
        Language::Python,
        "import subprocess as sp\nimport hashlib\nq = f\"SELECT * FROM t WHERE id = {uid}\"\n\ndef run(cmd):\n    sp.run(cmd, shell=True)\n    return hashlib.md5(cmd)\n\ncursor.execute(q)\n\ndef other(x):\n    y = f\"DELETE FROM t WHERE x = {x}\"\n    db.execute(y)\n    requests.get(x, verify=False)\n",
    ),
    (
        Language::Python,
        "import subprocess as sp\n\nclass Store(Base):\n    q = f\"SELECT * FROM t WHERE id = {uid}\"\n    cursor.execute(q)\n\n    def get(self, x):\n        return sp.run(x, shell=True)\n\n    @property\n    def name(self):\n        cursor.execute(q)\n        return hashlib.md5(self.x)\n\n@decorated\nclass Other:\n    def get(self):\n        return eval(self.x)\n",
    ),
    (
        Language::TypeScript,
        "import { exec } from \"child_process\";\n\nexport class Api {\n  run(cmd: string) {\n    exec(cmd);\n  }\n  query(id: string) {\n    const q = `SELECT * FROM t WHERE id = ${id}`;\n    return db.query(q);\n  }\n}\n\nclass Inner {\n  x = eval(y);\n}\n",
    ),
    (
        Language::JavaScript,
        "const cp = require(\"child_process\");\nconst q = `SELECT * FROM t WHERE id = ${id}`;\n\nfunction run(cmd) {\n  cp.exec(cmd);\n  el.innerHTML = cmd;\n}\n\ndb.query(q);\n",
    ),
    (
        Language::Java,
        "class A {\n  Object read(InputStream s) throws Exception {\n    return in.readObject();\n  }\n}\n\nclass B {\n  void f(String id) {\n    stmt.executeQuery(\"SELECT * FROM t WHERE id = \" + id);\n  }\n}\n",
    ),
];

/// Pieces of code that add or remove what crosses chunks.
const FRAGMENTS: &[&str] = &[
    "import subprocess as sp\n",
    "from subprocess import run\n",
    "import os as sp\n",
    "q = 1\n",
    "q = f\"SELECT a FROM b WHERE c = {d}\"\n",
    "const cp = require(\"child_process\");\n",
    "const q = 'x';\n",
    "class Renamed:\n",
    "    q = 1\n",
    "export class Moved {\n",
    "}\n",
    "ObjectInputStream",
    "\n",
    "  ",
    "x",
    "",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Several edits in a row, each re-analysed from the previous incremental result, so
    /// reused chunks are reused again; every step must equal a fresh analysis.
    #[test]
    fn chained_edits_to_what_crosses_chunks_match_a_full_analysis(
        file in 0usize..CROSSING.len(),
        edits in proptest::collection::vec((0usize..400, 0usize..12, 0usize..FRAGMENTS.len()), 1..6),
    ) {
        let (language, source) = CROSSING[file];
        let config = Config::default();
        let mut text = source.to_string();
        let mut tree = parse(&text, language, None);
        let mut analysis = cairn_analysis::analyze_tree(&tree, &text, language, &config);
        for (at, len, fragment) in edits {
            let start = at.min(text.len());
            let end = (start + len).min(text.len());
            let (new, new_tree, new_analysis) =
                edit_and_compare(language, &text, tree, &analysis, start, end, FRAGMENTS[fragment]);
            (text, tree, analysis) = (new, new_tree, new_analysis);
        }
    }
}
