"""Log lines: JSON with the request id, personal data redacted, no replay duplicates."""

from __future__ import annotations

import json
import logging

import structlog

from kaiji import logs


def test_json_lines_carry_context_and_never_personal_data(capsys) -> None:
    logs._configured = False
    logs.configure_logging("info", "json")
    structlog.contextvars.bind_contextvars(request_id="req-123")
    try:
        logs.get_logger("kaiji.test").info("registered", case_id="R-2025-00017", email="taro@example.jp",
                                           note="call 090-1234-5678 please")
        logging.getLogger("uvicorn.error").warning("mail to hanako@example.jp failed")
    finally:
        structlog.contextvars.clear_contextvars()
        logging.getLogger().handlers[:] = []  # the handler wrote to this test's captured stderr
        logs._configured = False
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    first, second = lines[-2], lines[-1]
    assert first["request_id"] == "req-123" and first["case_id"] == "R-2025-00017"
    assert "taro@example.jp" not in json.dumps(first) and "090-1234-5678" not in json.dumps(first)
    assert "hanako@example.jp" not in second["event"]


def test_replaying_workflow_lines_are_dropped(monkeypatch) -> None:
    from temporalio import workflow

    monkeypatch.setattr(workflow, "in_workflow", lambda: True)
    monkeypatch.setattr(workflow.unsafe, "is_replaying", lambda: True)
    try:
        logs.drop_replay_lines(None, "info", {"event": "x"})
    except structlog.DropEvent:
        return
    raise AssertionError("a replayed workflow log line was not dropped")
