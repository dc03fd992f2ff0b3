"""The API against the real Temporal dev server and a real PostgreSQL, with an in-process worker."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from domain.profile import load_profile
from kaiji.secrets import load_secrets
from kaiji.security.fields import generate_search_key_spec
from kaiji.security.keys import KeyRing
from kaiji.security.passwords import PasswordHasher
from kaiji.settings import Settings
from kaiji.temporal import connect_client
from store import users
from store.db import connect, create_pool
from worker import build_worker

STAFF = {
    "madoguchi": ("front_desk", None),
    "shinsa": ("reviewer", "toshi"),
    "shinsa2": ("reviewer", "toshi"),
    "kacho": ("approver", "toshi"),
    "kankyo": ("reviewer", "kankyo"),
    "kankyo_kacho": ("approver", "kankyo"),
    "johokokai": ("records_officer", None),
    "shingikai": ("council", None),
    "admin": ("admin", None),
}
PASSWORD = "correct-horse-battery"


@dataclass
class Api:
    http: httpx.AsyncClient
    settings: Settings
    tokens: dict[str, dict[str, str]]
    app: FastAPI | None = None  # the same app object, for serving it over real HTTP (test_schemathesis)

    def as_(self, username: str) -> dict[str, str]:
        return self.tokens[username]

    async def register(self, who: str = "madoguchi", **overrides) -> dict:
        body = {
            "kind": "public_records", "channel": "counter",
            "requester": {"name": "山田 太郎", "type": "individual", "address": "小金井市本町6-6-3",
                          "phone": "042-387-0000", "email": "taro@example.jp"},
            "subject": "令和6年度 道路補修工事の契約書一式", "department": "toshi", "preferred_method": "copy",
        }
        body.update(overrides)
        r = await self.http.post("/api/v1/requests", json=body, headers=self.as_(who))
        assert r.status_code == 201, r.text
        return r.json()

    async def act(self, case_id: str, action: str, body: dict, who: str) -> httpx.Response:
        return await self.http.post(f"/api/v1/requests/{case_id}/{action}", json=body, headers=self.as_(who))

    async def events(self, case_id: str) -> list[dict]:
        r = await self.http.get(f"/api/v1/requests/{case_id}/events", headers=self.as_("johokokai"))
        assert r.status_code == 200, r.text
        return r.json()["events"]


def api_settings(database_url: str, temporal_address: str, keyring: KeyRing, data_dir: Path,
                  queue_prefix: str) -> Settings:
    return Settings(
        database_url=database_url, temporal_address=temporal_address,
        task_queue=f"{queue_prefix}-" + uuid.uuid4().hex[:8], data_dir=data_dir,
        encryption_keys=f"{keyring.primary_id}:" + _key_b64(keyring), search_key=generate_search_key_spec(),
        token_secret=uuid.uuid4().hex, seal_key=uuid.uuid4().hex, log_format="json",
        registration_rate_limit=0,  # bulk tests register fast; the limit's own tests set one (test_api_auth)
    )


@asynccontextmanager
async def serving(settings: Settings, *, pool_size: int, with_worker: bool = True) -> AsyncIterator[Api]:
    """The staff of ``STAFF`` in the database, a worker (unless ``with_worker`` is false: a task queue
    nobody polls, as when the worker is down) and the app running, each user signed in."""
    conn = await connect(settings.database_url)
    digest = PasswordHasher().hash(PASSWORD)
    for name, (role, dept) in STAFF.items():
        if await users.get(conn, name) is None:
            await users.add(conn, username=name, password_hash=digest, role=role, department=dept)
    await conn.close()
    secrets = load_secrets(settings)
    pool = await create_pool(settings.database_url, max_size=pool_size)
    client = await connect_client(settings, secrets)
    worker = build_worker(client, pool, settings, secrets, load_profile(settings.profile))
    app = create_app(settings)
    try:
        async with worker if with_worker else contextlib.nullcontext(), app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://kaiji.test", timeout=60) as http:
                tokens = {}
                for name in STAFF:
                    r = await http.post("/api/v1/auth/token", data={"username": name, "password": PASSWORD})
                    assert r.status_code == 200, r.text
                    tokens[name] = {"Authorization": f"Bearer {r.json()['access_token']}"}
                yield Api(http, settings, tokens, app)
    finally:
        await pool.close()


@pytest.fixture(scope="package")
async def api(integration_db: str, temporal_dev: str, keyring: KeyRing, services_dir: Path) -> AsyncIterator[Api]:
    settings = api_settings(integration_db, temporal_dev, keyring, services_dir / "data", "api")
    # schemathesis posts hundreds of sign-in forms from 127.0.0.1; the address throttle has its own tests
    # (tests/security/test_guards.py) and must not lock the package's later sign-ins out.
    settings = settings.model_copy(update={"login_address_limit": 1_000_000})
    async with serving(settings, pool_size=10) as api:
        yield api


def _key_b64(keyring: KeyRing) -> str:
    from kaiji.security.keys import b64url_encode

    return b64url_encode(keyring.key(keyring.primary_id))
