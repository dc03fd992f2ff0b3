from dataclasses import dataclass

import pytest
import temporalio.converter
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.exceptions import ApplicationError

from kaiji.security.codec import (
    ENCODING,
    KEY_ID_METADATA,
    EncryptionCodec,
    PayloadDecryptionError,
    data_converter,
)
from kaiji.security.keys import KeyRing

CANARY = "CANARY-山田太郎-042-387-9999"


@dataclass
class RequestPayload:
    request_id: str
    requester_name: str
    pages: int = 0


def ring(*entries: tuple[str, bytes]) -> KeyRing:
    return KeyRing(entries)


K1, K2 = bytes(range(32)), bytes(range(32, 64))


async def test_round_trip_hides_the_canary():
    converter = data_converter(ring(("k1", K1)))
    value = RequestPayload("R-2025-00017", CANARY, 3)
    payloads = await converter.encode([value, CANARY])
    for payload in payloads:
        wire = payload.SerializeToString()
        assert CANARY.encode() not in wire
        assert "山田".encode() not in wire
        assert payload.metadata["encoding"] == ENCODING
        assert payload.metadata[KEY_ID_METADATA] == b"k1"
    decoded = await converter.decode(payloads, [RequestPayload, str])
    assert decoded == [value, CANARY]


async def test_other_keyring_cannot_decode():
    """The processes' converter refuses a wrongly keyed payload as a failure (not an error the SDK would
    retry for ever); the Web UI's lenient codec names the key."""
    payloads = await data_converter(ring(("k1", K1))).encode([RequestPayload("R-1", CANARY)])
    with pytest.raises(ApplicationError, match=r"key id 'k1'.*not in the key ring \(known: k2\)") as refused:
        await data_converter(ring(("k2", K2))).decode(payloads, [RequestPayload])
    assert refused.value.type == "unsealed" and refused.value.non_retryable
    with pytest.raises(ApplicationError, match=r"'k1' failed authentication") as info:
        await data_converter(ring(("k1", K2))).decode(payloads, [RequestPayload])
    assert CANARY not in str(info.value)
    with pytest.raises(PayloadDecryptionError, match=r"'k1' failed authentication"):
        await EncryptionCodec(ring(("k1", K2))).decode(payloads)


async def test_processes_refuse_unencrypted_payloads():
    """Issue 17: a payload a raw Temporal client sent without the codec is never read as a value."""
    plain = await temporalio.converter.default().encode([RequestPayload("R-1", "forged")])
    with pytest.raises(ApplicationError, match="not encrypted") as refused:
        await data_converter(ring(("k1", K1))).decode(plain, [RequestPayload])
    assert refused.value.non_retryable


async def test_rotated_ring_still_reads_old_payloads():
    old = await data_converter(ring(("k1", K1))).encode([CANARY])
    rotated = data_converter(ring(("k2", K2), ("k1", K1)))
    assert await rotated.decode(old, [str]) == [CANARY]
    new = await rotated.encode([CANARY])
    assert new[0].metadata[KEY_ID_METADATA] == b"k2"


async def test_the_ui_codec_passes_unencrypted_payloads_through():
    plain = await temporalio.converter.default().encode([CANARY])
    codec = EncryptionCodec(ring(("k1", K1)))
    assert await codec.decode(plain) == plain


async def test_codec_preserves_original_metadata_and_uses_fresh_nonces():
    codec = EncryptionCodec(ring(("k1", K1)))
    original = Payload(metadata={"encoding": b"json/plain", "x": b"y"}, data=b'"hello"')
    first, second = await codec.encode([original, original])
    assert first.data != second.data
    assert await codec.decode([first, second]) == [original, original]


@pytest.mark.parametrize(
    ("metadata", "data", "message"),
    [
        ({"encoding": ENCODING}, b"x" * 40, "no 'encryption-key-id' metadata"),
        ({"encoding": ENCODING, KEY_ID_METADATA: b"k1"}, b"short", "failed authentication"),
        ({"encoding": ENCODING, KEY_ID_METADATA: b"k1"}, b"", "failed authentication"),
    ],
)
async def test_malformed_encrypted_payloads_fail_clearly(metadata, data, message):
    codec = EncryptionCodec(ring(("k1", K1)))
    with pytest.raises(PayloadDecryptionError, match=message):
        await codec.decode([Payload(metadata=metadata, data=data)])


async def test_failure_messages_and_stack_traces_are_encrypted():
    converter = data_converter(ring(("k1", K1)))
    try:
        raise ApplicationError(f"cannot reach {CANARY}", type="Unreachable", non_retryable=True)
    except ApplicationError as exc:
        error = exc
    failure = Failure()
    await converter.encode_failure(error, failure)
    wire = failure.SerializeToString()
    assert CANARY.encode() not in wire
    assert failure.message == "Encoded failure"
    assert failure.stack_trace == ""
    assert failure.HasField("encoded_attributes")
    restored = await converter.decode_failure(failure)
    assert isinstance(restored, ApplicationError)
    assert CANARY in restored.message
    assert restored.type == "Unreachable"
