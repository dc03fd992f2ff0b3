"""SuitWorkflow: one 取消訴訟 from filing through the court levels until its judgment is final.

Workflow id = suit id (``L-2025-001``). Linked with its request like an appeal:
the filing and the final outcome are signalled to the request (restarting it
from its events if it had already closed), so a final revocation reopens the
request for re-decision. A judgment below the Supreme Court becomes final by
itself when no appeal is recorded within 2 weeks of its service (the timer).
"""

from dataclasses import asdict, dataclass
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.calendar_change import CalendarChange, CalendarOutcome
    from domain.errors import Refusal
    from domain.events import CaseSignal, ChallengeLink, ChallengeOutcome, EventDraft, NoticeRequest
    from domain.litigation import calendar_change
    from domain.litigation import commands as c
    from domain.litigation.decide import REOPENING, decide, file
    from domain.litigation.state import SuitCase, evolve
    from domain.litigation.timers import fire, next_timer
    from workflows.common import refusal_error, signal_request
    from workflows.machine import CaseMachine


def notices_for(case: SuitCase, event: EventDraft, version: int) -> list[NoticeRequest]:
    """The city issues no notices in a suit (yet): the court serves the parties."""
    return []


@dataclass(frozen=True)
class SuitResult:
    suit_id: str
    status: str
    version: int
    level: str = "district"
    appeal_due: str | None = None


@workflow.defn(name="SuitCase")
class SuitWorkflow(CaseMachine):
    evolve = staticmethod(evolve)
    notices_for = staticmethod(notices_for)
    next_timer = staticmethod(next_timer)
    fire = staticmethod(fire)
    decide = staticmethod(decide)
    action_of = c.SUIT_ACTION_OF
    kind = "suit"

    def __init__(self) -> None:
        self._init_machine(SuitCase())

    def _stream_id(self, events: list[EventDraft]) -> str:
        return self.case.suit_id or events[0].data["suit_id"]

    @workflow.run
    async def run(self, inp: c.FileSuit) -> str:
        try:
            events = file(inp)
        except Refusal as exc:
            raise refusal_error(exc) from None
        await self._record(events, "suit.file")
        await signal_request(CaseSignal(self.case.request_id, "challenge-linked",
                                        link=ChallengeLink("suit", self.case.suit_id, self.case.filed_on,
                                                          self.case.decision_id)))
        self._registered = True
        await self._live_until_closed()
        outcome = self.case.outcome or ""
        assert self.case.final_on is not None
        await signal_request(CaseSignal(self.case.request_id, "challenge-concluded", outcome=ChallengeOutcome(
            challenge_id=self.case.suit_id, result=outcome, decided_on=self.case.final_on,
            reopen=outcome in REOPENING, scope=list(self.case.scope))))
        return outcome

    def result(self) -> SuitResult:
        return SuitResult(self.case.suit_id, self.case.status, self.case.version, self.case.level,
                          self.case.appeal_due)

    @workflow.update(name="registered")
    async def registered(self) -> SuitResult:
        await workflow.wait_condition(lambda: self._registered)
        return self.result()

    @workflow.update(name="calendar-changed")
    async def calendar_changed(self, change: CalendarChange) -> CalendarOutcome:
        """A newer holiday table: the deadline to appeal the judgment rolls over the court's new closed day."""
        return await self._recalendar(change, calendar_change.recompute, lambda: self.case.suit_id)

    @calendar_changed.validator
    def _v_calendar_changed(self, change: CalendarChange) -> None:
        self._check_calendar(change)

    @workflow.query(name="state")
    def state(self) -> dict[str, Any]:
        return asdict(self.case)

    @workflow.update(name="record-judgment")
    async def record_judgment(self, cmd: c.RecordJudgment) -> SuitResult:
        return await self._act(cmd)

    @record_judgment.validator
    def _v_record_judgment(self, cmd: c.RecordJudgment) -> None:
        self._check(cmd)

    @workflow.update(name="record-appeal")
    async def record_appeal(self, cmd: c.RecordSuitAppeal) -> SuitResult:
        return await self._act(cmd)

    @record_appeal.validator
    def _v_record_appeal(self, cmd: c.RecordSuitAppeal) -> None:
        self._check(cmd)

    @workflow.update(name="record-final")
    async def record_final(self, cmd: c.RecordFinal) -> SuitResult:
        return await self._act(cmd)

    @record_final.validator
    def _v_record_final(self, cmd: c.RecordFinal) -> None:
        self._check(cmd)
