-- Cairn schema, PostgreSQL dialect. migrations/sqlite holds the same schema for SQLite;
-- change both together (the storage test suite runs against each).

CREATE TABLE users (
    id              UUID PRIMARY KEY,
    username        TEXT NOT NULL,
    -- lower-cased (Unicode) copies: uniqueness and sign-in ignore case
    username_key    TEXT NOT NULL UNIQUE,
    email           TEXT NOT NULL,
    email_key       TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('guest', 'user', 'premium', 'admin')),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    last_login_at   TIMESTAMPTZ
);
CREATE INDEX users_created_at ON users (created_at);

CREATE TABLE invites (
    id          UUID PRIMARY KEY,
    code_hash   BYTEA NOT NULL UNIQUE,
    created_by  UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    used_by     UUID REFERENCES users (id) ON DELETE SET NULL
);

-- A sign-in session: one refresh-token family.
CREATE TABLE sessions (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client      TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    id          UUID PRIMARY KEY,
    family_id   UUID NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  BYTEA NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE personal_access_tokens (
    id            UUID PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    BYTEA NOT NULL UNIQUE,
    prefix        TEXT NOT NULL,
    -- space-separated permissions, a subset of the owner's
    scopes        TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ,
    last_used_at  TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);
CREATE INDEX personal_access_tokens_user ON personal_access_tokens (user_id, created_at);

-- RFC 8628 device authorization requests.
CREATE TABLE device_codes (
    id                UUID PRIMARY KEY,
    device_code_hash  BYTEA NOT NULL UNIQUE,
    user_code         TEXT NOT NULL UNIQUE,
    client_name       TEXT,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
    user_id           UUID REFERENCES users (id) ON DELETE CASCADE,
    interval_secs     INTEGER NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    expires_at        TIMESTAMPTZ NOT NULL,
    last_polled_at    TIMESTAMPTZ
);
CREATE INDEX device_codes_expires_at ON device_codes (expires_at);

CREATE TABLE conversations (
    id          UUID PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    search      TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', title)) STORED
);
-- ids are UUIDv7 (time-ordered): newest-first pages walk this index
CREATE INDEX conversations_user ON conversations (user_id, id DESC);
CREATE INDEX conversations_search ON conversations USING GIN (search);

CREATE TABLE messages (
    id               UUID PRIMARY KEY,
    conversation_id  UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id          UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role             TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content          TEXT NOT NULL,
    model            TEXT,
    provider         TEXT,
    tokens_in        BIGINT,
    tokens_out       BIGINT,
    latency_ms       BIGINT,
    created_at       TIMESTAMPTZ NOT NULL,
    search           TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED
);
CREATE INDEX messages_conversation ON messages (conversation_id, id DESC);
CREATE INDEX messages_user ON messages (user_id, created_at);
CREATE INDEX messages_search ON messages USING GIN (search);

CREATE TABLE productivity_metrics (
    id                  BIGSERIAL PRIMARY KEY,
    user_id             UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date                DATE NOT NULL,
    language            TEXT NOT NULL,
    coding_seconds      BIGINT NOT NULL DEFAULT 0,
    lines_added         BIGINT NOT NULL DEFAULT 0,
    lines_removed       BIGINT NOT NULL DEFAULT 0,
    ai_requests         BIGINT NOT NULL DEFAULT 0,
    ai_accepted         BIGINT NOT NULL DEFAULT 0,
    productivity_score  DOUBLE PRECISION,
    UNIQUE (user_id, date, language)
);
CREATE INDEX productivity_metrics_date ON productivity_metrics (date);

CREATE TABLE usage (
    id          BIGSERIAL PRIMARY KEY,
    user_id     UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_id    UUID REFERENCES personal_access_tokens (id) ON DELETE SET NULL,
    provider    TEXT NOT NULL,
    model       TEXT NOT NULL,
    tokens_in   BIGINT NOT NULL,
    tokens_out  BIGINT NOT NULL,
    latency_ms  BIGINT,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX usage_user ON usage (user_id, created_at);
CREATE INDEX usage_created_at ON usage (created_at);

CREATE TABLE audit_log (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor_id  UUID,
    action    TEXT NOT NULL,
    target    TEXT,
    ip        TEXT,
    detail    JSONB NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_actor ON audit_log (actor_id, id);
