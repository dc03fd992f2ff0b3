"""Stored notices: immutable rows, numbered per issuing department and fiscal year.

The content of a notice (its HTML, its PDF and the data it was rendered from)
names the addressee, so it is stored encrypted (migration 0009): AES-GCM blobs
under the key ring, each bound to its notice and column
(``notice:<notice_id>:html|pdf|data``), so a ciphertext moved to another
notice or column fails loudly instead of being served. The metadata (number,
type, dates, ``sha256`` of the PDF, party id …) stays plaintext for listing.

:func:`read` decrypts and checks the PDF against the stored ``sha256``;
:func:`get` returns the metadata only. :func:`rotate` re-encrypts with the
primary key (``kaiji keys rotate``) and encrypts rows stored before 0009.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from kaiji.security.fields import FieldCipher
from store.canonical import canonical_json

META_COLUMNS = ("notice_id", "case_id", "notice_key", "notice_type", "number", "issued_on", "sha256",
                "template_version", "supersedes", "party_id", "created_at", "decision_id")
_META = ", ".join(META_COLUMNS)
_CONTENT = "html_enc, pdf_enc, data_enc, html, pdf, data"


class NoticeIntegrityError(RuntimeError):
    """A decrypted PDF does not match the notice's stored sha256."""


@dataclass(frozen=True)
class Rotation:
    reencrypted: int = 0  # encrypted rows moved to the primary key
    encrypted: int = 0    # rows stored in plaintext before migration 0009, now encrypted


def _ctx(notice_id: str, column: str) -> str:
    return f"notice:{notice_id}:{column}"


def _seal(cipher: FieldCipher, notice_id: str, *, html: str, pdf: bytes | None,
          data: dict[str, Any]) -> tuple[bytes, bytes | None, bytes]:
    return (
        cipher.encrypt_bytes(html.encode("utf-8"), context=_ctx(notice_id, "html")),
        None if pdf is None else cipher.encrypt_bytes(pdf, context=_ctx(notice_id, "pdf")),
        cipher.encrypt_bytes(canonical_json(data).encode("utf-8"), context=_ctx(notice_id, "data")),
    )


def _open(cipher: FieldCipher, row: asyncpg.Record) -> dict[str, Any]:
    """The row's metadata with its decrypted ``html`` (str), ``pdf`` (bytes | None) and ``data`` (dict)."""
    nid = row["notice_id"]
    out = {c: row[c] for c in META_COLUMNS}
    if row["html_enc"] is None:  # stored before migration 0009, not yet encrypted by `kaiji keys rotate`
        data = row["data"]
        out |= {"html": row["html"], "pdf": None if row["pdf"] is None else bytes(row["pdf"]),
                "data": json.loads(data) if isinstance(data, str) else data}
    else:
        out |= {
            "html": cipher.decrypt_bytes(row["html_enc"], context=_ctx(nid, "html")).decode("utf-8"),
            "pdf": None if row["pdf_enc"] is None else cipher.decrypt_bytes(row["pdf_enc"], context=_ctx(nid, "pdf")),
            "data": json.loads(cipher.decrypt_bytes(row["data_enc"], context=_ctx(nid, "data"))),
        }
    if out["pdf"] is not None and hashlib.sha256(out["pdf"]).hexdigest() != row["sha256"]:
        raise NoticeIntegrityError(f"notice {nid}: the stored PDF does not match its sha256 {row['sha256']}")
    return out


async def by_key(conn: asyncpg.Connection, key: str) -> asyncpg.Record | None:
    return await conn.fetchrow("select notice_id, number, sha256 from notices where notice_key = $1", key)


async def next_number(conn: asyncpg.Connection, series: str, fiscal_year: int) -> int:
    """Next 文書番号 of the series; the row lock serialises issuers until the transaction ends
    (:func:`reserve_number` keeps that transaction short)."""
    return await conn.fetchval(
        """insert into notice_series (series, fiscal_year, last_number) values ($1, $2, 1)
           on conflict (series, fiscal_year) do update set last_number = notice_series.last_number + 1
           returning last_number""",
        series, fiscal_year,
    )


@dataclass(frozen=True)
class Reservation:
    number: str  # the full 文書番号, e.g. "令和7年度 総務課 第12号"
    seq: int     # its n


async def reserve_number(conn: asyncpg.Connection, key: str, series: str, fiscal_year: int,
                         format_number: Any) -> Reservation:
    """The 文書番号 reserved for the notice ``key``: the one reserved before (a retry) or the next of the
    series, in one short transaction (migration 0025). ``format_number(n)`` gives the printed number.

    The series row is locked only until this commit, not during the render, so notices of one department
    no longer wait for each other's PDFs. A retry reuses the reservation: no gap, no second number."""
    async with conn.transaction():
        row = await conn.fetchrow("select number, seq from notice_reservations where notice_key = $1", key)
        if row is not None:
            return Reservation(row["number"], row["seq"])
        n = await next_number(conn, series, fiscal_year)
        number = format_number(n)
        await conn.execute(
            """insert into notice_reservations (notice_key, series, fiscal_year, seq, number)
               values ($1, $2, $3, $4, $5)""",
            key, series, fiscal_year, n, number,
        )
    return Reservation(number, n)


async def insert(conn: asyncpg.Connection, cipher: FieldCipher, *, notice_id: str, case_id: str, key: str,
                 notice_type: str, number: str, issued_on: date, rendered: Any, data: dict[str, Any],
                 party_id: str | None, supersedes: str | None = None, decision_id: str | None = None) -> None:
    html_enc, pdf_enc, data_enc = _seal(cipher, notice_id, html=rendered.html, pdf=rendered.pdf, data=data)
    await conn.execute(
        """insert into notices (notice_id, case_id, notice_key, notice_type, number, issued_on, sha256,
                                template_version, html_enc, pdf_enc, data_enc, supersedes, party_id, decision_id)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)""",
        notice_id, case_id, key, notice_type, number, issued_on, rendered.sha256, rendered.template_version,
        html_enc, pdf_enc, data_enc, supersedes, party_id, decision_id,
    )


async def get(conn: asyncpg.Connection, notice_id: str) -> asyncpg.Record | None:
    """The notice's metadata only (no content, nothing to decrypt)."""
    return await conn.fetchrow(f"select {_META} from notices where notice_id = $1", notice_id)


async def read(conn: asyncpg.Connection, cipher: FieldCipher, notice_id: str) -> dict[str, Any] | None:
    """The notice's metadata and its decrypted content: ``html``, ``pdf`` and ``data``.

    Raises :class:`~kaiji.security.fields.DecryptionError` (unknown or wrong key, a ciphertext moved
    from elsewhere) or :class:`NoticeIntegrityError` (the PDF does not match ``sha256``).
    """
    row = await conn.fetchrow(f"select {_META}, {_CONTENT} from notices where notice_id = $1", notice_id)
    return None if row is None else _open(cipher, row)


async def rotate(conn: asyncpg.Connection, cipher: FieldCipher) -> Rotation:
    """Re-encrypt every notice not under the primary key; encrypt rows stored before 0009.

    Only the ciphertext columns change (the update trigger allows nothing else). Rows already under
    the primary key are not read at all, so running it again is cheap.
    """
    header = cipher.primary_blob_header
    reencrypted = encrypted = 0
    async with conn.transaction():
        rows = conn.cursor(
            f"""select {_META}, {_CONTENT} from notices
                where html_enc is null or substring(html_enc for $2) <> $1 or substring(data_enc for $2) <> $1
                   or substring(pdf_enc for $2) <> $1
                for update""",
            header, len(header),
        )
        async for r in rows:
            nid = r["notice_id"]
            if r["html_enc"] is None:
                content = _open(cipher, r)  # checks the PDF against sha256 before sealing it
                sealed = _seal(cipher, nid, html=content["html"], pdf=content["pdf"], data=content["data"])
                encrypted += 1
            else:
                sealed = (
                    _reencrypt(cipher, r["html_enc"], _ctx(nid, "html")),
                    None if r["pdf_enc"] is None else _reencrypt(cipher, r["pdf_enc"], _ctx(nid, "pdf")),
                    _reencrypt(cipher, r["data_enc"], _ctx(nid, "data")),
                )
                reencrypted += 1
            await conn.execute(
                """update notices set html_enc = $2, pdf_enc = $3, data_enc = $4, html = null, pdf = null, data = null
                   where notice_id = $1""",
                nid, *sealed,
            )
    return Rotation(reencrypted=reencrypted, encrypted=encrypted)


def _reencrypt(cipher: FieldCipher, blob: bytes, context: str) -> bytes:
    return cipher.reencrypt_bytes(blob, context=context) if cipher.needs_rotation(blob) else bytes(blob)


async def plaintext_count(conn: asyncpg.Connection) -> int:
    """Notices stored before migration 0009 and not yet encrypted (``kaiji keys rotate`` encrypts them)."""
    return await conn.fetchval("select count(*) from notices where html_enc is null")
