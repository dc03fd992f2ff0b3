"""Kaiji's API and worker reach Temporal through a TLS endpoint (nginx terminating TLS with grpc_pass in
front of the dev server), with mutual TLS or with an API key — the settings of a cluster or Temporal Cloud.

A case goes through registration and withdrawal with both API and worker on mTLS. The refusals are checked
too: no client certificate, a CA that did not sign the server, a wrong API key, half a key pair."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.api.workflowservice.v1 import GetSystemInfoRequest
from temporalio.client import Client

from kaiji.secrets import load_secrets
from kaiji.settings import Settings, SettingsError, load_settings
from kaiji.temporal import connect_client, tls_config
from tests.integration.conftest import api_settings, serving
from tests.production.conftest import API_KEY, TlsProxy


def _mtls(settings: Settings, proxy: TlsProxy, **changes) -> Settings:
    values = {
        "temporal_address": proxy.mtls_address,
        "temporal_tls_ca": proxy.pki.ca,
        "temporal_tls_cert": proxy.pki.client_cert,
        "temporal_tls_key": proxy.pki.client_key,
        "temporal_tls_server_name": "temporal.kaiji.test",
    } | changes
    return Settings(**(settings.model_dump() | values))


@pytest.fixture
def base(database_url: str, temporal_dev: str, keyring, tmp_path: Path) -> Settings:
    return api_settings(database_url, temporal_dev, keyring, tmp_path, "tls")


async def test_a_case_runs_with_api_and_worker_on_mutual_tls(base: Settings, tls_proxy: TlsProxy) -> None:
    settings = _mtls(base, tls_proxy)
    assert settings.temporal_tls_enabled
    async with serving(settings, pool_size=4) as api:
        case = await api.register()
        assert case["status"] == "under_review"
        r = await api.act(case["id"], "withdraw", {"reason": "取下書の提出"}, "madoguchi")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "closed"
        assert [e["type"] for e in await api.events(case["id"])][-1] == "RequestWithdrawn"
        ready = await api.http.get("/readyz")  # the worker's polls reach Temporal through the proxy
        assert ready.status_code == 200, ready.text


async def test_the_workflow_is_on_the_cluster_behind_the_proxy(
    base: Settings, tls_proxy: TlsProxy, temporal_dev: str
) -> None:
    """What went through nginx is the dev server's own history (no second server by accident)."""
    client = await connect_client(_mtls(base, tls_proxy), load_secrets(base))
    info = await client.service_client.workflow_service.get_system_info(GetSystemInfoRequest())
    plain = await Client.connect(temporal_dev)
    direct = await plain.service_client.workflow_service.get_system_info(GetSystemInfoRequest())
    assert info.server_version == direct.server_version


async def _refused(settings: Settings) -> str:
    with pytest.raises(RuntimeError) as exc:
        client = await connect_client(settings, load_secrets(settings))
        await client.service_client.check_health()
    return str(exc.value)


async def test_without_a_client_certificate_mtls_refuses(base: Settings, tls_proxy: TlsProxy) -> None:
    settings = _mtls(base, tls_proxy, temporal_tls_cert=None, temporal_tls_key=None)
    assert settings.temporal_tls_enabled  # a CA alone still means TLS
    await _refused(settings)


async def test_a_server_signed_by_another_ca_is_refused(base: Settings, tls_proxy: TlsProxy) -> None:
    await _refused(_mtls(base, tls_proxy, temporal_tls_ca=tls_proxy.pki.other_ca))


async def test_plain_grpc_to_a_tls_endpoint_fails(base: Settings, tls_proxy: TlsProxy) -> None:
    settings = Settings(**(base.model_dump() | {"temporal_address": tls_proxy.mtls_address}))
    assert tls_config(settings) is False
    await _refused(settings)


async def test_api_key_endpoint(base: Settings, tls_proxy: TlsProxy) -> None:
    common = {
        "temporal_address": tls_proxy.api_key_address,
        "temporal_tls_ca": tls_proxy.pki.ca,
        "temporal_tls_server_name": "temporal.kaiji.test",
    }
    good = Settings(**(base.model_dump() | common | {"temporal_api_key": API_KEY}))
    client = await connect_client(good, load_secrets(good))
    assert await client.service_client.check_health()
    await client.count_workflows()  # a real call, not only the health check
    await _refused(Settings(**(base.model_dump() | common | {"temporal_api_key": "wrong-key"})))
    await _refused(Settings(**(base.model_dump() | common)))  # no key at all


def test_settings_from_the_environment(tls_proxy: TlsProxy, monkeypatch: pytest.MonkeyPatch) -> None:
    pki = tls_proxy.pki
    monkeypatch.setenv("KAIJI_TEMPORAL_TLS_CA", str(pki.ca))
    monkeypatch.setenv("KAIJI_TEMPORAL_TLS_CERT", str(pki.client_cert))
    monkeypatch.setenv("KAIJI_TEMPORAL_TLS_KEY", str(pki.client_key))
    monkeypatch.setenv("KAIJI_TEMPORAL_API_KEY", "k")
    monkeypatch.setenv("KAIJI_DATABASE_POOL_SIZE", "25")
    s = load_settings()
    tls = tls_config(s)
    assert not isinstance(tls, bool)
    assert (
        tls.server_root_ca_cert == pki.ca.read_bytes()
        and tls.client_private_key == pki.client_key.read_bytes()
    )
    assert s.temporal_api_key == "k" and s.database_pool_size == 25
    monkeypatch.delenv("KAIJI_TEMPORAL_TLS_KEY")
    with pytest.raises(SettingsError, match="KAIJI_TEMPORAL_TLS_CERT and KAIJI_TEMPORAL_TLS_KEY go together"):
        load_settings()
    monkeypatch.setenv("KAIJI_TEMPORAL_TLS_KEY", "/nonexistent/client.key")
    with pytest.raises(SettingsError, match="no such file /nonexistent/client.key"):
        load_settings()
