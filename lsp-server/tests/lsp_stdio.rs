//! The language server over stdio, driven by a minimal JSON-RPC client: initialize with an
//! encoding offer, open a file, receive versioned diagnostics, ask for quick fixes, edit
//! incrementally, and shut down cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cairn-lsp"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cairn-lsp starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                if stdout.read_exact(&mut body).is_err() {
                    return;
                }
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let reply = self.wait(|m| m["id"] == id);
        reply.get("result").cloned().unwrap_or(Value::Null)
    }

    /// The next message matching `want`, skipping others (log messages, older diagnostics).
    fn wait(&mut self, mut want: impl FnMut(&Value) -> bool) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(20))
                .expect("the server answered within 20 s");
            if want(&message) {
                return message;
            }
        }
    }

    fn diagnostics(&mut self, version: i64) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }
}

const URI: &str = "file:///tmp/cairn-test/app.py";

#[test]
fn diagnostics_fixes_and_edits_over_stdio() {
    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}}}),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(init["capabilities"]["textDocumentSync"], 2);
    client.notify("initialized", json!({}));

    let text = "import yaml\n\ndef load(s):\n    return yaml.load(s)  # é\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "security/unsafe-deserialization");
    assert_eq!(diagnostics[0]["source"], "cairn");
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({"line": 3, "character": 11})
    );

    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": diagnostics[0]["range"], "context": {"diagnostics": diagnostics, "only": ["quickfix"]}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "Use `yaml.safe_load`",
            "Suppress `security/unsafe-deserialization` on this line"
        ]
    );
    let edit = &actions[0]["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], "safe_load");

    // Apply the quick fix as an editor would: an incremental change (UTF-8 columns).
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"range": edit["range"], "text": "safe_load"}]}),
    );
    assert!(client.diagnostics(2).is_empty());

    // A change past the end of the line is clamped, not an error.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"range": {"start": {"line": 3, "character": 400}, "end": {"line": 3, "character": 500}}, "text": "\n    eval(s)"}]}),
    );
    let diagnostics = client.diagnostics(3);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["code"], "security/eval");

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 3, "character": 6}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("| cyclomatic | 1 |")
    );
    let lenses = client.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(lenses[0]["command"]["title"], "cyclomatic 1 · cognitive 0");
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": URI}}),
    );
    assert_eq!(symbols[0]["name"], "load");

    // Edits to a document that is not open, and unknown methods, do not stop the server.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///nope.py", "version": 9}, "contentChanges": [{"text": "x"}]}),
    );
    let unknown = {
        let id = client.next_id;
        client.next_id += 1;
        client.send(json!({"jsonrpc": "2.0", "id": id, "method": "cairn/unknown", "params": {}}));
        client.wait(|m| m["id"] == id)
    };
    assert_eq!(unknown["error"]["code"], -32601);

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
}

fn initialized_client() -> Client {
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    client.notify("initialized", json!({}));
    client
}

#[test]
fn the_nearest_cairn_toml_applies_and_a_broken_one_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good");
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&good).unwrap();
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        good.join(".cairn.toml"),
        "[rules]\nignore = [\"security/eval\"]\n",
    )
    .unwrap();
    std::fs::write(
        bad.join(".cairn.toml"),
        "[rules]\nignore = [\"security/evil\"]\n",
    )
    .unwrap();
    let text = "def f(x):\n    return eval(x)\n";
    let mut client = initialized_client();

    let good_uri = format!("file://{}", good.join("a.py").display());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": good_uri, "languageId": "python", "version": 1, "text": text}}),
    );
    assert!(
        client.diagnostics(1).is_empty(),
        "security/eval is ignored there"
    );

    let bad_uri = format!("file://{}", bad.join("a.py").display());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": bad_uri, "languageId": "python", "version": 7, "text": text}}),
    );
    let message = client.wait(|m| m["method"] == "window/showMessage");
    let shown = message["params"]["message"].as_str().unwrap();
    assert!(
        shown.contains(".cairn.toml") && shown.contains("security/evil"),
        "{shown}"
    );
    let diagnostics = client.diagnostics(7);
    assert_eq!(
        diagnostics[0]["code"], "security/eval",
        "the defaults apply meanwhile"
    );

    // The user mends the file; the client reports the change; diagnostics follow it.
    std::fs::write(
        bad.join(".cairn.toml"),
        "[rules]\nignore = [\"security\"]\n",
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", bad.join(".cairn.toml").display()), "type": 2}]}),
    );
    assert!(
        client.diagnostics(7).is_empty(),
        "the mended configuration applies"
    );

    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}

#[test]
fn source_fix_all_applies_every_quick_fix_at_once() {
    let mut client = initialized_client();
    let text = "import hashlib, requests, yaml\nyaml.load(a)\nhashlib.md5(b)\nrequests.get(u, verify=False, timeout=3)\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": text}}),
    );
    assert_eq!(client.diagnostics(1).len(), 3);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.cairn");
    let mut edits = actions[0]["edit"]["changes"][URI]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(edits.len(), 3);
    // Apply them, last first, the way an editor applies a WorkspaceEdit.
    edits.sort_by_key(|e| {
        (
            e["range"]["start"]["line"].as_u64(),
            e["range"]["start"]["character"].as_u64(),
        )
    });
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits.iter().rev() {
        let (line, start, end) = (
            edit["range"]["start"]["line"].as_u64().unwrap() as usize,
            edit["range"]["start"]["character"].as_u64().unwrap() as usize,
            edit["range"]["end"]["character"].as_u64().unwrap() as usize,
        );
        assert_eq!(edit["range"]["end"]["line"], edit["range"]["start"]["line"]);
        lines[line].replace_range(start..end, edit["newText"].as_str().unwrap());
    }
    assert_eq!(
        lines,
        [
            "import hashlib, requests, yaml",
            "yaml.safe_load(a)",
            "hashlib.sha256(b)",
            "requests.get(u, timeout=3)"
        ]
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}

#[test]
fn a_client_that_pulls_diagnostics_gets_them_only_by_pulling() {
    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {"textDocument": {"diagnostic": {}}}}),
    );
    assert_eq!(
        init["capabilities"]["diagnosticProvider"]["identifier"],
        "cairn"
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": "eval(x)\n"}}),
    );
    let id = client.next_id;
    client.next_id += 1;
    client.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": URI}}}));
    let mut pushed = false;
    let reply = client.wait(|m| {
        pushed |= m["method"] == "textDocument/publishDiagnostics";
        m["id"] == id
    });
    assert!(
        !pushed,
        "diagnostics were pushed to a client that pulls them"
    );
    assert_eq!(reply["result"]["kind"], "full");
    assert_eq!(reply["result"]["items"][0]["code"], "security/eval");
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}

impl Client {
    /// Writes raw bytes, framing and all (for malformed input).
    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }
}

#[test]
fn malformed_messages_get_an_error_and_the_server_keeps_serving() {
    let mut client = initialized_client();
    // A body that is not JSON.
    let body = b"{\"jsonrpc\": \"2.0\", \"id\": 7, \"method\": ";
    client.send_raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    client.send_raw(body);
    let parse_error = client.wait(|m| m.get("error").is_some());
    assert_eq!(parse_error["error"]["code"], -32700, "{parse_error}");
    // JSON that is not a JSON-RPC message.
    let body = b"{\"hello\": \"world\"}";
    client.send_raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    client.send_raw(body);
    let invalid = client.wait(|m| m.get("error").is_some());
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    // Invalid UTF-8 in a body.
    let body = b"{\"jsonrpc\": \"2.0\", \"method\": \"x\xff\xfe\"}";
    client.send_raw(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    client.send_raw(body);
    let bad_utf8 = client.wait(|m| m.get("error").is_some());
    assert!(bad_utf8["error"]["code"].as_i64().is_some(), "{bad_utf8}");

    // Still serving: a document opens and gets its diagnostics.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": "eval(x)\n"}}),
    );
    assert_eq!(client.diagnostics(1).len(), 1);
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}

#[test]
fn logs_reach_the_client_at_the_configured_level() {
    let mut client = Client::start();
    client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}, "initializationOptions": {"logLevel": "debug"}}),
    );
    client.notify("initialized", json!({}));
    let ready = client.wait(|m| m["method"] == "window/logMessage");
    assert_eq!(ready["params"]["type"], 3, "info: {ready}");
    assert!(
        ready["params"]["message"]
            .as_str()
            .unwrap()
            .contains("cairn-lsp"),
        "{ready}"
    );
    // At debug level, a didChange for a document that is not open is reported as a warning
    // and an unsupported language as a debug line.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "file:///tmp/notes.txt", "languageId": "plaintext", "version": 1, "text": "x"}}),
    );
    let debug = client.wait(|m| m["method"] == "window/logMessage" && m["params"]["type"] == 4);
    assert!(
        debug["params"]["message"]
            .as_str()
            .unwrap()
            .contains("not analysed"),
        "{debug}"
    );

    // At "warn", info lines no longer come.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"cairn": {"logLevel": "warn"}}}),
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///tmp/never-opened.py", "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    let warning = client.wait(|m| m["method"] == "window/logMessage");
    assert_eq!(
        warning["params"]["type"], 2,
        "the next log is the warning: {warning}"
    );
    assert!(
        warning["params"]["message"]
            .as_str()
            .unwrap()
            .contains("not open"),
        "{warning}"
    );
    client.request("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}

/// Waits for the process to end, failing if it takes more than five seconds.
fn exit_status(child: &mut Child) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not exit within 5 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn exit_without_shutdown_ends_the_process_with_code_1() {
    let mut client = initialized_client();
    client.notify("exit", Value::Null);
    assert_eq!(exit_status(&mut client.child).code(), Some(1));
}

#[test]
fn closing_the_input_ends_the_process() {
    let Client {
        mut child, stdin, ..
    } = initialized_client();
    drop(stdin);
    assert_eq!(exit_status(&mut child).code(), Some(1));
}
