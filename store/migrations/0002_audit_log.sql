-- Tamper-evident audit chain: hash = sha256(prev_hash || canonical JSON of the entry).
create table audit_log (
    seq       bigint      primary key,
    at        timestamptz not null,
    actor     text        not null,
    role      text        not null,
    action    text        not null,
    entity_id text,
    detail    jsonb       not null default '{}'::jsonb,
    prev_hash text        not null,
    hash      text        not null
);
create index audit_log_entity on audit_log (entity_id, seq);
create index audit_log_actor on audit_log (actor, seq);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege';
end $$;

create trigger audit_log_no_update_delete before update or delete on audit_log
    for each row execute function audit_log_is_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only();

-- The application role may only read and append. (A superuser can still
-- disable triggers: that is what `kaiji audit verify` and the exported head catch.)
do $$ begin
    if not exists (select 1 from pg_roles where rolname = 'kaiji_app') then
        create role kaiji_app nologin;
    end if;
end $$;
revoke all on audit_log from public;
grant select, insert on audit_log to kaiji_app;
