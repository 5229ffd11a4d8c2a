//! Logs go to stderr (filtered by `CAIRN_LOG`, e.g. `CAIRN_LOG=debug`) and, while serving a
//! client, to its `window/logMessage` at the level the `logLevel` setting names (default
//! `info`) — never to stdout, which carries only protocol messages.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU8, Ordering};

use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::MessageType;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, filter};

/// The level forwarded to the client, as `LevelFilter` ranks it (0 = off ... 5 = trace).
static CLIENT_LEVEL: AtomicU8 = AtomicU8::new(rank(LevelFilter::INFO));
static CLIENT_SINK: Mutex<Option<mpsc::UnboundedSender<(MessageType, String)>>> = Mutex::new(None);

/// Installs the process's logging: stderr always, the client once [`forward_to`] names one.
pub fn init() {
    let stderr_filter =
        EnvFilter::try_from_env("CAIRN_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    // Editors keep the server's stderr in a log file: colours only on a terminal.
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .with_filter(stderr_filter);
    // Only our own events go to the client: the protocol library's events are about the
    // messages themselves, and forwarding them would log the logging.
    let to_client = ClientLog.with_filter(filter::dynamic_filter_fn(|meta, _| {
        meta.target().starts_with("cairn") && rank_of(*meta.level()) <= client_rank()
    }));
    // A test harness may have installed a subscriber already; then it keeps logging.
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(to_client)
        .try_init();
}

/// Sends logs to `client` from now on (the previous client, if any, stops receiving them).
pub fn forward_to(client: Client) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    *CLIENT_SINK.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
    tokio::spawn(async move {
        while let Some((kind, message)) = rx.recv().await {
            client.log_message(kind, message).await;
        }
    });
}

/// The level of the logs sent to the client.
pub fn set_client_level(level: LevelFilter) {
    CLIENT_LEVEL.store(rank(level), Ordering::Relaxed);
}

const fn rank(level: LevelFilter) -> u8 {
    match level {
        LevelFilter::OFF => 0,
        LevelFilter::ERROR => 1,
        LevelFilter::WARN => 2,
        LevelFilter::INFO => 3,
        LevelFilter::DEBUG => 4,
        _ => 5,
    }
}

fn rank_of(level: Level) -> u8 {
    rank(LevelFilter::from_level(level))
}

fn client_rank() -> u8 {
    CLIENT_LEVEL.load(Ordering::Relaxed)
}

struct ClientLog;

impl<S: Subscriber> Layer<S> for ClientLog {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let sink = CLIENT_SINK.lock().unwrap_or_else(|e| e.into_inner());
        let Some(tx) = sink.as_ref() else {
            return;
        };
        let level = *event.metadata().level();
        let kind = match level {
            Level::ERROR => MessageType::ERROR,
            Level::WARN => MessageType::WARNING,
            Level::INFO => MessageType::INFO,
            _ => MessageType::LOG,
        };
        let mut line = Line::default();
        event.record(&mut line);
        let _ = tx.send((kind, format!("[{level}] {}{}", line.message, line.fields)));
    }
}

/// An event as one line: its message, then its other fields as ` key=value`.
#[derive(Default)]
struct Line {
    message: String,
    fields: String,
}

impl Visit for Line {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={value:?}", field.name());
        }
    }
}
