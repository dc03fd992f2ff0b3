"""Canary test: personal data and case text never reach Temporal or the logs in plaintext.

Two cases carry unique canaries in the requester's name, address, phone and
e-mail, the subject, a third party's name and the decision's reason. After
the lifecycle (consult, draft partial, approve) every workflow history started
meanwhile is exported WITHOUT the codec (SDK and ``temporal workflow show
--output json``), the visibility records are described, the Temporal server's
SQLite file and the services' log files are read, the stored notices (which
name the addressee) are read raw from PostgreSQL, column by column and as the
table's files on disk, and all log output of the run is captured: zero canary
hits anywhere. With the codec, the payloads decode and do contain the subject
canary; with the key ring, the notices decrypt and do contain the names (so
the searches would have found them).
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
import structlog
from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload
from temporalio.client import Client

from kaiji.embedded import temporal_cli
from kaiji.secrets import load_secrets
from kaiji.security.codec import data_converter
from kaiji.security.keys import KeyRing
from store import notices
from tests.integration.conftest import Api
from tests.integration.test_request_paths import soon

NOISY = ("temporalio", "temporalio.bridge", "asyncio", "httpx", "kaiji", "api")


def canaries(tag: str) -> dict[str, str]:
    return {"name": f"仮名 CNY{tag}NAME", "address": f"小金井市本町CNY{tag}ADDR", "phone": f"CNY{tag}PHONE",
            "email": f"cny{tag.lower()}mail@example.jp", "subject": f"件名 CNY{tag}SUBJ",
            "third": f"株式会社CNY{tag}THIRD", "reason": f"理由 CNY{tag}REASON"}


def payloads_in(message: Message) -> Iterator[Payload]:
    """Every Payload anywhere inside a proto message (fields, repeated fields, maps)."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        if isinstance(value, Message):
            items = [value]
        elif hasattr(value, "values") and callable(value.values):
            items = list(value.values())
        else:
            items = list(value)
        for item in items:
            if isinstance(item, Message):
                yield from payloads_in(item)


def hits(blob: bytes | str, needles: list[str]) -> list[str]:
    data = blob.lower() if isinstance(blob, bytes) else blob.lower().encode("utf-8", "replace")
    return [n for n in needles if n.lower().encode() in data]


async def run_case(api: Api, c: dict[str, str]) -> str:
    requester = {"name": c["name"], "type": "individual", "address": c["address"], "phone": c["phone"],
                 "email": c["email"]}
    case = await api.register(subject=c["subject"], requester=requester)
    cid = case["id"]
    r = await api.act(cid, "consult-third-party", {"party": {"name": c["third"], "type": "corporation",
                                                             "address": c["address"]}}, "shinsa")
    assert r.status_code == 200, r.text
    party = r.json()["third_parties"][0]["party_id"]
    r = await api.act(cid, "record-third-party-opinion", {"party_id": party, "objects": False}, "madoguchi")
    assert r.status_code == 200, r.text
    draft = {"outcome": "partial", "exemptions": [{"clause": "9-2", "reason": c["reason"]}],
             "documents": [{"title": "契約書", "disclosure": "partial"}], "disclosure_on": soon(20)}
    r = await api.act(cid, "draft-decision", draft, "shinsa")
    assert r.status_code == 200, r.text
    r = await api.act(cid, "approve-decision", {"comment": "決裁"}, "kacho")
    assert r.status_code == 200 and r.json()["status"] == "decided", r.text
    detail = await api.http.get(f"/api/v1/requests/{cid}", headers=api.as_("johokokai"))  # a contact-data read
    assert detail.json()["requester"]["email"] == c["email"]
    return cid


async def cli_show(api: Api, workflow_id: str) -> bytes:
    proc = await asyncio.create_subprocess_exec(
        temporal_cli(), "workflow", "show", "--workflow-id", workflow_id, "--output", "json",
        "--address", api.settings.temporal_address, "--namespace", api.settings.temporal_namespace,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out + err


async def notices_at_rest(api: Api, cases: list[str]) -> dict[str, bytes]:
    """The raw bytes PostgreSQL holds for the notices: every column as stored (no codecs, so jsonb as
    text and bytea as bytes) and each row's text form; and the table's heap and TOAST files on disk
    after a checkpoint."""
    conn = await asyncpg.connect(api.settings.database_url)
    try:
        rows = await conn.fetch("select n::text as row_text, n.* from notices n")
        columns = b"\n".join(v if isinstance(v, bytes) else str(v).encode() for r in rows for v in r.values()
                              if v is not None)
        await conn.execute("checkpoint")
        datadir = Path(await conn.fetchval("show data_directory"))
        relations = await conn.fetch(
            """select pg_relation_filepath(c.oid) as path from pg_class c
               where c.oid = 'notices'::regclass
                  or c.oid = (select reltoastrelid from pg_class where oid = 'notices'::regclass)""")
    finally:
        await conn.close()
    files = b""
    for r in relations:
        path = datadir / r["path"]
        for f in path.parent.iterdir():
            if re.fullmatch(rf"{path.name}(\.\d+|_fsm|_vm)?", f.name):
                files += f.read_bytes()
    ids = [r["notice_id"] for r in rows if r["case_id"] in cases]
    assert len(ids) >= 2 * len(cases) and all(i.encode() in files for i in ids), "the notices scan sees nothing"
    return {"PostgreSQL notices (raw columns)": columns, "PostgreSQL notices (table files)": files}


async def decrypted_notices(api: Api, cases: list[str]) -> str:
    """The HTML of the cases' notices, decrypted with the key ring."""
    cipher = load_secrets(api.settings).cipher
    conn = await asyncpg.connect(api.settings.database_url)
    try:
        ids = await conn.fetch("select notice_id from notices where case_id = any($1::text[])", cases)
        return "\n".join([(await notices.read(conn, cipher, r["notice_id"]) or {}).get("html", "") for r in ids])
    finally:
        await conn.close()


def emitted_logs(caplog: pytest.LogCaptureFixture) -> str:
    """The log records as the configured handler renders them (after redaction), plus caplog's own text."""
    formatters = [h.formatter for h in logging.getLogger().handlers
                  if isinstance(h.formatter, structlog.stdlib.ProcessorFormatter)]
    rendered = [f.format(r) for f in formatters[:1] for r in caplog.records]
    return "\n".join(rendered)


async def test_no_canary_reaches_temporal_or_the_logs(
    api: Api, keyring: KeyRing, services_dir: Path, caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in NOISY:
        caplog.set_level(logging.DEBUG, logger=name)
    started = datetime.now(UTC)
    tags = [uuid.uuid4().hex[:10].upper() for _ in range(2)]
    cases = [await run_case(api, canaries(tag)) for tag in tags]
    needles = [f"CNY{tag}" for tag in tags]
    subjects = [canaries(tag)["subject"].split()[-1] for tag in tags]

    plain = await Client.connect(api.settings.temporal_address, namespace=api.settings.temporal_namespace)
    since = started.isoformat(timespec="seconds").replace("+00:00", "Z")
    ids = {w.id async for w in plain.list_workflows(f'StartTime >= "{since}"')} | set(cases)
    found: dict[str, list[str]] = {}
    all_payloads: list[Payload] = []
    for wid in sorted(ids):
        handle = plain.get_workflow_handle(wid)
        history = await handle.fetch_history()
        description = await handle.describe()
        for where, blob in (("history proto", b"".join(e.SerializeToString() for e in history.events)),
                            ("history json", history.to_json()),
                            ("describe/visibility", description.raw_description.SerializeToString())):
            if hit := hits(blob, needles):
                found[f"{wid} {where}"] = hit
        all_payloads += [p for e in history.events for p in payloads_in(e)]
    for wid in cases:
        if hit := hits(await cli_show(api, wid), needles):
            found[f"{wid} temporal workflow show --output json"] = hit

    db = services_dir / "temporal"
    for file in sorted(db.glob("temporal.db*")):
        if hit := hits(file.read_bytes(), needles):
            found[f"Temporal server file {file.name}"] = hit
    assert any(hits(f.read_bytes(), cases) for f in db.glob("temporal.db*")), "the SQLite scan sees nothing"
    for log_file in sorted((services_dir / "logs").glob("*.log")):
        if hit := hits(log_file.read_bytes(), needles):
            found[f"service log {log_file.name}"] = hit
    structlog.get_logger("kaiji.test").info("canary probe", case_id=cases[0])  # the capture works
    assert cases[0] in emitted_logs(caplog)
    if hit := hits(emitted_logs(caplog), needles):
        found["application logs (as emitted, after redaction)"] = hit
    for where, blob in (await notices_at_rest(api, cases)).items():
        if hit := hits(blob, needles):
            found[where] = hit
    out, err = capfd.readouterr()
    if hit := hits(out + err, needles):
        found["stdout/stderr"] = hit
    assert not found, f"canary leaks: {found}"
    names = [canaries(tag)["name"].split()[-1] for tag in tags]
    assert set(hits(await decrypted_notices(api, cases), names)) == set(names), "decrypted, notices name people"

    decoded = await data_converter(keyring).payload_codec.decode(all_payloads)  # type: ignore[union-attr]
    text = b"\n".join(p.data for p in decoded)
    assert set(hits(text, subjects)) == set(subjects), "with the codec the subjects must be readable"
    assert not any(p.metadata.get("encoding") == b"binary/encrypted" for p in decoded)
