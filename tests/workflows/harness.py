"""Run RequestWorkflow with the real activities against a real (per-test) database."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from temporalio.client import Client
from temporalio.worker import Worker

from activities.cases import CaseActivities
from activities.events import EventActivities
from activities.notice_activity import NoticeActivities
from domain.actors import Actor
from domain.profile import load_profile
from domain.requests.registration import RegisterRequest
from kaiji.secrets import Secrets
from kaiji.security.action_seal import sealer_of
from kaiji.security.fields import SearchKey
from kaiji.security.keys import KeyRing
from store.db import create_pool
from store.parties import PartyVault
from worker import WORKFLOWS

PROFILE = load_profile("koganei")
FRONT = Actor("madoguchi", "front_desk")
REVIEWER = Actor("shinsa", "reviewer", "toshi")
APPROVER = Actor("kacho", "approver", "toshi")
OFFICER = Actor("johokokai", "records_officer")


def secrets_for(keyring: KeyRing) -> Secrets:
    return Secrets(keyring=keyring, search_key=SearchKey(b"s" * 32), token_key=b"t" * 32)


@asynccontextmanager
async def running_worker(client: Client, database_url: str, keyring: KeyRing,
                         event_activities: type[EventActivities] = EventActivities):
    pool = await create_pool(database_url, max_size=5)
    secrets = secrets_for(keyring)
    queue = "test-" + uuid.uuid4().hex[:8]
    events = event_activities(pool)
    notices = NoticeActivities(pool, secrets, PROFILE)
    cases = CaseActivities(pool, queue, sealer_of(client))
    async with Worker(client, task_queue=queue, workflows=WORKFLOWS,
                      activities=[events.record_events, notices.issue_notice, cases.load_stream,
                                  cases.signal_request, cases.check_signal_seal]):
        yield queue, pool, PartyVault(secrets.cipher, secrets.search_key)
    await pool.close()


async def register_input(pool, vault: PartyVault, case_id: str, received_on: str, *,
                         kind: str = "public_records", entered_at: datetime | None = None) -> RegisterRequest:
    async with pool.acquire() as conn:
        party = await vault.add(conn, party_role="requester", party_type="individual", name="山田 太郎",
                                address="小金井市本町6-6-3", case_id=case_id)
    return RegisterRequest(
        case_id=case_id, kind=kind, received_on=received_on, channel="counter", subject="道路補修工事の契約書",
        department="toshi", preferred_method="copy", requester_party_id=party, requester_type="individual",
        actor=FRONT, rules=PROFILE.case_rules(kind), entered_at=entered_at or datetime.now(UTC),
    )


async def stop_all(handles) -> None:
    """Terminate the cases a test left running, once no activity of theirs is in flight.

    The shared time-skipping server never skips time again if a workflow is terminated
    while one of its activities is still running, so wait for quiet first.
    """
    import asyncio

    from temporalio.client import WorkflowExecutionStatus

    for handle in handles:
        for _ in range(100):
            desc = await handle.describe()
            if desc.status != WorkflowExecutionStatus.RUNNING or not desc.raw_description.pending_activities:
                break
            await asyncio.sleep(0.05)
        if desc.status == WorkflowExecutionStatus.RUNNING:
            await handle.terminate("test finished")
