//! The language server in-process, feature by feature, with snapshots of the JSON it sends
//! (URIs of the temporary workspace shown as `file:///workspace`).

mod support;

use std::time::Duration;

use insta::assert_json_snapshot;
use serde_json::{Value, json};
use support::{TestServer, neovim_capabilities, vscode_capabilities};

const PYTHON: &str = "import hashlib\nimport yaml\n\n\ndef load(data, user_input):\n    config = yaml.load(data)\n    digest = hashlib.md5(data).hexdigest()\n    return eval(user_input), config, digest\n";

fn methods(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .filter_map(|m| m["method"].as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_negotiates_encoding_and_diagnostics_mode() {
    for (name, capabilities) in [
        ("vscode", vscode_capabilities()),
        ("neovim", neovim_capabilities()),
    ] {
        let mut server = TestServer::start(capabilities.clone(), json!(null), json!({})).await;
        let result = server
            .request(
                "initialize",
                json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
            )
            .await;
        // A second initialize is refused; the first one's result is what the client saw.
        assert!(result.is_err(), "{name}: {result:?}");
        server.shutdown().await;
    }
    let mut results = Vec::new();
    for capabilities in [vscode_capabilities(), neovim_capabilities()] {
        let (service, _socket) = tower_lsp_server::LspService::new(cairn_lsp::server::Backend::new);
        let mut service = service;
        let request = tower_lsp_server::jsonrpc::Request::build("initialize")
            .id(1)
            .params(json!({ "processId": null, "capabilities": capabilities }))
            .finish();
        use tower::{Service, ServiceExt};
        let response = service.ready().await.unwrap().call(request).await.unwrap();
        let (_, result) = response.unwrap().into_parts();
        let mut result = result.unwrap();
        result["serverInfo"]["version"] = json!("[version]");
        results.push(result);
    }
    assert_json_snapshot!("initialize_vscode", results[0]);
    assert_json_snapshot!("initialize_neovim", results[1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pushed_diagnostics_follow_incremental_edits_and_carry_the_version() {
    let mut server = TestServer::neovim().await;
    let uri = server.open("app.py", "python", PYTHON).await;
    let first = server.diagnostics(&uri, 1).await;
    assert_json_snapshot!("push_python", server.redacted(&first));

    // A line of non-ASCII text above: every finding moves one line down, columns unchanged.
    server.change(&uri, 2, [4, 0, 4, 0], "# é😀 naïve\n").await;
    let moved = server.diagnostics(&uri, 2).await;
    let lines = |d: &Value| -> Vec<u64> {
        d["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["range"]["start"]["line"].as_u64().unwrap())
            .collect()
    };
    let shifted: Vec<u64> = lines(&first).iter().map(|l| l + 1).collect();
    assert_eq!(lines(&moved), shifted);

    // Typing after an emoji on the finding's own line: UTF-8 columns (Neovim offers UTF-8).
    server.change(&uri, 3, [8, 0, 8, 0], "x = '😀'; ").await;
    let after = server.diagnostics(&uri, 3).await;
    let eval = after["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "security/eval")
        .expect("eval is still reported")
        .clone();
    // `x = '😀'; ` is 12 bytes (the emoji is 4) before `    return eval(`.
    assert_eq!(
        eval["range"]["start"],
        json!({ "line": 8, "character": 11 + 12 })
    );

    server
        .notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    let cleared = server
        .wait_for("cleared diagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["diagnostics"] == json!([])
        })
        .await;
    assert_eq!(cleared["params"]["uri"], uri.as_str());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_positions_count_surrogate_pairs() {
    let mut server = TestServer::vscode().await;
    let uri = server.open("app.py", "python", "x = '😀'; eval(x)\n").await;
    let pulled = server.pull(&uri).await;
    let eval = &pulled["items"][0];
    assert_eq!(eval["code"], "security/eval");
    // "x = '" 5 units, 😀 2 units (a surrogate pair), "'; " 3 units.
    assert_eq!(
        eval["range"],
        json!({ "start": { "line": 0, "character": 10 }, "end": { "line": 0, "character": 17 } })
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pulled_diagnostics_are_never_pushed_and_unchanged_results_say_so() {
    let mut server = TestServer::vscode().await;
    let uri = server.open("app.py", "python", PYTHON).await;
    let pulled = server.pull(&uri).await;
    assert_eq!(pulled["kind"], "full");
    let result_id = pulled["resultId"].as_str().unwrap().to_string();
    let mut items = pulled.clone();
    items["resultId"] = json!("[id]");
    assert_json_snapshot!("pull_python", server.redacted(&items));

    let again = server
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri }, "previousResultId": result_id }),
        )
        .await
        .unwrap();
    assert_eq!(again, json!({ "kind": "unchanged", "resultId": result_id }));

    server.change(&uri, 2, [0, 0, 0, 0], "\n").await;
    let edited = server
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": uri }, "previousResultId": result_id }),
        )
        .await
        .unwrap();
    assert_eq!(edited["kind"], "full", "an edit gives a new result");

    let sent = server.drain(Duration::from_millis(300)).await;
    assert!(
        !methods(&sent).contains(&"textDocument/publishDiagnostics"),
        "a pulling client gets nothing pushed: {sent:#?}"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_diagnostics_cover_closed_files_with_progress() {
    let mut server = TestServer::vscode().await;
    server.write(
        "closed.py",
        "import pickle\n\ndef f(b):\n    return pickle.loads(b)\n",
    );
    server.write("sub/other.ts", "document.write(location.hash);\n");
    server.write("notes.txt", "eval(x)\n");
    server.write("open.py", "eval(x)\n");
    server.open("open.py", "python", "eval(x)\n").await;

    let report = server
        .request(
            "workspace/diagnostic",
            json!({ "previousResultIds": [], "workDoneToken": "ws-1" }),
        )
        .await
        .unwrap();
    let mut items = report["items"].as_array().unwrap().clone();
    items.sort_by_key(|i| i["uri"].as_str().unwrap().to_string());
    let ids: Vec<(Value, Value)> = items
        .iter()
        .map(|i| (i["uri"].clone(), i["resultId"].clone()))
        .collect();
    for item in &mut items {
        item["resultId"] = json!("[id]");
    }
    assert_json_snapshot!("workspace_report", server.redacted(&json!(items)));

    let progress: Vec<Value> = server
        .drain(Duration::from_millis(200))
        .await
        .into_iter()
        .filter(|m| m["method"] == "$/progress" && m["params"]["token"] == "ws-1")
        .map(|m| m["params"]["value"]["kind"].clone())
        .collect();
    assert_eq!(progress.first(), Some(&json!("begin")), "{progress:?}");
    assert_eq!(progress.last(), Some(&json!("end")), "{progress:?}");

    // Nothing changed: every file is reported unchanged, without being read again.
    let previous: Vec<Value> = ids
        .iter()
        .map(|(uri, id)| json!({ "uri": uri, "value": id }))
        .collect();
    let again = server
        .request(
            "workspace/diagnostic",
            json!({ "previousResultIds": previous }),
        )
        .await
        .unwrap();
    let kinds: Vec<&Value> = again["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["kind"])
        .collect();
    assert_eq!(kinds, [&json!("unchanged"), &json!("unchanged")]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_fix_suppress_and_fix_all() {
    let mut server = TestServer::vscode().await;
    let uri = server.open("app.py", "python", PYTHON).await;
    let at_yaml = json!({
        "textDocument": { "uri": uri },
        "range": { "start": { "line": 5, "character": 13 }, "end": { "line": 5, "character": 13 } },
        "context": { "diagnostics": [] }
    });
    let actions = server
        .request("textDocument/codeAction", at_yaml)
        .await
        .unwrap();
    assert_json_snapshot!("code_actions_yaml", server.redacted(&actions));

    let fix_all = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "context": { "diagnostics": [], "only": ["source"] }
            }),
        )
        .await
        .unwrap();
    assert_json_snapshot!("code_actions_fix_all", server.redacted(&fix_all));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_lenses_and_symbols_describe_functions() {
    let mut server = TestServer::vscode().await;
    let text = "def outer(a, b):\n    if a and b:\n        return 1\n    def inner():\n        return [x for x in a if x]\n    return inner\n";
    let uri = server.open("m.py", "python", text).await;
    let doc = json!({ "textDocument": { "uri": uri } });
    let hover = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 4 } }),
        )
        .await
        .unwrap();
    assert_json_snapshot!("hover_outer", hover);
    let inner = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 4, "character": 8 } }),
        )
        .await
        .unwrap();
    assert!(
        inner["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**outer.inner**")
    );
    let outside = server
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 40, "character": 0 } }),
        )
        .await
        .unwrap();
    assert_eq!(outside, Value::Null, "past the end: no function, no error");

    let lenses = server
        .request("textDocument/codeLens", doc.clone())
        .await
        .unwrap();
    assert_json_snapshot!("code_lenses", lenses);
    let symbols = server
        .request("textDocument/documentSymbol", doc)
        .await
        .unwrap();
    assert_json_snapshot!("document_symbols", symbols);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_come_from_initialization_options_and_configuration_changes() {
    let mut server = TestServer::start(
        vscode_capabilities(),
        json!({ "codeLens": false }),
        json!(null),
    )
    .await;
    let uri = server
        .open("m.py", "python", "def f():\n    return 1\n")
        .await;
    let doc = json!({ "textDocument": { "uri": uri } });
    let lenses = server
        .request("textDocument/codeLens", doc.clone())
        .await
        .unwrap();
    assert_eq!(lenses, json!([]), "codeLens: false");

    server
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "cairn": { "codeLens": true, "logLevel": "loud" } } }),
        )
        .await;
    let lenses = server.request("textDocument/codeLens", doc).await.unwrap();
    assert_eq!(lenses.as_array().unwrap().len(), 1, "{lenses}");
    let warning = server
        .wait_for("a warning about the setting", |m| {
            m["method"] == "window/showMessage"
        })
        .await;
    assert_json_snapshot!("bad_setting_message", warning["params"]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cairn_toml_changes_reanalyse_open_documents() {
    let mut server = TestServer::neovim().await;
    let uri = server.open("app.py", "python", PYTHON).await;
    let before = server.diagnostics(&uri, 1).await;
    assert!(before.to_string().contains("security/eval"));

    server.write(".cairn.toml", "[rules]\nignore = [\"security/eval\"]\n");
    server
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": server.uri(".cairn.toml"), "type": 1 }] }),
        )
        .await;
    let after = server.diagnostics(&uri, 1).await;
    assert!(!after.to_string().contains("security/eval"), "{after}");
    assert_eq!(
        after["diagnostics"].as_array().unwrap().len() + 1,
        before["diagnostics"].as_array().unwrap().len()
    );

    // A broken file: the user is told, the defaults apply, the document is still analysed.
    server.write(".cairn.toml", "[rules]\nignore = 3\n");
    server
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": {} }),
        )
        .await;
    let message = server
        .wait_for("the config error", |m| m["method"] == "window/showMessage")
        .await;
    assert_json_snapshot!("broken_config_message", server.redacted(&message["params"]));
    let defaults = server.diagnostics(&uri, 1).await;
    assert_eq!(defaults["diagnostics"], before["diagnostics"]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_an_answer_and_the_server_keeps_serving() {
    let mut server = TestServer::vscode().await;

    // An unknown request method.
    let unknown = server.request("cairn/noSuchThing", json!({})).await;
    assert_eq!(unknown.unwrap_err()["code"], -32601);

    // A change for a document that was never opened is ignored.
    server
        .change("file:///nowhere/x.py", 2, [0, 0, 0, 0], "eval(x)")
        .await;

    // An unsupported language: nothing, and no error.
    let notes = server.open("notes.txt", "plaintext", "eval(x)\n").await;
    let pulled = server.pull(&notes).await;
    assert_eq!(pulled["items"], json!([]));
    let lenses = server
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": notes } }),
        )
        .await
        .unwrap();
    assert_eq!(lenses, Value::Null);

    // Positions past the end of a line and of the document are clamped.
    let uri = server.open("app.py", "python", PYTHON).await;
    server.change(&uri, 2, [99, 7, 120, 3], "\neval(y)\n").await;
    let pulled = server.pull(&uri).await;
    let evals = pulled["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "security/eval")
        .count();
    assert_eq!(evals, 2, "the text was appended at the end: {pulled}");
    let actions = server
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": { "start": { "line": 500, "character": 0 }, "end": { "line": 9000, "character": 9 } },
                "context": { "diagnostics": [] }
            }),
        )
        .await;
    assert!(actions.is_ok(), "{actions:?}");

    // Invalid parameters for a known method.
    let invalid = server
        .request("textDocument/hover", json!({ "nope": 1 }))
        .await;
    assert_eq!(invalid.unwrap_err()["code"], -32602);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_request_is_answered_as_cancelled() {
    let mut server = TestServer::vscode().await;
    // Large enough that its analysis is still running when the cancel arrives.
    let big = "def f(x):\n    return eval(x)\n".repeat(40_000);
    let uri = server.open("big.py", "python", &big).await;
    let pending = server
        .start_request(
            9001,
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 4 } }),
        )
        .await;
    server
        .notify("$/cancelRequest", json!({ "id": 9001 }))
        .await;
    let response = pending.await.unwrap().expect("a response");
    let (_, result) = response.into_parts();
    assert_eq!(result.unwrap_err().code.code(), -32800);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_edits_publishes_only_current_versions_in_order() {
    let mut server = TestServer::neovim().await;
    let uri = server.open("app.py", "python", PYTHON).await;
    server.diagnostics(&uri, 1).await;
    for version in 2..=60 {
        server.change(&uri, version, [0, 0, 0, 0], "#").await;
    }
    let last = server.diagnostics(&uri, 60).await;
    let published: Vec<i64> = server
        .drain(Duration::from_millis(300))
        .await
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics")
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(
        published.iter().all(|&v| v < 60),
        "nothing after the last version: {published:?}"
    );
    assert!(published.windows(2).all(|w| w[0] < w[1]), "{published:?}");
    // The findings are those of the final text (60 characters inserted on line 0).
    assert_eq!(last["diagnostics"].as_array().unwrap().len(), 3, "{last}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5_mb_file_is_analysed_while_other_requests_are_answered() {
    let mut server = TestServer::neovim().await;
    let chunk = "def handler(request, user_input):\n    if request and user_input:\n        return eval(user_input)\n    return None\n\n\n";
    let big = chunk.repeat(5 * 1024 * 1024 / chunk.len() + 1);
    assert!(big.len() >= 5 * 1024 * 1024);
    let big_uri = server.open("big.py", "python", &big).await;
    let small = server.open("small.py", "python", "eval(x)\n").await;
    // The small file's diagnostics and a request on it are not held up by the big one.
    server.diagnostics(&small, 1).await;
    let symbols = server
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": small } }),
        )
        .await;
    assert_eq!(symbols, Ok(json!([])));
    let diagnostics = server.diagnostics(&big_uri, 1).await;
    let count = diagnostics["diagnostics"].as_array().unwrap().len();
    assert_eq!(count, big.matches("eval(").count());
    server.shutdown().await;
}
