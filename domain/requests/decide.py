"""Decide what a staff command means for a request case: refuse it, or name the events.

``decide`` is pure and is called twice by the workflow: once in the update
validator (a refusal leaves no trace) and once in the handler (to record).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from domain import deadlines, self_information
from domain.actors import Actor
from domain.clock import jst_date
from domain.clock import parse_date as _d
from domain.errors import Refusal, conflict, forbidden, invalid
from domain.events import EventDraft, draft
from domain.fees import disclosure_fee
from domain.profile import CaseRules
from domain.requests import commands as c
from domain.requests import large_volume
from domain.requests import transitions as t
from domain.requests.challenges import narrowed
from domain.requests.registration import due_dates
from domain.requests.state import Decision, RequestCase

OUTCOMES = ("full", "partial", "non_disclosure", "neither_confirm_nor_deny", "dismissed")
GROUNDS = ("exempt", "not_held")
DISCLOSURES = ("full", "partial", "withheld")

Decider = Callable[[RequestCase, c.Command, datetime], list[EventDraft]]
_DECIDERS: dict[type[c.Command], Decider] = {}


def _decides(cls: type[c.Command]) -> Callable[[Decider], Decider]:
    def register(fn: Decider) -> Decider:
        _DECIDERS[cls] = fn
        return fn

    return register


def check_authority(case: RequestCase, action: str, actor: Actor) -> None:
    rule = t.TRANSITIONS[action]
    if actor.role not in rule.roles:
        raise forbidden(
            f"{rule.label}は{_role(actor.role)}の権限ではできません。 / Role {actor.role} may not {action}."
        )
    if actor.role in t.DEPARTMENT_SCOPED and actor.department != case.department:
        raise forbidden(f"他の課の案件です（{case.department}）。 / This case belongs to another department.")
    if case.status not in t.states_for(action, remainder_owed=case.remainder_owed):
        label = t.STATUS_LABELS.get(case.status, case.status)
        raise conflict(
            f"{rule.label}は現在の状態（{label}）ではできません。 / "
            f"{action} is not allowed while the case is {case.status}."
        )


def decide(case: RequestCase, cmd: c.Command, now: datetime) -> list[EventDraft]:
    action = c.ACTION_OF[type(cmd)]
    check_authority(case, action, cmd.actor)
    return _DECIDERS[type(cmd)](case, cmd, now)


def _role(role: str) -> str:
    return {
        "front_desk": "情報公開コーナー",
        "reviewer": "担当課",
        "approver": "決裁権者",
        "records_officer": "情報公開係",
        "council": "審査会",
        "admin": "システム管理者",
    }.get(role, role)


def _rules(case: RequestCase) -> CaseRules:
    return CaseRules(**{**case.rules, "extra_closures": tuple(case.rules.get("extra_closures", ()))})


def _date(value: str | None, field: str, today: date, *, default_today: bool = True) -> date:
    if not value:
        if default_today:
            return today
        raise invalid(f"{field} は必須です。 / {field} is required.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise invalid(
            f"{field} は YYYY-MM-DD で入力してください。 / {field} must be a date (YYYY-MM-DD)."
        ) from None


def _not_future(d: date, field: str, today: date) -> None:
    if d > today:
        raise invalid(f"{field} に未来の日付（{d}）は指定できません。 / {field} cannot be in the future.")


def _required(text: str, field: str) -> None:
    if not text or not text.strip():
        raise invalid(f"{field} は必須です。 / {field} is required.")


@_decides(c.RequestCorrection)
def _request_correction(case: RequestCase, cmd: c.RequestCorrection, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    requested = _date(cmd.requested_on, "requested_on", today)
    _not_future(requested, "requested_on", today)
    respond_by = _date(cmd.respond_by, "respond_by", today, default_today=False)
    if respond_by <= requested:
        raise invalid("補正の期限は依頼日より後にしてください。 / respond_by must be after requested_on.")
    _required(cmd.what, "what")
    return [
        draft(
            "CorrectionRequested",
            cmd.actor,
            now,
            requested_on=requested.isoformat(),
            respond_by=respond_by.isoformat(),
            what=cmd.what,
        )
    ]


@_decides(c.RecordCorrection)
def _record_correction(case: RequestCase, cmd: c.RecordCorrection, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    received = _date(cmd.received_on, "received_on", today)
    _not_future(received, "received_on", today)
    requested = _d(case.correction_requested_on)
    assert requested is not None
    try:
        days = deadlines.correction_days(requested, received)
    except deadlines.DeadlineError as exc:
        raise invalid(str(exc)) from None
    if case.extended:
        new_due = _d(case.decision_due) + timedelta(days=days)
        dues = due_dates(_rules(case), case.received_on, case.excluded_days + days, new_due.isoformat())
    else:
        dues = due_dates(_rules(case), case.received_on, case.excluded_days + days)
    return [
        draft(
            "CorrectionReceived",
            cmd.actor,
            now,
            received_on=received.isoformat(),
            note=cmd.note,
            excluded_days=days,
            old_due=case.decision_due,
            **dues,
        )
    ]


@_decides(c.Assign)
def _assign(case: RequestCase, cmd: c.Assign, now: datetime) -> list[EventDraft]:
    if not cmd.department and not cmd.reviewer:
        raise invalid("department か reviewer を指定してください。 / Give a department and/or a reviewer.")
    if cmd.actor.role == "approver" and cmd.department and cmd.department != case.department:
        raise forbidden(
            "決裁権者は他の課へ移せません。 / An approver cannot move a case to another department."
        )
    return [
        draft(
            "ReviewerAssigned",
            cmd.actor,
            now,
            department=cmd.department or case.department,
            reviewer=cmd.reviewer,
            old_department=case.department,
        )
    ]


@_decides(c.Extend)
def _extend(case: RequestCase, cmd: c.Extend, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    rules = _rules(case)
    _required(cmd.reason, "reason")
    limit = deadlines.extension_limit(
        _d(case.received_on),
        rules.extension_limit_days,
        excluded_days=case.excluded_days,
        count_first_day=rules.count_first_day,
    ).value
    remainder = None
    if cmd.large_volume:  # 特例延長: part by the limit, the rest by a stated later date
        new_due = _date(cmd.partial_due, "partial_due", today, default_today=False)
        remainder = _date(cmd.remainder_due, "remainder_due", today, default_today=False)
        if remainder <= new_due:
            raise invalid(
                "残りの決定期限は部分決定の期限より後にしてください。 / remainder_due must be after partial_due."
            )
    else:
        new_due = _date(cmd.new_due, "new_due", today, default_today=False)
    try:
        deadlines.check_extension(
            current_due=_d(case.decision_due),
            new_due=new_due,
            limit=limit,
            today=today,
            already_extended=case.extended,
        )
    except deadlines.DeadlineError as exc:
        raise conflict(str(exc)) from None
    dues = due_dates(rules, case.received_on, case.excluded_days, new_due.isoformat())
    if remainder:
        dues |= large_volume.remainder_dates(rules, partial_due=new_due, remainder_due=remainder, notified_on=today,
                                             due_explanation=dues["due_explanation"])
    return [
        draft(
            "DeadlineExtended",
            cmd.actor,
            now,
            old_due=case.decision_due,
            reason=cmd.reason,
            large_volume=cmd.large_volume,
            remainder_due=remainder.isoformat() if remainder else None,
            limit=limit.isoformat(),
            **dues,
        )
    ]


@_decides(c.ConsultThirdParty)
def _consult(case: RequestCase, cmd: c.ConsultThirdParty, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    _required(cmd.party.party_id, "party")
    if case.third_party(cmd.party.party_id):
        raise conflict("この第三者にはすでに照会しています。 / This third party has already been consulted.")
    default = today + timedelta(days=_rules(case).third_party_response_days)
    respond_by = _date(cmd.respond_by, "respond_by", default)
    if respond_by <= today:
        raise invalid("回答期限は今日より後にしてください。 / respond_by must be after today.")
    return [
        draft(
            "ThirdPartyConsulted",
            cmd.actor,
            now,
            party_id=cmd.party.party_id,
            party_type=cmd.party.type,
            respond_by=respond_by.isoformat(),
            mandatory=cmd.mandatory,
        )
    ]


@_decides(c.RecordThirdPartyOpinion)
def _opinion(case: RequestCase, cmd: c.RecordThirdPartyOpinion, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    party = case.third_party(cmd.party_id)
    if party is None:
        raise conflict("照会していない第三者です。 / No consultation with this party is on record.")
    if party.responded_on:
        raise conflict("この第三者の意見書は受付済みです。 / This party's opinion is already recorded.")
    received = _date(cmd.received_on, "received_on", today)
    _not_future(received, "received_on", today)
    return [
        draft(
            "ThirdPartyOpinionRecorded",
            cmd.actor,
            now,
            party_id=cmd.party_id,
            received_on=received.isoformat(),
            objects=cmd.objects,
            summary=cmd.summary,
        )
    ]


MAX_PARTS = 20


@_decides(c.DraftDecision)
def _draft(case: RequestCase, cmd: c.DraftDecision, now: datetime) -> list[EventDraft]:
    """決定案: one decision or several approved together (e.g. 公開 for some documents, 不存在による
    非公開 for others), each part checked as a decision of its own."""
    today = jst_date(now)
    parts = cmd.decision_parts()
    remainder = case.status in t.REMAINDER_STATES  # 特例延長: the decision for the remainder
    if remainder and case.draft is not None:
        raise conflict("残りの部分の決定案が決裁待ちです。 / A draft for the remainder is awaiting approval.")
    if case.status == t.AWAITING_CORRECTION:
        if any(p.outcome != "dismissed" for p in parts) or not case.correction_lapsed:
            raise conflict(
                "補正待ちの間は、補正期限が過ぎた後の却下しか起案できません。 / While awaiting "
                "correction, only a dismissal after the correction date has passed can be drafted."
            )
    if case.awaiting_opinions():
        raise conflict("第三者の意見書の回答期限前です。 / Third-party opinions are still awaited.")
    if len(parts) > MAX_PARTS:
        raise invalid(f"一度に起案できる決定は{MAX_PARTS}件までです。 / At most {MAX_PARTS} decisions per draft.")
    if len(parts) > 1:
        if any(p.outcome == "dismissed" for p in parts):
            raise invalid("却下は請求全体に対する決定です。他の決定と併せて起案できません。 / A dismissal answers "
                          "the whole request and cannot be one of several decisions.")
        titles = [d.title for p in parts for d in p.documents]
        twice = sorted({x for x in titles if titles.count(x) > 1})
        if twice:
            raise invalid(f"同じ文書が複数の決定に含まれています: {', '.join(twice)} / "
                          f"A document is in more than one decision: {', '.join(twice)}.")
    checked = []
    for n, part in enumerate(parts, start=1):
        try:
            checked.append(_part(case, part, today))
        except Refusal as exc:
            if len(parts) == 1:
                raise
            raise Refusal(exc.code, f"決定{n}: {exc.message}") from None
    if case.required_scope:
        documents = [doc for p in checked for doc in p["documents"]]
        short = narrowed(case.required_scope, documents)
        if short:
            raise conflict(f"裁決・判決が求める範囲より狭い決定はできません: {', '.join(short)} / "
                           f"The ruling requires wider disclosure of: {', '.join(short)}.")
    extra = {"covers_remainder": remainder or cmd.covers_remainder} if case.remainder_owed else {}
    return [draft("DecisionDrafted", cmd.actor, now, drafted_by=cmd.actor.username, **checked[0], parts=checked,
                  **extra)]


def _part(case: RequestCase, part: c.DecisionPart, today: date) -> dict:
    """One decision of a draft, checked (domain.md, Decisions), as event data."""
    if part.outcome not in OUTCOMES:
        raise invalid(f"outcome は {', '.join(OUTCOMES)} のいずれかです。 / Unknown outcome {part.outcome!r}.")
    measure = case.takes_measure()  # 訂正・利用停止: reasons, not 不開示情報 clauses (APPI 第93条, 第101条)
    if case.appi() or not self_information.is_self_information(case.kind):
        self_information.check_outcome(case.kind, part.outcome, part.non_disclosure_ground,
                                       [e.clause for e in part.exemptions])
    if part.outcome == "non_disclosure" and part.non_disclosure_ground not in GROUNDS and not measure:
        raise invalid(
            "非公開の理由（exempt / not_held）を指定してください。 / non_disclosure_ground is required."
        )
    needs_clause = not measure and (part.outcome in ("partial", "neither_confirm_nor_deny") or (
        part.outcome == "non_disclosure" and part.non_disclosure_ground == "exempt"
    ))
    if needs_clause and not part.exemptions:
        raise invalid(
            "非公開とする条項と理由を記載してください。 / Exemption clauses with reasons are required."
        )
    for ex in part.exemptions:
        _required(ex.clause, "exemptions.clause")
        _required(ex.reason, "exemptions.reason")
    if part.outcome != "full" and not needs_clause:
        _required(part.reason_text, "reason_text")
    for doc in part.documents:
        if doc.disclosure not in DISCLOSURES:
            raise invalid(f"documents.disclosure は {', '.join(DISCLOSURES)} のいずれかです。")
    recipients = _recipients(case, part)
    disclosure_on = None
    if part.outcome in ("full", "partial") and not case.takes_measure():
        disclosure_on = _date(part.disclosure_on, "disclosure_on", today, default_today=False)
        if disclosure_on < today:
            raise invalid("公開実施日は今日以降にしてください。 / disclosure_on cannot be in the past.")
        _check_hold(case, disclosure_on, today)
    return {
        "outcome": part.outcome,
        "non_disclosure_ground": part.non_disclosure_ground if part.outcome == "non_disclosure" and not measure
        else None,
        "exemptions": [{"clause": e.clause, "reason": e.reason} for e in part.exemptions],
        "documents": [{"title": d.title, "disclosure": d.disclosure} for d in part.documents],
        "reason_text": part.reason_text,
        "disclosure_on": disclosure_on.isoformat() if disclosure_on else None,
        **({"recipients": recipients} if recipients else {}),  # a draft without 提供先 records as before
    }


MAX_RECIPIENTS = 20


def _recipients(case: RequestCase, part: c.DecisionPart) -> list[str]:
    """提供先 (APPI 第97条): a decision to correct (訂正する / 一部訂正する, 第93条①) may name the parties the
    corrected information had been provided to; the office tells each of them of the correction 「必要が
    あると認めるとき」, which staff judge by naming them. Only a correction decision of a request registered
    under the APPI rules has them, and it states what was corrected (the notice quotes it)."""
    if not part.recipients:
        return []
    if not (case.appi() and case.kind == self_information.CORRECTION and part.outcome in ("full", "partial")):
        raise invalid(
            "recipients（提供先）は訂正請求の訂正決定（訂正する・一部訂正する）にのみ指定します"
            "（個人情報保護法第97条）。 / recipients apply only to a decision to correct (APPI art. 97)."
        )
    if len(part.recipients) > MAX_RECIPIENTS:
        raise invalid(f"提供先は{MAX_RECIPIENTS}件までです。 / At most {MAX_RECIPIENTS} recipients.")
    for party_id in part.recipients:
        _required(party_id, "recipients")
    if len(set(part.recipients)) != len(part.recipients):
        raise invalid("同じ提供先が重複しています。 / A recipient is named twice.")
    if not part.reason_text or not part.reason_text.strip():
        raise invalid(
            "reason_text: 提供先に通知する訂正の内容を記載してください（個人情報保護法第97条）。 / "
            "State what was corrected: the recipients' notice quotes it."
        )
    return list(part.recipients)


def _check_hold(case: RequestCase, disclosure_on: date, decided: date) -> None:
    """Two full weeks between the decision and disclosure when a third party objected (情報公開条例;
    cf. 情報公開法13条③). At drafting the decision is taken as made today: a draft that no approval
    today could issue is refused now, naming the earliest lawful date; approval checks again."""
    if not case.objecting_parties():
        return
    earliest = deadlines.third_party_earliest_disclosure(decided, _rules(case).third_party_hold_days)
    if disclosure_on < earliest:
        raise conflict(
            f"第三者が反対しているため、公開実施日は {earliest} 以降にしてください（決定日と公開日の間に2週間以上）。 / "
            f"A third party objected: disclosure cannot be before {earliest}."
        )


@_decides(c.ReturnDraft)
def _return(case: RequestCase, cmd: c.ReturnDraft, now: datetime) -> list[EventDraft]:
    _pending_draft(case)  # a decided case with a 特例延長 remainder owed may have none
    _required(cmd.comment, "comment")
    return [draft("DraftReturned", cmd.actor, now, comment=cmd.comment)]


def _pending_draft(case: RequestCase) -> list[Decision]:
    if case.draft is None:
        raise conflict("決裁待ちの決定案がありません。 / There is no draft awaiting approval.")
    return case.draft_parts or [case.draft]


@_decides(c.ApproveDecision)
def _approve(case: RequestCase, cmd: c.ApproveDecision, now: datetime) -> list[EventDraft]:
    """決裁: every part of the draft becomes a decision of its own, with its id, notice and appeal window."""
    today = jst_date(now)
    parts = _pending_draft(case)
    if cmd.actor.username == parts[0].drafted_by:
        raise forbidden(
            "起案者は自分の決定案を決裁できません。 / The drafter cannot approve their own draft."
        )
    decided = _date(cmd.decided_on, "decided_on", today)
    _not_future(decided, "decided_on", today)
    if decided < _d(case.received_on):
        raise invalid("決定日は受付日より前にできません。 / decided_on cannot be before received_on.")
    earlier = [x.decided_on for x in case.decisions if x.decided_on]
    if earlier and decided.isoformat() < max(earlier):
        raise invalid(f"決定日は先の決定（{max(earlier)}）より前にできません。 / "
                      f"decided_on cannot be before the earlier decision of {max(earlier)}.")
    rules = _rules(case)
    window = deadlines.appeal_window_end(learned_on=decided, decided_on=decided, calendar=rules.calendar())
    infos = []
    for n, part in enumerate(parts, start=1):
        earliest = None
        if part.discloses and case.objecting_parties():
            earliest = deadlines.third_party_earliest_disclosure(decided, rules.third_party_hold_days)
            if part.disclosure_on:
                _check_hold(case, _d(part.disclosure_on), decided)
        infos.append({
            "decision_id": f"{case.case_id}-D{case.decision_seq + n}",
            "outcome": part.outcome,
            "earliest_disclosure_on": earliest.isoformat() if earliest else None,
            "appeal_window_ends": window.value.isoformat(),
            "report_to_council": part.outcome == "neither_confirm_nor_deny" and rules.report_ncnd_to_council,
        })
    first = infos[0]
    return [
        draft(
            "DecisionApproved",
            cmd.actor,
            now,
            decided_on=decided.isoformat(),
            approved_by=cmd.actor.username,
            comment=cmd.comment,
            outcome=first["outcome"],
            decision_id=first["decision_id"],
            earliest_disclosure_on=first["earliest_disclosure_on"],
            appeal_window_ends=window.value.isoformat(),
            report_to_council=any(i["report_to_council"] for i in infos),
            parts=infos,
        )
    ]


@_decides(c.RecordNoticeDelivery)
def _delivered(case: RequestCase, cmd: c.RecordNoticeDelivery, now: datetime) -> list[EventDraft]:
    """通知の到達: the appeal window of each decision delivered runs from this day (行政不服審査法18条)."""
    today = jst_date(now)
    if cmd.decision_id:
        found = case.find_decision(cmd.decision_id)
        if found is None:
            raise invalid(f"この請求に決定 {cmd.decision_id} はありません。 / No decision {cmd.decision_id} on this case.")
        targets = [found]
    else:
        targets = case.latest_batch() or case.decisions
    assert targets and targets[0].decided_on
    delivered = _date(cmd.delivered_on, "delivered_on", today)
    _not_future(delivered, "delivered_on", today)
    windows = {}
    for x in targets:
        decided = _d(x.decided_on)
        if delivered < decided:
            raise invalid("到達日は決定日より前にできません。 / delivered_on cannot be before the decision.")
        windows[x.decision_id] = deadlines.appeal_window_end(
            learned_on=delivered, decided_on=decided, calendar=_rules(case).calendar()
        )
    window = windows[targets[0].decision_id]
    return [
        draft(
            "NoticeDelivered",
            cmd.actor,
            now,
            delivered_on=delivered.isoformat(),
            appeal_window_ends=window.value.isoformat(),
            appeal_window=window.to_dict()["explanation"],
            decision_ids=[x.decision_id for x in targets],
            windows={k: w.value.isoformat() for k, w in windows.items()},
        )
    ]


@_decides(c.RecordDisclosure)
def _disclosure(case: RequestCase, cmd: c.RecordDisclosure, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    pending = case.to_disclose()
    if not pending:
        raise conflict("この決定には公開する文書がありません。 / This decision discloses nothing.")
    executed = _date(cmd.executed_on, "executed_on", today)
    _not_future(executed, "executed_on", today)
    holds = [x.earliest_disclosure_on for x in pending if x.earliest_disclosure_on]
    earliest = _d(max(holds)) if holds else None
    if earliest and executed < earliest:
        raise conflict(
            f"第三者が反対意見を出しているため、{earliest} より前には公開できません。 / "
            f"A third party objected: disclosure is held until {earliest}."
        )
    if cmd.method not in ("viewing", "copy", "electronic"):
        raise invalid("method は viewing, copy, electronic のいずれかです。")
    if cmd.fee_table is None:  # an act recorded before fees were computed (replay): as it was given
        if cmd.pages < 0 or (cmd.fee_yen or 0) < 0:
            raise invalid("pages と fee_yen は0以上です。 / pages and fee_yen cannot be negative.")
        fee_data: dict[str, Any] = {"fee_yen": cmd.fee_yen or 0}
    else:
        fee = disclosure_fee(cmd.fee_table, method=cmd.method, pages=cmd.pages, colour_pages=cmd.colour_pages,
                             media=cmd.media, postage_yen=cmd.postage_yen, charged_yen=cmd.fee_yen,
                             reduction_reason=cmd.reduction_reason)
        fee_data = {"fee_yen": fee.charged_yen, "fee_computed_yen": fee.computed_yen,
                    "colour_pages": cmd.colour_pages, "media": cmd.media, "postage_yen": cmd.postage_yen,
                    "reduction_reason": fee.reduction_reason, "fee_lines": fee.lines_data(),
                    "fee_basis": cmd.fee_table.basis}
    events = [
        draft(
            "Disclosed",
            cmd.actor,
            now,
            executed_on=executed.isoformat(),
            method=cmd.method,
            pages=cmd.pages,
            **fee_data,
            decision_ids=[x.decision_id for x in pending],
        )
    ]
    if case.appeal_window_closed and not case.remainder_owed:
        events.append(draft("CaseClosed", cmd.actor, now, reason="final"))
    return events


# Parts of a notice that a correction may change; the number, date and issuer belong to the new notice.
CORRECTABLE = frozenset({"addressee", "request", "reason_text", "exemptions", "documents", "disclosure",
                         "extension", "correction", "third_party", "transfer", "corrected"})


@_decides(c.ReissueNotice)
def _reissue(case: RequestCase, cmd: c.ReissueNotice, now: datetime) -> list[EventDraft]:
    _required(cmd.notice_id, "notice_id")
    _required(cmd.reason, "reason")
    wrong = sorted(set(cmd.corrections) - CORRECTABLE)
    if wrong:
        raise invalid(f"訂正できない項目です: {', '.join(wrong)} / These parts cannot be corrected: {', '.join(wrong)}.")
    if not cmd.corrections:
        raise invalid("訂正内容を指定してください。 / Say what to correct.")
    return [draft("NoticeReissued", cmd.actor, now, notice_id=cmd.notice_id, notice_type=cmd.notice_type,
                  reason=cmd.reason, corrections=cmd.corrections)]


@_decides(c.RecordNcndReport)
def _ncnd_report(case: RequestCase, cmd: c.RecordNcndReport, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    if not any(x.outcome == "neither_confirm_nor_deny" for x in [*case.decisions, *case.previous_decisions]):
        raise conflict("存否応答拒否の決定がありません。 / This case has no neither-confirm-nor-deny decision.")
    if case.ncnd_reported_on:
        raise conflict(f"{case.ncnd_reported_on} に報告済みです。 / Already reported on {case.ncnd_reported_on}.")
    on = _date(cmd.reported_on, "reported_on", today)
    _not_future(on, "reported_on", today)
    return [draft("NcndReported", cmd.actor, now, reported_on=on.isoformat(), session_ref=cmd.session_ref)]


@_decides(c.Withdraw)
def _withdraw(case: RequestCase, cmd: c.Withdraw, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    on = _date(cmd.withdrawn_on, "withdrawn_on", today)
    _not_future(on, "withdrawn_on", today)
    return [draft("RequestWithdrawn", cmd.actor, now, withdrawn_on=on.isoformat(), reason=cmd.reason)]


@_decides(c.Transfer)
def _transfer(case: RequestCase, cmd: c.Transfer, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    # The receiving body was resolved against the profile by domain.requests.transfer.transfer_target.
    _required(cmd.to_body_name or cmd.to_body, "to_body")
    resolved = bool(cmd.to_body_name)  # False: a command from before the profile check, to_body is a name
    on = _date(cmd.transferred_on, "transferred_on", today)
    _not_future(on, "transferred_on", today)
    if on < _d(case.received_on):
        raise invalid("移送日は受付日より前にできません。 / transferred_on cannot be before received_on.")
    return [
        draft(
            "RequestTransferred",
            cmd.actor,
            now,
            to_body=(cmd.to_body or None) if resolved else cmd.to_body,
            to_body_name=cmd.to_body_name if resolved else cmd.to_body,
            to_body_other=resolved and not cmd.to_body,
            transferred_on=on.isoformat(),
            reason=cmd.reason,
        )
    ]
