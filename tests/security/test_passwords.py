import re

import argon2
import pytest

from kaiji.security.passwords import DUMMY_HASH, InvalidHashError, PasswordHasher

PARAMS = re.compile(r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$")


@pytest.fixture(scope="module")
def hasher() -> PasswordHasher:
    return PasswordHasher()


def params(password_hash: str) -> tuple[int, int, int]:
    match = PARAMS.match(password_hash)
    assert match, password_hash
    m, t, p = map(int, match.groups())
    return m, t, p


def test_hash_is_argon2id_with_owasp_parameters(hasher):
    stored = hasher.hash("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    m, t, p = params(stored)
    assert m >= 19456 and t >= 2 and p == 1
    assert not hasher.needs_rehash(stored)


def test_salted(hasher):
    assert hasher.hash("same") != hasher.hash("same")


def test_verify(hasher):
    stored = hasher.hash("パスワード123")
    assert hasher.verify(stored, "パスワード123") is True
    assert hasher.verify(stored, "パスワード124") is False
    assert hasher.verify(stored, "") is False


def test_verify_does_not_raise_on_wrong_or_truncated_hash(hasher):
    stored = hasher.hash("x")
    assert hasher.verify(stored.rsplit("$", 1)[0] + "$", "x") is False
    other_type = argon2.PasswordHasher(type=argon2.Type.I).hash("x")
    assert hasher.verify(other_type.replace("$argon2i$", "$argon2id$"), "x") is False


def test_malformed_stored_hash_is_a_data_error(hasher):
    with pytest.raises(InvalidHashError):
        hasher.verify("not a hash", "x")


def test_weaker_hashes_need_rehash(hasher):
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=argon2.Type.ID).hash("pw")
    assert hasher.verify(weak, "pw")
    assert hasher.needs_rehash(weak)
    assert hasher.needs_rehash(argon2.PasswordHasher(type=argon2.Type.I).hash("pw"))
    assert hasher.needs_rehash(
        argon2.PasswordHasher(time_cost=2, memory_cost=19456, parallelism=4).hash("pw")
    )


def test_refuses_parameters_below_owasp():
    with pytest.raises(ValueError, match="19456"):
        PasswordHasher(memory_cost=8192)
    with pytest.raises(ValueError, match="time_cost"):
        PasswordHasher(time_cost=1)
    stronger = PasswordHasher(memory_cost=47104, time_cost=3)
    assert params(stronger.hash("x")) == (47104, 3, 1)


def test_dummy_hash_matches_the_default_cost(hasher):
    assert params(DUMMY_HASH) == params(hasher.hash("x"))
    assert not hasher.needs_rehash(DUMMY_HASH)
    assert hasher.verify(DUMMY_HASH, "") is False
    assert hasher.verify(DUMMY_HASH, "password") is False
