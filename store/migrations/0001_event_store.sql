-- The system of record: one stream per case, facts in the past tense.
-- (stream_id, version) gives optimistic concurrency; transaction_id lets the
-- global reader stop below the oldest open transaction, so an event that
-- commits late is never skipped.
create table events (
    global_position bigint generated always as identity primary key,
    transaction_id  xid8        not null default pg_current_xact_id(),
    stream_id       text        not null,
    version         integer     not null check (version > 0),
    type            text        not null,
    schema_version  integer     not null default 1,
    actor           text        not null,
    role            text        not null,
    occurred_at     timestamptz not null,
    recorded_at     timestamptz not null default now(),
    data            jsonb       not null,
    payload_hash    text        not null,
    unique (stream_id, version)
);
create index events_global_order on events (transaction_id, global_position);
