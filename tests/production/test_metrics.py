"""GET /metrics: HTTP requests by route template and status, latency histograms, the caseload from the
projections; and the worker's Temporal SDK metrics on KAIJI_WORKER_METRICS_PORT."""

from __future__ import annotations

from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from kaiji.processes import free_port
from kaiji.secrets import load_secrets
from kaiji.settings import Settings
from kaiji.temporal import connect_client
from tests.integration.conftest import api_settings, serving
from worker import sdk_runtime


def samples(text: str) -> dict[tuple[str, tuple], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_count_requests_and_the_caseload(
    database_url: str, temporal_dev: str, keyring, tmp_path: Path
) -> None:
    settings = api_settings(database_url, temporal_dev, keyring, tmp_path, "metrics")
    open_key = (
        "kaiji_open_cases",
        (("case_type", "request"), ("department", "toshi"), ("status", "under_review")),
    )
    overdue_key = ("kaiji_overdue_cases", (("case_type", "request"),))
    async with serving(settings, pool_size=4) as api:
        # the caseload is the database's (shared with earlier tests): counted as a difference
        before = samples((await api.http.get("/metrics")).text)
        kept = await api.register()
        gone = await api.register()
        assert (
            await api.act(gone["id"], "withdraw", {"reason": "取下書の提出"}, "madoguchi")
        ).status_code == 200
        r = await api.http.get("/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        m = samples(r.text)
        route = "/api/v1/requests"
        assert (
            m[("kaiji_http_requests_total", (("method", "POST"), ("route", route), ("status", "201")))] == 2
        )
        action = "/api/v1/requests/{case_id}/withdraw"
        assert (
            m[("kaiji_http_requests_total", (("method", "POST"), ("route", action), ("status", "200")))] == 1
        )
        assert m[("kaiji_http_request_duration_seconds_count", (("method", "POST"), ("route", route)))] == 2
        assert m[open_key] - before.get(open_key, 0) == 1  # the withdrawn one is closed
        assert m.get(overdue_key, 0) == before.get(overdue_key, 0)
        assert kept["id"] not in r.text and gone["id"] not in r.text  # no case id ever becomes a label


async def test_worker_serves_the_temporal_sdk_metrics(temporal_dev: str, keyring, tmp_path: Path) -> None:
    port = free_port()
    settings = Settings(temporal_address=temporal_dev, worker_metrics_port=port, data_dir=tmp_path)
    client = await connect_client(settings, load_secrets(settings), runtime=sdk_runtime(settings))
    await client.count_workflows()
    async with httpx.AsyncClient() as http:
        r = await http.get(f"http://127.0.0.1:{port}/metrics")
    assert r.status_code == 200 and "temporal_request" in r.text
    assert sdk_runtime(Settings(data_dir=tmp_path)) is None  # off by default
