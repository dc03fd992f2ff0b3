"""Demo users (one per role) and a handful of realistic cases, created through the real API."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from domain.clock import jst_date
from kaiji.security.passwords import PasswordHasher
from kaiji.settings import Settings
from store import cases, users
from store.db import connect


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    role: str
    department: str | None


DEMO_USERS = (
    DemoUser("madoguchi", "demo-front-desk-2025", "front_desk", None),
    DemoUser("shinsa", "demo-reviewer-2025", "reviewer", "toshi"),
    DemoUser("kacho", "demo-approver-2025", "approver", "toshi"),
    DemoUser("johokokai", "demo-records-2025", "records_officer", None),
    DemoUser("shingikai", "demo-council-2025", "council", None),
    DemoUser("admin", "demo-admin-2025", "admin", None),
)


async def _token(http: httpx.AsyncClient, user: DemoUser) -> dict[str, str]:
    r = await http.post("/api/v1/auth/token", data={"username": user.username, "password": user.password})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def _post(http: httpx.AsyncClient, path: str, body: dict, headers: dict[str, str]) -> httpx.Response:
    """POST as a clerk does: one Idempotency-Key, repeated while the engine answers 503 (busy right after
    start-up: the first notices and the referral pack render then), so the demo data is made exactly once."""
    headers = headers | {"Idempotency-Key": uuid.uuid4().hex}
    for _ in range(30):
        r = await http.post(path, json=body, headers=headers)
        if r.status_code != 503:
            break
        await asyncio.sleep(min(2.0, float(r.headers.get("Retry-After", 1))))
    r.raise_for_status()
    return r


def _request(subject: str, name: str, received_on: str) -> dict:
    return {"kind": "public_records", "received_on": received_on, "channel": "counter",
            "requester": {"name": name, "type": "individual", "address": "東京都小金井市本町6-6-3",
                          "phone": "042-000-0000", "email": "demo@example.jp"},
            "subject": subject, "department": "toshi", "preferred_method": "copy"}


async def seed(settings: Settings, api_url: str) -> tuple[DemoUser, ...]:
    hasher = PasswordHasher()
    conn = await connect(settings.effective_database_url())
    try:
        for u in DEMO_USERS:
            await users.add(conn, username=u.username, password_hash=hasher.hash(u.password), role=u.role,
                            department=u.department, display_name=u.username)
        has_cases = await cases.any_case(conn)
    finally:
        await conn.close()
    if not has_cases:
        await _seed_cases(api_url)
    return DEMO_USERS


async def _seed_cases(api_url: str) -> None:
    today = jst_date(datetime.now(UTC))
    front, reviewer, approver = DEMO_USERS[0], DEMO_USERS[1], DEMO_USERS[2]
    async with httpx.AsyncClient(base_url=api_url, timeout=30) as http:
        fd, rv, ap = await _token(http, front), await _token(http, reviewer), await _token(http, approver)

        async def register(subject: str, name: str, days_ago: int) -> str:
            r = await _post(http, "/api/v1/requests",
                            _request(subject, name, (today - timedelta(days=days_ago)).isoformat()), fd)
            return r.json()["id"]

        async def act(case_id: str, action: str, body: dict, headers: dict) -> None:
            await _post(http, f"/api/v1/requests/{case_id}/{action}", body, headers)

        await register("小金井駅南口再開発に関する協議記録（令和6年度）", "小金井 花子", 2)
        await register("市道の補修工事に係る契約書及び設計書", "武蔵野 一郎", 30)  # overdue
        pending = await register("公園整備事業の入札結果一覧", "国分寺 次郎", 5)
        await act(pending, "draft-decision", {
            "outcome": "partial", "exemptions": [{"clause": "9-3", "reason": "入札参加業者の見積単価は法人の競争上の地位を害するおそれがあるため"}],
            "documents": [{"title": "入札結果一覧表", "disclosure": "partial"}],
            "disclosure_on": (today + timedelta(days=7)).isoformat()}, rv)
        held = await register("都市計画道路の用地買収に関する交渉記録", "府中 三郎", 10)
        await act(held, "consult-third-party", {"party": {"name": "株式会社小金井不動産", "type": "corporation",
                                                          "address": "小金井市前原町1-1"}, "mandatory": True}, rv)
        case = (await http.get(f"/api/v1/requests/{held}", headers=rv)).json()
        party_id = case["third_parties"][0]["party_id"]
        await act(held, "record-third-party-opinion", {"party_id": party_id, "objects": True,
                                                        "summary": "取引価格の公開に反対する"}, rv)
        await act(held, "draft-decision", {
            "outcome": "partial", "exemptions": [{"clause": "9-3", "reason": "取引先法人の事業上の秘密に当たるため"}],
            "documents": [{"title": "用地交渉記録", "disclosure": "partial"}],
            "disclosure_on": (today + timedelta(days=16)).isoformat()}, rv)
        await act(held, "approve-decision", {}, ap)
        officer = await _token(http, DEMO_USERS[3])
        r = await http.post(f"/api/v1/requests/{held}/appeals", headers=fd,
                            json={"grounds": "取引価格は公益上公開すべきである"})
        r.raise_for_status()
        await _post(http, f"/api/v1/appeals/{r.json()['id']}/refer-to-council", {}, officer)
        closed = await register("庁舎の清掃業務委託仕様書", "調布 四郎", 3)
        await act(closed, "withdraw", {"reason": "請求者から取下書の提出があったため"}, fd)
