"""The personal-information registers through the API: 新規 / 変更 / 廃止 as dated versions, the published list
on a date (JSON, CSV, Excel, PDF), 目的外利用・外部提供 records counted per register for the council and the
annual report, who may keep which entry, and the audit entry of every write and download.

The shared integration database holds other tests' entries too: every check is on this test's own entries or
on a count that moved by what this test did. Dates lie in the previous fiscal year, so they are all past.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from domain import clock
from domain.era import fiscal_year
from tests.integration.conftest import Api

FY = fiscal_year(clock.today()) - 1
D = {name: date(FY, m, d).isoformat() for name, (m, d) in {
    "new": (4, 10), "before_change": (5, 1), "change": (6, 1), "after_change": (7, 1), "use": (8, 20),
    "abolish": (9, 1), "after_abolish": (10, 1)}.items()}
OFFICER, TOSHI, TOSHI_CHIEF, KANKYO = "johokokai", "shinsa", "kacho", "kankyo"

RESIDENTS = {
    "register": "file_register", "department": "toshi", "name": "都市計画道路用地所有者ファイル",
    "purpose": "都市計画道路の用地取得事務のため", "items": ["氏名", "住所", "地番", "面積"],
    "person_categories": ["事業区域内の土地所有者"], "persons": 1200, "sources": ["本人", "登記事項証明書"],
    "recipients": [], "retention": "10年", "safeguards": "アクセス権限の設定、施錠保管", "media": "electronic",
    "effective_on": D["new"],
}
SMALL = RESIDENTS | {"register": "handling_register", "name": "道路占用許可申請者名簿", "persons": 240, "media": "paper",
                     "purpose": "道路占用許可事務のため"}


async def entry(api: Api, body: dict, who: str = TOSHI) -> dict:
    r = await api.http.post("/api/v1/registers/files", json=body, headers=api.as_(who))
    assert r.status_code == 201, r.text
    return r.json()


async def post(api: Api, entry_id: str, action: str, body: dict, who: str = TOSHI):  # type: ignore[no-untyped-def]
    if action == "uses":  # 目的外利用・外部提供: POST /registers/uses {file_id, …}
        return await api.http.post("/api/v1/registers/uses", json={"file_id": entry_id} | body, headers=api.as_(who))
    return await api.http.post(f"/api/v1/registers/files/{entry_id}/{action}", json=body, headers=api.as_(who))


async def published(api: Api, on: str, who: str = "madoguchi", **params: str) -> dict:
    r = await api.http.get("/api/v1/registers/files", params={"as_of": on, **params}, headers=api.as_(who))
    assert r.status_code == 200, r.text
    return {item["id"]: item for item in r.json()["items"]}


async def last_audit(api: Api, entity_id: str) -> dict:
    r = await api.http.get("/api/v1/audit", params={"entity_id": entity_id, "limit": 1}, headers=api.as_(OFFICER))
    return r.json()["items"][0]


async def test_versions_new_change_abolish_and_the_list_on_each_date(api: Api) -> None:
    new = await entry(api, RESIDENTS)
    eid = new["id"]
    assert eid.startswith("PIF-") and new["version"] == 1 and new["change_label"] == "新規"
    assert new["status"] == "in_force" and new["department_name"] and new["recorded_by"] == TOSHI
    audit = await last_audit(api, eid)
    assert audit["action"] == "register.new" and audit["actor"] == TOSHI and audit["detail"]["version"] == 1

    r = await post(api, eid, "change", {"effective_on": D["change"], "reason": "提供先の追加",
                                        "recipients": ["東京都建設局"], "persons": 1350}, TOSHI_CHIEF)
    assert r.status_code == 200, r.text
    changed = r.json()
    assert changed["version"] == 2 and changed["change"] == "changed" and changed["recipients"] == ["東京都建設局"]
    assert changed["name"] == RESIDENTS["name"] and changed["items"] == RESIDENTS["items"]  # the rest kept
    assert (await last_audit(api, eid))["action"] == "register.changed"

    # the published list on a date: the version in effect then
    assert (await published(api, D["before_change"]))[eid]["persons"] == 1200
    on_july = await published(api, D["after_change"])
    assert on_july[eid]["persons"] == 1350 and on_july[eid]["version"] == 2
    assert eid not in await published(api, date(FY, 4, 1).isoformat())  # before it existed
    assert "recorded_by" not in on_july[eid] and "reason" not in on_july[eid]  # staff notes are not published

    r = await post(api, eid, "abolish", {"effective_on": D["abolish"], "reason": "用地取得事務の完了"})
    assert r.status_code == 200 and r.json()["status"] == "abolished" and r.json()["change_label"] == "廃止"
    assert eid not in await published(api, D["after_abolish"])
    assert eid in await published(api, D["after_change"])  # the past list stays as it was

    one = (await api.http.get(f"/api/v1/registers/files/{eid}", headers=api.as_(TOSHI))).json()
    assert [v["change"] for v in one["versions"]] == ["new", "changed", "abolished"]
    assert [v["recorded_by"] for v in one["versions"]] == [TOSHI, TOSHI_CHIEF, TOSHI]

    # an abolished entry takes no further version; a change never dates before the version it follows
    r = await post(api, eid, "change", {"reason": "再開", "persons": 2000})
    assert r.status_code == 409 and "廃止" in r.json()["error"]["message"]
    assert (await post(api, eid, "abolish", {"reason": "二重"})).status_code == 409
    other = await entry(api, RESIDENTS | {"name": "別ファイル"})
    r = await post(api, other["id"], "change", {"effective_on": date(FY, 4, 1).isoformat(), "reason": "遡及",
                                                "persons": 1500})
    assert r.status_code == 409 and "前" in r.json()["error"]["message"]
    r = await post(api, other["id"], "change", {"reason": "同じ", "persons": RESIDENTS["persons"]})
    assert r.status_code == 422  # nothing changes


async def test_which_register_follows_the_number_of_persons(api: Api) -> None:
    r = await api.http.post("/api/v1/registers/files", json=RESIDENTS | {"persons": 999}, headers=api.as_(TOSHI))
    assert r.status_code == 422 and "取扱登録簿" in r.json()["error"]["message"]
    r = await api.http.post("/api/v1/registers/files", json=SMALL | {"persons": 1000}, headers=api.as_(TOSHI))
    assert r.status_code == 422 and "ファイル簿" in r.json()["error"]["message"]
    small = await entry(api, SMALL)
    assert small["id"].startswith("PIH-") and small["register_label"] == "個人情報取扱登録簿"
    r = await post(api, small["id"], "change", {"reason": "増加", "persons": 5000})
    assert r.status_code == 409 and "ファイル簿" in r.json()["error"]["message"]
    r = await api.http.post("/api/v1/registers/files", json=SMALL | {"department": "nowhere"},
                            headers=api.as_(OFFICER))
    assert r.status_code == 422


async def test_department_staff_keep_their_own_entries_the_officer_all(api: Api) -> None:
    mine = await entry(api, SMALL | {"name": "都市計画課の名簿"})
    theirs = await entry(api, SMALL | {"name": "環境政策課の名簿", "department": "kankyo"}, who=KANKYO)
    r = await api.http.post("/api/v1/registers/files", json=SMALL | {"department": "kankyo"},
                            headers=api.as_(TOSHI))
    assert r.status_code == 403  # not one's own department
    assert (await api.http.get(f"/api/v1/registers/files/{theirs['id']}", headers=api.as_(TOSHI))).status_code == 404
    r = await api.http.get("/api/v1/registers/uses", params={"file_id": theirs["id"]}, headers=api.as_(TOSHI))
    assert r.status_code == 200 and r.json()["items"] == []  # another department's uses are not listed
    r = await post(api, theirs["id"], "uses", {"used_by": "税務課", "purpose": "課税", "basis": "law"})
    assert r.status_code == 422 and theirs["id"] in r.json()["error"]["message"]
    assert (await post(api, theirs["id"], "change", {"reason": "x", "persons": 10})).status_code == 404
    r = await post(api, mine["id"], "change", {"reason": "移管", "department": "kankyo"})
    assert r.status_code == 403  # department staff cannot hand an entry to another department
    listed = (await api.http.get("/api/v1/registers/files", headers=api.as_(TOSHI))).json()["items"]
    assert mine["id"] in {e["id"] for e in listed} and {e["department"] for e in listed} == {"toshi"}
    listed = (await api.http.get("/api/v1/registers/files", params={"department": "kankyo"},
                                 headers=api.as_(OFFICER))).json()["items"]
    assert theirs["id"] in {e["id"] for e in listed} and mine["id"] not in {e["id"] for e in listed}
    r = await post(api, theirs["id"], "change", {"reason": "組織改正", "department": "toshi"}, OFFICER)
    assert r.status_code == 200 and r.json()["department"] == "toshi"
    assert (await api.http.get(f"/api/v1/registers/files/{theirs['id']}", headers=api.as_(TOSHI))).status_code == 200
    for who in ("shingikai", "admin"):
        assert (await api.http.get("/api/v1/registers/files", headers=api.as_(who))).status_code == 403
    # the front desk keeps no entry: without as_of it reads the list published today (no staff notes)
    r = await api.http.get("/api/v1/registers/files", headers=api.as_("madoguchi"))
    assert r.status_code == 200 and r.json()["as_of"] == clock.today().isoformat()
    assert mine["id"] in {e["id"] for e in r.json()["items"]}
    assert all("recorded_by" not in e for e in r.json()["items"])
    for path in (f"/api/v1/registers/files/{mine['id']}", "/api/v1/registers/uses"):
        assert (await api.http.get(path, headers=api.as_("madoguchi"))).status_code == 403
    # the published list: every department's, for the front desk and department staff alike
    assert theirs["id"] in await published(api, clock.today().isoformat(), who=KANKYO)


async def test_uses_counted_per_register_for_the_council_and_the_annual_report(api: Api) -> None:
    async def summary() -> dict:
        r = await api.http.get("/api/v1/council/registers", params={"fiscal_year": FY}, headers=api.as_("shingikai"))
        assert r.status_code == 200, r.text
        return r.json()

    async def annual() -> dict:
        r = await api.http.get("/api/v1/reports/annual", params={"fiscal_year": FY}, headers=api.as_(OFFICER))
        assert r.status_code == 200, r.text
        return r.json()["personal_info_uses"]

    before, annual_before = await summary(), await annual()
    file_entry = await entry(api, RESIDENTS | {"name": "目的外利用テスト用ファイル"})
    small = await entry(api, SMALL | {"name": "目的外利用テスト用名簿"})
    use = {"kind": "provision", "used_by": "小金井警察署", "purpose": "捜査関係事項照会への回答", "basis": "law",
           "basis_detail": "刑事訴訟法第197条第2項", "used_on": D["use"]}
    r = await post(api, file_entry["id"], "uses", use)
    assert r.status_code == 201, r.text
    assert r.json()["basis_label"] == "法令" and r.json()["kind_label"] == "外部提供"
    assert (await last_audit(api, file_entry["id"]))["action"] == "register.use"
    r = await post(api, file_entry["id"], "uses", use | {"kind": "outside_purpose", "used_by": "税務課",
                                                         "basis": "reasonable_grounds", "basis_detail": ""})
    assert r.status_code == 201, r.text
    r = await post(api, small["id"], "uses", use | {"basis": "consent"}, OFFICER)
    assert r.status_code == 201, r.text
    # not before the entry existed, not in the future
    assert (await post(api, small["id"], "uses", use | {"used_on": date(FY, 4, 1).isoformat()})).status_code == 409
    assert (await post(api, small["id"], "uses", use | {"used_on": "2099-01-01"})).status_code == 422
    listed = (await api.http.get("/api/v1/registers/uses", params={"file_id": file_entry["id"]},
                                 headers=api.as_(TOSHI))).json()["items"]
    assert [u["used_by"] for u in listed] == ["小金井警察署", "税務課"]
    assert {u["file_id"] for u in listed} == {file_entry["id"]} and listed[1]["basis_label"] == "相当の理由"
    r = await api.http.get("/api/v1/registers/uses", params={"register": "handling_register", "from": D["use"],
                                                              "to": D["use"]}, headers=api.as_(OFFICER))
    assert [u["file_id"] for u in r.json()["items"]].count(small["id"]) == 1
    one = (await api.http.get(f"/api/v1/registers/files/{file_entry['id']}", headers=api.as_(TOSHI))).json()
    assert one["uses"]["total"] == 2 and one["uses"]["provision"] == 1

    after = await summary()
    assert after["uses"]["by_register"]["file_register"]["total"] == before["uses"]["by_register"]["file_register"]["total"] + 2
    assert after["uses"]["by_register"]["handling_register"]["provision"] == (
        before["uses"]["by_register"]["handling_register"]["provision"] + 1)
    assert after["uses"]["by_basis"]["consent"] == before["uses"]["by_basis"]["consent"] + 1
    assert after["changes"]["file_register"]["new"] == before["changes"]["file_register"]["new"] + 1
    assert after["changes"]["handling_register"]["new"] == before["changes"]["handling_register"]["new"] + 1
    assert after["in_force_at_year_end"]["file_register"] == before["in_force_at_year_end"]["file_register"] + 1
    toshi_before = before["in_force_by_department"].get("toshi", {"file_register": 0, "handling_register": 0})
    assert after["in_force_by_department"]["toshi"] == {
        "file_register": toshi_before["file_register"] + 1, "handling_register": toshi_before["handling_register"] + 1}
    assert "目的外利用テスト用" not in str(after)  # counts only: no entry content for the council

    annual_after = await annual()
    assert annual_after["total"] == annual_before["total"] + 3
    assert annual_after["by_entry"][file_entry["id"]] | {} == {
        "name": "目的外利用テスト用ファイル", "outside_purpose": 1, "provision": 1, "law": 1, "consent": 0,
        "reasonable_grounds": 1, "total": 2}
    r = await api.http.get("/api/v1/reports/annual.csv", params={"fiscal_year": FY}, headers=api.as_(OFFICER))
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert ["保有個人情報の目的外利用・外部提供（登録簿別）"] in rows
    assert [f"{file_entry['id']}　目的外利用テスト用ファイル", "1", "1", "2"] in rows
    for who in ("shinsa", "madoguchi", "admin"):
        r = await api.http.get("/api/v1/council/registers", headers=api.as_(who))
        assert r.status_code == 403, who


@pytest.fixture(scope="module")
async def listed(api: Api) -> dict:
    return await entry(api, RESIDENTS | {"name": "=HYPERLINK(\"x\") 公開用ファイル", "recipients": ["東京都"]})


async def test_the_published_list_as_csv_excel_and_pdf(api: Api, listed: dict) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    on = {"as_of": D["after_change"]}
    r = await api.http.get("/api/v1/registers/files.csv", params=on | {"register": "file_register"},
                           headers=api.as_("madoguchi"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["個人情報ファイル簿"] and rows[1][:3] == ["登録番号", "名称", "担当課"]
    line = next(row for row in rows if row[:1] == [listed["id"]])
    assert line[1].startswith("'=")  # a formula is quoted as text (CSV injection)
    assert line[6] == "1200" and line[11] == "電子" and line[13] == "新規"
    assert "個人情報取扱登録簿" not in r.content.decode("utf-8-sig")  # only the register asked for
    entry_audit = (await api.http.get("/api/v1/audit", params={"entity_id": "registers", "limit": 1},
                                      headers=api.as_(OFFICER))).json()["items"][0]
    assert entry_audit["action"] == "export" and entry_audit["detail"]["what"] == "registers.csv"

    r = await api.http.get("/api/v1/registers/files.xlsx", params=on, headers=api.as_(TOSHI))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["file_register", "handling_register"]
    xl = next(row for row in wb["file_register"].iter_rows(values_only=True) if row[0] == listed["id"])
    assert xl[6] == 1200 and xl[8] == "東京都"  # numbers stay numbers

    r = await api.http.get("/api/v1/registers/files.pdf", params=on, headers=api.as_(OFFICER))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert listed["id"] in text and "個人情報ファイル簿" in text and "安全管理措置" in text
    for who in ("shingikai", "admin"):
        r = await api.http.get("/api/v1/registers/files.pdf", headers=api.as_(who))
        assert r.status_code == 403, who
    r = await api.http.get("/api/v1/registers/files", params={"as_of": "13-01-2026"}, headers=api.as_(TOSHI))
    assert r.status_code == 422


async def test_the_contract_paths_are_served(api: Api) -> None:
    paths = (await api.http.get("/openapi.json")).json()["paths"]
    for path in ("/api/v1/registers/files", "/api/v1/registers/files.csv", "/api/v1/registers/files.xlsx",
                 "/api/v1/registers/files.pdf", "/api/v1/registers/uses", "/api/v1/registers/files/{file_id}"):
        assert path in paths, path
    assert not [p for p in paths if "/registers/entries" in p or "/registers/published" in p]
    use = paths["/api/v1/registers/uses"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    schema = (await api.http.get("/openapi.json")).json()["components"]["schemas"][use["$ref"].rsplit("/", 1)[1]]
    assert set(schema["properties"]["basis"]["enum"]) == {"law", "consent", "reasonable_grounds"}
    assert {"file_id", "used_by", "purpose", "basis", "used_on"} <= set(schema["properties"])


async def test_the_published_list_cut_off_at_what_was_recorded_by_then(api: Api) -> None:
    """記録日: the list published on a day is shown again exactly, though a back-dated 新規 and 変更 were recorded
    after it (the versions recorded later are left out)."""
    first = await entry(api, RESIDENTS | {"name": "記録日テスト用ファイル"})
    cut = first["recorded_at"]  # the list is published now, with this entry as the newest recorded
    on = D["after_change"]

    async def csv_at(**params: str) -> bytes:
        r = await api.http.get("/api/v1/registers/files.csv", params={"as_of": on, **params},
                               headers=api.as_("madoguchi"))
        assert r.status_code == 200, r.text
        return r.content

    then, then_csv = await published(api, on, recorded_by=cut), await csv_at(recorded_by=cut)
    assert first["id"] in then and then[first["id"]]["persons"] == 1200

    back = await entry(api, RESIDENTS | {"name": "遡及登録ファイル", "effective_on": D["new"]})  # back-dated 新規
    r = await post(api, first["id"], "change", {"effective_on": D["change"], "reason": "遡及の変更", "persons": 1500})
    assert r.status_code == 200, r.text
    now = await published(api, on)
    assert back["id"] in now and now[first["id"]]["persons"] == 1500  # without the cut-off: as recorded now

    again = await published(api, on, recorded_by=cut)
    assert back["id"] not in again and again[first["id"]]["persons"] == 1200
    assert again == then and await csv_at(recorded_by=cut) == then_csv  # exactly as published
    assert back["id"].encode() not in then_csv and back["id"].encode() in await csv_at()
    for ext in ("xlsx", "pdf"):
        r = await api.http.get(f"/api/v1/registers/files.{ext}", params={"as_of": on, "recorded_by": cut},
                               headers=api.as_(OFFICER))
        assert r.status_code == 200, r.text
    exported = (await api.http.get("/api/v1/audit", params={"entity_id": "registers", "limit": 1},
                                   headers=api.as_(OFFICER))).json()["items"][0]
    assert exported["detail"]["what"] == "registers.pdf" and exported["detail"]["recorded_by"]

    # a date is the end of that day in Japan: yesterday's list had neither entry, today's has both
    today = clock.today()
    yesterday = await published(api, on, recorded_by=date.fromordinal(today.toordinal() - 1).isoformat())
    assert first["id"] not in yesterday and back["id"] not in yesterday
    assert {first["id"], back["id"]} <= set(await published(api, on, recorded_by=today.isoformat()))

    # department staff asking with recorded_by alone get the published list (today, cut off), not the kept one
    r = await api.http.get("/api/v1/registers/files", params={"recorded_by": cut}, headers=api.as_(TOSHI))
    assert r.status_code == 200 and r.json()["as_of"] == today.isoformat() and r.json()["recorded_by"]
    assert all("recorded_by" not in e for e in r.json()["items"])

    tomorrow = date.fromordinal(today.toordinal() + 1).isoformat()
    for bad in ("yesterday", "2026-02-30", tomorrow, f"{tomorrow}T00:00:00+09:00", "1700000000"):
        for path in ("/api/v1/registers/files", "/api/v1/registers/files.csv"):
            r = await api.http.get(path, params={"as_of": on, "recorded_by": bad}, headers=api.as_("madoguchi"))
            assert r.status_code == 422, (path, bad, r.text)
    params = (await api.http.get("/openapi.json")).json()["paths"]["/api/v1/registers/files.pdf"]["get"]["parameters"]
    assert "記録日" in next(p for p in params if p["name"] == "recorded_by")["description"]
