"""Build, publish and compare the annual report; shared by the HTTP routes and ``kaiji report annual``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from domain.profile import Profile
from domain.registers.rules import BASES, fiscal_year_bounds, use_counts
from domain.reports.annual import SELF_INFORMATION, ReportInputs, annual_report, changed_cases
from store import audit, registers, reports
from store.canonical import canonical_json


async def build(conn: asyncpg.Connection, profile: Profile, fiscal_year: int,
                as_of: datetime | None) -> tuple[dict[str, Any], str]:
    """The report for ``fiscal_year`` as it stood at ``as_of`` (None: now) and the hash of its inputs."""
    async with reports.snapshot(conn):  # the figures, the uses and the hash from one snapshot
        return await _build(conn, profile, fiscal_year, as_of)


async def _build(conn: asyncpg.Connection, profile: Profile, fiscal_year: int,
                 as_of: datetime | None) -> tuple[dict[str, Any], str]:
    # now: the instant of the last thing recorded (an event, a register use or version), so asking again with
    # that as_of reads the same rows and gives the same bytes
    cut = as_of or await conn.fetchval(
        """select coalesce(greatest((select max(recorded_at) from events), (select max(recorded_at) from register_uses),
                                    (select max(recorded_at) from register_versions)), now())""")
    states = await reports.states_as_of(conn, as_of, fiscal_year=fiscal_year)
    party_ids = sorted({s.get("requester_party_id") for s in states.requests if s.get("requester_party_id")})
    inputs = ReportInputs(
        fiscal_year=fiscal_year,
        as_of=cut.isoformat(),
        requests=[_without_self_subject(s) for s in states.requests],
        appeals=states.appeals,
        suits=states.suits,
        identities=await reports.identities(conn, party_ids),
        body_of_department={d.code: d.body for d in profile.departments},
        bodies=tuple(b.code for b in profile.implementing_bodies),
        categories=tuple(c.code for c in getattr(profile, "requester_categories", ())),
        frequent_threshold=profile.frequent_requester_threshold,
        period_days={k: r.period_days for k, r in profile.request_kinds.items()},
        breaches=tuple(states.breaches),
    )
    with reports.no_gc():
        report = annual_report(inputs)
    report["personal_info_uses"] = await personal_info_uses(conn, fiscal_year, as_of)
    return report, states.inputs_hash


async def personal_info_uses(conn: asyncpg.Connection, fiscal_year: int, cut: datetime | None) -> dict[str, Any]:
    """目的外利用・外部提供 dated in the year and recorded by the cut-off (None: all), counted per register entry
    (APPI 69). In the inputs hash with the case events (``store.reports``), so a use recorded after
    publication is seen."""
    start, end = fiscal_year_bounds(fiscal_year)
    used = await registers.uses_in(conn, start, end, recorded_by=cut)
    names = {v["entry_id"]: v["name"] for v in await registers.all_versions(conn, recorded_by=cut)}  # the latest
    counts = use_counts(used)
    return {
        "by_entry": {e: {"name": names.get(e, ""), **c} for e, c in counts.items()},
        "by_basis": {b: sum(c[b] for c in counts.values()) for b in BASES},
        "total": len(used),
    }


def _without_self_subject(state: dict[str, Any]) -> dict[str, Any]:
    """The subject of a request for one's own personal information describes that person: never published."""
    if state.get("kind") in SELF_INFORMATION:
        return {**state, "subject": "（本人情報に関する請求）"}
    return state


async def with_publication(conn: asyncpg.Connection, report: dict[str, Any],
                           inputs_hash: str | None = None) -> dict[str, Any]:
    """Add what was published for the year, the cases whose lines changed since, and — given the current
    inputs hash — whether anything the report reads changed (``inputs_changed``: an event of a counted case
    or a 目的外利用 record, even one that moves no line) with the register entries whose counts moved."""
    published = await reports.latest_publication(conn, report["fiscal_year"])
    if published is None:
        return {**report, "publication": None}
    return {**report, "publication": {
        "version": published["version"], "as_of": published["as_of"].isoformat(),
        "published_at": published["published_at"].isoformat(), "published_by": published["published_by"],
        "content_hash": published["content_hash"], "inputs_hash": published["inputs_hash"],
        "audit_head": published["audit_head"],
        "changed_cases": changed_cases(published["content"], report),
        **({} if inputs_hash is None else {"inputs_changed": inputs_hash != published["inputs_hash"]}),
        "changed_register_entries": _changed_entries(published["content"], report),
    }}


def _changed_entries(published: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """The register entries whose 目的外利用・外部提供 counts differ between the published and this report."""
    before = (published.get("personal_info_uses") or {}).get("by_entry") or {}
    after = (current.get("personal_info_uses") or {}).get("by_entry") or {}
    return sorted(e for e in before.keys() | after.keys() if before.get(e) != after.get(e))


async def publish(conn: asyncpg.Connection, profile: Profile, fiscal_year: int, *, actor: str, role: str,
                  as_of: datetime | None = None) -> dict[str, Any]:
    """Freeze the report: stored with the hash of its inputs and the audit head, one audit entry.

    The figures come from one repeatable-read snapshot; the write runs after it, in its own transaction under
    the audit chain's lock, so the version and the audit seq are read from what is committed (two publishes at
    once, or a staff action writing the audit log meanwhile, must not compute the same next number).
    """
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        report, inputs_hash = await build(conn, profile, fiscal_year, as_of)
    async with conn.transaction():
        await audit.lock_chain(conn)
        seq, head = await audit.head(conn)
        row = await reports.publish(conn, fiscal_year=fiscal_year, as_of=datetime.fromisoformat(report["as_of"]),
                                    content=report, inputs_hash=inputs_hash, audit_head=f"{seq}:{head}",
                                    published_by=actor)
        await audit.append(conn, audit.AuditEntry(actor, role, "report.publish", f"annual:{fiscal_year}", {
            "version": row["version"], "content_hash": row["content_hash"], "inputs_hash": inputs_hash}))
    return {**{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}}


def canonical(report: dict[str, Any]) -> bytes:
    """The JSON bytes of a report: the same figures always give the same bytes."""
    return canonical_json(report).encode("utf-8")
