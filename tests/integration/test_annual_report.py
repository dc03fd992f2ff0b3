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
