"""The secrets a process needs: encryption keys, the name-search key, the token key.

From ``KAIJI_*`` settings in production; otherwise from files under the data
folder, created on first use with mode 0600 (``kaiji up --demo`` on a laptop).
"""

from __future__ import annotations

from dataclasses import dataclass

from kaiji.security.fields import FieldCipher, SearchKey
from kaiji.security.keys import KeyRing, b64url_decode, b64url_encode, read_or_create_secret_file
from kaiji.settings import Settings


@dataclass(frozen=True)
class Secrets:
    keyring: KeyRing
    search_key: SearchKey
    token_key: bytes
    # Seals actions sent to Temporal (kaiji/security/action_seal.py); None only in tests that build Secrets.
    seal_key: bytes | None = None

    @property
    def cipher(self) -> FieldCipher:
        return FieldCipher(self.keyring)


def load_secrets(settings: Settings) -> Secrets:
    folder = settings.data_path / "secrets"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    keyring = (
        KeyRing.from_spec(settings.encryption_keys)
        if settings.encryption_keys
        else KeyRing.load_or_create_file(folder / "encryption_keys")
    )
    search = (
        SearchKey.from_spec(settings.search_key)
        if settings.search_key
        else SearchKey.load_or_create_file(folder / "search_key")
    )
    if settings.token_secret:
        token_key = settings.token_secret.encode()
    else:
        import os

        spec = read_or_create_secret_file(folder / "token_key", lambda: b64url_encode(os.urandom(32)))
        token_key = b64url_decode(spec.strip())
    if settings.seal_key:
        seal_key = settings.seal_key.encode()
    else:
        import os

        spec = read_or_create_secret_file(folder / "seal_key", lambda: b64url_encode(os.urandom(32)))
        seal_key = b64url_decode(spec.strip())
    return Secrets(keyring=keyring, search_key=search, token_key=token_key, seal_key=seal_key)
