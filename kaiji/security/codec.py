"""Temporal payload encryption, so the Temporal server never stores plaintext case data.

Wire format follows the official ``encryption`` sample in
temporalio/samples-python (and its Go/TypeScript twins): the serialised
``Payload`` proto is sealed with AES-256-GCM as ``nonce(12) || ciphertext+tag``
and carried in a new payload with metadata ``encoding: binary/encrypted`` and
``encryption-key-id: <id>``. Encoding uses the key ring's primary key; decoding
accepts any key in the ring, so histories stay readable across rotation.

The processes' codec is *strict* (issue 17, "Temporal is a back door"): a payload that is not
encrypted, or encrypted with a key that is not in the ring or that fails authentication, is not
decoded into a value but replaced by a ``binary/refused`` payload. Decoding an activation never
raises (that would fail the workflow task and retry it for ever); the payload converter raises a
non-retryable ``ApplicationError`` when the workflow reads the value, so an Update with such an
argument is rejected (nothing recorded), a Signal is dropped, and a workflow started with it fails
at once. The codec server of the Web UI (api/routes/codec.py) stays lenient.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Sequence
from typing import Any

import temporalio.converter
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.exceptions import ApplicationError

from kaiji.security.fields import DecryptionError
from kaiji.security.keys import KeyRing

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
_NONCE_BYTES = 12
_TAG_BYTES = 16
REFUSED = b"binary/refused"
REFUSED_REASON = "refused-reason"
REFUSAL_TYPE = "unsealed"


class PayloadDecryptionError(DecryptionError):
    """An encrypted Temporal payload could not be decrypted."""


class EncryptionCodec(temporalio.converter.PayloadCodec):
    """AES-GCM payload codec built from a :class:`KeyRing`."""

    def __init__(self, keyring: KeyRing, *, strict: bool = False) -> None:
        super().__init__()
        self._keyring = keyring
        self._strict = strict
        self._aead: dict[str, AESGCM] = {}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        key_id = self._keyring.primary_id
        cipher = self._cipher(key_id)
        encoded = []
        for payload in payloads:
            nonce = secrets.token_bytes(_NONCE_BYTES)
            sealed = cipher.encrypt(nonce, payload.SerializeToString(), None)
            encoded.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID_METADATA: key_id.encode("ascii")},
                    data=nonce + sealed,
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding", b"") != ENCODING:
                if self._strict:
                    decoded.append(_refused("the payload is not encrypted by Kaiji's codec"))
                else:
                    decoded.append(payload)  # the Web UI's codec server shows what it is given
                continue
            if self._strict:
                try:
                    decoded.append(Payload.FromString(self._decrypt(payload)))
                except (PayloadDecryptionError, ValueError) as exc:
                    decoded.append(_refused(str(exc)))
                continue
            decoded.append(Payload.FromString(self._decrypt(payload)))
        return decoded

    def _decrypt(self, payload: Payload) -> bytes:
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode("utf-8", errors="replace")
        if not key_id:
            raise PayloadDecryptionError(f"encrypted payload has no {KEY_ID_METADATA!r} metadata")
        if key_id not in self._keyring:
            raise PayloadDecryptionError(
                f"payload was encrypted with key id {key_id!r}, which is not in the key ring "
                f"(known: {', '.join(self._keyring.ids)}); add the old key to KAIJI_ENCRYPTION_KEYS"
            )
        data = payload.data
        try:
            if len(data) < _NONCE_BYTES + _TAG_BYTES:
                raise InvalidTag
            return self._cipher(key_id).decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], None)
        except InvalidTag:
            raise PayloadDecryptionError(
                f"payload encrypted with key id {key_id!r} failed authentication: "
                "the key material differs from the one that encrypted it, or the payload was altered"
            ) from None

    def _cipher(self, key_id: str) -> AESGCM:
        cipher = self._aead.get(key_id)
        if cipher is None:
            cipher = self._aead[key_id] = AESGCM(self._keyring.key(key_id))
        return cipher


def _refused(reason: str) -> Payload:
    return Payload(metadata={"encoding": REFUSED, REFUSED_REASON: reason.encode("utf-8")[:500]})


class RefusedPayloadConverter(temporalio.converter.EncodingPayloadConverter):
    """Reading a refused payload raises a non-retryable ApplicationError (a failure, not a task error)."""

    @property
    def encoding(self) -> str:
        return REFUSED.decode()

    def to_payload(self, value: Any) -> Payload | None:
        return None  # never produces one

    def from_payload(self, payload: Payload, type_hint: type | None = None) -> Any:
        reason = payload.metadata.get(REFUSED_REASON, b"").decode("utf-8", errors="replace")
        raise ApplicationError(
            "封印されていないデータのため受け付けられません。 / Refused: the data was not sealed by Kaiji "
            f"({reason}).", type=REFUSAL_TYPE, non_retryable=True)


class KaijiPayloadConverter(temporalio.converter.CompositePayloadConverter):
    """The SDK's default converters plus :class:`RefusedPayloadConverter` (nullary: the SDK copies it)."""

    def __init__(self) -> None:
        super().__init__(*temporalio.converter.DefaultPayloadConverter.default_encoding_payload_converters,
                         RefusedPayloadConverter())


def data_converter(keyring: KeyRing) -> temporalio.converter.DataConverter:
    """The default converter plus (strict) encryption; failure messages and stack traces are encoded too."""
    return dataclasses.replace(
        temporalio.converter.default(),
        payload_converter_class=KaijiPayloadConverter,
        payload_codec=EncryptionCodec(keyring, strict=True),
        failure_converter_class=temporalio.converter.DefaultFailureConverterWithEncodedAttributes,
    )
