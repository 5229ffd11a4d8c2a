//! The security suite, over real HTTP: forged and stale tokens, refresh reuse, cross-user
//! access on every object route, hostile text in every field, malformed and oversized
//! bodies, brute force, deactivated accounts. Every attempt must be refused with a 4xx and
//! an error body that leaks nothing.

mod support;

use std::time::Duration;

use base64::Engine;
use cairn_server::auth::jwt::{AUDIENCE, Claims, ISSUER, JwtKeys, unix_now};
use cairn_server::config::Rate;
use serde_json::{Value, json};
use support::{PASSWORD, TestApp, TestDb, TestServer};
use uuid::Uuid;

const SQLISH: &str = "x'); DROP TABLE conversations; SELECT * FROM users WHERE '1'='1' -- ";
const UNICODE: &str = "Ünïcødé 日本語 עברית 🤖👩‍💻 \u{202e}rtl";

/// An error body: exactly `{"error": {"code", "message"[, "field"]}}`, with nothing of the
/// server's insides in it.
fn assert_clean_error(body: &Value) {
    let error = body["error"]
        .as_object()
        .unwrap_or_else(|| panic!("not an error body: {body}"));
    for key in error.keys() {
        assert!(
            ["code", "message", "field"].contains(&key.as_str()),
            "unexpected key {key} in {body}"
        );
    }
    let text = body.to_string().to_lowercase();
    for leak in [
        "sqlx", "select ", "insert ", "postgres", "sqlite", "panicked", "stack", ".rs:", "argon2",
        "$argon",
    ] {
        assert!(!text.contains(leak), "`{leak}` leaked in {body}");
    }
}

fn b64(value: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

async fn forged_and_stale_access_tokens_are_refused(db: TestDb) {
    let app = TestApp::new(db).await;
    let server = TestServer::start(app.state.clone()).await;
    let admin = server.user("admin").await;
    let ada = server.user("ada").await;
    let (_, admin_me) = server.get("/api/v1/me", &admin).await;
    let admin_id: Uuid = admin_me["id"].as_str().unwrap().parse().unwrap();
    let parts: Vec<&str> = ada.split('.').collect();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap(),
    )
    .unwrap();
    let secret = std::fs::read_to_string(app.data.path().join("jwt-secret")).unwrap();
    let secret = base64::engine::general_purpose::STANDARD
        .decode(secret.trim())
        .unwrap();
    let keys = JwtKeys::new(&secret, Duration::from_secs(900));
    let wrong_key = JwtKeys::new(&[42u8; 64], Duration::from_secs(900));
    let real: Claims = serde_json::from_value(claims.clone()).unwrap();
    let with = |change: &dyn Fn(&mut Claims)| {
        let mut c = real.clone();
        change(&mut c);
        c
    };

    let mut escalated = claims.clone();
    escalated["sub"] = json!(admin_id);
    escalated["role"] = json!("admin");
    let attacks = vec![
        (
            "alg none",
            format!(
                "{}.{}.",
                b64(&json!({"alg": "none", "typ": "JWT"})),
                parts[1]
            ),
        ),
        (
            "alg none, no dot",
            format!("{}.{}", b64(&json!({"alg": "none"})), parts[1]),
        ),
        (
            "HS512 header",
            format!(
                "{}.{}.{}",
                b64(&json!({"alg": "HS512", "typ": "JWT"})),
                parts[1],
                parts[2]
            ),
        ),
        (
            "tampered payload (role escalation)",
            format!("{}.{}.{}", parts[0], b64(&escalated), parts[2]),
        ),
        ("wrong key", wrong_key.sign(&real).unwrap()),
        (
            "expired",
            keys.sign(&with(&|c| {
                c.exp = unix_now() - 120;
                c.iat = unix_now() - 1000;
            }))
            .unwrap(),
        ),
        (
            "wrong audience",
            keys.sign(&with(&|c| c.aud = "another-api".into())).unwrap(),
        ),
        (
            "wrong issuer",
            keys.sign(&with(&|c| c.iss = "evil".into())).unwrap(),
        ),
        (
            "unknown session",
            keys.sign(&with(&|c| c.sid = Uuid::now_v7())).unwrap(),
        ),
        (
            "other user's id in a real session",
            keys.sign(&with(&|c| c.sub = admin_id)).unwrap(),
        ),
        ("garbage", "not.a.jwt".to_string()),
        ("empty pat", "cairn_pat_".to_string()),
        ("guessed pat", format!("cairn_pat_{}", "A".repeat(43))),
    ];
    assert_eq!(real.iss, ISSUER);
    assert_eq!(real.aud, AUDIENCE);
    for (name, token) in attacks {
        let (status, body) = server.get("/api/v1/me", &token).await;
        assert_eq!(status, 401, "{name}: {body}");
        assert_clean_error(&body);
        let (status, _) = server.get("/api/v1/admin/users", &token).await;
        assert_eq!(status, 401, "{name} on an admin route");
    }
    let (_, body) = server
        .get(
            "/api/v1/me",
            &keys.sign(&with(&|c| c.exp = unix_now() - 120)).unwrap(),
        )
        .await;
    assert_eq!(body["error"]["code"], "token_expired");
    // malformed Authorization headers
    for header in ["Bearer", "Basic YWRhOnB3", "Bearer  ", "ada"] {
        let response = server
            .client
            .get(server.url("/api/v1/me"))
            .header("authorization", header)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{header}");
        assert!(response.headers().contains_key("www-authenticate"));
    }
    // the real token still works
    assert_eq!(server.get("/api/v1/me", &ada).await.0, 200);
    server.stop().await;
}

async fn a_reused_refresh_token_signs_the_session_out(db: TestDb) {
    let app = TestApp::new(db).await;
    let server = TestServer::start(app.state.clone()).await;
    server.register("ada").await;
    let first = server.login("ada").await;
    let other_session = server.login("ada").await;
    let (_, second) = server
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": first["refresh_token"]}),
        )
        .await;
    let access = second["access_token"].as_str().unwrap().to_string();
    assert_eq!(server.get("/api/v1/me", &access).await.0, 200);
    // the stolen first token is replayed
    let (status, body) = server
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": first["refresh_token"]}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("token_reused"))
    );
    assert_clean_error(&body);
    // the whole family is gone: the rotated refresh token and the session's access tokens
    let (status, _) = server
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": second["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(server.get("/api/v1/me", &access).await.0, 401);
    // other sessions are untouched
    assert_eq!(
        server
            .get(
                "/api/v1/me",
                other_session["access_token"].as_str().unwrap()
            )
            .await
            .0,
        200
    );
    server.stop().await;
}

async fn another_users_objects_are_404_on_every_route(db: TestDb) {
    let app = TestApp::new(db).await;
    let server = TestServer::start(app.state.clone()).await;
    let ada = server.user("ada").await;
    let eve = server.user("eve").await;
    let (_, conversation) = server
        .post(
            "/api/v1/conversations",
            Some(&ada),
            json!({"title": "secret plans"}),
        )
        .await;
    let id = conversation["id"].as_str().unwrap();
    server
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            Some(&ada),
            json!({"content": "the password is hunter2"}),
        )
        .await;
    let (_, token) = server
        .post("/api/v1/tokens", Some(&ada), json!({"name": "ada's"}))
        .await;
    let token_id = token["id"].as_str().unwrap();

    let attempts: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", format!("/api/v1/conversations/{id}"), None),
        (
            "PATCH",
            format!("/api/v1/conversations/{id}"),
            Some(json!({"title": "pwned"})),
        ),
        ("DELETE", format!("/api/v1/conversations/{id}"), None),
        ("GET", format!("/api/v1/conversations/{id}/messages"), None),
        (
            "POST",
            format!("/api/v1/conversations/{id}/messages"),
            Some(json!({"content": "hi"})),
        ),
        ("DELETE", format!("/api/v1/tokens/{token_id}"), None),
    ];
    for (method, path, body) in attempts {
        let (status, response) = server.call(method, &path, Some(&eve), body).await;
        assert_eq!(status, 404, "{method} {path}: {response}");
        assert_clean_error(&response);
        // the same answer as for an id that does not exist at all
        let missing = path
            .replace(id, &Uuid::now_v7().to_string())
            .replace(token_id, &Uuid::now_v7().to_string());
        let (status, _) = server
            .call(method, &missing, Some(&eve), body_again(method))
            .await;
        assert!(
            status == 404 || status == 422,
            "{method} {missing}: {status}"
        );
    }
    // nothing of ada's shows up in eve's lists and searches
    let (_, list) = server.get("/api/v1/conversations", &eve).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let (_, found) = server.get("/api/v1/conversations?q=hunter2", &eve).await;
    assert!(found["items"].as_array().unwrap().is_empty());
    let (_, tokens) = server.get("/api/v1/tokens", &eve).await;
    assert!(tokens.as_array().unwrap().is_empty());
    // and ada's things are intact
    let (status, c) = server
        .get(&format!("/api/v1/conversations/{id}"), &ada)
        .await;
    assert_eq!((status, c["title"].as_str()), (200, Some("secret plans")));
    let (_, messages) = server
        .get(&format!("/api/v1/conversations/{id}/messages"), &ada)
        .await;
    assert_eq!(messages["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        server
            .get("/api/v1/tokens", &ada)
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // malformed ids are not found either
    for path in [
        "/api/v1/conversations/1%20OR%201=1",
        "/api/v1/conversations/..%2F..%2Fetc",
        "/api/v1/conversations/00000000-0000-0000-0000-000000000000",
    ] {
        let (status, body) = server.get(path, &ada).await;
        assert_eq!(status, 404, "{path}");
        assert_clean_error(&body);
    }
    server.stop().await;
}

async fn hostile_text_is_stored_verbatim_in_every_field(db: TestDb) {
    let app = TestApp::new(db).await;
    let server = TestServer::start(app.state.clone()).await;
    // usernames: any script is fine; SQL punctuation is a validation error naming the field
    let (status, user) = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "Zoë_日本", "email": "zoë@exämple.de", "password": SQLISH}),
        )
        .await;
    assert_eq!(status, 201, "{user}");
    assert_eq!(
        (user["username"].as_str(), user["email"].as_str()),
        (Some("Zoë_日本"), Some("zoë@exämple.de"))
    );
    let (status, body) = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": SQLISH, "email": "x@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("username"))
    );
    let (status, body) = server
        .post("/api/v1/auth/register", None, json!({"username": "sqlmail", "email": format!("{SQLISH}@example.com"), "password": PASSWORD}))
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("email")),
        "spaces are not allowed in emails"
    );
    // a SQL-looking password and login are just text
    let (status, tokens) = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"login": "ZOË_日本", "password": SQLISH}),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
    let (status, _) = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"login": SQLISH, "password": SQLISH}),
        )
        .await;
    assert_eq!(status, 401);
    let t = tokens["access_token"].as_str().unwrap();

    for text in [SQLISH, UNICODE] {
        let (status, c) = server
            .post("/api/v1/conversations", Some(t), json!({"title": text}))
            .await;
        assert_eq!((status, c["title"].as_str()), (201, Some(text)));
        let id = c["id"].as_str().unwrap();
        let (_, renamed) = server
            .call(
                "PATCH",
                &format!("/api/v1/conversations/{id}"),
                Some(t),
                Some(json!({"title": format!("{text}!")})),
            )
            .await;
        assert_eq!(renamed["title"].as_str(), Some(format!("{text}!").as_str()));
        let content =
            format!("{text}\n\ttabs, newlines, \"quotes\", \\backslashes\\ and %wildcards_");
        server
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                Some(t),
                json!({"content": content}),
            )
            .await;
        let (_, messages) = server
            .get(&format!("/api/v1/conversations/{id}/messages"), t)
            .await;
        assert_eq!(
            messages["items"][0]["content"].as_str(),
            Some(content.as_str())
        );
        let (status, pat) = server
            .post("/api/v1/tokens", Some(t), json!({"name": text}))
            .await;
        assert_eq!((status, pat["name"].as_str()), (201, Some(text)));
        let (status, device) = server
            .post(
                "/api/v1/auth/device/code",
                None,
                json!({"client_name": text}),
            )
            .await;
        assert_eq!(status, 200, "{device}");
        // search with hostile input: no error, no injection
        let q = urlencode(text);
        let (status, found) = server.get(&format!("/api/v1/conversations?q={q}"), t).await;
        assert_eq!(status, 200, "{found}");
    }
    let (_, found) = server
        .get("/api/v1/conversations?q=%E6%97%A5%E6%9C%AC%E8%AA%9E", t)
        .await;
    assert_eq!(
        found["items"].as_array().unwrap().len(),
        1,
        "found by a non-ASCII word"
    );
    for q in [
        "\"", "*", "NEAR(", "a OR b", "-x", "title:x", "'", "%", "\\",
    ] {
        let (status, body) = server
            .get(&format!("/api/v1/conversations?q={}", urlencode(q)), t)
            .await;
        assert_eq!(status, 200, "{q}: {body}");
    }
    // NUL cannot be stored by PostgreSQL: refused everywhere, naming the field
    let (status, body) = server
        .post(
            "/api/v1/conversations",
            Some(t),
            json!({"title": "a\u{0}b"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("title"))
    );
    let (status, body) = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"login": "a\u{0}", "password": "x"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("login"))
    );
    server.stop().await;
}

fn body_again(method: &str) -> Option<Value> {
    match method {
        "PATCH" => Some(json!({"title": "pwned"})),
        "POST" => Some(json!({"content": "hi"})),
        _ => None,
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn malformed_and_oversized_bodies_are_refused_cleanly(db: TestDb) {
    let app = TestApp::new(db).await;
    let server = TestServer::start(app.state.clone()).await;
    let ada = server.user("ada").await;
    // Its own client without connection reuse: after a 413 the server closes the connection
    // (the rest of the body is never read), and a pooled connection could be reused just
    // as it closes.
    let fresh = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let raw = |method: &str, path: &str, content_type: Option<&str>, body: Vec<u8>| {
        let mut request = fresh
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                server.url(path),
            )
            .bearer_auth(&ada)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        request.send()
    };
    let json_type = Some("application/json");
    // (what, content type, body, status, code)
    type Case<'a> = (&'a str, Option<&'a str>, Vec<u8>, u16, &'a str);
    let cases: Vec<Case> = vec![
        (
            "not JSON",
            json_type,
            b"{title: nope".to_vec(),
            400,
            "bad_request",
        ),
        (
            "truncated",
            json_type,
            b"{\"title\": \"a".to_vec(),
            400,
            "bad_request",
        ),
        (
            "trailing garbage",
            json_type,
            b"{\"title\": \"a\"} {}".to_vec(),
            400,
            "bad_request",
        ),
        (
            "invalid UTF-8",
            json_type,
            b"{\"title\": \"\xff\xfe\"}".to_vec(),
            400,
            "bad_request",
        ),
        (
            "wrong type",
            json_type,
            b"{\"title\": 42}".to_vec(),
            422,
            "validation_failed",
        ),
        (
            "unknown field",
            json_type,
            b"{\"title\": \"a\", \"user_id\": \"x\"}".to_vec(),
            422,
            "validation_failed",
        ),
        (
            "an array",
            json_type,
            b"[]".to_vec(),
            422,
            "validation_failed",
        ),
        (
            "no content type",
            None,
            b"{\"title\": \"a\"}".to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "form content type",
            Some("application/x-www-form-urlencoded"),
            b"title=a".to_vec(),
            415,
            "unsupported_media_type",
        ),
        (
            "2 MiB",
            json_type,
            format!("{{\"title\": \"{}\"}}", "a".repeat(2 << 20)).into_bytes(),
            413,
            "payload_too_large",
        ),
    ];
    for (name, content_type, body, status, code) in cases {
        let response = raw("POST", "/api/v1/conversations", content_type, body)
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{name}");
        assert!(response.headers().contains_key("x-request-id"), "{name}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], code, "{name}: {body}");
        assert_clean_error(&body);
    }
    // nesting deeper than the parser's recursion limit, in a free-form JSON field
    let (_, c) = server
        .post("/api/v1/conversations", Some(&ada), json!({}))
        .await;
    let deep = format!(
        "{{\"content\": \"x\", \"context\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let path = format!(
        "/api/v1/conversations/{}/messages",
        c["id"].as_str().unwrap()
    );
    let response = raw("POST", &path, json_type, deep.into_bytes())
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // validation errors name the field
    let response = raw(
        "POST",
        "/api/v1/auth/login",
        json_type,
        b"{\"login\": \"ada\"}".to_vec(),
    )
    .await
    .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["field"], "password");
    let response = raw(
        "POST",
        "/api/v1/tokens",
        json_type,
        b"{\"name\": \"x\", \"expires_in_days\": -1}".to_vec(),
    )
    .await
    .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["field"], "expires_in_days");
    for query in [
        "limit=0",
        "limit=1000",
        "limit=x",
        "cursor=zzz",
        "unknown=1",
    ] {
        let (status, body) = server
            .get(&format!("/api/v1/conversations?{query}"), &ada)
            .await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body["error"]["field"].is_string(), "{query}: {body}");
    }
    let (status, body) = server
        .post(
            "/api/v1/conversations",
            Some(&ada),
            json!({"title": "t".repeat(201)}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("title"))
    );
    // the server is fine afterwards
    assert_eq!(server.get("/api/v1/me", &ada).await.0, 200);
    server.stop().await;
}

async fn login_brute_force_is_rate_limited(db: TestDb) {
    let app = TestApp::with(db, |s| {
        s.trust_proxy = true;
        s.rate_limits.login_ip = Some(Rate {
            burst: 5,
            period: Duration::from_secs(600),
        });
        s.rate_limits.login_account = Some(Rate {
            burst: 3,
            period: Duration::from_secs(600),
        });
    })
    .await;
    let server = TestServer::start(app.state.clone()).await;
    server.register("ada").await;
    let attempt = |login: &'static str, ip: &'static str, password: &'static str| {
        let server = &server;
        async move {
            server
                .client
                .post(server.url("/api/v1/auth/login"))
                .header("x-forwarded-for", ip)
                .json(&json!({"login": login, "password": password}))
                .send()
                .await
                .unwrap()
        }
    };
    // per account: 3 guesses from 3 addresses, then even the right password waits
    for ip in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
        assert_eq!(attempt("ada", ip, "wrong password").await.status(), 401);
    }
    let limited = attempt("ada", "10.0.0.4", PASSWORD).await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    assert_eq!(limited.headers()["ratelimit-limit"], "3");
    assert_eq!(limited.headers()["ratelimit-remaining"], "0");
    let body: Value = limited.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    // per address: 5 attempts over different accounts, then 429
    for login in ["a1", "a2", "a3", "a4", "a5"] {
        assert_eq!(attempt(login, "10.9.9.9", "x").await.status(), 401);
    }
    assert_eq!(attempt("a6", "10.9.9.9", "x").await.status(), 429);
    // registration from that address is limited too
    let response = server
        .client
        .post(server.url("/api/v1/auth/register"))
        .header("x-forwarded-for", "10.9.9.9")
        .json(&json!({"username": "newbie", "email": "n@example.com", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    server.stop().await;
}

async fn the_api_limit_is_per_user_with_headers(db: TestDb) {
    let app = TestApp::with(db, |s| {
        s.rate_limits.api = Some(Rate {
            burst: 3,
            period: Duration::from_secs(600),
        });
    })
    .await;
    let server = TestServer::start(app.state.clone()).await;
    let ada = server.user("ada").await;
    let eve = server.user("eve").await;
    for remaining in ["2", "1", "0"] {
        let response = server.send("GET", "/api/v1/me", Some(&ada), None).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["ratelimit-remaining"], remaining);
    }
    let response = server.send("GET", "/api/v1/me", Some(&ada), None).await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(
        server.get("/api/v1/me", &eve).await.0,
        200,
        "eve has her own allowance"
    );
    server.stop().await;
}

async fn a_deactivated_account_is_locked_out_everywhere(db: TestDb) {
    let app = TestApp::new(db).await;
    let server = TestServer::start(app.state.clone()).await;
    let admin = server.user("root").await;
    server.register("ada").await;
    let session = server.login("ada").await;
    let ada = session["access_token"].as_str().unwrap().to_string();
    let (_, pat) = server
        .post("/api/v1/tokens", Some(&ada), json!({"name": "cli"}))
        .await;
    let pat = pat["token"].as_str().unwrap().to_string();
    let (_, c) = server
        .post("/api/v1/conversations", Some(&ada), json!({"title": "t"}))
        .await;
    let id = c["id"].as_str().unwrap().to_string();
    // a device request ada approved before she was deactivated
    let (_, device) = server
        .post("/api/v1/auth/device/code", None, json!({}))
        .await;
    server
        .post(
            "/api/v1/auth/device/approve",
            Some(&ada),
            json!({"user_code": device["user_code"]}),
        )
        .await;
    let (_, me) = server.get("/api/v1/me", &ada).await;
    let ada_id = me["id"].as_str().unwrap().to_string();
    let (status, _) = server
        .call(
            "PATCH",
            &format!("/api/v1/admin/users/{ada_id}"),
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, 200);

    let routes: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", "/api/v1/me".into(), None),
        ("GET", "/api/v1/conversations".into(), None),
        ("GET", format!("/api/v1/conversations/{id}"), None),
        ("POST", "/api/v1/conversations".into(), Some(json!({}))),
        ("GET", "/api/v1/tokens".into(), None),
        (
            "POST",
            "/api/v1/tokens".into(),
            Some(json!({"name": "again"})),
        ),
        (
            "POST",
            "/api/v1/analyze".into(),
            Some(json!({"language": "python", "code": ""})),
        ),
    ];
    for credential in [&ada, &pat] {
        for (method, path, body) in &routes {
            let (status, response) = server
                .call(method, path, Some(credential), body.clone())
                .await;
            assert_eq!(status, 401, "{method} {path}: {response}");
            assert_clean_error(&response);
        }
    }
    let (status, _) = server
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": session["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 401);
    let (status, body) = server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"login": "ada", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("account_disabled"))
    );
    let (_, body) = server
        .post(
            "/api/v1/auth/device/token",
            None,
            json!({"device_code": device["device_code"]}),
        )
        .await;
    assert_eq!(body["error"]["code"], "access_denied");
    server.stop().await;
}

both_databases!(
    a_deactivated_account_is_locked_out_everywhere,
    forged_and_stale_access_tokens_are_refused,
    a_reused_refresh_token_signs_the_session_out,
    another_users_objects_are_404_on_every_route,
    hostile_text_is_stored_verbatim_in_every_field,
    malformed_and_oversized_bodies_are_refused_cleanly,
    login_brute_force_is_rate_limited,
    the_api_limit_is_per_user_with_headers,
);
