"""The Temporal client every process uses: same address, namespace and payload codec."""

from __future__ import annotations

from temporalio.client import Client

from kaiji.secrets import Secrets
from kaiji.security.codec import data_converter
from kaiji.settings import Settings


async def connect_client(settings: Settings, secrets: Secrets) -> Client:
    return await Client.connect(
        settings.effective_temporal_address(),
        namespace=settings.temporal_namespace,
        data_converter=data_converter(secrets.keyring),
    )
