"""The Temporal client every process uses: same address, namespace and payload codec."""

from __future__ import annotations

import json
from typing import Any

from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import DataConverter

from kaiji.secrets import Secrets
from kaiji.security.codec import data_converter
from kaiji.settings import Settings


async def connect_client(settings: Settings, secrets: Secrets) -> Client:
    return await Client.connect(
        settings.effective_temporal_address(),
        namespace=settings.temporal_namespace,
        data_converter=data_converter(secrets.keyring),
    )


def input_to_json(value: Any) -> Any:
    """A workflow input as Temporal's plain JSON (no codec): kept with a reservation so the reconciler
    can start the case later exactly as the API would have (kaiji/reconcile.py)."""
    payload = DataConverter.default.payload_converter.to_payloads([value])[0]
    return json.loads(payload.data)


def input_from_json(data: Any, type_hint: type) -> Any:
    payload = Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(data).encode())
    return DataConverter.default.payload_converter.from_payloads([payload], [type_hint])[0]
