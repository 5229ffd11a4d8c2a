//! `workspace/diagnostic`: the diagnostics of every supported file under the workspace
//! folders that is not open in the editor (open documents are pulled one by one), found the
//! way `cairn-lsp check` finds them (.gitignore respected, `[files] exclude` applied), with
//! work-done progress. A file whose size, modification time and configuration are those of
//! the client's previous result is reported unchanged, without reading it.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use tower_lsp_server::ls_types::{
    FullDocumentDiagnosticReport, UnchangedDocumentDiagnosticReport, Uri,
    WorkspaceDocumentDiagnosticReport, WorkspaceFullDocumentDiagnosticReport,
    WorkspaceUnchangedDocumentDiagnosticReport,
};

use super::convert::file_diagnostics;
use crate::check::{self, Unreadable, walk};
use crate::config_discovery::ConfigDiscovery;
use crate::document::Encoding;

/// Files larger than this are left out, as `check` leaves them out by default.
const MAX_FILE_SIZE: u64 = crate::cli::DEFAULT_MAX_FILE_SIZE;

/// One workspace pull: what it needs from the server's state.
pub struct Pull {
    pub roots: Vec<PathBuf>,
    /// Open documents, reported by document pulls instead.
    pub open: HashSet<PathBuf>,
    pub encoding: Encoding,
    /// Changes with every configuration reload, so results computed under another
    /// configuration are never reported unchanged.
    pub config_epoch: u64,
    pub previous: HashMap<Uri, String>,
}

/// Counts files as they are done, for progress reports; set `cancelled` to stop early.
#[derive(Default)]
pub struct Progress {
    pub total: AtomicUsize,
    pub done: AtomicUsize,
    pub cancelled: AtomicBool,
}

impl Progress {
    pub fn percentage(&self) -> u32 {
        let total = self.total.load(Ordering::Relaxed).max(1);
        (self.done.load(Ordering::Relaxed) * 100 / total).min(100) as u32
    }
}

/// How often a long workspace check reports progress.
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(200);

/// Runs one workspace pull (blocking: call it off the message loop).
pub fn pull(pull: &Pull, progress: &Progress) -> Vec<WorkspaceDocumentDiagnosticReport> {
    if pull.roots.is_empty() {
        return Vec::new();
    }
    let found = match walk::discover(
        &pull.roots,
        &walk::WalkOptions {
            respect_ignore_files: true,
        },
    ) {
        Ok(found) => found,
        Err(errors) => {
            for error in errors {
                tracing::warn!("workspace diagnostics: {error}");
            }
            return Vec::new();
        }
    };
    let mut configs = ConfigDiscovery::new(None).ok();
    let files: Vec<(
        walk::Candidate,
        Arc<crate::config_discovery::ResolvedConfig>,
    )> = found
        .files
        .into_iter()
        .filter(|c| !pull.open.contains(&c.path))
        .filter_map(|candidate| {
            let dir = candidate.path.parent()?.canonicalize().ok()?;
            let config = match configs.as_mut()?.for_dir(&dir) {
                Ok(config) => config,
                Err(message) => {
                    tracing::warn!("workspace diagnostics: {message} (using the defaults)");
                    Arc::default()
                }
            };
            let excluded = candidate
                .path
                .file_name()
                .is_some_and(|name| config.is_excluded(&dir.join(name)));
            (!excluded).then_some((candidate, config))
        })
        .collect();
    progress.total.store(files.len(), Ordering::Relaxed);
    files
        .par_iter()
        .filter_map(|(candidate, config)| {
            if progress.cancelled.load(Ordering::Relaxed) {
                return None;
            }
            let report = report(pull, &candidate.path, candidate.language, &config.config);
            progress.done.fetch_add(1, Ordering::Relaxed);
            report
        })
        .collect()
}

fn report(
    pull: &Pull,
    path: &std::path::Path,
    language: cairn_analysis::Language,
    config: &cairn_analysis::Config,
) -> Option<WorkspaceDocumentDiagnosticReport> {
    let uri = Uri::from_file_path(path)?;
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let result_id = format!(
        "{}-{}-{}-{modified}",
        process_epoch(),
        pull.config_epoch,
        meta.len()
    );
    if pull.previous.get(&uri) == Some(&result_id) {
        return Some(WorkspaceDocumentDiagnosticReport::Unchanged(
            WorkspaceUnchangedDocumentDiagnosticReport {
                uri,
                version: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                    result_id,
                },
            },
        ));
    }
    let text = match check::read_source(path, MAX_FILE_SIZE) {
        Ok(text) => text,
        Err(Unreadable::Skipped(reason)) => {
            tracing::debug!(path = %path.display(), "workspace diagnostics skip it: {reason}");
            return None;
        }
        Err(Unreadable::Failed(message)) => {
            tracing::warn!("workspace diagnostics: {message}");
            return None;
        }
    };
    let analysis = cairn_analysis::analyze(&text, language, config);
    Some(WorkspaceDocumentDiagnosticReport::Full(
        WorkspaceFullDocumentDiagnosticReport {
            uri,
            version: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: Some(result_id),
                items: file_diagnostics(&text, &analysis.findings, pull.encoding),
            },
        },
    ))
}

/// When this server started: result ids of an earlier server are never taken for ours.
fn process_epoch() -> u128 {
    static EPOCH: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    })
}
