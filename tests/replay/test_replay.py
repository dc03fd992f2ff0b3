"""Replay the saved workflow histories (RequestCase, AppealCase, SuitCase) against today's workflow code.

Each ``histories/*.json`` stands for cases already running in
production. If a change to workflows/ alters the commands a saved history
expects (another activity, a timer more or less, a different order), replay
raises ``NondeterminismError`` here: make the change with ``workflow.patched``
or a versioned workflow name instead, and keep every saved history. Recording
(``python -m tests.replay.record_histories``) is for adding histories, not for
making this test pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from kaiji.security.action_seal import SealingInterceptor
from kaiji.security.codec import data_converter
from tests.conftest import TEST_SEAL_KEY
from tests.replay.keys import REPLAY_KEYRING
from tests.replay.paths import HISTORIES, PATHS, history_file
from worker import WORKFLOWS

FILES = sorted(HISTORIES.glob("*.json"))
ID_OF = {history_file(path).name: spec.case_id for path, spec in PATHS.items()}


def load(file: Path) -> WorkflowHistory:
    # The workflow id is not part of a history; the recorded paths use fixed case ids.
    return WorkflowHistory.from_json(ID_OF.get(file.name, file.stem), file.read_text(encoding="utf-8"))


@pytest.mark.filterwarnings("error::temporalio.workflow.UnfinishedUpdateHandlersWarning")
@pytest.mark.filterwarnings("error::temporalio.workflow.UnfinishedSignalHandlersWarning")
@pytest.mark.parametrize("file", FILES, ids=[f.stem for f in FILES])
async def test_saved_history_replays(file: Path) -> None:
    # With the worker's seal checks (issue 17): saved histories carry no seals and replay as they were.
    replayer = Replayer(workflows=WORKFLOWS, data_converter=data_converter(REPLAY_KEYRING),
                        interceptors=[SealingInterceptor(TEST_SEAL_KEY)])
    result = await replayer.replay_workflow(load(file))  # raises on nondeterminism or a task failure
    assert result.replay_failure is None


@pytest.mark.parametrize("path", list(PATHS))
def test_every_path_has_a_saved_history(path: str) -> None:
    file = history_file(path)
    assert file.is_file(), f"no saved history for {path!r}: {file} is missing (see record_histories.py)"
    events = load(file).events
    assert events[0].HasField("workflow_execution_started_event_attributes")
    assert events[0].workflow_execution_started_event_attributes.workflow_type.name == PATHS[path].workflow_type
    end = {"completed": "workflow_execution_completed_event_attributes",
           "terminated": "workflow_execution_terminated_event_attributes"}[PATHS[path].ends]
    assert events[-1].HasField(end), f"{path}: the history should end {PATHS[path].ends}"
