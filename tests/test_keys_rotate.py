"""`kaiji keys rotate`: parties under key A are re-encrypted to B and stay readable; wrong keys fail clearly."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import asyncpg
import pytest
from temporalio.api.common.v1 import Payload

from kaiji.security.codec import EncryptionCodec, PayloadDecryptionError
from kaiji.security.fields import DecryptionError, FieldCipher, SearchKey, generate_search_key_spec
from kaiji.security.keys import KeyRing, generate_key_spec
from store.parties import CONTACT_FIELDS, Party, PartyVault

A, B = generate_key_spec("keyA"), generate_key_spec("keyB")
SEARCH = generate_search_key_spec()
PEOPLE = [
    {"name": "山田 太郎", "address": "小金井市本町6-6-3", "phone": "042-387-0000", "email": "taro@example.jp"},
    {"name": "株式会社小金井建設", "address": "小金井市前原町1-1"},
    {"name": "佐藤 花子", "email": "hanako@example.jp"},
]


def vault(*specs: str) -> PartyVault:
    return PartyVault(FieldCipher(KeyRing.from_spec(",".join(specs))), SearchKey.from_spec(SEARCH))


async def rotate(database_url: str, tmp_path: Path, keys: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAIJI_")}
    env |= {"KAIJI_DATABASE_URL": database_url, "KAIJI_ENCRYPTION_KEYS": keys, "KAIJI_SEARCH_KEY": SEARCH,
            "KAIJI_DATA_DIR": str(tmp_path / "data"), "KAIJI_TEMPORAL_ADDRESS": "127.0.0.1:1"}
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "kaiji.cli", "keys", "rotate", env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    return out.decode()


async def key_ids(conn: asyncpg.Connection) -> set[str]:
    cipher = FieldCipher(KeyRing.from_spec(A))
    rows = await conn.fetch("select name_enc, address_enc, phone_enc, email_enc from parties")
    return {cipher.key_id_of(v) for r in rows for v in r.values() if v is not None}


async def read_all(v: PartyVault, conn: asyncpg.Connection, ids: list[str]) -> list[Party | None]:
    return [await v.get(conn, pid) for pid in ids]


async def test_rotation_re_encrypts_everything_and_keeps_it_readable(conn, database_url: str, tmp_path: Path):
    old = vault(A)
    ids = [await old.add(conn, party_role="requester", party_type="individual", **p) for p in PEOPLE]
    before = await read_all(old, conn, ids)
    hashes = [r["name_hash"] for r in await conn.fetch("select name_hash from parties order by party_id")]
    assert await key_ids(conn) == {"keyA"}

    assert "re-encrypted 3 record(s) with key keyB" in await rotate(database_url, tmp_path, f"{B},{A}")
    assert await key_ids(conn) == {"keyB"}
    assert await read_all(vault(B, A), conn, ids) == before
    assert await read_all(vault(B), conn, ids) == before  # key A can now be dropped
    assert [r["name_hash"] for r in await conn.fetch("select name_hash from parties order by party_id")] == hashes
    assert "re-encrypted 0 record(s)" in await rotate(database_url, tmp_path, f"{B},{A}")  # idempotent
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


async def test_temporal_payloads_survive_rotation_and_refuse_a_wrong_key():
    plain = [Payload(metadata={"encoding": b"json/plain"}, data='"山田 太郎"'.encode())]
    sealed = await EncryptionCodec(KeyRing.from_spec(A)).encode(plain)
    assert await EncryptionCodec(KeyRing.from_spec(f"{B},{A}")).decode(sealed) == plain
    with pytest.raises(PayloadDecryptionError, match="not in the key ring"):
        await EncryptionCodec(KeyRing.from_spec(B)).decode(sealed)
    with pytest.raises(PayloadDecryptionError, match="failed authentication"):
        await EncryptionCodec(KeyRing.from_spec(generate_key_spec("keyA"))).decode(sealed)
