-- Browser sessions and signed-out bearer tokens (issue 6).
-- A session id is an opaque random string; only its SHA-256 is stored, so a
-- database read does not yield a usable cookie.
create table sessions (
    id_hash    text primary key,
    username   text not null references users (username) on delete cascade,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);
create index sessions_username on sessions (username);
create index sessions_expires_at on sessions (expires_at);

-- Bearer tokens revoked by logout, kept until they would have expired anyway.
create table revoked_tokens (
    jti        text primary key,
    username   text not null,
    expires_at timestamptz not null
);
create index revoked_tokens_expires_at on revoked_tokens (expires_at);
