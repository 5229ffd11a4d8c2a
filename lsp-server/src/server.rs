//! The language server over stdio (tower-lsp-server): open documents, diagnostics (pushed,
//! or pulled per document and for the whole workspace), quick fixes, hovers, code lenses and
//! document symbols from the local analysis.
//!
//! Handlers are thin: they read or change the state under one lock (never across an await,
//! since tower-lsp-server runs handlers concurrently — tower-lsp issue 284 — so each change
//! is atomic and edits apply in the order they arrived), leave parsing and analysis to
//! [`analysis`] off the message loop, and turn results into protocol types with the
//! modules below.

mod actions;
mod analysis;
mod capabilities;
mod convert;
mod functions;
mod settings;
mod state;
mod transport;
mod workspace;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use cairn_analysis::Language;
use cairn_analysis::config::CONFIG_FILE_NAME;
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::config_discovery::ConfigDiscovery;
use crate::document::{Change, Document};
use crate::logging;
use convert::{document_diagnostics, from_proto};
use settings::Settings;
use state::{Open, Shared};

/// Serves one client over stdio until it says `exit` or closes the input. Returns whether
/// the session ended properly, with `shutdown` before `exit` (the exit code depends on it).
pub async fn serve() -> bool {
    let shutdown_requested = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&shutdown_requested);
    transport::run(
        tokio::io::stdin(),
        tokio::io::stdout(),
        |input, output| async move {
            let (service, socket) =
                LspService::new(|client| Backend::reporting_shutdown(client, flag));
            Server::new(input, output, socket).serve(service).await;
        },
    )
    .await;
    let clean = shutdown_requested.load(Ordering::SeqCst);
    if !clean {
        tracing::warn!(
            "the session ended without a `shutdown` request (the client sent `exit` early or \
             closed the input); exiting with code 1 as the LSP specification asks"
        );
    }
    clean
}

pub struct Backend {
    client: Client,
    shared: Arc<Shared>,
    /// Set by `shutdown`, read when the session ends.
    shutdown_requested: Arc<AtomicBool>,
}

/// A request whose handler failed internally (a bug, caught and logged) is answered so.
fn internal<T>(value: Option<T>) -> Result<T> {
    value.ok_or_else(Error::internal_error)
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend::reporting_shutdown(client, Arc::default())
    }

    /// A server that sets `shutdown_requested` when the client asks it to shut down.
    pub fn reporting_shutdown(client: Client, shutdown_requested: Arc<AtomicBool>) -> Backend {
        Backend {
            client,
            shared: Arc::new(Shared::new()),
            shutdown_requested,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut state::State) -> T) -> Option<T> {
        self.shared.with(f)
    }

    /// Reads the fresh analysis of a document (waiting for it if one is under way).
    async fn fresh<T>(
        &self,
        uri: &Uri,
        read: impl Fn(&state::State, &Open) -> T,
    ) -> Result<Option<T>> {
        analysis::with_fresh(&self.shared, uri, read)
            .await
            .map_err(|()| Error::internal_error())
    }

    /// Reads every `.cairn.toml` again and re-analyses the open documents with what they
    /// now say; pushed diagnostics follow, pulling clients are asked to pull again.
    async fn reload(&self) {
        let reloaded = self.with(|s| {
            s.configs = ConfigDiscovery::new(None).ok();
            s.config_epoch += 1;
            let uris: Vec<Uri> = s.documents.keys().cloned().collect();
            let mut errors = Vec::new();
            for uri in &uris {
                let (config, error) = s.config_for(uri);
                errors.extend(error);
                if let Some(open) = s.documents.get_mut(uri) {
                    open.config = config;
                    open.full = true;
                    open.touch();
                }
            }
            errors.sort();
            errors.dedup();
            (uris, errors, s.support)
        });
        let Some((uris, errors, support)) = reloaded else {
            return;
        };
        tracing::info!(
            "configuration reloaded; analysing {} open documents",
            uris.len()
        );
        for uri in uris {
            analysis::schedule(&self.client, &self.shared, uri);
        }
        for message in errors {
            self.config_error(&message).await;
        }
        if support.pull
            && support.pull_refresh
            && let Err(e) = self.client.workspace_diagnostic_refresh().await
        {
            tracing::warn!("asking the client to pull diagnostics again failed: {e}");
        }
    }

    /// Tells the user a `.cairn.toml` is broken (the defaults apply until it is mended).
    async fn config_error(&self, message: &str) {
        tracing::warn!("{message}");
        self.client
            .show_message(
                MessageType::ERROR,
                format!("Cairn: {message} (using the defaults)"),
            )
            .await;
    }

    /// Takes new settings (`null` asks the client for them when it can say).
    async fn update_settings(&self, value: Option<Value>) {
        let value = match value {
            Some(value) if !value.is_null() => value,
            _ => match self.pull_settings().await {
                Some(value) => value,
                None => return,
            },
        };
        let Some((before, after, problems, support)) = self.with(|s| {
            let before = s.settings.clone();
            let (after, problems) = Settings::merged(&before, &value);
            s.settings = after.clone();
            (before, after, problems, s.support)
        }) else {
            return;
        };
        logging::set_client_level(after.log_level);
        for problem in problems {
            tracing::warn!("{problem}");
            self.client
                .show_message(MessageType::WARNING, format!("Cairn: {problem}"))
                .await;
        }
        if before.code_lens != after.code_lens && support.code_lens_refresh {
            let _ = self.client.code_lens_refresh().await;
        }
    }

    /// The `cairn` section of the client's configuration, when it answers
    /// `workspace/configuration`.
    async fn pull_settings(&self) -> Option<Value> {
        if !self.with(|s| s.support.configuration)? {
            return None;
        }
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("cairn".to_string()),
        };
        match self.client.configuration(vec![item]).await {
            Ok(mut values) if !values.is_empty() => Some(values.swap_remove(0)),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!("the client did not answer workspace/configuration: {e}");
                None
            }
        }
    }

    async fn register_config_watcher(&self) {
        let watcher = FileSystemWatcher {
            glob_pattern: GlobPattern::String(format!("**/{CONFIG_FILE_NAME}")),
            kind: None,
        };
        let registration = Registration {
            id: "cairn-config-watcher".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                watchers: vec![watcher],
            })
            .ok(),
        };
        if let Err(e) = self.client.register_capability(vec![registration]).await {
            tracing::warn!("the client refused to watch {CONFIG_FILE_NAME} files: {e}");
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let (support, encoding) = capabilities::client_support(&params.capabilities);
        let roots = capabilities::workspace_roots(&params);
        let (settings, problems) = Settings::merged(
            &Settings::default(),
            params
                .initialization_options
                .as_ref()
                .unwrap_or(&Value::Null),
        );
        logging::set_client_level(settings.log_level);
        logging::forward_to(self.client.clone());
        for problem in problems {
            tracing::warn!("initializationOptions: {problem}");
        }
        internal(self.with(|s| {
            s.support = support;
            s.encoding = encoding;
            s.roots = roots;
            s.settings = settings;
        }))?;
        Ok(capabilities::initialize_result(support, encoding))
    }

    async fn initialized(&self, _: InitializedParams) {
        let Some((support, encoding, roots)) =
            self.with(|s| (s.support, s.encoding, s.roots.len()))
        else {
            return;
        };
        tracing::info!(
            "cairn-lsp {} ready: {encoding:?} positions, {} diagnostics, {roots} workspace folder(s)",
            env!("CARGO_PKG_VERSION"),
            if support.pull { "pulled" } else { "pushed" },
        );
        if support.watch_configs {
            self.register_config_watcher().await;
        }
        if support.configuration {
            self.update_settings(None).await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.update_settings(Some(params.settings)).await;
        self.reload().await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let touches_config = params
            .changes
            .iter()
            .any(|c| c.uri.path().as_str().ends_with(CONFIG_FILE_NAME));
        if touches_config {
            self.reload().await;
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<_> = capabilities::folder_paths(&params.event.removed);
        let added = capabilities::folder_paths(&params.event.added);
        self.with(|s| {
            s.roots.retain(|r| !removed.contains(r));
            s.roots.extend(added);
        });
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let language = Language::from_lsp_id(&item.language_id)
            .or_else(|| Language::from_path(std::path::Path::new(item.uri.path().as_str())));
        let Some(language) = language else {
            // Not a language Cairn analyses: nothing to say about it.
            tracing::debug!(
                uri = item.uri.as_str(),
                language = item.language_id,
                "not analysed"
            );
            return;
        };
        let uri = item.uri.clone();
        let config_error = self.with(|s| {
            let (config, config_error) = s.config_for(&item.uri);
            let document = Document::new(item.text, language, item.version);
            s.documents.insert(item.uri, Open::new(document, config));
            config_error
        });
        analysis::schedule(&self.client, &self.shared, uri);
        if let Some(Some(message)) = config_error {
            self.config_error(&message).await;
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let changed = self.with(|s| {
            let encoding = s.encoding;
            let Some(open) = s.documents.get_mut(&uri) else {
                tracing::warn!(
                    version,
                    uri = uri.as_str(),
                    "didChange for a document that is not open; ignored (the client should send didOpen first)"
                );
                return false;
            };
            let changes: Vec<Change> = params
                .content_changes
                .into_iter()
                .map(|c| Change {
                    range: c.range.map(|r| (from_proto(r.start), from_proto(r.end))),
                    text: c.text,
                })
                .collect();
            open.document.apply(&changes, version, encoding);
            open.touch();
            true
        });
        if changed == Some(true) {
            analysis::schedule(&self.client, &self.shared, uri);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let pull = self.with(|s| s.documents.remove(&uri).map(|_| s.support.pull));
        if let Some(Some(false)) = pull {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = &params.text_document.uri;
        self.fresh(uri, |s, open| {
            let analysis = open.analysis.as_deref()?;
            Some(actions::code_actions(
                uri,
                &open.document,
                analysis,
                params.range,
                &params.context.only,
                s.encoding,
            ))
        })
        .await
        .map(Option::flatten)
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let result = self
            .fresh(&params.text_document.uri, |s, open| {
                let result_id = open.generation.to_string();
                if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
                    return DocumentDiagnosticReport::Unchanged(
                        RelatedUnchangedDocumentDiagnosticReport {
                            related_documents: None,
                            unchanged_document_diagnostic_report:
                                UnchangedDocumentDiagnosticReport { result_id },
                        },
                    );
                }
                full_report(Some(result_id), document_diagnostics(open, s.encoding))
            })
            .await?;
        // A document Cairn does not analyse has no diagnostics.
        let report = result.unwrap_or_else(|| full_report(None, Vec::new()));
        Ok(DocumentDiagnosticReportResult::Report(report))
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let token = params.work_done_progress_params.work_done_token;
        let pull = internal(self.with(|s| {
            workspace::Pull {
                roots: s.roots.clone(),
                open: s
                    .documents
                    .keys()
                    .filter_map(|uri| uri.to_file_path().map(|p| p.into_owned()))
                    .collect(),
                encoding: s.encoding,
                config_epoch: s.config_epoch,
                previous: params
                    .previous_result_ids
                    .into_iter()
                    .map(|p| (p.uri, p.value))
                    .collect(),
            }
        }))?;
        let items = self.pull_workspace(pull, token).await?;
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.fresh(&at.text_document.uri, |s, open| {
            functions::hover(
                &open.document,
                open.analysis.as_deref()?,
                at.position,
                s.encoding,
            )
        })
        .await
        .map(Option::flatten)
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.fresh(&params.text_document.uri, |s, open| {
            if !s.settings.code_lens {
                return Some(Vec::new());
            }
            Some(functions::code_lenses(
                &open.document,
                open.analysis.as_deref()?,
                s.encoding,
            ))
        })
        .await
        .map(Option::flatten)
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.fresh(&params.text_document.uri, |s, open| {
            let symbols =
                functions::document_symbols(&open.document, open.analysis.as_deref()?, s.encoding);
            Some(DocumentSymbolResponse::Nested(symbols))
        })
        .await
        .map(Option::flatten)
    }
}

impl Backend {
    /// Runs a workspace pull off the message loop, reporting progress on `token` (the
    /// client's, or one made for the first pull when the client shows server progress). A
    /// cancelled request stops the walk.
    async fn pull_workspace(
        &self,
        pull: workspace::Pull,
        token: Option<ProgressToken>,
    ) -> Result<Vec<WorkspaceDocumentDiagnosticReport>> {
        let progress = Arc::new(workspace::Progress::default());
        struct CancelOnDrop(Arc<workspace::Progress>);
        impl Drop for CancelOnDrop {
            fn drop(&mut self) {
                self.0
                    .cancelled
                    .store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        let _cancel = CancelOnDrop(Arc::clone(&progress));
        let token = match token {
            Some(token) => Some(token),
            None => self.first_pull_token().await,
        };
        let ongoing = match token {
            Some(token) => Some(
                self.client
                    .progress(token, "Cairn: checking the workspace")
                    .with_percentage(0)
                    .begin()
                    .await,
            ),
            None => None,
        };
        let task = tokio::task::spawn_blocking({
            let progress = Arc::clone(&progress);
            move || workspace::pull(&pull, &progress)
        });
        tokio::pin!(task);
        let items = loop {
            tokio::select! {
                done = &mut task => break done,
                () = tokio::time::sleep(workspace::PROGRESS_INTERVAL) => {
                    if let Some(ongoing) = &ongoing {
                        ongoing.report(progress.percentage()).await;
                    }
                }
            }
        };
        if let Some(ongoing) = ongoing {
            let files = progress.total.load(std::sync::atomic::Ordering::Relaxed);
            ongoing.finish_with_message(format!("{files} files")).await;
        }
        items.map_err(|e| {
            tracing::error!("the workspace check failed: {e}");
            Error::internal_error()
        })
    }

    /// A server-made progress token for the first workspace pull (the one that reads every
    /// file); later pulls mostly find files unchanged and show nothing.
    async fn first_pull_token(&self) -> Option<ProgressToken> {
        let first = self.with(|s| {
            let first = !s.workspace_pulled && s.support.work_done_progress;
            s.workspace_pulled = true;
            first
        })?;
        if !first {
            return None;
        }
        let token = ProgressToken::String("cairn/workspace-diagnostics".to_string());
        self.client
            .create_work_done_progress(token.clone())
            .await
            .ok()
            .map(|()| token)
    }
}

fn full_report(result_id: Option<String>, items: Vec<Diagnostic>) -> DocumentDiagnosticReport {
    DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
        related_documents: None,
        full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
    })
}
