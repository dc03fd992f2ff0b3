"""Policy simulation: replay a year's requests under changed rules and say what would have differed.

Before an ordinance change (a shorter period, a different extension limit, counting the first day) the
assembly asks what it would cost. Each request's stream is walked again with the changed profile: the
decision date it would have owed (received + period + excluded correction days, or its extension if the
new limit still allows it), compared with the day it was actually decided. Read-only and pure: the staff's
actions stay as they happened, only the dates the rules derive from them change.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import deadlines
from domain.era import fiscal_year as fy_of
from domain.profile import Profile
from domain.reports.decisions import decisions_of


class SimulationError(ValueError):
    """A ``--set`` the profile cannot take; the message names the key."""


def with_overrides(profile: Profile, settings: dict[str, str]) -> Profile:
    """The profile with dotted keys replaced (values read as TOML: 7, true, "text"); validated again."""
    data = profile.model_dump(mode="json")
    for key, raw in settings.items():
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw  # a bare word is text
        node: Any = data
        parts = key.split(".")
        for part in parts[:-1]:
            if not isinstance(node, dict) or part not in node:
                raise SimulationError(f"{key}: no such profile setting ({part!r})")
            node = node[part]
        if not isinstance(node, dict) or parts[-1] not in node:
            raise SimulationError(f"{key}: no such profile setting ({parts[-1]!r})")
        node[parts[-1]] = value
    try:
        return Profile.model_validate(data)
    except Exception as exc:  # pydantic's ValidationError, named for the operator
        raise SimulationError(f"the changed profile is invalid: {exc}") from None


@dataclass(frozen=True)
class Outcome:
    case_id: str
    department: str
    due_before: str
    due_after: str
    decided_on: str | None
    late_before: bool
    late_after: bool
    extension_refused: bool  # the extension it had would exceed the new limit


def _walk(events: list[tuple[str, dict[str, Any]]], profile: Profile) -> tuple[str, str, bool] | None:
    """(due under the profile, due as recorded, extension refused) for one request stream."""
    first_type, first = events[0]
    if first_type != "RequestReceived" or first.get("kind") not in profile.request_kinds:
        return None
    rule = profile.kind(first["kind"])
    received = date.fromisoformat(first["received_on"])
    excluded, extended_to, refused, recorded = 0, None, False, first["decision_due"]
    for event_type, d in events[1:]:
        if event_type == "CorrectionReceived":
            excluded += d.get("excluded_days", 0)
        elif event_type == "DeadlineExtended":
            limit = deadlines.extension_limit(received, rule.extension_limit_days, excluded_days=excluded,
                                              count_first_day=profile.count_first_day).value
            wanted = date.fromisoformat(d["decision_due"])
            refused = wanted > limit
            extended_to = min(wanted, limit)
        if "decision_due" in d and event_type != "RequestReceived":
            recorded = d["decision_due"]
    due = deadlines.decision_due(received, rule.period_days, excluded_days=excluded, extended_to=extended_to,
                                 count_first_day=profile.count_first_day).value
    return due.isoformat(), recorded, refused


def simulate(streams: dict[str, list[tuple[str, dict[str, Any]]]], states: dict[str, dict[str, Any]],
             current: Profile, changed: Profile, fiscal_year: int) -> dict[str, Any]:
    """What would have differed for the requests received in ``fiscal_year``."""
    outcomes: list[Outcome] = []
    for case_id, events in sorted(streams.items()):
        state = states[case_id]
        if not state.get("received_on") or fy_of(date.fromisoformat(state["received_on"])) != fiscal_year:
            continue
        before, after = _walk(events, current), _walk(events, changed)
        if before is None or after is None:
            continue
        decided = [d.decided_on for d in decisions_of(state)]
        first_decision = min(decided) if decided else None
        outcomes.append(Outcome(
            case_id=case_id, department=state.get("department", ""), due_before=before[1], due_after=after[0],
            decided_on=first_decision,
            late_before=bool(first_decision and first_decision > before[1]),
            late_after=bool(first_decision and first_decision > after[0]),
            extension_refused=after[2],
        ))
    late = Counter(o.department for o in outcomes if o.late_after and not o.late_before)
    no_longer = Counter(o.department for o in outcomes if o.late_before and not o.late_after)
    moved = [o for o in outcomes if o.due_after != o.due_before]
    return {
        "fiscal_year": fiscal_year,
        "requests": len(outcomes),
        "deadlines_moved": len(moved),
        "newly_late": sum(late.values()),
        "newly_late_by_department": dict(sorted(late.items())),
        "no_longer_late": sum(no_longer.values()),
        "extensions_beyond_new_limit": sum(o.extension_refused for o in outcomes),
        "cases": [o.__dict__ for o in moved],
    }

