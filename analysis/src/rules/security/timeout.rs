//! `security/request-without-timeout`: an HTTP request that can wait forever.

use super::Scan;
use super::calls::Call;
use crate::rules::Rule;

const METHODS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "request", "stream",
];

pub(crate) fn is_python_name(name: &str) -> bool {
    METHODS.contains(&name) || name == "urlopen"
}

pub(crate) fn python(scan: &mut Scan, call: &Call) {
    if !is_python_name(call.name) {
        return;
    }
    let path = call.path(scan);
    let (library, default_timeout) = match path.rsplit_once('.') {
        Some(("requests", method)) if method != "stream" => ("requests", false),
        // httpx applies a 5 second timeout unless told otherwise: only `timeout=None` hangs.
        Some(("httpx", _)) => ("httpx", true),
        Some(("urllib.request" | "urllib2", "urlopen")) => ("urllib", false),
        _ => return,
    };
    let timeout = call.keyword_value(scan, "timeout").or_else(|| {
        // `urlopen(url, data, timeout)`.
        (library == "urllib").then(|| call.arg(2)).flatten()
    });
    match timeout {
        Some(value) if value.kind() == "none" => scan.report(
            Rule::RequestWithoutTimeout,
            call,
            format!("`{path}` with `timeout=None` waits forever if the server stops answering; pass a number of seconds"),
        ),
        Some(_) => {}
        None if default_timeout || call.has_keyword_splat() => {}
        None => scan.report(
            Rule::RequestWithoutTimeout,
            call,
            format!("`{path}` has no timeout and waits forever if the server stops answering; pass `timeout=` (seconds)"),
        ),
    }
}
