//! The API over real HTTP (a server on 127.0.0.1:0, reqwest as the client), against a
//! SQLite file and against PostgreSQL.

mod support;

use std::time::Duration;

use cairn_server::config::Registration;
use cairn_server::store::{self, UsageRecord};
use serde_json::{Value, json};
use support::{PASSWORD, TestApp, TestDb, TestServer};

async fn server(db: TestDb) -> (TestServer, TestApp) {
    let app = TestApp::new(db).await;
    (TestServer::start(app.state.clone()).await, app)
}

fn token(body: &Value, field: &str) -> String {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {body}"))
        .to_string()
}

async fn accounts_sign_in_refresh_and_sign_out(db: TestDb) {
    let (server, _app) = server(db).await;
    let admin = server.register("ada").await;
    assert_eq!(admin["role"], "admin", "the first account is admin");
    assert!(admin.get("password_hash").is_none() && admin.get("password").is_none());
    let grace = server.register("grace").await;
    assert_eq!(grace["role"], "user");

    // by username or email, any case
    let by_email = server.login("GRACE@example.com").await;
    assert_eq!(by_email["token_type"], "Bearer");
    assert_eq!(by_email["expires_in"], 900);
    let access = token(&by_email, "access_token");
    let (status, me) = server.get("/api/v1/me", &access).await;
    assert_eq!(status, 200);
    assert_eq!(me["username"], "grace");
    assert_eq!(me["permissions"], json!(["read:all", "write:own"]));
    assert_eq!(me["credential"], "session");

    // refresh rotates; the old refresh token is used up
    let (status, rotated) = server
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": by_email["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 200, "{rotated}");
    assert_ne!(rotated["refresh_token"], by_email["refresh_token"]);
    let new_access = token(&rotated, "access_token");
    assert_eq!(server.get("/api/v1/me", &new_access).await.0, 200);

    // sign out with the refresh token: the session's access tokens stop working at once
    let (status, _) = server
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": rotated["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 204);
    for t in [&access, &new_access] {
        let (status, body) = server.get("/api/v1/me", t).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"]["code"], "invalid_token");
    }
    let (status, _) = server
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": rotated["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 401);

    // sign out with the access token alone
    let session = server.login("grace").await;
    let access = token(&session, "access_token");
    let (status, _) = server
        .call("POST", "/api/v1/auth/logout", Some(&access), None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(server.get("/api/v1/me", &access).await.0, 401);

    // wrong password, unknown account: the same answer
    for login in ["grace", "nobody"] {
        let (status, body) = server
            .post(
                "/api/v1/auth/login",
                None,
                json!({"login": login, "password": "wrong password"}),
            )
            .await;
        assert_eq!(status, 401);
        assert_eq!(body["error"]["code"], "invalid_credentials");
    }
    // taken names
    let (status, body) = server
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": "GRACE", "email": "g2@example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("username_taken"))
    );
    server.stop().await;
}

async fn personal_access_tokens_are_shown_once_scoped_and_revocable(db: TestDb) {
    let (server, _app) = server(db).await;
    server.user("admin").await;
    let ada = server.user("ada").await;
    let (status, created) = server
        .post(
            "/api/v1/tokens",
            Some(&ada),
            json!({"name": "Neovim on laptop", "scopes": ["read:all"]}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let pat = token(&created, "token");
    assert!(pat.starts_with("cairn_pat_"));
    assert_eq!(created["scopes"], json!(["read:all"]));
    assert!(pat.starts_with(created["prefix"].as_str().unwrap()));

    let (status, me) = server.get("/api/v1/me", &pat).await;
    assert_eq!(status, 200);
    assert_eq!(me["credential"], "personal_access_token");
    assert_eq!(me["permissions"], json!(["read:all"]));
    // read-only: no writes
    let (status, body) = server
        .post("/api/v1/conversations", Some(&pat), json!({}))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(server.get("/api/v1/conversations", &pat).await.0, 200);

    // listed without the secret, with its last use
    tokio::time::sleep(Duration::from_millis(200)).await;
    let (_, list) = server.get("/api/v1/tokens", &ada).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].get("token").is_none());
    assert!(list[0]["last_used_at"].is_string(), "{list:?}");

    // more than the account has, unknown scopes, a token widening itself
    for scopes in [
        json!(["*"]),
        json!(["feature:advanced"]),
        json!(["root"]),
        json!([]),
    ] {
        let (status, body) = server
            .post(
                "/api/v1/tokens",
                Some(&ada),
                json!({"name": "x", "scopes": scopes}),
            )
            .await;
        assert_eq!(status, 422, "{scopes}: {body}");
        assert_eq!(body["error"]["field"], "scopes");
    }
    let (status, _) = server
        .post(
            "/api/v1/tokens",
            Some(&pat),
            json!({"name": "x", "scopes": ["write:own"]}),
        )
        .await;
    assert_eq!(status, 422);

    // revoked: stops at once
    let id = created["id"].as_str().unwrap();
    let (status, _) = server
        .call("DELETE", &format!("/api/v1/tokens/{id}"), Some(&ada), None)
        .await;
    assert_eq!(status, 204);
    let (status, body) = server.get("/api/v1/me", &pat).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("invalid_token"))
    );
    let (status, _) = server
        .call("DELETE", &format!("/api/v1/tokens/{id}"), Some(&ada), None)
        .await;
    assert_eq!(status, 404);
    server.stop().await;
}

async fn device_sign_in_follows_rfc_8628(db: TestDb) {
    let (server, app) = server(db).await;
    let ada = server.user("ada").await;
    let (status, code) = server
        .post(
            "/api/v1/auth/device/code",
            None,
            json!({"client_name": "Helix"}),
        )
        .await;
    assert_eq!(status, 200, "{code}");
    assert_eq!(code["interval"], 1);
    assert!(
        code["verification_uri_complete"]
            .as_str()
            .unwrap()
            .ends_with(code["user_code"].as_str().unwrap())
    );
    let poll = json!({
        "device_code": code["device_code"],
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
    });
    let (status, body) = server
        .post("/api/v1/auth/device/token", None, poll.clone())
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("authorization_pending"))
    );
    let (status, body) = server
        .post("/api/v1/auth/device/token", None, poll.clone())
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("slow_down")),
        "{body}"
    );

    // a personal access token may not approve; the signed-in session may (any case, no dash)
    let (_, pat) = server
        .post("/api/v1/tokens", Some(&ada), json!({"name": "p"}))
        .await;
    let user_code = code["user_code"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .replace('-', "");
    let approve = json!({"user_code": user_code});
    let (status, _) = server
        .post(
            "/api/v1/auth/device/approve",
            Some(pat["token"].as_str().unwrap()),
            approve.clone(),
        )
        .await;
    assert_eq!(status, 403);
    let (status, body) = server
        .post("/api/v1/auth/device/approve", Some(&ada), approve.clone())
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, _) = server
        .post("/api/v1/auth/device/approve", Some(&ada), approve)
        .await;
    assert_eq!(status, 404, "decided already");

    // slow_down raised the interval to 6 s
    tokio::time::sleep(Duration::from_millis(6100)).await;
    let (status, tokens) = server
        .post("/api/v1/auth/device/token", None, poll.clone())
        .await;
    assert_eq!(status, 200, "{tokens}");
    let (_, me) = server
        .get("/api/v1/me", &token(&tokens, "access_token"))
        .await;
    assert_eq!(me["username"], "ada");
    tokio::time::sleep(Duration::from_millis(6100)).await;
    let (status, body) = server.post("/api/v1/auth/device/token", None, poll).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_grant"))
    );

    // denied, and expired
    let (_, code) = server
        .post("/api/v1/auth/device/code", None, json!({}))
        .await;
    let (status, _) = server
        .post(
            "/api/v1/auth/device/approve",
            Some(&ada),
            json!({"user_code": code["user_code"], "approve": false}),
        )
        .await;
    assert_eq!(status, 204);
    let (_, body) = server
        .post(
            "/api/v1/auth/device/token",
            None,
            json!({"device_code": code["device_code"]}),
        )
        .await;
    assert_eq!(body["error"]["code"], "access_denied");
    let now = store::now();
    app.state
        .store
        .create_device(store::NewDevice {
            id: uuid::Uuid::now_v7(),
            device_code_hash: &cairn_server::auth::secrets::digest("cairn_dc_old"),
            user_code: "BCDF-BCDF",
            client_name: None,
            interval_secs: 1,
            now: now - chrono::Duration::minutes(20),
            expires_at: now - chrono::Duration::minutes(10),
        })
        .await
        .unwrap();
    let (status, body) = server
        .post(
            "/api/v1/auth/device/token",
            None,
            json!({"device_code": "cairn_dc_old"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("expired_token"))
    );
    let (_, body) = server
        .post(
            "/api/v1/auth/device/token",
            None,
            json!({"device_code": "cairn_dc_never"}),
        )
        .await;
    assert_eq!(body["error"]["code"], "invalid_grant");
    let (_, body) = server
        .post(
            "/api/v1/auth/device/token",
            None,
            json!({"device_code": "x", "grant_type": "password"}),
        )
        .await;
    assert_eq!(body["error"]["code"], "unsupported_grant_type");
    server.stop().await;
}

async fn conversations_crud_search_and_messages(db: TestDb) {
    let (server, _app) = server(db).await;
    let ada = server.user("ada").await;
    let mut ids = Vec::new();
    for title in ["Parser bugs", "Borrow checker", "Lunch"] {
        let (status, c) = server
            .post("/api/v1/conversations", Some(&ada), json!({"title": title}))
            .await;
        assert_eq!(status, 201, "{c}");
        ids.push(c["id"].as_str().unwrap().to_string());
    }
    let (status, untitled) = server
        .call("POST", "/api/v1/conversations", Some(&ada), None)
        .await;
    assert_eq!(
        (status, untitled["title"].as_str()),
        (201, Some("New conversation"))
    );
    ids.push(untitled["id"].as_str().unwrap().to_string());

    // newest first, with a cursor
    let (status, page) = server.get("/api/v1/conversations?limit=3", &ada).await;
    assert_eq!(status, 200);
    let titles: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["New conversation", "Lunch", "Borrow checker"]);
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = server
        .get(
            &format!("/api/v1/conversations?limit=3&cursor={cursor}"),
            &ada,
        )
        .await;
    assert_eq!(rest["items"][0]["title"], "Parser bugs");
    assert!(rest.get("next_cursor").is_none());

    // get, rename (the cached list and item follow), delete
    let id = &ids[0];
    let (status, c) = server
        .get(&format!("/api/v1/conversations/{id}"), &ada)
        .await;
    assert_eq!((status, c["title"].as_str()), (200, Some("Parser bugs")));
    let (status, renamed) = server
        .call(
            "PATCH",
            &format!("/api/v1/conversations/{id}"),
            Some(&ada),
            Some(json!({"title": "Lexer bugs"})),
        )
        .await;
    assert_eq!(
        (status, renamed["title"].as_str()),
        (200, Some("Lexer bugs"))
    );
    let (_, c) = server
        .get(&format!("/api/v1/conversations/{id}"), &ada)
        .await;
    assert_eq!(c["title"], "Lexer bugs");

    // sending a message stores it and answers no_provider
    let (status, body) = server
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            Some(&ada),
            json!({"content": "why does the lexer choke on émoji 🤖?", "task": "explain"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (501, Some("no_provider")),
        "{body}"
    );
    let (status, messages) = server
        .get(&format!("/api/v1/conversations/{id}/messages"), &ada)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        messages["items"][0]["content"],
        "why does the lexer choke on émoji 🤖?"
    );
    assert_eq!(messages["items"][0]["role"], "user");
    let (status, body) = server
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            Some(&ada),
            json!({"content": "x", "task": "dance"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("task"))
    );

    // search: titles and messages
    let (_, found) = server.get("/api/v1/conversations?q=lexer", &ada).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let (_, found) = server.get("/api/v1/conversations?q=%C3%A9moji", &ada).await;
    assert_eq!(found["items"][0]["id"].as_str(), Some(id.as_str()));
    let (_, found) = server.get("/api/v1/conversations?q=borrow", &ada).await;
    assert_eq!(found["items"][0]["title"], "Borrow checker");

    let (status, _) = server
        .call(
            "DELETE",
            &format!("/api/v1/conversations/{id}"),
            Some(&ada),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        server
            .get(&format!("/api/v1/conversations/{id}"), &ada)
            .await
            .0,
        404
    );
    assert_eq!(
        server
            .get(&format!("/api/v1/conversations/{id}/messages"), &ada)
            .await
            .0,
        404
    );
    let (_, page) = server.get("/api/v1/conversations", &ada).await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        3,
        "the cached list followed the delete"
    );
    server.stop().await;
}

async fn get_answers_are_cached_per_user_and_invalidated_by_writes(db: TestDb) {
    let (server, _app) = server(db).await;
    let ada = server.user("ada").await;
    let eve = server.user("eve").await;
    let list = |t: String| {
        let server = &server;
        async move {
            server
                .send("GET", "/api/v1/conversations", Some(&t), None)
                .await
        }
    };
    let first = list(ada.clone()).await;
    assert_eq!(first.headers()["x-cache"], "miss");
    let second = list(ada.clone()).await;
    assert_eq!(second.headers()["x-cache"], "hit");
    // another user has their own entry
    assert_eq!(list(eve.clone()).await.headers()["x-cache"], "miss");
    server
        .post("/api/v1/conversations", Some(&ada), json!({"title": "new"}))
        .await;
    let after = list(ada.clone()).await;
    assert_eq!(after.headers()["x-cache"], "miss");
    let body: Value = after.json().await.unwrap();
    assert_eq!(body["items"][0]["title"], "new");
    assert_eq!(
        list(eve).await.headers()["x-cache"],
        "hit",
        "eve's entry is untouched"
    );
    server.stop().await;
}

async fn analyze_returns_the_check_report_and_caches_it(db: TestDb) {
    let (server, _app) = server(db).await;
    let ada = server.user("ada").await;
    let request = json!({"language": "python", "path": "app.py", "code": "import yaml\n\ndef load(s):\n    return yaml.load(s)\n"});
    let response = server
        .send("POST", "/api/v1/analyze", Some(&ada), Some(request.clone()))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-cache"], "miss");
    let report: cairn_protocol::check::CheckReport = response.json().await.unwrap();
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].path, "app.py");
    assert_eq!(report.files[0].functions[0].name, "load");
    assert!(
        report.files[0]
            .diagnostics
            .iter()
            .any(|d| d.rule == "security/unsafe-deserialization")
    );
    let again = server
        .send("POST", "/api/v1/analyze", Some(&ada), Some(request))
        .await;
    assert_eq!(again.headers()["x-cache"], "hit");
    let again: cairn_protocol::check::CheckReport = again.json().await.unwrap();
    assert_eq!(again, report);

    let (status, body) = server
        .post(
            "/api/v1/analyze",
            Some(&ada),
            json!({"language": "cobol", "code": ""}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("language"))
    );
    let (status, body) = server
        .post(
            "/api/v1/analyze",
            Some(&ada),
            json!({"language": "rust", "code": "fn f() {}", "config": "[rules]\nnope = 1"}),
        )
        .await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("config"))
    );
    let (status, body) = server
        .post("/api/v1/analyze", Some(&ada), json!({"language": "typescriptreact", "code": "const x = <div dangerouslySetInnerHTML={{__html: y}} />;"}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["files"][0]["language"], "tsx");
    assert_eq!(
        server
            .post(
                "/api/v1/analyze",
                None,
                json!({"language": "c", "code": ""})
            )
            .await
            .0,
        401
    );
    server.stop().await;
}

async fn admins_manage_accounts_and_read_the_audit_log(db: TestDb) {
    let (server, app) = server(db).await;
    let admin = server.user("root").await;
    let ada_login = {
        server.register("ada").await;
        server.login("ada").await
    };
    let ada = token(&ada_login, "access_token");
    let (_, ada_pat) = server
        .post("/api/v1/tokens", Some(&ada), json!({"name": "cli"}))
        .await;
    let ada_pat = token(&ada_pat, "token");
    let (_, me) = server.get("/api/v1/me", &ada).await;
    let ada_id = me["id"].as_str().unwrap().to_string();

    for path in [
        "/api/v1/admin/users",
        "/api/v1/admin/audit",
        "/api/v1/admin/usage",
    ] {
        let (status, body) = server.get(path, &ada).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (403, Some("forbidden")),
            "{path}"
        );
    }
    let (status, users) = server.get("/api/v1/admin/users", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(users["items"].as_array().unwrap().len(), 2);

    // a role change shows on the next request (the cached account is dropped)
    let (status, changed) = server
        .call(
            "PATCH",
            &format!("/api/v1/admin/users/{ada_id}"),
            Some(&admin),
            Some(json!({"role": "premium"})),
        )
        .await;
    assert_eq!((status, changed["role"].as_str()), (200, Some("premium")));
    let (_, me) = server.get("/api/v1/me", &ada).await;
    assert_eq!(
        me["permissions"],
        json!(["read:all", "write:own", "feature:advanced"])
    );

    // deactivation: every credential stops at once, sign-in and refresh are refused
    let (status, _) = server
        .call(
            "PATCH",
            &format!("/api/v1/admin/users/{ada_id}"),
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, 200);
    for credential in [&ada, &ada_pat] {
        let (status, body) = server.get("/api/v1/me", credential).await;
        assert_eq!(status, 401, "{body}");
    }
    let (_, body) = server.get("/api/v1/me", &ada_pat).await;
    assert_eq!(body["error"]["code"], "account_disabled");
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
    let (status, _) = server
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": ada_login["refresh_token"]}),
        )
        .await;
    assert_eq!(status, 401);

    // the last admin cannot be demoted; unknown users are 404; empty changes are 422
    let (_, me) = server.get("/api/v1/me", &admin).await;
    let admin_id = me["id"].as_str().unwrap();
    let (status, body) = server
        .call(
            "PATCH",
            &format!("/api/v1/admin/users/{admin_id}"),
            Some(&admin),
            Some(json!({"role": "user"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("last_admin"))
    );
    let missing = uuid::Uuid::now_v7();
    let (status, _) = server
        .call(
            "PATCH",
            &format!("/api/v1/admin/users/{missing}"),
            Some(&admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = server
        .call(
            "PATCH",
            &format!("/api/v1/admin/users/{ada_id}"),
            Some(&admin),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 422);

    // the audit log has it all
    server
        .post(
            "/api/v1/auth/login",
            None,
            json!({"login": "root", "password": "wrong password"}),
        )
        .await;
    let (status, audit) = server.get("/api/v1/admin/audit?limit=100", &admin).await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "user_registered",
        "login",
        "login_failed",
        "token_created",
        "role_changed",
        "user_deactivated",
        "login_refused_inactive",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let (_, failed) = server
        .get("/api/v1/admin/audit?action=login_failed", &admin)
        .await;
    assert!(
        failed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["action"] == "login_failed")
    );
    assert_eq!(failed["items"][0]["detail"]["login"], "root");

    // usage per user
    let id = uuid::Uuid::parse_str(&ada_id).unwrap();
    app.state
        .store
        .record_usage(&UsageRecord {
            user_id: id,
            token_id: None,
            provider: "openai",
            model: "gpt",
            tokens_in: 5,
            tokens_out: 7,
            latency_ms: None,
            at: store::now(),
        })
        .await
        .unwrap();
    let (status, usage) = server.get("/api/v1/admin/usage?days=7", &admin).await;
    assert_eq!(status, 200);
    assert_eq!(usage[0]["username"], "ada");
    assert_eq!(usage[0]["tokens_out"], 7);
    assert_eq!(
        server.get("/api/v1/admin/usage?days=0", &admin).await.0,
        422
    );
    server.stop().await;
}

async fn invite_only_registration(db: TestDb) {
    let app = TestApp::with(db, |s| s.registration = Registration::Invite).await;
    let server = TestServer::start(app.state.clone()).await;
    let admin = server.user("root").await;
    let body = |invite: Option<&str>| {
        let mut b = json!({"username": "ada", "email": "ada@example.com", "password": PASSWORD});
        if let Some(invite) = invite {
            b["invite"] = json!(invite);
        }
        b
    };
    let (status, _) = server.post("/api/v1/auth/register", None, body(None)).await;
    assert_eq!(status, 403);
    let (status, invite) = server
        .call("POST", "/api/v1/admin/invites", Some(&admin), None)
        .await;
    assert_eq!(status, 201, "{invite}");
    let code = invite["code"].as_str().unwrap();
    let (status, user) = server
        .post("/api/v1/auth/register", None, body(Some(code)))
        .await;
    assert_eq!((status, user["role"].as_str()), (201, Some("user")));
    let mut again = body(Some(code));
    again["username"] = json!("eve");
    again["email"] = json!("eve@example.com");
    let (status, body) = server.post("/api/v1/auth/register", None, again).await;
    assert_eq!(
        (status, body["error"]["field"].as_str()),
        (422, Some("invite"))
    );
    server.stop().await;
}

async fn operations_endpoints_answer(db: TestDb) {
    let (server, _app) = server(db).await;
    let (status, health) = server.call("GET", "/healthz", None, None).await;
    assert_eq!((status, health["status"].as_str()), (200, Some("ok")));
    let (status, ready) = server.call("GET", "/readyz", None, None).await;
    assert_eq!(status, 200);
    assert_eq!(ready["database"], "ok");
    assert_eq!(ready["redis"], "not configured");
    server.call("GET", "/api/v1/me", None, None).await;
    let metrics = server
        .send("GET", "/metrics", None, None)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("http_requests_total{method=\"GET\",route=\"/api/v1/me\",status=\"401\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\"")
    );
    assert!(metrics.contains("cairn_db_pool_connections"));
    let response = server.send("GET", "/healthz", None, None).await;
    assert!(response.headers().contains_key("x-request-id"));
    server.stop().await;
}

both_databases!(
    accounts_sign_in_refresh_and_sign_out,
    personal_access_tokens_are_shown_once_scoped_and_revocable,
    device_sign_in_follows_rfc_8628,
    conversations_crud_search_and_messages,
    get_answers_are_cached_per_user_and_invalidated_by_writes,
    analyze_returns_the_check_report_and_caches_it,
    admins_manage_accounts_and_read_the_audit_log,
    invite_only_registration,
    operations_endpoints_answer,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_requests_in_flight() {
    let app = TestApp::new(TestDb::sqlite().await).await;
    let server = TestServer::start(app.state.clone()).await;
    let token = server.user("ada").await;
    // ~0.9 MB of Python: analysing it takes a while
    let code = "def f(x):\n    if x and not x:\n        return eval(x)\n".repeat(18_000);
    let client = server.client.clone();
    let url = server.url("/api/v1/analyze");
    // the client reads the whole answer (a few MB) while the server is stopping
    let in_flight = tokio::spawn(async move {
        let response = client
            .post(url)
            .bearer_auth(token)
            .json(&json!({"language": "python", "code": code}))
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok::<_, reqwest::Error>((status, response.json::<Value>().await?))
    });
    // stop once the analysis is running (it holds one of the analysis slots)
    let slots = app.state.analysis_permits.available_permits();
    let started = std::time::Instant::now();
    while app.state.analysis_permits.available_permits() == slots {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the analysis never started"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let base = server.base.clone();
    tokio::time::timeout(Duration::from_secs(60), server.stop())
        .await
        .expect("the server stops once the request is answered");
    let (status, report) = in_flight
        .await
        .unwrap()
        .expect("the request in flight was answered");
    assert_eq!(status, 200);
    assert_eq!(report["summary"]["functions"], 18_000);
    // and the server no longer answers
    let after = tokio::time::timeout(
        Duration::from_secs(2),
        reqwest::get(format!("{base}/healthz")),
    )
    .await;
    assert!(
        !matches!(after, Ok(Ok(_))),
        "still answering after the stop"
    );
}
