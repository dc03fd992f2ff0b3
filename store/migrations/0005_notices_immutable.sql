-- A notice, once issued, is never changed: a correction is a new notice that supersedes it.
create function notices_are_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'notices are immutable: % refused (issue a superseding notice instead)', tg_op
        using errcode = 'insufficient_privilege';
end $$;

create trigger notices_no_update_delete before update or delete on notices
    for each row execute function notices_are_immutable();
create trigger notices_no_truncate before truncate on notices
    for each statement execute function notices_are_immutable();

-- Who the notice was addressed to (a party id; the name itself is in the encrypted parties table).
alter table notices add column party_id text;
