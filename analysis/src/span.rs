//! Positions in a source text. The engine speaks 0-based lines and UTF-8 byte columns;
//! [`LineIndex`] converts to the UTF-16 columns that LSP and SARIF use by default.

use serde::{Deserialize, Serialize};

/// A 0-based line and a 0-based UTF-8 byte column.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

impl From<tree_sitter::Point> for LineCol {
    fn from(p: tree_sitter::Point) -> Self {
        LineCol {
            line: p.row as u32,
            column: p.column as u32,
        }
    }
}

/// A range of source text, both as byte offsets and as line/column pairs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start_byte: usize,
    pub end_byte: usize,
    pub start: LineCol,
    pub end: LineCol,
}

impl Span {
    pub fn of(node: tree_sitter::Node) -> Span {
        Span {
            start_byte: node.start_byte(),
            end_byte: node.end_byte(),
            start: node.start_position().into(),
            end: node.end_position().into(),
        }
    }

    /// The span of `source[start..end]`, computed through a [`LineIndex`].
    pub fn from_bytes(index: &LineIndex, start: usize, end: usize) -> Span {
        Span {
            start_byte: start,
            end_byte: end,
            start: index.line_col(start),
            end: index.line_col(end),
        }
    }

    pub fn intersects(&self, start_byte: usize, end_byte: usize) -> bool {
        self.start_byte <= end_byte && start_byte <= self.end_byte
    }

    /// This span made relative to a place (byte 0 and line 0 there); columns stay as they
    /// are, so the place must start where a line starts or keep its column. `None` if the
    /// span begins before the place.
    pub(crate) fn relative_to(self, start_byte: usize, start_line: u32) -> Option<Span> {
        Some(Span {
            start_byte: self.start_byte.checked_sub(start_byte)?,
            end_byte: self.end_byte.checked_sub(start_byte)?,
            start: LineCol {
                line: self.start.line.checked_sub(start_line)?,
                column: self.start.column,
            },
            end: LineCol {
                line: self.end.line.checked_sub(start_line)?,
                column: self.end.column,
            },
        })
    }

    /// A relative span (see [`Span::relative_to`]) placed back at a place.
    pub(crate) fn placed_at(self, start_byte: usize, start_line: u32) -> Span {
        Span {
            start_byte: self.start_byte + start_byte,
            end_byte: self.end_byte + start_byte,
            start: LineCol {
                line: self.start.line + start_line,
                column: self.start.column,
            },
            end: LineCol {
                line: self.end.line + start_line,
                column: self.end.column,
            },
        }
    }
}

/// Line starts of a text, for converting between byte offsets, lines and UTF-16 columns.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: line_starts(text.as_bytes()),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The text of a 0-based line without its line terminator (`\n` or `\r\n`).
    pub fn line(&self, line: u32) -> &'a str {
        let Some(&start) = self.starts.get(line as usize) else {
            return "";
        };
        let end = self
            .starts
            .get(line as usize + 1)
            .map_or(self.text.len(), |next| next - 1);
        let text = &self.text[start..end.max(start)];
        text.strip_suffix('\r').unwrap_or(text)
    }

    pub fn line_start(&self, line: u32) -> usize {
        self.starts
            .get(line as usize)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The line and byte column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        LineCol {
            line: line as u32,
            column: (offset - self.starts[line]) as u32,
        }
    }

    /// The UTF-16 column of a byte column on a line (a byte inside a character counts from
    /// that character's start).
    pub fn utf16_column(&self, at: LineCol) -> u32 {
        let line = self.line(at.line);
        let mut end = (at.column as usize).min(line.len());
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        line[..end].encode_utf16().count() as u32
    }

    /// The 1-based column in characters, as compilers print them.
    pub fn char_column(&self, at: LineCol) -> u32 {
        let line = self.line(at.line);
        let mut end = (at.column as usize).min(line.len());
        while !line.is_char_boundary(end) {
            end -= 1;
        }
        line[..end].chars().count() as u32 + 1
    }
}

/// The offsets where lines start. Lines are short (30–40 bytes in real code), so a search
/// that stops at every `\n` pays its start-up cost per line; this looks at 8 bytes at a time
/// and finds every `\n` in them at once (the exact zero-byte test of "Bit Twiddling Hacks").
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;
    let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
    starts.push(0);
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let mut word_bytes = [0u8; 8];
        word_bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(word_bytes) ^ NEWLINES;
        // A high bit set exactly where a byte of `x` is zero, i.e. a byte was `\n`.
        let mut found = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
        while found != 0 {
            starts.push(base + (found.trailing_zeros() / 8) as usize + 1);
            found &= found - 1;
        }
        base += 8;
    }
    for (i, b) in words.remainder().iter().enumerate() {
        if *b == b'\n' {
            starts.push(base + i + 1);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_starts_are_found_at_every_offset_and_alignment() {
        for text in [
            "",
            "\n",
            "a\nb",
            "\n\n\n\n\n\n\n\n\n",
            "é\n😀\r\nabcdefghijklmnop\nq\n",
        ] {
            for skip in 0..text.len().min(9) {
                let Some(text) = text.get(skip..) else {
                    continue;
                };
                let expected: Vec<usize> = std::iter::once(0)
                    .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                    .collect();
                assert_eq!(line_starts(text.as_bytes()), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_twice() {
        let text = "a = '😀é' + x\r\nsecond";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        let at = index.line_col(x);
        assert_eq!(
            at,
            LineCol {
                line: 0,
                column: x as u32
            }
        );
        // a, space, =, space, ', 😀 (2 units), é, ', space, +, space → 12
        assert_eq!(index.utf16_column(at), 12);
        assert_eq!(index.char_column(at), 12);
        assert_eq!(index.line(0), "a = '😀é' + x");
        assert_eq!(index.line_col(text.len()), LineCol { line: 1, column: 6 });
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let index = LineIndex::new("ab\n");
        assert_eq!(index.line_col(99), LineCol { line: 1, column: 0 });
        assert_eq!(index.line(7), "");
        assert_eq!(
            index.utf16_column(LineCol {
                line: 0,
                column: 99
            }),
            2
        );
    }
}
