-- Parties: personal data lives here, encrypted per column (AES-GCM, key id in each token).
create table parties (
    party_id     text primary key,
    case_id      text,
    party_role   text not null,          -- requester | third_party | appellant
    party_type   text not null,          -- individual | corporation
    name_enc     text not null,
    address_enc  text,
    phone_enc    text,
    email_enc    text,
    name_hash    text not null,          -- keyed hash of the normalised name, for search
    created_at   timestamptz not null default now()
);
create index parties_name_hash on parties (name_hash);
create index parties_case on parties (case_id);

-- Gap-free case numbers per series and fiscal year.
create table case_counters (
    series      text not null,
    fiscal_year integer not null,
    last_number integer not null,
    primary key (series, fiscal_year)
);

-- A repeated registration with the same Idempotency-Key returns the same case.
create table registrations (
    idempotency_key text primary key,
    case_id         text not null unique,
    request_hash    text not null,
    started         boolean not null default false,
    created_at      timestamptz not null default now()
);

create table users (
    username      text primary key,
    password_hash text not null,
    role          text not null,
    department    text,
    display_name  text not null default '',
    active        boolean not null default true,
    failed_logins integer not null default 0,
    locked_until  timestamptz,
    created_at    timestamptz not null default now()
);

-- Official notices: immutable, one per causing event.
create table notices (
    notice_id        text primary key,
    case_id          text not null,
    notice_key       text not null unique,   -- stream:version:type of the causing event
    notice_type      text not null,
    number           text not null,
    issued_on        date not null,
    sha256           text not null,
    template_version text not null,
    data             jsonb not null,
    html             text not null,
    pdf              bytea,
    supersedes       text,
    created_at       timestamptz not null default now()
);
create index notices_case on notices (case_id);

create table notice_series (
    series      text not null,     -- issuing department
    fiscal_year integer not null,
    last_number integer not null,
    primary key (series, fiscal_year)
);
