-- Breach incidents (漏えい等事案, B-2026-001): the list of open incidents with their report clocks, the
-- records officer's overdue view and the council's agenda. No personal data: the description stays sealed
-- inside `state` (AES-GCM, bound to the breach), the rest are counts, flags and dates.
create table breach_view (
    breach_id        text primary key,
    department       text not null,
    title            text not null,
    kind             text not null,
    status           text not null,
    aware_on         date not null,
    persons          integer not null,
    reportable       boolean not null,
    preliminary_due  date,
    preliminary_on   date,
    final_due        date,
    final_on         date,
    overdue          boolean not null,
    meeting_on       date,
    closed_on        date,
    version          integer not null,
    updated_at       timestamptz not null,
    state            jsonb not null
);
create index breach_view_department on breach_view (department);
create index breach_view_open on breach_view (status, overdue);
create index breach_view_agenda on breach_view (meeting_on) where meeting_on is not null;
