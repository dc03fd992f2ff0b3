"""Temporal payload encryption, so the Temporal server never stores plaintext case data.

Wire format follows the official ``encryption`` sample in
temporalio/samples-python (and its Go/TypeScript twins): the serialised
``Payload`` proto is sealed with AES-256-GCM as ``nonce(12) || ciphertext+tag``
and carried in a new payload with metadata ``encoding: binary/encrypted`` and
``encryption-key-id: <id>``. Encoding uses the key ring's primary key; decoding
accepts any key in the ring, so histories stay readable across rotation.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Sequence

import temporalio.converter
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload

from kaiji.security.fields import DecryptionError
from kaiji.security.keys import KeyRing

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
_NONCE_BYTES = 12
_TAG_BYTES = 16


class PayloadDecryptionError(DecryptionError):
    """An encrypted Temporal payload could not be decrypted."""


class EncryptionCodec(temporalio.converter.PayloadCodec):
    """AES-GCM payload codec built from a :class:`KeyRing`."""

    def __init__(self, keyring: KeyRing) -> None:
        super().__init__()
        self._keyring = keyring
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
                decoded.append(payload)  # not ours (e.g. written before encryption was on)
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


def data_converter(keyring: KeyRing) -> temporalio.converter.DataConverter:
    """The default converter plus encryption; failure messages and stack traces are encoded too."""
    return dataclasses.replace(
        temporalio.converter.default(),
        payload_codec=EncryptionCodec(keyring),
        failure_converter_class=temporalio.converter.DefaultFailureConverterWithEncodedAttributes,
    )
