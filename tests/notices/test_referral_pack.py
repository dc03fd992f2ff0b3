"""The referral pack (諮問書と関係書類): same inputs → same bytes, every section present, no contact data."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from types import SimpleNamespace

from activities import referral_pack as rp
from domain.profile import load_profile

from .factories import REQUESTER, THIRD_PARTY
from .helpers import pdf_text, squash

PROFILE = load_profile("koganei")


def _event(version: int, kind: str, day: int) -> SimpleNamespace:
    return SimpleNamespace(version=version, type=kind, occurred_at=datetime(2026, 11, day, 1, 0, tzinfo=UTC))


def pack_data(version: int = 1) -> dict:
    appeal = {
        "appeal_id": "A-2026-007", "request_id": "R-2026-00042", "kind": "decision", "department": "toshi",
        "filed_on": "2026-11-10", "referred_on": "2026-11-20", "report_due": "2027-02-18", "late": False,
        "grounds": "予定価格の積算内訳は契約締結後であり、公開しても支障はない。\n処分の取消しを求める。",
        "decision": {"outcome": "partial", "decided_on": "2026-11-02",
                     "documents": [{"title": "道路補修工事 設計書", "disclosure": "partial"},
                                   {"title": "協議記録", "disclosure": "full"}],
                     "exemptions": [{"clause": "9-2", "reason": "個人を識別できるため。"},
                                    {"clause": "9-4-ウ", "reason": "今後の入札に支障を及ぼすため。"}],
                     "reason_text": ""},
        "explanation_due": "2026-12-10",
        **({"explanation_filed_on": "2026-12-01", "explanation_text": "本件の積算内訳は同種工事に流用される。"}
           if version == 2 else {}),
    }
    request = {"received_on": "2026-10-20", "subject": "道路補修工事の設計書一式"}
    events = rp.timeline([("R-2026-00042", [_event(1, "RequestReceived", 1), _event(2, "DecisionApproved", 2)]),
                          ("A-2026-007", [_event(1, "AppealFiled", 10), _event(2, "ReferredToCouncil", 20),
                                          _event(3, "ExplanationFiled", 30)])],
                         until=("A-2026-007", 2 if version == 1 else 3))
    return rp.build(
        number="令和8年度 都市計画課 第31号" if version == 1 else "令和8年度 都市計画課 第40号",
        issued_on="2026-11-20" if version == 1 else "2026-12-01", version=version, appeal=appeal,
        request=request, appellant_name=REQUESTER["name"],
        decision_notices=[{"number": "令和8年度 都市計画課 第12号", "issued_on": "2026-11-02", "title": "部分公開決定通知書"}],
        opinions=[{"received_on": "2026-10-28", "objects": True, "summary": "積算単価は当社の営業上の秘密である。"}],
        events=events, previous=None if version == 1 else {"number": "令和8年度 都市計画課 第31号", "issued_on": "2026-11-20"},
        profile=PROFILE)


def test_same_inputs_same_bytes() -> None:
    first, again = rp.render(pack_data()), rp.render(pack_data())
    assert first.pdf == again.pdf and first.sha256 == again.sha256 == hashlib.sha256(first.pdf).hexdigest()
    assert first.html == again.html
    assert rp.render(pack_data(2)).sha256 != first.sha256


def test_every_section_and_only_the_appellants_name() -> None:
    text = pdf_text(rp.render(pack_data()).pdf)
    for expected in ("諮問書", "令和8年度都市計画課第31号", REQUESTER["name"].replace(" ", ""), "A-2026-007",
                     "公開しない部分及びその理由", "道路補修工事設計書", "第9条第4号ウ", "今後の入札に支障を及ぼすため",
                     "第三者の意見", "営業上の秘密", "審査請求の趣旨及び理由", "処分の取消しを求める",
                     "理由説明書", "未提出", "経過", "審査会への諮問", "部分公開決定通知書"):
        assert squash(expected) in text, expected
    assert "審査会への諮問" in text and "理由説明書（弁明書）の提出" not in text  # the timeline stops at the cause
    for contact in (REQUESTER["address"], THIRD_PARTY["name"], THIRD_PARTY["address"]):
        assert squash(contact) not in text


def test_version_two_adds_the_explanation_and_cites_version_one() -> None:
    text = pdf_text(rp.render(pack_data(2)).pdf)
    assert squash("関係書類第2版") in text and "令和8年度都市計画課第31号により諮問" in text
    assert "同種工事に流用される" in text and "理由説明書（弁明書）の提出" in text
