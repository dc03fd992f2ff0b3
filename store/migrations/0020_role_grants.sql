-- Four-eyes role grants (issue 17 "The admin can give themself the data"): a role that sees case content
-- with contact data (records_officer, front_desk; api/authz.py FOUR_EYES_ROLES) is granted only when a
-- second person confirms: the admin proposes and a records officer confirms, or the reverse. A proposal
-- waits here; confirming it creates or changes the account (audited, like every step).
-- The password of such an account is set by the records officer's side only (never known to the admin).
create table role_grants (
    id            bigserial primary key,
    username      text not null,
    role          text not null,
    department    text,
    display_name  text not null default '',
    new_account   boolean not null,
    password_hash text,
    proposed_by   text not null,
    proposed_role text not null,
    proposed_at   timestamptz not null default now(),
    state         text not null default 'pending' check (state in ('pending', 'confirmed', 'withdrawn')),
    decided_by    text,
    decided_at    timestamptz
);
-- one open proposal per account at a time
create unique index role_grants_one_pending on role_grants (username) where state = 'pending';
