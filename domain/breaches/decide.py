"""Decide breach commands: refuse them, or name the events (pure; called by validator and handler).

Who (issue 14, contract.md roles): the department's staff (reviewer, approver) record their own
department's breaches, revise the facts, record the notice to the persons and the measures; the
records officer does all that for any department and alone files the reports with the Commission
(速報・確報), puts the incident on the council's agenda and closes it.
A breach is closed only when what the law requires is on record: when reportable, the 確報, the
notice to the persons (or the public announcement) and the measures against recurrence.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, datetime
from typing import Any

from domain import breach as rules
from domain.acts import Acts
from domain.breaches import commands as c
from domain.breaches import state as s
from domain.clock import jst_date
from domain.errors import conflict, forbidden, invalid
from domain.events import EventDraft, draft
from domain.inputs import past_date

KINDS = {"leak": "漏えい", "loss": "滅失", "damage": "毀損"}
NOTICE_METHODS = {
    "mail": "郵送",
    "email": "電子メール",
    "phone": "電話",
    "in_person": "面談・手渡し",
    "other": "その他",
}
REPORT_NAMES = {"preliminary": "速報", "final": "確報"}
DEPARTMENT_STAFF = frozenset({"reviewer", "approver"})
_OFFICER = frozenset({"records_officer"})
_RECORDERS = DEPARTMENT_STAFF | _OFFICER
_OPEN = frozenset({s.OPEN})
TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    "revise-facts": (_OPEN, _RECORDERS, "事実の修正"),
    "record-preliminary-report": (_OPEN, _OFFICER, "速報の記録"),
    "record-final-report": (_OPEN, _OFFICER, "確報の記録"),
    "record-notification": (_OPEN, _RECORDERS, "本人への通知の記録"),
    "record-measures": (_OPEN, _RECORDERS, "再発防止策の記録"),
    "report-to-council": (_OPEN, _OFFICER, "審査会への報告"),
    "close": (_OPEN, _OFFICER, "終結"),
}
OTHER_DEPARTMENT = "他の課の漏えい等事案は扱えません。 / This breach belongs to another department."
ACTS = Acts(TRANSITIONS, c.BREACH_ACTION_OF, noun="breach", other_department=OTHER_DEPARTMENT)
_decides = ACTS.decides
MAX_PERSONS = 100_000_000


def _required(text: str, field: str) -> None:
    if not text or not text.strip():
        raise invalid(f"{field} は必須です。 / {field} is required.")


def _not_before(d: date, earlier: str | None, field: str, what: str) -> None:
    if earlier and d < date.fromisoformat(earlier):
        raise invalid(
            f"{field} は{what}（{earlier}）より前にできません。 / {field} cannot be before {earlier}."
        )


def _persons(n: int) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= MAX_PERSONS:
        raise invalid("persons は0以上の人数です。 / persons must be a number of people (0 or more).")
    return n


def assess(facts: rules.BreachFacts, preliminary_days: int) -> dict[str, Any]:
    """The duty and both due dates with their explanations, as the event carries them (a replay applies
    them, never recomputes)."""
    duty = rules.report_duty(facts)
    pre = rules.preliminary_due(facts.aware_on, preliminary_days)
    fin = rules.final_due(facts.aware_on, facts.malicious)
    return {
        "duty": duty.to_dict(),
        "reportable": duty.reportable,
        "preliminary_due": pre.value.isoformat() if duty.reportable else None,
        "preliminary_explanation": pre.to_dict()["explanation"] if duty.reportable else {},
        "final_due": fin.value.isoformat() if duty.reportable else None,
        "final_explanation": fin.to_dict()["explanation"] if duty.reportable else {},
    }


def record(inp: c.RecordBreach) -> list[EventDraft]:
    """漏えい等事案の記録."""
    assert inp.actor is not None and inp.entered_at is not None
    actor = inp.actor
    if actor.role not in _RECORDERS:
        raise forbidden(f"漏えい等事案の記録は権限外です。 / Role {actor.role} may not record a breach.")
    if actor.role in DEPARTMENT_STAFF and actor.department != inp.department:
        raise forbidden(OTHER_DEPARTMENT)
    _required(inp.department, "department")
    _required(inp.title, "title")
    _required(inp.description, "description")
    if inp.kind not in KINDS:
        raise invalid(f"kind は {', '.join(KINDS)} のいずれかです。 / Unknown kind {inp.kind!r}.")
    aware = past_date(inp.aware_on, "aware_on", jst_date(inp.entered_at))
    facts = rules.BreachFacts(
        aware, _persons(inp.persons), inp.sensitive, inp.financial_harm, inp.malicious, inp.encrypted
    )
    return [
        draft(
            "BreachRecorded",
            actor,
            inp.entered_at,
            breach_id=inp.breach_id,
            department=inp.department,
            title=inp.title,
            kind=inp.kind,
            aware_on=aware.isoformat(),
            description={"sealed": inp.description},
            persons=facts.persons,
            items=list(inp.items),
            sensitive=inp.sensitive,
            financial_harm=inp.financial_harm,
            malicious=inp.malicious,
            contractor=inp.contractor,
            encrypted=inp.encrypted,
            rules=asdict(inp.rules),
            recorded_by=actor.username,
            **assess(facts, inp.rules.preliminary_days),
        )
    ]


def decide(case: s.BreachCase, cmd: c.BreachCommand, now: datetime) -> list[EventDraft]:
    return ACTS.decide(case, cmd, now)


def _facts_of(case: s.BreachCase) -> rules.BreachFacts:
    return rules.BreachFacts(
        date.fromisoformat(case.aware_on),
        case.persons,
        case.sensitive,
        case.financial_harm,
        case.malicious,
        case.encrypted,
    )


@_decides(c.ReviseFacts)
def _revise(case: s.BreachCase, cmd: c.ReviseFacts, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    facts, changes = _facts_of(case), {}
    if cmd.aware_on is not None:
        aware = past_date(cmd.aware_on, "aware_on", today)
        for report in case.reports.values():
            if aware > date.fromisoformat(report["submitted_on"]):
                raise invalid("知った日は報告の日より後にできません。 / aware_on cannot be after a report.")
        facts = replace(facts, aware_on=aware)
        changes["aware_on"] = aware.isoformat()
    if cmd.persons is not None:
        facts = replace(facts, persons=_persons(cmd.persons))
        changes["persons"] = facts.persons
    for flag in ("sensitive", "financial_harm", "malicious", "encrypted"):
        value = getattr(cmd, flag)
        if value is not None:
            facts = replace(facts, **{flag: value})
            changes[flag] = value
    if cmd.items is not None:
        changes["items"] = list(cmd.items)
    if cmd.contractor is not None:
        changes["contractor"] = cmd.contractor
    if cmd.description is not None:
        _required(cmd.description, "description")
        changes["description"] = {"sealed": cmd.description}
    changed = [k for k, v in changes.items() if getattr(case, k) != v]
    if not changed:
        raise invalid("変更された事実がありません。 / No fact is changed.")
    assessed = assess(facts, case.rules.get("preliminary_days", 3))
    return [
        draft(
            "BreachFactsRevised",
            cmd.actor,
            now,
            **changes,
            **assessed,
            changed=changed,
            revised_on=today.isoformat(),
            reason=cmd.reason,
            was_reportable=case.reportable,
        )
    ]


def _report(
    case: s.BreachCase,
    report: str,
    submitted_on: str | None,
    reference: str,
    cmd: c.BreachCommand,
    now: datetime,
) -> list[EventDraft]:
    name = REPORT_NAMES[report]
    if report in case.reports:
        raise conflict(
            f"{name}は記録済みです（{case.reports[report]['submitted_on']}）。 / "
            f"The {report} report is already on record."
        )
    _required(reference, "reference")
    on = past_date(submitted_on, "submitted_on", jst_date(now))
    _not_before(on, case.aware_on, "submitted_on", "知った日")
    due = case.due(report)
    return [
        draft(
            "BreachReportSubmitted",
            cmd.actor,
            now,
            report=report,
            submitted_on=on.isoformat(),
            reference=reference,
            due=due,
            late=bool(due) and on > date.fromisoformat(due),
            voluntary=not case.reportable,
        )
    ]


@_decides(c.RecordPreliminaryReport)
def _preliminary(case: s.BreachCase, cmd: c.RecordPreliminaryReport, now: datetime) -> list[EventDraft]:
    return _report(case, "preliminary", cmd.submitted_on, cmd.reference, cmd, now)


@_decides(c.RecordFinalReport)
def _final(case: s.BreachCase, cmd: c.RecordFinalReport, now: datetime) -> list[EventDraft]:
    preliminary = case.reports.get("preliminary")
    if preliminary is None:
        raise conflict(
            "速報が記録されていません。速報を先に記録してください（同日でも可）。 / "
            "Record the preliminary report first (it may be the same day)."
        )
    events = _report(case, "final", cmd.submitted_on, cmd.reference, cmd, now)
    _not_before(
        date.fromisoformat(events[0].data["submitted_on"]),
        preliminary["submitted_on"],
        "submitted_on",
        "速報の日",
    )
    return events


@_decides(c.RecordNoticeToPersons)
def _notice(case: s.BreachCase, cmd: c.RecordNoticeToPersons, now: datetime) -> list[EventDraft]:
    today = jst_date(now)
    if cmd.impossible_reason.strip():
        if cmd.method or cmd.count:
            raise invalid(
                "通知が困難な場合は method・count を指定しません。 / Give either a notice (method, count) "
                "or the reason it is impossible, not both."
            )
        _required(cmd.announcement, "announcement")
        on = past_date(cmd.announced_on, "announced_on", today)
        _not_before(on, case.aware_on, "announced_on", "知った日")
        return [
            draft(
                "PersonsNotified",
                cmd.actor,
                now,
                form="announcement",
                impossible_reason=cmd.impossible_reason,
                announcement=cmd.announcement,
                announced_on=on.isoformat(),
            )
        ]
    if cmd.method not in NOTICE_METHODS:
        raise invalid(
            f"method は {', '.join(NOTICE_METHODS)} のいずれかです（通知が困難な場合は impossible_reason と "
            "announcement）。 / Unknown method; or give impossible_reason and announcement."
        )
    if not isinstance(cmd.count, int) or isinstance(cmd.count, bool) or cmd.count < 1:
        raise invalid("count は通知した人数（1以上）です。 / count must be the number of persons notified.")
    if cmd.announcement or cmd.announced_on:
        raise invalid(
            "公表は通知が困難な場合（impossible_reason）に記録します。 / An announcement needs the reason a "
            "notice is impossible."
        )
    on = past_date(cmd.notified_on, "notified_on", today)
    _not_before(on, case.aware_on, "notified_on", "知った日")
    return [
        draft(
            "PersonsNotified",
            cmd.actor,
            now,
            form="notice",
            method=cmd.method,
            notified_on=on.isoformat(),
            count=cmd.count,
        )
    ]


@_decides(c.RecordMeasures)
def _measures(case: s.BreachCase, cmd: c.RecordMeasures, now: datetime) -> list[EventDraft]:
    _required(cmd.measures, "measures")
    on = past_date(cmd.decided_on, "decided_on", jst_date(now))
    _not_before(on, case.aware_on, "decided_on", "知った日")
    return [
        draft("RecurrenceMeasuresRecorded", cmd.actor, now, measures=cmd.measures, decided_on=on.isoformat())
    ]


@_decides(c.PlaceOnAgenda)
def _agenda(case: s.BreachCase, cmd: c.PlaceOnAgenda, now: datetime) -> list[EventDraft]:
    _required(cmd.meeting_on, "meeting_on")
    try:
        meeting = date.fromisoformat(cmd.meeting_on)
    except ValueError:
        raise invalid("meeting_on は YYYY-MM-DD で入力してください。 / meeting_on must be a date.") from None
    _not_before(meeting, case.aware_on, "meeting_on", "知った日")
    if case.agenda and case.agenda["meeting_on"] == meeting.isoformat():
        raise conflict(f"既に{meeting.isoformat()}の審査会の議題です。 / Already on that meeting's agenda.")
    return [draft("BreachPlacedOnAgenda", cmd.actor, now, meeting_on=meeting.isoformat())]


def missing_for_closing(case: s.BreachCase) -> list[str]:
    """What must be on record before the breach is closed (日本語)."""
    missing = []
    if case.reportable:
        if "final" not in case.reports:
            missing.append("確報")
        if not case.notices:
            missing.append("本人への通知（又は公表）")
        if not case.measures:
            missing.append("再発防止策")
    return missing


@_decides(c.CloseBreach)
def _close(case: s.BreachCase, cmd: c.CloseBreach, now: datetime) -> list[EventDraft]:
    missing = missing_for_closing(case)
    if missing:
        raise conflict(
            f"終結できません。未記録: {'、'.join(missing)}。 / Cannot close: not yet on record: "
            f"{', '.join(missing)}."
        )
    on = past_date(cmd.closed_on, "closed_on", jst_date(now))
    _not_before(on, case.aware_on, "closed_on", "知った日")
    return [draft("BreachClosed", cmd.actor, now, closed_on=on.isoformat(), note=cmd.note)]
