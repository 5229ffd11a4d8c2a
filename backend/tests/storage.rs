//! The storage suite: every test runs against a SQLite file and against a fresh PostgreSQL
//! database (`both_databases!`), through the one `Store` API the routes use.

mod support;

use cairn_protocol::users::Role;
use cairn_server::store::users::InviteRule;
use cairn_server::store::{
    self, AuditEvent, NewMessage, NewPat, NewRefreshToken, NewUser, PageRequest, RefreshClaim,
    RegisterOutcome, Store, UsageRecord, UserRecord,
};
use chrono::Duration;
use support::TestDb;
use uuid::Uuid;

const SQLISH: &str = "Robert'); DROP TABLE users; -- \"x\" \\ % _ ; /* */";
const UNICODE: &str = "Zoë 日本語 🤖 עברית \u{200d} é";

async fn user(store: &Store, name: &str) -> UserRecord {
    match store
        .register_user(NewUser {
            id: Uuid::now_v7(),
            username: name,
            email: &format!("{name}@example.com"),
            password_hash: "hash",
            role: Role::User,
            now: store::now(),
            invite: InviteRule::NotRequired,
        })
        .await
        .unwrap()
    {
        RegisterOutcome::Created(user) => user,
        other => panic!("{other:?}"),
    }
}

fn page(before: Option<Uuid>, limit: u32) -> PageRequest<Uuid> {
    PageRequest { before, limit }
}

async fn the_first_account_is_admin_and_names_are_unique_ignoring_case(db: TestDb) {
    let store = db.store().await;
    let first = user(&store, "Ada").await;
    assert_eq!(first.role(), Role::Admin);
    let second = user(&store, "grace").await;
    assert_eq!(second.role(), Role::User);
    let outcome = store
        .register_user(NewUser {
            id: Uuid::now_v7(),
            username: "ADA",
            email: "other@example.com",
            password_hash: "h",
            role: Role::User,
            now: store::now(),
            invite: InviteRule::NotRequired,
        })
        .await
        .unwrap();
    assert!(
        matches!(outcome, RegisterOutcome::UsernameTaken),
        "{outcome:?}"
    );
    let outcome = store
        .register_user(NewUser {
            id: Uuid::now_v7(),
            username: "someone",
            email: "GRACE@EXAMPLE.COM",
            password_hash: "h",
            role: Role::User,
            now: store::now(),
            invite: InviteRule::NotRequired,
        })
        .await
        .unwrap();
    assert!(
        matches!(outcome, RegisterOutcome::EmailTaken),
        "{outcome:?}"
    );
    assert_eq!(
        store.user_by_login("ada").await.unwrap().unwrap().id,
        first.id
    );
    assert_eq!(
        store
            .user_by_login("Grace@Example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        second.id
    );
    assert!(store.user_by_login(SQLISH).await.unwrap().is_none());
    assert_eq!(store.user(first.id).await.unwrap().unwrap(), first);
}

async fn concurrent_first_sign_ups_make_exactly_one_admin(db: TestDb) {
    let store = db.store().await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            user(&store, &format!("user{i}")).await
        }));
    }
    let mut admins = 0;
    for task in tasks {
        if task.await.unwrap().role() == Role::Admin {
            admins += 1;
        }
    }
    assert_eq!(admins, 1);
}

async fn text_is_stored_verbatim(db: TestDb) {
    let store = db.store().await;
    let owner = user(&store, "Zoë_日本").await;
    assert_eq!(owner.username, "Zoë_日本");
    for text in [
        SQLISH,
        UNICODE,
        " leading and trailing spaces ",
        "tab\tand\nnewline",
    ] {
        let c = store
            .create_conversation(owner.id, Uuid::now_v7(), text, store::now())
            .await
            .unwrap();
        assert_eq!(c.title, text);
        let m = store
            .add_message(NewMessage {
                id: Uuid::now_v7(),
                conversation_id: c.id,
                owner: owner.id,
                role: "user",
                content: text,
                model: Some(text),
                provider: None,
                tokens_in: Some(1),
                tokens_out: None,
                latency_ms: None,
                now: store::now(),
            })
            .await
            .unwrap()
            .unwrap();
        assert_eq!((m.content.as_str(), m.model.as_deref()), (text, Some(text)));
        let again = store.conversation(owner.id, c.id).await.unwrap().unwrap();
        assert_eq!(again.title, text);
    }
}

async fn invitations_are_needed_after_the_first_account_and_work_once(db: TestDb) {
    let store = db.store().await;
    let new = |name: &'static str, invite: InviteRule<'static>| NewUser {
        id: Uuid::now_v7(),
        username: name,
        email: name,
        password_hash: "h",
        role: Role::User,
        now: store::now(),
        invite,
    };
    // the first account needs none
    let admin = match store
        .register_user(new("admin", InviteRule::Required(None)))
        .await
        .unwrap()
    {
        RegisterOutcome::Created(user) => user,
        other => panic!("{other:?}"),
    };
    assert!(matches!(
        store
            .register_user(new("b", InviteRule::Required(None)))
            .await
            .unwrap(),
        RegisterOutcome::InviteRequired
    ));
    assert!(matches!(
        store
            .register_user(new("b", InviteRule::Required(Some(b"nope"))))
            .await
            .unwrap(),
        RegisterOutcome::InviteInvalid
    ));
    let now = store::now();
    store
        .create_invite(
            Uuid::now_v7(),
            b"code",
            admin.id,
            now,
            now + Duration::days(1),
        )
        .await
        .unwrap();
    store
        .create_invite(
            Uuid::now_v7(),
            b"old",
            admin.id,
            now,
            now - Duration::seconds(1),
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .register_user(new("b", InviteRule::Required(Some(b"code"))))
            .await
            .unwrap(),
        RegisterOutcome::Created(_)
    ));
    assert!(matches!(
        store
            .register_user(new("c", InviteRule::Required(Some(b"code"))))
            .await
            .unwrap(),
        RegisterOutcome::InviteInvalid
    ));
    assert!(matches!(
        store
            .register_user(new("d", InviteRule::Required(Some(b"old"))))
            .await
            .unwrap(),
        RegisterOutcome::InviteInvalid
    ));
}

fn refresh<'a>(family: Uuid, user: Uuid, hash: &'a [u8], ttl: Duration) -> NewRefreshToken<'a> {
    let now = store::now();
    NewRefreshToken {
        id: Uuid::now_v7(),
        family_id: family,
        user_id: user,
        token_hash: hash,
        now,
        expires_at: now + ttl,
    }
}

async fn refresh_token_reuse_revokes_the_family(db: TestDb) {
    let store = db.store().await;
    let owner = user(&store, "ada").await;
    let family = Uuid::now_v7();
    store
        .create_session(
            Some("nvim"),
            refresh(family, owner.id, b"t1", Duration::days(1)),
        )
        .await
        .unwrap();
    let now = store::now();
    assert_eq!(
        store.claim_refresh_token(b"t1", now).await.unwrap(),
        RefreshClaim::Claimed {
            family_id: family,
            user_id: owner.id
        }
    );
    store
        .add_refresh_token(refresh(family, owner.id, b"t2", Duration::days(1)))
        .await
        .unwrap();
    // t1 again: reuse → the family (t2 with it) is revoked
    assert_eq!(
        store
            .claim_refresh_token(b"t1", store::now())
            .await
            .unwrap(),
        RefreshClaim::Reused {
            family_id: family,
            user_id: owner.id
        }
    );
    assert_eq!(
        store
            .claim_refresh_token(b"t2", store::now())
            .await
            .unwrap(),
        RefreshClaim::Invalid
    );
    assert!(
        store
            .session(family)
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );
    assert_eq!(
        store.claim_refresh_token(b"unknown", now).await.unwrap(),
        RefreshClaim::Invalid
    );
}

async fn expired_refresh_tokens_and_revoked_sessions_do_not_refresh(db: TestDb) {
    let store = db.store().await;
    let owner = user(&store, "ada").await;
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    store
        .create_session(None, refresh(a, owner.id, b"old", -Duration::seconds(1)))
        .await
        .unwrap();
    store
        .create_session(None, refresh(b, owner.id, b"live", Duration::days(1)))
        .await
        .unwrap();
    assert_eq!(
        store
            .claim_refresh_token(b"old", store::now())
            .await
            .unwrap(),
        RefreshClaim::Invalid
    );
    let revoked = store
        .revoke_user_sessions(owner.id, store::now())
        .await
        .unwrap();
    assert_eq!(revoked.len(), 2);
    assert_eq!(
        store
            .claim_refresh_token(b"live", store::now())
            .await
            .unwrap(),
        RefreshClaim::Invalid
    );
    assert_eq!(store.refresh_token_session(b"live").await.unwrap(), Some(b));
    assert!(
        !store.revoke_session(b, store::now()).await.unwrap(),
        "already revoked"
    );
}

async fn long_expired_refresh_tokens_and_their_sessions_are_purged(db: TestDb) {
    let store = db.store().await;
    let owner = user(&store, "ada").await;
    let (old, live) = (Uuid::now_v7(), Uuid::now_v7());
    let long_ago = store::now() - Duration::days(40);
    store
        .create_session(
            None,
            NewRefreshToken {
                id: Uuid::now_v7(),
                family_id: old,
                user_id: owner.id,
                token_hash: b"old",
                now: long_ago,
                expires_at: long_ago + Duration::days(30),
            },
        )
        .await
        .unwrap();
    store
        .create_session(None, refresh(live, owner.id, b"live", Duration::days(1)))
        .await
        .unwrap();
    assert_eq!(store.purge_expired_sessions(store::now()).await.unwrap(), 1);
    assert!(store.session(old).await.unwrap().is_none());
    assert!(store.session(live).await.unwrap().is_some());
    assert!(matches!(
        store
            .claim_refresh_token(b"live", store::now())
            .await
            .unwrap(),
        RefreshClaim::Claimed { .. }
    ));
}

async fn personal_access_tokens_are_owner_scoped(db: TestDb) {
    let store = db.store().await;
    let ada = user(&store, "ada").await;
    let eve = user(&store, "eve").await;
    let id = Uuid::now_v7();
    let created = store
        .create_pat(NewPat {
            id,
            user_id: ada.id,
            name: UNICODE,
            token_hash: b"digest",
            prefix: "cairn_pat_abcd",
            scopes: "read:all write:own",
            now: store::now(),
            expires_at: None,
        })
        .await
        .unwrap();
    assert_eq!(created.name, UNICODE);
    assert_eq!(store.pat_by_hash(b"digest").await.unwrap().unwrap().id, id);
    assert_eq!(store.pats(ada.id).await.unwrap().len(), 1);
    assert!(store.pats(eve.id).await.unwrap().is_empty());
    let now = store::now();
    store.touch_pat(id, now).await.unwrap();
    assert_eq!(store.pats(ada.id).await.unwrap()[0].last_used_at, Some(now));
    assert_eq!(
        store.revoke_pat(eve.id, id, now).await.unwrap(),
        None,
        "not eve's"
    );
    assert_eq!(
        store.revoke_pat(ada.id, id, now).await.unwrap(),
        Some(b"digest".to_vec())
    );
    assert!(store.pats(ada.id).await.unwrap().is_empty());
    assert!(
        store
            .pat_by_hash(b"digest")
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );
}

async fn device_codes_are_decided_once_and_consumed_once(db: TestDb) {
    let store = db.store().await;
    let ada = user(&store, "ada").await;
    let id = Uuid::now_v7();
    let now = store::now();
    store
        .create_device(store::NewDevice {
            id,
            device_code_hash: b"dc",
            user_code: "BCDF-GHJK",
            client_name: Some(SQLISH),
            interval_secs: 5,
            now,
            expires_at: now + Duration::minutes(10),
        })
        .await
        .unwrap();
    let record = store.device_by_code(b"dc").await.unwrap().unwrap();
    assert_eq!(record.client_name.as_deref(), Some(SQLISH));
    assert_eq!(record.status, store::DeviceStatus::Pending);
    assert_eq!(
        store.consume_device(id).await.unwrap(),
        None,
        "not approved yet"
    );
    assert!(
        !store
            .decide_device("XXXX-XXXX", ada.id, true, now)
            .await
            .unwrap()
    );
    assert!(
        store
            .decide_device("BCDF-GHJK", ada.id, true, now)
            .await
            .unwrap()
    );
    assert!(
        !store
            .decide_device("BCDF-GHJK", ada.id, false, now)
            .await
            .unwrap(),
        "decided"
    );
    store.record_device_poll(id, now, 10).await.unwrap();
    assert_eq!(
        store
            .device_by_code(b"dc")
            .await
            .unwrap()
            .unwrap()
            .interval_secs,
        10
    );
    assert_eq!(store.consume_device(id).await.unwrap(), Some(ada.id));
    assert_eq!(store.consume_device(id).await.unwrap(), None, "only once");
}

async fn conversations_page_newest_first_and_stay_with_their_owner(db: TestDb) {
    let store = db.store().await;
    let ada = user(&store, "ada").await;
    let eve = user(&store, "eve").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let c = store
            .create_conversation(ada.id, Uuid::now_v7(), &format!("c{i}"), store::now())
            .await
            .unwrap();
        ids.push(c.id);
    }
    store
        .create_conversation(eve.id, Uuid::now_v7(), "eve's", store::now())
        .await
        .unwrap();
    let (first, more) = store.conversations(ada.id, page(None, 2)).await.unwrap();
    assert!(more);
    assert_eq!(
        first.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[4], ids[3]]
    );
    let (second, more) = store
        .conversations(ada.id, page(Some(ids[3]), 2))
        .await
        .unwrap();
    assert!(more);
    assert_eq!(
        second.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    let (last, more) = store
        .conversations(ada.id, page(Some(ids[1]), 2))
        .await
        .unwrap();
    assert!(!more);
    assert_eq!(last.iter().map(|c| c.id).collect::<Vec<_>>(), vec![ids[0]]);

    // another user's conversation does not exist for eve: get, rename, delete, add, list
    let id = ids[0];
    assert!(store.conversation(eve.id, id).await.unwrap().is_none());
    assert!(
        store
            .rename_conversation(eve.id, id, "mine", store::now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(!store.delete_conversation(eve.id, id).await.unwrap());
    let sneaky = NewMessage {
        id: Uuid::now_v7(),
        conversation_id: id,
        owner: eve.id,
        role: "user",
        content: "hi",
        model: None,
        provider: None,
        tokens_in: None,
        tokens_out: None,
        latency_ms: None,
        now: store::now(),
    };
    assert!(store.add_message(sneaky).await.unwrap().is_none());
    assert!(
        store
            .messages(eve.id, id, page(None, 10))
            .await
            .unwrap()
            .0
            .is_empty()
    );
    assert_eq!(
        store
            .conversations(eve.id, page(None, 10))
            .await
            .unwrap()
            .0
            .len(),
        1
    );
    assert_eq!(
        store.conversation(ada.id, id).await.unwrap().unwrap().title,
        "c0"
    );
}

async fn messages_page_and_go_with_their_conversation(db: TestDb) {
    let store = db.store().await;
    let ada = user(&store, "ada").await;
    let c = store
        .create_conversation(ada.id, Uuid::now_v7(), "t", store::now())
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..3 {
        let m = store
            .add_message(NewMessage {
                id: Uuid::now_v7(),
                conversation_id: c.id,
                owner: ada.id,
                role: if i % 2 == 0 { "user" } else { "assistant" },
                content: &format!("m{i}"),
                model: Some("gpt"),
                provider: Some("openai"),
                tokens_in: Some(3),
                tokens_out: Some(4),
                latency_ms: Some(5),
                now: store::now(),
            })
            .await
            .unwrap()
            .unwrap();
        ids.push(m.id);
    }
    let bumped = store.conversation(ada.id, c.id).await.unwrap().unwrap();
    assert!(
        bumped.updated_at > c.updated_at,
        "a message bumps updated_at"
    );
    let (newest, more) = store.messages(ada.id, c.id, page(None, 2)).await.unwrap();
    assert!(more);
    assert_eq!(
        newest.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![ids[2], ids[1]]
    );
    assert_eq!(
        (newest[1].tokens_in, newest[1].latency_ms),
        (Some(3), Some(5))
    );
    let (rest, more) = store
        .messages(ada.id, c.id, page(Some(ids[1]), 2))
        .await
        .unwrap();
    assert!(!more);
    assert_eq!(rest[0].id, ids[0]);
    assert!(store.delete_conversation(ada.id, c.id).await.unwrap());
    assert!(
        store
            .messages(ada.id, c.id, page(None, 10))
            .await
            .unwrap()
            .0
            .is_empty()
    );
}

async fn search_finds_titles_and_messages_of_the_owner_only(db: TestDb) {
    let store = db.store().await;
    let ada = user(&store, "ada").await;
    let eve = user(&store, "eve").await;
    let words = |text: &str| -> Vec<String> { text.split(' ').map(str::to_lowercase).collect() };
    let titled = store
        .create_conversation(
            ada.id,
            Uuid::now_v7(),
            "Refactoring the parser",
            store::now(),
        )
        .await
        .unwrap();
    let chatty = store
        .create_conversation(ada.id, Uuid::now_v7(), "Misc", store::now())
        .await
        .unwrap();
    store
        .add_message(NewMessage {
            id: Uuid::now_v7(),
            conversation_id: chatty.id,
            owner: ada.id,
            role: "user",
            content: "Why does the borrow checker reject this café code?",
            model: None,
            provider: None,
            tokens_in: None,
            tokens_out: None,
            latency_ms: None,
            now: store::now(),
        })
        .await
        .unwrap()
        .unwrap();
    store
        .create_conversation(eve.id, Uuid::now_v7(), "parser borrow café", store::now())
        .await
        .unwrap();
    let find = |text: &'static str| {
        let store = store.clone();
        let words = words(text);
        async move {
            store
                .search_conversations(ada.id, &words, page(None, 10))
                .await
                .unwrap()
                .0
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("parser").await, vec![titled.id]);
    assert_eq!(find("borrow checker").await, vec![chatty.id]);
    assert_eq!(find("café").await, vec![chatty.id]);
    assert_eq!(find("BORROW").await, vec![chatty.id]);
    assert!(
        find("borrow parser").await.is_empty(),
        "every word must match"
    );
    assert!(find("nothing").await.is_empty());
    assert!(
        store
            .search_conversations(ada.id, &[], page(None, 10))
            .await
            .unwrap()
            .0
            .is_empty()
    );
    // the index follows renames and deletes
    store
        .rename_conversation(ada.id, titled.id, "Lexer work", store::now())
        .await
        .unwrap();
    assert!(find("parser").await.is_empty());
    assert_eq!(find("lexer").await, vec![titled.id]);
    store.delete_conversation(ada.id, chatty.id).await.unwrap();
    assert!(find("borrow").await.is_empty());
}

async fn roles_and_activity_change(db: TestDb) {
    let store = db.store().await;
    let admin = user(&store, "admin").await;
    let ada = user(&store, "ada").await;
    assert_eq!(store.active_admins().await.unwrap(), 1);
    let changed = store
        .update_user(ada.id, Some(Role::Premium), None, store::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((changed.role(), changed.active), (Role::Premium, true));
    let changed = store
        .update_user(ada.id, None, Some(false), store::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((changed.role(), changed.active), (Role::Premium, false));
    assert!(
        store
            .update_user(Uuid::now_v7(), None, Some(false), store::now())
            .await
            .unwrap()
            .is_none()
    );
    let (all, more) = store.users(page(None, 10)).await.unwrap();
    assert!(!more);
    assert_eq!(
        all.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![ada.id, admin.id]
    );
    store.record_login(ada.id, store::now()).await.unwrap();
    assert!(
        store
            .user(ada.id)
            .await
            .unwrap()
            .unwrap()
            .last_login_at
            .is_some()
    );
}

async fn the_audit_log_pages_newest_first_and_filters(db: TestDb) {
    let store = db.store().await;
    let ada = user(&store, "ada").await;
    for (i, action) in ["login", "login_failed", "login", "role_changed"]
        .into_iter()
        .enumerate()
    {
        store
            .record_audit(
                &AuditEvent {
                    actor_id: Some(ada.id),
                    action,
                    target: Some(format!("t{i}")),
                    ip: Some("127.0.0.1".into()),
                    detail: serde_json::json!({ "i": i, "text": SQLISH, "u": UNICODE }),
                },
                store::now(),
            )
            .await
            .unwrap();
    }
    let (all, more) = store
        .audit(
            None,
            PageRequest {
                before: None,
                limit: 3,
            },
        )
        .await
        .unwrap();
    assert!(more);
    assert_eq!(
        all.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["role_changed", "login", "login_failed"]
    );
    assert_eq!(all[0].detail.0["text"], SQLISH);
    assert_eq!(all[0].detail.0["u"], UNICODE);
    let (logins, _) = store
        .audit(
            Some("login"),
            PageRequest {
                before: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(logins.len(), 2);
    let (rest, more) = store
        .audit(
            None,
            PageRequest {
                before: Some(all[2].id),
                limit: 3,
            },
        )
        .await
        .unwrap();
    assert!(!more);
    assert_eq!(rest.len(), 1);
}

async fn usage_adds_up_per_user(db: TestDb) {
    let store = db.store().await;
    let ada = user(&store, "ada").await;
    let eve = user(&store, "eve").await;
    let old = store::now() - Duration::days(40);
    for (who, tin, tout, at) in [
        (ada.id, 10, 20, store::now()),
        (ada.id, 1, 2, store::now()),
        (eve.id, 100, 200, store::now()),
        (eve.id, 1000, 1000, old),
    ] {
        store
            .record_usage(&UsageRecord {
                user_id: who,
                token_id: None,
                provider: "openai",
                model: "m",
                tokens_in: tin,
                tokens_out: tout,
                latency_ms: Some(1),
                at,
            })
            .await
            .unwrap();
    }
    let rows = store
        .usage_since(store::now() - Duration::days(30))
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0].username.as_str(),
            rows[0].requests,
            rows[0].tokens_in
        ),
        ("eve", 1, 100)
    );
    assert_eq!(
        (
            rows[1].username.as_str(),
            rows[1].requests,
            rows[1].tokens_out
        ),
        ("ada", 2, 22)
    );
}

async fn migrations_are_idempotent_and_the_pool_reports(db: TestDb) {
    let store = db.store().await;
    store.migrate().await.unwrap();
    store.ping().await.unwrap();
    let stats = store.pool_stats();
    assert!(stats.size >= 1 && (4..=5).contains(&stats.max), "{stats:?}");
}

both_databases!(
    the_first_account_is_admin_and_names_are_unique_ignoring_case,
    concurrent_first_sign_ups_make_exactly_one_admin,
    text_is_stored_verbatim,
    invitations_are_needed_after_the_first_account_and_work_once,
    refresh_token_reuse_revokes_the_family,
    expired_refresh_tokens_and_revoked_sessions_do_not_refresh,
    long_expired_refresh_tokens_and_their_sessions_are_purged,
    personal_access_tokens_are_owner_scoped,
    device_codes_are_decided_once_and_consumed_once,
    conversations_page_newest_first_and_stay_with_their_owner,
    messages_page_and_go_with_their_conversation,
    search_finds_titles_and_messages_of_the_owner_only,
    roles_and_activity_change,
    the_audit_log_pages_newest_first_and_filters,
    usage_adds_up_per_user,
    migrations_are_idempotent_and_the_pool_reports,
);
