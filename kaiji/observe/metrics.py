"""Prometheus metrics of the API: HTTP traffic, and the caseload read from the projections on each scrape.

Each app has its own registry (several apps in one test process must not collide). The caseload gauges
are set from PostgreSQL when ``GET /metrics`` is scraped, so every API replica reports the same numbers:
sum them with ``max`` (not ``sum``) across replicas in Grafana. Counts only: no case id, no name, no
subject ever becomes a label.

The worker's metrics are the Temporal SDK's own (``temporal_*``: task latencies, activity failures such as
``temporal_activity_execution_failed{activity_type="issue_notice"}`` = notice failures), served by the SDK
runtime on ``KAIJI_WORKER_METRICS_PORT`` (worker.py).
"""

from __future__ import annotations

import time

import asyncpg
from fastapi import FastAPI, Request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.responses import Response

# Latency buckets for an API whose staff actions wait for a workflow update (tens to hundreds of ms).
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "kaiji_http_requests",
            "HTTP requests by route template and status",
            ["method", "route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "kaiji_http_request_duration_seconds",
            "HTTP request latency by route template",
            ["method", "route"],
            buckets=BUCKETS,
            registry=r,
        )
        self.open_cases = Gauge(
            "kaiji_open_cases",
            "Open cases by case type, status and department",
            ["case_type", "status", "department"],
            registry=r,
        )
        self.overdue = Gauge(
            "kaiji_overdue_cases", "Open cases past their statutory deadline", ["case_type"], registry=r
        )
        self.notices = Gauge(
            "kaiji_notices_issued",
            "Official notices issued (all time) by notice type",
            ["notice_type"],
            registry=r,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    async def refresh_caseload(self, conn: asyncpg.Connection) -> None:
        """Set the caseload gauges from the projections (one query per family, all indexed)."""
        self.open_cases.clear()
        for table, case_type in (("case_view", "request"), ("appeal_view", "appeal")):
            rows = await conn.fetch(
                f"select status, department, count(*) as n from {table} "
                "where status <> 'closed' group by status, department"
            )
            for row in rows:
                self.open_cases.labels(case_type, row["status"], row["department"]).set(row["n"])
        self.overdue.labels("request").set(
            await conn.fetchval("select count(*) from case_view where overdue and status <> 'closed'")
        )
        self.overdue.labels("appeal").set(
            await conn.fetchval(
                "select count(*) from appeal_view where report_overdue and status <> 'closed'"
            )
        )
        self.notices.clear()
        for row in await conn.fetch("select notice_type, count(*) as n from notices group by notice_type"):
            self.notices.labels(row["notice_type"]).set(row["n"])

    def exposition(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def route_template(request: Request) -> str:
    """The matched route's template (``/api/v1/requests/{case_id}``), never the raw path: ids would
    make one time series per case."""
    route = request.scope.get("route")
    return getattr(route, "path", None) or "unmatched"


def install(app: FastAPI, metrics: ApiMetrics) -> None:
    @app.middleware("http")
    async def count_requests(request: Request, call_next):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
            return response
        finally:
            metrics.observe(request.method, route_template(request), status, time.perf_counter() - start)
