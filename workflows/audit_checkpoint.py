"""The daily audit checkpoint: a Temporal Schedule (``kaiji-audit-checkpoint``) starts this workflow, which
runs the one activity that signs the audit chain head (kaiji/audit_checkpoint.py, issue 17)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
)
from temporalio.common import RetryPolicy

SCHEDULE_ID = "kaiji-audit-checkpoint"
# 00:05 in Japan (UTC+9, no summer time): the day's checkpoint is signed just after the day has ended.
CRON = "5 15 * * *"


@workflow.defn(name="AuditCheckpoint")
class AuditCheckpointWorkflow:
    @workflow.run
    async def run(self) -> dict:
        return await workflow.execute_activity(
            "audit_checkpoint", start_to_close_timeout=timedelta(minutes=10),
            retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=10), maximum_attempts=20),
            result_type=dict)


def schedule(task_queue: str, workflow_id: str = SCHEDULE_ID) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow("AuditCheckpoint", id=workflow_id, task_queue=task_queue,
                                           execution_timeout=timedelta(hours=6)),
        spec=ScheduleSpec(cron_expressions=[CRON]),
        policy=SchedulePolicy(overlap=ScheduleOverlapPolicy.SKIP, catchup_window=timedelta(days=1)),
    )


async def ensure_schedule(client: Client, task_queue: str, schedule_id: str = SCHEDULE_ID) -> bool:
    """Create the daily schedule (and run it once at once) unless it exists; True if it was created."""
    try:
        await client.create_schedule(schedule_id, schedule(task_queue, schedule_id), trigger_immediately=True)
    except ScheduleAlreadyRunningError:
        return False
    return True
