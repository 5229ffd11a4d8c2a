//! Which files `check` looks at: the files named on the command line, and the files with a
//! supported extension found by walking the directories named there (with ripgrep's rules:
//! .gitignore, .ignore and hidden files are skipped).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use cairn_analysis::Language;

use super::{Skipped, io_message};

/// A file to check, named as the user will see it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub path: PathBuf,
    pub language: Language,
    /// Named on the command line (rather than found in a directory): excluded globs do not
    /// apply to it.
    pub explicit: bool,
}

#[derive(Debug, Default)]
pub struct Discovery {
    /// Sorted by path, without duplicates.
    pub files: Vec<Candidate>,
    pub skipped: Vec<Skipped>,
    /// Directories or entries that could not be read.
    pub errors: Vec<String>,
}

pub struct WalkOptions {
    pub respect_ignore_files: bool,
}

/// Finds the files to check. With no paths, walks the current directory and names files
/// without a leading `./`. A path that does not exist is a usage error: every such path is
/// reported and nothing is checked.
pub fn discover(paths: &[PathBuf], options: &WalkOptions) -> Result<Discovery, Vec<String>> {
    let implicit = paths.is_empty();
    let roots: Vec<PathBuf> = if implicit {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut missing = Vec::new();
    let mut kinds = Vec::new();
    for root in &roots {
        match std::fs::metadata(root) {
            Ok(meta) => kinds.push(meta.is_dir()),
            Err(e) => missing.push(format!("{}: {}", root.display(), io_message(&e))),
        }
    }
    if !missing.is_empty() {
        return Err(missing);
    }

    let mut discovery = Discovery::default();
    let mut files = BTreeMap::new();
    for (root, is_dir) in roots.iter().zip(kinds) {
        if !is_dir {
            match Language::from_path(root) {
                Some(language) => add(&mut files, root.clone(), language, true),
                None => discovery.skipped.push(Skipped {
                    path: root.clone(),
                    reason: "not a supported language (by its file extension)".to_string(),
                }),
            }
            continue;
        }
        walk_dir(root, implicit, options, &mut files, &mut discovery);
    }
    discovery.files = files.into_values().collect();
    Ok(discovery)
}

/// Adds the supported files below a directory, as the `ignore` crate walks it (ripgrep's
/// rules for `.gitignore`, `.ignore` and hidden files unless turned off).
fn walk_dir(
    root: &Path,
    implicit: bool,
    options: &WalkOptions,
    files: &mut BTreeMap<PathBuf, Candidate>,
    discovery: &mut Discovery,
) {
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(options.respect_ignore_files)
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                discovery.errors.push(walk_error(&e));
                continue;
            }
        };
        if let Some(e) = entry.error() {
            // A malformed ignore file: the walk goes on, the user should know.
            tracing::warn!("{e}");
        }
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Some(language) = Language::from_path(entry.path()) else {
            continue;
        };
        // Walking the implicit `.` names files without a leading `./`.
        let path = if implicit {
            entry.path().strip_prefix(".").unwrap_or(entry.path())
        } else {
            entry.path()
        };
        add(files, path.to_path_buf(), language, false);
    }
}

/// Adds a file once, keyed by its path without `.` components (so `src` and `./src/a.py`
/// do not check `a.py` twice). A file named on the command line stays explicit.
fn add(
    files: &mut BTreeMap<PathBuf, Candidate>,
    path: PathBuf,
    language: Language,
    explicit: bool,
) {
    let key: PathBuf = path
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    files
        .entry(key)
        .and_modify(|c| c.explicit |= explicit)
        .or_insert(Candidate {
            path,
            language,
            explicit,
        });
}

fn walk_error(error: &ignore::Error) -> String {
    // The walker's errors carry the path; their io errors say "(os error N)", which users
    // don't need.
    match error {
        ignore::Error::WithPath { path, err } => match err.io_error() {
            Some(io) => format!("{}: {}", path.display(), io_message(io)),
            None => format!("{}: {err}", path.display()),
        },
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error(err)
        }
        other => match other.io_error() {
            Some(io) => io_message(io),
            None => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_same_file_named_twice_is_checked_once() {
        let mut files = BTreeMap::new();
        add(
            &mut files,
            PathBuf::from("src/a.py"),
            Language::Python,
            false,
        );
        add(
            &mut files,
            PathBuf::from("./src/a.py"),
            Language::Python,
            true,
        );
        assert_eq!(files.len(), 1);
        let only = files.values().next().unwrap();
        assert!(only.explicit);
        assert_eq!(only.path, Path::new("src/a.py"));
    }
}
