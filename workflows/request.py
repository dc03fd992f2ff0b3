"""RequestWorkflow: one disclosure request from receipt to its final closure.

Workflow id = case id (``R-2025-00017``). Staff actions are Updates whose
validators ask the domain (nothing is recorded on a refusal); deadlines are
durable timers derived from the case state (domain.requests.timers).
"""


import functools
from dataclasses import asdict, dataclass
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.calendar_change import CalendarChange, CalendarOutcome
    from domain.errors import Refusal
    from domain.events import CaseSignal, ChallengeLink, ChallengeOutcome, EventDraft, NoticeRequest
    from domain.requests import calendar_change
    from domain.requests import commands as c
    from domain.requests.challenges import conclusion_events, link_events
    from domain.requests.decide import decide
    from domain.requests.evolve import evolve
    from domain.requests.notices import notices_for
    from domain.requests.registration import RegisterRequest, receive
    from domain.requests.state import RequestCase
    from domain.requests.timers import fire, next_timer
    from domain.self_information import is_self_information
    from workflows.common import load_stream, refusal_error, signal_is_sealed
    from workflows.machine import CaseMachine


SELF_INFORMATION_PATCH = "self-information"
PI_NOTICE_FORMS_PATCH = "pi-notice-forms"
PI_CORRECTION_RECIPIENTS_PATCH = "pi-correction-recipients"


def _notices(case: RequestCase, event: EventDraft, version: int) -> list[NoticeRequest]:
    """The notices an event calls for; the APPI forms of 補正 / 移送 / third-party notices (第77条③, 第85条,
    第96条, 第86条) and the notice to the recipients of corrected information (第97条) each only behind a
    patch, asked only where they differ, so older histories replay unchanged."""
    before = notices_for(case, event, version)
    if not case.appi():
        return before
    after = notices_for(case, event, version, pi_forms=True)
    forms = after != before and workflow.patched(PI_NOTICE_FORMS_PATCH)
    chosen = after if forms else before
    told = notices_for(case, event, version, pi_forms=forms, correction_recipients=True)
    if told != chosen and workflow.patched(PI_CORRECTION_RECIPIENTS_PATCH):
        return told
    return chosen


@dataclass(frozen=True)
class ActionResult:
    case_id: str
    status: str
    version: int


@workflow.defn(name="RequestCase")
class RequestWorkflow(CaseMachine):
    evolve = staticmethod(evolve)
    notices_for = staticmethod(_notices)
    next_timer = staticmethod(next_timer)
    fire = staticmethod(fire)
    decide = staticmethod(decide)
    action_of = c.ACTION_OF
    kind = "request"

    def __init__(self) -> None:
        self._init_machine(RequestCase())

    def _stream_id(self, events: list[EventDraft]) -> str:
        return self.case.case_id or events[0].data["case_id"]

    @workflow.run
    async def run(self, inp: RegisterRequest) -> str:
        if inp.resume:
            for event in await load_stream(inp.case_id):
                evolve(self.case, event.type, event.data)
        else:
            try:
                # APPI self-information rules (domain/self_information.py) for cases registered from now on;
                # a history recorded before replays its receipt, and so its whole course, as it was.
                appi = is_self_information(inp.kind) and workflow.patched(SELF_INFORMATION_PATCH)
                events = receive(inp, appi=appi)
            except Refusal as exc:
                raise refusal_error(exc) from None
            await self._record(events, "request.register")
        self._registered = True
        await self._live_until_closed()
        return self.case.closed_reason or ""

    def result(self) -> ActionResult:
        return ActionResult(self.case.case_id, self.case.status, self.case.version)

    @workflow.update(name="registered")
    async def registered(self) -> ActionResult:
        """Returns once the receipt is recorded and its 受付票 issued (used with update-with-start)."""
        await workflow.wait_condition(lambda: self._registered)
        return self.result()

    @workflow.signal(name="challenge-linked")
    async def challenge_linked(self, link: ChallengeLink) -> None:
        """An appeal or suit was filed against this request: it shows on the request's timeline."""
        await workflow.wait_condition(lambda: self._registered)
        if not await signal_is_sealed(CaseSignal(workflow.info().workflow_id, "challenge-linked", link=link)):
            return  # not sent by Kaiji: nothing on the case, one audit line (the activity wrote it)
        await self._record(link_events(self.case, link, workflow.now()), f"request.{link.kind}-linked")

    @workflow.signal(name="challenge-concluded")
    async def challenge_concluded(self, outcome: ChallengeOutcome) -> None:
        """A ruling or judgment ended a challenge; a grant or revocation reopens the request."""
        await workflow.wait_condition(lambda: self._registered)
        if not await signal_is_sealed(CaseSignal(workflow.info().workflow_id, "challenge-concluded",
                                                 outcome=outcome)):
            return  # not sent by Kaiji: the request is not reopened, one audit line (the activity wrote it)
        await self._record(conclusion_events(self.case, outcome, workflow.now()), "request.challenge-concluded")

    @workflow.update(name="calendar-changed")
    async def calendar_changed(self, change: CalendarChange) -> CalendarOutcome:
        """A closure day or a newer holiday table: work_due, the reminder and the appeal window recompute."""
        # every decision's window and the 特例延長 remainder move too (a workflow that changed its calendar
        # before this patch keeps the first release's rule on replay)
        every_window = workflow.patched("calendar-every-window")
        recompute = functools.partial(calendar_change.recompute, every_window=every_window)
        return await self._recalendar(change, recompute, lambda: self.case.case_id)

    @calendar_changed.validator
    def _v_calendar_changed(self, change: CalendarChange) -> None:
        self._check_calendar(change)

    @workflow.query(name="state")
    def state(self) -> dict[str, Any]:
        return asdict(self.case)

    # --- staff actions (contract.md): one Update each, validated by the domain ---

    @workflow.update(name="request-correction")
    async def request_correction(self, cmd: c.RequestCorrection) -> ActionResult:
        return await self._act(cmd)

    @request_correction.validator
    def _v_request_correction(self, cmd: c.RequestCorrection) -> None:
        self._check(cmd)

    @workflow.update(name="record-correction")
    async def record_correction(self, cmd: c.RecordCorrection) -> ActionResult:
        return await self._act(cmd)

    @record_correction.validator
    def _v_record_correction(self, cmd: c.RecordCorrection) -> None:
        self._check(cmd)

    @workflow.update(name="assign")
    async def assign(self, cmd: c.Assign) -> ActionResult:
        return await self._act(cmd)

    @assign.validator
    def _v_assign(self, cmd: c.Assign) -> None:
        self._check(cmd)

    @workflow.update(name="extend")
    async def extend(self, cmd: c.Extend) -> ActionResult:
        return await self._act(cmd)

    @extend.validator
    def _v_extend(self, cmd: c.Extend) -> None:
        self._check(cmd)

    @workflow.update(name="consult-third-party")
    async def consult_third_party(self, cmd: c.ConsultThirdParty) -> ActionResult:
        return await self._act(cmd)

    @consult_third_party.validator
    def _v_consult_third_party(self, cmd: c.ConsultThirdParty) -> None:
        self._check(cmd)

    @workflow.update(name="record-third-party-opinion")
    async def record_third_party_opinion(self, cmd: c.RecordThirdPartyOpinion) -> ActionResult:
        return await self._act(cmd)

    @record_third_party_opinion.validator
    def _v_record_third_party_opinion(self, cmd: c.RecordThirdPartyOpinion) -> None:
        self._check(cmd)

    @workflow.update(name="draft-decision")
    async def draft_decision(self, cmd: c.DraftDecision) -> ActionResult:
        return await self._act(cmd)

    @draft_decision.validator
    def _v_draft_decision(self, cmd: c.DraftDecision) -> None:
        self._check(cmd)

    @workflow.update(name="return-draft")
    async def return_draft(self, cmd: c.ReturnDraft) -> ActionResult:
        return await self._act(cmd)

    @return_draft.validator
    def _v_return_draft(self, cmd: c.ReturnDraft) -> None:
        self._check(cmd)

    @workflow.update(name="approve-decision")
    async def approve_decision(self, cmd: c.ApproveDecision) -> ActionResult:
        return await self._act(cmd)

    @approve_decision.validator
    def _v_approve_decision(self, cmd: c.ApproveDecision) -> None:
        self._check(cmd)

    @workflow.update(name="record-notice-delivery")
    async def record_notice_delivery(self, cmd: c.RecordNoticeDelivery) -> ActionResult:
        return await self._act(cmd)

    @record_notice_delivery.validator
    def _v_record_notice_delivery(self, cmd: c.RecordNoticeDelivery) -> None:
        self._check(cmd)

    @workflow.update(name="record-disclosure")
    async def record_disclosure(self, cmd: c.RecordDisclosure) -> ActionResult:
        return await self._act(cmd)

    @record_disclosure.validator
    def _v_record_disclosure(self, cmd: c.RecordDisclosure) -> None:
        self._check(cmd)

    @workflow.update(name="withdraw")
    async def withdraw(self, cmd: c.Withdraw) -> ActionResult:
        return await self._act(cmd)

    @withdraw.validator
    def _v_withdraw(self, cmd: c.Withdraw) -> None:
        self._check(cmd)

    @workflow.update(name="transfer")
    async def transfer(self, cmd: c.Transfer) -> ActionResult:
        return await self._act(cmd)

    @transfer.validator
    def _v_transfer(self, cmd: c.Transfer) -> None:
        self._check(cmd)

    @workflow.update(name="reissue-notice")
    async def reissue_notice(self, cmd: c.ReissueNotice) -> ActionResult:
        return await self._act(cmd)

    @reissue_notice.validator
    def _v_reissue_notice(self, cmd: c.ReissueNotice) -> None:
        self._check(cmd)

    @workflow.update(name="record-ncnd-report")
    async def record_ncnd_report(self, cmd: c.RecordNcndReport) -> ActionResult:
        return await self._act(cmd)

    @record_ncnd_report.validator
    def _v_record_ncnd_report(self, cmd: c.RecordNcndReport) -> None:
        self._check(cmd)
