//! What the server holds between messages: the client's capabilities as negotiated, the
//! settings, and the open documents with their latest analysis.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cairn_analysis::FileAnalysis;
use tokio::sync::{Semaphore, watch};
use tower_lsp_server::ls_types::Uri;

use super::settings::Settings;
use crate::config_discovery::{ConfigDiscovery, ResolvedConfig};
use crate::document::{Document, Encoding};

/// What the client said it can do, read once from `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    /// The client pulls diagnostics (`textDocument/diagnostic`): then none are pushed, so
    /// nothing is reported twice.
    pub pull: bool,
    /// The client honours `workspace/diagnostic/refresh` (re-pulls when told).
    pub pull_refresh: bool,
    /// The client accepts a dynamic watcher for `.cairn.toml` files.
    pub watch_configs: bool,
    /// The client answers `workspace/configuration`.
    pub configuration: bool,
    /// The client shows `window/workDoneProgress/create` progress.
    pub work_done_progress: bool,
    /// The client honours `workspace/codeLens/refresh`.
    pub code_lens_refresh: bool,
}

pub struct State {
    pub encoding: Encoding,
    pub support: ClientSupport,
    pub settings: Settings,
    /// `.cairn.toml` lookup, cached per directory; `None` if the working directory is gone.
    pub configs: Option<ConfigDiscovery>,
    /// The workspace folders, as directories (what `workspace/diagnostic` walks).
    pub roots: Vec<PathBuf>,
    pub documents: HashMap<Uri, Open>,
    /// Bumped by every configuration reload (see `workspace::Pull::config_epoch`).
    pub config_epoch: u64,
    /// A workspace pull has run (the first one shows progress).
    pub workspace_pulled: bool,
}

/// An open document and its latest analysis.
pub struct Open {
    pub document: Document,
    pub config: Arc<ResolvedConfig>,
    /// Bumped by every edit and configuration change; an analysis is stored only for the
    /// generation it was started for, so stale work is dropped, never published.
    pub generation: u64,
    /// The generation of the last finished analysis (stored, or failed).
    pub analyzed: Option<u64>,
    /// The generation an analysis task has taken up, so no other task repeats it.
    pub running: Option<u64>,
    /// The result of that analysis; `None` if it failed (then the next one starts afresh).
    pub analysis: Option<Arc<FileAnalysis>>,
    /// The next analysis may not reuse the previous one (the configuration changed).
    pub full: bool,
    /// Announces finished generations to requests waiting for a fresh analysis.
    pub done: watch::Sender<Option<u64>>,
}

impl Open {
    pub fn new(document: Document, config: Arc<ResolvedConfig>) -> Open {
        Open {
            document,
            config,
            generation: next_generation(),
            analyzed: None,
            running: None,
            analysis: None,
            full: true,
            done: watch::channel(None).0,
        }
    }

    /// Records a change (an edit or a configuration reload): the analysis is stale.
    pub fn touch(&mut self) {
        self.generation = next_generation();
    }

    /// The analysis of the current text and configuration has finished.
    pub fn is_fresh(&self) -> bool {
        self.analyzed == Some(self.generation)
    }
}

/// Generations are unique in the process (not per document), so a reopened document never
/// repeats a result id a client has seen.
fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl State {
    pub fn new() -> State {
        State {
            encoding: Encoding::Utf16,
            support: ClientSupport::default(),
            settings: Settings::default(),
            configs: ConfigDiscovery::new(None).ok(),
            roots: Vec::new(),
            documents: HashMap::new(),
            config_epoch: 0,
            workspace_pulled: false,
        }
    }

    /// The configuration for a document: the `.cairn.toml` found upward from its file, or the
    /// defaults (for unsaved buffers, or when that file is broken: the error is returned so
    /// the user is told, and the document is still analysed).
    pub fn config_for(&mut self, uri: &Uri) -> (Arc<ResolvedConfig>, Option<String>) {
        let dir = uri
            .to_file_path()
            .and_then(|p| p.parent().and_then(|d| d.canonicalize().ok()));
        let (Some(dir), Some(configs)) = (dir, self.configs.as_mut()) else {
            return (Arc::new(ResolvedConfig::default()), None);
        };
        match configs.for_dir(&dir) {
            Ok(config) => (config, None),
            Err(message) => (Arc::new(ResolvedConfig::default()), Some(message)),
        }
    }
}

/// The state behind one lock, shared with the analysis tasks. No lock is ever held across
/// an await, so a state change (an edit applied, a result stored) is atomic and edits are
/// applied in the order the handlers start, which is the order the messages arrived.
pub struct Shared {
    state: Mutex<State>,
    /// Bounds the analyses running at once (one per core).
    pub permits: Semaphore,
}

impl Shared {
    pub fn new() -> Shared {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Shared {
            state: Mutex::new(State::new()),
            permits: Semaphore::new(cores),
        }
    }

    /// Runs `f` on the state. A panic inside (a bug, never input: nothing may panic on input)
    /// is caught and logged and `None` returned, so one bad request never takes the server
    /// down; the poisoned lock is recovered for the next one.
    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> Option<T> {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut guard))) {
            Ok(value) => Some(value),
            Err(panic) => {
                tracing::error!(
                    "internal error in a request handler (please report it): {}",
                    panic_message(panic.as_ref())
                );
                None
            }
        }
    }
}

pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}
