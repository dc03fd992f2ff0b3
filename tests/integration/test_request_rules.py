"""Refusals, scoping, idempotency and concurrency through the HTTP API (real services)."""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from domain.clock import today
from store import audit
from store.db import connect
from store.rebuild import rebuild
from tests.integration.conftest import Api
from tests.integration.test_request_paths import DRAFTS, PARTIAL, soon


async def test_illegal_actions_get_4xx_and_change_nothing(api: Api) -> None:
    case = await api.register()
    cid = case["id"]
    before = await api.events(cid)
    refusals = [
        ("approve-decision", {}, "kacho", 409),                                  # nothing drafted yet
        ("record-disclosure", {"method": "copy"}, "madoguchi", 409),             # not decided
        ("draft-decision", DRAFTS["full"] | {"disclosure_on": soon()}, "madoguchi", 403),  # wrong role
        ("draft-decision", DRAFTS["full"] | {"disclosure_on": soon()}, "kankyo", 404),     # other department
        ("draft-decision", {"outcome": "partial", "disclosure_on": soon()}, "shinsa", 422),  # no exemption cited
        ("draft-decision", PARTIAL | {"exemptions": [{"clause": "99-9", "reason": "x"}], "disclosure_on": soon()},
         "shinsa", 422),                                                         # clause not in the profile
        ("draft-decision", {"outcome": "maybe"}, "shinsa", 422),                 # unknown outcome
        ("draft-decision", DRAFTS["full"] | {"surprise": 1}, "shinsa", 422),     # unknown field (mass assignment)
        ("extend", {"new_due": "2090-01-01", "reason": "遅延"}, "shinsa", 409),   # past the statutory limit
        ("extend", {"new_due": "not-a-date", "reason": "x"}, "shinsa", 422),
        ("record-correction", {}, "madoguchi", 409),                             # no correction was requested
        ("frobnicate", {}, "shinsa", 404),
    ]
    for action, body, who, status in refusals:
        r = await api.act(cid, action, body, who)
        assert r.status_code == status, (action, who, r.text)
        assert r.json()["error"]["message"], (action, r.text)
    assert await api.events(cid) == before
    async with api.http.stream("GET", f"/api/v1/requests/{cid}", headers=api.as_("kankyo")) as r:
        assert r.status_code == 404
    anonymous = await api.http.post(f"/api/v1/requests/{cid}/withdraw", json={})
    assert anonymous.status_code == 401


async def test_approver_cannot_approve_own_draft_and_refusals_are_audited(api: Api) -> None:
    case = await api.register()
    cid = case["id"]
    r = await api.act(cid, "draft-decision", DRAFTS["full"] | {"disclosure_on": soon()}, "johokokai")
    assert r.status_code == 200, r.text
    r = await api.act(cid, "approve-decision", {}, "johokokai")
    assert r.status_code == 403 and "起案者" in r.json()["error"]["message"]
    assert r.json()["error"]["code"] == "forbidden"
    conn = await connect(api.settings.database_url)
    try:
        rows = await audit.entries(conn, entity_id=cid)
    finally:
        await conn.close()
    refused = [row for row in rows if row["action"].startswith("refused.")]
    assert refused and refused[0]["action"] == "refused.request.approve-decision"
    r = await api.act(cid, "approve-decision", {}, "kacho")
    assert r.status_code == 200 and r.json()["status"] == "decided"


async def test_idempotency_key_returns_the_same_case(api: Api) -> None:
    body = {"kind": "public_records", "subject": "同じ請求", "department": "toshi",
            "requester": {"name": "二重 送信", "address": "小金井市"}}
    headers = api.as_("madoguchi") | {"Idempotency-Key": "counter-2025-0001-abc"}
    first = await api.http.post("/api/v1/requests", json=body, headers=headers)
    again = await api.http.post("/api/v1/requests", json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    other = await api.http.post("/api/v1/requests", json=body | {"subject": "別の請求"}, headers=headers)
    assert other.status_code == 409


async def test_bad_registrations_are_refused_clearly(api: Api) -> None:
    ok = {"kind": "public_records", "subject": "件名", "department": "toshi",
          "requester": {"name": "請求 者", "address": "小金井市"}}
    cases = [
        (ok | {"department": "nowhere"}, 422),
        (ok | {"kind": "gossip"}, 422),
        (ok | {"received_on": (today() + timedelta(days=3)).isoformat()}, 422),
        ({k: v for k, v in ok.items() if k != "requester"}, 422),
        (ok | {"requester": {"name": "", "address": "x"}}, 422),
        (ok | {"received_on": 0}, 422),  # a date is YYYY-MM-DD, not a Unix timestamp (found by schemathesis)
        (ok | {"received_on": "0"}, 422),
    ]
    for body, status in cases:
        r = await api.http.post("/api/v1/requests", json=body, headers=api.as_("madoguchi"))
        assert r.status_code == status, r.text
        assert set(r.json()) == {"error"}
    r = await api.http.post("/api/v1/requests", content=b"{not json", headers=api.as_("madoguchi")
                            | {"Content-Type": "application/json"})
    assert r.status_code == 422
    r = await api.http.post("/api/v1/requests", json=ok, headers=api.as_("shinsa"))
    assert r.status_code == 403
    r = await api.http.get("/api/v1/requests", params={"due_before": "0"}, headers=api.as_("madoguchi"))
    assert r.status_code == 422 and "YYYY-MM-DD" in r.json()["error"]["message"]


async def test_hundred_concurrent_registrations_get_distinct_gap_free_ids(api: Api) -> None:
    body = {"kind": "public_records", "channel": "counter", "department": "toshi", "preferred_method": "copy",
            "requester": {"name": "山田 太郎", "type": "individual", "address": "小金井市本町6-6-3"}}

    async def one(i: int) -> str:
        # A busy counter: when the engine cannot confirm in time the answer is 503 with the reserved id, and
        # the clerk's retry with the same Idempotency-Key answers the case (same id, no second number).
        headers = api.as_("madoguchi") | {"Idempotency-Key": f"hundred-{i}"}
        reserved = None
        for _ in range(10):
            r = await api.http.post("/api/v1/requests", json=body | {"subject": f"同時登録 {i}"}, headers=headers)
            if r.status_code in (200, 201):
                assert reserved in (None, r.json()["id"])
                return r.json()["id"]
            assert r.status_code == 503, r.text
            reserved = r.json()["error"]["details"]["id"]
        raise AssertionError(f"registration {i} ({reserved}) never confirmed")

    ids = await asyncio.gather(*(one(i) for i in range(100)))
    assert len(set(ids)) == 100
    numbers = sorted(int(i.rsplit("-", 1)[1]) for i in ids)
    assert numbers == list(range(numbers[0], numbers[0] + 100))


async def test_lists_are_scoped_filtered_and_paged(api: Api) -> None:
    mine = await api.register(subject="環境の請求", department="kankyo")
    r = await api.http.get("/api/v1/requests", params={"limit": 200}, headers=api.as_("kankyo"))
    ids = [c["id"] for c in r.json()["items"]]
    assert mine["id"] in ids and all(c["department"] == "kankyo" for c in r.json()["items"])
    r = await api.http.get("/api/v1/requests", params={"q": "環境の請求"}, headers=api.as_("madoguchi"))
    assert [c["id"] for c in r.json()["items"]] == [mine["id"]]
    r = await api.http.get("/api/v1/requests", params={"q": "山田　太郎", "limit": 1}, headers=api.as_("madoguchi"))
    assert r.json()["items"] and r.json()["next_cursor"]  # found by the requester's name (keyed hash)
    seen, cursor = [], None
    while True:
        params = {"limit": 7} | ({"cursor": cursor} if cursor else {})
        page = (await api.http.get("/api/v1/requests", params=params, headers=api.as_("johokokai"))).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and mine["id"] in seen
    for forbidden in ("shingikai", "admin"):
        r = await api.http.get("/api/v1/requests", headers=api.as_(forbidden))
        assert r.status_code == 403


async def test_contact_data_only_for_front_desk_and_officer(api: Api) -> None:
    case = await api.register()
    seen = {}
    for who in ("madoguchi", "johokokai", "shinsa", "kacho"):
        seen[who] = (await api.http.get(f"/api/v1/requests/{case['id']}", headers=api.as_(who))).json()["requester"]
    assert seen["madoguchi"]["phone"] == "042-387-0000" and seen["johokokai"]["address"]
    assert set(seen["shinsa"]) == {"party_id", "name", "type"} == set(seen["kacho"])


async def test_audit_chain_and_projections_hold_after_everything(api: Api) -> None:
    r = await api.http.get("/api/v1/audit/verify", headers=api.as_("johokokai"))
    assert r.status_code == 200 and r.json()["ok"] is True and r.json()["entries"] > 0
    conn = await connect(api.settings.database_url)
    try:
        assert await rebuild(conn, check=True) == []
    finally:
        await conn.close()
    env = {"KAIJI_DATABASE_URL": api.settings.database_url, "PATH": "/usr/bin:/bin"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "kaiji.cli", "audit", "verify", env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert out.decode().startswith("ok:")
