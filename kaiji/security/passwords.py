"""Staff password hashing: argon2id with OWASP parameters (m=19 MiB, t=2, p=1).

Log-in for an unknown user should still pay for one verification, so that
response time does not reveal which user names exist::

    ok = hasher.verify(user.password_hash if user else DUMMY_HASH, password) and user is not None
"""

from __future__ import annotations

import argon2
from argon2.exceptions import InvalidHashError, VerificationError

MIN_MEMORY_COST_KIB = 19456
MIN_TIME_COST = 2
PARALLELISM = 1

# argon2id hash of a random, discarded password, made with the default parameters
# below (a test checks they match). A constant, so importing costs no hashing.
DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1$ybeXATQFMkYfouyFL3bjsQ$MR20xe78ar/+goQOPKcz1Dd6ldEepCs7XGCJJFwPqec"
)

__all__ = ["DUMMY_HASH", "InvalidHashError", "PasswordHasher"]


class PasswordHasher:
    """argon2id hashing that never goes below the OWASP minimum."""

    def __init__(self, *, memory_cost: int = MIN_MEMORY_COST_KIB, time_cost: int = MIN_TIME_COST) -> None:
        if memory_cost < MIN_MEMORY_COST_KIB or time_cost < MIN_TIME_COST:
            raise ValueError(
                f"argon2id needs memory_cost >= {MIN_MEMORY_COST_KIB} KiB and time_cost >= {MIN_TIME_COST}"
            )
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=PARALLELISM,
            hash_len=32,
            salt_len=16,
            type=argon2.Type.ID,
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        """True if ``password`` matches; False for a wrong password.

        Raises ``InvalidHashError`` only when the *stored* hash is malformed
        (a data problem, not a wrong password).
        """
        try:
            return self._hasher.verify(password_hash, password)
        except VerificationError:  # includes VerifyMismatchError
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        """True if the hash was made with other parameters (or not argon2id); rehash on next log-in."""
        return self._hasher.check_needs_rehash(password_hash)
