"""Breach incidents through the HTTP API: who records what, the report clocks explained, the refusals,
the council's summary (JSON and PDF) without personal data."""

from __future__ import annotations

import re
from datetime import timedelta

from domain.clock import today
from domain.era import format_era_date
from tests.integration.conftest import Api
from tests.notices.helpers import pdf_text

WHAT = "委託業者が医療費助成の通知を郵送中に紛失。宛先は山田 太郎 様ほか"
BREACH = {
    "aware_on": None,
    "title": "医療費助成通知の郵送中の紛失",
    "kind": "loss",
    "description": WHAT,
    "persons": 12,
    "items": ["氏名", "住所", "病名"],
    "sensitive": True,
    "contractor": "株式会社テスト印刷",
}


async def record(api: Api, who: str = "shinsa", **overrides) -> dict:
    body = {**BREACH, "aware_on": today().isoformat(), **overrides}
    r = await api.http.post("/api/v1/breaches", json=body, headers=api.as_(who))
    assert r.status_code == 201, r.text
    return r.json()


async def act(api: Api, breach_id: str, action: str, body: dict, who: str = "johokokai"):
    return await api.http.post(f"/api/v1/breaches/{breach_id}/{action}", json=body, headers=api.as_(who))


async def test_department_records_officer_reports_council_reads_a_summary(api: Api) -> None:
    breach = await record(api)
    assert re.fullmatch(r"B-\d{4}-\d{3}", breach["id"]) and breach["department"] == "toshi"
    assert breach["reportable"] is True and breach["description"] == WHAT
    assert breach["duty"]["triggers"] == ["sensitive"]
    aware = today()
    pre, fin = breach["reports"]["preliminary"], breach["reports"]["final"]
    assert (
        pre["due"] == (aware + timedelta(days=3)).isoformat()
        and "施行規則44条①" in pre["explanation"]["article"]
    )
    assert fin["due"] == (aware + timedelta(days=29)).isoformat() and fin["explanation"]["steps"]
    assert "record-preliminary-report" not in breach["allowed_actions"]  # the reviewer does not file reports
    bid = breach["id"]

    # who may see and do what
    assert (await api.http.get(f"/api/v1/breaches/{bid}", headers=api.as_("kankyo"))).status_code == 404
    listed = (await api.http.get("/api/v1/breaches", headers=api.as_("kankyo"))).json()["items"]
    assert bid not in [b["id"] for b in listed]
    r = await api.http.post(
        "/api/v1/breaches", json={**BREACH, "department": "kankyo"}, headers=api.as_("shinsa")
    )
    assert r.status_code == 403
    assert (
        await api.http.post("/api/v1/breaches", json=BREACH, headers=api.as_("madoguchi"))
    ).status_code == 403
    assert (
        await act(api, bid, "record-preliminary-report", {"reference": "PPC-1"}, "shinsa")
    ).status_code == 403
    assert (await api.http.get(f"/api/v1/breaches/{bid}", headers=api.as_("shingikai"))).status_code == 403

    # order and completeness: refusals are 409 with a message a clerk reads
    r = await act(api, bid, "record-final-report", {"reference": "PPC-2"})
    assert r.status_code == 409 and "速報" in r.json()["error"]["message"]
    r = await act(api, bid, "close", {})
    assert r.status_code == 409 and "確報" in r.json()["error"]["message"]
    r = await act(api, bid, "record-preliminary-report", {"reference": "PPC-2026-0101"})
    assert r.status_code == 200, r.text
    assert r.json()["reports"]["preliminary"]["submitted_on"] == aware.isoformat()
    assert (await act(api, bid, "record-preliminary-report", {"reference": "again"})).status_code == 409
    for action, body, who in (
        ("record-final-report", {"reference": "PPC-2026-0102"}, "johokokai"),
        ("record-notification", {"method": "mail", "count": 12}, "shinsa"),
        (
            "record-measures",
            {"measures": "委託先に追跡可能な郵送方法を義務付け、発送前の照合を二重にする"},
            "kacho",
        ),
        ("report-to-council", {"meeting_on": (aware + timedelta(days=20)).isoformat()}, "johokokai"),
    ):
        r = await act(api, bid, action, body, who)
        assert r.status_code == 200, (action, r.text)
    assert r.json()["missing_for_closing"] == [] and r.json()["meeting_on"]

    # the timeline keeps the description sealed
    timeline = await api.http.get(f"/api/v1/breaches/{bid}/events", headers=api.as_("johokokai"))
    assert timeline.status_code == 200 and "山田" not in timeline.text
    assert [e["type"] for e in timeline.json()["events"]][0] == "BreachRecorded"

    # the council: the summary holds no personal data (no description, no contractor's name)
    items = (await api.http.get("/api/v1/council/breaches", headers=api.as_("shingikai"))).json()["items"]
    summary = next(i for i in items if i["id"] == bid)
    assert (
        summary["persons"] == 12 and summary["contractor_involved"] is True and summary["reportable"] is True
    )
    assert summary["notices"] == [f"郵送により12人に通知（{format_era_date(aware)}）"]
    r = await api.http.get(f"/api/v1/council/breaches/{bid}", headers=api.as_("shingikai"))
    assert (
        r.status_code == 200
        and "山田" not in r.text
        and "テスト印刷" not in r.text
        and "description" not in r.json()
    )
    r = await api.http.get(f"/api/v1/council/breaches/{bid}.pdf", headers=api.as_("shingikai"))
    assert (
        r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content[:5] == b"%PDF-"
    )
    text = pdf_text(r.content)
    assert "漏えい等事案の報告（概要）" in text and bid in text and "報告義務あり" in text and "12人" in text
    assert "山田" not in text and "テスト印刷" not in text

    r = await act(api, bid, "close", {})
    assert r.status_code == 200 and r.json()["status"] == "closed", r.text
    assert (await act(api, bid, "record-measures", {"measures": "追加"}, "shinsa")).status_code == 409


async def test_not_reportable_and_the_records_officer_for_any_department(api: Api) -> None:
    r = await api.http.post(
        "/api/v1/breaches", json={**BREACH, "encrypted": True, "persons": 300}, headers=api.as_("johokokai")
    )
    assert r.status_code == 422 and "department" in r.text  # the officer names the department
    breach = await record(api, "johokokai", department="kankyo", encrypted=True, persons=300)
    assert breach["department"] == "kankyo" and breach["reportable"] is False
    assert breach["duty"]["triggers"] == ["sensitive", "over_100"] and breach["duty"]["exempt_reason"]
    assert breach["reports"]["preliminary"]["due"] is None and breach["missing_for_closing"] == []
    assert (
        await api.http.get(f"/api/v1/breaches/{breach['id']}", headers=api.as_("kankyo"))
    ).status_code == 200
    r = await act(api, breach["id"], "close", {"note": "暗号化済みのため報告不要"})
    assert r.status_code == 200 and r.json()["status"] == "closed"


async def test_bad_input_is_refused_with_4xx(api: Api) -> None:
    future = (today() + timedelta(days=2)).isoformat()
    for body, status in (
        ({**BREACH, "aware_on": future}, 422),
        ({**BREACH, "persons": -1}, 422),
        ({**BREACH, "kind": "stolen"}, 422),
        ({**BREACH, "title": ""}, 422),
        ({**BREACH, "unexpected": 1}, 422),
        ({**BREACH, "department": "nowhere"}, 403),
    ):
        r = await api.http.post("/api/v1/breaches", json=body, headers=api.as_("shinsa"))
        assert r.status_code == status, (body, r.text)
    breach = await record(api, malicious=True, persons=4000, sensitive=False)
    assert breach["reports"]["final"]["due"] == (today() + timedelta(days=59)).isoformat()  # 60 days
    bid = breach["id"]
    both = {"method": "mail", "count": 3, "impossible_reason": "連絡先不明", "announcement": "市ホームページ"}
    r = await act(api, bid, "record-notification", both, "shinsa")
    assert r.status_code == 422
    r = await act(
        api,
        bid,
        "record-notification",
        {"impossible_reason": "連絡先が不明な者が多数", "announcement": "市ホームページに掲載"},
        "shinsa",
    )
    assert r.status_code == 200 and r.json()["notices"][0]["form"] == "announcement"
    r = await act(api, bid, "revise-facts", {"persons": 4000}, "shinsa")
    assert r.status_code == 422  # nothing changed
    r = await act(
        api, bid, "revise-facts", {"malicious": False, "reason": "不正アクセスではなかった"}, "shinsa"
    )
    assert (
        r.status_code == 200
        and r.json()["reports"]["final"]["due"] == (today() + timedelta(days=29)).isoformat()
    )
    assert r.json()["revisions"][0]["changed"] == ["malicious"]


async def test_the_contracts_names_record_and_report_a_breach(api: Api) -> None:
    """shared/design/contract.md: `aware_at` (an instant), `summary`, `reported_on`, `record-notification`,
    `report-to-council`; the answer carries `report_required`, its `explanation`, `preliminary_due`, `final_due`."""
    body = {k: v for k, v in BREACH.items() if k not in ("aware_on", "title")}
    aware_at = f"{today().isoformat()}T09:30:00+09:00"
    r = await api.http.post("/api/v1/breaches", json=body | {"aware_at": aware_at, "summary": "郵送中の紛失",
                                                             "persons": 150, "sensitive": False},
                            headers=api.as_("shinsa"))
    assert r.status_code == 201, r.text
    breach = r.json()
    assert breach["title"] == "郵送中の紛失" and breach["aware_on"] == today().isoformat()
    assert breach["report_required"] is True and breach["explanation"]["triggers"] == ["over_100"]
    assert breach["preliminary_due"] == (today() + timedelta(days=3)).isoformat()
    assert breach["final_due"] == (today() + timedelta(days=29)).isoformat()
    bid = breach["id"]
    r = await act(api, bid, "record-preliminary-report", {"reported_on": today().isoformat(), "reference": "PPC-1"})
    assert r.status_code == 200, r.text
    assert r.json()["preliminary_on"] == today().isoformat()
    r = await act(api, bid, "record-notification", {"notified_on": today().isoformat(), "method": "mail",
                                                     "count": 150}, "shinsa")
    assert r.status_code == 200, r.text
    r = await act(api, bid, "report-to-council", {"meeting_on": (today() + timedelta(days=20)).isoformat()})
    assert r.status_code == 200, r.text
    r = await api.http.post("/api/v1/breaches", json=body | {"aware_at": aware_at, "aware_on": "2026-01-05",
                                                             "summary": "x"}, headers=api.as_("shinsa"))
    assert r.status_code == 422 and "different days" in r.text
