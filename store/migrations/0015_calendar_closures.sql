-- Closure days (臨時閉庁日: a disaster, a system outage) and newly announced holidays added at run time by
-- the records officer. They are source data, not a projection: new registrations merge them with the
-- profile's closures, and open cases receive them as a CalendarChanged event (domain.md "Dates have history").
-- Append-only, like the event store: a closure once announced is history; nothing is edited or deleted.
create table calendar_closures (
    closed_on  date primary key,
    reason     text not null check (length(btrim(reason)) > 0),
    added_by   text not null,
    added_at   timestamptz not null default now()
);

create function calendar_closures_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'calendar_closures is append-only (% refused)', tg_op;
end $$;

create trigger calendar_closures_append_only before update or delete on calendar_closures
    for each row execute function calendar_closures_append_only();
