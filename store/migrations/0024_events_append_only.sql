-- Events are the system of record (domain.md: facts in the past tense): once written, never changed
-- (issue 17, "Events can be edited"). Same guard as the audit log and the notices; the grants in
-- 0025 also keep UPDATE/DELETE/TRUNCATE from the application role.
create function events_are_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'events are append-only: % refused (record a new event instead)', tg_op
        using errcode = 'insufficient_privilege';
end $$;

create trigger events_no_update_delete before update or delete on events
    for each row execute function events_are_append_only();
create trigger events_no_truncate before truncate on events
    for each statement execute function events_are_append_only();
