//! `cairn-lsp check`: the analysis engine as a command-line linter for CI.
//!
//! The run has three steps, each deterministic on its own: find the files (sorted by path),
//! resolve each file's configuration (in that order, so the first broken `.cairn.toml` is
//! always the one reported), then analyse the files in parallel and collect the results in
//! the same order.

mod report;
pub mod walk;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use cairn_analysis::{FunctionMetrics, Language, LineCol, LineIndex, Rule, Severity};
use rayon::prelude::*;

use crate::cli::CheckArgs;
use crate::config_discovery::{ConfigDiscovery, ResolvedConfig};

/// A position as LSP and the JSON output speak it: 0-based line, UTF-16 code units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub start: Position,
    pub end: Position,
}

/// A finding with its positions converted for the reports.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub range: Range,
    /// 1-based line and character column of the start, as compilers print them.
    pub line: u32,
    pub column: u32,
    pub fix: Option<FixEdits>,
}

#[derive(Clone, Debug)]
pub struct FixEdits {
    pub title: String,
    pub edits: Vec<(Range, String)>,
}

#[derive(Clone, Debug)]
pub struct CheckedFile {
    /// As the user named it (or as the walk found it below a named directory).
    pub path: PathBuf,
    pub language: Language,
    pub functions: Vec<FunctionMetrics>,
    pub diagnostics: Vec<Diagnostic>,
}

/// A file that was not checked, and why. Not an error: the run goes on.
#[derive(Clone, Debug)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// Everything a run produced, in output order.
#[derive(Debug, Default)]
pub struct Report {
    pub files: Vec<CheckedFile>,
    pub skipped: Vec<Skipped>,
    /// Files or directories that could not be read (each makes the exit status 2).
    pub errors: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub functions: usize,
    pub diagnostics: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files: self.files.len(),
            ..Summary::default()
        };
        for file in &self.files {
            summary.functions += file.functions.len();
            summary.diagnostics += file.diagnostics.len();
            for d in &file.diagnostics {
                match d.severity {
                    Severity::Error => summary.errors += 1,
                    Severity::Warning => summary.warnings += 1,
                    Severity::Info => summary.infos += 1,
                    Severity::Hint => summary.hints += 1,
                }
            }
        }
        summary
    }
}

pub fn run(args: &CheckArgs) -> ExitCode {
    match check(args) {
        Ok(code) => code,
        Err(messages) => {
            for message in messages {
                eprintln!("cairn: {message}");
            }
            ExitCode::from(2)
        }
    }
}

/// Runs the check; `Err` holds usage errors (nothing was checked).
fn check(args: &CheckArgs) -> Result<ExitCode, Vec<String>> {
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global()
            .map_err(|e| vec![format!("--threads {threads}: {e}")])?;
    }
    let mut discovery = ConfigDiscovery::new(args.config.as_deref()).map_err(|e| vec![e])?;
    let found = walk::discover(
        &args.paths,
        &walk::WalkOptions {
            respect_ignore_files: !args.no_ignore,
        },
    )?;
    let mut report = Report {
        skipped: found.skipped,
        errors: found.errors,
        ..Report::default()
    };
    let work = with_configs(found.files, &mut discovery, &mut report.errors)?;
    if work.is_empty() && report.errors.is_empty() && report.skipped.is_empty() {
        eprintln!("cairn: no files to check (supported: {})", supported_list());
    }

    let outcomes: Vec<Outcome> = work
        .par_iter()
        .map(|(candidate, config)| check_file(candidate, config, args.max_file_size))
        .collect();
    for outcome in outcomes {
        match outcome {
            Outcome::Checked(file) => report.files.push(file),
            Outcome::Skipped(skipped) => report.skipped.push(skipped),
            Outcome::Failed(message) => report.errors.push(message),
        }
    }
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report.errors.sort();
    print_notes(&report);

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = report::write(&report, args.format, &mut out).and_then(|()| out.flush());
    match written {
        Ok(()) => {}
        // `cairn-lsp check | head`: the reader has what it wanted.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("cairn: writing output: {e}");
            return Ok(ExitCode::from(2));
        }
    }
    Ok(exit_code(&report))
}

/// Pairs each found file with its configuration, in the walk's order (so the first broken
/// `.cairn.toml` is always the one reported), leaving out files its `[files] exclude` names.
fn with_configs(
    files: Vec<walk::Candidate>,
    discovery: &mut ConfigDiscovery,
    errors: &mut Vec<String>,
) -> Result<Vec<(walk::Candidate, Arc<ResolvedConfig>)>, Vec<String>> {
    let mut work = Vec::with_capacity(files.len());
    let mut canonical_dirs: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    for candidate in files {
        let dir = candidate
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let canonical_dir = canonical_dirs
            .entry(dir.to_path_buf())
            .or_insert_with(|| dir.canonicalize().ok());
        let Some(canonical_dir) = canonical_dir else {
            errors.push(format!(
                "{}: cannot resolve its directory",
                candidate.path.display()
            ));
            continue;
        };
        let config = discovery.for_dir(canonical_dir).map_err(|e| vec![e])?;
        let excluded = !candidate.explicit
            && candidate
                .path
                .file_name()
                .is_some_and(|name| config.is_excluded(&canonical_dir.join(name)));
        if excluded {
            tracing::debug!(path = %candidate.path.display(), "excluded by configuration");
            continue;
        }
        work.push((candidate, config));
    }
    Ok(work)
}

fn print_notes(report: &Report) {
    for skipped in &report.skipped {
        eprintln!(
            "cairn: skipped {}: {}",
            skipped.path.display(),
            skipped.reason
        );
    }
    for error in &report.errors {
        eprintln!("cairn: {error}");
    }
}

/// 2 when something could not be read, 1 when a finding has error severity, else 0.
fn exit_code(report: &Report) -> ExitCode {
    if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if report.summary().errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

enum Outcome {
    Checked(CheckedFile),
    Skipped(Skipped),
    Failed(String),
}

/// Git's test for binary content: a NUL byte in the first 8000 bytes.
const BINARY_SNIFF_LEN: usize = 8000;

/// Why a file was not analysed.
pub enum Unreadable {
    /// Not source text (binary, not UTF-8, too large): a note, not an error.
    Skipped(String),
    /// It could not be read: an error.
    Failed(String),
}

/// Reads a file to analyse: its text without a byte-order mark (editors hide it, and
/// columns on the first line should match what they show), or why it is not analysed.
pub fn read_source(path: &Path, max_size: u64) -> Result<String, Unreadable> {
    let failed =
        |e: std::io::Error| Unreadable::Failed(format!("{}: {}", path.display(), io_message(&e)));
    let size = std::fs::metadata(path).map_err(failed)?.len();
    if size > max_size {
        return Err(Unreadable::Skipped(format!(
            "larger than {max_size} bytes ({size} bytes); raise --max-file-size to check it"
        )));
    }
    let bytes = std::fs::read(path).map_err(failed)?;
    if bytes[..bytes.len().min(BINARY_SNIFF_LEN)].contains(&0) {
        return Err(Unreadable::Skipped("binary file".to_string()));
    }
    let Ok(mut text) = String::from_utf8(bytes) else {
        return Err(Unreadable::Skipped("not UTF-8 text".to_string()));
    };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

fn check_file(candidate: &walk::Candidate, config: &ResolvedConfig, max_size: u64) -> Outcome {
    let path = &candidate.path;
    let source = match read_source(path, max_size) {
        Ok(source) => source,
        Err(Unreadable::Skipped(reason)) => {
            return Outcome::Skipped(Skipped {
                path: path.clone(),
                reason,
            });
        }
        Err(Unreadable::Failed(message)) => return Outcome::Failed(message),
    };
    let started = std::time::Instant::now();
    let (functions, diagnostics) = check_source(&source, candidate.language, &config.config);
    tracing::debug!(path = %path.display(), elapsed = ?started.elapsed(), "analysed");
    Outcome::Checked(CheckedFile {
        path: path.clone(),
        language: candidate.language,
        functions,
        diagnostics,
    })
}

/// What `check` reports for one text: its functions and its diagnostics (UTF-16 ranges).
pub fn check_source(
    source: &str,
    language: Language,
    config: &cairn_analysis::Config,
) -> (Vec<FunctionMetrics>, Vec<Diagnostic>) {
    let analysis = cairn_analysis::analyze(source, language, config);
    let index = LineIndex::new(source);
    let diagnostics = analysis
        .findings
        .into_iter()
        .map(|finding| Diagnostic {
            range: range(&index, finding.span.start, finding.span.end),
            line: finding.span.start.line + 1,
            column: index.char_column(finding.span.start),
            fix: finding.fix.map(|fix| FixEdits {
                title: fix.title,
                edits: fix
                    .edits
                    .into_iter()
                    .map(|edit| (range(&index, edit.span.start, edit.span.end), edit.new_text))
                    .collect(),
            }),
            rule: finding.rule,
            severity: finding.severity,
            message: finding.message,
        })
        .collect();
    (analysis.functions, diagnostics)
}

fn range(index: &LineIndex, start: LineCol, end: LineCol) -> Range {
    let position = |at: LineCol| Position {
        line: at.line,
        character: index.utf16_column(at),
    };
    Range {
        start: position(start),
        end: position(end),
    }
}

fn supported_list() -> String {
    Language::ALL
        .iter()
        .map(|l| l.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An I/O error as a user reads it: `No such file or directory`, without "(os error 2)".
pub fn io_message(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}
