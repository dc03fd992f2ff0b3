"""Receipt of a request (受付): the first event of every request stream."""


from dataclasses import asdict, dataclass
from datetime import date, datetime

from domain import deadlines
from domain.actors import Actor
from domain.clock import jst_date
from domain.clock import parse_date as _d
from domain.errors import invalid
from domain.events import EventDraft, draft
from domain.profile import CaseRules
from domain.self_information import MEASURE_KINDS, check_filing, filing_window_end, is_self_information

KINDS = ("public_records", "personal_info_disclosure", "personal_info_correction", "personal_info_suspension")
CHANNELS = ("counter", "mail", "fax", "online")
METHODS = ("viewing", "copy", "electronic")


@dataclass(frozen=True)
class RegisterRequest:
    """Workflow input. Personal data stays in the parties table: only its id travels."""

    case_id: str
    kind: str = ""
    received_on: str = ""
    channel: str = ""
    subject: str = ""
    department: str = ""
    preferred_method: str = ""
    requester_party_id: str = ""
    requester_type: str = ""
    actor: Actor | None = None
    # 請求者の区分: a code of the profile's requester_categories (domain/requests/categories.py).
    rules: CaseRules | None = None
    entered_at: datetime | None = None
    # A new run of a case whose earlier run closed: rebuild the state from its events
    # (an appeal, suit or council report can reach a request after it became final).
    resume: bool = False
    requester_category: str | None = None
    # Self-information requests (domain/self_information.py): the identity was verified at intake (the
    # documents seen are in the parties table, encrypted); a correction or suspension names the disclosure
    # it concerns (第90条③, 第98条③) and a suspension the measure asked for (第98条①).
    identity_verified: bool = False
    disclosed_on: str | None = None
    disclosure_case_id: str | None = None
    measure: str | None = None


def due_dates(rules: CaseRules, received_on: str, excluded_days: int, extended_to: str | None = None) -> dict:
    """decision_due / work_due with their explanation, as event data."""
    calendar = rules.calendar()
    due = deadlines.decision_due(
        _d(received_on),
        rules.period_days,
        excluded_days=excluded_days,
        extended_to=_d(extended_to) if extended_to else None,
        count_first_day=rules.count_first_day,
        basis=rules.basis or "情報公開条例",
    )
    work = deadlines.work_due(due, calendar)
    return {
        "decision_due": due.value.isoformat(),
        "work_due": work.value.isoformat(),
        "due_warning": work.warning,
        "due_explanation": {
            "decision_due": due.to_dict()["explanation"],
            "work_due": work.to_dict()["explanation"],
        },
    }


def receive(inp: RegisterRequest, *, appi: bool = True) -> list[EventDraft]:
    """受付. ``appi``: record a self-information request's APPI data (the workflow passes the
    ``self-information`` patch, so a history recorded before keeps its receipt as it was)."""
    assert inp.actor is not None and inp.rules is not None and inp.entered_at is not None
    if inp.kind not in KINDS:
        raise invalid(f"unknown request kind {inp.kind!r}")
    received = _d(inp.received_on)
    if received > jst_date(inp.entered_at):
        raise invalid("受付日は未来の日付にできません。 / received_on cannot be in the future.")
    extra = {}
    if appi and is_self_information(inp.kind):
        extra["self_information"] = _self_information(inp, received)
    return [
        draft(
            "RequestReceived",
            inp.actor,
            inp.entered_at,
            case_id=inp.case_id,
            kind=inp.kind,
            received_on=inp.received_on,
            channel=inp.channel,
            subject=inp.subject,
            department=inp.department,
            preferred_method=inp.preferred_method,
            requester_party_id=inp.requester_party_id,
            requester_type=inp.requester_type,
            requester_category=inp.requester_category,
            rules=asdict(inp.rules),
            entered_at=inp.entered_at.isoformat(),
            **due_dates(inp.rules, inp.received_on, 0),
            **extra,
        )
    ]


def _self_information(inp: RegisterRequest, received: date) -> dict:
    """What a self-information request records at receipt (APPI 第77条, 第90条③, 第98条③). A disclosure
    request registered before these were recorded (its input has none) is taken as it was."""
    assert inp.rules is not None
    out: dict = {"identity_verified": inp.identity_verified}
    if inp.kind in MEASURE_KINDS:
        disclosed = _d(inp.disclosed_on) if inp.disclosed_on else None
        calendar = inp.rules.calendar()
        check_filing(inp.kind, received_on=received, disclosed_on=disclosed, calendar=calendar, measure=inp.measure)
        assert disclosed is not None
        out |= {"disclosed_on": inp.disclosed_on, "disclosure_case_id": inp.disclosure_case_id,
                "measure": inp.measure,
                "filing_window_ends": filing_window_end(disclosed, calendar, inp.kind).value.isoformat()}
    return out
