-- Requests imported from the old ledger (kaiji import ledger): the ledger's 受付番号 → the Kaiji case, so a
-- second import of the same file changes nothing.
create table ledger_imports (
    ledger_number text primary key,
    case_id       text not null unique,
    row_hash      text not null,       -- sha256 of the request as read; a different one is refused
    source        text not null,
    imported_at   timestamptz not null default now()
);
