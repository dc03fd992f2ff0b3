-- Issue 15, speed. The 文書番号 is taken in its own short transaction and reserved for the notice's key;
-- the PDF is rendered after that commit, outside the department's notice_series row lock, and the notice
-- is stored after. A retry of the same notice (same key) finds its reservation and reuses the number, so
-- the series stays gap-free: every reserved number ends up on the stored notice of that key.
create table notice_reservations (
    notice_key  text primary key,       -- the notice's key (stream:version:type[:addressee])
    series      text not null,          -- issuing department
    fiscal_year integer not null,
    seq         integer not null,       -- the n of 第n号
    number      text not null,          -- the full 文書番号 as printed
    reserved_at timestamptz not null default now(),
    unique (series, fiscal_year, seq)
);
