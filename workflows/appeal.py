"""AppealWorkflow: one 審査請求 from filing to ruling (or withdrawal), with the council's review.

Workflow id = appeal id (``A-2025-003``). Linked both ways with its request:
filing and the outcome are signalled to the request (restarting it from its
events if it had already closed), so a grant reopens the request for
re-decision and disclosure of the new scope.
"""

from dataclasses import asdict, dataclass
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.appeals import commands as c
    from domain.appeals.decide import decide, file
    from domain.appeals.notices import notices_for
    from domain.appeals.state import REFERRED, REPORTED, AppealCase, evolve
    from domain.appeals.timers import fire, next_timer
    from domain.clock import jst_date
    from domain.errors import Refusal
    from domain.events import CaseSignal, ChallengeLink, ChallengeOutcome, EventDraft, NoticeRequest
    from workflows.common import refusal_error, signal_request
    from workflows.machine import CaseMachine


REFERRAL_PACK = "referral_pack"


def notices_with_pack(case: AppealCase, event: EventDraft, version: int) -> list[NoticeRequest]:
    """The appeal's notices, plus the council's referral pack (諮問書と関係書類, 行審法43条①) when the
    appeal is referred, and a new version of it when the department's 理由説明書 is filed afterwards.

    Behind ``workflow.patched("referral-pack")``: histories recorded before it replay without the pack.
    (The patch is memoised per run: an appeal referred before the deploy gets no later version either.)"""
    out = notices_for(case, event, version)
    due = event.type == "ReferredToCouncil" or (event.type in ("ExplanationFiled", "AppellantOpinionFiled")
                                                and case.status in (REFERRED, REPORTED))
    if due and workflow.patched("referral-pack"):
        out.append(NoticeRequest(case.appeal_id, REFERRAL_PACK, version, case.appellant_party_id))
    return out


@dataclass(frozen=True)
class AppealResult:
    appeal_id: str
    status: str
    version: int


@workflow.defn(name="AppealCase")
class AppealWorkflow(CaseMachine):
    evolve = staticmethod(evolve)
    notices_for = staticmethod(notices_with_pack)
    next_timer = staticmethod(next_timer)
    fire = staticmethod(fire)
    decide = staticmethod(decide)
    action_of = c.APPEAL_ACTION_OF
    kind = "appeal"

    def __init__(self) -> None:
        self._init_machine(AppealCase())

    def _stream_id(self, events: list[EventDraft]) -> str:
        return self.case.appeal_id or events[0].data["appeal_id"]

    @workflow.run
    async def run(self, inp: c.FileAppeal) -> str:
        try:
            events = file(inp)
        except Refusal as exc:
            raise refusal_error(exc) from None
        await self._record(events, "appeal.file")
        await signal_request(CaseSignal(self.case.request_id, "challenge-linked",
                                        link=ChallengeLink("appeal", self.case.appeal_id, self.case.filed_on,
                                                          self.case.decision.get("decision_id") or "")))
        self._registered = True
        await self._live_until_closed()
        ruling = self.case.ruling or {}
        result = ruling.get("ruling", "withdrawn")
        await signal_request(CaseSignal(self.case.request_id, "challenge-concluded", outcome=ChallengeOutcome(
            challenge_id=self.case.appeal_id, result=result,
            decided_on=ruling.get("ruled_on") or jst_date(workflow.now()).isoformat(),
            reopen=result in ("granted", "partly_granted"), scope=list(ruling.get("scope", [])))))
        return self.case.closed_reason or ""

    def result(self) -> AppealResult:
        return AppealResult(self.case.appeal_id, self.case.status, self.case.version)

    @workflow.update(name="registered")
    async def registered(self) -> AppealResult:
        await workflow.wait_condition(lambda: self._registered)
        return self.result()

    @workflow.query(name="state")
    def state(self) -> dict[str, Any]:
        return asdict(self.case)

    @workflow.update(name="order-correction")
    async def order_correction(self, cmd: c.OrderCorrection) -> AppealResult:
        return await self._act(cmd)

    @order_correction.validator
    def _v_order_correction(self, cmd: c.OrderCorrection) -> None:
        self._check(cmd)

    @workflow.update(name="record-correction")
    async def record_correction(self, cmd: c.RecordAppealCorrection) -> AppealResult:
        return await self._act(cmd)

    @record_correction.validator
    def _v_record_correction(self, cmd: c.RecordAppealCorrection) -> None:
        self._check(cmd)

    @workflow.update(name="record-explanation")
    async def record_explanation(self, cmd: c.RecordExplanation) -> AppealResult:
        return await self._act(cmd)

    @record_explanation.validator
    def _v_record_explanation(self, cmd: c.RecordExplanation) -> None:
        self._check(cmd)

    @workflow.update(name="record-opinion")  # new in issue 13: no old history holds it, so no patch needed
    async def record_opinion(self, cmd: c.RecordOpinion) -> AppealResult:
        return await self._act(cmd)

    @record_opinion.validator
    def _v_record_opinion(self, cmd: c.RecordOpinion) -> None:
        self._check(cmd)

    @workflow.update(name="record-late-reason")
    async def record_late_reason(self, cmd: c.RecordLateReason) -> AppealResult:
        return await self._act(cmd)

    @record_late_reason.validator
    def _v_record_late_reason(self, cmd: c.RecordLateReason) -> None:
        self._check(cmd)

    @workflow.update(name="refer-to-council")
    async def refer_to_council(self, cmd: c.ReferToCouncil) -> AppealResult:
        return await self._act(cmd)

    @refer_to_council.validator
    def _v_refer_to_council(self, cmd: c.ReferToCouncil) -> None:
        self._check(cmd)

    @workflow.update(name="dismiss")
    async def dismiss(self, cmd: c.Dismiss) -> AppealResult:
        return await self._act(cmd)

    @dismiss.validator
    def _v_dismiss(self, cmd: c.Dismiss) -> None:
        self._check(cmd)

    @workflow.update(name="grant-without-referral")
    async def grant_without_referral(self, cmd: c.GrantWithoutReferral) -> AppealResult:
        return await self._act(cmd)

    @grant_without_referral.validator
    def _v_grant_without_referral(self, cmd: c.GrantWithoutReferral) -> None:
        self._check(cmd)

    @workflow.update(name="record-ruling")
    async def record_ruling(self, cmd: c.RecordRuling) -> AppealResult:
        return await self._act(cmd)

    @record_ruling.validator
    def _v_record_ruling(self, cmd: c.RecordRuling) -> None:
        self._check(cmd)

    @workflow.update(name="withdraw")
    async def withdraw(self, cmd: c.WithdrawAppeal) -> AppealResult:
        return await self._act(cmd)

    @withdraw.validator
    def _v_withdraw(self, cmd: c.WithdrawAppeal) -> None:
        self._check(cmd)

    @workflow.update(name="record-session")
    async def record_session(self, cmd: c.RecordSession) -> AppealResult:
        return await self._act(cmd)

    @record_session.validator
    def _v_record_session(self, cmd: c.RecordSession) -> None:
        self._check(cmd)

    @workflow.update(name="adopt-report")
    async def adopt_report(self, cmd: c.AdoptReport) -> AppealResult:
        return await self._act(cmd)

    @adopt_report.validator
    def _v_adopt_report(self, cmd: c.AdoptReport) -> None:
        self._check(cmd)
