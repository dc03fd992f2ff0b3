-- Read models, rebuilt from events by `kaiji projections rebuild`.
-- Projection SQL names tables without a schema so a rebuild can run into a
-- scratch schema through search_path.
create table case_view (
    case_id              text primary key,
    case_type            text not null default 'request',
    kind                 text not null,
    status               text not null,
    closed_reason        text,
    department           text not null,
    reviewer             text,
    received_on          date not null,
    subject              text not null default '',
    requester_party_id   text,
    decision_due         date,
    work_due             date,
    due_warning          text,
    overdue              boolean not null default false,
    outcome              text,
    drafted_by           text,
    decided_on           date,
    earliest_disclosure_on date,
    appeal_window_ends   date,
    disclosed_on         date,
    version              integer not null,
    updated_at           timestamptz not null,
    state                jsonb not null
);
create index case_view_status on case_view (status, department);
create index case_view_due on case_view (decision_due);

create table deadline_view (
    case_id  text not null,
    deadline text not null,
    due_on   date not null,
    department text not null,
    primary key (case_id, deadline)
);
create index deadline_view_due on deadline_view (due_on);

-- 存否応答拒否 decisions to report to the council (standing agenda).
create table council_reports (
    case_id      text primary key,
    decided_on   date not null,
    department   text not null,
    clauses      jsonb not null,
    reported_on  date,
    session_ref  text
);
