"""The payload key of the saved histories under ``tests/replay/histories/``.

TEST-ONLY KEY. It is public (it is right here, in the repository) and protects
nothing: it exists only so that the recorded histories, whose payloads the
EncryptionCodec sealed with it, can be decoded again at replay time. Never put
it in KAIJI_ENCRYPTION_KEYS or use it anywhere outside the tests.
"""

from __future__ import annotations

from kaiji.security.keys import KeyRing

# key id "replay", key = base64url(b"kaiji replay histories test key!") (32 bytes)
REPLAY_KEY_SPEC = "replay:a2FpamkgcmVwbGF5IGhpc3RvcmllcyB0ZXN0IGtleSE"
REPLAY_KEYRING = KeyRing.from_spec(REPLAY_KEY_SPEC, source="tests/replay/keys.py")
