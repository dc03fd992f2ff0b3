-- Revocation suits (取消訴訟): the records officer's list of pending suits (係争中) and the request page.
create table suit_view (
    suit_id     text primary key,
    request_id  text not null,
    appeal_id   text,
    court       text not null,
    case_number text not null,
    level       text not null,
    status      text not null,
    late        boolean not null,
    filed_on    date not null,
    appeal_due  date,
    outcome     text,
    final_on    date,
    version     integer not null,
    updated_at  timestamptz not null,
    state       jsonb not null
);
create index suit_view_request on suit_view (request_id);
create index suit_view_status on suit_view (status);
