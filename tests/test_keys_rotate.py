"""`kaiji keys rotate`: parties and notices under key A are re-encrypted to B and stay readable; notices
stored in plaintext before migration 0009 get encrypted; wrong keys fail clearly."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from datetime import date
from functools import cache
from pathlib import Path

import asyncpg
import pytest
from temporalio.api.common.v1 import Payload

from activities.notices import render
from activities.notices.types import RenderedNotice
from kaiji.security.codec import EncryptionCodec, PayloadDecryptionError
from kaiji.security.fields import DecryptionError, FieldCipher, SearchKey, generate_search_key_spec
from kaiji.security.keys import KeyRing, generate_key_spec
from store import migrate as migrations
from store import notices
from store.db import connect
from store.parties import CONTACT_FIELDS, Party, PartyVault
from tests.notices.factories import notice_data

A, B = generate_key_spec("keyA"), generate_key_spec("keyB")
SEARCH = generate_search_key_spec()
PEOPLE = [
    {"name": "山田 太郎", "address": "小金井市本町6-6-3", "phone": "042-387-0000", "email": "taro@example.jp"},
    {"name": "株式会社小金井建設", "address": "小金井市前原町1-1"},
    {"name": "佐藤 花子", "email": "hanako@example.jp"},
]


def vault(*specs: str) -> PartyVault:
    return PartyVault(FieldCipher(KeyRing.from_spec(",".join(specs))), SearchKey.from_spec(SEARCH))


def cipher(*specs: str) -> FieldCipher:
    return FieldCipher(KeyRing.from_spec(",".join(specs)))


async def rotate(database_url: str, tmp_path: Path, keys: str, *command: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAIJI_")}
    env |= {"KAIJI_DATABASE_URL": database_url, "KAIJI_ENCRYPTION_KEYS": keys, "KAIJI_SEARCH_KEY": SEARCH,
            "KAIJI_DATA_DIR": str(tmp_path / "data"), "KAIJI_TEMPORAL_ADDRESS": "127.0.0.1:1"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "kaiji.cli", *(command or ("keys", "rotate")),
                                                env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def key_ids(conn: asyncpg.Connection) -> set[str]:
    cipher = FieldCipher(KeyRing.from_spec(A))
    rows = await conn.fetch("select name_enc, address_enc, phone_enc, email_enc from parties")
    return {cipher.key_id_of(v) for r in rows for v in r.values() if v is not None}


@cache
def receipt(name: str) -> tuple[dict, RenderedNotice]:
    data = notice_data("receipt")
    data["addressee"] = {**data["addressee"], "name": name}
    return data, render("receipt", data)


async def add_notice(conn: asyncpg.Connection, c: FieldCipher, name: str) -> str:
    data, rendered = receipt(name)
    nid = "N-" + uuid.uuid4().hex[:16]
    await notices.insert(conn, c, notice_id=nid, case_id="R-2025-00001", key=f"{nid}:receipt", notice_type="receipt",
                         number="令和7年度 総務課 第1号", issued_on=date(2025, 3, 3), rendered=rendered, data=data,
                         party_id=None)
    return nid


async def notice_key_ids(conn: asyncpg.Connection) -> set[str]:
    c = cipher(A)
    rows = await conn.fetch("select html_enc, pdf_enc, data_enc from notices")
    return {c.key_id_of(v) for r in rows for v in r.values() if v is not None}


async def read_all(v: PartyVault, conn: asyncpg.Connection, ids: list[str]) -> list[Party | None]:
    return [await v.get(conn, pid) for pid in ids]


async def test_rotation_re_encrypts_everything_and_keeps_it_readable(conn, database_url: str, tmp_path: Path):
    old = vault(A)
    ids = [await old.add(conn, party_role="requester", party_type="individual", **p) for p in PEOPLE]
    before = await read_all(old, conn, ids)
    hashes = [r["name_hash"] for r in await conn.fetch("select name_hash from parties order by party_id")]
    assert await key_ids(conn) == {"keyA"}
    nids = [await add_notice(conn, old.cipher, p["name"]) for p in PEOPLE[:2]]
    notices_before = [await notices.read(conn, old.cipher, n) for n in nids]
    meta_before = await conn.fetch("select notice_id, number, sha256, created_at from notices order by notice_id")
    assert await notice_key_ids(conn) == {"keyA"}

    out = await rotate(database_url, tmp_path, f"{B},{A}")
    assert "parties: re-encrypted 3 record(s) with key keyB" in out
    assert "notices: re-encrypted 2 record(s) with key keyB" in out and "plaintext" not in out
    assert await key_ids(conn) == {"keyB"}
    assert await notice_key_ids(conn) == {"keyB"}
    assert await read_all(vault(B, A), conn, ids) == before
    assert await read_all(vault(B), conn, ids) == before  # key A can now be dropped
    assert [await notices.read(conn, cipher(B), n) for n in nids] == notices_before
    assert await conn.fetch("select notice_id, number, sha256, created_at from notices order by notice_id") \
        == meta_before
    assert [r["name_hash"] for r in await conn.fetch("select name_hash from parties order by party_id")] == hashes
    again = await rotate(database_url, tmp_path, f"{B},{A}")  # idempotent
    assert "parties: re-encrypted 0 record(s)" in again and "notices: re-encrypted 0 record(s)" in again
    for p, got in zip(PEOPLE, before, strict=True):
        assert got is not None and all(getattr(got, f) == p.get(f) for f in ("name", *CONTACT_FIELDS))


async def test_wrong_key_is_a_clear_decryption_error(conn):
    pid = await vault(A).add(conn, party_role="requester", party_type="individual", **PEOPLE[0])
    with pytest.raises(DecryptionError, match=r"key id 'keyA', which is not in the key ring \(known: keyB\)"):
        await vault(B).get(conn, pid)
    impostor = generate_key_spec("keyA")  # same id, other material
    with pytest.raises(DecryptionError, match=r"key id 'keyA' failed authentication") as info:
        await vault(impostor).get(conn, pid)
    assert "山田" not in str(info.value) and "042" not in str(info.value)
    token = await conn.fetchval("select address_enc from parties where party_id = $1", pid)
    await conn.execute("update parties set name_enc = $2 where party_id = $1", pid, token)  # moved column
    with pytest.raises(DecryptionError, match="failed authentication"):
        await vault(A).get(conn, pid)


async def test_notices_stored_in_plaintext_before_0009_are_encrypted_by_rotate(
    pg_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "t_" + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'create database "{name}"')
    await admin.close()
    url = f"{pg_server}/{name}"
    conn = await connect(url)
    try:
        every = migrations.migration_files()
        with monkeypatch.context() as m:  # the schema as it was before notices were encrypted
            m.setattr(migrations, "migration_files", lambda: [f for f in every if f[0] < "0009"])
            await migrations.migrate(conn)
        data, rendered = receipt(PEOPLE[0]["name"])
        await conn.execute(
            """insert into notices (notice_id, case_id, notice_key, notice_type, number, issued_on, sha256,
                                    template_version, data, html, pdf)
               values ('N-old', 'R-2025-00001', 'k', 'receipt', '第1号', '2025-03-03', $1, $2, $3, $4, $5)""",
            rendered.sha256, rendered.template_version, data, rendered.html, rendered.pdf)

        assert "0009_notices_encrypted.sql" in await migrations.migrate(conn)
        legacy = await notices.read(conn, cipher(A), "N-old")  # still readable in between
        assert legacy is not None and legacy["html"] == rendered.html and legacy["pdf"] == rendered.pdf
        assert "1 notice(s) stored before migration 0009 are not encrypted yet" in \
            await rotate(url, tmp_path, A, "migrate")

        out = await rotate(url, tmp_path, A)
        assert "notices: re-encrypted 0 record(s)" in out
        assert "notices: encrypted 1 record(s) stored in plaintext before migration 0009" in out
        row = await conn.fetchrow("select * from notices where notice_id = 'N-old'")
        assert row["html"] is None and row["pdf"] is None and row["data"] is None
        assert await notice_key_ids(conn) == {"keyA"}
        assert await notices.read(conn, cipher(A), "N-old") == legacy
        assert "not encrypted yet" not in await rotate(url, tmp_path, A, "migrate")
        with pytest.raises(asyncpg.PostgresError, match="immutable"):
            await conn.execute("update notices set html = 'x', html_enc = null where notice_id = 'N-old'")
    finally:
        await conn.close()
        admin = await asyncpg.connect(f"{pg_server}/postgres")
        await admin.execute(f'drop database if exists "{name}" with (force)')
        await admin.close()


async def test_temporal_payloads_survive_rotation_and_refuse_a_wrong_key():
    plain = [Payload(metadata={"encoding": b"json/plain"}, data='"山田 太郎"'.encode())]
    sealed = await EncryptionCodec(KeyRing.from_spec(A)).encode(plain)
    assert await EncryptionCodec(KeyRing.from_spec(f"{B},{A}")).decode(sealed) == plain
    with pytest.raises(PayloadDecryptionError, match="not in the key ring"):
        await EncryptionCodec(KeyRing.from_spec(B)).decode(sealed)
    with pytest.raises(PayloadDecryptionError, match="failed authentication"):
        await EncryptionCodec(KeyRing.from_spec(generate_key_spec("keyA"))).decode(sealed)
