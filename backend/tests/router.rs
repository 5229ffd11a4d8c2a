//! The router in process (`oneshot`, no socket): the OpenAPI document against the routes,
//! and the error shape of requests that reach no handler.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use support::{TestApp, TestDb};
use tower::ServiceExt;

/// DESIGN.md §4's contract table, as far as this server implements it.
const CONTRACT: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/logout"),
    ("post", "/api/v1/auth/device/code"),
    ("post", "/api/v1/auth/device/token"),
    ("post", "/api/v1/auth/device/approve"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/tokens"),
    ("post", "/api/v1/tokens"),
    ("delete", "/api/v1/tokens/{id}"),
    ("get", "/api/v1/conversations"),
    ("post", "/api/v1/conversations"),
    ("get", "/api/v1/conversations/{id}"),
    ("patch", "/api/v1/conversations/{id}"),
    ("delete", "/api/v1/conversations/{id}"),
    ("get", "/api/v1/conversations/{id}/messages"),
    ("post", "/api/v1/conversations/{id}/messages"),
    ("post", "/api/v1/analyze"),
    ("get", "/api/v1/admin/users"),
    ("patch", "/api/v1/admin/users/{id}"),
    ("get", "/api/v1/admin/usage"),
    ("get", "/api/v1/admin/audit"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/api/openapi.json"),
];

async fn call(
    app: &axum::Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 8 << 20)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, headers, body)
}

fn operations(doc: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                found.push((method.to_string(), path.clone()));
            }
        }
    }
    found
}

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_route() {
    let app = TestApp::new(TestDb::sqlite().await).await;
    let router = app.state.router();
    let (status, headers, doc) = call(
        &router,
        Request::get("/api/openapi.json")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/json");
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for schema in [
        "ErrorBody",
        "TokenResponse",
        "Conversation",
        "CheckReport",
        "User",
    ] {
        assert!(
            doc["components"]["schemas"].get(schema).is_some(),
            "schema {schema} missing"
        );
    }
    let documented = operations(&doc);
    for (method, path) in CONTRACT {
        assert!(
            documented.contains(&(method.to_string(), path.to_string())),
            "{method} {path} is not in the OpenAPI document"
        );
    }
    // and every operation in it is a real route: none answers route_not_found / 405
    let id = uuid::Uuid::now_v7().to_string();
    for (method, path) in &documented {
        let uri = path.replace("{id}", &id);
        let request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(&uri)
            .header("content-type", "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let (status, _, body) = call(&router, request).await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert_ne!(body["error"]["code"], "route_not_found", "{method} {uri}");
    }
    // every documented operation also says what its errors look like
    for (method, path) in &documented {
        let operation = &doc["paths"][path][method];
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn requests_that_reach_no_handler_get_the_error_shape_and_a_request_id() {
    let app = TestApp::new(TestDb::sqlite().await).await;
    let router = app.state.router();
    let (status, headers, body) = call(
        &router,
        Request::get("/api/v1/nothing").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "route_not_found");
    assert!(headers.contains_key("x-request-id"));
    let (status, _, body) = call(
        &router,
        Request::put("/api/v1/me").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 405);
    assert_eq!(body["error"]["code"], "method_not_allowed");
    // a request id the client sends is kept
    let (_, headers, _) = call(
        &router,
        Request::get("/healthz")
            .header("x-request-id", "trace-me-42")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(headers["x-request-id"], "trace-me-42");
    let (status, headers, body) = call(
        &router,
        Request::get("/api/v1/conversations")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    assert!(
        headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
}

#[tokio::test]
async fn readiness_reports_a_database_that_went_away() {
    let app = TestApp::new(TestDb::sqlite().await).await;
    let router = app.state.router();
    let (status, _, body) = call(
        &router,
        Request::get("/readyz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["ready"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    app.state.store.close().await;
    let (status, _, body) = call(
        &router,
        Request::get("/readyz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 503);
    assert_eq!(body["database"], "unavailable");
    let (status, _, body) = call(
        &router,
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok")),
        "alive is not ready"
    );
}
