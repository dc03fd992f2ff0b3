"""Which notices a request event calls for (domain.md, Notices), and to whom."""

from __future__ import annotations

from domain.events import EventDraft, NoticeRequest
from domain.requests.state import RequestCase
from domain.self_information import CORRECTION, DISCLOSURE, decision_notice

PI_TRANSFER_KINDS = (DISCLOSURE, CORRECTION)  # 第85条, 第96条
CORRECTION_RECIPIENT_NOTICE = "pi_correction_recipient_notice"  # 第97条 (提供先への通知)

DECISION_NOTICE = {
    "full": "decision_full",
    "partial": "decision_partial",
    "non_disclosure": "decision_non_disclosure",
    "neither_confirm_nor_deny": "decision_ncnd",
    "dismissed": "decision_dismissed",
}


def notices_for(case: RequestCase, event: EventDraft, version: int, *, pi_forms: bool = False,
                correction_recipients: bool = False) -> list[NoticeRequest]:
    """``case`` is the state after ``event`` was applied. ``pi_forms``: the APPI forms of 補正, 移送 and the
    third-party notices (第77条③, 第85条, 第96条, 第86条) for a self-information case; a workflow uses them
    behind the patch ``pi-notice-forms`` (workflows/request.py), so a history recorded before replays as it
    was. ``correction_recipients``: a decision to correct also notifies each 提供先 it names (第97条), behind
    the patch ``pi-correction-recipients``."""
    kind = event.type
    d = event.data
    req = case.case_id
    if kind == "NoticeReissued":
        return [NoticeRequest(req, d["notice_type"], version, supersedes=d["notice_id"])]
    if case.appi():
        return _appi_notices(case, event, version, pi_forms=pi_forms, recipients=correction_recipients)
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


def _appi_notices(case: RequestCase, event: EventDraft, version: int, *, pi_forms: bool,
                  recipients: bool = False) -> list[NoticeRequest]:
    """The APPI forms of a self-information request (domain/self_information.py): 受付票, 補正依頼 (第77条③ /
    第91条③ / 第99条③), 期限延長 (第83条② / 第94条② / 第102条②), 特例延長 (第84条 / 第95条 / 第103条), 移送
    (第85条 / 第96条; the Act has none for 利用停止), the third party's 意見照会 and, to one who objected,
    the notice of the disclosure decision (第86条①③; disclosure requests only), and the decision notices
    (第82条, 第93条, 第101条), each adverse one with its 教示 (審査請求 → 審査会への諮問, 第105条); with
    ``recipients``, after a decision to correct, the notice to each party the information had been provided
    to (提供先への通知, 第97条)."""
    kind, d, req = event.type, event.data, case.case_id
    if kind == "RequestReceived":
        return [NoticeRequest(req, "pi_receipt", version)]
    if kind == "CorrectionRequested":
        return [NoticeRequest(req, "pi_correction_request" if pi_forms else "correction_request", version)]
    if pi_forms and kind == "RequestTransferred" and case.kind in PI_TRANSFER_KINDS:
        return [NoticeRequest(req, "pi_transfer", version)]
    if pi_forms and kind == "ThirdPartyConsulted" and case.kind == DISCLOSURE:
        return [NoticeRequest(req, "pi_third_party_opinion_request", version, d["party_id"])]
    if kind == "DeadlineExtended":
        return [NoticeRequest(req, "pi_large_volume_extension" if d.get("large_volume") else "pi_extension",
                              version)]
    if kind == "DecisionApproved":
        out = []
        for part in d.get("parts") or [d]:
            out.append(NoticeRequest(req, decision_notice(case.kind, part["outcome"]), version,
                                     decision_id=part.get("decision_id")))
            if pi_forms and case.kind == DISCLOSURE and part.get("earliest_disclosure_on"):
                # 第86条③: to each third party who objected, the decision, its reason and the disclosure day
                out += [NoticeRequest(req, "pi_third_party_disclosure_notice", version, p.party_id,
                                      decision_id=part.get("decision_id"))
                        for p in case.objecting_parties()]
        if recipients and case.kind == CORRECTION:
            out += _recipient_notices(case, d, version)
        return out
    return []


def _recipient_notices(case: RequestCase, approved: dict, version: int) -> list[NoticeRequest]:
    """第97条: one notice to each 提供先 of each decision to correct just approved (the decision carries them
    from its draft; domain/requests/decide.py refuses them on any other decision)."""
    ids = {part.get("decision_id") for part in approved.get("parts") or [approved]}
    return [NoticeRequest(case.case_id, CORRECTION_RECIPIENT_NOTICE, version, party_id, decision_id=x.decision_id)
            for x in case.decisions if x.decision_id in ids and x.outcome in ("full", "partial")
            for party_id in x.recipients]
