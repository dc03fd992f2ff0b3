"""Issue 17, "Temporal is a back door": a script that reaches the Temporal frontend cannot act on a case.

Three attackers against a case registered through the API: a raw client (no codec), a client with the
encryption key but no seal key (what the Web UI's codec server could produce), and one sealing with a
wrong key. Each is refused and leaves the case as it was; the API's own path still works.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from temporalio.client import Client, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from domain.actors import Actor
from domain.requests import commands as c
from domain.requests.registration import RegisterRequest
from kaiji.security.action_seal import SealingInterceptor
from kaiji.security.codec import data_converter
from kaiji.security.keys import KeyRing
from tests.integration.conftest import Api
from tests.integration.test_request_paths import DRAFTS, soon

FORGED = Actor("mallory", "reviewer", "toshi")
FORGED_APPROVER = Actor("mallory", "approver", "toshi")


def forged_draft() -> c.DraftDecision:
    return c.DraftDecision(actor=FORGED, parts=(c.DecisionPart("full", documents=(c.Document("契約書", "full"),)),))


async def attackers(temporal_dev: str, keyring: KeyRing) -> dict[str, Client]:
    return {
        "no codec": await Client.connect(temporal_dev),
        "codec, no seal": await Client.connect(temporal_dev, data_converter=data_converter(keyring)),
        "codec, wrong seal key": await Client.connect(
            temporal_dev, data_converter=data_converter(keyring), interceptors=[SealingInterceptor(b"w" * 32)]),
    }


async def test_forged_updates_are_refused_and_change_nothing(api: Api, temporal_dev: str, keyring: KeyRing) -> None:
    case = await api.register()
    before = await api.events(case["id"])
    for name, client in (await attackers(temporal_dev, keyring)).items():
        handle = client.get_workflow_handle(case["id"])
        for update, cmd in (("draft-decision", forged_draft()), ("approve-decision", c.ApproveDecision(
                actor=FORGED_APPROVER))):
            with pytest.raises(WorkflowUpdateFailedError) as info:
                await asyncio.wait_for(handle.execute_update(update, cmd), 20)
            cause = info.value.cause
            assert isinstance(cause, ApplicationError), name
            assert cause.type in {"unsealed", "forbidden"}, (name, cause.type, cause.message)
    after = await api.events(case["id"])
    assert after == before  # nothing recorded, no actor "mallory" anywhere
    assert "mallory" not in str(after)
    # the API's own path: the same actions, authenticated, are applied
    r = await api.act(case["id"], "draft-decision", DRAFTS["full"] | {"disclosure_on": soon()}, "shinsa")
    assert r.status_code == 200, r.text
    r = await api.act(case["id"], "approve-decision", {}, "kacho")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "decided"
    actors = {e["actor"] for e in await api.events(case["id"])}
    assert "mallory" not in actors and {"shinsa", "kacho"} <= actors


async def test_a_forged_start_fails_and_records_nothing(api: Api, temporal_dev: str, keyring: KeyRing) -> None:
    case_id = "R-2099-" + uuid.uuid4().hex[:5]
    forged = RegisterRequest(case_id=case_id, kind="public_records", received_on="2026-12-01", channel="counter",
                             subject="forged", department="toshi", preferred_method="copy",
                             requester_party_id="p-none", requester_type="individual", actor=FORGED)
    for name, client in (await attackers(temporal_dev, keyring)).items():
        wid = f"{case_id}-{name.replace(' ', '').replace(',', '')}"
        handle = await client.start_workflow("RequestCase", forged, id=wid, task_queue=api.settings.task_queue)
        with pytest.raises(WorkflowFailureError) as info:
            await asyncio.wait_for(handle.result(), 20)
        assert isinstance(info.value.cause, ApplicationError), name
        assert info.value.cause.type in {"unsealed", "forbidden"}, name
        r = await api.http.get(f"/api/v1/requests/{wid}/events", headers=api.as_("johokokai"))
        assert r.status_code == 404 or r.json()["events"] == [], (name, r.text)


async def test_forged_challenge_signals_change_nothing(api: Api, temporal_dev: str, keyring: KeyRing) -> None:
    """A signal needs the seal too: a holder of the codec key cannot reopen a request by "concluding" its
    appeal as granted, nor hang an invented appeal on its timeline. Each refusal is one audit line."""
    from domain.events import ChallengeLink, ChallengeOutcome
    from store.db import connect
    from tests.integration.test_appeals import TWO_DOCUMENTS, decided, file, request_events

    request = await decided(api, TWO_DOCUMENTS)
    appeal = await file(api, request["id"])  # the genuine appeal: its sealed link reaches the request
    await request_events(api, request["id"], "AppealLinked")
    before = await api.events(request["id"])
    granted = ChallengeOutcome(challenge_id=appeal["id"], result="granted", decided_on=soon(), reopen=True,
                               scope=[{"title": "交渉記録", "disclosure": "full"}])
    invented = ChallengeLink("appeal", "A-2099-99999", soon())
    clients = await attackers(temporal_dev, keyring)
    for client in clients.values():
        handle = client.get_workflow_handle(request["id"])
        await handle.signal("challenge-concluded", granted)
        await handle.signal("challenge-linked", invented)
    codec_holders = len(clients) - 1  # the raw client's payloads are not even decoded (strict codec)
    conn = await connect(api.settings.database_url)
    try:
        for _ in range(200):
            refused = await conn.fetch("select detail from audit_log where action = 'signal.refused' "
                                       "and entity_id = $1", request["id"])
            if len(refused) >= 2 * codec_holders:
                break
            await asyncio.sleep(0.1)
    finally:
        await conn.close()
    assert sorted((r["detail"]["signal"], r["detail"]["challenge_id"]) for r in refused) == sorted(
        [("challenge-concluded", appeal["id"]), ("challenge-linked", "A-2099-99999")] * codec_holders)
    await asyncio.sleep(0.5)
    assert await api.events(request["id"]) == before  # not reopened, no invented appeal
    r = await api.http.get(f"/api/v1/requests/{request['id']}", headers=api.as_("johokokai"))
    assert r.json()["status"] == "under_appeal"
