"""Security headers on every response (issue 17, "Headers and docs"; OWASP ASVS V14.4).

The API answers JSON, notice HTML and files: nothing it serves needs a script,
a frame or a foreign origin, so the policy is ``default-src 'none'`` with
``frame-ancestors 'none'``. Only the interactive docs (served from the API's own
origin, see api/docs.py) get ``'self'`` scripts; Swagger UI and ReDoc start with one
inline script, so the docs pages alone allow ``'unsafe-inline'`` scripts. The console's pages get
``'self'`` scripts, styles and form targets (CONSOLE_POLICY), never an inline script.
Any answer but the docs may carry personal data (notice HTML included): ``Cache-Control: no-store``.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
DOCS_POLICY = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# The staff console (api/console): its own scripts and styles only (vendored htmx, console.js, the design
# tokens' CSS); htmx talks to the same origin; its forms post to the same origin. No inline script.
CONSOLE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
CONSOLE_PREFIX = "/console/"
DOCS_PREFIXES = ("/docs", "/redoc", "/static-offline-docs/")
FIXED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


class SecurityHeaders:
    """Pure ASGI middleware (streams stay streams): adds the headers as the response starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        docs = path.startswith(DOCS_PREFIXES)
        console = path == "/" or path.startswith(CONSOLE_PREFIX)
        policy = DOCS_POLICY if docs else (CONSOLE_POLICY if console else API_POLICY)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if console:  # a console form's POST must carry its Origin (no-referrer makes it "null")
                    headers.setdefault("Referrer-Policy", "same-origin")
                for name, value in FIXED.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", policy)
                if not docs:
                    headers["Cache-Control"] = "no-store"
                    headers.setdefault("Pragma", "no-cache")
            await send(message)

        await self.app(scope, receive, with_headers)
