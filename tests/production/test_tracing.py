"""OpenTelemetry, on by KAIJI_OTEL_ENDPOINT: one trace from the HTTP request through the workflow to its
activity (in-memory exporter installed before the app, which keeps it)."""

from __future__ import annotations

from pathlib import Path

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from api.app import create_app
from domain.profile import load_profile
from kaiji.observe import tracing
from kaiji.secrets import load_secrets
from kaiji.settings import Settings
from kaiji.temporal import connect_client
from store.db import create_pool
from tests.integration.conftest import PASSWORD, STAFF, api_settings, serving
from worker import build_worker


async def test_one_trace_from_http_through_workflow_to_activity(
    database_url: str, temporal_dev: str, keyring, tmp_path: Path
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    base = api_settings(database_url, temporal_dev, keyring, tmp_path, "trace")
    settings = Settings(**(base.model_dump() | {"otel_endpoint": "http://127.0.0.1:9/v1/traces"}))
    assert Settings(data_dir=tmp_path).otel_endpoint is None and not tracing.client_interceptors(Settings())
    async with serving(base, pool_size=2, with_worker=False):
        pass  # creates the staff accounts
    secrets = load_secrets(settings)
    pool = await create_pool(settings.database_url, max_size=4)
    client = await connect_client(settings, secrets, interceptors=tracing.client_interceptors(settings))
    worker = build_worker(client, pool, settings, secrets, load_profile(settings.profile))
    app = create_app(settings)
    try:
        async with worker, app.router.lifespan_context(app):
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://kaiji.test"
            ) as http:
                r = await http.post(
                    "/api/v1/auth/token", data={"username": "madoguchi", "password": PASSWORD}
                )
                auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
                exporter.clear()
                body = {
                    "kind": "public_records",
                    "channel": "counter",
                    "requester": {"name": "山田 太郎", "type": "individual", "address": "小金井市本町6-6-3"},
                    "subject": "契約書",
                    "department": "toshi",
                    "preferred_method": "copy",
                }
                r = await http.post("/api/v1/requests", json=body, headers=auth)
                assert r.status_code == 201, r.text
    finally:
        await pool.close()
    assert "madoguchi" in STAFF
    spans = exporter.get_finished_spans()
    server = [s for s in spans if s.kind == trace.SpanKind.SERVER and "/api/v1/requests" in s.name]
    assert server, [s.name for s in spans]
    trace_id = server[0].context.trace_id
    names = {s.name for s in spans if s.context.trace_id == trace_id}
    assert any(n.startswith(("RunWorkflow:", "HandleUpdate:")) for n in names), names  # on the worker
    assert any(n.startswith("RunActivity:") for n in names), names
