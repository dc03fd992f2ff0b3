"""What every case workflow shares: recording events, refusals, timeouts."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain.errors import Refusal
    from domain.events import (
        CaseSignal,
        EventDraft,
        NoticeIssued,
        NoticeRequest,
        RecordInput,
        RecordResult,
        StreamEvent,
    )

ACTIVITY_TIMEOUT = timedelta(seconds=30)
RECORD_EVENTS_LOCAL = "record-events-local"  # workflow.patched id (issue 15)
ISSUE_NOTICE_LOCAL = "issue-notice-local"  # workflow.patched id (issue 15)
SIGNAL_SEAL = "challenge-signal-seal"  # workflow.patched id (issue 17)
NOTICE_TIMEOUT = timedelta(minutes=2)
RETRY = RetryPolicy(maximum_interval=timedelta(minutes=1), non_retryable_error_types=["EventVersionConflict"])


def refusal_error(exc: Refusal) -> ApplicationError:
    """A business refusal travels to the API as an ApplicationError whose type is the HTTP-ish code."""
    return ApplicationError(exc.message, type=exc.code, non_retryable=True)


async def record(stream_id: str, expected_version: int, events: list[EventDraft], action: str) -> RecordResult:
    inp = RecordInput(stream_id=stream_id, expected_version=expected_version, events=events, action=action)
    if workflow.patched(RECORD_EVENTS_LOCAL):
        # Issue 15: a local activity runs inside the workflow task that asks for it (~15 ms of SQL), so an
        # action costs one workflow task less and no activity task round trip through the server. Cases
        # started before this change replay their ordinary activities (tests/replay).
        return await workflow.execute_local_activity(
            "record_events", inp, result_type=RecordResult, start_to_close_timeout=ACTIVITY_TIMEOUT,
            retry_policy=RETRY,
        )
    return await workflow.execute_activity(
        "record_events", inp, result_type=RecordResult, start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=RETRY,
    )


async def load_stream(stream_id: str) -> list[StreamEvent]:
    return await workflow.execute_activity(
        "load_stream", stream_id, result_type=list[StreamEvent], start_to_close_timeout=ACTIVITY_TIMEOUT,
        retry_policy=RETRY,
    )


async def signal_request(sig: CaseSignal) -> None:
    await workflow.execute_activity(
        "signal_request", sig, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY,
    )


async def signal_is_sealed(sig: CaseSignal) -> bool:
    """Issue 17: a challenge signal counts only if a Kaiji client sealed it (kaiji/security/action_seal.py).
    The check is a local activity, so its answer is in the history: a replay never recomputes it with
    whatever key the worker holds then. Cases that received signals before this change replay unchecked."""
    if not workflow.patched(SIGNAL_SEAL):
        return True
    return await workflow.execute_local_activity(
        "check_signal_seal", sig, result_type=bool, start_to_close_timeout=ACTIVITY_TIMEOUT, retry_policy=RETRY,
    )


async def issue_notice(request: NoticeRequest) -> NoticeIssued:
    if workflow.patched(ISSUE_NOTICE_LOCAL):
        # Issue 15: the render holds no connection and no lock and runs in a render process, so the notice
        # is a local activity too: one workflow task and one activity round trip less per notice. Cases that
        # started before replay their ordinary activities (tests/replay).
        return await workflow.execute_local_activity(
            "issue_notice", request, result_type=NoticeIssued, start_to_close_timeout=NOTICE_TIMEOUT,
            retry_policy=RETRY,
        )
    return await workflow.execute_activity(
        "issue_notice",
        request,
        result_type=NoticeIssued,
        start_to_close_timeout=NOTICE_TIMEOUT,
        retry_policy=RETRY,
    )
