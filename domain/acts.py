"""The one way an act on an appeal or a suit is decided: authority, then state, then the act's own rules.

Each case kind keeps its own transition table (action → states, roles, Japanese
label) and registers one decider per command class; ``Acts.decide`` checks the
caller's role (and department, where the kind is department-scoped), then the
case's status, and only then runs the decider. The HTTP gate (api/authz.py)
reads the same tables, so both layers refuse the same callers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from domain.errors import conflict, forbidden
from domain.events import EventDraft

DEPARTMENT_SCOPED = frozenset({"reviewer", "approver"})
Decider = Callable[[Any, Any, datetime], list[EventDraft]]
Table = dict[str, tuple[frozenset[str], frozenset[str], str]]


class Acts:
    def __init__(self, table: Table, action_of: dict[type, str], *, noun: str,
                 other_department: str | None = None) -> None:
        self.table = table
        self.action_of = action_of
        self.noun = noun  # "appeal", "suit": for messages
        self.other_department = other_department  # the refusal for another department's case, if scoped
        self._deciders: dict[type, Decider] = {}

    def decides(self, cls: type) -> Callable[[Decider], Decider]:
        def register(fn: Decider) -> Decider:
            self._deciders[cls] = fn
            return fn

        return register

    def decide(self, case: Any, cmd: Any, now: datetime) -> list[EventDraft]:
        action = self.action_of[type(cmd)]
        states, roles, label = self.table[action]
        actor = cmd.actor
        if actor.role not in roles:
            raise forbidden(f"{label}は権限外です。 / Role {actor.role} may not {action}.")
        if self.other_department and actor.role in DEPARTMENT_SCOPED and actor.department != case.department:
            raise forbidden(self.other_department)
        if case.status not in states:
            raise conflict(f"{label}は現在の状態（{case.status}）ではできません。 / "
                           f"{action} is not allowed while the {self.noun} is {case.status}.")
        return self._deciders[type(cmd)](case, cmd, now)
