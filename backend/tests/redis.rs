//! Two server instances sharing one database and one Redis behave as one service: one rate
//! limit, one cache, and invalidations seen by both.

mod support;

use std::time::Duration;

use cairn_server::AppState;
use cairn_server::config::Rate;
use serde_json::json;
use support::{TestDb, TestRedis, TestServer};

/// Two replicas on the same database and Redis prefix.
async fn replicas(
    db: &TestDb,
    redis: &TestRedis,
    configure: impl Fn(&mut cairn_server::Settings),
) -> (TestServer, TestServer, Vec<tempfile::TempDir>) {
    let mut servers = Vec::new();
    let mut dirs = Vec::new();
    let shared = tempfile::tempdir().unwrap();
    let secret = "a shared secret of at least thirty-two bytes!".to_string();
    for _ in 0..2 {
        let mut settings = support::settings(db, shared.path());
        settings.redis_url = Some(redis.url.clone());
        settings.redis_prefix = redis.prefix.clone();
        settings.jwt_secret = Some(secret.clone());
        configure(&mut settings);
        let state = AppState::connect(settings).await.expect("replica starts");
        servers.push(TestServer::start(state).await);
    }
    dirs.push(shared);
    let b = servers.pop().unwrap();
    let a = servers.pop().unwrap();
    (a, b, dirs)
}

async fn two_replicas_enforce_one_limit(db: TestDb) {
    let Some(redis) = TestRedis::new().await else {
        return;
    };
    let (a, b, _dirs) = replicas(&db, &redis, |s| {
        s.rate_limits.api = Some(Rate {
            burst: 4,
            period: Duration::from_secs(600),
        });
        s.rate_limits.login_ip = Some(Rate {
            burst: 6,
            period: Duration::from_secs(600),
        });
    })
    .await;
    let token = a.user("ada").await; // 2 sign-in attempts from this address (register, login)
    let mut statuses = Vec::new();
    for server in [&a, &b, &a, &b, &a, &b] {
        statuses.push(server.get("/api/v1/me", &token).await.0);
    }
    assert_eq!(
        statuses,
        [200, 200, 200, 200, 429, 429],
        "one allowance of 4 across both"
    );
    let response = b.send("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(response.headers()["ratelimit-limit"], "4");
    assert!(response.headers().contains_key("retry-after"));
    // sign-in attempts per address are shared too: 4 more allowed, then 429 on either
    let mut statuses = Vec::new();
    for server in [&b, &a, &b, &a, &b] {
        statuses.push(
            server
                .post(
                    "/api/v1/auth/login",
                    None,
                    json!({"login": "ada", "password": "wrong password"}),
                )
                .await
                .0,
        );
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429]);
    a.stop().await;
    b.stop().await;
}

async fn invalidations_reach_every_replica(db: TestDb) {
    let Some(redis) = TestRedis::new().await else {
        return;
    };
    let (a, b, _dirs) = replicas(&db, &redis, |_| {}).await;
    let admin = a.user("root").await;
    a.register("ada").await;
    let session = a.login("ada").await;
    let ada = session["access_token"].as_str().unwrap().to_string();
    let (_, pat) = a
        .post("/api/v1/tokens", Some(&ada), json!({"name": "x"}))
        .await;
    let pat = pat["token"].as_str().unwrap().to_string();
    // both replicas have the session and the token cached
    assert_eq!(a.get("/api/v1/me", &ada).await.0, 200);
    assert_eq!(b.get("/api/v1/me", &ada).await.0, 200);
    assert_eq!(b.get("/api/v1/me", &pat).await.0, 200);

    // an API answer cached by b is invalidated by a write on a
    let first = b
        .send("GET", "/api/v1/conversations", Some(&ada), None)
        .await;
    assert_eq!(first.headers()["x-cache"], "miss");
    assert_eq!(
        b.send("GET", "/api/v1/conversations", Some(&ada), None)
            .await
            .headers()["x-cache"],
        "hit"
    );
    let on_a = a
        .send("GET", "/api/v1/conversations", Some(&ada), None)
        .await;
    assert_eq!(on_a.headers()["x-cache"], "hit", "the cache is shared");
    a.post(
        "/api/v1/conversations",
        Some(&ada),
        json!({"title": "from a"}),
    )
    .await;
    let (_, list) = b.get("/api/v1/conversations", &ada).await;
    assert_eq!(list["items"][0]["title"], "from a");

    // revoking the token on a: b refuses it at once
    let (_, tokens) = a.get("/api/v1/tokens", &ada).await;
    let id = tokens[0]["id"].as_str().unwrap();
    a.call("DELETE", &format!("/api/v1/tokens/{id}"), Some(&ada), None)
        .await;
    assert_eq!(b.get("/api/v1/me", &pat).await.0, 401);

    // a role change on b shows on a; a deactivation on b locks the session out on a
    let (_, me) = a.get("/api/v1/me", &ada).await;
    let ada_id = me["id"].as_str().unwrap().to_string();
    b.call(
        "PATCH",
        &format!("/api/v1/admin/users/{ada_id}"),
        Some(&admin),
        Some(json!({"role": "premium"})),
    )
    .await;
    let (_, me) = a.get("/api/v1/me", &ada).await;
    assert_eq!(me["role"], "premium");
    b.call(
        "PATCH",
        &format!("/api/v1/admin/users/{ada_id}"),
        Some(&admin),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(a.get("/api/v1/me", &ada).await.0, 401);

    // sign-out on b: the access token dies on a
    let (_, me) = a.get("/api/v1/me", &admin).await;
    assert_eq!(me["username"], "root");
    b.call("POST", "/api/v1/auth/logout", Some(&admin), None)
        .await;
    assert_eq!(a.get("/api/v1/me", &admin).await.0, 401);

    let (_, ready) = a.call("GET", "/readyz", None, None).await;
    assert_eq!(ready["redis"], "ok");
    a.stop().await;
    b.stop().await;
}

async fn analysis_results_are_shared(db: TestDb) {
    let Some(redis) = TestRedis::new().await else {
        return;
    };
    let (a, b, _dirs) = replicas(&db, &redis, |_| {}).await;
    let ada = a.user("ada").await;
    let request = json!({"language": "go", "code": "package main\nfunc main() {}\n"});
    let first = a
        .send("POST", "/api/v1/analyze", Some(&ada), Some(request.clone()))
        .await;
    assert_eq!(first.headers()["x-cache"], "miss");
    let second = b
        .send("POST", "/api/v1/analyze", Some(&ada), Some(request))
        .await;
    assert_eq!(second.headers()["x-cache"], "hit");
    a.stop().await;
    b.stop().await;
}

#[tokio::test]
async fn an_unreachable_redis_stops_the_start() {
    let db = TestDb::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = support::settings(&db, dir.path());
    settings.redis_url = Some("redis://127.0.0.1:1".into());
    let error = AppState::connect(settings)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(
        error.starts_with("cannot reach Redis at redis://127.0.0.1:1"),
        "{error}"
    );
}

both_databases!(
    two_replicas_enforce_one_limit,
    invalidations_reach_every_replica,
    analysis_results_are_shared
);
