-- report_facts: what the annual report counts of each request (domain/reports/facts.py), kept by the cases
-- projection in the same transaction as the events, so the live report reads a few hundred bytes a request
-- instead of decoding every case_view.state (docs/reports.md, "Speed"). Rebuilt and checked with the other
-- projections (`kaiji projections rebuild [--check]`).
create table report_facts (
    case_id     text primary key,
    received_on date,                  -- as in case_view: which fiscal years the request can count in
    updated_at  timestamptz not null,
    inputs      text not null,         -- sha256 over stream:version:payload_hash of the events folded in
    facts       jsonb not null
);
create index report_facts_received on report_facts (received_on);
create index report_facts_updated on report_facts (updated_at);

-- The rows of the cases already projected, from their state (the same keys and shapes as
-- domain.reports.facts.request_facts; `kaiji projections rebuild --check` compares them with a fresh fold).
create function pg_temp.report_decision(d jsonb) returns jsonb language sql immutable as $$
    select jsonb_build_object(
        'decision_id', coalesce(d->'decision_id', '""'), 'outcome', d->'outcome',
        'non_disclosure_ground', coalesce(d->'non_disclosure_ground', 'null'), 'decided_on', coalesce(d->'decided_on', 'null'),
        'exemptions', coalesce((select jsonb_agg(jsonb_build_object('clause', e->'clause') order by n)
                                from jsonb_array_elements(coalesce(d->'exemptions', '[]')) with ordinality as x(e, n)
                                where coalesce(e->>'clause', '') <> ''), '[]'))
$$;

insert into report_facts (case_id, received_on, updated_at, inputs, facts)
select case_id, received_on, updated_at,
    (select encode(sha256(convert_to(string_agg(stream_id || ':' || version || ':' || payload_hash, ','
                                                order by version), 'UTF8')), 'hex')
     from events where stream_id = v.case_id and version <= v.version),
    jsonb_build_object(
    'case_id', s->'case_id', 'kind', s->'kind', 'status', s->'status',
    'closed_reason', coalesce(s->'closed_reason', 'null'), 'department', s->'department',
    'received_on', s->'received_on', 'subject', coalesce(s->'subject', '""'),
    'requester_party_id', coalesce(s->'requester_party_id', '""'),
    'requester_category', coalesce(s->'requester_category', 'null'),
    'imported', case when jsonb_typeof(s->'imported') = 'object' and s->'imported' <> '{}'
                     then jsonb_build_object('extended', coalesce(s->'imported'->'extended', 'null'))
                     else 'null' end,
    'rules', coalesce((select jsonb_object_agg(key, value) from jsonb_each(
                           case when jsonb_typeof(s->'rules') = 'object' then s->'rules' else '{}' end)
                       where key in ('period_days', 'count_first_day')), '{}'),
    'excluded_days', coalesce(s->'excluded_days', '0'), 'extended', coalesce(s->'extended', 'false'),
    'remainder_due', coalesce(s->'remainder_due', 'null'),
    'third_parties', coalesce((select jsonb_agg(jsonb_build_object('objects', coalesce(p->'objects', 'false'))
                                                order by n)
                               from jsonb_array_elements(coalesce(s->'third_parties', '[]')) with ordinality as x(p, n)),
                              '[]'),
    'decision', case when jsonb_typeof(s->'decision') = 'object' then pg_temp.report_decision(s->'decision')
                     else 'null' end,
    'decisions', coalesce((select jsonb_agg(pg_temp.report_decision(d) order by n)
                           from jsonb_array_elements(coalesce(s->'decisions', '[]')) with ordinality as x(d, n)), '[]'),
    'previous_decisions', coalesce((select jsonb_agg(pg_temp.report_decision(d) order by n)
                                    from jsonb_array_elements(coalesce(s->'previous_decisions', '[]'))
                                         with ordinality as x(d, n)), '[]'))
from (select case_id, received_on, updated_at, version, state as s from case_view) v;

drop function pg_temp.report_decision(jsonb);

-- The report's cut-off "now" is the instant of the last recorded event (max(recorded_at)), and an as-of
-- report or case reads the events recorded by an instant: both were a scan of the whole events table.
create index events_recorded_at on events (recorded_at);
