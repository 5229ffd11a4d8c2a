//! Analysis off the message loop. Every change of a document (open, edit, configuration
//! reload) starts a task; at most one analysis per core runs at once, a task whose document
//! has changed again before it starts does nothing, and a result is stored only if no change
//! came while it ran — so stale work is dropped, never published. Requests that read an
//! analysis (code actions, hovers, pull diagnostics, ...) wait for the fresh one.

use std::sync::Arc;

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

use super::convert::document_diagnostics;
use super::state::{Open, Shared, State, panic_message};

/// Starts analysing the current generation of `uri`.
pub fn schedule(client: &Client, shared: &Arc<Shared>, uri: Uri) {
    let (client, shared) = (client.clone(), Arc::clone(shared));
    tokio::spawn(async move { run(client, shared, uri).await });
}

async fn run(client: Client, shared: Arc<Shared>, uri: Uri) {
    let Ok(_permit) = shared.permits.acquire().await else {
        return;
    };
    // Taken now, not when scheduled: after a burst of edits only the last task finds work.
    let job = shared.with(|s| {
        let open = s.documents.get_mut(&uri)?;
        if open.is_fresh() || open.running == Some(open.generation) {
            return None; // done, or another task is at it
        }
        open.running = Some(open.generation);
        let previous = (!open.full).then(|| open.analysis.clone()).flatten();
        Some((
            open.generation,
            open.document.snapshot(),
            Arc::clone(&open.config),
            previous,
        ))
    });
    let Some(Some((generation, snapshot, config, previous))) = job else {
        return;
    };
    let started = std::time::Instant::now();
    let result = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            snapshot.analyze(&config.config, previous.as_deref())
        }))
    })
    .await;
    let analyzed = match result {
        Ok(Ok(analyzed)) => Some(analyzed),
        Ok(Err(panic)) => {
            tracing::error!(
                uri = uri.as_str(),
                "internal error while analysing (please report it): {}",
                panic_message(panic.as_ref())
            );
            None
        }
        Err(e) => {
            tracing::error!(uri = uri.as_str(), "the analysis task failed: {e}");
            None
        }
    };
    tracing::debug!(uri = uri.as_str(), elapsed = ?started.elapsed(), "analysed");
    let publish = shared.with(|s| {
        let pull = s.support.pull;
        let encoding = s.encoding;
        let open = s.documents.get_mut(&uri)?;
        if open.generation != generation {
            return None; // changed meanwhile: a newer task has the current text
        }
        let replaced = match analyzed {
            Some(analyzed) => {
                let old = open.document.store(analyzed.tree, analyzed.text);
                let old_analysis = open.analysis.replace(Arc::new(analyzed.analysis));
                open.full = false;
                Some((old, old_analysis))
            }
            None => {
                open.analysis = None;
                open.full = true;
                None
            }
        };
        open.analyzed = Some(generation);
        open.done.send_replace(Some(generation));
        let diagnostics = (!pull).then(|| {
            (
                document_diagnostics(open, encoding),
                open.document.version(),
            )
        });
        Some((diagnostics, replaced))
    });
    let Some(Some((diagnostics, replaced))) = publish else {
        return;
    };
    if let Some((diagnostics, version)) = diagnostics {
        publish_if_current(&client, &shared, uri, diagnostics, version, generation).await;
    }
    // The previous tree, text and analysis go only now, off the path to the client.
    drop(replaced);
}

/// Pushes diagnostics unless the document changed since they were computed.
async fn publish_if_current(
    client: &Client,
    shared: &Shared,
    uri: Uri,
    diagnostics: Vec<Diagnostic>,
    version: i32,
    generation: u64,
) {
    let current = shared.with(|s| s.documents.get(&uri).map(|o| o.generation));
    if current == Some(Some(generation)) {
        client
            .publish_diagnostics(uri, diagnostics, Some(version))
            .await;
    }
}

/// Runs `read` on the document's fresh analysis, waiting for it if one is under way.
/// `None` when the document is not open (or closes meanwhile); `Err` on an internal error.
pub async fn with_fresh<T>(
    shared: &Shared,
    uri: &Uri,
    read: impl Fn(&State, &Open) -> T,
) -> Result<Option<T>, ()> {
    loop {
        let waiting = shared.with(|s| {
            let open = s.documents.get(uri)?;
            Some(if open.is_fresh() {
                Ok(read(s, open))
            } else {
                Err(open.done.subscribe())
            })
        });
        match waiting {
            None => return Err(()),
            Some(None) => return Ok(None),
            Some(Some(Ok(value))) => return Ok(Some(value)),
            Some(Some(Err(mut finished))) => {
                if finished.changed().await.is_err() {
                    return Ok(None); // closed while waiting
                }
            }
        }
    }
}
