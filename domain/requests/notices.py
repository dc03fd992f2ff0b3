"""Which notices a request event calls for (domain.md, Notices), and to whom."""

from __future__ import annotations

from domain.events import EventDraft, NoticeRequest
from domain.requests.state import RequestCase
from domain.self_information import decision_notice

DECISION_NOTICE = {
    "full": "decision_full",
    "partial": "decision_partial",
    "non_disclosure": "decision_non_disclosure",
    "neither_confirm_nor_deny": "decision_ncnd",
    "dismissed": "decision_dismissed",
}


def notices_for(case: RequestCase, event: EventDraft, version: int) -> list[NoticeRequest]:
    """``case`` is the state after ``event`` was applied."""
    kind = event.type
    d = event.data
    req = case.case_id
    if kind == "NoticeReissued":
        return [NoticeRequest(req, d["notice_type"], version, supersedes=d["notice_id"])]
    if case.appi():
        return _appi_notices(case, event, version)
    if kind == "RequestReceived":
        return [NoticeRequest(req, "receipt", version)]
    if case.kind != "public_records":
        # APPI (個人情報保護法) requests use their own statutory forms, not yet templated:
        # staff issue those outside Kaiji for now (docs/decisions.md).
        return []
    if kind == "CorrectionRequested":
        return [NoticeRequest(req, "correction_request", version)]
    if kind == "DeadlineExtended":
        return [NoticeRequest(req, "large_volume_extension" if d.get("large_volume") else "extension", version)]
    if kind == "RequestTransferred":
        return [NoticeRequest(req, "transfer", version)]
    if kind == "ThirdPartyConsulted":
        return [NoticeRequest(req, "third_party_opinion_request", version, d["party_id"])]
    if kind == "DecisionApproved":
        # one notice (with its own 教示) per decision approved; the parts of an approval recorded before
        # requests had several decisions are that one decision
        parts = d.get("parts") or [d]
        out = []
        for part in parts:
            decision_id = part.get("decision_id")
            out.append(NoticeRequest(req, DECISION_NOTICE[part["outcome"]], version, decision_id=decision_id))
            if part.get("earliest_disclosure_on"):
                # 反対意見書を提出した第三者へ、公開決定と公開実施日を直ちに通知する
                out += [
                    NoticeRequest(req, "third_party_disclosure_notice", version, p.party_id, decision_id=decision_id)
                    for p in case.objecting_parties()
                ]
        return out
    return []


def _appi_notices(case: RequestCase, event: EventDraft, version: int) -> list[NoticeRequest]:
    """The APPI forms of a self-information request (domain/self_information.py): 受付票, 補正依頼,
    期限延長 (第83条② / 第94条② / 第102条②), 特例延長 (第84条 / 第95条 / 第103条) and the decision notices
    (第82条, 第93条, 第101条), each adverse one with its 教示 (審査請求 → 審査会への諮問, 第105条)."""
    kind, d, req = event.type, event.data, case.case_id
    if kind == "RequestReceived":
        return [NoticeRequest(req, "pi_receipt", version)]
    if kind == "CorrectionRequested":
        return [NoticeRequest(req, "correction_request", version)]
    if kind == "DeadlineExtended":
        return [NoticeRequest(req, "pi_large_volume_extension" if d.get("large_volume") else "pi_extension",
                              version)]
    if kind == "DecisionApproved":
        return [NoticeRequest(req, decision_notice(case.kind, part["outcome"]), version,
                              decision_id=part.get("decision_id"))
                for part in d.get("parts") or [d]]
    return []
