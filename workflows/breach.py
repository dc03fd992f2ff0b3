"""BreachWorkflow: one breach incident (漏えい等事案) from its recording until it is closed.

Workflow id = breach id (``B-2026-001``). When a report to the Commission is due (domain/breach.py),
the workflow sleeps until the next reminder or overdue date of the 速報 and the 確報 (counted from
the day the department became aware) or until a staff action changes the state. A breach that
need not be reported has no timer: it waits for its notices, measures and closing.
"""

from dataclasses import asdict, dataclass
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.breaches import commands as c
    from domain.breaches.decide import decide, record
    from domain.breaches.state import BreachCase, evolve
    from domain.breaches.timers import fire, next_timer
    from domain.errors import Refusal
    from domain.events import EventDraft, NoticeRequest
    from workflows.common import refusal_error
    from workflows.machine import CaseMachine


def notices_for(case: BreachCase, event: EventDraft, version: int) -> list[NoticeRequest]:
    """No stored notice: the reports go to the Commission through its own form; the council summary is
    generated on demand (api/routes/breaches.py)."""
    return []


@dataclass(frozen=True)
class BreachResult:
    breach_id: str
    status: str
    version: int
    reportable: bool = False
    preliminary_due: str | None = None
    final_due: str | None = None


@workflow.defn(name="BreachCase")
class BreachWorkflow(CaseMachine):
    evolve = staticmethod(evolve)
    notices_for = staticmethod(notices_for)
    next_timer = staticmethod(next_timer)
    fire = staticmethod(fire)
    decide = staticmethod(decide)
    action_of = c.BREACH_ACTION_OF
    kind = "breach"

    def __init__(self) -> None:
        self._init_machine(BreachCase())

    def _stream_id(self, events: list[EventDraft]) -> str:
        return self.case.breach_id or events[0].data["breach_id"]

    @workflow.run
    async def run(self, inp: c.RecordBreach) -> str:
        try:
            events = record(inp)
        except Refusal as exc:
            raise refusal_error(exc) from None
        await self._record(events, "breach.record")
        self._registered = True
        await self._live_until_closed()
        return self.case.status

    def result(self) -> BreachResult:
        return BreachResult(
            self.case.breach_id,
            self.case.status,
            self.case.version,
            self.case.reportable,
            self.case.preliminary_due,
            self.case.final_due,
        )

    @workflow.update(name="registered")
    async def registered(self) -> BreachResult:
        await workflow.wait_condition(lambda: self._registered)
        return self.result()

    @workflow.query(name="state")
    def state(self) -> dict[str, Any]:
        return asdict(self.case)

    @workflow.update(name="revise-facts")
    async def revise_facts(self, cmd: c.ReviseFacts) -> BreachResult:
        return await self._act(cmd)

    @revise_facts.validator
    def _v_revise_facts(self, cmd: c.ReviseFacts) -> None:
        self._check(cmd)

    @workflow.update(name="record-preliminary-report")
    async def record_preliminary_report(self, cmd: c.RecordPreliminaryReport) -> BreachResult:
        return await self._act(cmd)

    @record_preliminary_report.validator
    def _v_record_preliminary_report(self, cmd: c.RecordPreliminaryReport) -> None:
        self._check(cmd)

    @workflow.update(name="record-final-report")
    async def record_final_report(self, cmd: c.RecordFinalReport) -> BreachResult:
        return await self._act(cmd)

    @record_final_report.validator
    def _v_record_final_report(self, cmd: c.RecordFinalReport) -> None:
        self._check(cmd)

    @workflow.update(name="record-notification")
    async def record_notice_to_persons(self, cmd: c.RecordNoticeToPersons) -> BreachResult:
        return await self._act(cmd)

    @record_notice_to_persons.validator
    def _v_record_notice_to_persons(self, cmd: c.RecordNoticeToPersons) -> None:
        self._check(cmd)

    @workflow.update(name="record-measures")
    async def record_measures(self, cmd: c.RecordMeasures) -> BreachResult:
        return await self._act(cmd)

    @record_measures.validator
    def _v_record_measures(self, cmd: c.RecordMeasures) -> None:
        self._check(cmd)

    @workflow.update(name="report-to-council")
    async def place_on_agenda(self, cmd: c.PlaceOnAgenda) -> BreachResult:
        return await self._act(cmd)

    @place_on_agenda.validator
    def _v_place_on_agenda(self, cmd: c.PlaceOnAgenda) -> None:
        self._check(cmd)

    @workflow.update(name="close")
    async def close(self, cmd: c.CloseBreach) -> BreachResult:
        return await self._act(cmd)

    @close.validator
    def _v_close(self, cmd: c.CloseBreach) -> None:
        self._check(cmd)
