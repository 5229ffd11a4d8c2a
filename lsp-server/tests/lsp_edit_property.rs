//! Any sequence of incremental edits sent to the server (non-ASCII text, both position
//! encodings) leaves it reporting exactly what `cairn-lsp check` reports for the final text.
//! (That the text and the syntax tree equal a fresh parse is proven on the document model
//! itself, in `document.rs`.)

mod support;

use cairn_analysis::{Config, Language};
use cairn_lsp::check::check_source;
use proptest::prelude::*;
use serde_json::{Value, json};
use support::{TestServer, neovim_capabilities, vscode_capabilities};

const START: &str = "import yaml\n\ndef f(x):\n    if x and y:\n        return 'é😀'\n    return eval(x)\n\nclass C:\n    def m(self, data):\n        return yaml.load(data)\n";

fn edit() -> impl Strategy<Value = (u32, u32, u32, u32, &'static str)> {
    (
        0u32..12,
        0u32..30,
        0u32..3,
        0u32..30,
        prop::sample::select(vec![
            "",
            "x",
            "é",
            "😀",
            "\n",
            "\r\n",
            "eval(y)\n",
            "if a:\n    ",
            "(",
            ")",
            "'",
            "    ",
            "def g(z):\n    return z\n",
            "hashlib.md5(b)",
        ]),
    )
}

/// The text after applying an LSP change, computed independently of the server: lines
/// split at `\n`, columns counted in `utf16` units or bytes, clamped as the spec says.
fn apply(
    text: &mut String,
    [line, character, end_line, end_character]: [u32; 4],
    new: &str,
    utf16: bool,
) {
    let offset = |line: u32, character: u32| -> usize {
        let mut start = 0;
        for _ in 0..line {
            match text[start..].find('\n') {
                Some(i) => start += i + 1,
                None => return text.len(),
            }
        }
        let rest = &text[start..];
        let content = rest[..rest.find('\n').unwrap_or(rest.len())].trim_end_matches('\r');
        let mut units = 0;
        for (i, c) in content.char_indices() {
            let width = if utf16 { c.len_utf16() } else { c.len_utf8() };
            if units + width > character as usize {
                return start + i;
            }
            units += width;
        }
        start + content.len()
    };
    let a = offset(line, character);
    let b = offset(end_line, end_character).max(a);
    text.replace_range(a..b, new);
}

fn summary(diagnostics: &[Value]) -> Vec<(String, String, u64)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn edits_through_the_server_report_what_check_reports(
        edits in prop::collection::vec(edit(), 1..10),
        utf16 in any::<bool>(),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async {
            let capabilities = if utf16 { vscode_capabilities() } else { neovim_capabilities() };
            let mut server = TestServer::start(capabilities, json!(null), json!({})).await;
            let uri = server.open("p.py", "python", START).await;
            let mut text = START.to_string();
            let mut version = 1;
            for (line, character, lines, end_character, new) in edits {
                let range = [line, character, line + lines, end_character];
                apply(&mut text, range, new, utf16);
                version += 1;
                server.change(&uri, version, range, new).await;
            }
            let reported: Vec<Value> = if utf16 {
                server.pull(&uri).await["items"].as_array().unwrap().clone()
            } else {
                server.diagnostics(&uri, version).await["diagnostics"].as_array().unwrap().clone()
            };
            let (_, expected) = check_source(&text, Language::Python, &Config::default());
            let expected: Vec<Value> = expected
                .iter()
                .map(|d| json!({
                    "code": d.rule.id(),
                    "message": d.message,
                    "range": { "start": { "line": d.range.start.line, "character": d.range.start.character },
                               "end": { "line": d.range.end.line, "character": d.range.end.character } },
                }))
                .collect();
            if utf16 {
                // Same encoding as `check`: ranges must match exactly.
                let ranges = |ds: &[Value]| ds.iter().map(|d| (d["code"].clone(), d["range"].clone())).collect::<Vec<_>>();
                assert_eq!(ranges(&reported), ranges(&expected), "text: {text:?}");
            }
            assert_eq!(summary(&reported), summary(&expected), "text: {text:?}");
            server.shutdown().await;
        });
    }
}
