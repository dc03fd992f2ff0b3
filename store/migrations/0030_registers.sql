-- The personal-information registers (docs/decisions/registers.md): the 個人情報ファイル簿 (APPI 75: files of
-- 1,000 persons or more) and the city's own 個人情報取扱登録簿 (smaller files). Not cases: plain tables.
-- Every change of an entry is a new dated version (新規 / 変更 / 廃止) with who recorded it and when; nothing
-- is edited or deleted, so the list published on any date can be shown again as it was.
-- (codes as renamed by 0026: a database that had 0030 before 0026 existed is converted by 0026; a fresh one
-- runs 0026 first, finds nothing to convert, and gets the contract's codes here.)
create sequence register_file_register_seq;
create sequence register_handling_register_seq;

create table register_entries (
    entry_id    text primary key,                 -- PIF-0001 (ファイル簿) / PIH-0001 (取扱登録簿)
    register    text not null check (register in ('file_register', 'handling_register')),
    created_by  text not null,
    created_at  timestamptz not null default now()
);

create table register_versions (
    entry_id          text not null references register_entries (entry_id),
    version           integer not null check (version >= 1),
    change            text not null check (change in ('new', 'changed', 'abolished')),
    effective_on      date not null,                -- the date the change takes effect (what the published list reads)
    department        text not null,
    name              text not null,
    purpose           text not null,
    items             jsonb not null,              -- 記録項目 (list of text)
    person_categories jsonb not null,              -- 記録範囲: categories of persons (list of text)
    persons           integer not null check (persons >= 0),
    sources           jsonb not null,              -- 収集方法 / 記録情報の収集先
    recipients        jsonb not null,              -- 経常的提供先
    retention         text not null,
    safeguards        text not null,
    media             text not null check (media in ('electronic', 'paper')),
    reason            text not null default '',
    recorded_by       text not null,
    recorded_at       timestamptz not null default now(),
    primary key (entry_id, version)
);
create index register_versions_effective on register_versions (effective_on);

-- 目的外利用・外部提供 (APPI 69): which entry's data, used or provided by whom, for what, on what basis, when.
create table register_uses (
    use_id       bigint generated always as identity primary key,
    entry_id     text not null references register_entries (entry_id),
    kind         text not null check (kind in ('outside_purpose', 'provision')),
    used_by      text not null,                    -- the department or outside body (never a person's name)
    purpose      text not null,
    basis        text not null check (basis in ('law', 'consent', 'reasonable_grounds')),
    basis_detail text not null default '',         -- e.g. the law and article
    used_on      date not null,
    recorded_by  text not null,
    recorded_at  timestamptz not null default now()
);
create index register_uses_entry on register_uses (entry_id, used_on);

create function registers_append_only() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only (% refused): record a new version instead', tg_table_name, tg_op;
end $$;

create trigger register_entries_append_only before update or delete on register_entries
    for each row execute function registers_append_only();
create trigger register_versions_append_only before update or delete on register_versions
    for each row execute function registers_append_only();
create trigger register_uses_append_only before update or delete on register_uses
    for each row execute function registers_append_only();
create trigger register_entries_no_truncate before truncate on register_entries
    for each statement execute function registers_append_only();
create trigger register_versions_no_truncate before truncate on register_versions
    for each statement execute function registers_append_only();
create trigger register_uses_no_truncate before truncate on register_uses
    for each statement execute function registers_append_only();
