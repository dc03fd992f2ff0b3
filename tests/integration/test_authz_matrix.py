"""The authorisation matrix, walked: every operation in /openapi.json × every caller × {own, other object}.

Expected statuses come from api/authz.py MATRIX (the same table the API
enforces), so the test proves the API does what the table says; the policy
tests at the bottom pin what the table itself must say (admin sees no case
content, the council no contact data, department-scoped roles only their own
department). Write operations are probed with a body carrying an unknown field:
once past the gate that must be 422 (mass assignment refused), so nothing is
changed by the walk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from api import authz
from tests.integration.conftest import Api
from tests.integration.test_appeals import TWO_DOCUMENTS, file
from tests.integration.test_request_paths import DRAFTS, soon

# Callers: the user each role signs in as. Reviewer and approver belong to `toshi`.
CALLERS = {"anonymous": None, "front_desk": "madoguchi", "reviewer": "shinsa", "approver": "kacho",
           "records_officer": "johokokai", "council": "shingikai", "admin": "admin"}
PROBE = {"unexpected_field": "mass assignment must be refused"}
CONTACT_VALUES = ("042-387-0000", "taro@example.jp", "本町6-6-3")
# The top-level keys each successful read may answer with (what the API promises; nothing else may appear).
CASE_KEYS = {"id", "kind", "status", "closed_reason", "overdue", "department", "reviewer", "received_on", "subject",
             "decision_due", "work_due", "outcome", "appeal_window_ends", "version", "preferred_method",
             "due_warning", "due_explanation", "extended", "excluded_days", "correction", "third_parties", "draft",
             "decision", "earliest_disclosure_on", "disclosed_on", "notice_delivered_on", "self_information", "requester", "deadlines",
             "notices", "appeals", "suits", "allowed_actions", "requester_category", "requester_category_label",
             "disclosure_fee", "decisions", "draft_parts", "remainder"}
APPEAL_KEYS = {"id", "request_id", "kind", "status", "closed_reason", "department", "filed_on", "window_ends", "late",
               "referred_on", "report_due", "report_overdue", "ruling", "ruled_on", "version", "grounds", "decision",
               "sessions", "report", "ruling_text", "explanation", "correction", "late_reason", "appellant",
               "notices", "allowed_actions", "late_reason_accepted", "scope", "objecting_parties", "suits",
               "correction_respond_by", "explanation_due", "explanation_filed_on", "ruling_detail",
               "third_party_objection", "window", "referral_packs"}
BREACH_KEYS = {"id", "department", "title", "kind", "status", "aware_on", "persons", "reportable", "preliminary_due",
               "preliminary_on", "final_due", "final_on", "overdue", "meeting_on", "closed_on", "version", "kind_label",
               "description", "items", "sensitive", "financial_harm", "malicious", "encrypted", "contractor", "duty",
               "reports", "notices", "measures", "revisions", "missing_for_closing", "allowed_actions",
               "report_required", "explanation"}
# The council's summary: no description, no contractor's name, nothing that names a person.
COUNCIL_BREACH_KEYS = {"id", "title", "kind", "kind_label", "department", "department_name", "aware_on", "persons",
                       "items", "triggers", "encrypted", "contractor_involved", "reportable", "duty_steps", "reports",
                       "notices", "measures", "status", "closed_on", "meeting_on"}
REGISTER_ENTRY_KEYS = {"id", "register", "register_label", "status", "version", "change", "change_label",
                       "effective_on", "department", "department_name", "name", "purpose", "items",
                       "person_categories", "persons", "sources", "recipients", "retention", "safeguards", "media",
                       "reason", "recorded_by", "recorded_at"}
RESPONSE_KEYS: dict[str, set[str]] = {
    "GET /healthz": {"status"},
    "GET /readyz": {"status", "checks"},
    "GET /api/v1/profile": {"name", "municipality", "implementing_bodies", "departments", "request_kinds",
                            "exemptions", "council_members", "unconfirmed", "requester_categories"},
    "GET /api/v1/users": {"items"},
    "GET /api/v1/users/grants": {"items"},
    "GET /api/v1/requests": {"items", "next_cursor"},
    "GET /api/v1/requests/{case_id}": CASE_KEYS,
    "GET /api/v1/requests/{case_id}/events": {"id", "events"},
    "GET /api/v1/requests/{case_id}/notices": {"items"},
    "GET /api/v1/appeals": {"items"},
    "GET /api/v1/appeals/{appeal_id}": APPEAL_KEYS,
    "GET /api/v1/appeals/{appeal_id}/events": {"id", "events"},
    "GET /api/v1/appeals/{appeal_id}/notices": {"items"},
    "GET /api/v1/council/referrals": {"items"},
    "GET /api/v1/council/reports": {"items"},
    "GET /api/v1/suits": {"items"},
    "GET /api/v1/suits/{suit_id}": {"id", "request_id", "appeal_id", "court", "case_number", "level", "status",
                                    "outcome", "filed_on", "appeal_due", "final_on", "version", "judgments", "late",
                                    "window_ends", "target"},
    "GET /api/v1/suits/{suit_id}/events": {"id", "events"},
    "GET /api/v1/notices/{notice_id}": {"id", "type", "number", "issued_on", "sha256", "template_version",
                                        "supersedes", "case_id", "pdf", "html", "decision_id"},
    "GET /api/v1/breaches": {"items"},
    "GET /api/v1/breaches/{breach_id}": BREACH_KEYS,
    "GET /api/v1/breaches/{breach_id}/events": {"id", "events"},
    "GET /api/v1/council/breaches": {"items"},
    "GET /api/v1/council/breaches/{breach_id}": COUNCIL_BREACH_KEYS,
    "GET /api/v1/audit": {"items"},
    "GET /api/v1/calendar": {"from", "to", "days"},
    "GET /api/v1/audit/verify": {"ok", "entries", "head", "broken_seq", "reason", "checkpoint"},
    "GET /api/v1/registers/files": {"as_of", "recorded_by", "registers", "counts", "items"},
    "GET /api/v1/registers/files/{file_id}": REGISTER_ENTRY_KEYS | {"versions", "uses"},
    "GET /api/v1/registers/uses": {"items"},
    "GET /api/v1/council/registers": {"fiscal_year", "in_force_at_year_end", "in_force_by_department", "changes",
                                        "uses"},
}


@dataclass
class World:
    """Objects each caller owns ("own") or must not see ("other")."""

    own: dict[str, str]
    other: dict[str, str]


async def _decided(api: Api, draft: dict, department: str, reviewer: str, approver: str) -> dict:
    case = await api.register(department=department)
    body = dict(draft) | ({"disclosure_on": soon()} if draft["outcome"] in ("full", "partial") else {})
    r = await api.act(case["id"], "draft-decision", body, reviewer)
    assert r.status_code == 200, r.text
    r = await api.act(case["id"], "approve-decision", {}, approver)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture(scope="module")
async def world(api: Api) -> World:
    # own: a toshi request decided NCND (so the council hears it), appealed and referred to the council.
    own_request = await _decided(api, DRAFTS["neither_confirm_nor_deny"], "toshi", "shinsa", "kacho")
    own_appeal = await file(api, own_request["id"])
    r = await api.http.post(f"/api/v1/appeals/{own_appeal['id']}/refer-to-council", json={},
                            headers=api.as_("johokokai"))
    assert r.status_code == 200, r.text
    # other: a kankyo request decided in part, appealed, not referred.
    other_request = await _decided(api, TWO_DOCUMENTS, "kankyo", "kankyo", "kankyo_kacho")
    other_appeal = await file(api, other_request["id"])
    suit = await api.http.post(f"/api/v1/requests/{own_request['id']}/suits",
                               json={"court": "東京地方裁判所", "case_number": "令和8年(行ウ)第7号"},
                               headers=api.as_("johokokai"))
    assert suit.status_code == 201, suit.text

    async def breach(department: str, who: str) -> str:
        r = await api.http.post("/api/v1/breaches", json={
            "title": "通知の誤送付", "description": "山田 太郎 様あての通知を別人に送付", "persons": 1,
            "items": ["氏名", "住所"], "sensitive": True}, headers=api.as_(who))
        assert r.status_code == 201, r.text
        return r.json()["id"]

    # own breach: toshi's, on the council's agenda; other: kankyo's, not on it
    own_breach, other_breach = await breach("toshi", "shinsa"), await breach("kankyo", "kankyo")
    r = await api.http.post(f"/api/v1/breaches/{own_breach}/report-to-council", json={"meeting_on": "2099-01-10"},
                            headers=api.as_("johokokai"))
    assert r.status_code == 200, r.text
    breach_ids = {id(own_request): own_breach, id(other_request): other_breach}

    # register entries (個人情報取扱登録簿): one kept by toshi, one by kankyo
    entries = {}
    for who, department in (("shinsa", "toshi"), ("kankyo", "kankyo")):
        r = await api.http.post("/api/v1/registers/files", headers=api.as_(who), json={
            "register": "handling_register", "department": department, "name": "認可の歩行テスト用名簿", "purpose": "テスト",
            "items": ["氏名"], "person_categories": ["申請者"], "persons": 10, "sources": ["本人"],
            "retention": "5年", "safeguards": "施錠保管", "media": "paper"})
        assert r.status_code == 201, r.text
        entries[department] = r.json()["id"]

    def ids(request: dict, appeal: dict, entry_id: str) -> dict[str, str]:
        return {"case_id": request["id"], "request_id": request["id"], "appeal_id": appeal["id"],
                "suit_id": suit.json()["id"], "notice_id": request["notices"][0]["id"], "username": "shinsa",
                "fiscal_year": "2025",  # POST /reports/annual/{fiscal_year}/publish
                "version": "1",  # GET /council/referrals/{appeal_id}/packs/{version}.pdf
                "breach_id": breach_ids[id(request)], "file_id": entry_id,
                "grant_id": "1"}  # POST /users/grants/{grant_id}/…: the probe body is refused before the lookup

    return World(own=ids(own_request, own_appeal, entries["toshi"]),
                 other=ids(other_request, other_appeal, entries["kankyo"]))


def operations(api_spec: dict) -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, ops in api_spec["paths"].items() for method in ops]


def expected_status(key: str, method: str, caller: str, which: str) -> int:
    grant = authz.MATRIX[key]
    passed = 200 if method == "GET" else (400 if "temporal-codec" in key else 422)
    if grant.public:
        return passed
    if caller == "anonymous":
        return 401
    if caller not in grant.roles:
        return 403
    if grant.subject and which == "other" and caller in ("reviewer", "approver", "council"):
        return 404
    if key == "POST /api/v1/auth/logout":
        return 200  # no body to refuse: it signs the (throwaway) token out
    if key.endswith("/packs/{version}.pdf") and which == "other":
        return 404  # the other appeal is not referred: it has no referral pack
    return passed


def contact_keys(value: Any) -> set[str]:
    """Contact fields that carry a value anywhere in a JSON answer."""
    if isinstance(value, dict):
        found = {k for k, v in value.items() if k in authz.CONTACT_FIELDS and v}
        return found.union(*(contact_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(contact_keys(v) for v in value))
    return set()


async def _headers(api: Api, caller: str, key: str) -> dict[str, str]:
    user = CALLERS[caller]
    if user is None:
        return {}
    if key == "POST /api/v1/auth/logout":  # a fresh token, so the walk does not sign the shared one out
        r = await api.http.post("/api/v1/auth/token", data={"username": user, "password": "correct-horse-battery"})
        return {"Authorization": f"Bearer {r.json()['access_token']}"}
    return api.as_(user)


async def test_every_operation_for_every_caller_and_object(api: Api, world: World) -> None:
    spec = (await api.http.get("/openapi.json")).json()
    ops = operations(spec)
    assert {f"{m} {p}" for m, p in ops} == set(authz.MATRIX), "MATRIX and /openapi.json disagree"
    mismatches: list[str] = []
    checked = 0
    for method, path in ops:
        key = f"{method} {path}"
        for caller in CALLERS:
            for which in ("own", "other"):
                ids = world.own if which == "own" else world.other
                url = re.sub(r"\{(\w+)\}", lambda m, ids=ids: ids[m[1]], path)
                headers = await _headers(api, caller, key)
                if method == "GET":
                    r = await api.http.get(url, headers=headers)
                elif key.startswith("POST /api/v1/auth/"):
                    r = await api.http.post(url, data=PROBE, headers=headers)
                else:
                    r = await api.http.request(method, url, json=PROBE, headers=headers)
                checked += 1
                want = expected_status(key, method, caller, which)
                if r.status_code != want:
                    mismatches.append(f"{key} as {caller} on {which}: {r.status_code} (expected {want}) {r.text[:120]}")
                    continue
                if r.status_code == 422 and method != "GET":
                    assert "unexpected_field" in r.text or key.startswith("POST /api/v1/auth/"), (key, r.text)
                if r.status_code != 200 or not r.headers.get("content-type", "").startswith("application/json"):
                    continue
                body = r.json()
                allowed = RESPONSE_KEYS.get(key)
                if allowed is not None and isinstance(body, dict) and set(body) - allowed:
                    mismatches.append(f"{key} as {caller}: unexpected keys {sorted(set(body) - allowed)}")
                sees = set(authz.PARTY_FIELDS.get(caller, ())) & authz.CONTACT_FIELDS
                leaked = contact_keys(body) - sees
                if leaked or (not sees and any(v in r.text for v in CONTACT_VALUES)):
                    mismatches.append(f"{key} as {caller}: contact data {sorted(leaked)} in the answer")
    assert not mismatches, f"{len(mismatches)} of {checked} calls:\n" + "\n".join(mismatches)
    assert checked == len(ops) * len(CALLERS) * 2


async def test_front_desk_and_records_officer_see_contact_data_reviewer_does_not(api: Api, world: World) -> None:
    path = f"/api/v1/requests/{world.own['case_id']}"
    for caller, sees in (("front_desk", True), ("records_officer", True), ("reviewer", False), ("approver", False)):
        requester = (await api.http.get(path, headers=api.as_(CALLERS[caller]))).json()["requester"]
        assert ("address" in requester and requester["phone"] == "042-387-0000") is sees, caller
        assert requester["name"] == "山田 太郎"


async def test_each_read_of_contact_data_is_one_audit_entry(api: Api, world: World) -> None:
    async def reads(entity_id: str) -> list[dict]:
        r = await api.http.get("/api/v1/audit", params={"entity_id": entity_id}, headers=api.as_("johokokai"))
        return [e for e in r.json()["items"] if e["action"] == "personal_data.read"]

    appeal = world.other["appeal_id"]
    before = len(await reads(appeal))
    assert (await api.http.get(f"/api/v1/appeals/{appeal}", headers=api.as_("madoguchi"))).status_code == 200
    assert (await api.http.get(f"/api/v1/appeals/{appeal}", headers=api.as_("kankyo"))).status_code == 200
    after = await reads(appeal)
    assert len(after) == before + 1  # the reviewer saw no contact data: no entry
    assert after[0]["actor"] == "madoguchi" and after[0]["detail"]["parties"] and after[0]["detail"]["request_id"]
    notice, case = world.own["notice_id"], world.own["case_id"]
    before = len(await reads(case))
    assert (await api.http.get(f"/api/v1/notices/{notice}.pdf", headers=api.as_("shinsa"))).status_code == 200
    assert (await api.http.get(f"/api/v1/notices/{notice}", headers=api.as_("shinsa"))).status_code == 200
    after = await reads(case)
    assert len(after) == before + 1 and after[0]["detail"]["notice_id"] == notice  # content, not metadata


async def test_an_export_is_audited_and_holds_no_personal_data(api: Api, world: World) -> None:
    r = await api.http.get("/api/v1/exports/requests.csv", params={"department": "toshi"},
                           headers=api.as_("johokokai"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert world.own["case_id"] in r.text and world.other["case_id"] not in r.text
    assert "山田" not in r.text and not any(v in r.text for v in CONTACT_VALUES)
    entry = (await api.http.get("/api/v1/audit", params={"actor": "johokokai", "limit": 1},
                                headers=api.as_("johokokai"))).json()["items"][0]
    assert entry["action"] == "export" and entry["detail"]["rows"] == r.text.count("\n") - 1


# The table itself: policies a records office relies on, independent of how the rows are written.

def test_admin_reaches_no_case_content() -> None:
    for key, grant in authz.MATRIX.items():
        if "admin" in grant.roles:
            assert grant.roles == authz.SIGNED_IN or "/users" in key, key


def test_council_reads_no_case_file_and_contact_data() -> None:
    for key, grant in authz.MATRIX.items():
        if "council" in grant.roles and key.startswith("GET"):
            # the profile and the office calendar hold no case content
            assert "/council/" in key or key in ("GET /api/v1/profile", "GET /api/v1/calendar"), key
    assert set(authz.PARTY_FIELDS["council"]) == {"name"}
    assert not authz.CONTACT_FIELDS & set(authz.PARTY_FIELDS["reviewer"] + authz.PARTY_FIELDS["approver"])


def test_every_object_operation_is_scoped() -> None:
    for key, grant in authz.MATRIX.items():
        params = re.findall(r"\{(\w+)\}", key)
        # a user name, a fiscal year or a role grant names no case: the role alone decides
        if params and not grant.public and params not in (["username"], ["fiscal_year"], ["grant_id"]):
            assert grant.subject and grant.param == params[0], key


def test_action_rows_agree_with_the_domain_transition_tables() -> None:
    from domain.appeals.decide import TRANSITIONS as APPEAL
    from domain.litigation.decide import TRANSITIONS as SUIT
    from domain.requests.transitions import TRANSITIONS as REQUEST

    for action, rule in REQUEST.items():
        key = ("POST /api/v1/council/reports/{request_id}/mark-reported" if action == "record-ncnd-report"
               else f"POST /api/v1/requests/{{case_id}}/{action}")
        assert authz.MATRIX[key].roles == rule.roles, action
    for action, (_, roles, _) in APPEAL.items():
        prefix = "council/referrals" if action in ("record-session", "adopt-report") else "appeals"
        assert authz.MATRIX[f"POST /api/v1/{prefix}/{{appeal_id}}/{action}"].roles == roles, action
    for action, (_, roles, _) in SUIT.items():
        assert authz.MATRIX[f"POST /api/v1/suits/{{suit_id}}/{action}"].roles == roles, action
    from domain.breaches.decide import TRANSITIONS as BREACH

    for action, (_, roles, _) in BREACH.items():
        assert authz.MATRIX[f"POST /api/v1/breaches/{{breach_id}}/{action}"].roles == roles, action
