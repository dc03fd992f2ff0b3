"""The interactive API docs (/docs, /redoc) from the API's own origin: no CDN (issue 17).

A closed office network has no CDN, and a foreign script on the session cookie's
origin could act as the signed-in staff member. The assets come from the
``fastapi-offline`` package; ``KAIJI_DOCS_ENABLED=false`` turns the pages off
(``/openapi.json`` stays: clients and tests read it).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

STATIC_URL = "/static-offline-docs"
STATIC_DIR = Path(fastapi_offline.__file__).parent / "static"


def install(app: FastAPI, *, enabled: bool) -> None:
    if not enabled:
        return
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static-offline-docs")
    openapi_url = app.openapi_url or "/openapi.json"
    redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    async def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=redirect,
            swagger_js_url=f"{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{STATIC_URL}/favicon.png",
        )

    @app.get(redirect, include_in_schema=False)
    async def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{STATIC_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{STATIC_URL}/favicon.png",
            with_google_fonts=False,
        )
