-- Issue 17, faults. A staff action carrying an Idempotency-Key: a repeat returns the first outcome;
-- the same key with another body or action is refused (409). The key itself is not kept, only a
-- digest of (username, key), so one caller's keys never meet another's.
create table action_keys (
    key_digest   text primary key,
    username     text not null,
    operation    text not null,          -- method and path, e.g. POST /api/v1/requests/R-…/draft-decision
    body_hash    text not null,
    case_id      text not null,
    outcome      jsonb,                  -- null while unknown (the case engine did not answer in time)
    created_at   timestamptz not null default now(),
    completed_at timestamptz
);

-- A reserved case id whose workflow never started (Temporal was down) is finished by the worker's
-- reconciler from the stored input, or voided visibly; never left invisible.
alter table registrations
    add column kind        text not null default 'request',   -- request | appeal | suit
    add column input       jsonb,                              -- the workflow input, as Temporal's JSON
    add column voided_at   timestamptz,
    add column void_reason text;
create index registrations_unstarted on registrations (created_at) where not started and voided_at is null;
