//! The engine's share of an editor keystroke: single-character edits replayed in-process on
//! real files, each followed by an incremental parse and an incremental analysis, timed step
//! by step.
//!
//! `cargo bench -p cairn-analysis --bench edit_replay -- [--edits N] FILE...`
//!
//! Like the language server bench (`lsp-server/benches/lsp_session.rs`), the edits insert a
//! letter at a seeded pseudo-random place inside a function body and delete it again; after
//! each delete the analysis must equal the one of the original text. Prints p50 / p90 / p99 /
//! max in milliseconds for: `Tree::edit` + incremental parse, `changed_ranges`, and
//! `analyze_incremental`.

use std::path::PathBuf;
use std::time::Instant;

use cairn_analysis::tree_sitter::{InputEdit, Point, Tree};
use cairn_analysis::{Config, FileAnalysis, Language, LineIndex, analyze_incremental, parse};

/// A small deterministic generator (the same sequence on every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn point(text: &str, offset: usize) -> Point {
    let at = LineIndex::new(text).line_col(offset);
    Point::new(at.line as usize, at.column as usize)
}

#[derive(Default)]
struct Times {
    parse: Vec<f64>,
    changed: Vec<f64>,
    analyze: Vec<f64>,
    total: Vec<f64>,
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(at).copied().unwrap_or(0.0)
}

/// Applies one edit and re-analyses; returns the new text, tree and analysis.
fn step(
    language: Language,
    text: &str,
    mut tree: Tree,
    previous: &FileAnalysis,
    (start, end, insert): (usize, usize, &str),
    times: &mut Times,
) -> (String, Tree, FileAnalysis) {
    let config = Config::default();
    // The text and the positions are the editor's side (the server keeps a rope): untimed.
    let mut new = text.to_string();
    new.replace_range(start..end, insert);
    let new_end = start + insert.len();
    let edit = InputEdit {
        start_byte: start,
        old_end_byte: end,
        new_end_byte: new_end,
        start_position: point(text, start),
        old_end_position: point(text, end),
        new_end_position: point(&new, new_end),
    };
    let began = Instant::now();
    tree.edit(&edit);
    let new_tree = parse(&new, language, Some(&tree));
    let parsed = Instant::now();
    let mut changed: Vec<_> = tree
        .changed_ranges(&new_tree)
        .map(|r| r.start_byte..r.end_byte)
        .collect();
    changed.push(start..new_end);
    let ranged = Instant::now();
    let analysis = analyze_incremental(&new_tree, &new, language, &config, previous, &changed);
    let done = Instant::now();
    let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
    times.parse.push(ms(began, parsed));
    times.changed.push(ms(parsed, ranged));
    times.analyze.push(ms(ranged, done));
    times.total.push(ms(began, done));
    (new, new_tree, analysis)
}

fn main() {
    let mut edits = 2000usize;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--edits" => edits = args.next().and_then(|n| n.parse().ok()).unwrap_or(edits),
            "--bench" => {}
            _ => files.push(PathBuf::from(arg)),
        }
    }
    if files.is_empty() {
        eprintln!(
            "usage: cargo bench -p cairn-analysis --bench edit_replay -- [--edits N] FILE..."
        );
        return;
    }
    println!("| file | step | p50 (ms) | p90 | p99 | max |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for path in files {
        let (Some(language), Ok(original)) =
            (Language::from_path(&path), std::fs::read_to_string(&path))
        else {
            eprintln!("skipped {}: not a readable source file", path.display());
            continue;
        };
        let config = Config::default();
        let mut tree = parse(&original, language, None);
        let first = cairn_analysis::analyze_tree(&tree, &original, language, &config);
        let index = LineIndex::new(&original);
        // Places inside function bodies: after the first non-blank character of a line.
        let places: Vec<(usize, usize)> = first
            .functions
            .iter()
            .flat_map(|f| f.start_line..f.end_line)
            .filter_map(|line| {
                let text = index.line(line);
                let indent = text.len() - text.trim_start().len();
                (text.trim().len() > 1)
                    .then(|| (index.line_start(line) + indent + 1, text.len() - indent - 1))
            })
            .collect();
        let mut rng = Lcg(12648430);
        let mut times = Times::default();
        let (mut text, mut analysis) = (original.clone(), first.clone());
        let mut equal = 0;
        for _ in 0..edits / 2 {
            let (line_at, room) = places[rng.below(places.len())];
            let mut at = line_at + rng.below(room);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let letter = ["a", "7", "_"][rng.below(3)];
            let before = times.parse.len();
            (text, tree, analysis) = step(
                language,
                &text,
                tree,
                &analysis,
                (at, at, letter),
                &mut times,
            );
            (text, tree, analysis) = step(
                language,
                &text,
                tree,
                &analysis,
                (at, at + 1, ""),
                &mut times,
            );
            equal += usize::from(analysis == first);
            if std::env::var_os("CAIRN_SHOW_SLOW").is_some() && times.parse[before] > 5.0 {
                let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
                eprintln!(
                    "slow ({:.1} ms): {:?} | {letter} | {:?}",
                    times.parse[before],
                    &text[line..at],
                    &text[at..end]
                );
            }
        }
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        for (step, values) in [
            ("edit + incremental parse", &times.parse),
            ("changed_ranges", &times.changed),
            ("analyze_incremental", &times.analyze),
            ("all", &times.total),
        ] {
            println!(
                "| `{name}` | {step} | {:.2} | {:.2} | {:.2} | {:.2} |",
                percentile(values, 0.5),
                percentile(values, 0.9),
                percentile(values, 0.99),
                percentile(values, 1.0)
            );
        }
        let slow = times.parse.iter().filter(|t| **t > 5.0).count();
        eprintln!(
            "{name}: after {} deletes, {equal} analyses equal the original's; {slow} of {} parses took over 5 ms",
            edits / 2,
            times.parse.len()
        );
    }
}
