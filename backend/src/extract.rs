//! Extractors whose rejections are `AppError`s, so a malformed request gets the same error
//! shape as everything else: a JSON body (415 without the JSON content type, 400 when it is
//! not JSON, 422 naming the field when it is the wrong JSON, 413 when too large), path ids
//! (a malformed id is a 404, like a missing one), query strings, and the client address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::app::AppState;
use crate::error::AppError;

/// A JSON request body.
pub struct JsonBody<T>(pub T);

/// A JSON request body that may be absent (empty).
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        let bytes = body_bytes(req, state).await?;
        parse(&bytes).map(JsonBody)
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for OptionalJsonBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, AppError> {
        // No content type: fine when there is no body either.
        if !req.headers().contains_key(CONTENT_TYPE) {
            let bytes = Bytes::from_request(req, state)
                .await
                .map_err(|e| body_error(e.status(), state))?;
            return if bytes.iter().all(u8::is_ascii_whitespace) {
                Ok(OptionalJsonBody(None))
            } else {
                Err(AppError::UnsupportedMediaType)
            };
        }
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJsonBody(None));
        }
        parse(&bytes).map(|v| OptionalJsonBody(Some(v)))
    }
}

async fn body_bytes(req: Request, state: &AppState) -> Result<Bytes, AppError> {
    let json = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| {
            let v = v.trim().to_ascii_lowercase();
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        })
        .unwrap_or(false);
    if !json {
        return Err(AppError::UnsupportedMediaType);
    }
    Bytes::from_request(req, state)
        .await
        .map_err(|e| body_error(e.status(), state))
}

fn body_error(status: axum::http::StatusCode, state: &AppState) -> AppError {
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge {
            limit: state.settings.body_limit,
        }
    } else {
        AppError::BadRequest("the request body could not be read".into())
    }
}

/// Parses with the path of the offending field, so the error can name it.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // Every body of this API is an object; serde would also take `[…]` for a struct. Other
    // JSON values are refused here; what is not JSON at all is left to the parser to name.
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| matches!(b, b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9')) {
        return Err(AppError::validation("body", "expected a JSON object"));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|error| {
        let path = error.path().to_string();
        json_error(error.into_inner(), Some(path))
    })?;
    // Trailing characters after the value: not JSON.
    de.end().map_err(|e| json_error(e, None))?;
    Ok(value)
}

fn json_error(inner: serde_json::Error, path: Option<String>) -> AppError {
    match inner.classify() {
        serde_json::error::Category::Data => {
            let message = strip_position(&inner.to_string());
            let field = match path.filter(|p| p != "." && !p.is_empty()) {
                Some(path) => path,
                None => named_field(&message).unwrap_or_else(|| "body".to_string()),
            };
            AppError::Validation { field, message }
        }
        _ => AppError::BadRequest(format!(
            "the body is not valid JSON: {}",
            strip_position(&inner.to_string())
        )),
    }
}

/// serde's "missing field `x`" / "unknown field `x`, expected …" name the field in the text.
fn named_field(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("missing field `")
        .or_else(|| message.strip_prefix("unknown field `"))?;
    rest.split('`').next().map(str::to_string)
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// A path segment that is a UUID; anything else is "not found", like a missing object.
pub struct IdPath(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let axum::extract::Path(raw): axum::extract::Path<String> =
            axum::extract::Path::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound("object"))?;
        Uuid::parse_str(&raw)
            .map(IdPath)
            .map_err(|_| AppError::NotFound("object"))
    }
}

/// A query string; a bad parameter is a 422 naming it.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parse_query(parts.uri.query().unwrap_or("")).map(QueryParams)
    }
}

fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, AppError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        let field = if path == "." || path.is_empty() {
            named_field(&message).unwrap_or_else(|| "query".to_string())
        } else {
            path
        };
        AppError::Validation { field, message }
    })
}

/// The client's address: the peer, or with `trust_proxy` the last `X-Forwarded-For` hop
/// (the one our proxy added; earlier hops are whatever the client claimed).
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.settings.trust_proxy
            && let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .next_back()
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        {
            return Ok(ClientIp(ip));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        Ok(ClientIp(peer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[allow(dead_code)]
        title: String,
    }

    #[test]
    fn wrong_json_names_the_field() {
        for (body, field) in [
            (r#"{"title": 5}"#, "title"),
            (r#"{}"#, "title"),
            (r#"{"title": "x", "role": "admin"}"#, "role"),
        ] {
            match parse::<Body>(body.as_bytes()) {
                Err(AppError::Validation { field: f, .. }) => assert_eq!(f, field, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
        assert!(matches!(
            parse::<Body>(b"{\"title\": "),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse::<Body>(b"{\"title\": \"a\"} x"),
            Err(AppError::BadRequest(_))
        ));
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Query {
        limit: Option<u32>,
        q: Option<String>,
    }

    #[test]
    fn query_strings_decode_and_name_bad_parameters() {
        let q: Query = parse_query("q=caf%C3%A9+au+lait&limit=5").unwrap();
        assert_eq!(
            q,
            Query {
                limit: Some(5),
                q: Some("café au lait".into())
            }
        );
        match parse_query::<Query>("limit=x") {
            Err(AppError::Validation { field, .. }) => assert_eq!(field, "limit"),
            other => panic!("{other:?}"),
        }
    }
}
