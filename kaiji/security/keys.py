"""The encryption key ring (``KAIJI_ENCRYPTION_KEYS``).

A spec is a comma-separated list of ``key_id:base64url_32_bytes`` entries. The
first key encrypts; every key decrypts, so rotation is: put a new key first,
re-encrypt in the background, then drop the old key. Error messages name the
entry and the problem but never echo key material.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

KEY_BYTES = 32
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")
_B64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")


class KeyConfigError(ValueError):
    """The key configuration is missing or malformed."""


class UnknownKeyError(LookupError):
    """A key id that is not in the key ring."""


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; ``ValueError`` on anything else."""
    if not _B64URL.fullmatch(text):
        raise ValueError("not base64url")
    stripped = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc


def valid_key_id(key_id: object) -> bool:
    return isinstance(key_id, str) and KEY_ID_PATTERN.fullmatch(key_id) is not None


def _id_rule() -> str:
    return "1-32 characters of A-Z a-z 0-9 _ -"


def generate_key_spec(key_id: str | None = None) -> str:
    """A spec entry ``key_id:key`` holding a new random 256-bit key."""
    if key_id is None:
        key_id = f"k{datetime.now(UTC):%Y%m%d}{secrets.token_hex(2)}"
    elif not valid_key_id(key_id):
        raise KeyConfigError(f"key id is invalid: must be {_id_rule()}")
    return f"{key_id}:{b64url_encode(secrets.token_bytes(KEY_BYTES))}"


class KeyRing:
    """Named 256-bit keys; the first one is the primary (encrypting) key."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Iterable[tuple[str, bytes]]) -> None:
        self._keys: dict[str, bytes] = {}
        for key_id, key in keys:
            if not valid_key_id(key_id):
                raise KeyConfigError(f"key id is invalid: must be {_id_rule()}")
            if not isinstance(key, bytes) or len(key) != KEY_BYTES:
                raise KeyConfigError(f"key {key_id!r} must be exactly {KEY_BYTES} bytes")
            if key_id in self._keys:
                raise KeyConfigError(f"duplicate key id {key_id!r}")
            self._keys[key_id] = key
        if not self._keys:
            raise KeyConfigError("a key ring needs at least one key")

    @classmethod
    def from_spec(cls, spec: str, *, source: str = "KAIJI_ENCRYPTION_KEYS") -> KeyRing:
        """Parse ``key_id:base64url_key[,key_id:base64url_key...]``; first key encrypts."""
        if not spec or not spec.strip():
            raise KeyConfigError(
                f"{source} is empty: expected 'key_id:base64url_32_bytes', "
                "e.g. from kaiji.security.keys.generate_key_spec()"
            )
        entries: list[tuple[str, bytes]] = []
        seen: dict[str, int] = {}
        for number, raw in enumerate(spec.split(","), start=1):
            entry = raw.strip()
            where = f"{source} entry {number}"
            if not entry:
                raise KeyConfigError(f"{where} is empty (stray comma?)")
            key_id, sep, material = entry.partition(":")
            if not sep:
                raise KeyConfigError(f"{where} has no ':'; expected 'key_id:base64url_32_bytes'")
            key_id = key_id.strip()
            if not valid_key_id(key_id):
                # Never echo the id: a swapped 'key:id' entry would put the key here.
                raise KeyConfigError(f"{where} has an invalid key id: must be {_id_rule()}")
            if key_id in seen:
                raise KeyConfigError(f"{where}: duplicate key id {key_id!r} (also entry {seen[key_id]})")
            try:
                key = b64url_decode(material.strip())
            except ValueError:
                raise KeyConfigError(f"{where} (key id {key_id!r}): key is not valid base64url") from None
            if len(key) != KEY_BYTES:
                raise KeyConfigError(
                    f"{where} (key id {key_id!r}): key decodes to {len(key)} bytes, expected {KEY_BYTES}"
                )
            seen[key_id] = number
            entries.append((key_id, key))
        return cls(entries)

    @classmethod
    def load_or_create_file(cls, path: Path) -> KeyRing:
        """Load a key file, creating it (mode 0600, one new key) if it does not exist."""
        spec = read_or_create_secret_file(path, generate_key_spec)
        return cls.from_spec(spec, source=str(path))

    @property
    def primary_id(self) -> str:
        return next(iter(self._keys))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def key(self, key_id: str) -> bytes:
        try:
            return self._keys[key_id]
        except KeyError:
            raise UnknownKeyError(
                f"key id {key_id!r} is not in the key ring (known: {', '.join(self._keys)})"
            ) from None

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def __repr__(self) -> str:
        return f"KeyRing(primary={self.primary_id!r}, ids={self.ids!r})"


def read_or_create_secret_file(path: Path, make_content: Callable[[], str]) -> str:
    """Return a secret file's content as a spec (non-comment lines joined by ',').

    A missing file is created atomically with mode 0600: written to a temp file
    and hard-linked into place, so concurrent starters never clobber each
    other's key and no reader sees a half-written file. A file that group or
    others can access is refused.
    """
    path = Path(path)
    try:
        return _read_secret_file(path)
    except FileNotFoundError:
        pass
    content = (make_content().strip() + "\n").encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won the race: use its key
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return _read_secret_file(path)


def _read_secret_file(path: Path) -> str:
    fd = os.open(path, os.O_RDONLY)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise KeyConfigError(f"{path} is not a regular file")
        if info.st_mode & 0o077:
            raise KeyConfigError(
                f"{path} is accessible by group/others (mode {stat.S_IMODE(info.st_mode):04o}); "
                f"restrict it with: chmod 600 {path}"
            )
        with os.fdopen(os.dup(fd), encoding="utf-8") as handle:
            text = handle.read()
    finally:
        os.close(fd)
    lines = [line.strip() for line in text.splitlines()]
    spec = ",".join(line for line in lines if line and not line.startswith("#"))
    if not spec:
        raise KeyConfigError(f"{path} holds no keys")
    return spec


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
