"""The Temporal worker: every workflow and activity of Kaiji, with the encrypting data converter."""

from __future__ import annotations

import asyncio
import signal

import asyncpg
from temporalio.client import Client
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.worker import Worker

from activities.audit_checkpoint import AuditCheckpointActivities
from activities.cases import CaseActivities
from activities.events import EventActivities
from activities.notice_activity import NoticeActivities
from activities.notices.pool import RenderPool
from domain.profile import Profile, load_profile
from kaiji.logs import configure_logging, get_logger
from kaiji.observe import tracing
from kaiji.reconcile import reconcile_forever
from kaiji.secrets import Secrets, load_secrets
from kaiji.security.action_seal import sealer_of
from kaiji.settings import Settings, load_settings
from kaiji.temporal import connect_client
from store.db import create_pool
from workflows.appeal import AppealWorkflow
from workflows.audit_checkpoint import AuditCheckpointWorkflow, ensure_schedule
from workflows.breach import BreachWorkflow
from workflows.litigation import SuitWorkflow
from workflows.request import RequestWorkflow

WORKFLOWS = [RequestWorkflow, AppealWorkflow, SuitWorkflow, BreachWorkflow, AuditCheckpointWorkflow]


def build_worker(
    client: Client, pool: asyncpg.Pool, settings: Settings, secrets: Secrets, profile: Profile,
    *, task_queue: str | None = None, renderer: RenderPool | None = None,
) -> Worker:
    queue = task_queue or settings.task_queue
    events = EventActivities(pool)
    notices = NoticeActivities(pool, secrets, profile, renderer)
    cases = CaseActivities(pool, queue, sealer_of(client))
    checkpoints = AuditCheckpointActivities(pool, settings)
    return Worker(
        client,
        task_queue=queue,
        workflows=WORKFLOWS,
        activities=[events.record_events, notices.issue_notice, cases.load_stream, cases.signal_request,
                    cases.check_signal_seal,
                    checkpoints.audit_checkpoint],
        max_cached_workflows=2000,
    )


def sdk_runtime(settings: Settings) -> Runtime | None:
    """A Temporal SDK runtime serving its metrics (``temporal_*``: poll and task latencies, activity
    failures by type) for Prometheus on ``KAIJI_WORKER_METRICS_HOST:KAIJI_WORKER_METRICS_PORT``; None
    (the default runtime, no metrics endpoint) when the port is 0."""
    if not settings.worker_metrics_port:
        return None
    bind = f"{settings.worker_metrics_host}:{settings.worker_metrics_port}"
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind, durations_as_seconds=True)))


async def run_worker(settings: Settings | None = None) -> None:
    settings = settings or load_settings()
    configure_logging(settings.log_level, settings.log_format)
    log = get_logger("kaiji.worker")
    profile = load_profile(settings.profile)
    secrets = load_secrets(settings)
    pool = await create_pool(settings.effective_database_url(), max_size=settings.database_pool_size)
    client = await connect_client(settings, secrets, interceptors=tracing.client_interceptors(settings),
                                  runtime=sdk_runtime(settings))
    renderer = RenderPool(settings.render_processes)  # notice PDFs off the event loop (issue 15)
    await renderer.start()
    worker = build_worker(client, pool, settings, secrets, profile, renderer=renderer)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker started", task_queue=settings.task_queue)
    async with worker:
        # The daily signed audit checkpoint (issue 17); a failure here must not stop the cases.
        try:
            if await ensure_schedule(client, settings.task_queue):
                log.info("audit checkpoint schedule created")
        except Exception as exc:  # noqa: BLE001
            log.warning("audit checkpoint schedule not created", error=type(exc).__name__)
        # Reservations whose case never started (Temporal was down during a registration): finish them.
        reconciler = asyncio.create_task(reconcile_forever(pool, client, settings))
        await stop.wait()
        log.info("worker stopping: finishing in-flight tasks")
        reconciler.cancel()
    renderer.close()
    await pool.close()
    log.info("worker stopped")


if __name__ == "__main__":
    asyncio.run(run_worker())
