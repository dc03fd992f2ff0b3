"""What the annual report reads: case states (of a request, its report facts) as of an instant, requester
identities, publications.

The states are a fold of the event stream up to the cut-off with the same domain ``fold`` the
projections use, so a report re-run later with the same ``as_of`` gives the same figures. Without a
cut-off the live projections are read instead (they are that same fold up to the last event).
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import asyncpg

from domain.appeals.state import fold as fold_appeal
from domain.breaches.state import fold as fold_breach
from domain.litigation.state import fold as fold_suit
from domain.reports.facts import request_facts
from domain.requests.evolve import fold as fold_request
from store.canonical import canonical_json, sha256_hex
from store.projections.cases import STREAM_DIGEST

_FOLDS = {"R-": fold_request, "A-": fold_appeal, "L-": fold_suit, "B-": fold_breach}
# What the live report reads per stream: a request's report facts (kept by the cases projection), the
# others' whole state (a few rows a year).
_LIVE = {"R-": ("report_facts", "facts", "case_id"), "A-": ("appeal_view", "state", "appeal_id"),
         "L-": ("suit_view", "state", "suit_id"), "B-": ("breach_view", "state", "breach_id")}


@dataclasses.dataclass(frozen=True)
class StatesAsOf:
    requests: list[dict[str, Any]]  # report facts (domain/reports/facts.py), not whole states
    appeals: list[dict[str, Any]]
    suits: list[dict[str, Any]]
    inputs_hash: str  # sha256 over every event folded in and the register uses counted (``_inputs_hash``)
    breaches: list[dict[str, Any]] = dataclasses.field(default_factory=list)


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around a synchronous burst of small objects (decoding and counting
    ten thousand requests): its passes over the growing heap took more time than the work. Reference
    counting still frees everything; the collector resumes (if it was on) when the block ends."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def snapshot(conn: asyncpg.Connection) -> Any:
    """One snapshot for the hash and the states; the caller's, when it already holds a transaction."""
    return contextlib.nullcontext() if conn.is_in_transaction() else conn.transaction(
        readonly=True, isolation="repeatable_read")


_snapshot = snapshot

# The digest of each stream's events recorded by an instant (None: all), the same expression the cases
# projection stores in report_facts.inputs for a request.
_STREAM_DIGESTS = f"""select stream_id, {STREAM_DIGEST} from events
                      where stream_id = any($1::text[]) and ($2::timestamptz is null or recorded_at <= $2)
                      group by stream_id"""

# The 目的外利用・外部提供 records the report counts (dated in the year, recorded by the cut-off) and the versions
# of their register entries recorded by then (the report names each entry): append-only rows, so their ids
# and versions say what was read.
_USES_HASH = """select encode(sha256(convert_to(
                    coalesce((select string_agg(use_id || ':' || entry_id || ':' || kind || ':' || basis || ':'
                                                || used_on, ',' order by use_id) from uses), '')
                    || ';' || coalesce((select string_agg(entry_id || ':' || version, ',' order by entry_id, version)
                                        from register_versions
                                        where entry_id in (select entry_id from uses)
                                          and ($3::timestamptz is null or recorded_at <= $3)), ''),
                    'UTF8')), 'hex')"""
_USES = """with uses as (select use_id, entry_id, kind, basis, used_on from register_uses
                          where used_on between $1 and $2 and ($3::timestamptz is null or recorded_at <= $3)) """


def _inputs_hash(streams: list[tuple[str, str]], uses: str) -> str:
    """What a publication's inputs were: every stream folded with the digest of its events (stream, version,
    payload hash, in order), and the register uses counted. A re-run whose hash differs read something else
    (``service.with_publication``). The live and the as-of report compute it here from the same digests."""
    events = sha256_hex(",".join(f"{stream}:{digest}" for stream, digest in sorted(streams)))
    return sha256_hex(f"events:{events};register_uses:{uses}")


# The streams a fiscal year's report can count: requests received by its end and either received in it or
# touched since it began (a decision of the year is recorded on or after its date), appeals alike, every
# suit (a pending suit counts whatever year it was filed), breach incidents the department became aware of
# by the year's end and either in it or touched since it began (a report filed late is recorded later).
# Older streams cannot change the year's figures. Requests from report_facts (narrow, indexed), with what the
# live report reads of them.
_RELEVANT_REQUESTS = """select case_id, inputs, facts::text from report_facts
                        where received_on between $1 and $2 or (updated_at >= $1 and received_on <= $2)
                        order by case_id"""
_RELEVANT_OTHERS = """select appeal_id from appeal_view where filed_on <= $2 and (filed_on >= $1 or updated_at >= $1)
                      union all
                      select suit_id from suit_view
                      union all
                      select breach_id from breach_view
                      where aware_on <= $2 and (aware_on >= $1 or updated_at >= $1)"""


async def states_as_of(conn: asyncpg.Connection, as_of: datetime | None, *, fiscal_year: int) -> StatesAsOf:
    """The requests (their report facts), appeals, suits and breaches a fiscal year's report counts, as they
    stood at ``as_of``: the events recorded by then, folded. ``None`` reads the live projections (that same
    fold up to the last event). Run it inside the caller's repeatable-read transaction when its result is
    stored (publication)."""
    start, end = date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31)
    async with _snapshot(conn):
        # the as-of fold sorts every event counted: ~100,000 rows a year, in memory
        await conn.execute("set local work_mem = '64MB'")
        requests = await conn.fetch(_RELEVANT_REQUESTS, start, end)
        others = [r[0] for r in await conn.fetch(_RELEVANT_OTHERS, start, end)]
        uses = await conn.fetchval(_USES + _USES_HASH, start, end, as_of)
        if as_of is None:
            digests = [(r[0], r[1]) for r in requests]
            digests += [(r[0], r[1]) for r in await conn.fetch(_STREAM_DIGESTS, others, None)]
            states = {}
            with no_gc():  # one decode of the whole list
                states["R-"] = json.loads("[" + ",".join(r[2] for r in requests) + "]")
            for p, (table, column, key) in _LIVE.items():
                if p == "R-":
                    continue
                texts = [r[0] for r in await conn.fetch(
                    f"select {column}::text from {table} where {key} = any($1::text[]) order by {key}",
                    [i for i in others if i.startswith(p)])]
                states[p] = json.loads("[" + ",".join(texts) + "]")
            return StatesAsOf(states["R-"], states["A-"], states["L-"], _inputs_hash(digests, uses), states["B-"])
        ids = sorted([r[0] for r in requests] + others)
        digests = [(r[0], r[1]) for r in await conn.fetch(_STREAM_DIGESTS, ids, as_of)]
        out: dict[str, list[dict[str, Any]]] = {p: [] for p in _FOLDS}
        current: str | None = None
        batch: list[tuple[str, dict[str, Any]]] = []
        cursor = conn.cursor(
            """select stream_id, type, data from events where recorded_at <= $1 and stream_id = any($2::text[])
               order by stream_id, version""",
            as_of, ids, prefetch=5000,
        )
        async for r in cursor:
            if r["stream_id"] != current:
                if current is not None:
                    out[current[:2]].append(_fold(current, batch))
                current, batch = r["stream_id"], []
            batch.append((r["type"], r["data"]))
        if current is not None:
            out[current[:2]].append(_fold(current, batch))
    return StatesAsOf(out["R-"], out["A-"], out["L-"], _inputs_hash(digests, uses), out["B-"])


def _fold(stream_id: str, events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    folded = _FOLDS[stream_id[:2]](events)
    # a request's report facts only: copying its whole state (dataclasses.asdict) was most of the as-of time
    return request_facts(folded) if stream_id.startswith("R-") else dataclasses.asdict(folded)


async def identities(conn: asyncpg.Connection, party_ids: list[str]) -> dict[str, str]:
    """party id → keyed hash of the normalised name (the requester's identity, never the name)."""
    rows = await conn.fetch("select party_id, name_hash from parties where party_id = any($1::text[])", party_ids)
    return {r["party_id"]: r["name_hash"] for r in rows}


async def publish(conn: asyncpg.Connection, *, fiscal_year: int, as_of: datetime, content: dict[str, Any],
                  inputs_hash: str, audit_head: str, published_by: str) -> dict[str, Any]:
    """Freeze the report as published (公表); a fiscal year can be published again (a new version)."""
    row = await conn.fetchrow(
        """insert into published_reports (fiscal_year, version, as_of, content, content_hash, inputs_hash,
               audit_head, published_by)
           values ($1, coalesce((select max(version) from published_reports where fiscal_year = $1), 0) + 1,
                   $2, $3, $4, $5, $6, $7)
           returning fiscal_year, version, as_of, content_hash, inputs_hash, audit_head, published_by,
                     published_at""",
        fiscal_year, as_of, content, sha256_hex(canonical_json(content)), inputs_hash, audit_head, published_by,
    )
    return dict(row)


async def latest_publication(conn: asyncpg.Connection, fiscal_year: int) -> asyncpg.Record | None:
    return await conn.fetchrow(
        "select * from published_reports where fiscal_year = $1 order by version desc limit 1", fiscal_year)


async def request_streams(conn: asyncpg.Connection, fiscal_year: int) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """The events, in order, of every request received in ``fiscal_year`` (the policy simulator; read-only)."""
    streams: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    async with _snapshot(conn):
        async for r in conn.cursor(
                """select stream_id, type, data from events where stream_id in (
                       select case_id from case_view where received_on between $1 and $2)
                   order by stream_id, version""", date(fiscal_year, 4, 1), date(fiscal_year + 1, 3, 31),
                prefetch=5000):
            streams.setdefault(r["stream_id"], []).append((r["type"], r["data"]))
    return streams
