//! A test client for the language server in-process (in the manner of ruff's `TestServer`):
//! requests and notifications go through the `LspService` itself, and everything the server
//! sends the client (notifications, and requests, which are answered) is recorded as JSON.

#![allow(dead_code)] // each test file uses a part of it

use std::path::{Path, PathBuf};
use std::time::Duration;

use cairn_lsp::server::Backend;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tower::{Service, ServiceExt};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::{Request, Response};

/// How long a test waits for a message before failing (debug builds are slow).
pub const PATIENCE: Duration = Duration::from_secs(60);

pub struct TestServer {
    service: LspService<Backend>,
    from_server: mpsc::UnboundedReceiver<Value>,
    /// Messages received while waiting for another one, oldest first.
    backlog: Vec<Value>,
    next_id: i64,
    pub dir: tempfile::TempDir,
}

/// Client capabilities close to what VS Code sends (pulls diagnostics, UTF-16 only,
/// answers workspace/configuration, shows progress, watches files).
pub fn vscode_capabilities() -> Value {
    json!({
        "general": { "positionEncodings": ["utf-16"] },
        "textDocument": {
            "synchronization": { "dynamicRegistration": true, "didSave": true },
            "diagnostic": { "dynamicRegistration": true, "relatedDocumentSupport": false },
            "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "source", "source.fixAll"] } } },
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "codeLens": {},
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true }
        },
        "workspace": {
            "configuration": true,
            "workspaceFolders": true,
            "didChangeConfiguration": { "dynamicRegistration": true },
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "diagnostics": { "refreshSupport": true },
            "codeLens": { "refreshSupport": true }
        },
        "window": { "workDoneProgress": true }
    })
}

/// Client capabilities close to what Neovim 0.11 sends (offers UTF-8, diagnostics pushed).
pub fn neovim_capabilities() -> Value {
    json!({
        "general": { "positionEncodings": ["utf-8", "utf-16", "utf-32"] },
        "textDocument": {
            "synchronization": { "didSave": true },
            "publishDiagnostics": { "versionSupport": true, "relatedInformation": true },
            "codeAction": { "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["", "quickfix", "refactor", "source"] } } },
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true }
        },
        "workspace": { "configuration": true, "workspaceFolders": true },
        "window": { "workDoneProgress": true }
    })
}

impl TestServer {
    /// Starts a server and initializes it with `capabilities`, the temporary directory as
    /// the workspace folder and `options` as initializationOptions. The client answers
    /// `workspace/configuration` with `settings`.
    pub async fn start(capabilities: Value, options: Value, settings: Value) -> TestServer {
        let (service, socket) = LspService::new(Backend::new);
        let (mut requests, mut responses) = socket.split();
        let (tx, from_server) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(request) = requests.next().await {
                let message = serde_json::to_value(&request).expect("a request serialises");
                let _ = tx.send(message.clone());
                let (method, id, _) = request.into_parts();
                let Some(id) = id else { continue };
                let result = match method.as_ref() {
                    "workspace/configuration" => json!([settings.clone()]),
                    _ => Value::Null,
                };
                let _ = responses.send(Response::from_ok(id, result)).await;
            }
        });
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut server = TestServer {
            service,
            from_server,
            backlog: Vec::new(),
            next_id: 1,
            dir,
        };
        let root = server.uri("");
        let result = server
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root,
                    "capabilities": capabilities,
                    "initializationOptions": options,
                    "workspaceFolders": [{ "uri": root, "name": "ws" }]
                }),
            )
            .await
            .expect("initialize succeeds");
        assert_eq!(result["serverInfo"]["name"], "cairn-lsp");
        server.notify("initialized", json!({})).await;
        server
    }

    pub async fn vscode() -> TestServer {
        TestServer::start(vscode_capabilities(), json!(null), json!({})).await
    }

    pub async fn neovim() -> TestServer {
        TestServer::start(neovim_capabilities(), json!(null), json!({})).await
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The `file://` URI of a file in the workspace (`""`: the workspace itself).
    pub fn uri(&self, name: &str) -> String {
        let path = self.dir.path().canonicalize().unwrap().join(name);
        let path = path.to_str().unwrap().trim_end_matches('/');
        format!("file://{path}")
    }

    pub fn write(&self, name: &str, text: &str) {
        let path = self.path(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Sends a request and returns its result, or its error object.
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.next_id;
        self.next_id += 1;
        let request = Request::build(method.to_string())
            .id(id)
            .params(params)
            .finish();
        let response = self.call(request).await.expect("a request gets a response");
        let (_, result) = response.into_parts();
        result.map_err(|e| serde_json::to_value(e).unwrap())
    }

    /// Starts a request without waiting for its answer (to cancel it, say).
    pub async fn start_request(
        &mut self,
        id: i64,
        method: &str,
        params: Value,
    ) -> tokio::task::JoinHandle<Option<Response>> {
        let request = Request::build(method.to_string())
            .id(id)
            .params(params)
            .finish();
        let service = self.service.ready().await.expect("the service is ready");
        let call = service.call(request);
        tokio::spawn(async move { call.await.ok().flatten() })
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        let request = Request::build(method.to_string()).params(params).finish();
        assert!(
            self.call(request).await.is_none(),
            "a notification gets no response"
        );
    }

    async fn call(&mut self, request: Request) -> Option<Response> {
        let service = self.service.ready().await.expect("the service is ready");
        tokio::time::timeout(PATIENCE, service.call(request))
            .await
            .expect("the server answers in time")
            .expect("the server has not exited")
    }

    /// Waits for the next message from the server that `matches`; the others are kept.
    pub async fn wait_for(&mut self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.backlog.iter().position(&matches) {
            return self.backlog.remove(at);
        }
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let message = tokio::time::timeout_at(deadline, self.from_server.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!("no {what} within {PATIENCE:?}; got {:#?}", self.backlog)
                })
                .expect("the server is running");
            if matches(&message) {
                return message;
            }
            self.backlog.push(message);
        }
    }

    /// The next `textDocument/publishDiagnostics` for `uri` with `version`.
    pub async fn diagnostics(&mut self, uri: &str, version: i64) -> Value {
        let uri = uri.to_string();
        self.wait_for("diagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri.as_str()
                && m["params"]["version"] == version
        })
        .await["params"]
            .clone()
    }

    /// Every message received so far that nobody waited for, and those that arrive within
    /// `quiet` (to check that something was not sent).
    pub async fn drain(&mut self, quiet: Duration) -> Vec<Value> {
        while let Ok(Some(message)) = tokio::time::timeout(quiet, self.from_server.recv()).await {
            self.backlog.push(message);
        }
        std::mem::take(&mut self.backlog)
    }

    pub async fn open(&mut self, name: &str, language: &str, text: &str) -> String {
        let uri = self.uri(name);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language, "version": 1, "text": text } }),
        )
        .await;
        uri
    }

    /// One incremental change: `range` is `[start line, start character, end line, end
    /// character]` in the negotiated encoding.
    pub async fn change(&mut self, uri: &str, version: i64, range: [u32; 4], text: &str) {
        let [a, b, c, d] = range;
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{
                    "range": { "start": { "line": a, "character": b }, "end": { "line": c, "character": d } },
                    "text": text
                }]
            }),
        )
        .await;
    }

    /// Pulls a document's diagnostics.
    pub async fn pull(&mut self, uri: &str) -> Value {
        self.request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await
        .expect("textDocument/diagnostic succeeds")
    }

    pub async fn shutdown(mut self) {
        assert_eq!(self.request("shutdown", json!(null)).await, Ok(Value::Null));
        let exit = Request::build("exit").finish();
        let service = self.service.ready().await.expect("the service is ready");
        let _ = service.call(exit).await;
    }

    /// `value` with this server's workspace URI replaced by `file:///workspace`, for
    /// snapshots.
    pub fn redacted(&self, value: &Value) -> Value {
        let dir = self.dir.path().canonicalize().unwrap();
        let text = value
            .to_string()
            .replace(&self.uri(""), "file:///workspace")
            .replace(dir.to_str().unwrap(), "/workspace");
        serde_json::from_str(&text).unwrap()
    }
}

/// The path of a URI made by [`TestServer::uri`].
pub fn path_of(uri: &str) -> &Path {
    Path::new(uri.strip_prefix("file://").unwrap())
}
