//! An open document: its text (a rope, so edits cost the size of the edit), its syntax tree
//! kept up to date with tree-sitter's incremental parsing (one `InputEdit` per change), and
//! conversion between LSP positions (in the negotiated encoding) and byte offsets.
//!
//! This module knows nothing of the LSP types: positions are `(line, character)` pairs in an
//! [`Encoding`]; the protocol layer converts.

use std::ops::Range;
use std::sync::Arc;

use cairn_analysis::tree_sitter::{InputEdit, Point, Tree};
use cairn_analysis::{Config, FileAnalysis, Language, analyze_incremental, analyze_tree, parse};
use ropey::Rope;

/// How the `character` of a position counts, as negotiated with the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// A position as the client sends it: 0-based line, `character` in the negotiated encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

/// One `contentChanges` entry: a range and its replacement, or (no range) the whole text.
#[derive(Clone, Debug)]
pub struct Change {
    pub range: Option<(Position, Position)>,
    pub text: String,
}

/// The text is always current; parsing and analysis happen later, off the message loop, on
/// a [`Snapshot`]. Until the result is stored back, the tree is the last parsed one with
/// every edit since applied to it (`Tree::edit`), which is what the next incremental parse
/// needs.
pub struct Document {
    rope: Rope,
    /// The text as of the last stored analysis, as one string.
    analyzed_text: Arc<String>,
    /// The last parsed tree, edited since; `None` before the first parse or after a
    /// whole-text replacement.
    tree: Option<Tree>,
    language: Language,
    version: i32,
    /// Byte ranges (in the current text) changed since the last stored analysis.
    changed: Vec<Range<usize>>,
}

/// What an analysis needs of a document, cheap to take (a rope and a tree share their
/// storage) and `Send`, so it can run on another thread while edits go on.
pub struct Snapshot {
    rope: Rope,
    tree: Option<Tree>,
    language: Language,
    changed: Vec<Range<usize>>,
}

/// A snapshot parsed and analysed, to be stored back with [`Document::store`].
pub struct Analyzed {
    pub tree: Tree,
    pub text: Arc<String>,
    pub analysis: FileAnalysis,
}

impl Snapshot {
    /// Parses (incrementally from the edited tree, when there is one) and analyses, reusing
    /// `previous` — the analysis stored before the edits of this snapshot — for what they did
    /// not touch.
    pub fn analyze(self, config: &Config, previous: Option<&FileAnalysis>) -> Analyzed {
        // `Arc<String>`, not `Arc<str>`: the text is copied out of the rope once, not twice.
        let text = Arc::new(String::from(&self.rope));
        let tree = parse(&text, self.language, self.tree.as_ref());
        let analysis = match (&self.tree, previous) {
            (Some(old), Some(previous)) => {
                let mut changed = self.changed;
                changed.extend(old.changed_ranges(&tree).map(|r| r.start_byte..r.end_byte));
                analyze_incremental(&tree, &text, self.language, config, previous, &changed)
            }
            _ => analyze_tree(&tree, &text, self.language, config),
        };
        Analyzed {
            tree,
            text,
            analysis,
        }
    }
}

impl Document {
    /// A document as opened; nothing is parsed until [`Document::snapshot`] is analysed.
    pub fn new(text: String, language: Language, version: i32) -> Document {
        Document {
            rope: Rope::from_str(&text),
            analyzed_text: Arc::new(text),
            tree: None,
            language,
            version,
            changed: Vec::new(),
        }
    }

    /// The text the last stored analysis saw: the current text when that analysis is fresh.
    pub fn analyzed_text(&self) -> &str {
        &self.analyzed_text
    }

    /// The current text (a copy).
    #[cfg(test)]
    pub fn current_text(&self) -> String {
        String::from(&self.rope)
    }

    #[cfg(test)]
    pub fn tree(&self) -> Option<&Tree> {
        self.tree.as_ref()
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    /// Applies the changes of one `didChange`, in order. Positions past the end of a line or
    /// of the document are clamped, as LSP asks. Costs the size of the edits, not of the
    /// document: no parsing here.
    pub fn apply(&mut self, changes: &[Change], version: i32, encoding: Encoding) {
        for change in changes {
            match change.range {
                Some((start, end)) => {
                    let start = self.offset(start, encoding);
                    let end = self.offset(end, encoding).max(start);
                    self.replace(start, end, &change.text);
                }
                None => {
                    // Earlier edits no longer describe the text: the next parse starts afresh.
                    self.rope = Rope::from_str(&change.text);
                    self.tree = None;
                    self.changed.clear();
                }
            }
        }
        self.version = version;
    }

    /// What an analysis of the current text needs.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            rope: self.rope.clone(),
            tree: self.tree.clone(),
            language: self.language,
            changed: self.changed.clone(),
        }
    }

    /// Keeps the parse of a snapshot taken at the current version (no edit since): its tree
    /// is the base of the next incremental parse. Returns what it replaces, for the caller
    /// to drop once the diagnostics are out (freeing a tree costs what changed in it).
    pub fn store(&mut self, tree: Tree, text: Arc<String>) -> impl Send + use<> {
        self.changed.clear();
        (
            self.tree.replace(tree),
            std::mem::replace(&mut self.analyzed_text, text),
        )
    }

    /// Replaces `start..end` (bytes) and tells the tree.
    fn replace(&mut self, start: usize, end: usize, new_text: &str) {
        let start_position = self.point(start);
        let old_end_position = self.point(end);
        let (start_char, end_char) = (self.rope.byte_to_char(start), self.rope.byte_to_char(end));
        self.rope.remove(start_char..end_char);
        self.rope.insert(start_char, new_text);
        let new_end = start + new_text.len();
        let edit = InputEdit {
            start_byte: start,
            old_end_byte: end,
            new_end_byte: new_end,
            start_position,
            old_end_position,
            new_end_position: self.point(new_end),
        };
        if let Some(tree) = &mut self.tree {
            tree.edit(&edit);
        }
        // Earlier changed ranges move with the edit.
        let delta = new_end as isize - end as isize;
        for range in &mut self.changed {
            if range.start >= end {
                range.start = range.start.saturating_add_signed(delta);
                range.end = range.end.saturating_add_signed(delta);
            } else if range.end >= start {
                range.end = range
                    .end
                    .max(end)
                    .saturating_add_signed(delta)
                    .max(range.start);
            }
        }
        self.changed.push(start..new_end);
    }

    /// The tree-sitter point (row, byte column) of a byte offset.
    fn point(&self, offset: usize) -> Point {
        let line = self.rope.byte_to_line(offset);
        Point::new(line, offset - self.rope.line_to_byte(line))
    }

    /// The byte offset of a position; past the end of its line → the line's end, past the
    /// last line → the end of the text; inside a character → that character's start.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_bytes();
        }
        let line_start = self.rope.line_to_byte(line);
        let content = line_content_len(&self.rope, line);
        match encoding {
            Encoding::Utf8 => {
                let target = line_start + (position.character as usize).min(content);
                // Floor to a character boundary.
                self.rope.char_to_byte(self.rope.byte_to_char(target))
            }
            Encoding::Utf16 => {
                let first_char = self.rope.byte_to_char(line_start);
                let last_char = self.rope.byte_to_char(line_start + content);
                let base = self.rope.char_to_utf16_cu(first_char);
                let limit = self.rope.char_to_utf16_cu(last_char);
                let target = (base + position.character as usize).min(limit);
                let char_index = self.rope.utf16_cu_to_char(target);
                self.rope.char_to_byte(char_index.min(last_char))
            }
        }
    }

    /// The position of a byte offset (clamped to the text) in `encoding`.
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let offset = offset.min(self.rope.len_bytes());
        let offset = self.rope.char_to_byte(self.rope.byte_to_char(offset));
        let line = self.rope.byte_to_line(offset);
        let line_start = self.rope.line_to_byte(line);
        let character = match encoding {
            Encoding::Utf8 => offset - line_start,
            Encoding::Utf16 => {
                self.rope.char_to_utf16_cu(self.rope.byte_to_char(offset))
                    - self
                        .rope
                        .char_to_utf16_cu(self.rope.byte_to_char(line_start))
            }
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }
}

/// The length in bytes of a line without its terminator (`\n`, `\r\n`).
fn line_content_len(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let mut len = slice.len_bytes();
    let chars = slice.len_chars();
    if chars > 0 && slice.char(chars - 1) == '\n' {
        len -= 1;
        if chars > 1 && slice.char(chars - 2) == '\r' {
            len -= 1;
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An independent reading of a position: lines split at `\n` (a `\r` before it is part of
    /// the terminator), columns counted in the encoding, clamped like the LSP spec says.
    fn oracle_offset(text: &str, position: Position, encoding: Encoding) -> usize {
        let mut line_start = 0;
        for _ in 0..position.line {
            match text[line_start..].find('\n') {
                Some(i) => line_start += i + 1,
                None => return text.len(),
            }
        }
        let rest = &text[line_start..];
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            let width = match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if units + width > position.character as usize {
                return line_start + i;
            }
            units += width;
        }
        line_start + line.len()
    }

    #[test]
    fn positions_convert_in_both_encodings_with_surrogate_pairs_and_crlf() {
        let doc = Document::new("a😀b\r\né = 1\n".to_string(), Language::Python, 0);
        let at = |line, character, encoding| doc.offset(Position { line, character }, encoding);
        assert_eq!(at(0, 1, Encoding::Utf16), 1);
        assert_eq!(at(0, 3, Encoding::Utf16), 5, "after the surrogate pair");
        assert_eq!(
            at(0, 2, Encoding::Utf16),
            1,
            "inside the pair: the character's start"
        );
        assert_eq!(at(0, 5, Encoding::Utf8), 5);
        assert_eq!(
            at(0, 99, Encoding::Utf16),
            6,
            "past the line end: before \\r\\n"
        );
        assert_eq!(
            at(1, 1, Encoding::Utf16),
            10,
            "é is one UTF-16 unit, two bytes"
        );
        assert_eq!(at(7, 0, Encoding::Utf8), doc.current_text().len());
        assert_eq!(
            doc.position(5, Encoding::Utf16),
            Position {
                line: 0,
                character: 3
            }
        );
        assert_eq!(
            doc.position(5, Encoding::Utf8),
            Position {
                line: 0,
                character: 5
            }
        );
        assert_eq!(
            doc.position(10, Encoding::Utf16),
            Position {
                line: 1,
                character: 1
            }
        );
    }

    const START: &str = "def f(x):\n    if x and y:\n        return 'é😀'\r\n    return eval(x)\n\nclass C:\n    def m(self):\n        pass\n";

    fn edit() -> impl Strategy<Value = (u32, u32, u32, u32, String, bool, bool)> {
        (
            0u32..10,
            0u32..30,
            0u32..3,
            0u32..30,
            prop::sample::select(vec![
                "",
                "x",
                "é",
                "😀",
                "\n",
                "\r\n",
                "if a:\n    ",
                "def g():\n    return 1\n",
                "(",
                ")",
                "'",
                "    ",
            ])
            .prop_map(str::to_string),
            any::<bool>(),
            // Analyse after this edit (else the edits pile up, as when typing outruns the
            // analysis and stale results are dropped).
            any::<bool>(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn random_incremental_edits_match_a_fresh_parse_and_analysis(edits in prop::collection::vec(edit(), 1..12)) {
            let config = Config::default();
            let mut doc = Document::new(START.to_string(), Language::Python, 0);
            let mut expected = START.to_string();
            let first = doc.snapshot().analyze(&config, None);
            doc.store(first.tree, first.text);
            let mut previous = first.analysis;
            let count = edits.len();
            for (version, (line, character, lines, end_character, text, utf16, analyse)) in edits.into_iter().enumerate() {
                let encoding = if utf16 { Encoding::Utf16 } else { Encoding::Utf8 };
                let start = Position { line, character };
                let end = Position { line: line + lines, character: end_character };
                let (a, b) = (oracle_offset(&expected, start, encoding), oracle_offset(&expected, end, encoding));
                expected.replace_range(a..b.max(a), &text);
                doc.apply(&[Change { range: Some((start, end)), text }], version as i32 + 1, encoding);
                prop_assert_eq!(doc.current_text(), expected.as_str());
                if !analyse && version + 1 < count {
                    continue;
                }
                let analyzed = doc.snapshot().analyze(&config, Some(&previous));
                doc.store(analyzed.tree, analyzed.text);
                prop_assert_eq!(doc.analyzed_text(), expected.as_str());
                let fresh = parse(&expected, Language::Python, None);
                prop_assert_eq!(doc.tree().unwrap().root_node().to_sexp(), fresh.root_node().to_sexp());
                let full = cairn_analysis::analyze(&expected, Language::Python, &config);
                prop_assert_eq!(&analyzed.analysis.functions, &full.functions);
                prop_assert_eq!(&analyzed.analysis.findings, &full.findings);
                previous = analyzed.analysis;
            }
        }
    }
}
