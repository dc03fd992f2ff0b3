"""Issue 17 "Lockout on demand": the sign-in throttle per client address as well as per username.

Real stack (the auth module's own database and app); each client address is an ASGI transport with its own
``client`` tuple, as uvicorn would fill it from the TCP peer."""

from __future__ import annotations

import uuid

import httpx
from starlette.requests import Request

from api.usecases.sign_in import client_address
from kaiji.security.passwords import PasswordHasher
from kaiji.settings import Settings
from store import users
from store.db import connect
from tests.integration.conftest import PASSWORD
from tests.security import test_api_auth
from tests.security.test_api_auth import Env

env = test_api_auth.env  # the auth module's app (module-scoped: this module gets its own database)


def client(env: Env, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=env.api.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://kaiji.test", timeout=60)


async def account(env: Env, role: str = "reviewer") -> str:
    name = "u" + uuid.uuid4().hex[:10]
    conn = await connect(env.api.settings.database_url)
    try:
        await users.add(conn, username=name, password_hash=PasswordHasher().hash(PASSWORD), role=role,
                        department="toshi")
    finally:
        await conn.close()
    return name


async def attempt(http: httpx.AsyncClient, username: str, password: str = "wrong-password!") -> httpx.Response:
    return await http.post("/api/v1/auth/token", data={"username": username, "password": password})


async def test_victim_of_a_lockout_still_signs_in_from_another_address(env: Env) -> None:
    victim = await account(env)
    async with client(env, "198.51.100.7") as attacker, client(env, "192.0.2.20") as office:
        statuses = [(await attempt(attacker, victim)).status_code for _ in range(6)]
        assert statuses == [401] * 5 + [429]
        refused = await attempt(attacker, victim, PASSWORD)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        ok = await attempt(office, victim, PASSWORD)
        assert ok.status_code == 200, ok.text
    listed = (await env.api.http.get("/api/v1/users", headers=env.api.as_("admin"))).json()["items"]
    assert [u["locked_until"] for u in listed if u["username"] == victim] != [None]  # the admin sees the lock
    entry = (await env.audit(victim, limit=5))[-1]
    assert entry["action"] == "auth.locked_out" and entry["detail"]["scope"] == "username"


async def test_one_client_trying_many_usernames_is_refused(env: Env) -> None:
    limit = env.api.settings.login_address_limit
    real = await account(env)
    async with client(env, "203.0.113.66") as guesser, client(env, "203.0.113.67") as neighbour:
        statuses = [(await attempt(guesser, f"guess{i}")).status_code for i in range(limit)]
        assert statuses == [401] * limit  # each name tried once: no username lock applies
        r = await attempt(guesser, "guess-one-more")
        assert r.status_code == 429 and 800 < int(r.headers["Retry-After"]) <= 900, r.headers
        assert (await attempt(guesser, real, PASSWORD)).status_code == 429  # the address, whatever the name
        assert (await attempt(neighbour, real, PASSWORD)).status_code == 200
    refused = await env.sql("select detail from audit_log where action = 'auth.locked_out' "
                            "and detail->>'scope' = 'address' order by seq desc limit 1")
    assert refused[0]["detail"]["address"] == "203.0.113.66"


async def test_successful_sign_ins_do_not_use_up_the_address(env: Env) -> None:
    name = await account(env)
    async with client(env, "203.0.113.90") as desk:
        for _ in range(env.api.settings.login_address_limit + 5):
            assert (await attempt(desk, name, PASSWORD)).status_code == 200


async def test_one_name_guessed_from_many_addresses_is_refused_everywhere(env: Env) -> None:
    limit = env.api.settings.login_name_limit
    victim = await account(env)
    addresses = [f"100.64.{i // 200}.{i % 200 + 1}" for i in range(limit // 5)]
    for address in addresses:
        async with client(env, address) as http:
            assert [(await attempt(http, victim)).status_code for _ in range(5)] == [401] * 5
    async with client(env, "100.65.0.1") as fresh:
        r = await attempt(fresh, victim)
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


def request_from(peer: str, forwarded: list[str]) -> Request:
    headers = [(b"x-forwarded-for", v.encode()) for v in forwarded]
    return Request({"type": "http", "method": "POST", "path": "/", "headers": headers, "client": (peer, 1)})


def test_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    off = Settings().trusted_proxy_networks
    assert off == ()
    assert client_address(request_from("198.51.100.1", ["10.9.9.9"]), off) == "198.51.100.1"
    proxies = Settings(trusted_proxies="10.0.0.0/8, 192.0.2.1").trusted_proxy_networks
    # the right-most entry not written by a trusted proxy is the client; entries left of it are the client's
    assert client_address(request_from("10.0.0.5", ["1.1.1.1, 203.0.113.9", "192.0.2.1"]), proxies) == "203.0.113.9"
    assert client_address(request_from("10.0.0.5", ["garbage"]), proxies) == "10.0.0.5"
    assert client_address(request_from("10.0.0.5", []), proxies) == "10.0.0.5"
    # a client that is not a proxy cannot choose its address by sending the header
    assert client_address(request_from("198.51.100.1", ["10.9.9.9"]), proxies) == "198.51.100.1"


async def test_officer_reads_the_last_checkpoint_age(env: Env) -> None:
    from kaiji import audit_checkpoint

    officer = env.api.as_("johokokai")
    before = (await env.api.http.get("/api/v1/audit/verify", headers=officer)).json()
    assert before["ok"] and before["checkpoint"] is None  # none yet: the answer says so, it does not fail
    conn = await connect(env.api.settings.database_url)
    try:
        written = await audit_checkpoint.write(conn, env.api.settings, create_key=True)
    finally:
        await conn.close()
    r = await env.api.http.get("/api/v1/audit/verify", headers=officer)
    body = r.json()
    assert r.status_code == 200 and body["ok"] is True, body
    assert body["checkpoint"]["seq"] == written.checkpoint.seq and body["checkpoint"]["ok"] is True
    assert 0 <= body["checkpoint"]["age_seconds"] < 120 and body["checkpoint"]["signed_at"] == written.checkpoint.at
