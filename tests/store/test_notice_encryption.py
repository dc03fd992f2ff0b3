"""Notices at rest: the raw row holds no personal data; wrong keys and moved ciphertexts fail loudly;
the row stays immutable except for re-encryption."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date
from typing import Any

import asyncpg
import pytest

from activities.notices import render
from activities.notices.types import RenderedNotice
from kaiji.security.fields import DecryptionError, FieldCipher
from kaiji.security.keys import KeyRing, generate_key_spec
from store import cases, notices
from tests.notices.factories import notice_data

A = generate_key_spec("keyA")
TAG = uuid.uuid4().hex[:10].upper()
NAME, ADDRESS = f"仮名 CNY{TAG}NAME", f"小金井市本町CNY{TAG}ADDR"


def cipher(*specs: str) -> FieldCipher:
    return FieldCipher(KeyRing.from_spec(",".join(specs)))


@pytest.fixture(scope="module")
def receipt() -> tuple[dict[str, Any], RenderedNotice]:
    data = notice_data("receipt")
    data["addressee"] = {**data["addressee"], "name": NAME, "address": ADDRESS}
    rendered = render("receipt", data)
    assert NAME in rendered.html and ADDRESS in rendered.html
    return data, rendered


async def store(conn: asyncpg.Connection, c: FieldCipher, receipt, notice_id: str | None = None) -> str:
    data, rendered = receipt
    notice_id = notice_id or "N-" + uuid.uuid4().hex[:16]
    await notices.insert(conn, c, notice_id=notice_id, case_id="R-2025-00017",
                         key=f"R-2025-00017:1:receipt:{notice_id}", notice_type="receipt",
                         number="令和7年度 総務課 第1号", issued_on=date(2025, 3, 17), rendered=rendered,
                         data=data, party_id="P-1")
    return notice_id


async def raw_bytes(database_url: str, notice_id: str) -> bytes:
    """Every byte PostgreSQL holds for the row: each column as stored, and the row's text form."""
    conn = await asyncpg.connect(database_url)  # no codecs: jsonb arrives as text, bytea as bytes
    try:
        row = await conn.fetchrow("select * from notices where notice_id = $1", notice_id)
        text = await conn.fetchval("select n::text from notices n where notice_id = $1", notice_id)
    finally:
        await conn.close()
    values = [v if isinstance(v, bytes) else str(v).encode() for v in row.values() if v is not None]
    return b"\n".join([*values, text.encode()])


async def test_the_raw_row_holds_no_personal_data_and_reads_back(conn, database_url: str, receipt) -> None:
    data, rendered = receipt
    c = cipher(A)
    nid = await store(conn, c, receipt)
    raw = await raw_bytes(database_url, nid)
    # Long enough (5+ bytes) that random ciphertext, or its hex, cannot contain them by chance.
    needles = [NAME, ADDRESS, NAME.split()[-1], f"CNY{TAG}", "仮名", "受付", "<html", "</p>", "%PDF-1.", "addressee"]
    plain = rendered.html.encode() + rendered.pdf + json.dumps(data, ensure_ascii=False).encode()
    assert all(n.encode() in plain for n in needles)  # each needle is really in the plaintext
    for needle in needles:
        for form in (needle.encode(), needle.encode().hex().encode(), needle.encode("utf-16-be")):
            assert form not in raw, (needle, form)
    assert rendered.pdf[:64] not in raw and rendered.pdf[:64].hex().encode() not in raw
    row = await conn.fetchrow("select html, pdf, data, html_enc, pdf_enc, data_enc, sha256 from notices")
    assert row["html"] is None and row["pdf"] is None and row["data"] is None
    assert all(bytes(row[c]).startswith(b"b1.keyA.") for c in ("html_enc", "pdf_enc", "data_enc"))
    assert row["sha256"] == hashlib.sha256(rendered.pdf).hexdigest()  # plaintext metadata for verification

    n = await notices.read(conn, c, nid)
    assert n is not None and n["html"] == rendered.html and n["pdf"] == rendered.pdf and n["data"] == data
    assert render("receipt", n["data"]).sha256 == n["sha256"]  # the stored data re-renders the same PDF
    via_cases = await cases.notice(conn, nid, cipher=c)
    assert via_cases == n
    meta = await cases.notice(conn, nid)  # without a cipher: metadata only, nothing decrypted
    assert meta is not None and meta["number"] == "令和7年度 総務課 第1号" and "html" not in meta.keys()


async def test_a_wrong_key_is_a_clear_error_not_garbage(conn, receipt) -> None:
    nid = await store(conn, cipher(A), receipt)
    with pytest.raises(DecryptionError, match=r"key id 'keyA', which is not in the key ring \(known: keyB\)"):
        await notices.read(conn, cipher(generate_key_spec("keyB")), nid)
    impostor = generate_key_spec("keyA")  # same id, other material
    with pytest.raises(DecryptionError, match=rf"key id 'keyA' failed authentication for context 'notice:{nid}:html'") \
            as info:
        await notices.read(conn, cipher(impostor), nid)
    assert NAME not in str(info.value) and ADDRESS not in str(info.value)


async def test_a_ciphertext_moved_to_another_notice_or_column_fails_loudly(conn, receipt) -> None:
    c = cipher(A)
    first, second = await store(conn, c, receipt), await store(conn, c, receipt)
    # Ciphertext-only updates pass the trigger (that is what re-encryption does) but do not decrypt.
    await conn.execute("update notices set html_enc = (select html_enc from notices where notice_id = $1) "
                       "where notice_id = $2", first, second)
    with pytest.raises(DecryptionError, match=rf"failed authentication for context 'notice:{second}:html'"):
        await notices.read(conn, c, second)
    await conn.execute("update notices set data_enc = html_enc, html_enc = data_enc where notice_id = $1", first)
    with pytest.raises(DecryptionError, match="failed authentication"):
        await notices.read(conn, c, first)


async def test_a_different_pdf_under_the_right_key_is_caught_by_sha256(conn, receipt) -> None:
    c = cipher(A)
    nid = await store(conn, c, receipt)
    forged = c.encrypt_bytes(b"%PDF-1.7 forged", context=f"notice:{nid}:pdf")
    await conn.execute("update notices set pdf_enc = $2 where notice_id = $1", nid, forged)
    with pytest.raises(notices.NoticeIntegrityError, match=f"notice {nid}: the stored PDF does not match"):
        await notices.read(conn, c, nid)


@pytest.mark.parametrize("sql", [
    "update notices set number = 'x' where notice_id = $1",
    "update notices set sha256 = 'x', pdf_enc = pdf_enc where notice_id = $1",
    "update notices set party_id = 'P-2' where notice_id = $1",
    "update notices set html_enc = null, html = 'plain' where notice_id = $1",
    "update notices set pdf_enc = null where notice_id = $1",
    "delete from notices where notice_id = $1",
])
async def test_everything_but_the_encryption_stays_immutable(conn, receipt, sql: str) -> None:
    nid = await store(conn, cipher(A), receipt)
    with pytest.raises(asyncpg.PostgresError, match="immutable"):
        await conn.execute(sql, nid)


async def test_plaintext_content_is_refused_for_new_rows(conn, receipt) -> None:
    _, rendered = receipt
    with pytest.raises(asyncpg.PostgresError, match="stored encrypted"):
        await conn.execute(
            """insert into notices (notice_id, case_id, notice_key, notice_type, number, issued_on, sha256,
                                    template_version, data, html, pdf)
               values ('N-plain', 'R-1', 'k', 'receipt', '1', '2025-03-17', $1, 'v', '{}', $2, $3)""",
            rendered.sha256, rendered.html, rendered.pdf)
