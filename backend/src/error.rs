//! The one error type handlers return. The client gets a stable `code`, a message meant
//! for people and, for validation errors, the field; internal detail (database errors,
//! panics in blocking tasks) goes to the log with the request's id, never to the client.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use cairn_protocol::{ErrorBody, ErrorDetail};

use crate::limits::Decision;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A request field is missing, malformed or out of range.
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    /// The body is not JSON (or not the JSON the route takes, at a place that is no field).
    #[error("{0}")]
    BadRequest(String),
    #[error("request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("expected `Content-Type: application/json`")]
    UnsupportedMediaType,
    /// No credential, or one that is invalid, expired, revoked or forged.
    #[error("{message}")]
    Unauthorized { code: &'static str, message: String },
    #[error("{0}")]
    Forbidden(String),
    /// Also what another user's object looks like: it does not exist for this caller.
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("no route for this path")]
    RouteNotFound,
    #[error("method not allowed on this path")]
    MethodNotAllowed,
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// An error of the OAuth-style flows (`authorization_pending`, `slow_down`, …), 400.
    #[error("{message}")]
    Grant { code: &'static str, message: String },
    #[error("too many requests; retry in {} s", retry_after.as_secs().max(1))]
    RateLimited {
        retry_after: Duration,
        decision: Decision,
    },
    #[error("no AI provider is configured on this server")]
    NoProvider(String),
    #[error("the request took longer than {} s", .0.as_secs())]
    Timeout(Duration),
    /// A dependency (database, Redis) is unreachable: 503, detail in the log.
    #[error("service unavailable")]
    Unavailable(String),
    /// Anything else: 500, detail in the log.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn invalid_token(message: impl Into<String>) -> AppError {
        AppError::Unauthorized {
            code: "invalid_token",
            message: message.into(),
        }
    }

    pub fn internal(error: impl std::fmt::Display) -> AppError {
        AppError::Internal(error.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) | AppError::Grant { .. } => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) | AppError::RouteNotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::NoProvider(_) => StatusCode::NOT_IMPLEMENTED,
            AppError::Timeout(_) | AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable, documented code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation { .. } => "validation_failed",
            AppError::BadRequest(_) => "bad_request",
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Unauthorized { code, .. }
            | AppError::Conflict { code, .. }
            | AppError::Grant { code, .. } => code,
            AppError::Forbidden(_) => "forbidden",
            AppError::NotFound(_) => "not_found",
            AppError::RouteNotFound => "route_not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::NoProvider(_) => "no_provider",
            AppError::Timeout(_) => "timeout",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    fn client_message(&self) -> String {
        match self {
            AppError::Validation { message, .. } => message.clone(),
            AppError::NoProvider(message) => message.clone(),
            // never the detail: that is for the log
            AppError::Unavailable(_) => "a service this server needs is unavailable".into(),
            AppError::Internal(_) => "internal error; the server log has the details".into(),
            other => other.to_string(),
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_string(),
                message: self.client_message(),
                field: match self {
                    AppError::Validation { field, .. } => Some(field.clone()),
                    _ => None,
                },
            },
        }
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(error: crate::store::StoreError) -> AppError {
        match error {
            crate::store::StoreError::Unavailable(detail) => AppError::Unavailable(detail),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<crate::cache::CacheError> for AppError {
    fn from(error: crate::cache::CacheError) -> AppError {
        AppError::Unavailable(error.to_string())
    }
}

impl AppError {
    /// The response, for places that hold no `IntoResponse` impl in scope (panic handler).
    pub fn into_response_with_log(self) -> Response {
        self.into_response()
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            AppError::Internal(detail) => tracing::error!(error = %detail, "internal error"),
            AppError::Unavailable(detail) => {
                tracing::error!(error = %detail, "dependency unavailable")
            }
            AppError::Timeout(_) => tracing::warn!("request timed out"),
            _ => tracing::debug!(code = self.code(), "request refused"),
        }
        let mut response = (status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        match &self {
            AppError::RateLimited {
                retry_after,
                decision,
            } => {
                let seconds = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
                decision.write_headers(headers);
            }
            AppError::Unauthorized { .. } => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"cairn\""),
                );
            }
            _ => {}
        }
        response
    }
}
