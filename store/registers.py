"""The registers' versions and 目的外利用・外部提供 records (migration 0030): append-only, each write one audit entry.

An entry is its versions; the latest version (by number) is what staff keep, the one in effect on a date
(domain/registers/rules.py ``in_force``) is what the published list shows. Version numbers are taken under
a row lock on the entry, so two changes at once cannot both become version 3.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg

from domain.registers import rules
from store import audit

_VERSION = """select v.*, e.register from register_versions v join register_entries e using (entry_id)"""
_LIST_FIELDS = ("items", "person_categories", "sources", "recipients")


def _row(r: asyncpg.Record) -> dict[str, Any]:
    return dict(r)


async def create(
    conn: asyncpg.Connection,
    register: str,
    content: dict[str, Any],
    *,
    effective_on: date,
    reason: str,
    actor: str,
    role: str,
) -> dict[str, Any]:
    """新規: the entry and its version 1, with one ``register.new`` audit entry, in one transaction."""
    async with conn.transaction():
        seq = await conn.fetchval(f"select nextval('register_{register}_seq')")
        entry_id = f"{rules.PREFIXES[register]}-{seq:04d}"
        await conn.execute(
            "insert into register_entries (entry_id, register, created_by) values ($1, $2, $3)",
            entry_id,
            register,
            actor,
        )
        version = await _insert(conn, entry_id, 1, "new", effective_on, content, reason, actor)
        await _audit(conn, actor, role, "register.new", version)
    return version


async def add_version(
    conn: asyncpg.Connection,
    entry_id: str,
    change: str,
    content: dict[str, Any],
    *,
    effective_on: date,
    reason: str,
    actor: str,
    role: str,
) -> dict[str, Any]:
    """変更 or 廃止: the next version, checked against the latest under the entry's lock (RegisterRuleError)."""
    async with conn.transaction():
        await conn.execute("select 1 from register_entries where entry_id = $1 for update", entry_id)
        latest = await latest_version(conn, entry_id)
        if latest is None:
            raise LookupError(entry_id)
        rules.next_version_rule(latest, change, effective_on)
        version = await _insert(
            conn, entry_id, latest["version"] + 1, change, effective_on, content, reason, actor
        )
        await _audit(conn, actor, role, f"register.{change}", version)
    return version


async def _insert(
    conn: asyncpg.Connection,
    entry_id: str,
    number: int,
    change: str,
    effective_on: date,
    content: dict[str, Any],
    reason: str,
    actor: str,
) -> dict[str, Any]:
    await conn.execute(
        """insert into register_versions (entry_id, version, change, effective_on, department, name, purpose, items,
               person_categories, persons, sources, recipients, retention, safeguards, media, reason, recorded_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)""",
        entry_id,
        number,
        change,
        effective_on,
        content["department"],
        content["name"],
        content["purpose"],
        list(content["items"]),
        list(content["person_categories"]),
        content["persons"],
        list(content["sources"]),
        list(content["recipients"]),
        content["retention"],
        content["safeguards"],
        content["media"],
        reason,
        actor,
    )
    version = await conn.fetchrow(_VERSION + " where entry_id = $1 and version = $2", entry_id, number)
    return _row(version)


async def _audit(conn: asyncpg.Connection, actor: str, role: str, action: str, v: dict[str, Any]) -> None:
    await audit.append(
        conn,
        audit.AuditEntry(
            actor,
            role,
            action,
            v["entry_id"],
            {
                "register": v["register"],
                "version": v["version"],
                "effective_on": v["effective_on"].isoformat(),
                "department": v["department"],
            },
        ),
    )


async def latest_version(conn: asyncpg.Connection, entry_id: str) -> dict[str, Any] | None:
    r = await conn.fetchrow(_VERSION + " where entry_id = $1 order by version desc limit 1", entry_id)
    return None if r is None else _row(r)


async def versions(conn: asyncpg.Connection, entry_id: str) -> list[dict[str, Any]]:
    return [_row(r) for r in await conn.fetch(_VERSION + " where entry_id = $1 order by version", entry_id)]


async def latest_versions(
    conn: asyncpg.Connection, *, register: str | None, department: str | None, include_abolished: bool
) -> list[dict[str, Any]]:
    """Every entry as staff keep it now (its latest version), optionally one register and one department."""
    rows = await conn.fetch(
        f"""select * from ({_VERSION} where ($1::text is null or e.register = $1)) v
            where version = (select max(version) from register_versions w where w.entry_id = v.entry_id)
              and ($2::text is null or department = $2) and ($3 or change <> 'abolished')
            order by entry_id""",
        register,
        department,
        include_abolished,
    )
    return [_row(r) for r in rows]


async def all_versions(
    conn: asyncpg.Connection, *, register: str | None = None, recorded_by: datetime | None = None
) -> list[dict[str, Any]]:
    """Every version of every entry (of one register), as recorded by an instant (None: all)."""
    rows = await conn.fetch(
        _VERSION
        + """ where ($1::text is null or e.register = $1)
                         and ($2::timestamptz is null or v.recorded_at <= $2)
                       order by entry_id, version""",
        register,
        recorded_by,
    )
    return [_row(r) for r in rows]


async def add_use(
    conn: asyncpg.Connection, entry_id: str, use: dict[str, Any], *, actor: str, role: str
) -> dict[str, Any]:
    """目的外利用・外部提供: one record and its ``register.use`` audit entry."""
    async with conn.transaction():
        r = await conn.fetchrow(
            """insert into register_uses (entry_id, kind, used_by, purpose, basis, basis_detail, used_on, recorded_by)
               values ($1, $2, $3, $4, $5, $6, $7, $8) returning *""",
            entry_id,
            use["kind"],
            use["used_by"],
            use["purpose"],
            use["basis"],
            use["basis_detail"],
            use["used_on"],
            actor,
        )
        await audit.append(
            conn,
            audit.AuditEntry(
                actor,
                role,
                "register.use",
                entry_id,
                {
                    "use_id": r["use_id"],
                    "kind": r["kind"],
                    "basis": r["basis"],
                    "used_on": r["used_on"].isoformat(),
                },
            ),
        )
    return _row(r)


async def uses(conn: asyncpg.Connection, entry_id: str) -> list[dict[str, Any]]:
    return [
        _row(r)
        for r in await conn.fetch(
            "select * from register_uses where entry_id = $1 order by used_on, use_id", entry_id
        )
    ]


async def uses_in(
    conn: asyncpg.Connection, start: date, end: date, recorded_by: datetime | None = None
) -> list[dict[str, Any]]:
    """The uses dated in [start, end], as recorded by an instant (None: all), with the entry's register."""
    rows = await conn.fetch(
        """select u.entry_id, u.kind, u.basis, u.used_on, e.register from register_uses u
           join register_entries e using (entry_id)
           where u.used_on between $1 and $2 and ($3::timestamptz is null or u.recorded_at <= $3)
           order by u.entry_id, u.use_id""",
        start,
        end,
        recorded_by,
    )
    return [_row(r) for r in rows]


async def list_uses(
    conn: asyncpg.Connection,
    *,
    file_id: str | None,
    register: str | None,
    department: str | None,
    used_from: date | None,
    used_to: date | None,
) -> list[dict[str, Any]]:
    """目的外利用・外部提供 records, filtered; ``department``: only entries that department keeps now."""
    rows = await conn.fetch(
        """select u.* from register_uses u join register_entries e using (entry_id)
           where ($1::text is null or u.entry_id = $1) and ($2::text is null or e.register = $2)
             and ($3::text is null or $3 = (select department from register_versions v
                                             where v.entry_id = u.entry_id order by version desc limit 1))
             and ($4::date is null or u.used_on >= $4) and ($5::date is null or u.used_on <= $5)
           order by u.used_on, u.use_id""",
        file_id,
        register,
        department,
        used_from,
        used_to,
    )
    return [_row(r) for r in rows]


_IMPORT_LOCK = 0x4B41494A52  # one import at a time (the numbers are taken in file order)
_VERSION_COLUMNS = """entry_id, version, change, effective_on, department, name, purpose, items, person_categories,
                      persons, sources, recipients, retention, safeguards, media, reason, recorded_by"""
_VERSION_VALUES = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17"


async def import_lock(conn: asyncpg.Connection) -> None:
    """In the caller's transaction: one import at a time, from before it reads what was imported."""
    await conn.execute("select pg_advisory_xact_lock($1)", _IMPORT_LOCK)


async def imported(conn: asyncpg.Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """(register, source_number) → {entry_id, row_hash, version} of the rows imported before (``version``: the
    version of the entry the import last wrote)."""
    rows = await conn.fetch(
        """select register, source_number, entry_id, row_hash, version from register_imports
           where (register, source_number) in (select * from unnest($1::text[], $2::text[]))""",
        [k[0] for k in keys],
        [k[1] for k in keys],
    )
    return {(r["register"], r["source_number"]): _row(r) for r in rows}


async def import_latest(conn: asyncpg.Connection, entry_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The latest version of each entry a later file names, under the entries' row locks (as ``add_version``,
    so no 変更 through the API slips in between the comparison and the next version number)."""
    ids = sorted(set(entry_ids))
    if not ids:
        return {}
    await conn.execute("select 1 from register_entries where entry_id = any($1::text[]) order by entry_id for update",
                       ids)
    rows = await conn.fetch(
        f"""select distinct on (entry_id) * from ({_VERSION} where v.entry_id = any($1::text[])) v
            order by entry_id, version desc""",
        ids,
    )
    return {r["entry_id"]: _row(r) for r in rows}


async def versions_at(conn: asyncpg.Connection, wanted: list[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The versions ``wanted`` ((entry_id, version)), e.g. what the import last wrote."""
    if not wanted:
        return {}
    rows = await conn.fetch(
        _VERSION + " where (v.entry_id, v.version) in (select * from unnest($1::text[], $2::int[]))",
        [w[0] for w in wanted],
        [w[1] for w in wanted],
    )
    return {(r["entry_id"], r["version"]): _row(r) for r in rows}


async def imported_not_abolished(conn: asyncpg.Connection, register_codes: list[str]) -> list[dict[str, Any]]:
    """The imported entries of these registers that are not abolished now: {register, source_number, entry_id}."""
    rows = await conn.fetch(
        """select i.register, i.source_number, i.entry_id from register_imports i
           where i.register = any($1::text[])
             and (select change from register_versions v where v.entry_id = i.entry_id
                  order by version desc limit 1) <> 'abolished'
           order by i.register, i.entry_id""",
        register_codes,
    )
    return [_row(r) for r in rows]


async def import_entries(
    conn: asyncpg.Connection,
    rows: list[tuple[str, str, str, dict[str, Any], date]],
    *,
    source: str,
    actor: str,
    batch: int = 500,
) -> list[str]:
    """新規 versions for imported rows (register, source_number, row_hash, content, effective_on), in the
    caller's transaction: ids taken per register in one statement, entries and versions written by
    ``executemany`` in batches. The caller writes the one ``register.import`` audit entry (``import_audit``)."""
    await import_lock(conn)
    ids: list[str] = [""] * len(rows)
    for register in rules.REGISTERS:
        mine = [i for i, r in enumerate(rows) if r[0] == register]
        if not mine:
            continue
        numbers = await conn.fetch(
            f"select nextval('register_{register}_seq') as n from generate_series(1, $1)", len(mine)
        )
        for i, n in zip(mine, sorted(r["n"] for r in numbers), strict=True):
            ids[i] = f"{rules.PREFIXES[register]}-{n:04d}"
    for start in range(0, len(rows), batch):
        chunk = list(zip(ids[start:start + batch], rows[start:start + batch], strict=True))
        await conn.executemany(
            "insert into register_entries (entry_id, register, created_by) values ($1, $2, $3)",
            [(eid, r[0], actor) for eid, r in chunk],
        )
        await conn.executemany(
            f"insert into register_versions ({_VERSION_COLUMNS}) values ({_VERSION_VALUES})",
            [_version_args(eid, 1, "new", r[4], r[3], f"既存登録簿からの取込（{source}、番号 {r[1]}）", actor)
             for eid, r in chunk],
        )
        await conn.executemany(
            """insert into register_imports (register, source_number, entry_id, row_hash, source)
               values ($1, $2, $3, $4, $5)""",
            [(r[0], r[1], eid, r[2], source) for eid, r in chunk],
        )
    return ids


def _version_args(entry_id: str, number: int, change: str, effective_on: date, c: dict[str, Any], reason: str,
                  actor: str) -> tuple[Any, ...]:
    return (entry_id, number, change, effective_on, c["department"], c["name"], c["purpose"], list(c["items"]),
            list(c["person_categories"]), c["persons"], list(c["sources"]), list(c["recipients"]), c["retention"],
            c["safeguards"], c["media"], reason, actor)


async def import_versions(
    conn: asyncpg.Connection,
    rows: list[dict[str, Any]],
    *,
    source: str,
    actor: str,
    batch: int = 500,
) -> None:
    """変更 / 廃止 versions from a later file, in the caller's transaction (after ``import_latest`` locked the
    entries): each row {entry_id, version, change, effective_on, content, reason, row_hash} is written and its
    register_imports row then names that version."""
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        await conn.executemany(
            f"insert into register_versions ({_VERSION_COLUMNS}) values ({_VERSION_VALUES})",
            [_version_args(r["entry_id"], r["version"], r["change"], r["effective_on"], r["content"], r["reason"],
                           actor) for r in chunk],
        )
        await conn.executemany(
            "update register_imports set version = $2, row_hash = $3, source = $4 where entry_id = $1",
            [(r["entry_id"], r["version"], r["row_hash"], source) for r in chunk],
        )


async def import_audit(
    conn: asyncpg.Connection,
    *,
    source: str,
    actor: str,
    created: list[str],
    changed: list[dict[str, Any]],
    abolished: list[dict[str, Any]],
    by_register: dict[str, dict[str, int]],
) -> None:
    """The one ``register.import`` audit entry of an import that wrote something: ids and versions only."""
    await audit.append(
        conn,
        audit.AuditEntry(
            actor,
            "operator",
            "register.import",
            "registers",
            {"file": source, "created": created, "changed": changed, "abolished": abolished,
             "by_register": by_register},
        ),
    )
