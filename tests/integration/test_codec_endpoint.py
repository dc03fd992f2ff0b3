"""The Temporal codec endpoint: decodes real history payloads for records officers only, with CORS for the UI."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import httpx
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.client import Client

from kaiji import embedded
from kaiji.security.codec import ENCODING
from kaiji.settings import Settings
from kaiji.up import codec_endpoint
from store import audit
from store.db import connect
from tests.integration.conftest import PASSWORD, Api

DECODE = "/api/v1/temporal-codec/decode"


def body(payloads: list[Payload]) -> str:
    return json_format.MessageToJson(Payloads(payloads=payloads))


async def started_input(api: Api, case_id: str) -> list[Payload]:
    plain = await Client.connect(api.settings.temporal_address, namespace=api.settings.temporal_namespace)
    history = await plain.get_workflow_handle(case_id).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    return list(started.input.payloads)


async def audit_actions(api: Api, actor: str) -> list[str]:
    conn = await connect(api.settings.database_url)
    try:
        return [r["action"] for r in await audit.entries(conn, actor=actor, limit=5)]
    finally:
        await conn.close()


def ui_origin(api: Api, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{api.settings.temporal_ui_port}"


async def test_decode_real_history_payloads_for_records_officer(api: Api) -> None:
    case = await api.register(subject="コーデック確認 CODEC-SUBJECT-7f3a")
    encrypted = await started_input(api, case["id"])
    assert encrypted and all(p.metadata["encoding"] == ENCODING for p in encrypted)
    assert b"CODEC-SUBJECT-7f3a" not in b"".join(p.SerializeToString() for p in encrypted)
    headers = api.as_("johokokai") | {"Content-Type": "application/json", "X-Namespace": "default"}
    r = await api.http.post(DECODE, content=body(encrypted), headers=headers)
    assert r.status_code == 200, r.text
    decoded = r.json()["payloads"]
    assert len(decoded) == len(encrypted)
    assert base64.b64decode(decoded[0]["metadata"]["encoding"]) == b"json/plain"
    registered = json.loads(base64.b64decode(decoded[0]["data"]))
    assert registered["subject"] == "コーデック確認 CODEC-SUBJECT-7f3a" and registered["case_id"] == case["id"]
    assert (await audit_actions(api, "johokokai"))[0] == "temporal.decode"
    again = await api.http.post("/api/v1/temporal-codec/encode", content=r.text, headers=headers)
    assert again.status_code == 200
    assert base64.b64decode(again.json()["payloads"][0]["metadata"]["encoding"]) == ENCODING


async def test_other_roles_and_anonymous_are_refused(api: Api) -> None:
    payloads = await started_input(api, (await api.register())["id"])
    for who, status in (("shinsa", 403), ("madoguchi", 403), ("shingikai", 403)):
        r = await api.http.post(DECODE, content=body(payloads), headers=api.as_(who))
        assert r.status_code == status and r.json()["error"]["code"] == "forbidden", who
        assert (await audit_actions(api, who))[0] == "auth.denied"
    r = await api.http.post(DECODE, content=body(payloads), headers={"Content-Type": "application/json"})
    assert r.status_code == 401


async def test_tampered_or_garbage_input_is_a_clear_error(api: Api) -> None:
    payload = (await started_input(api, (await api.register())["id"]))[0]
    tampered = Payload(metadata=dict(payload.metadata), data=payload.data[:-1] + bytes([payload.data[-1] ^ 1]))
    r = await api.http.post(DECODE, content=body([tampered]), headers=api.as_("johokokai"))
    assert r.status_code == 422 and "failed authentication" in r.json()["error"]["message"]
    unknown = Payload(metadata=dict(payload.metadata) | {"encryption-key-id": b"retired"}, data=payload.data)
    r = await api.http.post(DECODE, content=body([unknown]), headers=api.as_("johokokai"))
    assert r.status_code == 422 and "'retired'" in r.json()["error"]["message"]
    r = await api.http.post(DECODE, content=b"{not json", headers=api.as_("johokokai"))
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_request"


async def test_cors_preflight_and_response_headers_for_the_ui_origin(api: Api) -> None:
    for origin in (ui_origin(api), ui_origin(api, "localhost")):
        r = await api.http.options(DECODE, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-namespace"})
        assert r.status_code == 200, r.text
        assert r.headers["access-control-allow-origin"] == origin
        assert r.headers["access-control-allow-credentials"] == "true"
        allowed = r.headers["access-control-allow-headers"].lower()
        assert all(h in allowed for h in ("authorization", "content-type", "x-namespace"))
    evil = await api.http.options(DECODE, headers={"Origin": "http://evil.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert evil.status_code == 400 and "access-control-allow-origin" not in evil.headers
    denied = await api.http.post(DECODE, content=b"{}", headers=api.as_("shinsa") | {"Origin": ui_origin(api)})
    assert denied.status_code == 403 and denied.headers["access-control-allow-origin"] == ui_origin(api)
    other = await api.http.get("/api/v1/profile", headers=api.as_("shinsa") | {"Origin": ui_origin(api)})
    assert "access-control-allow-origin" not in other.headers  # CORS is opened on the codec path only


async def test_session_cookie_from_the_ui_origin_needs_no_csrf_header(api: Api) -> None:
    async with httpx.AsyncClient(transport=api.http._transport, base_url="http://kaiji.test") as browser:
        r = await browser.post("/api/v1/auth/session", data={"username": "johokokai", "password": PASSWORD})
        assert r.status_code == 200
        payloads = body(await started_input(api, (await api.register())["id"]))
        ok = await browser.post(DECODE, content=payloads, headers={"Origin": ui_origin(api)})
        assert ok.status_code == 200, ok.text
        forged = await browser.post(DECODE, content=payloads, headers={"Origin": "http://evil.example"})
        assert forged.status_code == 403  # another origin must send the CSRF header


def test_kaiji_up_points_the_ui_at_the_codec_endpoint(tmp_path: Path) -> None:
    settings = Settings(api_host="0.0.0.0", api_port=8123)
    assert codec_endpoint(settings) == "http://127.0.0.1:8123/api/v1/temporal-codec"
    started = {}

    class Recorder:
        def start(self, name, argv, **kwargs):  # type: ignore[no-untyped-def]
            started[name] = argv

    embedded.start_temporal(Recorder(), tmp_path, 7233, 8233, codec_endpoint=codec_endpoint(settings))  # type: ignore[arg-type]
    argv = started["temporal"]
    assert argv[argv.index("--ui-codec-endpoint") + 1] == "http://127.0.0.1:8123/api/v1/temporal-codec"
