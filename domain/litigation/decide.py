"""Decide suit commands: refuse them, or name the events (pure; called by validator and handler).

Key rules (行政事件訴訟法, 民事訴訟法):
- Window 6 months from the day after learning of the decision — or of the ruling when an appeal was
  filed — and 1 year at most (行訴法14条). A late suit is recorded and marked ``late``, never refused:
  the court decides whether it is admissible, not the city.
- Instances: district court → high court (控訴) → Supreme Court (上告). A judgment below the Supreme
  Court may be appealed within 2 weeks of its service (民訴法285条・313条); unappealed, it becomes final
  the day after (the timer in ``timers``). A Supreme Court judgment is final when given.
- Only the records officer records suits (contract.md).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime

from domain import deadlines
from domain.acts import Acts
from domain.appeals.commands import ScopeItem
from domain.calendar import BusinessCalendar
from domain.clock import jst_date
from domain.errors import Refusal, conflict, forbidden, invalid
from domain.events import EventDraft, draft
from domain.inputs import closures_calendar, past_date
from domain.litigation import commands as c
from domain.litigation import state as s
from domain.requests.challenges import DISCLOSURE_RANK, unknown_titles, unknown_titles_message

TARGETS = ("decision", "ruling")
JUDGMENTS = ("upheld", "revoked", "partly_revoked")
ENDINGS = ("withdrawn", "settled")  # a suit that ends without a judgment (record-final)
OUTCOMES = JUDGMENTS + ENDINGS
REOPENING = frozenset({"revoked", "partly_revoked"})  # a final revocation makes the city decide again
NEXT_LEVEL = {"district": "high", "high": "supreme"}
LEVEL_NAMES = {"district": "地方裁判所", "high": "高等裁判所", "supreme": "最高裁判所"}
APPEAL_NAMES = {"high": "控訴", "supreme": "上告"}
PARTIES = ("plaintiff", "defendant")
_OFFICER = frozenset({"records_officer"})
TRANSITIONS: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    "record-judgment": (frozenset({s.PENDING}), _OFFICER, "判決の記録"),
    "record-appeal": (frozenset({s.PENDING}), _OFFICER, "上訴（控訴・上告）の記録"),
    "record-final": (frozenset({s.PENDING}), _OFFICER, "確定の記録"),
}

ACTS = Acts(TRANSITIONS, c.SUIT_ACTION_OF, noun="suit")
_decides = ACTS.decides


def calendar(case_or_rules: s.SuitCase | c.SuitRules) -> BusinessCalendar:
    rules = case_or_rules.rules if isinstance(case_or_rules, s.SuitCase) else asdict(case_or_rules)
    return closures_calendar(rules.get("extra_closures", ()))


_date = past_date


def _past(value: str | None, field: str, today: date) -> date:
    """A date that must be given (not defaulted to today)."""
    if not value:
        raise invalid(f"{field} は必須です。 / {field} is required.")
    return _date(value, field, today)


def _required(text: str, field: str) -> None:
    if not text or not text.strip():
        raise invalid(f"{field} は必須です。 / {field} is required.")


def _not_before(d: date, earlier: str | None, field: str, what: str) -> None:
    if earlier and d < date.fromisoformat(earlier):
        raise invalid(f"{field} は{what}（{earlier}）より前にできません。 / {field} cannot be before {earlier}.")


def file(inp: c.FileSuit) -> list[EventDraft]:
    """取消訴訟の記録. A late suit is accepted and marked ``late``: admissibility is for the court."""
    assert inp.actor is not None and inp.entered_at is not None
    if inp.actor.role not in _OFFICER:
        raise forbidden(f"訴訟の記録は権限外です。 / Role {inp.actor.role} may not record a suit.")
    if inp.target not in TARGETS:
        raise invalid("target は decision か ruling です。 / target must be decision or ruling.")
    if inp.target == "ruling" and not inp.appeal_id:
        raise invalid("裁決の取消訴訟には審査請求（appeal_id）が必要です。 / A suit against a ruling needs its appeal_id.")
    _required(inp.court, "court")
    _required(inp.case_number, "case_number")
    if not inp.decided_on:
        raise conflict("この請求にはまだ決定（裁決）がありません。 / There is no decision (or ruling) to challenge yet.")
    today = jst_date(inp.entered_at)
    filed = _date(inp.filed_on, "filed_on", today)
    decided = date.fromisoformat(inp.decided_on)
    learned = date.fromisoformat(inp.learned_on) if inp.learned_on else decided
    _not_before(filed, inp.decided_on, "filed_on", "決定（裁決）の日")
    if learned > filed:
        raise invalid("知った日（learned_on）は提訴日より後にできません。 / learned_on cannot be after filed_on.")
    try:
        due = deadlines.suit_window_end(learned_on=learned, decided_on=decided, calendar=calendar(inp.rules))
    except deadlines.DeadlineError as exc:
        raise invalid(f"知った日は決定（裁決）の日より前にできません。 / {exc}") from None
    return [draft("SuitFiled", inp.actor, inp.entered_at, suit_id=inp.suit_id, request_id=inp.request_id,
                  appeal_id=inp.appeal_id, target=inp.target, filed_on=filed.isoformat(),
                  learned_on=learned.isoformat(), decided_on=decided.isoformat(), court=inp.court,
                  case_number=inp.case_number, department=inp.department, level="district",
                  documents=[{"title": d.title, "disclosure": d.disclosure} for d in inp.documents],
                  window_ends=due.value.isoformat(), window=due.to_dict()["explanation"], late=filed > due.value,
                  rules=asdict(inp.rules), **({"decision_id": inp.decision_id} if inp.decision_id else {}))]


def decide(case: s.SuitCase, cmd: c.SuitCommand, now: datetime) -> list[EventDraft]:
    return ACTS.decide(case, cmd, now)


def _scope(case: s.SuitCase, outcome: str, scope: tuple[ScopeItem, ...]) -> list[dict[str, str]]:
    """The disclosure a revocation requires; never less than the decision already gave."""
    if outcome == "upheld":
        if scope:
            raise invalid("請求棄却の判決に公開範囲（scope）は指定できません。 / An upheld decision has no new scope.")
        return []
    if outcome == "partly_revoked" and not scope:
        raise invalid("一部取消しの判決には公開範囲（scope）が必要です。 / Give the scope of a partial revocation.")
    unknown = unknown_titles([{"title": i.title} for i in scope], case.documents)
    if unknown:
        raise invalid(unknown_titles_message(unknown))
    items = [{"title": i.title, "disclosure": i.disclosure} for i in scope] or [
        {"title": d["title"], "disclosure": "full"} for d in case.documents]
    before = {d["title"]: DISCLOSURE_RANK.get(d.get("disclosure", "withheld"), 0) for d in case.documents}
    for item in items:
        if item["disclosure"] not in DISCLOSURE_RANK:
            raise invalid(f"scope.disclosure は full, partial, withheld のいずれかです（{item['title']}）。")
        if DISCLOSURE_RANK[item["disclosure"]] < before.get(item["title"], 0):
            raise conflict(f"決定で公開した範囲より狭い範囲は指定できません（{item['title']}）。 / "
                           f"The scope may not narrow what the decision disclosed: {item['title']}.")
    return items


@_decides(c.RecordJudgment)
def _judgment(case: s.SuitCase, cmd: c.RecordJudgment, now: datetime) -> list[EventDraft]:
    today, level = jst_date(now), cmd.court_level
    if level not in s.LEVELS:
        raise invalid("court_level は district, high, supreme のいずれかです。 / Unknown court_level.")
    if cmd.outcome not in JUDGMENTS:
        raise invalid(f"outcome は {', '.join(JUDGMENTS)} のいずれかです（取下げ・和解は record-final）。 / "
                      f"Unknown judgment outcome {cmd.outcome!r}; record withdrawn/settled with record-final.")
    if s.LEVELS.index(level) > s.LEVELS.index(case.level):
        raise conflict(f"{LEVEL_NAMES[level]}への{APPEAL_NAMES[level]}が記録されていません。 / "
                       f"No appeal to the {level} court is on record.")
    if level != case.level:
        raise conflict(f"事件は既に{LEVEL_NAMES[case.level]}に係属しています。 / The suit is now before the "
                       f"{case.level} court.")
    if case.judged:
        raise conflict(f"{LEVEL_NAMES[level]}の判決は記録済みです。 / The {level} court's judgment is on record.")
    judged = _date(cmd.judged_on, "judged_on", today)
    _not_before(judged, case.appeals[-1]["filed_on"] if case.appeals else case.filed_on, "judged_on",
                "提訴（上訴）の日")
    served = judged if level == "supreme" and not cmd.served_on else _past(cmd.served_on, "served_on", today)
    _not_before(served, judged.isoformat(), "served_on", "判決の日")
    scope = _scope(case, cmd.outcome, cmd.scope)
    appeal_due, explanation = None, {}
    if level != "supreme":
        due = deadlines.higher_court_appeal_due(served, calendar(case))
        appeal_due, explanation = due.value.isoformat(), due.to_dict()["explanation"]
    events = [draft("JudgmentEntered", cmd.actor, now, court_level=level, court=case.court,
                    case_number=case.case_number, judged_on=judged.isoformat(), served_on=served.isoformat(),
                    outcome=cmd.outcome, scope=scope, text=cmd.text, appeal_due=appeal_due,
                    appeal_due_explanation=explanation)]
    if level == "supreme":
        events.append(draft("SuitFinal", cmd.actor, now, final_on=judged.isoformat(), outcome=cmd.outcome,
                            scope=scope, reason="supreme_court", court_level=level))
    return events


@_decides(c.RecordSuitAppeal)
def _appeal(case: s.SuitCase, cmd: c.RecordSuitAppeal, now: datetime) -> list[EventDraft]:
    to = NEXT_LEVEL.get(case.level)
    if to is None:
        raise conflict("最高裁判所の判決には上訴できません。 / A Supreme Court judgment cannot be appealed.")
    if not case.judged:
        raise conflict(f"{LEVEL_NAMES[case.level]}の判決が記録されていません。 / "
                       f"There is no {case.level} court judgment to appeal.")
    _required(cmd.court, "court")
    if cmd.by and cmd.by not in PARTIES:
        raise invalid("by は plaintiff か defendant です。 / by must be plaintiff or defendant.")
    filed = _date(cmd.filed_on, "filed_on", jst_date(now))
    judgment = case.judgments[-1]
    _not_before(filed, judgment["judged_on"], "filed_on", "判決の日")
    if case.appeal_due and filed > date.fromisoformat(case.appeal_due):
        raise conflict(f"{APPEAL_NAMES[to]}の期限（{case.appeal_due}）を過ぎています。判決は確定しています。 / "
                       f"The appeal period ended on {case.appeal_due}: the judgment is final.")
    return [draft("SuitAppealed", cmd.actor, now, filed_on=filed.isoformat(), court=cmd.court,
                  case_number=cmd.case_number, from_level=case.level, to_level=to, kind=APPEAL_NAMES[to],
                  by=cmd.by, appeal_due=case.appeal_due)]


@_decides(c.RecordFinal)
def _final(case: s.SuitCase, cmd: c.RecordFinal, now: datetime) -> list[EventDraft]:
    if cmd.outcome and cmd.outcome not in ENDINGS:
        raise invalid(f"outcome は空（判決の確定）か {', '.join(ENDINGS)} です（判決は record-judgment）。 / "
                      f"outcome must be empty (the judgment is final) or one of {', '.join(ENDINGS)}.")
    on = _date(cmd.final_on, "final_on", jst_date(now))
    _not_before(on, case.filed_on, "final_on", "提訴の日")
    if cmd.outcome:
        return [draft("SuitFinal", cmd.actor, now, final_on=on.isoformat(), outcome=cmd.outcome, scope=[],
                      reason=cmd.outcome, court_level=case.level, note=cmd.reason)]
    if not case.judgments:
        raise conflict("確定する判決がありません。取下げ・和解は outcome に withdrawn / settled を指定してください。 / "
                       "No judgment to become final: give outcome withdrawn or settled.")
    judgment = case.judgments[-1]
    _not_before(on, judgment["judged_on"], "final_on", "判決の日")
    return [draft("SuitFinal", cmd.actor, now, final_on=on.isoformat(), outcome=judgment["outcome"],
                  scope=list(judgment.get("scope", [])), reason="confirmed", court_level=judgment["court_level"],
                  note=cmd.reason)]


__all__ = ["Refusal", "decide", "file"]
