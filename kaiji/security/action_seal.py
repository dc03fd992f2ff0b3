"""Actions reach a case only from a process that holds the seal key (issue 17, "Temporal is a back door").

The encrypting codec (kaiji/security/codec.py) keeps out anyone who can reach the Temporal frontend but
holds no encryption key. It does not keep out a holder of that key (the Web UI's codec server encrypts
for a records officer; a key file may leak): such a payload would carry whatever actor it names. So
every Update, workflow start and Signal sent by Kaiji's own clients (API, worker, CLI) carries an
HMAC-SHA256 seal in the Temporal header ``kaiji-seal``, made with ``KAIJI_SEAL_KEY`` (or the 0600 file
``secrets/seal_key``), a key neither the database nor the Temporal server ever sees, over:

- an Update: workflow id, update name, update id and the command (its actor and ``expires_at``
  included, so the seal cannot be moved to another case, action or time);
- a start: workflow id, workflow type and the input (``RegisterRequest`` names the actor).

The worker's interceptor checks it:

- Update: in the validator stage (validators do not run on replay, so old histories replay as they
  were): a bad or missing seal is rejected with ``forbidden`` and leaves nothing in the history.
- start: on the first execution only (not when replaying): a bad seal fails the run before its first
  line, so it records nothing.

- a Signal (``challenge-linked``/``-concluded``, sent by the worker's own activity with signal-with-start):
  the SDK does not hand a signal-with-start's header to the signal handler, so the seal travels in the
  argument's ``seal`` field, over workflow id, signal name and the argument with ``seal`` empty. The
  request workflow asks the ``check_signal_seal`` local activity before it records anything (behind
  ``workflow.patched("challenge-signal-seal")``): the answer is in the history, so a replay never
  recomputes it, whatever key the worker holds by then. A refused signal records nothing on the case
  and one ``signal.refused`` audit line.

The canonical form of the arguments is Temporal's own JSON (sorted keys, no spaces), as the converter
writes it before encryption; the worker recomputes it from the decoded values.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import temporalio.client
import temporalio.converter
import temporalio.worker
from temporalio import workflow
from temporalio.api.common.v1 import Payload
from temporalio.exceptions import ApplicationError

HEADER = "kaiji-seal"
SEALED_SIGNALS = frozenset({"challenge-linked", "challenge-concluded"})  # their argument carries a ``seal``
VERSION = b"v1"
REFUSAL_TYPE = "forbidden"  # api/updates.py answers it 403
REFUSAL_MESSAGE = ("この操作は正規の経路で送られていないため受け付けられません。 / Refused: this action was not "
                   "sent through Kaiji's API (its seal is missing or does not verify).")


def _canonical(args: Sequence[Any]) -> bytes:
    converter = temporalio.converter.PayloadConverter.default
    parts = []
    for payload in converter.to_payloads(list(args)):
        parts.append(payload.metadata.get("encoding", b"") + b"\x1e" + payload.data)
    return b"\x1d".join(parts)


class ActionSeal:
    """HMAC-SHA256 seals over (kind, workflow id, name, update id, arguments)."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the seal key must be at least 32 bytes")
        self._key = key

    def seal(self, kind: str, workflow_id: str, name: str, args: Sequence[Any], update_id: str = "") -> bytes:
        message = b"\x1f".join([VERSION, kind.encode(), workflow_id.encode(), name.encode(), update_id.encode(),
                                _canonical(args)])
        return VERSION + b":" + hmac.new(self._key, message, hashlib.sha256).hexdigest().encode()

    def verify(self, headers: Mapping[str, Payload], kind: str, workflow_id: str, name: str, args: Sequence[Any],
               update_id: str = "") -> bool:
        got = headers.get(HEADER)
        if got is None:
            return False
        try:
            want = self.seal(kind, workflow_id, name, args, update_id)
        except Exception:  # arguments that cannot be written back as JSON: not ours
            return False
        return hmac.compare_digest(got.data, want)

    def seal_signal(self, workflow_id: str, name: str, arg: Any) -> Any:
        """The signal's argument with its ``seal`` field set (anything else is sent as it is, and refused)."""
        if not dataclasses.is_dataclass(arg) or isinstance(arg, type) or not hasattr(arg, "seal"):
            return arg
        return replace(arg, seal=self.seal("signal", workflow_id, name, [replace(arg, seal="")]).decode())

    def verify_signal(self, workflow_id: str, name: str, arg: Any) -> bool:
        got = getattr(arg, "seal", "") or ""
        try:
            want = self.seal("signal", workflow_id, name, [replace(arg, seal="")]).decode()
        except Exception:  # not one of our dataclasses, or not writable as JSON: not ours
            return False
        return hmac.compare_digest(got.encode(), want.encode())

    def header(self, headers: Mapping[str, Payload], kind: str, workflow_id: str, name: str,
               args: Sequence[Any], update_id: str = "") -> dict[str, Payload]:
        value = Payload(metadata={"encoding": b"binary/plain"},
                        data=self.seal(kind, workflow_id, name, args, update_id))
        return {**headers, HEADER: value}


class SealingInterceptor(temporalio.client.Interceptor, temporalio.worker.Interceptor):
    """Client side: seals what Kaiji's clients send. Worker side (a worker built from such a client uses
    it too): refuses what is not sealed."""

    def __init__(self, key: bytes) -> None:
        self.sealer = ActionSeal(key)

    def intercept_client(self, next: temporalio.client.OutboundInterceptor) -> temporalio.client.OutboundInterceptor:
        return _ClientOutbound(next, self.sealer)

    def workflow_interceptor_class(
        self, input: temporalio.worker.WorkflowInterceptorClassInput
    ) -> type[temporalio.worker.WorkflowInboundInterceptor]:
        sealer = self.sealer

        class _Inbound(_WorkflowInbound):
            _sealer = sealer

        return _Inbound


def sealer_of(client: temporalio.client.Client) -> ActionSeal | None:
    """The seal a worker built from this client checks with (None: its client seals nothing)."""
    found = [i.sealer for i in client.config()["interceptors"] if isinstance(i, SealingInterceptor)]
    return found[0] if found else None


class _ClientOutbound(temporalio.client.OutboundInterceptor):
    def __init__(self, next: temporalio.client.OutboundInterceptor, sealer: ActionSeal) -> None:
        super().__init__(next)
        self._sealer = sealer

    async def start_workflow(self, input: temporalio.client.StartWorkflowInput) -> Any:
        headers = self._sealer.header(input.headers, "start", input.id, input.workflow, input.args)
        if input.start_signal in SEALED_SIGNALS and input.start_signal_args:
            signal_args = [self._sealer.seal_signal(input.id, input.start_signal, input.start_signal_args[0]),
                           *input.start_signal_args[1:]]
            input = replace(input, start_signal_args=signal_args)
        return await super().start_workflow(replace(input, headers=headers))

    async def signal_workflow(self, input: temporalio.client.SignalWorkflowInput) -> None:
        if input.signal in SEALED_SIGNALS and input.args:
            input = replace(input, args=[self._sealer.seal_signal(input.id, input.signal, input.args[0]),
                                         *input.args[1:]])
        await super().signal_workflow(input)

    async def start_workflow_update(self, input: temporalio.client.StartWorkflowUpdateInput) -> Any:
        update_id = input.update_id or str(uuid.uuid4())
        headers = self._sealer.header(input.headers, "update", input.id, input.update, input.args, update_id)
        return await super().start_workflow_update(replace(input, update_id=update_id, headers=headers))

    async def start_update_with_start_workflow(
        self, input: temporalio.client.StartWorkflowUpdateWithStartInput
    ) -> Any:
        start, upd = input.start_workflow_input, input.update_workflow_input
        update_id = upd.update_id or str(uuid.uuid4())
        upd.update_id = update_id
        upd.headers = self._sealer.header(upd.headers, "update", start.id, upd.update, upd.args, update_id)
        start.headers = self._sealer.header(start.headers, "start", start.id, start.workflow, start.args)
        return await super().start_update_with_start_workflow(input)


class _WorkflowInbound(temporalio.worker.WorkflowInboundInterceptor):
    _sealer: ActionSeal

    async def execute_workflow(self, input: temporalio.worker.ExecuteWorkflowInput) -> Any:
        if not workflow.unsafe.is_replaying():
            info = workflow.info()
            if not self._sealer.verify(input.headers, "start", info.workflow_id, info.workflow_type, input.args):
                raise ApplicationError(REFUSAL_MESSAGE, type=REFUSAL_TYPE, non_retryable=True)
        return await super().execute_workflow(input)

    def handle_update_validator(self, input: temporalio.worker.HandleUpdateInput) -> None:
        if not self._sealer.verify(input.headers, "update", workflow.info().workflow_id, input.update, input.args,
                                   input.id):
            raise ApplicationError(REFUSAL_MESSAGE, type=REFUSAL_TYPE, non_retryable=True)
        super().handle_update_validator(input)
