"""A file download: the attachment response and its OpenAPI description (reports, registers)."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response


def attachment(body: bytes, media_type: str, name: str) -> Response:
    """``body`` as a download named ``name`` (Content-Disposition: attachment)."""
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def binary_responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route answering a file of ``media_type`` (binary in the schema)."""
    return {200: {"content": {media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}}}}
