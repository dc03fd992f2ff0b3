"""Issue 17, attackers: security headers, local docs, the token secret's length, request ids."""

from __future__ import annotations

import pytest

from kaiji.settings import SettingsError, load_settings
from tests.integration.conftest import Api


async def test_every_answer_forbids_framing_sniffing_and_caching(api: Api) -> None:
    for path, headers in (("/healthz", {}), ("/api/v1/requests", api.as_("madoguchi")), ("/api/v1/nope", {})):
        r = await api.http.get(path, headers=headers)
        csp = r.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, path
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store", path


async def test_notice_routes_are_not_cached(api: Api) -> None:
    case = await api.register()
    officer = api.as_("johokokai")
    for path in (
        f"/api/v1/requests/{case['id']}/notices",
        f"/api/v1/requests/{case['id']}",
        "/api/v1/notices/N-0000-00000.html",
    ):
        r = await api.http.get(path, headers=officer)
        assert r.headers["cache-control"] == "no-store", path
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_docs_load_no_foreign_script(api: Api) -> None:
    for page in ("/docs", "/redoc"):
        r = await api.http.get(page)
        assert r.status_code == 200
        assert "cdn" not in r.text.lower() and "https://" not in r.text.split("<body", 1)[1], page
        assert "script-src 'self' 'unsafe-inline'" in r.headers["content-security-policy"]
    js = await api.http.get("/static-offline-docs/swagger-ui-bundle.js")
    assert js.status_code == 200 and len(js.content) > 100_000


def test_docs_can_be_turned_off(api: Api) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app

    app = create_app(api.settings.model_copy(update={"docs_enabled": False}))
    with TestClient(app) as client:  # lifespan not needed for a 404
        assert client.get("/docs").status_code == 404
        assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 404
        assert client.get("/openapi.json").status_code == 200


@pytest.mark.parametrize("secret", ["short", "x" * 31])
def test_short_token_secret_is_refused(secret: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIJI_TOKEN_SECRET", secret)
    with pytest.raises(SettingsError, match="KAIJI_TOKEN_SECRET: .*at least 32 bytes"):
        load_settings()


def test_token_secret_of_32_bytes_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAIJI_TOKEN_SECRET", "x" * 32)
    assert load_settings().token_secret == "x" * 32


async def test_client_request_id_is_kept_apart(api: Api) -> None:
    r = await api.http.get("/healthz", headers={"X-Request-Id": "client-chosen-1"})
    assert r.headers["x-request-id"] != "client-chosen-1" and len(r.headers["x-request-id"]) == 32
    assert r.headers["x-client-request-id"] == "client-chosen-1"
    r = await api.http.get("/healthz", headers={"X-Request-Id": "evil<script>"})
    assert "x-client-request-id" not in r.headers
