"""Faults (issue 17): every wait bounded, late actions refused, honest repeats, no invisible reservations,
PostgreSQL loss answered 503, readiness that sees the worker, a body limit.

The "worker down" here is a task queue nobody polls: the API and Temporal run, the worker for that queue
is started and stopped by the test (as when `kaiji worker` dies and comes back).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from domain import clock
from domain.profile import load_profile
from kaiji.reconcile import reconcile_once
from kaiji.secrets import load_secrets
from kaiji.security.keys import KeyRing
from kaiji.settings import Settings
from kaiji.temporal import connect_client
from store.db import create_pool
from tests.integration.conftest import Api, api_settings, serving
from worker import build_worker

BOUND = 6.0  # seconds: KAIJI_ACTION_TIMEOUT_SECONDS of these tests
SOON = (clock.today() + timedelta(days=7)).isoformat()
FULL = {"outcome": "full", "documents": [{"title": "契約書", "disclosure": "full"}], "disclosure_on": SOON}
OTHER = {"outcome": "full", "documents": [{"title": "設計書", "disclosure": "full"}], "disclosure_on": SOON}


@dataclass
class Outage:
    api: Api
    settings: Settings

    @asynccontextmanager
    async def worker(self) -> AsyncIterator[tuple[asyncpg.Pool, object]]:
        """The worker for this task queue, running for the block (the outage is outside it)."""
        secrets = load_secrets(self.settings)
        pool = await create_pool(self.settings.database_url, max_size=4)
        client = await connect_client(self.settings, secrets)
        try:
            async with build_worker(client, pool, self.settings, secrets, load_profile(self.settings.profile)):
                yield pool, client
        finally:
            await pool.close()


@pytest.fixture(scope="module")
async def outage(integration_db: str, temporal_dev: str, keyring: KeyRing, services_dir: Path) -> AsyncIterator[Outage]:
    settings = api_settings(integration_db, temporal_dev, keyring, services_dir / "data", "faults").model_copy(
        update={"action_timeout_seconds": BOUND, "reservation_grace_seconds": 0.5})
    async with serving(settings, pool_size=4, with_worker=False) as api:
        yield Outage(api, settings)


async def _register(api: Api, **headers: str) -> httpx.Response:
    body = {"kind": "public_records", "channel": "counter",
            "requester": {"name": "障害 花子", "type": "individual", "address": "小金井市本町6-6-3"},
            "subject": "障害試験の文書", "department": "toshi", "preferred_method": "copy"}
    return await api.http.post("/api/v1/requests", json=body, headers=api.as_("madoguchi") | headers)


def _drafts(events: list[dict]) -> list[dict]:
    return [e for e in events if e["type"] == "DecisionDrafted"]


async def test_worker_down_answers_503_within_the_bound_and_the_abandoned_action_is_refused(outage: Outage) -> None:
    api = outage.api
    async with outage.worker():
        case = await api.register()
    started = time.monotonic()
    r = await api.act(case["id"], "draft-decision", FULL, "shinsa")  # no worker: nobody takes it
    waited = time.monotonic() - started
    assert r.status_code == 503, r.text
    assert waited < BOUND + 2, f"waited {waited:.1f}s for a {BOUND}s bound"
    error = r.json()["error"]
    assert error["details"]["outcome"] == "unknown"
    until = datetime.fromisoformat(error["details"]["may_apply_until"])
    assert until.isoformat(timespec="seconds") in error["message"]
    assert 1 <= int(r.headers["Retry-After"]) <= BOUND + 1
    await asyncio.sleep(max(0.0, (until - clock.now()).total_seconds()) + 0.5)
    async with outage.worker():  # the worker is back after the expiry: the abandoned draft reaches it now
        r = await api.act(case["id"], "draft-decision", OTHER, "shinsa")
        assert r.status_code == 200, r.text
    drafts = _drafts(await api.events(case["id"]))
    assert len(drafts) == 1, drafts  # the expired full draft was refused, not applied
    assert drafts[0]["data"]["documents"][0]["title"] == "設計書"


async def test_an_accepted_idempotency_key_answers_its_first_outcome(outage: Outage) -> None:
    api = outage.api
    async with outage.worker():
        case = await api.register()
        headers = api.as_("shinsa") | {"Idempotency-Key": f"draft-{case['id']}"}
        url = f"/api/v1/requests/{case['id']}/draft-decision"
        first = await api.http.post(url, json=FULL, headers=headers)
        assert first.status_code == 200, first.text
        again = await api.http.post(url, json=FULL, headers=headers)
        assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
        assert again.json()["status"] == first.json()["status"]
        other = await api.http.post(url, json=OTHER, headers=headers)
        assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
        # A refusal is an outcome too: the same key repeats it (and writes no second audit line).
        disclose = api.as_("madoguchi") | {"Idempotency-Key": f"disclose-{case['id']}"}
        body = {"method": "copy", "pages": 1, "fee_yen": 10}
        url = f"/api/v1/requests/{case['id']}/record-disclosure"
        refused = await api.http.post(url, json=body, headers=disclose)  # not decided yet
        assert refused.status_code == 409, refused.text
        repeat = await api.http.post(url, json=body, headers=disclose)
        assert repeat.status_code == 409 and repeat.headers.get("Idempotent-Replayed") == "true"
        assert repeat.json()["error"]["message"] == refused.json()["error"]["message"]
    assert len(_drafts(await api.events(case["id"]))) == 1


async def test_a_repeat_after_a_lost_answer_learns_the_outcome_instead_of_acting_twice(outage: Outage) -> None:
    """The action was applied but its answer was lost (Temporal restarted, the API crashed before it
    recorded the outcome): the repeat with the same key reaches the same Temporal update (deduplicated
    by its id) and answers 200, instead of drafting twice or answering 409."""
    api = outage.api
    async with outage.worker() as (pool, _client):
        case = await api.register()
        headers = api.as_("shinsa") | {"Idempotency-Key": f"lost-{case['id']}"}
        url = f"/api/v1/requests/{case['id']}/draft-decision"
        assert (await api.http.post(url, json=FULL, headers=headers)).status_code == 200
        async with pool.acquire() as conn:  # as if the answer had never come back
            await conn.execute("update action_keys set outcome = null where case_id = $1", case["id"])
        repeat = await api.http.post(url, json=FULL, headers=headers)
        assert repeat.status_code == 200, repeat.text
        assert repeat.headers.get("Idempotent-Replayed") is None  # learned from Temporal, not the table
    assert len(_drafts(await api.events(case["id"]))) == 1


async def test_a_registration_during_an_outage_is_finished_by_the_system(outage: Outage) -> None:
    api = outage.api
    r = await _register(api)
    assert r.status_code == 503, r.text
    case_id = r.json()["error"]["details"]["id"]
    assert r.json()["error"]["details"]["outcome"] == "reserved" and "Retry-After" in r.headers
    await asyncio.sleep(outage.settings.reservation_grace_seconds)
    async with outage.worker() as (pool, client):
        outcome = await reconcile_once(pool, client, outage.settings)
        assert outcome.get(case_id) == "started", outcome
        async with pool.acquire() as conn:
            audit = await conn.fetchval(
                "select count(*) from audit_log where action = 'registration.completed' and entity_id = $1", case_id)
            assert audit == 1
        assert case_id not in await reconcile_once(pool, client, outage.settings)  # done once
    r = await api.http.get(f"/api/v1/requests/{case_id}", headers=api.as_("johokokai"))
    assert r.status_code == 200 and r.json()["status"] == "under_review"


async def test_a_reservation_that_cannot_start_is_voided_visibly(outage: Outage) -> None:
    async with outage.worker() as (pool, client):
        async with pool.acquire() as conn:
            await conn.execute(
                """insert into registrations (idempotency_key, case_id, request_hash, created_at)
                   values ('auto:R-1999-00001', 'R-1999-00001', 'x', now() - interval '1 hour')
                   on conflict do nothing""")
        outcome = await reconcile_once(pool, client, outage.settings)
        assert outcome.get("R-1999-00001") == "voided"
        async with pool.acquire() as conn:
            row = await conn.fetchrow("select voided_at, void_reason from registrations where case_id = 'R-1999-00001'")
            assert row["voided_at"] is not None and "never started" in row["void_reason"]
            assert await conn.fetchval("select count(*) from audit_log where action = 'registration.voided' "
                                       "and entity_id = 'R-1999-00001'") == 1


async def test_readyz_needs_a_worker_on_the_task_queue(outage: Outage) -> None:
    api = outage.api
    state = api.app.state.kaiji
    own = state.settings
    # A queue no worker ever polled (this module's queue saw workers in earlier tests, and Temporal
    # remembers a poller for KAIJI_WORKER_STALE_SECONDS).
    state.settings = own.model_copy(update={"task_queue": own.task_queue + "-never-polled"})
    try:
        r = await api.http.get("/readyz")
    finally:
        state.settings = own
    assert r.status_code == 503 and r.json()["error"]["details"]["worker"] == "no worker polling"
    async with outage.worker():
        for _ in range(50):
            r = await api.http.get("/readyz")
            if r.status_code == 200:
                break
            await asyncio.sleep(0.1)
        assert r.status_code == 200 and r.json()["checks"]["worker"] == "ok", r.text


async def test_database_unreachable_answers_503_with_retry_after(outage: Outage) -> None:
    api = outage.api
    state = api.app.state.kaiji
    healthy = state.pool
    # A pool towards a port where no PostgreSQL listens (as when the postmaster is down).
    state.pool = await asyncpg.create_pool("postgresql://postgres@127.0.0.1:9/kaiji", min_size=0, max_size=1)
    try:
        for method, path in (("GET", "/api/v1/requests"), ("GET", "/api/v1/requests/R-2026-00001"),
                             ("POST", "/api/v1/auth/token")):
            kwargs = {"data": {"username": "madoguchi", "password": "x"}} if method == "POST" else {}
            r = await api.http.request(method, path, headers=api.as_("johokokai"), **kwargs)
            assert r.status_code == 503, (path, r.text)
            assert r.json()["error"]["code"] == "unavailable" and r.headers["Retry-After"].isdigit()
    finally:
        await state.pool.close()
        state.pool = healthy


async def test_bodies_over_the_limit_are_refused_before_parsing(outage: Outage) -> None:
    api = outage.api
    limit = outage.settings.max_body_bytes
    big = b'{"x": "' + b"a" * (limit + 10) + b'"}'
    r = await api.http.post("/api/v1/requests", content=big, headers=api.as_("madoguchi") |
                            {"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(limit // 65536 + 2):
            yield b"a" * 65536

    r = await api.http.post("/api/v1/auth/token", content=chunks(),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    r = await api.http.post("/api/v1/auth/token", data={"username": "madoguchi", "password": "wrong"})
    assert r.status_code == 401  # a small body still reaches the route
