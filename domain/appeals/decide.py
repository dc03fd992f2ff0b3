"""Decide appeal commands: refuse them, or name the events (pure; called by validator and handler).

Key rules (行政不服審査法 and the ordinance):
- Window 3 months from the day after learning of the decision, 1 year at most (18条); none for inaction.
  A late appeal is accepted as a filing but can only be dismissed unless a justifiable reason is recorded.
- Referral to the council (諮問, 43条 / 条例) is required before a ruling, except a dismissal (却下) or a
  grant in full with no third-party objection.
- A ruling never leaves the appellant worse off (48条): the new scope may not narrow the decision.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta

from domain import deadlines
from domain.acts import Acts
from domain.appeals import commands as c
from domain.appeals import state as s
from domain.calendar import BusinessCalendar
from domain.clock import jst_date
from domain.errors import Refusal, conflict, invalid
from domain.events import EventDraft, draft
from domain.inputs import closures_calendar, past_date
from domain.requests.challenges import DISCLOSURE_RANK, unknown_titles, unknown_titles_message

RULINGS = ("dismissed", "rejected", "granted", "partly_granted")
CONCLUSIONS = ("uphold", "disclose_in_part", "disclose_in_full", "other")
_OFFICER = frozenset({"records_officer"})
TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    "order-correction": (frozenset({s.UNDER_REVIEW}), _OFFICER, "補正命令"),
    "record-correction": (frozenset({s.AWAITING_CORRECTION}), frozenset({"front_desk", "records_officer"}), "補正の受付"),
    "record-explanation": (s.BEFORE_RULING - {s.REPORTED}, frozenset({"reviewer", "approver", "records_officer"}), "弁明書の提出"),
    "record-opinion": (s.BEFORE_RULING, frozenset({"front_desk", "records_officer"}), "反論書・意見書の受付"),
    "record-late-reason": (s.BEFORE_RULING, _OFFICER, "正当な理由の記録"),
    "refer-to-council": (frozenset({s.UNDER_REVIEW}), _OFFICER, "諮問"),
    "dismiss": (s.BEFORE_RULING, _OFFICER, "却下"),
    "grant-without-referral": (frozenset({s.UNDER_REVIEW}), _OFFICER, "諮問を経ない認容"),
    "record-ruling": (s.BEFORE_RULING, _OFFICER, "裁決"),
    "withdraw": (s.BEFORE_RULING, frozenset({"front_desk", "records_officer"}), "取下げ"),
    "record-session": (frozenset({s.REFERRED}), frozenset({"council", "records_officer"}), "審査会の開催記録"),
    "adopt-report": (frozenset({s.REFERRED}), frozenset({"council"}), "答申"),
}
ACTS = Acts(TRANSITIONS, c.APPEAL_ACTION_OF, noun="appeal",
            other_department="他の課の案件です。 / This appeal concerns another department.")
_decides = ACTS.decides


def calendar(case_or_rules: s.AppealCase | c.AppealRules) -> BusinessCalendar:
    rules = case_or_rules.rules if isinstance(case_or_rules, s.AppealCase) else asdict(case_or_rules)
    return closures_calendar(rules.get("extra_closures", ()))


_date = past_date


def _required(text: str, field: str) -> None:
    if not text or not text.strip():
        raise invalid(f"{field} は必須です。 / {field} is required.")


def file(inp: c.FileAppeal) -> list[EventDraft]:
    """審査請求の受付. A late filing is accepted (and marked); only a dismissal can follow unless excused."""
    assert inp.actor is not None and inp.entered_at is not None
    today = jst_date(inp.entered_at)
    filed = _date(inp.filed_on, "filed_on", today)
    window_ends, window, late = None, {}, False
    if inp.kind == "decision":
        if not inp.decided_on:
            raise conflict("この請求にはまだ決定がありません（不作為の審査請求として受け付けてください）。 / "
                           "The request has no decision yet: file an appeal against inaction instead.")
        decided = date.fromisoformat(inp.decided_on)
        if filed < decided:  # 行審法2条: there is no 処分 to appeal against before it was made
            raise invalid(f"審査請求日（{filed}）は決定の日（{decided}）より前にできません。 / "
                          f"filed_on ({filed}) cannot be before the decision date ({decided}).")
        learned = date.fromisoformat(inp.learned_on) if inp.learned_on else decided
        try:
            due = deadlines.appeal_window_end(learned_on=learned, decided_on=decided, calendar=calendar(inp.rules))
        except deadlines.DeadlineError as exc:
            raise invalid(f"知った日（learned_on）は決定の日より前にできません。 / {exc}") from None
        window_ends, window, late = due.value.isoformat(), due.to_dict()["explanation"], filed > due.value
    elif inp.kind == "inaction":
        if inp.decided_on:
            raise conflict("この請求は決定済みです。決定に対する審査請求として受け付けてください。 / "
                           "The request is already decided: file an appeal against the decision.")
    else:
        raise invalid("kind は decision か inaction です。")
    explanation_due = filed + timedelta(days=inp.rules.explanation_days)
    return [draft("AppealFiled", inp.actor, inp.entered_at, appeal_id=inp.appeal_id, request_id=inp.request_id,
                  kind=inp.kind, filed_on=filed.isoformat(), window_ends=window_ends, window=window, late=late,
                  appellant_party_id=inp.appellant_party_id, requester_party_id=inp.requester_party_id,
                  grounds=inp.grounds, department=inp.department, decision=inp.decision,
                  third_party_objection=inp.third_party_objection, third_parties=list(inp.third_parties),
                  rules=asdict(inp.rules), explanation_due=explanation_due.isoformat())]


def decide(case: s.AppealCase, cmd: c.AppealCommand, now: datetime) -> list[EventDraft]:
    return ACTS.decide(case, cmd, now)


@_decides(c.OrderCorrection)
def _order(case: s.AppealCase, cmd: c.OrderCorrection, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    _required(cmd.what, "what")
    default = today + timedelta(days=case.rules.get("correction_days", 14))
    respond_by = date.fromisoformat(cmd.respond_by) if cmd.respond_by else default
    if respond_by <= today:
        raise invalid("補正の期限は今日より後にしてください。 / respond_by must be after today.")
    return [draft("AppealCorrectionOrdered", cmd.actor, now, respond_by=respond_by.isoformat(), what=cmd.what,
                  ordered_on=today.isoformat())]


@_decides(c.RecordAppealCorrection)
def _corrected(case: s.AppealCase, cmd: c.RecordAppealCorrection, now: datetime) -> list[EventDraft]:
    return [draft("AppealCorrected", cmd.actor, now,
                  received_on=_date(cmd.received_on, "received_on", jst_date(now)).isoformat())]


@_decides(c.RecordExplanation)
def _explanation(case: s.AppealCase, cmd: c.RecordExplanation, now: datetime) -> list[EventDraft]:
    _required(cmd.text, "text")
    if case.explanation_filed_on:
        raise conflict("弁明書は提出済みです。 / The explanation is already on file.")
    return [draft("ExplanationFiled", cmd.actor, now,
                  filed_on=_date(cmd.filed_on, "filed_on", jst_date(now)).isoformat(), text=cmd.text)]


@_decides(c.RecordOpinion)
def _opinion(case: s.AppealCase, cmd: c.RecordOpinion, now: datetime) -> list[EventDraft]:
    """The appellant's 反論書 or 意見書 (行審法30条①): each one received is recorded; the council sees it."""
    _required(cmd.text, "text")
    return [draft("AppellantOpinionFiled", cmd.actor, now,
                  filed_on=_date(cmd.filed_on, "filed_on", jst_date(now)).isoformat(), text=cmd.text)]


@_decides(c.RecordLateReason)
def _late_reason(case: s.AppealCase, cmd: c.RecordLateReason, now: datetime) -> list[EventDraft]:
    if not case.late:
        raise conflict("期間内の審査請求です。 / The appeal was filed in time.")
    _required(cmd.reason, "reason")
    return [draft("LateReasonRecorded", cmd.actor, now, reason=cmd.reason)]


def _must_be_excused(case: s.AppealCase) -> None:
    if not case.excused:
        raise conflict(f"審査請求期間（{case.window_ends}まで）を過ぎています。正当な理由の記録がない限り却下のみ可能です。 / "
                       f"Filed after the window ended on {case.window_ends}: only a dismissal is possible "
                       "unless a justifiable reason is recorded.")


@_decides(c.ReferToCouncil)
def _refer(case: s.AppealCase, cmd: c.ReferToCouncil, now: datetime) -> list[EventDraft]:
    _must_be_excused(case)
    referred = _date(cmd.referred_on, "referred_on", jst_date(now))
    if referred < date.fromisoformat(case.filed_on):
        raise invalid("諮問日は審査請求日より前にできません。 / referred_on cannot be before the filing.")
    report_due = referred + timedelta(days=case.rules.get("report_target_days", 90))
    return [draft("ReferredToCouncil", cmd.actor, now, referred_on=referred.isoformat(),
                  report_due=report_due.isoformat())]


def _ruling_event(case: s.AppealCase, actor, now: datetime, ruling: str, ruled_on: str | None,
                  scope: tuple[c.ScopeItem, ...], text: str, referred: bool) -> EventDraft:
    on = _date(ruled_on, "ruled_on", jst_date(now))
    window = deadlines.suit_window_end(learned_on=on, decided_on=on, calendar=calendar(case))
    return draft("RulingIssued", actor, now, ruling=ruling, ruled_on=on.isoformat(), text=text,
                 scope=[{"title": i.title, "disclosure": i.disclosure} for i in scope], referred=referred,
                 suit_window_ends=window.value.isoformat())


def _check_scope(case: s.AppealCase, scope: tuple[c.ScopeItem, ...], *, full: bool) -> None:
    if not scope:
        raise invalid("新たな公開範囲（scope）を指定してください。 / Give the new disclosure scope.")
    documents = case.decision.get("documents") or []
    unknown = unknown_titles([{"title": i.title} for i in scope], documents)
    if unknown:
        raise invalid(unknown_titles_message(unknown))
    before = {d["title"]: DISCLOSURE_RANK.get(d.get("disclosure", "withheld"), 0) for d in documents}
    for item in scope:
        if item.disclosure not in DISCLOSURE_RANK:
            raise invalid(f"scope.disclosure は full, partial, withheld のいずれかです（{item.title}）。")
        if DISCLOSURE_RANK[item.disclosure] < before.get(item.title, 0):
            raise conflict(f"既に公開した範囲を狭める裁決はできません（{item.title}）。 / "
                           f"A ruling may not narrow what was already disclosed: {item.title}.")
        if full and item.disclosure != "full":
            raise invalid("諮問を経ない認容は全部公開に限ります。 / Without referral only a grant in full is possible.")


@_decides(c.Dismiss)
def _dismiss(case: s.AppealCase, cmd: c.Dismiss, now: datetime) -> list[EventDraft]:
    _required(cmd.reason, "reason")
    return [_ruling_event(case, cmd.actor, now, "dismissed", cmd.ruled_on, (), cmd.reason, bool(case.referred_on))]


@_decides(c.GrantWithoutReferral)
def _grant(case: s.AppealCase, cmd: c.GrantWithoutReferral, now: datetime) -> list[EventDraft]:
    _must_be_excused(case)
    if case.third_party_objection:
        raise conflict("第三者が反対意見を出しているため、審査会への諮問が必要です。 / A third party objected: "
                       "the appeal must be referred to the council before a ruling.")
    _check_scope(case, cmd.scope, full=True)
    return [_ruling_event(case, cmd.actor, now, "granted", cmd.ruled_on, cmd.scope, cmd.text, False)]


@_decides(c.RecordRuling)
def _ruling(case: s.AppealCase, cmd: c.RecordRuling, now: datetime) -> list[EventDraft]:
    if cmd.ruling not in RULINGS:
        raise invalid(f"ruling は {', '.join(RULINGS)} のいずれかです。 / Unknown ruling {cmd.ruling!r}.")
    if cmd.ruling != "dismissed":
        _must_be_excused(case)
        if case.report is None:
            raise conflict("審査会への諮問と答申を経ていません。却下以外の裁決には諮問が必要です。 / "
                           "No council report: a ruling other than dismissal requires referral to the council.")
    if cmd.ruling in ("granted", "partly_granted"):
        _check_scope(case, cmd.scope, full=False)
    return [_ruling_event(case, cmd.actor, now, cmd.ruling, cmd.ruled_on, cmd.scope, cmd.text,
                          bool(case.referred_on))]


@_decides(c.WithdrawAppeal)
def _withdraw(case: s.AppealCase, cmd: c.WithdrawAppeal, now: datetime) -> list[EventDraft]:
    on = _date(cmd.withdrawn_on, "withdrawn_on", jst_date(now))
    return [draft("AppealWithdrawn", cmd.actor, now, withdrawn_on=on.isoformat(), reason=cmd.reason)]


@_decides(c.RecordSession)
def _session(case: s.AppealCase, cmd: c.RecordSession, now: datetime) -> list[EventDraft]:
    held = _date(cmd.held_on, "held_on", jst_date(now))
    assert case.referred_on
    if held < date.fromisoformat(case.referred_on):
        raise invalid("開催日は諮問日より前にできません。 / held_on cannot be before the referral.")
    members = set(case.rules.get("council_members", ()))
    unknown = sorted(set(cmd.present) - members)
    if unknown:
        raise invalid(f"委員名簿にない委員です: {', '.join(unknown)} / Not council members: {', '.join(unknown)}.")
    quorum = case.rules.get("quorum", 1)
    return [draft("CouncilSessionRecorded", cmd.actor, now, held_on=held.isoformat(), closed=cmd.closed,
                  present=sorted(set(cmd.present)), quorum=quorum, quorate=len(set(cmd.present)) >= quorum,
                  in_camera=cmd.in_camera, oral_statement=cmd.oral_statement, minutes=cmd.minutes,
                  session_no=len(case.sessions) + 1)]


@_decides(c.AdoptReport)
def _adopt(case: s.AppealCase, cmd: c.AdoptReport, now: datetime) -> list[EventDraft]:
    adopted = _date(cmd.adopted_on, "adopted_on", jst_date(now))
    if cmd.conclusion not in CONCLUSIONS:
        raise invalid(f"conclusion は {', '.join(CONCLUSIONS)} のいずれかです。")
    _required(cmd.text, "text")
    session = next((x for x in reversed(case.sessions) if x["held_on"] == adopted.isoformat()), None)
    if session is None:
        raise conflict("答申の日に開催された会議の記録がありません。 / No session is recorded on the adoption date.")
    if not session["quorate"]:
        raise conflict(f"定足数（{session['quorum']}人）に達しない会議では答申できません。 / "
                       f"The session of {adopted} was below quorum ({session['quorum']}).")
    if cmd.votes_for <= cmd.votes_against or cmd.votes_for + cmd.votes_against > len(session["present"]):
        raise invalid("答申は出席委員の過半数で議決します（賛成・反対の数を確認してください）。 / "
                      "A report needs a majority of the members present.")
    return [draft("CouncilReportAdopted", cmd.actor, now, adopted_on=adopted.isoformat(), conclusion=cmd.conclusion,
                  text=cmd.text, votes_for=cmd.votes_for, votes_against=cmd.votes_against,
                  session_no=session["session_no"])]


__all__ = ["Refusal", "decide", "file"]
