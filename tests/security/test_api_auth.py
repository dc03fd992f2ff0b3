"""Sign-in, session cookie + CSRF, logout, argon2id, lockout, registration rate limit, denial audit.

Real services (PostgreSQL, Temporal dev server, in-process worker). The app has
its own database; its case numbers start at a random high offset so its
workflow ids never meet those of the integration suite on the shared server.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import argon2
import asyncpg
import httpx
import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute

from api import ratelimit
from api.routes import appeals, requests
from domain.clock import today
from kaiji.security.keys import KeyRing
from kaiji.security.passwords import MIN_MEMORY_COST_KIB, MIN_TIME_COST, PasswordHasher
from kaiji.settings import Settings, load_settings
from store import audit, users
from store.db import connect
from tests.conftest import TEMPLATE_DB
from tests.integration.conftest import PASSWORD, Api, api_settings, serving

SESSION, CSRF = "kaiji_session", "kaiji_csrf"


@dataclass
class Env:
    api: Api
    transport: httpx.ASGITransport

    def client(self, base_url: str = "http://kaiji.test") -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport, base_url=base_url, timeout=60)

    async def audit(self, actor: str | None = None, limit: int = 50) -> list[asyncpg.Record]:
        conn = await connect(self.api.settings.database_url)
        try:
            return await audit.entries(conn, actor=actor, limit=limit)
        finally:
            await conn.close()

    async def head(self) -> int:
        return (await self.sql("select coalesce(max(seq), 0) as seq from audit_log"))[0]["seq"]

    async def since(self, seq: int, actor: str) -> list[asyncpg.Record]:
        return await self.sql("select * from audit_log where seq > $1 and actor = $2 order by seq", seq, actor)

    async def sql(self, query: str, *args: object) -> list[asyncpg.Record]:
        conn = await connect(self.api.settings.database_url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()


@pytest.fixture(scope="module")
async def env(pg_server: str, temporal_dev: str, keyring: KeyRing, services_dir: Path) -> AsyncIterator[Env]:
    name = "auth_" + uuid.uuid4().hex[:10]
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'create database "{name}" template {TEMPLATE_DB}')
    await admin.close()
    url = f"{pg_server}/{name}"
    settings = api_settings(url, temporal_dev, keyring, services_dir / name, "auth")
    conn = await connect(url)
    start = 500_000 + secrets.randbelow(300_000)
    for fy in range(today().year - 2, today().year + 2):
        await conn.execute("insert into case_counters (series, fiscal_year, last_number) values ('R', $1, $2)", fy, start)
    await conn.close()
    async with serving(settings, pool_size=5) as api:
        yield Env(api, httpx.ASGITransport(app=api.app))
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'drop database if exists "{name}" with (force)')
    await admin.close()


REQUEST = {"kind": "public_records", "subject": "セッションでの受付", "department": "toshi",
           "requester": {"name": "請求 者", "address": "小金井市"}}


async def sign_in(http: httpx.AsyncClient, user: str = "madoguchi", **headers: str) -> httpx.Response:
    r = await http.post("/api/v1/auth/session", data={"username": user, "password": PASSWORD}, headers=headers)
    assert r.status_code == 200, r.text
    return r


def set_cookies(r: httpx.Response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in r.headers.get_list("set-cookie")}


async def test_session_cookie_reads_and_csrf_guards_writes(env: Env) -> None:
    async with env.client() as http:
        r = await sign_in(http)
        cookies = set_cookies(r)
        assert re.search(r"(?i)httponly", cookies[SESSION]) and re.search(r"(?i)samesite=lax", cookies[SESSION])
        assert "httponly" not in cookies[CSRF].lower() and "secure" not in cookies[SESSION].lower()
        assert http.cookies[CSRF] == r.json()["csrf_token"]
        listed = await http.get("/api/v1/requests")
        assert listed.status_code == 200, listed.text
        head = await env.head()
        refused = await http.post("/api/v1/requests", json=REQUEST)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
        assert "X-CSRF-Token" in refused.json()["error"]["message"]
        wrong = await http.post("/api/v1/requests", json=REQUEST, headers={"X-CSRF-Token": "x" * 43})
        assert wrong.status_code == 403
        denied = await env.since(head, "madoguchi")
        assert [(e["action"], e["detail"]["reason"]) for e in denied] == [("auth.denied", "csrf")] * 2
        ok = await http.post("/api/v1/requests", json=REQUEST, headers={"X-CSRF-Token": http.cookies[CSRF]})
        assert ok.status_code == 201, ok.text
        assert ok.json()["requester"]["address"] == "小金井市"


async def test_session_cookie_is_secure_behind_tls(env: Env) -> None:
    async with env.client("https://kaiji.test") as http:
        assert "secure" in set_cookies(await sign_in(http))[SESSION].lower()
    async with env.client() as http:
        r = await sign_in(http, **{"X-Forwarded-Proto": "https"})
        assert all("secure" in c.lower() for c in set_cookies(r).values())


async def test_logout_ends_the_session(env: Env) -> None:
    async with env.client() as http:
        await sign_in(http, "shinsa")
        session_id, csrf = http.cookies[SESSION], http.cookies[CSRF]
        assert (await http.post("/api/v1/auth/logout")).status_code == 403  # CSRF applies to logout too
        r = await http.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200, r.text
        assert SESSION not in http.cookies  # the browser is told to drop it
    async with env.client() as http:
        r = await http.get("/api/v1/profile", headers={"Cookie": f"{SESSION}={session_id}; {CSRF}={csrf}"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert (await env.audit("shinsa"))[0]["action"] == "auth.logout"
    assert not await env.sql("select 1 from sessions where username = 'shinsa'")


async def test_logout_revokes_only_that_bearer_token(env: Env) -> None:
    http = env.api.http
    tokens = []
    for _ in range(2):
        r = await http.post("/api/v1/auth/token", data={"username": "kacho", "password": PASSWORD})
        tokens.append({"Authorization": f"Bearer {r.json()['access_token']}"})
    assert (await http.get("/api/v1/profile", headers=tokens[0])).status_code == 200
    assert (await http.post("/api/v1/auth/logout", headers=tokens[0])).status_code == 200
    r = await http.get("/api/v1/profile", headers=tokens[0])
    assert r.status_code == 401 and "signed out" in r.json()["error"]["message"]
    assert (await http.get("/api/v1/profile", headers=tokens[1])).status_code == 200
    actions = [e["action"] for e in await env.audit("kacho", limit=3)]
    assert actions[:2] == ["auth.denied", "auth.logout"]


async def test_stored_hashes_are_argon2id_and_rehashed_on_login(env: Env) -> None:
    weak = argon2.PasswordHasher(memory_cost=8192, time_cost=1, type=argon2.Type.ID).hash(PASSWORD)
    await env.sql("update users set password_hash = $1 where username = 'admin'", weak)
    r = await env.api.http.post("/api/v1/auth/token", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200
    for row in await env.sql("select username, password_hash from users"):
        m = re.fullmatch(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[^$]+\$[^$]+", row["password_hash"])
        assert m, row["username"]
        assert int(m[1]) >= MIN_MEMORY_COST_KIB and int(m[2]) >= MIN_TIME_COST, row["username"]


async def test_six_wrong_passwords_lock_the_account_with_429(env: Env) -> None:
    conn = await connect(env.api.settings.database_url)
    await users.add(conn, username="lockme", password_hash=PasswordHasher().hash(PASSWORD), role="reviewer",
                    department="toshi")
    await conn.close()
    http = env.api.http
    for _ in range(5):
        r = await http.post("/api/v1/auth/token", data={"username": "lockme", "password": "wrong-password!"})
        assert r.status_code == 401
    for endpoint in ("/api/v1/auth/token", "/api/v1/auth/session"):  # even the right password now
        r = await http.post(endpoint, data={"username": "lockme", "password": PASSWORD})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert r.json()["error"]["code"] == "too_many_requests"
    assert [e["action"] for e in await env.audit("lockme")] == ["auth.locked_out"] * 2
    failed = [e for e in await env.audit("anonymous") if e["detail"].get("username_known")]
    assert len(failed) >= 5 and all(e["action"] == "auth.login_failed" for e in failed)


def limited(router: APIRouter, path: str) -> bool:
    route = next(r for r in router.routes if isinstance(r, APIRoute) and r.path == path and "POST" in r.methods)
    return ratelimit.registration_limit in [d.dependency for d in route.dependencies]


async def clear_hits(env: Env) -> None:
    conn = await connect(env.api.settings.database_url)
    try:
        await ratelimit.clear(conn)
    finally:
        await conn.close()


def limit_to(env: Env, monkeypatch: pytest.MonkeyPatch, n: int) -> Settings:
    """The running app's settings with ``KAIJI_REGISTRATION_RATE_LIMIT=n`` (read on every registration)."""
    monkeypatch.setenv("KAIJI_REGISTRATION_RATE_LIMIT", str(n))
    changed = env.api.settings.model_copy(update={"registration_rate_limit": load_settings().registration_rate_limit})
    assert changed.registration_rate_limit == n and Settings().registration_rate_limit == n
    monkeypatch.setattr(env.api.app.state.kaiji, "settings", changed)
    return changed


async def test_registration_rate_limit_answers_429(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    for router, path in ((requests.router, "/api/v1/requests"), (appeals.router, "/api/v1/requests/{request_id}/appeals")):
        assert limited(router, path), f"attach api.ratelimit.registration_limit to POST {path}"
    limit_to(env, monkeypatch, 2)
    await clear_hits(env)
    try:
        api = env.api
        first = await api.register(subject="制限 1")
        await api.register(subject="制限 2")
        r = await api.http.post("/api/v1/requests", json=REQUEST, headers=api.as_("madoguchi"))
        assert r.status_code == 429, r.text
        assert 1 <= int(r.headers["Retry-After"]) <= 60 and r.json()["error"]["code"] == "too_many_requests"
        r = await api.http.post(f"/api/v1/requests/{first['id']}/appeals", json={"grounds": "不服"},
                                headers=api.as_("madoguchi"))
        assert r.status_code == 429, r.text  # appeals share the registration budget
        assert (await api.register("johokokai", subject="別の職員"))["id"]  # per user
        entries = [e for e in await env.audit("madoguchi", limit=5) if e["action"] == "rate_limit.exceeded"]
        assert len(entries) == 2 and entries[0]["detail"]["limit"] == 2
    finally:
        await clear_hits(env)


async def test_registration_rate_limit_is_shared_by_api_replicas(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 16: a second API process on the same database counts the same window (migration 0021)."""
    from api.app import create_app

    second = create_app(limit_to(env, monkeypatch, 2))
    await clear_hits(env)
    try:
        async with second.router.lifespan_context(second), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=second), base_url="http://kaiji.test", timeout=60) as other:
            api = env.api
            await api.register(subject="共有 1")
            r = await other.post("/api/v1/requests", json=REQUEST, headers=api.as_("madoguchi"))
            assert r.status_code == 201, r.text
            for client in (api.http, other):  # the third is refused by either replica
                r = await client.post("/api/v1/requests", json=REQUEST, headers=api.as_("madoguchi"))
                assert r.status_code == 429, r.text
                assert 1 <= int(r.headers["Retry-After"]) <= 60
    finally:
        await clear_hits(env)


async def test_forbidden_role_is_one_audit_entry(env: Env) -> None:
    head = await env.head()
    r = await env.api.http.get("/api/v1/audit", headers=env.api.as_("shinsa2"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    new = await env.since(head, "shinsa2")
    assert [e["action"] for e in new] == ["auth.denied"]
    assert new[0]["detail"] | {"request_id": None} == {
        "status": 403, "reason": "role", "method": "GET", "path": "/api/v1/audit", "via": "bearer",
        "request_id": None}


async def test_anonymous_and_forged_credentials_are_401(env: Env) -> None:
    http = env.api.http
    assert (await http.get("/api/v1/profile")).status_code == 401
    assert (await http.get("/api/v1/profile", headers={"Authorization": "Bearer nonsense"})).status_code == 401
    async with env.client() as fresh:
        r = await fresh.get("/api/v1/profile", headers={"Cookie": f"{SESSION}={secrets.token_urlsafe(32)}"})
        assert r.status_code == 401


async def test_role_change_is_audited_and_ends_sessions(env: Env) -> None:
    conn = await connect(env.api.settings.database_url)
    try:
        digest = PasswordHasher().hash(PASSWORD)
        await users.add(conn, username="promoted", password_hash=digest, role="reviewer", department="toshi")
        async with env.client() as http:
            await sign_in(http, "promoted")
            assert (await http.get("/api/v1/profile")).status_code == 200
            await users.add(conn, username="promoted", password_hash=digest, role="approver", department="toshi")
            assert (await http.get("/api/v1/profile")).status_code == 401  # sign in again with the new role
        rows = await audit.entries(conn, entity_id="promoted")
    finally:
        await conn.close()
    assert [r["action"] for r in rows] == ["user.role_changed", "user.created"]
    assert rows[0]["detail"] == {"from": {"role": "reviewer", "department": "toshi"},
                                 "to": {"role": "approver", "department": "toshi"}}


async def test_lockout_does_not_reveal_which_usernames_exist(env: Env) -> None:
    http = env.api.http
    for _ in range(5):
        r = await http.post("/api/v1/auth/token", data={"username": "nobody-here", "password": "wrong-password!"})
        assert r.status_code == 401 and r.json()["error"]["message"] == "Wrong username or password."
    r = await http.post("/api/v1/auth/token", data={"username": "Nobody-Here", "password": "anything-at-all"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0  # a made-up name locks like a real one
    assert r.json()["error"]["message"] == "Too many failed sign-ins; try again later."
    locked = [e for e in await env.audit("anonymous") if e["action"] == "auth.locked_out"]
    assert locked and locked[0]["detail"]["username_known"] is False


async def test_login_form_posted_from_another_site_is_refused(env: Env) -> None:
    async with env.client() as http:
        r = await http.post("/api/v1/auth/session", data={"username": "madoguchi", "password": PASSWORD},
                            headers={"Origin": "https://evil.example"})
        assert r.status_code == 403 and SESSION not in http.cookies  # login CSRF
        r = await http.post("/api/v1/auth/session", data={"username": "madoguchi", "password": PASSWORD},
                            headers={"Origin": "https://evil.example", "X-Forwarded-Host": "evil.example"})
        assert r.status_code == 403  # a header any client can send vouches for nothing
        await sign_in(http, "madoguchi", Origin="http://kaiji.test")  # our own console
        await sign_in(http, "madoguchi")  # a non-browser client sends no Origin


async def test_admin_manages_accounts_and_a_role_change_ends_tokens_at_once(env: Env) -> None:
    api, http = env.api, env.api.http
    admin = api.as_("admin")
    new = {"username": "tanaka", "role": "reviewer", "department": "toshi", "password": "a-long-passphrase-1"}
    assert (await http.post("/api/v1/users", json=new, headers=api.as_("johokokai"))).status_code == 403
    assert (await http.post("/api/v1/users", json=new | {"department": None}, headers=admin)).status_code == 422
    assert (await http.post("/api/v1/users", json=new | {"is_admin": True}, headers=admin)).status_code == 422
    assert (await http.post("/api/v1/users", json=new | {"password": "short"}, headers=admin)).status_code == 422
    r = await http.post("/api/v1/users", json=new, headers=admin)
    assert r.status_code == 201 and r.json()["role"] == "reviewer" and "password" not in r.text, r.text
    assert (await http.post("/api/v1/users", json=new, headers=admin)).status_code == 409
    token = (await http.post("/api/v1/auth/token", data={"username": "tanaka", "password": new["password"]})).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await http.get("/api/v1/requests", headers=bearer)).status_code == 200
    r = await http.patch("/api/v1/users/tanaka", json={"role": "approver"}, headers=admin)
    assert r.status_code == 200 and r.json()["department"] == "toshi"
    r = await http.get("/api/v1/requests", headers=bearer)  # the old token carried "reviewer"
    assert r.status_code == 401 and "account has changed" in r.json()["error"]["message"]
    entry = (await env.audit("admin"))[0]
    assert entry["action"] == "user.role_changed" and entry["entity_id"] == "tanaka"
    assert entry["detail"]["to"] == {"role": "approver", "department": "toshi"}
    token = (await http.post("/api/v1/auth/token", data={"username": "tanaka", "password": new["password"]})).json()
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert (await http.patch("/api/v1/users/tanaka", json={"active": False}, headers=admin)).status_code == 200
    assert (await http.get("/api/v1/requests", headers=bearer)).status_code == 401
    assert (await env.audit("admin"))[0]["action"] == "user.deactivated"
    assert (await http.patch("/api/v1/users/tanaka", json={"active": True}, headers=admin)).status_code == 200
    assert (await http.get("/api/v1/requests", headers=bearer)).status_code == 401  # re-activation revives nothing
    assert (await http.patch("/api/v1/users/admin", json={"role": "council"}, headers=admin)).status_code == 409
    assert (await http.patch("/api/v1/users/nobody", json={"active": True}, headers=admin)).status_code == 404
    assert (await http.patch("/api/v1/users/tanaka", json={}, headers=admin)).status_code == 422
    listed = (await http.get("/api/v1/users", headers=admin)).json()["items"]
    assert {"tanaka", "admin"} <= {u["username"] for u in listed} and all("password_hash" not in u for u in listed)
    assert (await http.get("/api/v1/requests", headers=admin)).status_code == 403  # no case content


async def test_sign_in_form_is_bounded(env: Env) -> None:
    http = env.api.http
    for form in ({"username": "", "password": "x"}, {"username": "madoguchi", "password": "p" * 5000}, {}):
        r = await http.post("/api/v1/auth/token", data=form)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid", (form, r.text)


async def test_parallel_guesses_cannot_slip_past_the_lockout(env: Env) -> None:
    import asyncio

    async def guess(i: int) -> int:
        r = await env.api.http.post("/api/v1/auth/token", data={"username": "racer", "password": f"guess-{i}"})
        return r.status_code

    statuses = await asyncio.gather(*(guess(i) for i in range(20)))
    assert statuses.count(401) == 5 and statuses.count(429) == 15, statuses  # exactly 5 passwords were tried


async def test_text_the_database_cannot_hold_is_refused_with_422(env: Env) -> None:
    api, http = env.api, env.api.http
    for r in (
        await http.get("/api/v1/requests/R%00", headers=api.as_("madoguchi")),
        await http.get("/api/v1/requests", params={"q": "a\x00"}, headers=api.as_("madoguchi")),
        await http.post("/api/v1/auth/token", data={"username": "a\x00", "password": "x"}),
        await http.post("/api/v1/requests", json=REQUEST | {"subject": "x\u0000y"}, headers=api.as_("madoguchi")),
        await http.post("/api/v1/requests", json=REQUEST | {"received_on": "0001-01-01"},
                        headers=api.as_("madoguchi")),
        await http.get("/api/v1/audit", params={"since": "9999-12-31T23:59:59-14:00"}, headers=api.as_("johokokai")),
    ):
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid", r.text


async def test_an_account_changed_during_sign_in_gets_no_lasting_session(env: Env,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from api.routes import system

    loop = asyncio.get_running_loop()
    real_verify = system.hasher.verify

    async def deactivate_and_reactivate() -> None:
        conn = await connect(env.api.settings.database_url)
        try:
            await users.change(conn, "flipper", actor="admin", active=False)
            await users.change(conn, "flipper", actor="admin", active=True)
        finally:
            await conn.close()

    def verify_while_the_admin_acts(digest: str, password: str) -> bool:  # runs in argon2's worker thread
        asyncio.run_coroutine_threadsafe(deactivate_and_reactivate(), loop).result(30)
        return real_verify(digest, password)

    conn = await connect(env.api.settings.database_url)
    await users.add(conn, username="flipper", password_hash=PasswordHasher().hash(PASSWORD), role="reviewer",
                    department="toshi")
    await conn.close()
    monkeypatch.setattr(system.hasher, "verify", verify_while_the_admin_acts)
    async with env.client() as http:
        await sign_in(http, "flipper")  # the check passed on the account as it was
        monkeypatch.setattr(system.hasher, "verify", real_verify)
        assert (await http.get("/api/v1/profile")).status_code == 401
