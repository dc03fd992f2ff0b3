-- A later register file applied by `kaiji registers import` (docs/decisions/registers.md, "Import"): each
-- imported row remembers which version of its entry the import last wrote (1: the 新規 of the first import),
-- so a row that still reads as that version is 変更なし even when the entry was changed in Kaiji since, and a
-- row that differs becomes the next 変更 / 廃止 version. The row is updated in place (it is a mapping, not a
-- record: the versions themselves stay append-only).
alter table register_imports add column if not exists version integer not null default 1 check (version >= 1);
