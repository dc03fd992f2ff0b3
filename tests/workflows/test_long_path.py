"""The whole life of a contested decision on the time-skipping server, months in seconds:

request → partial decision → appeal → referral → two sessions (one below quorum) → report →
partial grant → the request reopens and discloses more → suit → district judgment → high-court
appeal → high-court judgment → final.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.appeals import commands as ac
from domain.clock import jst_date
from domain.litigation import commands as lc
from domain.requests import commands as c
from tests.workflows.harness import (
    APPROVER,
    FRONT,
    OFFICER,
    PROFILE,
    REVIEWER,
    register_input,
    running_worker,
    stop_all,
)
from tests.workflows.test_litigation import projected_request
from tests.workflows.test_request_timers import wait_for_event
from workflows.appeal import AppealWorkflow
from workflows.litigation import SuitWorkflow
from workflows.request import RequestWorkflow


async def test_contested_decision_from_request_to_final_judgment(time_env, database_url, keyring) -> None:
    from domain.actors import Actor

    council = Actor("shingikai", "council")
    async with running_worker(time_env.client, database_url, keyring) as (queue, pool, vault):
        client, handles = time_env.client, []
        try:
            now = await time_env.get_current_time()
            today = jst_date(now)
            rid = f"R-2099-{uuid.uuid4().int % 100000:05d}"
            inp = await register_input(pool, vault, rid, today.isoformat(), entered_at=now)
            request = await client.start_workflow(RequestWorkflow.run, inp, id=rid, task_queue=queue)
            handles.append(request)
            await request.execute_update(RequestWorkflow.registered)
            docs = (c.Document("契約書", "partial"), c.Document("交渉記録", "withheld"))
            await request.execute_update("draft-decision", c.DraftDecision(
                actor=REVIEWER, outcome="partial", exemptions=(c.Exemption("9-4-ウ", "交渉への支障"),),
                documents=docs, disclosure_on=(today + timedelta(days=5)).isoformat()))
            await request.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
            decided = await request.query(RequestWorkflow.state)

            # 審査請求 a month later, within the 3-month window
            await time_env.sleep(timedelta(days=30))
            filed_at = await time_env.get_current_time()
            aid = f"A-2099-{uuid.uuid4().int % 1000:03d}"
            appeal = await client.start_workflow(AppealWorkflow.run, ac.FileAppeal(
                appeal_id=aid, request_id=rid, filed_on=jst_date(filed_at).isoformat(),
                appellant_party_id=inp.requester_party_id, grounds="交渉記録の公開を求める", department="toshi",
                decided_on=decided["decision"]["decided_on"],
                decision={"outcome": "partial", "documents": decided["decision"]["documents"]},
                requester_party_id=inp.requester_party_id, actor=FRONT, rules=PROFILE.appeal_rules(),
                entered_at=filed_at), id=aid, task_queue=queue)
            handles.append(appeal)
            assert (await appeal.execute_update(AppealWorkflow.registered)).status == "under_review"
            await wait_for_event(pool, rid, "AppealLinked")
            assert (await projected_request(pool, rid))["status"] == "under_appeal"
            with pytest.raises(WorkflowUpdateFailedError):  # no ruling before the council has reported
                await appeal.execute_update("record-ruling", ac.RecordRuling(actor=OFFICER, ruling="rejected"))
            await appeal.execute_update("record-explanation", ac.RecordExplanation(actor=REVIEWER, text="理由説明書"))
            await appeal.execute_update("refer-to-council", ac.ReferToCouncil(actor=OFFICER))

            await time_env.sleep(timedelta(days=20))
            day = jst_date(await time_env.get_current_time()).isoformat()
            await appeal.execute_update("record-session", ac.RecordSession(
                actor=council, held_on=day, present=("m1", "m2"), in_camera=True))
            with pytest.raises(WorkflowUpdateFailedError):  # below quorum: no report
                await appeal.execute_update("adopt-report", ac.AdoptReport(
                    actor=council, adopted_on=day, conclusion="disclose_in_part", text="一部公開", votes_for=2))
            await time_env.sleep(timedelta(days=14))
            day = jst_date(await time_env.get_current_time()).isoformat()
            await appeal.execute_update("record-session", ac.RecordSession(
                actor=council, held_on=day, present=("m1", "m2", "m3", "m4"), in_camera=True, oral_statement=True))
            await appeal.execute_update("adopt-report", ac.AdoptReport(
                actor=council, adopted_on=day, conclusion="disclose_in_part", text="交渉記録の日時は公開すべき",
                votes_for=3, votes_against=1))
            scope = (ac.ScopeItem("契約書", "partial"), ac.ScopeItem("交渉記録", "partial"))
            await appeal.execute_update("record-ruling", ac.RecordRuling(
                actor=OFFICER, ruling="partly_granted", scope=scope, text="一部認容"))
            assert await appeal.result() == "ruled"

            # the request reopens for the wider scope and discloses it
            await wait_for_event(pool, rid, "RequestReopened")
            wider = tuple(c.Document(i.title, i.disclosure) for i in scope)
            reday = jst_date(await time_env.get_current_time())
            await request.execute_update("draft-decision", c.DraftDecision(
                actor=REVIEWER, outcome="partial", exemptions=(c.Exemption("9-4-ウ", "交渉相手の発言部分"),),
                documents=wider, disclosure_on=(reday + timedelta(days=3)).isoformat()))
            await request.execute_update("approve-decision", c.ApproveDecision(actor=APPROVER))
            await time_env.sleep(timedelta(days=3))
            done = await request.execute_update("record-disclosure", c.RecordDisclosure(actor=FRONT, method="copy"))
            assert done["status"] == "disclosed"

            # 取消訴訟 against the ruling, two instances, then final
            at = await time_env.get_current_time()
            lid = f"L-2099-{uuid.uuid4().int % 100000:05d}"
            suit = await client.start_workflow(SuitWorkflow.run, lc.FileSuit(
                suit_id=lid, request_id=rid, appeal_id=aid, target="ruling", filed_on=jst_date(at).isoformat(),
                decided_on=jst_date(at).isoformat(), court="東京地方裁判所", case_number="令和8年(行ウ)第1号",
                department="toshi", documents=tuple(lc.ScopeItem(i.title, i.disclosure) for i in scope),
                actor=OFFICER, rules=lc.SuitRules(), entered_at=at), id=lid, task_queue=queue)
            handles.append(suit)
            await suit.execute_update(SuitWorkflow.registered)
            await time_env.sleep(timedelta(days=120))
            served = jst_date(await time_env.get_current_time()).isoformat()
            await suit.execute_update("record-judgment", lc.RecordJudgment(
                actor=OFFICER, court_level="district", served_on=served, outcome="upheld"))
            await time_env.sleep(timedelta(days=10))
            await suit.execute_update("record-appeal", lc.RecordSuitAppeal(actor=OFFICER, court="東京高等裁判所"))
            await time_env.sleep(timedelta(days=150))
            served = jst_date(await time_env.get_current_time()).isoformat()
            await suit.execute_update("record-judgment", lc.RecordJudgment(
                actor=OFFICER, court_level="high", served_on=served, outcome="upheld"))
            assert await suit.result() == "upheld"  # nobody appeals to the Supreme Court within two weeks
            types = await wait_for_event(pool, rid, "SuitLinked")
            assert types.index("AppealLinked") < types.index("RequestReopened") < types.index("SuitLinked")
            await wait_for_event(pool, rid, "ChallengeConcluded")
            assert await request.result() == "final"  # disclosed, appeal window long past, suit over
        finally:
            await stop_all(handles)
