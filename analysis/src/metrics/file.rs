//! File-level measures from one walk over the leaves: code/comment/blank lines and Halstead's
//! operator/operand counts.

use tree_sitter::Tree;

use rustc_hash::FxHashSet;

use crate::language::{Language, Role};

pub(crate) struct FileScan {
    /// Per line: does a code token touch it? (strings spanning lines touch every line)
    pub code_line: Vec<bool>,
    pub comment_line: Vec<bool>,
    pub distinct_operators: usize,
    pub distinct_operands: usize,
    pub total_operators: usize,
    pub total_operands: usize,
}

impl FileScan {
    /// Code lines in `[first, last]` (0-based, inclusive).
    pub fn code_lines_between(&self, first: usize, last: usize) -> u32 {
        let end = (last + 1).min(self.code_line.len());
        let start = first.min(end);
        self.code_line[start..end].iter().filter(|c| **c).count() as u32
    }

    pub fn halstead_volume(&self) -> f64 {
        let length = (self.total_operators + self.total_operands) as f64;
        let vocabulary = (self.distinct_operators + self.distinct_operands) as f64;
        if vocabulary < 2.0 {
            return 0.0;
        }
        length * vocabulary.log2()
    }
}

pub(crate) fn scan(tree: &Tree, source: &[u8], lang: Language, line_count: usize) -> FileScan {
    let kinds = lang.kinds();
    let mut code_line = vec![false; line_count];
    let mut comment_line = vec![false; line_count];
    let mut operators: FxHashSet<u16> = FxHashSet::default();
    let mut operands: FxHashSet<&[u8]> = FxHashSet::default();
    let (mut total_operators, mut total_operands) = (0, 0);

    let mark = |lines: &mut Vec<bool>, first: usize, last: usize| {
        let last = last.min(lines.len().saturating_sub(1));
        for line in lines.iter_mut().take(last + 1).skip(first) {
            *line = true;
        }
    };

    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        let role = kinds.role(node);
        let is_leaf = role == Role::String || node.child_count() == 0;
        let (first, last) = (node.start_position().row, node.end_position().row);
        if role == Role::Comment {
            mark(&mut comment_line, first, last);
        } else if is_leaf && node.end_byte() > node.start_byte() {
            mark(&mut code_line, first, last);
            if node.is_named() {
                total_operands += 1;
                operands.insert(&source[node.start_byte()..node.end_byte()]);
            } else {
                total_operators += 1;
                operators.insert(node.kind_id());
            }
        }
        if !(is_leaf || role == Role::Comment) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return FileScan {
                    code_line,
                    comment_line,
                    distinct_operators: operators.len(),
                    distinct_operands: operands.len(),
                    total_operators,
                    total_operands,
                };
            }
        }
    }
}
