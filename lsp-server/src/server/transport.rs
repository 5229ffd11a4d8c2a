//! The stdio transport in front of tower-lsp-server. Its reader stops for good at the first
//! malformed message (tokio-util's framed reader ends after an error), so a client bug or a
//! stray byte would kill the session. Here every frame is read and checked first: valid
//! messages go on to the server, re-framed canonically; anything else is answered with a
//! JSON-RPC error (parse error or invalid request), logged, and skipped — the session goes
//! on. The server's output passes through whole frames, so an error reply never lands
//! inside another message.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{Mutex, oneshot};
use tower_lsp_server::jsonrpc::{Request, Response};

/// The largest message accepted (a 100 MB source file, JSON-escaped, fits).
pub const MAX_MESSAGE: usize = 256 * 1024 * 1024;
/// The longest header line accepted.
const MAX_HEADER_LINE: usize = 8 * 1024;
/// Room for messages in flight between this transport and the server.
const PIPE_CAPACITY: usize = 1 << 16;
/// How long the server may take to finish after `exit` or the end of the input. Requests
/// still pending then (a handler waiting on the client, a long-running pull) are dropped:
/// the specification wants the process gone once `exit` arrives.
const EXIT_GRACE: Duration = Duration::from_millis(300);

type Output<W> = Arc<Mutex<W>>;

/// Runs `serve` (the LSP server, reading and writing the two pipe ends it is given) between
/// `input` and `output`.
pub async fn run<I, O, F, Fut>(input: I, output: O, serve: F)
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin + Send + 'static,
    F: FnOnce(tokio::io::DuplexStream, tokio::io::DuplexStream) -> Fut,
    Fut: Future<Output = ()>,
{
    let (server_in, to_server) = tokio::io::duplex(PIPE_CAPACITY);
    let (server_out, from_server) = tokio::io::duplex(PIPE_CAPACITY);
    let output = Arc::new(Mutex::new(output));
    let (input_over, ended) = oneshot::channel();
    let reader = tokio::spawn(read_frames(
        input,
        to_server,
        Arc::clone(&output),
        input_over,
    ));
    let mut writer = tokio::spawn(pass_frames(from_server, Arc::clone(&output)));
    let mut serving = Box::pin(serve(server_in, server_out));
    tokio::select! {
        () = &mut serving => {}
        _ = ended => {
            // `exit`, or the client closed the input: what is done in time is still sent.
            let _ = tokio::time::timeout(EXIT_GRACE, &mut serving).await;
        }
    }
    // Dropping the server closes its output; what it wrote is flushed, then the writer ends.
    drop(serving);
    if tokio::time::timeout(EXIT_GRACE, &mut writer).await.is_err() {
        writer.abort();
    }
    // The reader may still be waiting on input that never comes.
    reader.abort();
}

/// One frame as read from the client.
enum Frame {
    Body(Vec<u8>),
    /// A frame that could not be read; the message says why.
    Broken(String),
    End,
}

/// Passes the client's messages on to the server until `exit` or the end of the input,
/// then says so through `input_over`.
async fn read_frames<I, W>(
    input: I,
    mut to_server: tokio::io::DuplexStream,
    output: Output<W>,
    input_over: oneshot::Sender<()>,
) where
    I: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = BufReader::new(input);
    loop {
        let body = match read_frame(&mut input).await {
            Frame::End => break,
            Frame::Broken(why) => {
                reject(&output, -32700, "Parse error", &why, Value::Null).await;
                continue;
            }
            Frame::Body(body) => body,
        };
        match check(&body) {
            Ok(method) => {
                let header = format!("Content-Length: {}\r\n\r\n", body.len());
                let sent = async {
                    to_server.write_all(header.as_bytes()).await?;
                    to_server.write_all(&body).await?;
                    to_server.flush().await
                };
                if sent.await.is_err() || method.as_deref() == Some("exit") {
                    break; // the server has exited, or must now
                }
            }
            Err((code, message, why, id)) => reject(&output, code, message, &why, id).await,
        }
    }
    // The server sees the end of its input too, and stops.
    let _ = to_server.shutdown().await;
    let _ = input_over.send(());
}

/// Is `body` a JSON-RPC message the server can take (then its method, if it has one)? Else
/// the error to answer with.
fn check(body: &[u8]) -> Result<Option<String>, (i64, &'static str, String, Value)> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Err((
                -32700,
                "Parse error",
                format!("the message is not JSON: {e}"),
                Value::Null,
            ));
        }
    };
    if serde_json::from_value::<Request>(value.clone()).is_ok()
        || serde_json::from_value::<Response>(value.clone()).is_ok()
    {
        let method = value.get("method").and_then(Value::as_str);
        return Ok(method.map(str::to_string));
    }
    let id = value
        .get("id")
        .filter(|id| id.is_string() || id.is_i64())
        .cloned()
        .unwrap_or(Value::Null);
    Err((
        -32600,
        "Invalid Request",
        "the message is JSON but not a JSON-RPC 2.0 request, notification or response".to_string(),
        id,
    ))
}

/// Reads one frame: headers (`Content-Length` required, `Content-Type` optional, any
/// case), a blank line, the body.
async fn read_frame<I: AsyncRead + Unpin>(input: &mut BufReader<I>) -> Frame {
    let mut length: Option<usize> = None;
    let mut problem: Option<String> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = (&mut *input)
            .take(MAX_HEADER_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .await;
        match read {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        if line.len() > MAX_HEADER_LINE && !line.ends_with(b"\n") {
            problem.get_or_insert_with(|| "a header line is too long".to_string());
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_none() && problem.is_none() {
                continue; // blank lines between messages
            }
            break;
        }
        // Resynchronise after garbage: a header may follow the end of a broken body.
        let lower = text.to_ascii_lowercase();
        let Some(at) = lower
            .find("content-length:")
            .or_else(|| lower.find("content-type:"))
        else {
            problem.get_or_insert_with(|| format!("unexpected header line {text:?}"));
            continue;
        };
        if at > 0 {
            problem.get_or_insert_with(|| format!("unexpected bytes {:?}", &text[..at]));
            length = None;
        }
        let (name, value) = text[at..].split_once(':').unwrap_or((&text[at..], ""));
        if name.eq_ignore_ascii_case("content-length") {
            match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => {
                    problem.get_or_insert_with(|| format!("invalid Content-Length {value:?}"));
                }
            }
        }
    }
    let Some(length) = length else {
        return Frame::Broken(problem.unwrap_or_else(|| "no Content-Length header".to_string()));
    };
    if length > MAX_MESSAGE {
        // Skip it without holding it in memory.
        let skipped = tokio::io::copy(
            &mut (&mut *input).take(length as u64),
            &mut tokio::io::sink(),
        )
        .await;
        if skipped.is_err() {
            return Frame::End;
        }
        return Frame::Broken(format!(
            "a message of {length} bytes is larger than the limit of {MAX_MESSAGE} bytes"
        ));
    }
    let mut body = vec![0; length];
    if input.read_exact(&mut body).await.is_err() {
        return Frame::End;
    }
    match problem {
        // The body was framed, but the headers around it were wrong: still answer it.
        Some(problem) => {
            tracing::warn!("malformed message headers ({problem}); the message is read anyway");
            Frame::Body(body)
        }
        None => Frame::Body(body),
    }
}

/// Answers a message the server never sees with a JSON-RPC error, and logs why.
async fn reject<W: AsyncWrite + Unpin>(
    output: &Output<W>,
    code: i64,
    message: &str,
    why: &str,
    id: Value,
) {
    tracing::error!("malformed message from the client, skipped: {why}");
    let reply = json!({
        "jsonrpc": "2.0",
        "error": { "code": code, "message": format!("{message}: {why}") },
        "id": id,
    });
    let body = reply.to_string();
    let mut output = output.lock().await;
    let _ = write_frame(&mut *output, body.as_bytes()).await;
}

async fn write_frame<W: AsyncWrite + Unpin>(output: &mut W, body: &[u8]) -> std::io::Result<()> {
    output
        .write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes())
        .await?;
    output.write_all(body).await?;
    output.flush().await
}

/// Copies the server's frames to the output whole, one at a time.
async fn pass_frames<W: AsyncWrite + Unpin>(
    from_server: tokio::io::DuplexStream,
    output: Output<W>,
) {
    let mut from_server = BufReader::new(from_server);
    loop {
        let Frame::Body(body) = read_frame(&mut from_server).await else {
            return;
        };
        let mut output = output.lock().await;
        if write_frame(&mut *output, &body).await.is_err() {
            return; // the client has gone
        }
    }
}
