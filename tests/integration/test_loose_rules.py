"""Rules an audit found loose (issue 10, section 2): each refused or computed through the HTTP API."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.clock import today
from store.db import connect
from store.rebuild import rebuild
from tests.integration.conftest import Api
from tests.integration.test_request_paths import DRAFTS


def days_ago(n: int) -> str:
    return (today() - timedelta(days=n)).isoformat()


async def test_an_appeal_filed_before_the_decision_is_refused_naming_the_dates(api: Api) -> None:
    case = await api.register(received_on=days_ago(5))
    draft = {"outcome": "non_disclosure", "non_disclosure_ground": "not_held", "reason_text": "作成していないため"}
    assert (await api.act(case["id"], "draft-decision", draft, "shinsa")).status_code == 200
    r = await api.act(case["id"], "approve-decision", {"decided_on": days_ago(2)}, "kacho")
    assert r.status_code == 200, r.text
    url = f"/api/v1/requests/{case['id']}/appeals"
    early = await api.http.post(url, json={"filed_on": days_ago(3), "grounds": "不服"}, headers=api.as_("madoguchi"))
    assert early.status_code == 422, early.text
    message = early.json()["error"]["message"]
    assert days_ago(3) in message and days_ago(2) in message
    assert "AppealLinked" not in [e["type"] for e in await api.events(case["id"])]
    same_day = await api.http.post(url, json={"filed_on": days_ago(2), "grounds": "不服"}, headers=api.as_("madoguchi"))
    assert same_day.status_code == 201, same_day.text



REQUEST = {"kind": "public_records", "subject": "契約書", "department": "toshi",
           "requester": {"name": "山田 太郎", "address": "小金井市本町6-6-3"}}


async def test_invisible_or_bidi_override_text_is_refused(api: Api) -> None:
    def with_name(name: str) -> dict:
        return REQUEST | {"requester": REQUEST["requester"] | {"name": name}}

    refused = [
        with_name("\u200b\u200b"),                          # zero-width spaces only
        with_name("\u3000\u200b \ufeff"),                  # ideographic space, ZWSP, blank, BOM
        with_name("\u3164"),                                # Hangul filler: renders blank
        REQUEST | {"subject": "\u200b"},
        REQUEST | {"subject": "契約書\u202egpj.exe"},         # right-to-left override
        REQUEST | {"subject": "\u2066契約書\u2069"},          # isolates
        with_name("山田\u202d太郎"),
    ]
    for body in refused:
        r = await api.http.post("/api/v1/requests", json=body, headers=api.as_("madoguchi"))
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"]
    ok = await api.http.post("/api/v1/requests", json=with_name("山田\u200d太郎"), headers=api.as_("madoguchi"))
    assert ok.status_code == 201, ok.text  # a joiner inside visible text is not refused
    r = await api.act(ok.json()["id"], "withdraw", {"reason": "取下げ\u202e"}, "madoguchi")
    assert r.status_code == 422, r.text  # every body, every text field


async def test_a_closed_case_is_not_overdue_nor_listed_as_overdue(api: Api) -> None:
    case = await api.register(received_on=days_ago(40))  # past decision_due: the overdue timer fires at once
    for _ in range(200):
        if "DecisionOverdue" in [e["type"] for e in await api.events(case["id"])]:
            break
        await asyncio.sleep(0.05)
    listed = await api.http.get("/api/v1/requests", params={"overdue": "true", "limit": 200},
                                headers=api.as_("johokokai"))
    assert case["id"] in [i["id"] for i in listed.json()["items"]]
    r = await api.act(case["id"], "withdraw", {"reason": "不要になった"}, "madoguchi")
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["overdue"] is False
    listed = await api.http.get("/api/v1/requests", params={"overdue": "true", "limit": 200},
                                headers=api.as_("johokokai"))
    assert case["id"] not in [i["id"] for i in listed.json()["items"]]
    conn = await connect(api.settings.database_url)
    try:
        assert await rebuild(conn, check=True) == []
    finally:
        await conn.close()


async def test_transfer_goes_to_a_profile_body_or_a_named_other_public_body(api: Api) -> None:
    case = await api.register()  # toshi: a department of the mayor (小金井市長)
    refused = [
        {"to_body": "mayor"},                                    # the body that holds the case
        {"to_body": "kokubunji"},                                # not a code of the profile
        {"to_body": "board_of_education", "to_body_other": "国分寺市長"},  # both
        {},                                                      # neither
        {"to_body_other": "kokubunji_mayor"},                    # a code where a name belongs
        {"to_body_other": "小金井市教育委員会"},                   # one of the profile's own: use its code
    ]
    for body in refused:
        r = await api.act(case["id"], "transfer", body | {"reason": "所管外"}, "madoguchi")
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["message"]
    assert [e["type"] for e in await api.events(case["id"])] == ["RequestReceived"]
    r = await api.act(case["id"], "transfer", {"to_body": "board_of_education", "reason": "教育委員会の所管"},
                      "madoguchi")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "closed" and r.json()["closed_reason"] == "transferred"
    event = (await api.events(case["id"]))[-1]
    assert event["type"] == "RequestTransferred"
    assert event["data"].items() >= {"to_body": "board_of_education", "to_body_name": "小金井市教育委員会",
                                     "to_body_other": False}.items()
    notice = next(n for n in r.json()["notices"] if n["type"] == "transfer")
    html = await api.http.get(notice["html"], headers=api.as_("madoguchi"))
    assert "小金井市教育委員会" in html.text

    other = await api.register()
    r = await api.act(other["id"], "transfer", {"to_body_other": "国分寺市長", "reason": "国分寺市の文書"},
                      "madoguchi")
    assert r.status_code == 200, r.text
    event = (await api.events(other["id"]))[-1]
    assert event["data"]["to_body"] is None and event["data"]["to_body_name"] == "国分寺市長"
    assert event["data"]["to_body_other"] is True


async def decided_full(api: Api) -> str:
    case = await api.register()
    body = DRAFTS["full"] | {"disclosure_on": days_ago(0)}
    assert (await api.act(case["id"], "draft-decision", body, "shinsa")).status_code == 200
    assert (await api.act(case["id"], "approve-decision", {}, "kacho")).status_code == 200
    return case["id"]


async def test_the_disclosure_fee_is_computed_from_the_profile_and_a_reduction_needs_a_reason(api: Api) -> None:
    cid = await decided_full(api)
    refused = [
        {"method": "copy", "pages": 20, "fee_yen": 999},                   # the profile says 10 yen a page
        {"method": "copy", "pages": 20, "fee_yen": 100},                   # less, without a reason (減免)
        {"method": "copy", "pages": 2, "colour_pages": 3},                 # more colour pages than pages
        {"method": "copy", "pages": 2, "media": 1},                        # media for a paper copy
    ]
    for body in refused:
        r = await api.act(cid, "record-disclosure", body, "madoguchi")
        assert r.status_code == 422, (body, r.text)
    assert "200" in (await api.act(cid, "record-disclosure", refused[0], "madoguchi")).json()["error"]["message"]
    r = await api.act(cid, "record-disclosure", {"method": "copy", "pages": 20, "colour_pages": 5, "postage_yen": 140},
                      "madoguchi")
    assert r.status_code == 200, r.text
    fee = r.json()["disclosure_fee"]
    assert fee["fee_computed_yen"] == fee["fee_yen"] == 15 * 10 + 5 * 20 + 140
    event = (await api.events(cid))[-1]
    assert event["type"] == "Disclosed" and event["label"] == "公開の実施"
    assert event["data"].items() >= {"pages": 20, "colour_pages": 5, "media": 0, "postage_yen": 140,
                                     "fee_computed_yen": 390, "fee_yen": 390, "reduction_reason": ""}.items()
    assert "写し（カラー） 5×20円" in event["summary"] and "390円" in event["summary"]

    reduced = await decided_full(api)
    r = await api.act(reduced, "record-disclosure", {"method": "electronic", "media": 2, "fee_yen": 0,
                                                     "reduction_reason": "生活保護受給者のため免除"}, "madoguchi")
    assert r.status_code == 200, r.text
    assert r.json()["disclosure_fee"]["fee_computed_yen"] == 200 and r.json()["disclosure_fee"]["fee_yen"] == 0
    event = (await api.events(reduced))[-1]
    assert event["data"]["reduction_reason"] == "生活保護受給者のため免除"
    assert "減免" in event["summary"] and "生活保護受給者のため免除" in event["summary"]


async def test_old_disclosure_bodies_stay_valid(api: Api) -> None:
    cid = await decided_full(api)
    r = await api.act(cid, "record-disclosure", {"method": "copy", "pages": 12, "fee_yen": 120}, "madoguchi")
    assert r.status_code == 200 and r.json()["disclosure_fee"]["fee_yen"] == 120
