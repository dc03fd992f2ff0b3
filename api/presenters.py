"""Turn projection rows into API answers, showing each role only what it may see."""

from __future__ import annotations

from typing import Any

import asyncpg

from api.auth import Principal
from api.authz import CONTACT_FIELDS, party_fields, sees_contact
from domain import fees
from domain.profile import Profile
from domain.requests.transitions import allowed_actions
from store.parties import Party


def _iso(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


def summary(row: asyncpg.Record, profile: Profile) -> dict[str, Any]:
    category = profile.requester_category(row["requester_category"]) if row["requester_category"] else None
    return {
        "id": row["case_id"],
        "kind": row["kind"],
        "status": row["status"],
        "closed_reason": row["closed_reason"],
        "overdue": row["overdue"],
        "department": row["department"],
        "reviewer": row["reviewer"],
        "received_on": _iso(row["received_on"]),
        "subject": row["subject"],
        "decision_due": _iso(row["decision_due"]),
        "work_due": _iso(row["work_due"]),
        "outcome": row["outcome"],
        "appeal_window_ends": _iso(row["appeal_window_ends"]),
        "requester_category": row["requester_category"],
        "requester_category_label": category.label if category else None,
    }


def party_view(party: Party | None, principal: Principal) -> dict[str, Any] | None:
    if party is None:
        return None
    fields = party_fields(principal)
    view = {"party_id": party.party_id}
    values = {"name": party.name, "type": party.party_type, "address": party.address,
              "phone": party.phone, "email": party.email}
    view.update({k: values[k] for k in fields})
    if party.identity and "address" in fields:  # 本人確認 (APPI 第77条②): shown to those who see contact data
        view["identity"] = party.identity
    return view


def detail(
    row: asyncpg.Record, principal: Principal, profile: Profile, *, requester: Party | None,
    third_parties: dict[str, Party], deadlines: list[asyncpg.Record], notices: list[asyncpg.Record],
    recipients: dict[str, Party] | None = None,
) -> dict[str, Any]:
    state = row["state"]
    out = summary(row, profile)
    decision = state.get("decision")
    out.update(
        {
            "version": row["version"],
            "preferred_method": state.get("preferred_method"),
            "due_warning": row["due_warning"],
            "due_explanation": state.get("due_explanation", {}),
            "extended": state.get("extended", False),
            "excluded_days": state.get("excluded_days", 0),
            "correction": {"requested_on": state.get("correction_requested_on"),
                           "respond_by": state.get("correction_respond_by"),
                           "lapsed": state.get("correction_lapsed", False)}
            if state.get("correction_requested_on") else None,
            "third_parties": [
                {**p, **{"party": party_view(third_parties.get(p["party_id"]), principal)}}
                for p in state.get("third_parties", [])
            ],
            "draft": state.get("draft"),
            "draft_parts": state.get("draft_parts") or ([state["draft"]] if state.get("draft") else []),
            "decision": decision,
            "decisions": decisions_view(state, notices, recipients or {}, principal),
            "remainder": remainder_view(state),
            "earliest_disclosure_on": _iso(row["earliest_disclosure_on"]),
            "disclosed_on": _iso(row["disclosed_on"]),
            "disclosure_fee": state.get("disclosure_fee"),
            "notice_delivered_on": state.get("notice_delivered_on"),
            # APPI requests: identity_verified; a correction/suspension's disclosure, measure, filing window
            "self_information": state.get("self_information"),
            "requester": party_view(requester, principal),
            "deadlines": {d["deadline"]: _iso(d["due_on"]) for d in deadlines},
            "notices": [notice_meta(n) for n in notices],
            "appeals": state.get("appeals", []),
            "suits": state.get("suits", []),
            "allowed_actions": allowed_actions(row["status"], principal.role,
                                               remainder_owed=state.get("remainder_owed", False)),
        }
    )
    return out


def decisions_view(state: dict[str, Any], notices: list[asyncpg.Record], recipients: dict[str, Party] | None = None,
                   principal: Principal | None = None) -> list[dict[str, Any]]:
    """Every decision of the request (the current ones; earlier ones superseded by a reopening are in
    ``previous_decisions``), each with its own notices and appeal window; a correction decision's 提供先
    (APPI 第97条) as parties, shown as the role may see them."""
    decisions = state.get("decisions")
    if decisions is None:  # a state stored before requests had several decisions
        decisions = [state["decision"]] if state.get("decision") else []
    by_decision: dict[str, list[str]] = {}
    for n in notices:
        if n["decision_id"]:
            by_decision.setdefault(n["decision_id"], []).append(n["notice_id"])
    out = []
    for d in decisions:
        view = {**d, "notices": by_decision.get(d.get("decision_id") or "", [])}
        if d.get("recipients") and principal is not None:
            view["recipients"] = [party_view((recipients or {}).get(pid), principal) or {"party_id": pid}
                                  for pid in d["recipients"]]
        out.append(view)
    return out


def remainder_view(state: dict[str, Any]) -> dict[str, Any] | None:
    """特例延長: the remainder's deadline, while it matters."""
    if not state.get("remainder_due"):
        return None
    explanation = state.get("due_explanation", {})
    return {"due": state["remainder_due"], "work_due": state.get("remainder_work_due"),
            "owed": state.get("remainder_owed", False), "overdue": state.get("remainder_overdue", False),
            "explanation": explanation.get("remainder_due")}


def notice_meta(n: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": n["notice_id"],
        "type": n["notice_type"],
        "number": n["number"],
        "issued_on": _iso(n["issued_on"]),
        "sha256": n["sha256"],
        "template_version": n["template_version"],
        "supersedes": n["supersedes"],
        "decision_id": n["decision_id"] if "decision_id" in n.keys() else None,
        "pdf": f"/api/v1/notices/{n['notice_id']}.pdf",
        "html": f"/api/v1/notices/{n['notice_id']}.html",
    }


# What a clerk reads on the timeline for each request event type.
EVENT_LABELS = {
    "RequestReceived": "受付", "ReviewerAssigned": "担当の割当て", "CorrectionRequested": "補正依頼",
    "CorrectionReceived": "補正の受付", "CorrectionResponseLapsed": "補正期限の経過", "DeadlineExtended": "期限延長",
    "ThirdPartyConsulted": "第三者への意見照会", "ThirdPartyOpinionRecorded": "意見書の受付",
    "ThirdPartyResponseLapsed": "意見書の提出期限の経過", "DecisionDrafted": "決定案の起案",
    "DraftReturned": "決定案の差戻し", "DecisionApproved": "決定（決裁）", "NoticeDelivered": "決定通知の到達",
    "ThirdPartyHoldEnded": "第三者の争訟期間の経過", "Disclosed": "公開の実施", "DisclosureUncollected": "未受領",
    "ReminderSent": "期限前の通知", "DecisionOverdue": "決定期限の経過", "AppealWindowClosed": "審査請求期間の経過",
    "AppealLinked": "審査請求", "SuitLinked": "取消訴訟", "ChallengeConcluded": "争訟の終結",
    "RequestReopened": "裁決・判決による再開", "NcndReported": "存否応答拒否の審査会への報告",
    "RequestWithdrawn": "取下げ", "RequestTransferred": "移送", "CaseClosed": "終結",
    "NoticeReissued": "通知書の訂正", "NoticeFailed": "通知書の作成失敗",
    "CalendarChanged": "閉庁日の変更による期限の見直し", "RemainderReminderSent": "残りの部分の期限前の通知",
    "RemainderOverdue": "残りの部分の決定期限の経過",
    # appeals (審査請求) and suits (取消訴訟): the same timeline component shows them
    "AppealFiled": "審査請求の受付", "AppealCorrectionOrdered": "補正命令", "AppealCorrected": "補正",
    "AppealWithdrawn": "審査請求の取下げ", "ReferredToCouncil": "審査会への諮問", "ExplanationFiled": "理由説明書の提出",
    "AppellantOpinionFiled": "反論書・意見書の受付",
    "CouncilSessionRecorded": "審査会の開催", "CouncilReportAdopted": "答申", "RulingIssued": "裁決",
    "LateReasonRecorded": "遅延理由の記録", "AppealCorrectionLapsed": "補正期間の経過",
    "ExplanationOverdue": "理由説明書の提出期限の経過", "CouncilReportReminder": "答申期限前の通知",
    "CouncilReportOverdue": "答申期限の経過", "SuitFiled": "訴えの提起", "JudgmentEntered": "判決",
    "SuitAppealed": "上訴", "SuitAppealWindowLapsed": "上訴期間の経過", "SuitFinal": "判決の確定",
}


def _event_summary(type_: str, data: dict[str, Any]) -> str | None:
    if type_ == "Disclosed":
        return fees.describe(data)
    if type_ == "RequestTransferred":
        return f"移送先: {data.get('to_body_name') or data.get('to_body')}"
    if type_ == "DeadlineExtended" and data.get("large_volume"):
        return "特例延長"
    return None


def event_view(e: Any, principal: Principal) -> dict[str, Any]:
    """A timeline entry. Events carry party ids, not contact data; should one ever hold a contact field,
    a role that may not see contact data does not get it (defence in depth)."""
    data = e.data if sees_contact(principal) else _without_contact(e.data)
    return {"version": e.version, "type": e.type, "occurred_at": e.occurred_at.isoformat(),
            "actor": e.actor, "role": e.role, "data": data,
            "label": EVENT_LABELS.get(e.type), "summary": _event_summary(e.type, e.data)}


def _without_contact(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_contact(v) for k, v in value.items() if k not in CONTACT_FIELDS}
    if isinstance(value, list):
        return [_without_contact(v) for v in value]
    return value


def appeal_summary(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["appeal_id"],
        "request_id": row["request_id"],
        "kind": row["kind"],
        "status": row["status"],
        "closed_reason": row["closed_reason"],
        "department": row["department"],
        "filed_on": _iso(row["filed_on"]),
        "window_ends": _iso(row["window_ends"]),
        "late": row["late"],
        "referred_on": _iso(row["referred_on"]),
        "report_due": _iso(row["report_due"]),
        "report_overdue": row["report_overdue"],
        "ruling": row["ruling"],
        "ruled_on": _iso(row["ruled_on"]),
    }


def appeal_detail(row: asyncpg.Record, principal: Principal, *, appellant: Party | None,
                  notices: list[asyncpg.Record]) -> dict[str, Any]:
    state = row["state"]
    out = appeal_summary(row)
    out.update({
        "version": row["version"],
        "grounds": state.get("grounds"),
        "late_reason": state.get("late_reason"),
        "window": state.get("window"),
        "decision": state.get("decision"),
        "third_party_objection": state.get("third_party_objection"),
        "correction_respond_by": state.get("correction_respond_by"),
        "explanation_due": state.get("explanation_due"),
        "explanation_filed_on": state.get("explanation_filed_on"),
        "sessions": state.get("sessions", []),
        "report": state.get("report"),
        "ruling_detail": state.get("ruling"),
        "appellant": {"party_id": appellant.party_id, "name": appellant.name} if appellant and principal.role == "council"
        else party_view(appellant, principal),
        "notices": [notice_meta(n) for n in notices],
        "referral_packs": referral_packs(row["appeal_id"], notices),
    })
    return out


def referral_packs(appeal_id: str, notices: list[asyncpg.Record]) -> list[dict[str, Any]]:
    """The referral pack's versions (諮問書と関係書類), oldest first; the PDF link the council may open."""
    packs = [n for n in notices if n["notice_type"] == "referral_pack"]
    return [{"version": i, "id": n["notice_id"], "number": n["number"], "issued_on": _iso(n["issued_on"]),
             "sha256": n["sha256"], "pdf": f"/api/v1/council/referrals/{appeal_id}/packs/{i}.pdf"}
            for i, n in enumerate(packs, start=1)]


def referral(row: asyncpg.Record, appellant: Party | None,
             notices: list[asyncpg.Record] | None = None) -> dict[str, Any]:
    """What the council sees: decision, reasons, withheld documents (in camera), the department's
    explanation, sessions, the referral pack's versions — and of the people only the appellant's name."""
    state = row["state"]
    return {
        **appeal_summary(row),
        "appellant_name": appellant.name if appellant else None,
        "grounds": state.get("grounds"),
        "decision": state.get("decision"),
        "withheld_documents": [d for d in (state.get("decision") or {}).get("documents") or []
                               if d.get("disclosure") != "full"],
        "explanation": state.get("explanation_text"),
        "sessions": state.get("sessions", []),
        "report": state.get("report"),
        "referral_packs": referral_packs(row["appeal_id"], notices or []),
    }


def suit_summary(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["suit_id"],
        "request_id": row["request_id"],
        "appeal_id": row["appeal_id"],
        "court": row["court"],
        "case_number": row["case_number"],
        "level": row["level"],
        "status": row["status"],
        "late": row["late"],
        "filed_on": _iso(row["filed_on"]),
        "appeal_due": _iso(row["appeal_due"]),
        "outcome": row["outcome"],
        "final_on": _iso(row["final_on"]),
    }


def suit_detail(row: asyncpg.Record) -> dict[str, Any]:
    state = row["state"]
    return {**suit_summary(row), "version": row["version"], "judgments": state.get("judgments", []),
            "window_ends": state.get("window_ends"), "target": state.get("target")}
