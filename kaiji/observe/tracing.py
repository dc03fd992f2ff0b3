"""OpenTelemetry traces, off by default: ``KAIJI_OTEL_ENDPOINT`` (an OTLP/HTTP traces URL such as
``http://otel-collector:4318/v1/traces``) switches them on for the API and the worker.

One trace follows a staff action: the FastAPI server span, Temporal's client span (StartWorkflow /
UpdateWorkflow), the workflow's RunWorkflow span on the worker and its activities' RunActivity spans —
``temporalio.contrib.opentelemetry.TracingInterceptor`` carries the context in Temporal headers (not in
the encrypted payloads). Span attributes are ids only; no request body is ever recorded.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from kaiji.settings import Settings

_installed = False


def enabled(settings: Settings) -> bool:
    return bool(settings.otel_endpoint)


def setup(settings: Settings) -> None:
    """Install the process's tracer provider with an OTLP exporter, once. A provider installed before
    (a test's in-memory exporter, an auto-instrumentation agent) is kept."""
    global _installed
    if _installed or not enabled(settings):
        return
    _installed = True
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    provider = TracerProvider(resource=Resource.create({"service.name": settings.otel_service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otel_endpoint)))
    trace.set_tracer_provider(provider)


def client_interceptors(settings: Settings) -> list[Any]:
    """Interceptors for the Temporal client; a worker built on that client uses them too."""
    if not enabled(settings):
        return []
    setup(settings)
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]


def instrument_app(app: FastAPI, settings: Settings) -> None:
    if not enabled(settings):
        return
    setup(settings)
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics")


def log_trace_ids(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: the current trace and span ids on every line, to join logs to traces."""
    try:
        from opentelemetry import trace
    except ImportError:  # pragma: no cover - a dependency
        return event_dict
    ctx = trace.get_current_span().get_span_context()
    if ctx.is_valid:
        event_dict.setdefault("trace_id", format(ctx.trace_id, "032x"))
        event_dict.setdefault("span_id", format(ctx.span_id, "016x"))
    return event_dict
