"""請求者の区分 (issue 10 §4): suggested at intake, recorded, shown, filtered, exported, from the profile."""

from __future__ import annotations

import csv
import io

from tests.integration.conftest import Api


async def test_the_category_is_suggested_recorded_shown_filtered_and_exported(api: Api) -> None:
    profile = (await api.http.get("/api/v1/profile", headers=api.as_("madoguchi"))).json()
    codes = {c["code"]: c["label"] for c in profile["requester_categories"]}
    assert codes["resident"] == "市内在住・在勤・在学の個人" and "other_corporation" in codes

    resident = await api.register()  # an individual at 小金井市本町…
    assert resident["requester_category"] == "resident"
    assert resident["requester_category_label"] == "市内在住・在勤・在学の個人"
    company = await api.register(requester={"name": "株式会社 武蔵野建設", "type": "corporation",
                                            "address": "東京都武蔵野市中町1-1"})
    assert company["requester_category"] == "other_corporation"
    # staff confirm another category than the suggestion: a commuter living outside the city
    commuter = await api.register(requester_category="resident",
                                  requester={"name": "通勤 花子", "address": "東京都国分寺市本町1-1"})
    assert commuter["requester_category"] == "resident"
    received = (await api.events(commuter["id"]))[0]
    assert received["type"] == "RequestReceived" and received["data"]["requester_category"] == "resident"

    r = await api.http.post("/api/v1/requests", headers=api.as_("madoguchi"), json={
        "kind": "public_records", "subject": "件名", "department": "toshi", "requester_category": "tourist",
        "requester": {"name": "請求 者", "address": "小金井市"}})
    assert r.status_code == 422 and "tourist" in r.json()["error"]["message"]

    listed = await api.http.get("/api/v1/requests", params={"requester_category": "other_corporation", "limit": 200},
                                headers=api.as_("johokokai"))
    ids = [i["id"] for i in listed.json()["items"]]
    assert company["id"] in ids and resident["id"] not in ids and commuter["id"] not in ids
    assert all(i["requester_category"] == "other_corporation" for i in listed.json()["items"])
    wrong = await api.http.get("/api/v1/requests", params={"requester_category": "tourist"},
                               headers=api.as_("johokokai"))
    assert wrong.status_code == 422

    export = await api.http.get("/api/v1/exports/requests.csv", headers=api.as_("johokokai"))
    assert export.status_code == 200
    rows = {row["case_id"]: row for row in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))}
    assert rows[company["id"]]["requester_category"] == "other_corporation"
    assert rows[resident["id"]]["requester_category"] == "resident"
