-- Appeals (審査請求) and the council's view of them.
create table appeal_view (
    appeal_id     text primary key,
    request_id    text not null,
    kind          text not null,
    status        text not null,
    closed_reason text,
    department    text not null,
    filed_on      date not null,
    window_ends   date,
    late          boolean not null,
    referred_on   date,
    report_due    date,
    report_overdue boolean not null default false,
    ruling        text,
    ruled_on      date,
    version       integer not null,
    updated_at    timestamptz not null,
    state         jsonb not null
);
create index appeal_view_request on appeal_view (request_id);
create index appeal_view_status on appeal_view (status);
