"""The mechanics every case workflow shares: state folded from events, one writer, derived timers.

A subclass supplies the domain functions (evolve, notices, timers); this class
records events through the one transactional activity, issues the notices the
events call for, and sleeps until the next legal deadline or the next change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from domain.actors import SYSTEM_ACTOR
    from domain.calendar_change import CalendarChange, CalendarOutcome, check_authority, outcome
    from domain.clock import start_of_day
    from domain.errors import Refusal
    from domain.events import EventDraft, NoticeRequest, draft
    from domain.expiry import check_fresh
    from domain.requests.timers import Timer, fires_at
    from workflows.common import issue_notice, record, refusal_error


class CaseMachine:
    case: Any
    evolve: Callable[[Any, str, dict[str, Any]], Any]
    notices_for: Callable[[Any, EventDraft, int], list[NoticeRequest]]
    next_timer: Callable[[Any], Timer | None]
    fire: Callable[[Any, Timer, Any], list[EventDraft]]
    decide: Callable[[Any, Any, Any], list[EventDraft]]
    action_of: dict[type, str]  # command class → action name
    kind: str  # "request" | "appeal" | "suit": prefixes the audit name of each act

    def _init_machine(self, case: Any) -> None:
        self.case = case
        self._changes = 0
        self._lock = asyncio.Lock()
        self._registered = False

    def _stream_id(self, events: list[EventDraft]) -> str:
        raise NotImplementedError

    def result(self) -> Any:
        raise NotImplementedError

    async def _act(self, cmd: Any) -> Any:
        """An Update handler's body: decide on the current state under the lock, record, answer the result."""
        await workflow.wait_condition(lambda: self._registered)
        async with self._lock:
            try:
                events = type(self).decide(self.case, cmd, workflow.now())
            except Refusal as exc:  # the state moved between validation and handling
                raise refusal_error(exc) from None
            await self._record_locked(events, f"{self.kind}.{self.action_of[type(cmd)]}")
        return self.result()

    async def _recalendar(self, change: CalendarChange, recompute: Callable[..., list[EventDraft]],
                          case_id: Callable[[], str]) -> CalendarOutcome:
        """A calendar-changed handler's body: the domain recomputes the dates on the current state, the event
        carries them (a replay applies, never recomputes), and the timers follow the new state."""
        await workflow.wait_condition(lambda: self._registered)
        async with self._lock:
            events = recompute(self.case, change, workflow.now())
            await self._record_locked(events, "calendar.changed")
        return outcome(case_id(), events)

    def _check_calendar(self, change: CalendarChange) -> None:
        """The calendar-changed validator: only the records officer or the system may change a case's calendar."""
        try:
            check_authority(change)
        except Refusal as exc:
            raise refusal_error(exc) from None

    def _check(self, cmd: Any) -> None:
        """An Update validator's body: refuse, leaving nothing in the history, what the domain refuses now.

        While a resumed run is still loading its events, or an earlier act or signal is being recorded
        (its events may already be visible in the projections), the state is about to change: the
        validator lets the act through and the handler decides under the lock, on the new state.
        A command past its expiry is refused first, whatever the state: nobody waits for it any more.
        (Validators do not run on replay, so this check cannot change an old history.)"""
        try:
            check_fresh(cmd, workflow.now())
        except Refusal as exc:
            raise refusal_error(exc) from None
        if not self._registered or self._lock.locked():
            return
        try:
            type(self).decide(self.case, cmd, workflow.now())
        except Refusal as exc:
            raise refusal_error(exc) from None

    async def _record(self, events: list[EventDraft], action: str) -> None:
        async with self._lock:
            await self._record_locked(events, action)

    async def _record_locked(self, events: list[EventDraft], action: str) -> None:
        if not events:
            return
        start = self.case.version
        stream = self._stream_id(events)
        await record(stream, start, events, action)
        notices: list[NoticeRequest] = []
        for offset, event in enumerate(events, start=1):
            type(self).evolve(self.case, event.type, event.data)
            notices += type(self).notices_for(self.case, event, start + offset)
        self._changes += 1
        failed = []
        for notice in notices:
            try:
                await issue_notice(notice)
            except ActivityError as exc:
                # The act stands; a notice that cannot be rendered is flagged for staff, not lost.
                failed.append(draft("NoticeFailed", SYSTEM_ACTOR, workflow.now(), notice_type=notice.notice_type,
                                    cause_version=notice.cause_version, error=str(exc.cause or exc)))
        if failed:
            await record(stream, self.case.version, failed, "notice.failed")
            for event in failed:
                type(self).evolve(self.case, event.type, event.data)

    async def _sleep_until_change_or_timer(self) -> None:
        timer = type(self).next_timer(self.case)
        seen = self._changes
        if timer is not None:
            delay = (start_of_day(fires_at(timer)) - workflow.now()).total_seconds()
            if delay > 0:
                try:
                    await workflow.wait_condition(lambda: self._changes != seen, timeout=delay)
                    return
                except TimeoutError:
                    pass
            async with self._lock:
                events = type(self).fire(self.case, timer, workflow.now())
                await self._record_locked(events, f"timer.{timer.kind}")
            return
        await workflow.wait_condition(lambda: self._changes != seen)

    async def _live_until_closed(self) -> None:
        """Serve timers and handlers until the case is closed and no handler is still running."""
        while True:
            while not self.case.closed:
                await self._sleep_until_change_or_timer()
            await workflow.wait_condition(workflow.all_handlers_finished)
            if self.case.closed:  # a late signal may have reopened it
                return
