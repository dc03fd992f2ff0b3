"""The annual report through the API: counts move with the cases, any cut-off is reproducible byte for
byte, publishing freezes it and names what changed afterwards, and the files open."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from domain.clock import today
from domain.era import fiscal_year
from tests.integration.conftest import Api
from tests.integration.test_request_paths import DRAFTS, soon

FY = fiscal_year(today())


async def _report(api: Api, **params: str) -> tuple[dict, bytes]:
    r = await api.http.get("/api/v1/reports/annual", params={"fiscal_year": FY, **params},
                           headers=api.as_("johokokai"))
    assert r.status_code == 200, r.text
    return r.json(), r.content


async def _decide(api: Api, case_id: str, draft: dict) -> None:
    r = await api.act(case_id, "draft-decision", draft, "shinsa")
    assert r.status_code == 200, r.text
    r = await api.act(case_id, "approve-decision", {}, "kacho")
    assert r.status_code == 200, r.text


async def test_figures_follow_the_cases_and_any_cut_off_is_reproducible(api: Api) -> None:
    before, before_bytes = await _report(api)
    full, withdrawn, pending = [await api.register() for _ in range(3)]
    await _decide(api, full["id"], {**DRAFTS["full"], "disclosure_on": soon()})
    r = await api.act(withdrawn["id"], "withdraw", {"reason": "不要になった"}, "madoguchi")
    assert r.status_code == 200, r.text

    after, _ = await _report(api)
    assert after["requests"]["total"] == before["requests"]["total"] + 3
    assert after["decisions"]["total"] == before["decisions"]["total"] + 1
    assert after["decisions"]["by_body"]["mayor"]["full"] == before["decisions"]["by_body"]["mayor"]["full"] + 1
    assert after["withdrawn"] == before["withdrawn"] + 1
    assert after["pending"] == before["pending"] + 1  # a withdrawn request is not pending
    lines = {row["case_id"]: row for row in after["list"]}
    assert lines[full["id"]]["decisions"][0]["outcome"] == "full"
    assert lines[withdrawn["id"]]["note"] == "取下げ" and lines[pending["id"]]["note"] == "未決定"
    assert "山田" not in str(after)  # no names, ever

    again, again_bytes = await _report(api, as_of=before["as_of"])
    assert again_bytes == before_bytes  # the report as it stood then, byte for byte

    r = await api.http.post(f"/api/v1/reports/annual/{FY}/publish", headers=api.as_("johokokai"))
    assert r.status_code == 200, r.text
    published = r.json()
    assert published["version"] >= 1 and published["inputs_hash"] and ":" in published["audit_head"]
    now, _ = await _report(api)
    assert now["publication"]["changed_cases"] == []
    await _decide(api, pending["id"], DRAFTS["non_disclosure_not_held"])
    later, _ = await _report(api)
    assert later["publication"]["changed_cases"] == [pending["id"]]
    assert later["decisions"]["by_body"]["mayor"]["not_held"] == now["decisions"]["by_body"]["mayor"]["not_held"] + 1
    frozen, _ = await _report(api, as_of=published["as_of"])
    assert frozen["decisions"] == now["decisions"]


async def test_the_files_open_and_only_the_records_officer_gets_them(api: Api) -> None:
    officer = api.as_("johokokai")
    r = await api.http.get("/api/v1/reports/annual.csv", params={"fiscal_year": FY}, headers=officer)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert ["請求の種類", "件数"] in rows and any(row[:1] == ["計"] for row in rows)
    r = await api.http.get("/api/v1/reports/annual.xlsx", params={"fiscal_year": FY}, headers=officer)
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    sheet = wb["decisions"]
    header = [c.value for c in sheet[2]]
    assert header[0] == "実施機関" and header[-1] == "計"
    body = list(sheet.iter_rows(min_row=3, values_only=True))
    total = body[-1]
    assert total[0] == "計" and all(isinstance(v, int) for v in total[1:])
    assert total[-1] == sum(row[-1] for row in body[:-1])  # the sums add up
    r = await api.http.get("/api/v1/reports/annual.pdf", params={"fiscal_year": FY}, headers=officer)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    for who in ("madoguchi", "shinsa", "kacho", "shingikai", "admin"):
        r = await api.http.get("/api/v1/reports/annual", params={"fiscal_year": FY}, headers=api.as_(who))
        assert r.status_code == 403, who
    r = await api.http.get("/api/v1/reports/annual", params={"fiscal_year": FY, "as_of": "2099-01-01T00:00:00+09:00"},
                           headers=officer)
    assert r.status_code == 422
    audit = await api.http.get("/api/v1/audit", params={"actor": "johokokai"}, headers=officer)
    assert any(e["action"] == "export" and e["detail"]["what"] == "annual.pdf" for e in audit.json()["items"])


async def test_the_live_report_is_the_fold_at_now_with_breaches_and_register_uses_in_its_inputs(api: Api) -> None:
    """The live report reads the report facts the projection keeps; the same report as of its own instant is a
    fold of the events. They must give the same bytes. A breach counts in the year its department became
    aware; a 目的外利用 record after publication is seen by the publish check even though no case line moved."""
    from tests.integration.test_breaches import record as record_breach
    from tests.integration.test_registers import RESIDENTS, entry, post

    before, _ = await _report(api)
    decided, _pending, withdrawn = [await api.register() for _ in range(3)]
    await _decide(api, decided["id"], {**DRAFTS["full"], "disclosure_on": soon()})
    r = await api.act(withdrawn["id"], "withdraw", {"reason": "不要になった"}, "madoguchi")
    assert r.status_code == 200, r.text
    breach = await record_breach(api)  # 要配慮: reportable, the 速報 not yet due
    on = today().isoformat()
    register_entry = await entry(api, RESIDENTS | {"name": "運用状況テスト用ファイル", "effective_on": on})

    live, live_bytes = await _report(api)
    folded, folded_bytes = await _report(api, as_of=live["as_of"])
    assert folded_bytes == live_bytes  # the projection's facts and the fold of the events agree, byte for byte
    assert live["requests"]["total"] == before["requests"]["total"] + 3
    b, b0 = live["breaches"], before["breaches"]
    assert b["incidents"] == b0["incidents"] + 1 and b["reportable"] == b0["reportable"] + 1
    assert b["by_trigger"]["sensitive"] == b0["by_trigger"]["sensitive"] + 1
    assert b["reports"]["preliminary"]["filed"] == b0["reports"]["preliminary"]["filed"]
    assert breach["id"] not in str(live) and "山田" not in str(live)  # counts only

    r = await api.http.post(f"/api/v1/reports/annual/{FY}/publish", headers=api.as_("johokokai"))
    assert r.status_code == 200, r.text
    now, _ = await _report(api)
    assert now["publication"]["inputs_changed"] is False and now["publication"]["changed_register_entries"] == []
    use = {"kind": "outside_purpose", "used_by": "税務課", "purpose": "課税資料の照合", "basis": "law",
           "basis_detail": "地方税法第20条の11", "used_on": on}
    r = await post(api, register_entry["id"], "uses", use)
    assert r.status_code == 201, r.text
    later, _ = await _report(api)
    assert later["publication"]["changed_cases"] == []  # no case line moved …
    assert later["publication"]["inputs_changed"] is True  # … but the inputs did
    assert later["publication"]["changed_register_entries"] == [register_entry["id"]]
    assert later["personal_info_uses"]["total"] == now["personal_info_uses"]["total"] + 1

    r = await api.http.get("/api/v1/reports/annual.xlsx", params={"fiscal_year": FY}, headers=api.as_("johokokai"))
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content))["breaches"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["事案の件数（知った日の年度）"] == b["incidents"]
