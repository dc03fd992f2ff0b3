"""Projections built from real request events, and the rebuild that proves (and repairs) them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import asyncpg
import pytest

from domain.actors import Actor
from domain.clock import JST
from domain.events import EventDraft
from domain.profile import load_profile
from domain.requests import commands as c
from domain.requests.decide import decide
from domain.requests.evolve import evolve
from domain.requests.registration import RegisterRequest, receive
from domain.requests.state import RequestCase
from store import events, projections
from store.rebuild import rebuild
from tests.store.helpers import kaiji

NOW = datetime(2025, 6, 2, 10, 0, tzinfo=JST)
DEPT = "総務課"
DESK = Actor("desk1", "front_desk")
REVIEWER = Actor("suzuki", "reviewer", DEPT)
APPROVER = Actor("tanaka", "approver", DEPT)
RULES = load_profile("koganei").case_rules("public_records")


class Case:
    """One request stream, recorded the way activities/events.py records it."""

    def __init__(self, conn: asyncpg.Connection, received_on: str) -> None:
        self.conn = conn
        self.id = f"R-2025-{uuid.uuid4().hex[:8]}"
        self.state = RequestCase()
        self.received_on = received_on

    async def record(self, drafts: list[EventDraft]) -> None:
        new = [
            events.NewEvent(d.type, d.actor, d.role, d.occurred_at, d.data, d.schema_version) for d in drafts
        ]
        async with self.conn.transaction():
            stored = await events.append(self.conn, self.id, self.state.version, new)
            await projections.apply(self.conn, stored)
        for d in drafts:
            evolve(self.state, d.type, d.data)

    async def receive(self) -> Case:
        await self.record(
            receive(
                RegisterRequest(
                    case_id=self.id,
                    kind="public_records",
                    received_on=self.received_on,
                    channel="counter",
                    subject="令和6年度 契約書一式",
                    department=DEPT,
                    preferred_method="copy",
                    requester_party_id=f"P-{self.id}",
                    requester_type="individual",
                    actor=DESK,
                    rules=RULES,
                    entered_at=NOW,
                )
            )
        )
        return self

    async def do(self, cmd: c.Command) -> Case:
        await self.record(decide(self.state, cmd, NOW))
        return self


async def mixed_history(conn: asyncpg.Connection) -> dict[str, Case]:
    open_ = await Case(conn, "2025-05-26").receive()
    disclosed = await Case(conn, "2025-05-26").receive()
    await disclosed.do(c.DraftDecision(REVIEWER, outcome="full", disclosure_on="2025-06-10"))
    await disclosed.do(c.ApproveDecision(APPROVER, decided_on="2025-06-02"))
    await disclosed.do(c.RecordNoticeDelivery(DESK, delivered_on="2025-06-02"))
    await disclosed.do(
        c.RecordDisclosure(DESK, executed_on="2025-06-02", method="copy", pages=12, fee_yen=120)
    )
    ncnd = await Case(conn, "2025-05-30").receive()
    for clause in ("第7条第1号", "第7条第2号"):  # the approver returns the first draft
        await ncnd.do(
            c.DraftDecision(
                REVIEWER,
                outcome="neither_confirm_nor_deny",
                exemptions=(c.Exemption(clause, "特定の個人の存否が明らかになる"),),
            )
        )
        if clause.endswith("1号"):
            await ncnd.do(c.ReturnDraft(APPROVER, comment="条項を再検討してください"))
    await ncnd.do(c.ApproveDecision(APPROVER, decided_on="2025-06-02"))
    pending = await Case(conn, "2025-05-30").receive()
    await pending.do(
        c.DraftDecision(
            REVIEWER,
            outcome="non_disclosure",
            non_disclosure_ground="not_held",
            reason_text="作成していないため",
        )
    )
    withdrawn = await Case(conn, "2025-05-26").receive()
    await withdrawn.do(c.Withdraw(DESK, withdrawn_on="2025-06-01", reason="不要になった"))
    return {"open": open_, "disclosed": disclosed, "ncnd": ncnd, "pending": pending, "withdrawn": withdrawn}


async def status(conn: asyncpg.Connection, case: Case) -> str:
    return await conn.fetchval("select status from case_view where case_id = $1", case.id)


async def test_case_view_shows_each_case_state(conn: asyncpg.Connection) -> None:
    cases = await mixed_history(conn)
    rows = {r["case_id"]: r for r in await conn.fetch("select * from case_view")}
    assert len(rows) == 5
    view = {name: rows[case.id] for name, case in cases.items()}
    # status, outcome, closed_reason, decision_due (14 days from the day after receipt), version
    assert {
        n: (v["status"], v["outcome"], v["closed_reason"], v["decision_due"], v["version"])
        for n, v in view.items()
    } == {
        "open": ("under_review", None, None, date(2025, 6, 9), 1),
        "disclosed": ("disclosed", "full", None, date(2025, 6, 9), 5),
        "ncnd": ("decided", "neither_confirm_nor_deny", None, date(2025, 6, 13), 5),
        "pending": ("pending_approval", None, None, date(2025, 6, 13), 2),
        "withdrawn": ("closed", None, "withdrawn", date(2025, 6, 9), 2),
    }
    assert view["pending"]["drafted_by"] == view["ncnd"]["drafted_by"] == "suzuki"
    assert view["disclosed"]["decided_on"] == view["ncnd"]["decided_on"] == date(2025, 6, 2)
    assert view["disclosed"]["disclosed_on"] == date(2025, 6, 2)
    assert view["ncnd"]["state"]["decision"]["approved_by"] == "tanaka"

    deadlines = {
        (r["case_id"], r["deadline"]): r["due_on"]
        for r in await conn.fetch("select case_id, deadline, due_on from deadline_view")
    }
    assert deadlines[(cases["open"].id, "decision_due")] == date(2025, 6, 9)
    assert deadlines[(cases["pending"].id, "decision_due")] == date(2025, 6, 13)
    settled = {cases[n].id for n in ("disclosed", "ncnd", "withdrawn")}
    assert not any(cid in settled and name == "decision_due" for cid, name in deadlines)
    assert not any(cid == cases["withdrawn"].id for cid, _ in deadlines)


async def test_ncnd_decision_is_reported_to_the_council(conn: asyncpg.Connection) -> None:
    cases = await mixed_history(conn)
    reports = await conn.fetch("select * from council_reports")
    assert [(r["case_id"], r["decided_on"], r["department"], r["clauses"]) for r in reports] == [
        (cases["ncnd"].id, date(2025, 6, 2), DEPT, ["第7条第2号"])
    ]
    assert reports[0]["reported_on"] is None

    ncnd = cases["ncnd"]
    reported = events.NewEvent(
        "NcndReported",
        "clerk",
        "records_officer",
        NOW,
        {"reported_on": "2025-07-15", "session_ref": "令和7年度第4回"},
    )
    await ncnd.record([reported])
    row = await conn.fetchrow(
        "select reported_on, session_ref from council_reports where case_id = $1", ncnd.id
    )
    assert (row["reported_on"], row["session_ref"]) == (date(2025, 7, 15), "令和7年度第4回")
    view = await conn.fetchrow("select version, state from case_view where case_id = $1", ncnd.id)
    assert view["version"] == 6 and view["state"]["ncnd_reported_on"] == "2025-07-15"  # the case shows it too
    assert await rebuild(conn, check=True) == []


@pytest.mark.parametrize(
    ("plant", "table", "case"),
    [
        ("update case_view set status = 'closed' where case_id = $1", "case_view", "open"),
        ("delete from case_view where case_id = $1", "case_view", "disclosed"),
        ("delete from council_reports where case_id = $1", "council_reports", "ncnd"),
        ("update deadline_view set due_on = due_on + 7 where case_id = $1", "deadline_view", "pending"),
        (
            "insert into council_reports (case_id, decided_on, department, clauses) "
            "values ($1, '2025-06-02', '総務課', '[]')",
            "council_reports",
            "disclosed",
        ),
        (
            """update report_facts set facts = jsonb_set(facts, '{extended}', 'true') where case_id = $1""",
            "report_facts",
            "disclosed",
        ),
    ],
    ids=["edited-status", "missing-case", "missing-report", "moved-deadline", "extra-report", "edited-report-facts"],
)
async def test_rebuild_finds_and_repairs_a_difference(
    conn: asyncpg.Connection, plant: str, table: str, case: str
) -> None:
    cases = await mixed_history(conn)
    assert await rebuild(conn, check=True) == []
    before = await conn.fetch(f"select * from {table} order by 1, 2")

    await conn.execute(plant, cases[case].id)
    diffs = await rebuild(conn, check=True)
    assert len(diffs) == 1, diffs
    assert diffs[0].startswith(f"{table} (") and f"case_id={cases[case].id}" in diffs[0]

    assert await rebuild(conn, check=False) == diffs
    assert await rebuild(conn, check=True) == []
    assert await conn.fetch(f"select * from {table} order by 1, 2") == before

    # the same connection keeps projecting live events correctly after a rebuild
    await cases["pending"].do(c.ApproveDecision(APPROVER, decided_on="2025-06-02"))
    assert await status(conn, cases["pending"]) == "decided"
    assert await rebuild(conn, check=True) == []


async def test_rebuild_of_an_empty_store_is_clean(conn: asyncpg.Connection) -> None:
    assert await rebuild(conn, check=True) == []
    await conn.execute(
        "insert into council_reports (case_id, decided_on, department, clauses) "
        "values ('R-ghost', '2025-06-02', '総務課', '[]')"
    )
    assert await rebuild(conn, check=False) != []
    assert await conn.fetchval("select count(*) from council_reports") == 0


async def test_cli_rebuild_check(database_url: str, conn: asyncpg.Connection) -> None:
    cases = await mixed_history(conn)
    code, out = await kaiji(database_url, "projections", "rebuild", "--check")
    assert code == 0 and "projections match the events" in out

    await conn.execute("update case_view set status = 'closed' where case_id = $1", cases["open"].id)
    code, out = await kaiji(database_url, "projections", "rebuild", "--check")
    assert code == 1 and "DIFFERENCE: case_view" in out and cases["open"].id in out
    assert await status(conn, cases["open"]) == "closed"

    code, out = await kaiji(database_url, "projections", "rebuild")
    assert code == 0 and "projections rebuilt" in out
    assert await status(conn, cases["open"]) == "under_review"
    code, out = await kaiji(database_url, "projections", "rebuild", "--check")
    assert code == 0 and "DIFFERENCE" not in out
