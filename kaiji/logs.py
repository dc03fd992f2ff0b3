"""structlog, configured once per process.

JSON when stdout is not a TTY (production, CI), console otherwise. Standard
library logging (uvicorn, temporalio, ``workflow.logger``) is routed through the
same processors, so every line gets the request / workflow / activity context,
the personal-data redaction and the replay filter.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog
from temporalio import activity, workflow

from kaiji.observe.tracing import log_trace_ids

_configured = False


def temporal_context(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Bind the workflow id or activity id of the code that is logging."""
    try:
        if activity.in_activity():
            info = activity.info()
            event_dict.setdefault("activity_id", info.activity_id)
            event_dict.setdefault("activity", info.activity_type)
            event_dict.setdefault("workflow_id", info.workflow_id)
        elif workflow.in_workflow():
            event_dict.setdefault("workflow_id", workflow.info().workflow_id)
    except RuntimeError:
        pass
    return event_dict


def drop_replay_lines(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """A workflow replaying its history must not log the same lines again."""
    try:
        if workflow.in_workflow() and workflow.unsafe.is_replaying():
            raise structlog.DropEvent
    except RuntimeError:
        pass
    return event_dict


def _redactor() -> Any:
    try:
        from kaiji.security.redact import redact_personal_data
    except ImportError:  # pragma: no cover - security package always ships
        return lambda _l, _m, ev: ev
    return redact_personal_data


def configure_logging(level: str = "info", fmt: str = "auto") -> None:
    """Configure structlog and stdlib logging once; later calls are no-ops."""
    global _configured
    if _configured:
        return
    _configured = True
    as_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        temporal_context,
        log_trace_ids,
        drop_replay_lines,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _redactor(),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if as_json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("temporalio.bridge", "asyncio", "fontTools", "fpdf", "httpx"):
        logging.getLogger(noisy).setLevel("WARNING")


def get_logger(name: str | None = None) -> Any:
    return structlog.get_logger(name)
