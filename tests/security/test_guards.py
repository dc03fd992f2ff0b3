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


# Four-eyes role grants (issue 17 "The admin can give themself the data") ------------------------------------

async def token_for(env: Env, username: str, password: str) -> httpx.Response:
    return await env.api.http.post("/api/v1/auth/token", data={"username": username, "password": password})


async def test_admin_alone_cannot_create_or_promote_a_records_officer(env: Env) -> None:
    http, admin = env.api.http, env.api.as_("admin")
    name = "solo" + uuid.uuid4().hex[:6]
    for role in ("records_officer", "front_desk"):
        r = await http.post("/api/v1/users", headers=admin,
                            json={"username": name, "role": role, "password": "a-long-passphrase-1"})
        assert r.status_code == 409 and "/api/v1/users/grants" in r.json()["error"]["message"], r.text
    reviewer = await account(env)
    r = await http.patch(f"/api/v1/users/{reviewer}", json={"role": "records_officer"}, headers=admin)
    assert r.status_code == 409 and "二人目" in r.json()["error"]["message"]
    assert (await users_named(env, name)) == [] and (await users_named(env, reviewer))[0]["role"] == "reviewer"
    # the admin's own account never: not proposed by itself, and not by an officer either
    r = await http.post("/api/v1/users/grants", json={"username": "admin", "role": "records_officer"}, headers=admin)
    assert r.status_code == 409
    r = await http.post("/api/v1/users/grants", headers=env.api.as_("johokokai"),
                        json={"username": "admin", "role": "records_officer", "password": "officer-set-pass-1"})
    assert r.status_code == 409 and "admin account can never" in r.json()["error"]["message"]
    # nor does the admin set the password of such an account
    r = await http.post("/api/v1/users/grants", headers=admin,
                        json={"username": name, "role": "records_officer", "password": "admin-knows-this"})
    assert r.status_code == 422


async def users_named(env: Env, name: str) -> list:
    return await env.sql("select username, role from users where username = $1", name)


async def test_admin_proposes_and_a_records_officer_confirms(env: Env) -> None:
    http, admin, officer = env.api.http, env.api.as_("admin"), env.api.as_("johokokai")
    name = "kiroku" + uuid.uuid4().hex[:6]
    head = await env.head()
    r = await http.post("/api/v1/users/grants", json={"username": name, "role": "records_officer",
                                                      "display_name": "記録 二郎"}, headers=admin)
    assert r.status_code == 201, r.text
    grant = r.json()
    assert grant["state"] == "pending" and grant["new_account"] and not grant["password_set"]
    listed = (await http.get("/api/v1/users/grants", headers=officer)).json()["items"]
    assert grant["id"] in [g["id"] for g in listed]
    assert (await users_named(env, name)) == []  # nothing granted yet
    again = await http.post("/api/v1/users/grants", json={"username": name, "role": "front_desk"}, headers=admin)
    assert again.status_code == 409  # one open proposal per account
    r = await http.post(f"/api/v1/users/grants/{grant['id']}/confirm", json={}, headers=admin)
    assert r.status_code == 409 and "own proposal" in r.json()["error"]["message"]  # self-confirmation
    r = await http.post(f"/api/v1/users/grants/{grant['id']}/confirm", json={}, headers=officer)
    assert r.status_code == 422  # the officer sets the password
    r = await http.post(f"/api/v1/users/grants/{grant['id']}/confirm", json={"password": "officer-set-pass-1"},
                        headers=officer)
    assert r.status_code == 200, r.text
    assert r.json()["user"]["role"] == "records_officer" and r.json()["grant"]["state"] == "confirmed"
    assert (await token_for(env, name, "officer-set-pass-1")).status_code == 200
    r = await http.post(f"/api/v1/users/grants/{grant['id']}/confirm", json={"password": "officer-set-pass-1"},
                        headers=officer)
    assert r.status_code == 409  # confirmed once
    trail = [(e["actor"], e["role"], e["action"]) for e in await env.sql(
        "select * from audit_log where seq > $1 and entity_id = $2 order by seq", head, name)]
    assert trail == [("admin", "admin", "role_grant.proposed"), ("johokokai", "records_officer", "user.created"),
                     ("johokokai", "records_officer", "role_grant.confirmed")]


async def test_officer_proposes_a_promotion_and_the_admin_confirms(env: Env) -> None:
    http, admin, officer = env.api.http, env.api.as_("admin"), env.api.as_("johokokai")
    person = await account(env)  # a reviewer whose password the admin may know
    r = await http.post("/api/v1/users/grants", json={"username": person, "role": "front_desk"}, headers=officer)
    assert r.status_code == 422  # an officer's proposal carries the new password
    r = await http.post("/api/v1/users/grants", headers=officer,
                        json={"username": person, "role": "front_desk", "password": "new-desk-password"})
    assert r.status_code == 201 and r.json()["password_set"], r.text
    grant = r.json()["id"]
    r = await http.post(f"/api/v1/users/grants/{grant}/confirm", json={"password": "admin-choice-123"},
                        headers=admin)
    assert r.status_code == 422  # the admin never sets it
    r = await http.post(f"/api/v1/users/grants/{grant}/confirm", json={}, headers=admin)
    assert r.status_code == 200 and r.json()["user"]["role"] == "front_desk", r.text
    assert (await token_for(env, person, PASSWORD)).status_code == 401  # the old password is gone
    assert (await token_for(env, person, "new-desk-password")).status_code == 200
    changed = (await env.sql("select actor, role, detail from audit_log where action = 'user.role_changed' "
                             "and entity_id = $1", person))[0]
    assert (changed["actor"], changed["role"]) == ("admin", "admin")


async def test_two_officers_cannot_grant_without_the_admin(env: Env) -> None:
    http, officer = env.api.http, env.api.as_("johokokai")
    second = await account(env, role="records_officer")  # an officer made by the operator's CLI
    second_token = (await token_for(env, second, PASSWORD)).json()["access_token"]
    name = "desk" + uuid.uuid4().hex[:6]
    r = await http.post("/api/v1/users/grants", headers=officer,
                        json={"username": name, "role": "front_desk", "password": "desk-password-123"})
    assert r.status_code == 201
    grant = r.json()["id"]
    r = await http.post(f"/api/v1/users/grants/{grant}/confirm", json={},
                        headers={"Authorization": f"Bearer {second_token}"})
    assert r.status_code == 409 and "confirmed by a records officer" in r.json()["error"]["message"]
    r = await http.post(f"/api/v1/users/grants/{grant}/withdraw", json={}, headers=env.api.as_("admin"))
    assert r.status_code == 200 and r.json()["state"] == "withdrawn"  # the admin turns it down
    assert (await users_named(env, name)) == []
    r = await http.post(f"/api/v1/users/grants/{grant}/confirm", json={}, headers=env.api.as_("admin"))
    assert r.status_code == 409
    assert (await http.post("/api/v1/users/grants/999999/confirm", json={}, headers=officer)).status_code == 404
    assert (await http.get("/api/v1/users/grants", headers=env.api.as_("madoguchi"))).status_code == 403


def test_four_eyes_roles_are_those_that_see_contact_data() -> None:
    from typing import get_args

    from api import authz
    from api.routes.users import GrantRole

    assert authz.FOUR_EYES_ROLES == {"records_officer", "front_desk"}
    assert set(get_args(GrantRole)) == authz.FOUR_EYES_ROLES
    assert all(authz.CONTACT_FIELDS & set(authz.PARTY_FIELDS[r]) for r in authz.FOUR_EYES_ROLES)
