"""Column-level encryption of personal data, and keyed name-search hashes.

A stored value is the text token ``v1.<key_id>.<nonce>.<ciphertext+tag>``
(base64url, AES-256-GCM, random 96-bit nonce). The caller's ``context`` (e.g.
``"party:P-123:address"``) is authenticated as associated data, so a value
copied to another row or column fails to decrypt instead of being misread.

Large or binary values (a notice's PDF) use the binary form of the same
scheme: ``b1.<key_id>.`` (ASCII) followed by the raw nonce and
ciphertext+tag, for ``bytea`` columns. Its associated data has its own
prefix, so a text token and a blob can never stand in for each other.

Search over names uses a separate, stable :class:`SearchKey`, never the
encryption key ring: stored hashes must survive key rotation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kaiji.security.keys import (
    KEY_BYTES,
    KeyConfigError,
    KeyRing,
    b64url_decode,
    b64url_encode,
    read_or_create_secret_file,
    valid_key_id,
)

TOKEN_VERSION = "v1"
NONCE_BYTES = 12
_TAG_BYTES = 16
_AAD_PREFIX = b"kaiji.field.v1\x00"
BLOB_VERSION = b"b1"
_BLOB_AAD_PREFIX = b"kaiji.blob.v1\x00"


class DecryptionError(ValueError):
    """A value could not be decrypted (malformed, unknown key, wrong key/context, tampered)."""


class FieldCipher:
    """Encrypts text values for PostgreSQL columns with the key ring's primary key."""

    def __init__(self, keyring: KeyRing) -> None:
        self._keyring = keyring
        self._aead: dict[str, AESGCM] = {}

    def encrypt(self, plaintext: str, *, context: str) -> str:
        if not isinstance(plaintext, str):
            raise TypeError("plaintext must be str")
        key_id = self._keyring.primary_id
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._cipher(key_id).encrypt(nonce, plaintext.encode("utf-8"), _aad(key_id, context))
        return ".".join((TOKEN_VERSION, key_id, b64url_encode(nonce), b64url_encode(sealed)))

    def decrypt(self, token: str, *, context: str) -> str:
        key_id, nonce, sealed = _parse(token)
        data = self._open(key_id, nonce, sealed, _aad(key_id, context), context)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise DecryptionError(f"value for context {context!r} decrypted to invalid UTF-8") from None

    def encrypt_bytes(self, plaintext: bytes, *, context: str) -> bytes:
        """The binary form, for ``bytea`` columns: ``b1.<key_id>.`` + nonce + ciphertext+tag."""
        if not isinstance(plaintext, bytes | bytearray | memoryview):
            raise TypeError("plaintext must be bytes")
        key_id = self._keyring.primary_id
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._cipher(key_id).encrypt(nonce, bytes(plaintext), _aad(key_id, context, _BLOB_AAD_PREFIX))
        return blob_header(key_id) + nonce + sealed

    def decrypt_bytes(self, blob: bytes, *, context: str) -> bytes:
        key_id, nonce, sealed = _parse_blob(blob)
        return self._open(key_id, nonce, sealed, _aad(key_id, context, _BLOB_AAD_PREFIX), context)

    def reencrypt_bytes(self, blob: bytes, *, context: str) -> bytes:
        """Decrypt a blob and encrypt it again with the primary key (always a fresh nonce)."""
        return self.encrypt_bytes(self.decrypt_bytes(blob, context=context), context=context)

    @property
    def primary_blob_header(self) -> bytes:
        """The first bytes of every blob the primary key encrypts (to find blobs needing rotation in SQL)."""
        return blob_header(self._keyring.primary_id)

    def _open(self, key_id: str, nonce: bytes, sealed: bytes, aad: bytes, context: str) -> bytes:
        if key_id not in self._keyring:
            raise DecryptionError(
                f"value was encrypted with key id {key_id!r}, which is not in the key ring "
                f"(known: {', '.join(self._keyring.ids)}); add the old key to KAIJI_ENCRYPTION_KEYS"
            )
        try:
            return self._cipher(key_id).decrypt(nonce, sealed, aad)
        except InvalidTag:
            raise DecryptionError(
                f"value encrypted with key id {key_id!r} failed authentication for context "
                f"{context!r}: wrong key material, tampered data, or a value moved from another row/column"
            ) from None

    def key_id_of(self, token: str | bytes) -> str:
        """The key id of a text token or a blob."""
        return _parse(token)[0] if isinstance(token, str) else _parse_blob(token)[0]

    def needs_rotation(self, token: str | bytes) -> bool:
        """True when ``token`` (text token or blob) is not encrypted with the current primary key."""
        return self.key_id_of(token) != self._keyring.primary_id

    def reencrypt(self, token: str, *, context: str) -> str:
        """Decrypt and encrypt again with the primary key (always a fresh nonce)."""
        return self.encrypt(self.decrypt(token, context=context), context=context)

    def _cipher(self, key_id: str) -> AESGCM:
        cipher = self._aead.get(key_id)
        if cipher is None:
            cipher = self._aead[key_id] = AESGCM(self._keyring.key(key_id))
        return cipher


def _aad(key_id: str, context: str, prefix: bytes = _AAD_PREFIX) -> bytes:
    if not isinstance(context, str) or not context:
        raise ValueError("context must be a non-empty string such as 'party:P-123:address'")
    return prefix + key_id.encode("ascii") + b"\x00" + context.encode("utf-8")


def blob_header(key_id: str) -> bytes:
    return BLOB_VERSION + b"." + key_id.encode("ascii") + b"."


def _parse(token: str) -> tuple[str, bytes, bytes]:
    # Never echo the token: a plaintext value stored by mistake would end up in logs.
    malformed = DecryptionError(
        f"value is not a {TOKEN_VERSION} field token ('{TOKEN_VERSION}.<key_id>.<nonce>.<ciphertext>'); "
        "was plaintext stored in an encrypted column?"
    )
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 4 or parts[0] != TOKEN_VERSION or not valid_key_id(parts[1]):
        raise malformed
    try:
        nonce, sealed = b64url_decode(parts[2]), b64url_decode(parts[3])
    except ValueError:
        raise malformed from None
    if len(nonce) != NONCE_BYTES or len(sealed) < _TAG_BYTES:
        raise malformed
    return parts[1], nonce, sealed


def _parse_blob(blob: bytes) -> tuple[str, bytes, bytes]:
    # Never echo the blob: plaintext stored by mistake would end up in logs.
    malformed = DecryptionError(
        f"value is not a {BLOB_VERSION.decode()} blob ('{BLOB_VERSION.decode()}.<key_id>.' + nonce + ciphertext); "
        "was plaintext stored in an encrypted column?"
    )
    if not isinstance(blob, bytes | bytearray | memoryview):
        raise malformed
    data = bytes(blob)
    start = len(BLOB_VERSION) + 1
    end = data.find(b".", start, start + 33)  # key ids are 1-32 characters, never a dot
    if not data.startswith(BLOB_VERSION + b".") or end < 0:
        raise malformed
    key_id = data[start:end].decode("ascii", errors="replace")
    nonce, sealed = data[end + 1:end + 1 + NONCE_BYTES], data[end + 1 + NONCE_BYTES:]
    if not valid_key_id(key_id) or len(nonce) != NONCE_BYTES or len(sealed) < _TAG_BYTES:
        raise malformed
    return key_id, nonce, sealed


# --- name search -------------------------------------------------------------

_WHITESPACE = re.compile(r"[\s\u200b\u00b7\u30fb]+")  # incl. U+3000, and name dots 「・」
_KATAKANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)} | {0x30FD: 0x309D, 0x30FE: 0x309E}


def normalise_name(name: str) -> str:
    """Fold a personal name for equality search.

    NFKC (half-width kana and full-width letters), whitespace and 「・」 removed,
    NFC again (re-attaches a detached voiced mark), katakana folded to
    hiragana, case-folded. Kanji variants (髙/高, 﨑/崎) are NOT folded.
    """
    text = unicodedata.normalize("NFKC", name)
    text = unicodedata.normalize("NFC", _WHITESPACE.sub("", text))
    return text.translate(_KATAKANA).casefold()


class SearchKey:
    """The dedicated, long-lived secret behind name-search hashes (``KAIJI_SEARCH_KEY``)."""

    __slots__ = ("_mac_key",)
    INFO = b"kaiji/name-search-hash/v1"

    def __init__(self, secret: bytes) -> None:
        if not isinstance(secret, bytes) or len(secret) < KEY_BYTES:
            raise KeyConfigError(f"the search secret must be at least {KEY_BYTES} bytes")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=self.INFO)
        self._mac_key = hkdf.derive(secret)

    @classmethod
    def from_spec(cls, spec: str, *, source: str = "KAIJI_SEARCH_KEY") -> SearchKey:
        try:
            secret = b64url_decode(spec.strip())
        except ValueError:
            raise KeyConfigError(f"{source} is not valid base64url") from None
        if len(secret) < KEY_BYTES:
            raise KeyConfigError(f"{source} decodes to {len(secret)} bytes, expected at least {KEY_BYTES}")
        return cls(secret)

    @classmethod
    def load_or_create_file(cls, path: Path) -> SearchKey:
        spec = read_or_create_secret_file(path, generate_search_key_spec)
        return cls.from_spec(spec, source=str(path))

    def hash_name(self, name: str) -> str:
        folded = normalise_name(name)
        if not folded:
            raise ValueError("name is empty after normalisation")
        return hmac.new(self._mac_key, folded.encode("utf-8"), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return "SearchKey(<secret>)"


def generate_search_key_spec() -> str:
    return b64url_encode(secrets.token_bytes(KEY_BYTES))


def name_search_hash(key: SearchKey | bytes, name: str) -> str:
    """Hex HMAC-SHA256 of :func:`normalise_name` under the dedicated search key."""
    if isinstance(key, KeyRing):
        raise TypeError(
            "name_search_hash needs the dedicated search key (KAIJI_SEARCH_KEY), not the encryption "
            "key ring: rotating encryption keys must not change stored search hashes"
        )
    search_key = key if isinstance(key, SearchKey) else SearchKey(key)
    return search_key.hash_name(name)
