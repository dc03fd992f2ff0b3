"""The Temporal client every process uses: same address, namespace, TLS and payload codec."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from temporalio.api.common.v1 import Payload
from temporalio.client import Client, Interceptor
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from kaiji.secrets import Secrets
from kaiji.security.action_seal import SealingInterceptor
from kaiji.security.codec import data_converter
from kaiji.settings import Settings


def leave_command(code: int = 0) -> NoReturn:
    """End a short-lived command that has used a Temporal client, skipping interpreter teardown.

    The SDK's Rust (tokio) threads can outlive the event loop; when CPython finalises while one of them
    still holds a thread state the process aborts with "PyGILState_Release ... must be current" (SIGABRT,
    exit -6) after the command's work is done and printed (temporalio/sdk-python#300). A restore that
    succeeded must not exit as a crash, so such commands flush their output and leave with os._exit.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def tls_config(settings: Settings) -> TLSConfig | bool:
    """``KAIJI_TEMPORAL_TLS_*`` as the SDK's TLS configuration; False for plain gRPC (the dev server).

    A CA file replaces the system roots (a private cluster CA); a client certificate and key make it
    mutual TLS (self-hosted clusters, Temporal Cloud with certificates); an API key alone uses the system
    roots (Temporal Cloud with API keys)."""
    if not settings.temporal_tls_enabled:
        return False

    def read(path: Any) -> bytes | None:
        return path.read_bytes() if path else None

    return TLSConfig(
        server_root_ca_cert=read(settings.temporal_tls_ca),
        client_cert=read(settings.temporal_tls_cert),
        client_private_key=read(settings.temporal_tls_key),
        domain=settings.temporal_tls_server_name,
    )


async def connect_client(settings: Settings, secrets: Secrets, *, interceptors: Sequence[Interceptor] = (),
                         runtime: Runtime | None = None) -> Client:
    """The client seals every action it sends and, as a worker's client, refuses unsealed ones."""
    if secrets.seal_key is None:
        raise ValueError("no seal key: load the secrets with kaiji.secrets.load_secrets")
    return await Client.connect(
        settings.effective_temporal_address(),
        namespace=settings.temporal_namespace,
        data_converter=data_converter(secrets.keyring),
        tls=tls_config(settings),
        api_key=settings.temporal_api_key,
        interceptors=[SealingInterceptor(secrets.seal_key), *interceptors],
        runtime=runtime,
    )


def input_to_json(value: Any) -> Any:
    """A workflow input as Temporal's plain JSON (no codec): kept with a reservation so the reconciler
    can start the case later exactly as the API would have (kaiji/reconcile.py)."""
    payload = DataConverter.default.payload_converter.to_payloads([value])[0]
    return json.loads(payload.data)


def input_from_json(data: Any, type_hint: type) -> Any:
    payload = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(data).encode())
    return DataConverter.default.payload_converter.from_payloads([payload], [type_hint])[0]
