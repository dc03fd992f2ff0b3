-- The registers under contract.md's codes: register file → file_register, handling → handling_register;
-- basis good_reason → reasonable_grounds (相当の理由). docs/decisions/registers.md.
--
-- The file name sorts before 0030_registers.sql (the number assigned): on a fresh database this runs first,
-- finds no register tables and does nothing (0030 creates them with the new codes); on a database that has
-- 0030 already, it converts the stored rows. The tables are append-only by trigger, so the triggers are
-- disabled for the conversion only, inside this migration's transaction. Audit entries written before keep
-- the old codes in their detail (the chain is never rewritten).
do $$
begin
    if to_regclass('register_entries') is null then
        return;
    end if;
    alter table register_entries disable trigger register_entries_append_only;
    alter table register_uses disable trigger register_uses_append_only;
    alter table register_entries drop constraint if exists register_entries_register_check;
    alter table register_uses drop constraint if exists register_uses_basis_check;
    update register_entries set register = register || '_register' where register in ('file', 'handling');
    update register_uses set basis = 'reasonable_grounds' where basis = 'good_reason';
    alter table register_entries add constraint register_entries_register_check
        check (register in ('file_register', 'handling_register'));
    alter table register_uses add constraint register_uses_basis_check
        check (basis in ('law', 'consent', 'reasonable_grounds'));
    alter table register_entries enable trigger register_entries_append_only;
    alter table register_uses enable trigger register_uses_append_only;
    if to_regclass('register_file_seq') is not null then
        alter sequence register_file_seq rename to register_file_register_seq;
    end if;
    if to_regclass('register_handling_seq') is not null then
        alter sequence register_handling_seq rename to register_handling_register_seq;
    end if;
end $$;

-- Entries imported from the city's existing registers (kaiji registers import): the city's own number in its
-- register → the Kaiji entry, so a second import of the same file changes nothing. No foreign key: on a fresh
-- database this file runs before 0030 creates register_entries.
create table if not exists register_imports (
    register      text not null,
    source_number text not null,
    entry_id      text not null unique,
    row_hash      text not null,       -- sha256 of the row as read; the same number with other content is refused
    source        text not null,       -- the file name
    imported_at   timestamptz not null default now(),
    primary key (register, source_number)
);
