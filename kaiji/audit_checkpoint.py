"""Signed audit checkpoints (issue 17 "The audit chain can be rewritten whole").

The hash chain (store/audit.py) shows an edit, but a superuser who switches the append-only trigger off
(``session_replication_role=replica``) can rewrite the entries *and* recompute every hash. A checkpoint is
the chain head (seq, hash) signed with an Ed25519 key the database never holds, written to a directory
outside the database: one JSON file per checkpoint, named by seq. ``verify`` checks the newest one by
itself (signature valid, the chain's entry at that seq still has that hash) and says how old it is.

* The private key is a 0600 secret file (``KAIJI_AUDIT_CHECKPOINT_KEY``; for the embedded stack
  ``<data_dir>/secrets/audit_checkpoint_key``, generated if absent). Its public half sits next to it
  (``….pub``); the API reads only that one.
* Writing is idempotent: the file for a seq is written once (temp file + link), a repeat for the same head
  returns it; a different hash for a seq already signed is refused (that *is* a rewrite).
* A chain that does not verify, or no longer matches the newest checkpoint, is never signed.

Why: 地方公共団体における情報セキュリティポリシーに関するガイドライン (証跡の改ざん防止) and ASVS V7.3.3
(audit logs protected from modification); the signature makes the check independent of the database.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kaiji.security.keys import read_or_create_secret_file
from kaiji.settings import Settings
from store import audit
from store.canonical import canonical_json

VERSION = 1


class CheckpointError(RuntimeError):
    """A checkpoint cannot be written (the chain is broken, or differs from a signed head)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_path(settings: Settings) -> Path:
    return settings.audit_checkpoint_key or settings.data_path / "secrets" / "audit_checkpoint_key"


def directory(settings: Settings) -> Path:
    return settings.audit_checkpoint_dir or settings.data_path / "audit-checkpoints"


def public_path(private: Path) -> Path:
    return private.with_name(private.name + ".pub")


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(public.public_bytes_raw()).hexdigest()[:16]


def load_signing_key(settings: Settings, *, create: bool = False) -> Ed25519PrivateKey:
    """The private key; generated (0600, with its .pub) for the embedded stack or when asked
    (``kaiji audit checkpoint --create-key``), else it must exist."""
    path = key_path(settings)
    if not path.exists() and not (settings.embedded or create):
        raise CheckpointError(f"KAIJI_AUDIT_CHECKPOINT_KEY: no such file {path} "
                              "(create it once with `kaiji audit checkpoint --create-key`)")
    spec = read_or_create_secret_file(
        path, lambda: "# Ed25519 seed of the audit checkpoints (kaiji audit checkpoint)\n"
        + _b64(Ed25519PrivateKey.generate().private_bytes_raw()))
    key = Ed25519PrivateKey.from_private_bytes(_unb64(spec.strip()))
    pub = public_path(path)
    if not pub.exists():
        _write_once(pub, (_b64(key.public_key().public_bytes_raw()) + "\n").encode(), mode=0o644)
    return key


def load_public_key(settings: Settings) -> Ed25519PublicKey | None:
    """The verifying key (the .pub file), or None when no checkpoint key was ever made."""
    pub = public_path(key_path(settings))
    try:
        return Ed25519PublicKey.from_public_bytes(_unb64(pub.read_text().strip()))
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO 8601 UTC: when it was signed
    key_id: str
    database: str  # current_database(): checkpoints of one database never judge another's chain
    signature: str = ""
    version: int = VERSION

    def signed_bytes(self) -> bytes:
        return canonical_json({"version": self.version, "seq": self.seq, "hash": self.hash, "at": self.at,
                               "key_id": self.key_id, "database": self.database}).encode()

    def signed_at(self) -> datetime:
        return datetime.fromisoformat(self.at)


def _file(folder: Path, seq: int) -> Path:
    return folder / f"checkpoint-{seq:012d}.json"


async def database_folder(conn: asyncpg.Connection, folder: Path) -> tuple[str, Path]:
    """(database name, its own sub-directory): one checkpoint directory may serve several databases."""
    name = await conn.fetchval("select current_database()")
    return name, folder / "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _write_once(path: Path, content: bytes, *, mode: int = 0o644) -> bool:
    """Create ``path`` atomically with ``content``; False if it already existed (left untouched)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
    finally:
        tmp.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return True


def read(path: Path) -> Checkpoint:
    data = json.loads(path.read_text())
    return Checkpoint(seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]), key_id=str(data["key_id"]),
                      database=str(data["database"]), signature=str(data["signature"]),
                      version=int(data.get("version", VERSION)))


def newest(folder: Path) -> Checkpoint | None:
    files = sorted(folder.glob("checkpoint-*.json")) if folder.is_dir() else []
    return read(files[-1]) if files else None


def signature_ok(checkpoint: Checkpoint, public: Ed25519PublicKey) -> bool:
    if checkpoint.key_id != key_id(public):
        return False
    try:
        public.verify(_unb64(checkpoint.signature), checkpoint.signed_bytes())
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Written:
    checkpoint: Checkpoint
    path: Path
    created: bool  # False: this head had been signed already (an idempotent repeat)


async def write(conn: asyncpg.Connection, settings: Settings, *, now: datetime | None = None,
                create_key: bool = False) -> Written:
    """Verify the chain (and that it still holds the newest checkpoint), then sign its head and write it."""
    key = load_signing_key(settings, create=create_key)
    database, folder = await database_folder(conn, directory(settings))
    check = await verify(conn, settings, public=key.public_key())
    if not check.chain_ok or (check.checkpoint is not None and not check.ok):
        raise CheckpointError(f"not signing: {check.reason}")
    seq, digest = check.head_seq, check.head
    path = _file(folder, seq)
    if path.exists():
        existing = read(path)
        if existing.hash != digest:
            raise CheckpointError(f"seq {seq} was signed with another hash: the chain has been rewritten")
        return Written(existing, path, created=False)
    at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    unsigned = Checkpoint(seq=seq, hash=digest, at=at, key_id=key_id(key.public_key()), database=database)
    signed = Checkpoint(**{**asdict(unsigned), "signature": _b64(key.sign(unsigned.signed_bytes()))})
    created = _write_once(path, (json.dumps(asdict(signed), sort_keys=True) + "\n").encode())
    return Written(signed if created else read(path), path, created)


@dataclass(frozen=True)
class Verified:
    chain_ok: bool  # the hash chain recomputes
    ok: bool  # chain ok and the newest checkpoint (if any) is validly signed and still matches
    entries: int
    head_seq: int
    head: str
    checkpoint: Checkpoint | None
    age_seconds: int | None
    reason: str | None
    broken_seq: int | None = None

    def checkpoint_view(self) -> dict | None:
        """What GET /api/v1/audit/verify shows of the newest checkpoint."""
        if self.checkpoint is None:
            return None
        return {"seq": self.checkpoint.seq, "signed_at": self.checkpoint.at, "age_seconds": self.age_seconds,
                "key_id": self.checkpoint.key_id, "ok": self.ok}


async def verify(conn: asyncpg.Connection, settings: Settings, *, public: Ed25519PublicKey | None = None,
                 now: datetime | None = None) -> Verified:
    """Recompute the chain and check it against the newest checkpoint: signature, then the hash at its seq."""
    public = public or load_public_key(settings)
    database, folder = await database_folder(conn, directory(settings))
    cp = newest(folder)
    if cp is not None and cp.database != database:  # a file copied from another database's folder
        cp = Checkpoint(**{**asdict(cp), "signature": ""})
    if cp is None:
        chain = await audit.verify(conn)
        return Verified(chain.ok, chain.ok, chain.entries, chain.head_seq, chain.head, None, None,
                        chain.reason if not chain.ok else "no checkpoint yet", chain.broken_seq)
    age = max(0, int(((now or datetime.now(UTC)) - cp.signed_at()).total_seconds()))
    if public is None or not signature_ok(cp, public):
        chain = await audit.verify(conn)
        why = "no public key to check it" if public is None else "its signature is not valid"
        return Verified(chain.ok, False, chain.entries, chain.head_seq, chain.head, cp, age,
                        f"checkpoint at seq {cp.seq}: {why}", chain.broken_seq)
    chain = await audit.verify(conn, expect_head=f"{cp.seq}:{cp.hash}")
    if chain.ok:
        return Verified(True, True, chain.entries, chain.head_seq, chain.head, cp, age, None)
    plain = await audit.verify(conn)
    reason = (f"the chain differs from the checkpoint signed at seq {cp.seq} ({chain.reason})" if plain.ok
              else chain.reason)
    return Verified(plain.ok, False, chain.entries, chain.head_seq, chain.head, cp, age, reason, chain.broken_seq)
