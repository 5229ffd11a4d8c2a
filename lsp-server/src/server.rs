//! The language server over stdio (tower-lsp-server): open documents, push diagnostics,
//! quick fixes, hovers, code lenses and document symbols from the local analysis.
//!
//! Ordering: tower-lsp-server may run handlers concurrently (tower-lsp issue 284), so every
//! state change — applying an edit and analysing the result — happens under one lock with no
//! await inside; diagnostics carry the version they were computed for, and are not published
//! when a newer version has arrived meanwhile.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cairn_analysis::{FileAnalysis, FunctionMetrics, Language, Severity, Span};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use cairn_analysis::config::CONFIG_FILE_NAME;

use crate::config_discovery::{ConfigDiscovery, ResolvedConfig};
use crate::document::{self, Change, Document, Encoding};

pub async fn serve() {
    let (service, socket) = LspService::new(Backend::new);
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .serve(service)
        .await;
}

pub struct Backend {
    client: Client,
    state: Mutex<State>,
}

struct State {
    encoding: Encoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`): then none are pushed, so
    /// nothing is reported twice.
    pull: bool,
    /// The client accepts a dynamic watcher for `.cairn.toml` files.
    watch_configs: bool,
    /// `.cairn.toml` lookup, cached per directory; `None` if the working directory is gone.
    configs: Option<ConfigDiscovery>,
    documents: HashMap<Uri, Open>,
}

struct Open {
    document: Document,
    analysis: FileAnalysis,
    config: Arc<ResolvedConfig>,
}

impl State {
    /// The configuration for a document: the `.cairn.toml` found upward from its file, or the
    /// defaults (for unsaved buffers, or when that file is broken: the error is returned so
    /// the user is told, and the document is still analysed).
    fn config_for(&mut self, uri: &Uri) -> (Arc<ResolvedConfig>, Option<String>) {
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

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend {
            client,
            state: Mutex::new(State {
                encoding: Encoding::Utf16,
                pull: false,
                watch_configs: false,
                configs: ConfigDiscovery::new(None).ok(),
                documents: HashMap::new(),
            }),
        }
    }

    /// Runs `f` on the state. A panic inside (a bug, never input: nothing may panic on input)
    /// is caught and logged, and the handler answers as if it had nothing to say, so one bad
    /// request never takes the server down; the poisoned lock is recovered for the next one.
    fn with_state<T: Default>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut guard))) {
            Ok(value) => value,
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!("internal error in a request handler (please report it): {what}");
                T::default()
            }
        }
    }

    /// Reads every `.cairn.toml` again, analyses the open documents with what they now say
    /// and republishes their diagnostics.
    async fn reload(&self) {
        let (published, errors) = self.with_state(|s| {
            s.configs = ConfigDiscovery::new(None).ok();
            let uris: Vec<Uri> = s.documents.keys().cloned().collect();
            let mut published = Vec::new();
            let mut errors = Vec::new();
            for uri in uris {
                let (config, error) = s.config_for(&uri);
                errors.extend(error);
                let encoding = s.encoding;
                if let Some(open) = s.documents.get_mut(&uri) {
                    open.analysis = open.document.analyze(&config.config, None);
                    open.config = config;
                    published.push((uri, Some(diagnostics(open, encoding))));
                }
            }
            errors.sort();
            errors.dedup();
            (published, errors)
        });
        for message in errors {
            self.config_error(&message).await;
        }
        for (uri, diagnostics) in published {
            self.publish(uri, diagnostics).await;
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

    async fn publish(&self, uri: Uri, published: Option<(Vec<Diagnostic>, i32)>) {
        let Some((diagnostics, version)) = published else {
            return;
        };
        if self.with_state(|s| s.pull) {
            return;
        }
        let current = self.with_state(|s| s.documents.get(&uri).map(|o| o.document.version()));
        if current == Some(version) {
            self.client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        let encoding = if offers_utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let pull = params
            .capabilities
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        let watch_configs = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.with_state(|s| {
            s.encoding = encoding;
            s.pull = pull;
            s.watch_configs = watch_configs;
        });
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "cairn-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(match encoding {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(FIX_ALL),
                        ]),
                        ..CodeActionOptions::default()
                    },
                )),
                diagnostic_provider: pull.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some("cairn".to_string()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: false,
                        work_done_progress_options: WorkDoneProgressOptions::default(),
                    })
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                document_symbol_provider: Some(OneOf::Left(true)),
                ..ServerCapabilities::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !self.with_state(|s| s.watch_configs) {
            return;
        }
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

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_change_configuration(&self, _: DidChangeConfigurationParams) {
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

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let item = params.text_document;
        let language = Language::from_lsp_id(&item.language_id)
            .or_else(|| Language::from_path(std::path::Path::new(item.uri.path().as_str())));
        let Some(language) = language else {
            // Not a language Cairn analyses: nothing to say about it.
            return;
        };
        let uri = item.uri.clone();
        let (published, config_error) = self.with_state(|s| {
            let (config, config_error) = s.config_for(&item.uri);
            let mut document = Document::new(item.text, language, item.version);
            let analysis = document.analyze(&config.config, None);
            let open = Open {
                document,
                analysis,
                config,
            };
            let published = diagnostics(&open, s.encoding);
            s.documents.insert(item.uri, open);
            (Some(published), config_error)
        });
        if let Some(message) = config_error {
            self.config_error(&message).await;
        }
        self.publish(uri, published).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let published = self.with_state(|s| {
            let encoding = s.encoding;
            let Some(open) = s.documents.get_mut(&uri) else {
                tracing::warn!(%version, uri = uri.as_str(), "didChange for a document that is not open; ignored");
                return None;
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
            open.analysis = open
                .document
                .analyze(&open.config.config, Some(&open.analysis));
            Some(diagnostics(open, encoding))
        });
        self.publish(uri, published).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let pull = self.with_state(|s| {
            s.documents.remove(&uri);
            s.pull
        });
        if !pull {
            self.client.publish_diagnostics(uri, Vec::new(), None).await;
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let only = params.context.only;
        Ok(self.with_state(|s| {
            let open = s.documents.get(&uri)?;
            let encoding = s.encoding;
            let doc = &open.document;
            let start = doc.offset(from_proto(params.range.start), encoding);
            let end = doc.offset(from_proto(params.range.end), encoding);
            let mut actions = Vec::new();
            if requested(&only, CodeActionKind::QUICKFIX.as_str()) {
                for finding in &open.analysis.findings {
                    if !finding.span.intersects(start, end) {
                        continue;
                    }
                    let diagnostic = to_diagnostic(doc, finding, encoding);
                    let suppress =
                        cairn_analysis::suppression_fix(finding, doc.text(), doc.language());
                    let fixes = finding
                        .fix
                        .iter()
                        .map(|fix| (fix, true))
                        .chain(std::iter::once((&suppress, false)));
                    for (fix, preferred) in fixes {
                        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: fix.title.clone(),
                            kind: Some(CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![diagnostic.clone()]),
                            edit: Some(workspace_edit(&uri, doc, fix.edits.iter(), encoding)),
                            is_preferred: Some(preferred),
                            ..CodeAction::default()
                        }));
                    }
                }
            }
            if requested(&only, FIX_ALL)
                && let Some(action) = fix_all(&uri, open, encoding)
            {
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
            Some(actions)
        }))
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let items = self.with_state(|s| {
            let open = s.documents.get(&params.text_document.uri)?;
            Some(diagnostics(open, s.encoding).0)
        });
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    // A document Cairn does not analyse has no diagnostics.
                    items: items.unwrap_or_default(),
                },
            }),
        ))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        Ok(self.with_state(|s| {
            let open = s.documents.get(&at.text_document.uri)?;
            let offset = open.document.offset(from_proto(at.position), s.encoding);
            // The innermost function around the cursor.
            let function = open
                .analysis
                .functions
                .iter()
                .filter(|f| f.span.start_byte <= offset && offset <= f.span.end_byte)
                .min_by_key(|f| f.span.end_byte - f.span.start_byte)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: metrics_table(function),
                }),
                range: Some(to_range(&open.document, function.name_span, s.encoding)),
            })
        }))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        Ok(self.with_state(|s| {
            let open = s.documents.get(&params.text_document.uri)?;
            let lenses = open
                .analysis
                .functions
                .iter()
                .filter(|f| !f.is_closure)
                .map(|f| CodeLens {
                    range: to_range(&open.document, f.name_span, s.encoding),
                    command: Some(Command::new(
                        format!("cyclomatic {} · cognitive {}", f.cyclomatic, f.cognitive),
                        String::new(),
                        None,
                    )),
                    data: None,
                })
                .collect();
            Some(lenses)
        }))
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        Ok(self.with_state(|s| {
            let open = s.documents.get(&params.text_document.uri)?;
            #[allow(deprecated)] // `deprecated` is a required field of the struct
            let symbols = open
                .analysis
                .functions
                .iter()
                .map(|f| DocumentSymbol {
                    name: f.name.clone(),
                    detail: Some(format!(
                        "cyclomatic {}, cognitive {}",
                        f.cyclomatic, f.cognitive
                    )),
                    kind: SymbolKind::FUNCTION,
                    tags: None,
                    deprecated: None,
                    range: to_range(&open.document, f.span, s.encoding),
                    selection_range: to_range(&open.document, f.name_span, s.encoding),
                    children: None,
                })
                .collect();
            Some(DocumentSymbolResponse::Nested(symbols))
        }))
    }
}

/// The kind of the action that applies every quick fix of a document (on save, in VS Code).
const FIX_ALL: &str = "source.fixAll.cairn";

/// Does the client's `only` filter ask for actions of `kind`? (`source` asks for
/// `source.fixAll.cairn`; no filter asks for everything.)
fn requested(only: &Option<Vec<CodeActionKind>>, kind: &str) -> bool {
    only.as_ref().is_none_or(|kinds| {
        kinds.iter().any(|k| {
            let k = k.as_str();
            kind == k
                || kind
                    .strip_prefix(k)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// One action with every quick fix of the document; a fix whose edits overlap an earlier
/// one is left for the next round.
fn fix_all(uri: &Uri, open: &Open, encoding: Encoding) -> Option<CodeAction> {
    let mut edits: Vec<&cairn_analysis::Edit> = Vec::new();
    let mut fixes: Vec<&cairn_analysis::Fix> = open
        .analysis
        .findings
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .collect();
    fixes.sort_by_key(|fix| fix.edits.first().map(|e| e.span.start_byte));
    for fix in fixes {
        let overlaps = fix.edits.iter().any(|e| {
            edits.iter().any(|taken| {
                e.span.start_byte < taken.span.end_byte.max(taken.span.start_byte + 1)
                    && taken.span.start_byte < e.span.end_byte.max(e.span.start_byte + 1)
            })
        });
        if !overlaps {
            edits.extend(&fix.edits);
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some(CodeAction {
        title: "Apply every Cairn quick fix".to_string(),
        kind: Some(CodeActionKind::new(FIX_ALL)),
        edit: Some(workspace_edit(
            uri,
            &open.document,
            edits.into_iter(),
            encoding,
        )),
        ..CodeAction::default()
    })
}

fn workspace_edit<'e>(
    uri: &Uri,
    doc: &Document,
    edits: impl Iterator<Item = &'e cairn_analysis::Edit>,
    encoding: Encoding,
) -> WorkspaceEdit {
    let edits = edits
        .map(|e| TextEdit::new(to_range(doc, e.span, encoding), e.new_text.clone()))
        .collect();
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

fn diagnostics(open: &Open, encoding: Encoding) -> (Vec<Diagnostic>, i32) {
    let diagnostics = open
        .analysis
        .findings
        .iter()
        .map(|f| to_diagnostic(&open.document, f, encoding))
        .collect();
    (diagnostics, open.document.version())
}

fn to_diagnostic(
    doc: &Document,
    finding: &cairn_analysis::Finding,
    encoding: Encoding,
) -> Diagnostic {
    Diagnostic {
        range: to_range(doc, finding.span, encoding),
        severity: Some(match finding.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(finding.rule.id().to_string())),
        source: Some("cairn".to_string()),
        message: finding.message.clone(),
        ..Diagnostic::default()
    }
}

fn to_range(doc: &Document, span: Span, encoding: Encoding) -> Range {
    Range::new(
        to_proto(doc.position(span.start_byte, encoding)),
        to_proto(doc.position(span.end_byte, encoding)),
    )
}

fn to_proto(p: document::Position) -> Position {
    Position::new(p.line, p.character)
}

fn from_proto(p: Position) -> document::Position {
    document::Position {
        line: p.line,
        character: p.character,
    }
}

fn metrics_table(f: &FunctionMetrics) -> String {
    format!(
        "**{}** — lines {}–{}\n\n| metric | value |\n| --- | ---: |\n| cyclomatic | {} |\n| cognitive | {} |\n| nesting | {} |\n| parameters | {} |\n| lines of code | {} |\n",
        f.name, f.start_line, f.end_line, f.cyclomatic, f.cognitive, f.nesting, f.params, f.lines
    )
}
