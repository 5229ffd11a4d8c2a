-- Cairn schema, SQLite dialect. migrations/postgres holds the same schema for PostgreSQL;
-- change both together (the storage test suite runs against each).
-- UUIDs are 16-byte BLOBs, timestamps RFC 3339 TEXT (both as sqlx writes them).
-- conversations and messages carry an INTEGER PRIMARY KEY `seq` only so that their FTS5
-- indexes have a rowid that VACUUM never renumbers.

CREATE TABLE users (
    id              BLOB PRIMARY KEY,
    username        TEXT NOT NULL,
    username_key    TEXT NOT NULL UNIQUE,
    email           TEXT NOT NULL,
    email_key       TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('guest', 'user', 'premium', 'admin')),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    last_login_at   TEXT
);
CREATE INDEX users_created_at ON users (created_at);

CREATE TABLE invites (
    id          BLOB PRIMARY KEY,
    code_hash   BLOB NOT NULL UNIQUE,
    created_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    used_by     BLOB REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE sessions (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client      TEXT,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    id          BLOB PRIMARY KEY,
    family_id   BLOB NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  BLOB NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    revoked_at  TEXT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE personal_access_tokens (
    id            BLOB PRIMARY KEY,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    BLOB NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT,
    last_used_at  TEXT,
    revoked_at    TEXT
);
CREATE INDEX personal_access_tokens_user ON personal_access_tokens (user_id, created_at);

CREATE TABLE device_codes (
    id                BLOB PRIMARY KEY,
    device_code_hash  BLOB NOT NULL UNIQUE,
    user_code         TEXT NOT NULL UNIQUE,
    client_name       TEXT,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
    user_id           BLOB REFERENCES users (id) ON DELETE CASCADE,
    interval_secs     INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    expires_at        TEXT NOT NULL,
    last_polled_at    TEXT
);
CREATE INDEX device_codes_expires_at ON device_codes (expires_at);

CREATE TABLE conversations (
    seq         INTEGER PRIMARY KEY,
    id          BLOB NOT NULL UNIQUE,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX conversations_user ON conversations (user_id, id DESC);

CREATE TABLE messages (
    seq              INTEGER PRIMARY KEY,
    id               BLOB NOT NULL UNIQUE,
    conversation_id  BLOB NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id          BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content          TEXT NOT NULL,
    model            TEXT,
    provider         TEXT,
    tokens_in        INTEGER,
    tokens_out       INTEGER,
    latency_ms       INTEGER,
    created_at       TEXT NOT NULL
);
CREATE INDEX messages_conversation ON messages (conversation_id, id DESC);
CREATE INDEX messages_user ON messages (user_id, created_at);

-- Full-text search: external-content FTS5 tables kept in step by triggers. The tokenizer
-- folds case and keeps diacritics, like PostgreSQL's 'simple' configuration.
CREATE VIRTUAL TABLE conversations_fts USING fts5(
    title, content = 'conversations', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
END;
CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.seq, old.title);
END;
CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_fts (conversations_fts, rowid, title)
        VALUES ('delete', old.seq, old.title);
    INSERT INTO conversations_fts (rowid, title) VALUES (new.seq, new.title);
END;

CREATE VIRTUAL TABLE messages_fts USING fts5(
    content, content = 'messages', content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content)
        VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, content)
        VALUES ('delete', old.seq, old.content);
    INSERT INTO messages_fts (rowid, content) VALUES (new.seq, new.content);
END;

CREATE TABLE productivity_metrics (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id             BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date                TEXT NOT NULL,
    language            TEXT NOT NULL,
    coding_seconds      INTEGER NOT NULL DEFAULT 0,
    lines_added         INTEGER NOT NULL DEFAULT 0,
    lines_removed       INTEGER NOT NULL DEFAULT 0,
    ai_requests         INTEGER NOT NULL DEFAULT 0,
    ai_accepted         INTEGER NOT NULL DEFAULT 0,
    productivity_score  REAL,
    UNIQUE (user_id, date, language)
);
CREATE INDEX productivity_metrics_date ON productivity_metrics (date);

CREATE TABLE usage (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_id    BLOB REFERENCES personal_access_tokens (id) ON DELETE SET NULL,
    provider    TEXT NOT NULL,
    model       TEXT NOT NULL,
    tokens_in   INTEGER NOT NULL,
    tokens_out  INTEGER NOT NULL,
    latency_ms  INTEGER,
    created_at  TEXT NOT NULL
);
CREATE INDEX usage_user ON usage (user_id, created_at);
CREATE INDEX usage_created_at ON usage (created_at);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    actor_id  BLOB,
    action    TEXT NOT NULL,
    target    TEXT,
    ip        TEXT,
    detail    TEXT NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
