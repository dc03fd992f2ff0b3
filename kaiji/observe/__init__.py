"""Observability for production: Prometheus metrics (API and worker) and optional OpenTelemetry traces."""
