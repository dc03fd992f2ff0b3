"""Record the saved RequestWorkflow histories that ``test_replay.py`` replays.

Run on demand (never part of ``make test``)::

    .venv/bin/python -m tests.replay.record_histories            # every path
    .venv/bin/python -m tests.replay.record_histories -k ncnd    # one path (pytest -k)

(equivalently: ``KAIJI_RECORD_HISTORIES=1 .venv/bin/python -m pytest tests/replay/record_histories.py``).

It is a pytest module so that it reuses the suite's real services (``tests/conftest.py``:
an embedded PostgreSQL with a per-test database); without ``KAIJI_RECORD_HISTORIES=1``
every test here is skipped. Each path of ``paths.PATHS`` is driven on its own
time-skipping test server with the REAL activities, exactly as the API drives a
case (update-with-start of ``registered``, then one Update per staff action), and
its history is written to ``histories/request_<path>.json``. The appeal and suit paths
(``recording_challenge``) decide a request, file against it, and save the appeal's /
suit's history under the stem ``paths.PATHS`` gives (e.g. ``histories/suit_final.json``). Payloads are sealed
by the production EncryptionCodec under the fixed test-only key of ``keys.py``.

Recording only ADDS histories: a path whose file exists is skipped. The saved
histories stand for cases already running in production; if a change to
workflows/ makes one of them fail to replay, the change needs
``workflow.patched(...)`` or a versioned workflow name, not a re-recording.
Record the new behaviour under a new path name and keep the old file. Only to
replace a file on purpose (e.g. a history that was never deployed), set
``KAIJI_RECORD_OVERWRITE=1``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from temporalio.api.testservice.v1 import LockTimeSkippingRequest, UnlockTimeSkippingRequest
from temporalio.client import WithStartWorkflowOperation, WorkflowExecutionStatus, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment

from domain.actors import Actor
from domain.appeals import commands as ac
from domain.clock import jst_date
from domain.litigation import commands as lc
from domain.profile import load_profile
from domain.requests import commands as c
from kaiji.security.codec import data_converter
from store import events
from store.parties import PartyVault
from tests import conftest
from tests.replay.keys import REPLAY_KEYRING
from tests.replay.paths import HISTORIES, PATHS, history_file
from tests.workflows.harness import (
    APPROVER,
    FRONT,
    OFFICER,
    REVIEWER,
    register_input,
    running_worker,
    stop_all,
)
from workflows.appeal import AppealWorkflow
from workflows.litigation import SuitWorkflow
from workflows.request import RequestWorkflow

ENV_FLAG = "KAIJI_RECORD_HISTORIES"
OVERWRITE_FLAG = "KAIJI_RECORD_OVERWRITE"

pytestmark = pytest.mark.skipif(
    os.environ.get(ENV_FLAG) != "1",
    reason=f"records replay histories; run `python -m tests.replay.record_histories` (sets {ENV_FLAG}=1)",
)


@pytest.fixture
async def replay_env() -> AsyncIterator[WorkflowEnvironment]:
    """A fresh time-skipping server per path, its payloads sealed with the replay test key."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=conftest.test_server_path(), data_converter=data_converter(REPLAY_KEYRING)
    )
    yield env
    await env.shutdown()


@dataclass
class Case:
    env: WorkflowEnvironment
    handle: WorkflowHandle[RequestWorkflow, str]
    pool: asyncpg.Pool
    vault: PartyVault

    @property
    def id(self) -> str:
        return self.handle.id

    async def act(self, action: str, cmd: c.Command) -> dict[str, Any]:
        return await self.handle.execute_update(action, cmd)

    async def result(self) -> str:
        """The case's closed reason, letting the server skip time meanwhile (e.g. to the appeal window's end).

        The time-skipping environment unlocks its clock only around ``result()`` of handles from
        ``start_workflow``; this handle comes from update-with-start (as in the API), so unlock here.
        """
        service = self.env.client.test_service
        await service.unlock_time_skipping(UnlockTimeSkippingRequest())
        try:
            return await self.handle.result()
        finally:
            await service.lock_time_skipping(LockTimeSkippingRequest())

    async def state(self) -> dict[str, Any]:
        return await self.handle.query(RequestWorkflow.state)

    async def today(self) -> date:
        return jst_date(await self.env.get_current_time())

    async def event_types(self) -> list[str]:
        async with self.pool.acquire() as conn:
            return [e.type for e in await events.read(conn, self.id)]

    async def wait_for_event(self, event_type: str, within: float = 30) -> list[str]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            types = await self.event_types()
            if event_type in types:
                return types
            if loop.time() > deadline:
                raise AssertionError(f"{event_type} not recorded; events: {types}")
            await asyncio.sleep(0.05)


@asynccontextmanager
async def recording(env: WorkflowEnvironment, database_url: str, path: str,
                    kind: str = "public_records", **intake: Any) -> AsyncIterator[Case]:
    """Register a case as the API does, let the test drive it, then save its history.

    A case the path leaves waiting is terminated first (a terminated history
    replays like any other). Nothing is written if the driving fails.
    """
    spec = PATHS[path]
    if history_file(path).exists() and os.environ.get(OVERWRITE_FLAG) != "1":
        pytest.skip(f"{history_file(path).name} is already recorded (set {OVERWRITE_FLAG}=1 to replace it)")
    async with running_worker(env.client, database_url, REPLAY_KEYRING) as (queue, pool, vault):
        now = await env.get_current_time()
        inp = await register_input(pool, vault, spec.case_id, jst_date(now).isoformat(), entered_at=now, kind=kind)
        if kind != "public_records":  # a self-information request: identity seen at intake (APPI 77②)
            inp = dataclasses.replace(inp, identity_verified=True, **intake)
        start = WithStartWorkflowOperation(
            RequestWorkflow.run, inp, id=spec.case_id, task_queue=queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
        registered = await env.client.execute_update_with_start_workflow(
            RequestWorkflow.registered, start_workflow_operation=start)
        assert registered.status == "under_review"
        handle = await start.workflow_handle()
        try:
            yield Case(env, handle, pool, vault)
        finally:
            # A case left waiting on a timer would hold the test server's clock.
            if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
                await handle.terminate(f"replay history recorded ({path})")
        status = (await handle.describe()).status
        assert status is not None
        assert status.name.lower() == spec.ends, f"{path} ended {status.name}, expected {spec.ends}"
        history = await handle.fetch_history()
    HISTORIES.mkdir(parents=True, exist_ok=True)
    history_file(path).write_text(history.to_json() + "\n", encoding="utf-8")


@dataclass
class Challenge:
    """A decided request and the appeal or suit filed against it, whose history is the one saved."""

    request: Case
    queue: str
    requester_party_id: str
    decision: dict[str, Any]
    case_id: str  # the appeal's / suit's workflow id (the path's fixed id)
    handle: WorkflowHandle | None = None

    async def file_appeal(self) -> tuple[WorkflowHandle, str]:
        """File an appeal against the partial decision today, as the counter does; wait for its link."""
        at = await self.request.env.get_current_time()
        today = jst_date(at).isoformat()
        appeal = await self.file(AppealWorkflow.run, ac.FileAppeal(
            appeal_id=self.case_id, request_id=self.request.id, filed_on=today,
            appellant_party_id=self.requester_party_id, grounds="交渉記録の公開を求める", department="toshi",
            decided_on=self.decision["decided_on"],
            decision={"outcome": "partial", "documents": self.decision["documents"]},
            requester_party_id=self.requester_party_id, actor=FRONT, rules=load_profile("koganei").appeal_rules(),
            entered_at=at))
        assert (await appeal.execute_update(AppealWorkflow.registered)).status == "under_review"
        await self.request.wait_for_event("AppealLinked")
        return appeal, today

    async def file(self, run: Any, arg: Any) -> WorkflowHandle:
        self.handle = await self.request.env.client.start_workflow(
            run, arg, id=self.case_id, task_queue=self.queue, id_conflict_policy=WorkflowIDConflictPolicy.FAIL)
        return self.handle


@asynccontextmanager
async def recording_challenge(env: WorkflowEnvironment, database_url: str, path: str,
                              request_id: str, *, save_request: bool = False) -> AsyncIterator[Challenge]:
    """Decide a request (partial), let the test file and drive an appeal or suit, then save ITS history.

    The request itself is not saved (its paths have their own recordings) unless ``save_request``: then
    the request's history is the one saved (its challenge signals, the reopening). Both are terminated
    at the end if still running.
    """
    spec = PATHS[path]
    if history_file(path).exists() and os.environ.get(OVERWRITE_FLAG) != "1":
        pytest.skip(f"{history_file(path).name} is already recorded (set {OVERWRITE_FLAG}=1 to replace it)")
    async with running_worker(env.client, database_url, REPLAY_KEYRING) as (queue, pool, vault):
        now = await env.get_current_time()
        today = jst_date(now)
        inp = await register_input(pool, vault, request_id, today.isoformat(), entered_at=now)
        start = WithStartWorkflowOperation(
            RequestWorkflow.run, inp, id=request_id, task_queue=queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        )
        await env.client.execute_update_with_start_workflow(
            RequestWorkflow.registered, start_workflow_operation=start)
        request = Case(env, await start.workflow_handle(), pool, vault)
        await request.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="partial", exemptions=(c.Exemption("9-2", "個人に関する情報"),),
            documents=(c.Document("契約書", "partial"), c.Document("交渉記録", "withheld")),
            reason_text="個人に関する情報を含むため", disclosure_on=(today + timedelta(days=5)).isoformat()))
        decided = await request.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        assert decided["status"] == "decided"
        state = await request.state()
        challenge = Challenge(request, queue, inp.requester_party_id, state["decision"], spec.case_id)
        try:
            yield challenge
        finally:
            # Wait for in-flight activities before terminating: a workflow terminated mid-activity
            # stalls the time-skipping server.
            await stop_all([h for h in (challenge.handle, request.handle) if h is not None])
        handle = request.handle if save_request else challenge.handle
        assert handle is not None, f"{path}: nothing was filed"
        desc = await handle.describe()
        assert desc.workflow_type == spec.workflow_type, f"{path} saved a {desc.workflow_type}"
        assert desc.status is not None
        assert desc.status.name.lower() == spec.ends, f"{path} ended {desc.status.name}, expected {spec.ends}"
        history = await handle.fetch_history()
    HISTORIES.mkdir(parents=True, exist_ok=True)
    history_file(path).write_text(history.to_json() + "\n", encoding="utf-8")


async def test_full(replay_env, database_url) -> None:
    await _full(replay_env, database_url, "full")


async def test_full_local_record(replay_env, database_url) -> None:
    """Issue 15: the same path, recorded after record_events became a local activity (a marker and
    local-activity markers in place of record_events' activity tasks)."""
    await _full(replay_env, database_url, "full_local_record")


async def test_full_local_notice(replay_env, database_url) -> None:
    """Issue 15: the same path, recorded after issue_notice became a local activity too."""
    await _full(replay_env, database_url, "full_local_notice")


async def _full(replay_env, database_url, path: str) -> None:
    async with recording(replay_env, database_url, path) as case:
        today = await case.today()
        await case.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="full", documents=(c.Document("契約書", "full"),),
            disclosure_on=today.isoformat()))
        decided = await case.act("approve-decision", c.ApproveDecision(actor=APPROVER, comment="決裁"))
        assert decided["status"] == "decided"
        await case.act("record-notice-delivery", c.RecordNoticeDelivery(actor=FRONT))
        disclosed = await case.act("record-disclosure", c.RecordDisclosure(
            actor=FRONT, method="copy", pages=12, fee_yen=120))
        assert disclosed["status"] == "disclosed"
        assert await case.result() == "final"  # the server skips to the appeal window's end
        assert (await case.event_types())[-2:] == ["AppealWindowClosed", "CaseClosed"]


NOT_HELD = c.DecisionPart("non_disclosure", non_disclosure_ground="not_held",
                          documents=(c.Document("協議録", "withheld"),), reason_text="協議録は作成していないため")


async def test_two_decisions(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "two_decisions") as case:
        today = await case.today()
        full = c.DecisionPart("full", documents=(c.Document("契約書", "full"),), disclosure_on=today.isoformat())
        await case.act("draft-decision", c.DraftDecision(actor=REVIEWER, parts=(full, NOT_HELD)))
        decided = await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        assert decided["status"] == "decided"
        await case.env.sleep(timedelta(days=20))
        await case.act("record-notice-delivery", c.RecordNoticeDelivery(
            actor=FRONT, delivered_on=(today + timedelta(days=20)).isoformat(), decision_id=f"{case.id}-D2"))
        await case.act("record-disclosure", c.RecordDisclosure(actor=FRONT, method="viewing"))
        assert await case.result() == "final"
        assert (await case.event_types())[-3:] == ["AppealWindowClosed", "AppealWindowClosed", "CaseClosed"]


async def test_large_volume_remainder(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "large_volume_remainder") as case:
        today = await case.today()
        await case.act("extend", c.Extend(actor=REVIEWER, large_volume=True, reason="著しく大量",
                                          partial_due=(today + timedelta(days=30)).isoformat(),
                                          remainder_due=(today + timedelta(days=60)).isoformat()))
        full = c.DecisionPart("full", documents=(c.Document("契約書", "full"),), disclosure_on=today.isoformat())
        await case.act("draft-decision", c.DraftDecision(actor=REVIEWER, parts=(full,)))
        await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        await case.act("record-disclosure", c.RecordDisclosure(actor=FRONT, method="viewing"))
        await case.env.sleep(timedelta(days=62))
        types = await case.wait_for_event("RemainderOverdue")
        assert types.index("RemainderReminderSent") < types.index("RemainderOverdue")
        await case.act("draft-decision", c.DraftDecision(actor=REVIEWER, parts=(NOT_HELD,)))
        await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        assert await case.result() == "final"


async def test_partial_third_party(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "partial_third_party") as case:
        async with case.pool.acquire() as conn:
            party = await case.vault.add(conn, party_role="third_party", party_type="corporation",
                                         name="株式会社テスト", case_id=case.id)
        await case.act("consult-third-party", c.ConsultThirdParty(
            actor=REVIEWER, party=c.ThirdPartyRef(party, "corporation")))
        await case.act("record-third-party-opinion", c.RecordThirdPartyOpinion(
            actor=FRONT, party_id=party, objects=True, summary="競争上の地位を害するため反対"))
        today = await case.today()
        await case.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="partial", exemptions=(c.Exemption("9-3", "法人の競争上の地位"),),
            documents=(c.Document("契約書", "partial"),), disclosure_on=(today + timedelta(days=15)).isoformat()))
        await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        earliest = (await case.state())["decision"]["earliest_disclosure_on"]
        assert earliest and earliest <= (today + timedelta(days=15)).isoformat()
        await case.env.sleep(timedelta(days=15, hours=1))
        await case.wait_for_event("ThirdPartyHoldEnded")
        disclosed = await case.act("record-disclosure", c.RecordDisclosure(actor=FRONT, method="copy"))
        assert disclosed["status"] == "disclosed"
        assert await case.result() == "final"


async def test_pi_procedure(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "pi_procedure", kind="personal_info_disclosure") as case:
        today = await case.today()
        await case.act("request-correction", c.RequestCorrection(
            actor=REVIEWER, respond_by=(today + timedelta(days=7)).isoformat(), what="本人確認書類の提示"))
        await case.act("record-correction", c.RecordCorrection(actor=FRONT, received_on=today.isoformat()))
        async with case.pool.acquire() as conn:
            party = await case.vault.add(conn, party_role="third_party", party_type="individual",
                                         name="鈴木 花子", case_id=case.id)
        await case.act("consult-third-party", c.ConsultThirdParty(
            actor=REVIEWER, party=c.ThirdPartyRef(party, "individual")))
        await case.act("record-third-party-opinion", c.RecordThirdPartyOpinion(
            actor=FRONT, party_id=party, objects=True, summary="反対"))
        await case.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="full", documents=(c.Document("審査記録", "full"),),
            disclosure_on=(today + timedelta(days=20)).isoformat()))
        await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        types = [n["type"] for n in await _notices(case)]
        assert {"pi_correction_request", "pi_third_party_opinion_request", "pi_third_party_disclosure_notice",
                "pi_disclosure_full"} <= set(types), types


async def test_pi_correction_recipients(replay_env, database_url) -> None:
    today = jst_date(await replay_env.get_current_time())
    async with recording(replay_env, database_url, "pi_correction_recipients", kind="personal_info_correction",
                         disclosed_on=(today - timedelta(days=5)).isoformat()) as case:
        async with case.pool.acquire() as conn:
            recipients = tuple([await case.vault.add(conn, party_role="recipient", party_type="corporation",
                                                     name=name, case_id=case.id)
                                for name in ("多摩地域児童福祉事務組合", "東京都知事")])
        await case.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="full", reason_text="住所の記載を訂正", recipients=recipients))
        await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        types = [n["type"] for n in await _notices(case)]
        assert types.count("pi_correction_recipient_notice") == 2 and "pi_correction_granted" in types, types


async def _notices(case: Case) -> list[dict[str, Any]]:
    async with case.pool.acquire() as conn:
        rows = await conn.fetch("select notice_type from notices where case_id = $1", case.id)
    return [{"type": r["notice_type"]} for r in rows]


async def test_non_disclosure_not_held(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "non_disclosure_not_held") as case:
        await case.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="non_disclosure", non_disclosure_ground="not_held",
            reason_text="作成していないため"))
        await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        assert await case.result() == "final"


async def test_correction_dismissed(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "correction_dismissed") as case:
        today = await case.today()
        await case.act("request-correction", c.RequestCorrection(
            actor=REVIEWER, respond_by=(today + timedelta(days=7)).isoformat(), what="対象を特定してください"))
        await case.env.sleep(timedelta(days=10))
        types = await case.wait_for_event("CorrectionResponseLapsed")
        assert "DecisionOverdue" not in types  # the clock is stopped while awaiting correction
        await case.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="dismissed", reason_text="期限までに補正がなかったため"))
        await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        assert await case.result() == "dismissed"


async def test_withdrawn(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "withdrawn") as case:
        await case.act("assign", c.Assign(actor=FRONT, reviewer="shinsa"))
        withdrawn = await case.act("withdraw", c.Withdraw(actor=FRONT, reason="取下書の提出"))
        assert withdrawn["status"] == "closed"
        assert await case.result() == "withdrawn"


async def test_extended_overdue(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "extended_overdue") as case:
        today = await case.today()
        before = await case.state()
        new_due = date.fromisoformat(before["decision_due"]) + timedelta(days=20)
        await case.act("extend", c.Extend(actor=REVIEWER, new_due=new_due.isoformat(), reason="大量のため"))
        due = date.fromisoformat((await case.state())["decision_due"])
        await case.env.sleep(timedelta(days=(due - today).days + 2))
        types = await case.wait_for_event("DecisionOverdue")
        assert types.index("DeadlineExtended") < types.index("ReminderSent") < types.index("DecisionOverdue")
        # Left waiting for a decision: the recording terminates it.


async def test_returned_draft(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "returned_draft") as case:
        exemption = c.Exemption("9-5", "犯罪の予防に支障を及ぼすおそれがあるため")
        await case.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="non_disclosure", non_disclosure_ground="exempt", exemptions=(exemption,)))
        returned = await case.act("return-draft", c.ReturnDraft(actor=APPROVER, comment="理由を具体的に"))
        assert returned["status"] == "under_review"
        await case.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="non_disclosure", non_disclosure_ground="exempt",
            exemptions=(c.Exemption("9-5", "警備計画が明らかになり、犯罪の予防に支障を及ぼすおそれがあるため"),)))
        await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        assert await case.result() == "final"


async def test_ncnd(replay_env, database_url) -> None:
    async with recording(replay_env, database_url, "ncnd") as case:
        await case.act("draft-decision", c.DraftDecision(
            actor=REVIEWER, outcome="neither_confirm_nor_deny",
            exemptions=(c.Exemption("9-2", "存否を答えるだけで特定個人の病歴が明らかになるため"),)))
        decided = await case.act("approve-decision", c.ApproveDecision(actor=APPROVER))
        assert decided["status"] == "decided"
        await case.act("record-ncnd-report", c.RecordNcndReport(actor=OFFICER, session_ref="第3回審査会"))
        assert (await case.state())["ncnd_reported_on"]
        assert await case.result() == "final"


def main() -> int:
    os.environ[ENV_FLAG] = "1"
    here = Path(__file__).resolve()
    os.chdir(here.parents[2])  # the repository root: pyproject.toml and tests/conftest.py
    return int(pytest.main([str(here), "-q", "-p", "no:cacheprovider", *sys.argv[1:]]))


if __name__ == "__main__":
    sys.exit(main())


async def test_appeal_partial_grant(replay_env, database_url) -> None:
    council = Actor("shingikai", "council")
    async with recording_challenge(replay_env, database_url, "appeal_partial_grant", "R-2099-90101") as ch:
        appeal, today = await ch.file_appeal()
        referred = await appeal.execute_update("refer-to-council", ac.ReferToCouncil(actor=OFFICER))
        assert referred["status"] == "referred"
        await appeal.execute_update("record-session", ac.RecordSession(
            actor=council, held_on=today, present=("m1", "m2"), in_camera=True))
        await appeal.execute_update("record-session", ac.RecordSession(
            actor=council, held_on=today, present=("m1", "m2", "m3"), in_camera=True, oral_statement=True))
        await appeal.execute_update("adopt-report", ac.AdoptReport(
            actor=council, adopted_on=today, conclusion="disclose_in_part", text="交渉記録の日時は公開すべき",
            votes_for=3))
        scope = (ac.ScopeItem("契約書", "partial"), ac.ScopeItem("交渉記録", "partial"))
        await appeal.execute_update("record-ruling", ac.RecordRuling(
            actor=OFFICER, ruling="partly_granted", scope=scope, text="一部認容"))
        assert await appeal.result() == "ruled"


async def test_appeal_referral_pack(replay_env, database_url) -> None:
    council = Actor("shingikai", "council")
    async with recording_challenge(replay_env, database_url, "appeal_referral_pack", "R-2099-90103") as ch:
        appeal, today = await ch.file_appeal()
        referred = await appeal.execute_update("refer-to-council", ac.ReferToCouncil(actor=OFFICER))
        assert referred["status"] == "referred"
        await appeal.execute_update("record-explanation", ac.RecordExplanation(
            actor=OFFICER, text="交渉記録は今後の交渉に支障がある"))
        await appeal.execute_update("record-session", ac.RecordSession(
            actor=council, held_on=today, present=("m1", "m2", "m3"), in_camera=True))
        await appeal.execute_update("adopt-report", ac.AdoptReport(
            actor=council, adopted_on=today, conclusion="uphold", text="原処分は妥当", votes_for=3))
        await appeal.execute_update("record-ruling", ac.RecordRuling(actor=OFFICER, ruling="rejected", text="棄却"))
        assert await appeal.result() == "ruled"


async def test_suit_final(replay_env, database_url) -> None:
    async with recording_challenge(replay_env, database_url, "suit_final", "R-2099-90102") as ch:
        at = await replay_env.get_current_time()
        today = jst_date(at).isoformat()
        suit = await ch.file(SuitWorkflow.run, lc.FileSuit(
            suit_id=ch.case_id, request_id=ch.request.id, target="decision", filed_on=today,
            learned_on=ch.decision["decided_on"], decided_on=ch.decision["decided_on"], court="東京地方裁判所",
            case_number="令和7年(行ウ)第123号", department="toshi",
            documents=tuple(lc.ScopeItem(d["title"], d["disclosure"]) for d in ch.decision["documents"]),
            actor=OFFICER, rules=lc.SuitRules(), entered_at=at))
        await suit.execute_update(SuitWorkflow.registered)
        await ch.request.wait_for_event("SuitLinked")
        judged = await suit.execute_update(SuitWorkflow.record_judgment, lc.RecordJudgment(
            OFFICER, court_level="district", judged_on=today, served_on=today, outcome="upheld"))
        assert (judged.status, judged.level) == ("pending", "district")
        assert await suit.result() == "upheld"  # the server skips past the 2-week appeal window
        await ch.request.wait_for_event("ChallengeConcluded")


async def test_appeal_reopens_request(replay_env, database_url) -> None:
    """The request's side of a granted appeal: the sealed challenge-linked / -concluded signals, each checked
    by the check_signal_seal local activity (patch challenge-signal-seal), then the reopening."""
    spec = PATHS["appeal_reopens_request"]
    async with recording_challenge(replay_env, database_url, "appeal_reopens_request", spec.case_id,
                                   save_request=True) as ch:
        ch.case_id = "A-2099-90003"
        appeal, today = await ch.file_appeal()
        await appeal.execute_update("refer-to-council", ac.ReferToCouncil(actor=OFFICER))
        await appeal.execute_update("record-session", ac.RecordSession(
            actor=Actor("shingikai", "council"), held_on=today, present=("m1", "m2", "m3"), in_camera=True))
        await appeal.execute_update("adopt-report", ac.AdoptReport(
            actor=Actor("shingikai", "council"), adopted_on=today, conclusion="disclose_in_full", text="公開すべき",
            votes_for=3))
        scope = (ac.ScopeItem("契約書", "full"), ac.ScopeItem("交渉記録", "full"))
        await appeal.execute_update("record-ruling", ac.RecordRuling(
            actor=OFFICER, ruling="granted", scope=scope, text="認容"))
        assert await appeal.result() == "ruled"
        await ch.request.wait_for_event("RequestReopened")
