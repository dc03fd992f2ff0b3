"""The records officer's reads (総務課 情報公開係): filtered, paged lists of requests, appeals and suits, the
dashboard's counts, the council's agenda and the audit checkpoint — raw SQL over the projections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import asyncpg

OPEN_WORK = ("awaiting_correction", "under_review", "consulting_third_party", "pending_approval")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass
class Where:
    """``where`` clauses with numbered asyncpg arguments."""

    parts: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def arg(self, value: object) -> str:
        self.args.append(value)
        return f"${len(self.args)}"

    def add(self, clause: str) -> None:
        self.parts.append(clause)

    def sql(self) -> str:
        return (" where " + " and ".join(self.parts)) if self.parts else ""


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None
    department: str | None = None
    kind: str | None = None
    requester_category: str | None = None
    overdue: bool | None = None
    received_from: date | None = None
    received_to: date | None = None
    q: str | None = None  # the subject (partial) or the case id (exact)
    name_hash: str | None = None  # the requester's full name, through the vault's blind index


async def search_cases(conn: asyncpg.Connection, f: CaseFilter, *, page: int = 1,
                       per_page: int = 50) -> tuple[list[asyncpg.Record], int]:
    """Requests newest first (one page) and how many match in all."""
    w = Where()
    w.add("case_type = 'request'")
    if f.status:
        w.add(f"status = {w.arg(f.status)}")
    if f.department:
        w.add(f"department = {w.arg(f.department)}")
    if f.kind:
        w.add(f"kind = {w.arg(f.kind)}")
    if f.requester_category:
        w.add(f"requester_category = {w.arg(f.requester_category)}")
    if f.overdue is not None:
        w.add(f"overdue = {w.arg(f.overdue)}")
    if f.received_from:
        w.add(f"received_on >= {w.arg(f.received_from)}")
    if f.received_to:
        w.add(f"received_on <= {w.arg(f.received_to)}")
    if f.q:
        w.add(f"(subject ilike {w.arg(_like(f.q))} or case_id = {w.arg(f.q)})")
    if f.name_hash:
        w.add(f"requester_party_id in (select party_id from parties where name_hash = {w.arg(f.name_hash)})")
    total = await conn.fetchval("select count(*) from case_view" + w.sql(), *w.args)
    limit, offset = w.arg(per_page), w.arg((page - 1) * per_page)
    rows = await conn.fetch(
        f"select * from case_view{w.sql()} order by case_id desc limit {limit} offset {offset}", *w.args
    )
    return rows, total


@dataclass(frozen=True)
class AppealFilter:
    status: str | None = None
    department: str | None = None
    overdue: bool | None = None  # the council's report (答申) is past its target date
    q: str | None = None  # the appeal's or the request's id


async def search_appeals(conn: asyncpg.Connection, f: AppealFilter, *, page: int = 1,
                         per_page: int = 50) -> tuple[list[asyncpg.Record], int]:
    w = Where()
    if f.status:
        w.add(f"status = {w.arg(f.status)}")
    if f.department:
        w.add(f"department = {w.arg(f.department)}")
    if f.overdue is not None:
        w.add(f"report_overdue = {w.arg(f.overdue)}")
    if f.q:
        a = w.arg(f.q.strip())
        w.add(f"(appeal_id = {a} or request_id = {a})")
    total = await conn.fetchval("select count(*) from appeal_view" + w.sql(), *w.args)
    limit, offset = w.arg(per_page), w.arg((page - 1) * per_page)
    rows = await conn.fetch(
        f"select * from appeal_view{w.sql()} order by appeal_id desc limit {limit} offset {offset}", *w.args
    )
    return rows, total


@dataclass(frozen=True)
class SuitFilter:
    status: str | None = None
    level: str | None = None
    q: str | None = None  # the suit's, the request's or the appeal's id, or the court's case number


async def search_suits(conn: asyncpg.Connection, f: SuitFilter, *, page: int = 1,
                       per_page: int = 50) -> tuple[list[asyncpg.Record], int]:
    w = Where()
    if f.status:
        w.add(f"status = {w.arg(f.status)}")
    if f.level:
        w.add(f"level = {w.arg(f.level)}")
    if f.q:
        a = w.arg(f.q.strip())
        w.add(f"(suit_id = {a} or request_id = {a} or appeal_id = {a} or case_number = {a})")
    total = await conn.fetchval("select count(*) from suit_view" + w.sql(), *w.args)
    limit, offset = w.arg(per_page), w.arg((page - 1) * per_page)
    rows = await conn.fetch(
        f"select * from suit_view{w.sql()} order by suit_id desc limit {limit} offset {offset}", *w.args
    )
    return rows, total


async def suits_of_appeal(conn: asyncpg.Connection, appeal_id: str) -> list[asyncpg.Record]:
    return await conn.fetch("select * from suit_view where appeal_id = $1 order by suit_id", appeal_id)


# --- the dashboard ------------------------------------------------------------------------------------


async def open_by_department_and_status(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Open requests (not closed) counted per department and status."""
    return await conn.fetch(
        """select department, status, count(*) as n from case_view
           where case_type = 'request' and status <> 'closed'
           group by department, status order by department, status"""
    )


async def due_counts(conn: asyncpg.Connection, *, today: date, lead_days: int) -> dict[str, int]:
    """Requests still being worked on: past their work date (overdue), and due within the reminder window."""
    row = await conn.fetchrow(
        """select count(*) filter (where overdue) as overdue,
                  count(*) filter (where not overdue and work_due is not null
                                   and work_due between $2 and $2 + $3::int) as soon
           from case_view where case_type = 'request' and status = any($1::text[])""",
        list(OPEN_WORK), today, lead_days,
    )
    return {"overdue": row["overdue"], "soon": row["soon"]}


async def decisions_by_outcome(conn: asyncpg.Connection, *, first: date, last: date) -> list[asyncpg.Record]:
    """Decisions (決定) made between two days, counted by outcome — from the ``DecisionApproved`` events, one per
    part of a multi-part decision, so a request later reopened by a ruling still counts the decision it had."""
    return await conn.fetch(
        """select p->>'outcome' as outcome, count(*) as n
           from events e
           cross join lateral jsonb_array_elements(coalesce(e.data->'parts', jsonb_build_array(e.data))) p
           where e.type = 'DecisionApproved' and e.data->>'decided_on' between $1 and $2
             and p->>'outcome' is not null
           group by 1 order by n desc, outcome""",
        first.isoformat(), last.isoformat(),  # ISO days sort as text: the index of migration 0028
    )


# --- the council's agenda -------------------------------------------------------------------------------


async def unreported_ncnd(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """存否応答拒否 decisions not yet reported to the council."""
    return await conn.fetch(
        "select * from council_reports where reported_on is null order by decided_on, case_id limit 500"
    )


async def breaches_for_council(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Open breach incidents: those not yet on a meeting's agenda first, then those placed on one."""
    return await conn.fetch(
        """select breach_id, department, title, kind, status, aware_on, persons, reportable, overdue, meeting_on
           from breach_view where status <> 'closed'
           order by meeting_on is not null, aware_on, breach_id limit 500"""
    )


# --- audit ------------------------------------------------------------------------------------------------

async def appeal_request(conn: asyncpg.Connection, appeal_id: str) -> str | None:
    """The request an appeal is about (None when there is no such appeal)."""
    return await conn.fetchval("select request_id from appeal_view where appeal_id = $1", appeal_id)


async def suit_state(conn: asyncpg.Connection, suit_id: str) -> dict | None:
    return await conn.fetchval("select state from suit_view where suit_id = $1", suit_id)
