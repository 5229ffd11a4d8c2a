//! The language server as an editor sees it: a JSON-RPC client over stdio that measures
//!
//! * **initialize**: the time from writing the `initialize` request to reading its result, on
//!   fresh processes (written right after the spawn, as editors do, and again on a process
//!   that has been idle for a moment, which leaves the process start-up out);
//! * **latency**: `didChange` → `publishDiagnostics` for single-character edits (insert a
//!   character, then delete it) at deterministic pseudo-random places inside function bodies
//!   of large real files, one edit at a time, each waited for by the `version` of its
//!   diagnostics; with UTF-16 positions (plain client capabilities) and with UTF-8 offered;
//! * **memory**: VmRSS and VmHWM of a fresh server with many real files open, once all their
//!   diagnostics have arrived.
//!
//! ```text
//! cargo bench -p cairn-lsp --bench lsp_session -- \
//!     --python FILE.py --typescript FILE.ts --memory-dir DIR [--edits N] [--init-runs N] \
//!     [--seed N] [--no-utf8] [--timeout-secs N]
//! ```
//!
//! `scripts/bench-lsp` prepares the files from the real-code corpora and runs this. The server
//! is the `cairn-lsp` built with the bench unless `CAIRN_LSP` names another binary. Files can
//! also come from `CAIRN_BENCH_PYTHON`, `CAIRN_BENCH_TYPESCRIPT` and `CAIRN_BENCH_MEMORY_DIR`.
//! The results are printed as markdown tables with the targets of the language-server issue;
//! the exit status is non-zero only when the protocol fails (a timeout, a crash, an error
//! answer, a malformed message), never for a missed target.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

type Result<T> = std::result::Result<T, String>;

// Targets of the language-server issue.
const TARGET_P50_MS: f64 = 2.0;
const TARGET_P99_MS: f64 = 10.0;
const TARGET_RSS_MB: f64 = 150.0;
const TARGET_INIT_MS: f64 = 20.0;

const USAGE: &str = "usage: cargo bench -p cairn-lsp --bench lsp_session -- \
[--python FILE] [--typescript FILE] [--memory-dir DIR] [--edits N] [--init-runs N] \
[--seed N] [--no-utf8] [--timeout-secs N]
  (or CAIRN_BENCH_PYTHON, CAIRN_BENCH_TYPESCRIPT, CAIRN_BENCH_MEMORY_DIR; the server is \
CAIRN_LSP or the cairn-lsp built with the bench; scripts/bench-lsp prepares the files)";

struct Options {
    server: PathBuf,
    python: Option<PathBuf>,
    typescript: Option<PathBuf>,
    memory_dir: Option<PathBuf>,
    /// Single-character edits per file and encoding (half inserts, half deletes).
    edits: usize,
    init_runs: usize,
    seed: u64,
    utf8: bool,
    timeout: Duration,
    /// The arguments as given, to print the command.
    args: Vec<String>,
}

fn parse_options() -> Result<Options> {
    let env_path = |name: &str| std::env::var_os(name).map(PathBuf::from);
    let mut options = Options {
        server: env_path("CAIRN_LSP")
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_cairn-lsp"))),
        python: env_path("CAIRN_BENCH_PYTHON"),
        typescript: env_path("CAIRN_BENCH_TYPESCRIPT"),
        memory_dir: env_path("CAIRN_BENCH_MEMORY_DIR"),
        edits: 2000,
        init_runs: 20,
        seed: 0x00C0_FFEE,
        utf8: true,
        timeout: Duration::from_secs(30),
        args: Vec::new(),
    };
    // `cargo bench` adds `--bench`; it means nothing here.
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    while let Some(arg) = args.next() {
        options.args.push(arg.clone());
        let mut value = |name: &str| {
            let v = args
                .next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))?;
            options.args.push(v.clone());
            Ok::<String, String>(v)
        };
        let number = |name: &str, v: String| {
            v.parse::<u64>()
                .map_err(|_| format!("{name}: not a number: {v}\n{USAGE}"))
        };
        match arg.as_str() {
            "--python" => options.python = Some(value("--python")?.into()),
            "--typescript" => options.typescript = Some(value("--typescript")?.into()),
            "--memory-dir" => options.memory_dir = Some(value("--memory-dir")?.into()),
            "--edits" => options.edits = number("--edits", value("--edits")?)? as usize,
            "--init-runs" => {
                options.init_runs = number("--init-runs", value("--init-runs")?)? as usize
            }
            "--seed" => options.seed = number("--seed", value("--seed")?)?,
            "--timeout-secs" => {
                options.timeout =
                    Duration::from_secs(number("--timeout-secs", value("--timeout-secs")?)?)
            }
            "--no-utf8" => options.utf8 = false,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(options)
}

// ---------------------------------------------------------------------------------------
// JSON-RPC over the server's stdio
// ---------------------------------------------------------------------------------------

/// One message from the server, stamped when its last byte was read (before parsing it).
struct Message {
    at: Instant,
    bytes: usize,
    value: Value,
}

struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Result<Message>>,
    next_id: i64,
    timeout: Duration,
    /// When the process was spawned.
    spawned: Instant,
}

fn read_messages(stdout: ChildStdout, tx: Sender<Result<Message>>) {
    let mut reader = BufReader::with_capacity(1 << 20, stdout);
    let mut line = String::new();
    loop {
        let mut length = None;
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return, // closed: the receiver sees the disconnection
                Ok(_) => {}
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            match header.split_once(':') {
                Some((name, value)) if name.eq_ignore_ascii_case("content-length") => {
                    length = value.trim().parse::<usize>().ok();
                }
                Some(_) => {}
                None => {
                    let _ = tx.send(Err(format!("malformed header line {header:?}")));
                    return;
                }
            }
        }
        let Some(length) = length else {
            let _ = tx.send(Err("a message without Content-Length".to_string()));
            return;
        };
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            let _ = tx.send(Err("the output ended inside a message".to_string()));
            return;
        }
        let at = Instant::now();
        let message = serde_json::from_slice(&body)
            .map(|value| Message {
                at,
                bytes: length,
                value,
            })
            .map_err(|e| format!("a message that is not JSON: {e}"));
        if tx.send(message).is_err() {
            return;
        }
    }
}

impl Session {
    fn spawn(options: &Options) -> Result<Session> {
        let spawned = Instant::now();
        let mut child = Command::new(&options.server)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", options.server.display()))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, messages) = channel();
        std::thread::spawn(move || read_messages(stdout, tx));
        Ok(Session {
            child,
            stdin,
            messages,
            next_id: 1,
            timeout: options.timeout,
            spawned,
        })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes one message; returns the instant just before the write.
    fn send(&mut self, message: &Value) -> Result<Instant> {
        let body = message.to_string();
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body.as_bytes());
        let stdin = self.stdin.as_mut().ok_or("stdin already closed")?;
        let start = Instant::now();
        stdin
            .write_all(&frame)
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("writing to the server failed: {e} ({})", self.status()))?;
        Ok(start)
    }

    fn notify(&mut self, method: &str, params: Value) -> Result<Instant> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Sends a request and waits for its response; returns (result, sent at, response).
    fn request(&mut self, method: &str, params: Value) -> Result<(Value, Instant, Message)> {
        let id = self.next_id;
        self.next_id += 1;
        let sent =
            self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        let response = self.wait(&format!("the response to {method}"), |m| {
            m.get("method").is_none() && m["id"] == id
        })?;
        if let Some(error) = response.value.get("error") {
            return Err(format!("{method} failed: {error}"));
        }
        let result = response.value.get("result").cloned().unwrap_or(Value::Null);
        Ok((result, sent, response))
    }

    /// The next message matching `want`; requests from the server are answered with `null`
    /// on the way, other notifications skipped.
    fn wait(&mut self, what: &str, mut want: impl FnMut(&Value) -> bool) -> Result<Message> {
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.messages.recv_timeout(left) {
                Ok(Ok(message)) => message,
                Ok(Err(e)) => return Err(format!("protocol error while waiting for {what}: {e}")),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "timeout: no {what} within {} s",
                        self.timeout.as_secs()
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(format!(
                        "the server closed its output while we waited for {what} ({})",
                        self.status()
                    ));
                }
            };
            if want(&message.value) {
                return Ok(message);
            }
            if let (Some(id), Some(_)) = (message.value.get("id"), message.value.get("method")) {
                let id = id.clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}))?;
            }
        }
    }

    /// The `publishDiagnostics` of `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Result<Message> {
        self.wait(
            &format!("publishDiagnostics for version {version} of {uri}"),
            |m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"] == version
            },
        )
    }

    /// `initialize` + `initialized`; returns the negotiated encoding.
    fn initialize(&mut self, utf8: bool) -> Result<Encoding> {
        let (result, _, _) = self.request("initialize", initialize_params(utf8))?;
        self.notify("initialized", json!({}))?;
        Ok(match result["capabilities"]["positionEncoding"].as_str() {
            Some("utf-8") => Encoding::Utf8,
            _ => Encoding::Utf16,
        })
    }

    fn status(&mut self) -> String {
        match self.child.try_wait() {
            Ok(Some(status)) => format!("server exited: {status}"),
            Ok(None) => "server still running".to_string(),
            Err(e) => format!("server status unknown: {e}"),
        }
    }

    /// `shutdown` + `exit`, then waits for the process (killed after a few seconds).
    fn shutdown(mut self) -> Result<()> {
        self.request("shutdown", Value::Null)?;
        self.notify("exit", Value::Null)?;
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return Ok(()),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => return Err("the server did not exit within 5 s of `exit`".to_string()),
            }
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Plain client capabilities: versioned push diagnostics, no pull (`textDocument.diagnostic`
/// is absent, so the server pushes); UTF-8 offered only when asked.
fn initialize_params(utf8: bool) -> Value {
    let mut capabilities = json!({
        "textDocument": {
            "synchronization": {"dynamicRegistration": false},
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true}
        }
    });
    if utf8 {
        capabilities["general"] = json!({"positionEncodings": ["utf-8"]});
    }
    json!({
        "processId": std::process::id(),
        "clientInfo": {"name": "cairn-lsp-bench"},
        "rootUri": null,
        "capabilities": capabilities,
    })
}

#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16 => "utf-16",
        }
    }

    /// The `character` of the position before char `index` of `line`.
    fn column(self, line: &str, index: usize) -> usize {
        line.chars()
            .take(index)
            .map(|c| match self {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            })
            .sum()
    }
}

// ---------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------

fn language_id(path: &Path) -> Option<&'static str> {
    Some(match path.extension()?.to_str()? {
        "py" | "pyi" => "python",
        "js" | "mjs" | "cjs" | "jsx" => "javascript",
        "ts" | "mts" | "cts" => "typescript",
        "tsx" => "typescriptreact",
        "rs" => "rust",
        "go" => "go",
        "java" => "java",
        "c" | "h" => "c",
        "cc" | "cpp" | "cxx" | "hpp" | "hh" => "cpp",
        _ => return None,
    })
}

fn file_uri(path: &Path) -> Result<String> {
    let path = path
        .canonicalize()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            uri.push(byte as char);
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    Ok(uri)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Deterministic pseudo-random numbers (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

// ---------------------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------------------

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

struct Stats {
    n: usize,
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
    mean: Duration,
}

fn stats(values: &[Duration]) -> Stats {
    let mut sorted = values.to_vec();
    sorted.sort();
    let total: Duration = sorted.iter().sum();
    Stats {
        n: sorted.len(),
        p50: percentile(&sorted, 50.0),
        p90: percentile(&sorted, 90.0),
        p99: percentile(&sorted, 99.0),
        max: sorted.last().copied().unwrap_or_default(),
        mean: total / sorted.len().max(1) as u32,
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "**yes**" } else { "**no**" }
}

// ---------------------------------------------------------------------------------------
// Initialize
// ---------------------------------------------------------------------------------------

struct InitResult {
    /// Request written right after the spawn: write → result.
    cold: Vec<Duration>,
    /// Spawn → result of the same runs.
    cold_from_spawn: Vec<Duration>,
    /// Request written to a process idle for 200 ms: write → result.
    warm: Vec<Duration>,
}

fn bench_initialize(options: &Options) -> Result<InitResult> {
    let mut result = InitResult {
        cold: Vec::new(),
        cold_from_spawn: Vec::new(),
        warm: Vec::new(),
    };
    for _ in 0..options.init_runs {
        for warm in [false, true] {
            let mut session = Session::spawn(options)?;
            if warm {
                std::thread::sleep(Duration::from_millis(200));
            }
            let (_, sent, response) = session.request("initialize", initialize_params(false))?;
            let latency = response.at - sent;
            if warm {
                result.warm.push(latency);
            } else {
                result.cold.push(latency);
                result.cold_from_spawn.push(response.at - session.spawned);
            }
            session.notify("initialized", json!({}))?;
            session.shutdown()?;
        }
    }
    Ok(result)
}

// ---------------------------------------------------------------------------------------
// didChange → publishDiagnostics
// ---------------------------------------------------------------------------------------

struct LatencyResult {
    label: String,
    path: PathBuf,
    lines: usize,
    bytes: usize,
    encoding: Encoding,
    open: Duration,
    body_lines: usize,
    /// Latency of every edit, in order (inserts at even indices, deletes at odd ones).
    latencies: Vec<Duration>,
    /// Diagnostics in each publication, and the size of the message.
    diagnostics: Vec<usize>,
    message_bytes: Vec<usize>,
    /// Deletes whose diagnostics equal those of `didOpen` (the text is the original again).
    deletes_as_opened: usize,
}

/// Lines inside function bodies (after the line a function starts on, up to its last line),
/// from the server's document symbols; every non-blank line if it reports none.
fn body_lines(symbols: &Value, lines: &[&str]) -> Vec<usize> {
    fn walk(symbols: &Value, out: &mut BTreeSet<usize>, lines: &[&str]) {
        let Some(symbols) = symbols.as_array() else {
            return;
        };
        for symbol in symbols {
            let range = symbol
                .get("range")
                .or_else(|| symbol.pointer("/location/range"));
            if let Some(range) = range {
                let start = range["start"]["line"].as_u64().unwrap_or(0) as usize;
                let end = range["end"]["line"].as_u64().unwrap_or(0) as usize;
                let body = lines.iter().enumerate().take(end + 1).skip(start + 1);
                out.extend(body.filter(|(_, l)| !l.trim().is_empty()).map(|(n, _)| n));
            }
            if let Some(children) = symbol.get("children") {
                walk(children, out, lines);
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(symbols, &mut out, lines);
    if out.is_empty() {
        out.extend((0..lines.len()).filter(|&l| !lines[l].trim().is_empty()));
    }
    out.into_iter().collect()
}

fn bench_latency(options: &Options, label: &str, path: &Path, utf8: bool) -> Result<LatencyResult> {
    let text = read(path)?;
    let language =
        language_id(path).ok_or_else(|| format!("{}: unknown language", path.display()))?;
    let uri = file_uri(path)?;
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();

    let mut session = Session::spawn(options)?;
    let encoding = session.initialize(utf8)?;
    let sent = session.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
    )?;
    let opened = session.diagnostics(&uri, 1)?;
    let open = opened.at - sent;
    let opened = opened.value["params"]["diagnostics"].clone();
    let (symbols, _, _) = session.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    )?;
    let candidates = body_lines(&symbols, &lines);
    if candidates.is_empty() {
        return Err(format!("{}: no non-blank line to edit", path.display()));
    }

    let mut rng = Rng(options.seed ^ (text.len() as u64));
    let mut result = LatencyResult {
        label: label.to_string(),
        path: path.to_path_buf(),
        lines: lines.len() - usize::from(text.ends_with('\n')),
        bytes: text.len(),
        encoding,
        open,
        body_lines: candidates.len(),
        latencies: Vec::with_capacity(options.edits),
        diagnostics: Vec::with_capacity(options.edits),
        message_bytes: Vec::with_capacity(options.edits),
        deletes_as_opened: 0,
    };
    const INSERTED: &[u8] = b"abcdefghijklmnopqrstuvwxyz_0123456789";
    let mut version = 1;
    while result.latencies.len() < options.edits {
        // Insert one character somewhere between the first non-blank character of a body
        // line and its end, then delete it again: the text is the original between pairs.
        let line = candidates[rng.below(candidates.len())];
        let chars: Vec<char> = lines[line].chars().collect();
        let first = chars.iter().position(|c| !c.is_whitespace()).unwrap_or(0);
        let index = first + rng.below(chars.len() - first + 1);
        let character = encoding.column(lines[line], index);
        let inserted = INSERTED[rng.below(INSERTED.len())] as char;
        let position = json!({"line": line, "character": character});
        let after = json!({"line": line, "character": character + 1});
        let insert = json!({"start": position, "end": position});
        let delete = json!({"start": position, "end": after});
        for (range, new_text) in [(insert, inserted.to_string()), (delete, String::new())] {
            version += 1;
            let sent = session.notify(
                "textDocument/didChange",
                json!({
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": range, "text": new_text}],
                }),
            )?;
            let published = session.diagnostics(&uri, version)?;
            result.latencies.push(published.at - sent);
            result.diagnostics.push(
                published.value["params"]["diagnostics"]
                    .as_array()
                    .map_or(0, Vec::len),
            );
            result.message_bytes.push(published.bytes);
            if new_text.is_empty() && published.value["params"]["diagnostics"] == opened {
                result.deletes_as_opened += 1;
            }
        }
    }
    session.shutdown()?;
    Ok(result)
}

// ---------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------

struct MemoryResult {
    files: usize,
    lines: usize,
    languages: String,
    rss_idle_kb: u64,
    rss_kb: u64,
    hwm_kb: u64,
    opens: Vec<Duration>,
}

fn proc_status(pid: u32) -> Result<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .ok_or_else(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((field("VmRSS:")?, field("VmHWM:")?))
}

fn bench_memory(options: &Options, dir: &Path) -> Result<MemoryResult> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && language_id(p).is_some())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("{}: no source files", dir.display()));
    }
    let mut session = Session::spawn(options)?;
    session.initialize(false)?;
    // Let the runtime settle before the idle reading.
    std::thread::sleep(Duration::from_millis(100));
    let (rss_idle_kb, _) = proc_status(session.pid())?;
    let mut lines = 0;
    let mut opens = Vec::new();
    let mut languages = std::collections::BTreeMap::<&str, usize>::new();
    for path in &files {
        let text = read(path)?;
        let language = language_id(path).unwrap_or("plaintext");
        *languages.entry(language).or_default() += 1;
        lines += text.lines().count();
        let uri = file_uri(path)?;
        let sent = session.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        )?;
        opens.push(session.diagnostics(&uri, 1)?.at - sent);
    }
    let (rss_kb, hwm_kb) = proc_status(session.pid())?;
    session.shutdown()?;
    Ok(MemoryResult {
        files: files.len(),
        lines,
        languages: languages
            .iter()
            .map(|(l, n)| format!("{n} {l}"))
            .collect::<Vec<_>>()
            .join(", "),
        rss_idle_kb,
        rss_kb,
        hwm_kb,
        opens,
    })
}

// ---------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".to_string());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{cores} cores, {cpu}, Linux {}", kernel.trim())
}

fn server_version(server: &Path) -> String {
    Command::new(server)
        .arg("--version")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(str::to_string))
        .unwrap_or_else(|| "version unknown".to_string())
}

/// The revision of the source tree the bench was built from, when git can tell.
fn source_revision() -> Option<String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let revision = git(&["rev-parse", "--short", "HEAD"])?;
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    Some(if dirty {
        format!("{revision} with uncommitted changes")
    } else {
        revision
    })
}

fn fmt_ms(d: Duration) -> String {
    format!("{:.2}", ms(d))
}

fn run() -> Result<bool> {
    let options = parse_options()?;
    if options.python.is_none() && options.typescript.is_none() && options.memory_dir.is_none() {
        eprintln!(
            "note: no --python, --typescript or --memory-dir: only initialize is measured\n{USAGE}"
        );
    }
    let mut out = String::new();
    let mut all_met = true;

    eprintln!(
        "[bench-lsp] initialize: {} fresh processes ×2",
        options.init_runs
    );
    let init = bench_initialize(&options)?;
    let mut latency = Vec::new();
    let files: Vec<(&str, &PathBuf)> = [
        ("Python", options.python.as_ref()),
        ("TypeScript", options.typescript.as_ref()),
    ]
    .into_iter()
    .filter_map(|(l, p)| p.map(|p| (l, p)))
    .collect();
    let mut encodings = vec![false];
    if options.utf8 {
        encodings.push(true);
    }
    for utf8 in encodings {
        for &(label, path) in &files {
            eprintln!(
                "[bench-lsp] latency: {label} {} ({}), {} edits",
                path.display(),
                if utf8 { "utf-8 offered" } else { "utf-16" },
                options.edits
            );
            latency.push(bench_latency(&options, label, path, utf8)?);
        }
    }
    let memory = match &options.memory_dir {
        Some(dir) => {
            eprintln!("[bench-lsp] memory: files of {}", dir.display());
            Some(bench_memory(&options, dir)?)
        }
        None => None,
    };

    // The summary table.
    let cmd = {
        let mut c = String::from("cargo bench -p cairn-lsp --bench lsp_session --");
        for a in &options.args {
            let _ = write!(c, " {a}");
        }
        if let Some(s) = std::env::var_os("CAIRN_LSP") {
            c = format!("CAIRN_LSP={} {c}", s.to_string_lossy());
        }
        c
    };
    let _ = writeln!(out, "- Command: `{cmd}`");
    let _ = writeln!(out, "- Machine: {}", machine());
    let _ = writeln!(
        out,
        "- Server: `{}` ({}); the bench was built from git {}",
        options.server.display(),
        server_version(&options.server),
        source_revision().unwrap_or_else(|| "(revision unknown)".to_string())
    );
    let _ = writeln!(
        out,
        "- Edits: {} per file and encoding (insert one character, then delete it, at seeded \
         pseudo-random places in function bodies, seed {}), one at a time, each waited for by \
         the `version` of its `publishDiagnostics`; the client declares no pull diagnostics\n",
        options.edits, options.seed
    );
    let _ = writeln!(out, "| measurement | result | target | met? |");
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    let cold = stats(&init.cold);
    let init_ok = ms(cold.p50) <= TARGET_INIT_MS;
    all_met &= init_ok;
    let _ = writeln!(
        out,
        "| time to the `initialize` result ({} fresh processes, request written right after the spawn) | p50 {} ms, max {} ms | ≤ {TARGET_INIT_MS} ms | {} |",
        cold.n,
        fmt_ms(cold.p50),
        fmt_ms(cold.max),
        verdict(init_ok)
    );
    for r in &latency {
        let s = stats(&r.latencies);
        let ok = ms(s.p50) <= TARGET_P50_MS && ms(s.p99) <= TARGET_P99_MS;
        all_met &= ok;
        let _ = writeln!(
            out,
            "| `didChange` → `publishDiagnostics`, {} file of {} lines, {} positions ({} edits) | p50 {} ms, p90 {} ms, p99 {} ms, max {} ms | p50 ≤ {TARGET_P50_MS} ms, p99 ≤ {TARGET_P99_MS} ms | {} |",
            r.label,
            r.lines,
            r.encoding.name(),
            s.n,
            fmt_ms(s.p50),
            fmt_ms(s.p90),
            fmt_ms(s.p99),
            fmt_ms(s.max),
            verdict(ok)
        );
    }
    if let Some(m) = &memory {
        let rss = m.rss_kb as f64 / 1024.0;
        let ok = rss <= TARGET_RSS_MB;
        all_met &= ok;
        let _ = writeln!(
            out,
            "| RSS with {} files open ({} lines) | VmRSS {:.1} MB (peak VmHWM {:.1} MB) | ≤ {TARGET_RSS_MB} MB | {} |",
            m.files,
            m.lines,
            rss,
            m.hwm_kb as f64 / 1024.0,
            verdict(ok)
        );
    }

    // Details.
    let _ = writeln!(out, "\nDetails:\n");
    let warm = stats(&init.warm);
    let from_spawn = stats(&init.cold_from_spawn);
    let _ = writeln!(
        out,
        "- `initialize`, request written right after the spawn: p50 {} ms, p90 {} ms, max {} ms \
         (spawn → result: p50 {} ms, max {} ms); written to a process idle for 200 ms: p50 {} ms, \
         max {} ms ({} runs each).",
        fmt_ms(cold.p50),
        fmt_ms(cold.p90),
        fmt_ms(cold.max),
        fmt_ms(from_spawn.p50),
        fmt_ms(from_spawn.max),
        fmt_ms(warm.p50),
        fmt_ms(warm.max),
        warm.n
    );
    if !latency.is_empty() {
        let _ = writeln!(
            out,
            "\n| file | encoding | lines | KB | didOpen → diagnostics (ms) | edit | p50 | p90 | p99 | max | mean (ms) | diagnostics per message | message KB |"
        );
        let _ = writeln!(
            out,
            "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        );
        for r in &latency {
            let inserts: Vec<Duration> = r.latencies.iter().step_by(2).copied().collect();
            let deletes: Vec<Duration> = r.latencies.iter().skip(1).step_by(2).copied().collect();
            let diags = r.diagnostics.iter().sum::<usize>() / r.diagnostics.len().max(1);
            let kb = r.message_bytes.iter().sum::<usize>() as f64
                / r.message_bytes.len().max(1) as f64
                / 1024.0;
            for (kind, values) in [("insert", inserts), ("delete", deletes)] {
                let s = stats(&values);
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {:.0} | {} | {kind} ×{} | {} | {} | {} | {} | {} | {diags} | {kb:.1} |",
                    r.path.file_name().unwrap_or_default().to_string_lossy(),
                    r.encoding.name(),
                    r.lines,
                    r.bytes as f64 / 1024.0,
                    fmt_ms(r.open),
                    s.n,
                    fmt_ms(s.p50),
                    fmt_ms(s.p90),
                    fmt_ms(s.p99),
                    fmt_ms(s.max),
                    fmt_ms(s.mean),
                );
            }
        }
        let _ = writeln!(
            out,
            "\nEdit positions: lines inside the functions the server reports as document symbols ({}).",
            latency
                .iter()
                .map(|r| format!("{} {}: {} lines", r.label, r.encoding.name(), r.body_lines))
                .collect::<Vec<_>>()
                .join("; ")
        );
        let _ = writeln!(
            out,
            "\nCheck of the incremental sync: after each delete the text is the original again, \
             and its diagnostics equal those of `didOpen` in {}.",
            latency
                .iter()
                .map(|r| format!(
                    "{}/{} deletes ({} {})",
                    r.deletes_as_opened,
                    r.latencies.len() / 2,
                    r.label,
                    r.encoding.name()
                ))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(m) = &memory {
        let s = stats(&m.opens);
        let _ = writeln!(
            out,
            "\n- Memory: {} files ({}), {} lines, opened one after the other, each waited for by \
             its diagnostics (didOpen → diagnostics p50 {} ms, max {} ms); VmRSS {:.1} MB after \
             `initialize` with nothing open, {:.1} MB with everything open.",
            m.files,
            m.languages,
            m.lines,
            fmt_ms(s.p50),
            fmt_ms(s.max),
            m.rss_idle_kb as f64 / 1024.0,
            m.rss_kb as f64 / 1024.0
        );
    }
    println!("{out}");
    Ok(all_met)
}

fn main() -> ExitCode {
    match run() {
        Ok(all_met) => {
            if !all_met {
                eprintln!("[bench-lsp] some targets were missed (see the table); not an error");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
