//! Analysis time against bare tree-sitter parse time over the same files.
//!
//! `cargo bench -p cairn-analysis --bench parse_vs_analyze -- DIR...` walks the directories,
//! loads every supported file, then times (best of several rounds) parsing alone and parsing
//! plus the whole analysis, and prints both with their ratio per language.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cairn_analysis::{Config, Language, analyze_tree, parse};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if Language::from_path(&path).is_some() {
            out.push(path);
        }
    }
}

fn best_of<F: FnMut()>(rounds: usize, mut f: F) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let dirs: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .collect();
    if dirs.is_empty() {
        eprintln!("usage: cargo bench -p cairn-analysis --bench parse_vs_analyze -- DIR...");
        return;
    }
    let mut files = Vec::new();
    for dir in &dirs {
        if dir.is_file() {
            files.push(dir.clone())
        } else {
            collect(dir, &mut files)
        }
    }
    let mut by_language: BTreeMap<Language, Vec<String>> = BTreeMap::new();
    for path in files {
        if let (Some(language), Ok(text)) =
            (Language::from_path(&path), std::fs::read_to_string(&path))
            && text.len() <= 2 * 1024 * 1024
        {
            by_language.entry(language).or_default().push(text);
        }
    }
    let config = Config::default();
    println!("| language | files | MB | parse (ms) | parse + analysis (ms) | ratio |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let (mut total_parse, mut total_full) = (Duration::ZERO, Duration::ZERO);
    for (language, texts) in &by_language {
        let bytes: usize = texts.iter().map(String::len).sum();
        let parse_time = best_of(5, || {
            for text in texts {
                std::hint::black_box(parse(text, *language, None));
            }
        });
        let full_time = best_of(5, || {
            for text in texts {
                let tree = parse(text, *language, None);
                std::hint::black_box(analyze_tree(&tree, text, *language, &config));
            }
        });
        total_parse += parse_time;
        total_full += full_time;
        println!(
            "| {language} | {} | {:.1} | {:.1} | {:.1} | {:.2}× |",
            texts.len(),
            bytes as f64 / 1e6,
            parse_time.as_secs_f64() * 1e3,
            full_time.as_secs_f64() * 1e3,
            full_time.as_secs_f64() / parse_time.as_secs_f64().max(1e-9)
        );
    }
    println!(
        "| **all** | | | {:.1} | {:.1} | {:.2}× |",
        total_parse.as_secs_f64() * 1e3,
        total_full.as_secs_f64() * 1e3,
        total_full.as_secs_f64() / total_parse.as_secs_f64().max(1e-9)
    );
}
