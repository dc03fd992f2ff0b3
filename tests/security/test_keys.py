import base64
import os
import re
import stat
import threading

import pytest

from kaiji.security.keys import (
    KEY_BYTES,
    KeyConfigError,
    KeyRing,
    UnknownKeyError,
    b64url_decode,
    b64url_encode,
    generate_key_spec,
)

K1 = bytes(range(32))
K2 = bytes(range(32, 64))
K1_TEXT = b64url_encode(K1)
K2_TEXT = b64url_encode(K2)


def test_first_key_is_primary_and_all_are_available():
    ring = KeyRing.from_spec(f"new:{K1_TEXT}, old:{K2_TEXT}")
    assert ring.primary_id == "new"
    assert ring.ids == ("new", "old")
    assert ring.key("new") == K1
    assert ring.key("old") == K2
    assert "old" in ring and "gone" not in ring


def test_padded_base64url_is_accepted():
    padded = base64.urlsafe_b64encode(K1).decode()
    assert padded.endswith("=")
    assert KeyRing.from_spec(f"k1:{padded}").key("k1") == K1


def test_unknown_key_id_names_it():
    ring = KeyRing.from_spec(f"k1:{K1_TEXT}")
    with pytest.raises(UnknownKeyError, match=r"'k9'.*known: k1"):
        ring.key("k9")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", r"KAIJI_ENCRYPTION_KEYS is empty"),
        ("   ", r"is empty"),
        (f"k1:{K1_TEXT},", r"entry 2 is empty"),
        (K1_TEXT, r"entry 1 has no ':'"),
        (f"bad id:{K1_TEXT}", r"entry 1 has an invalid key id"),
        (f"k.1:{K1_TEXT}", r"entry 1 has an invalid key id"),
        (f"{'x' * 33}:{K1_TEXT}", r"entry 1 has an invalid key id"),
        (f":{K1_TEXT}", r"entry 1 has an invalid key id"),
        ("k1:not*base64!", r"entry 1 \(key id 'k1'\): key is not valid base64url"),
        ("k1:", r"entry 1 \(key id 'k1'\): key is not valid base64url"),
        (f"k1:{b64url_encode(b'short')}", r"key decodes to 5 bytes, expected 32"),
        (f"k1:{b64url_encode(bytes(64))}", r"key decodes to 64 bytes, expected 32"),
        (f"k1:{K1_TEXT},k2:{K2_TEXT},k1:{K2_TEXT}", r"entry 3: duplicate key id 'k1' \(also entry 1\)"),
    ],
)
def test_bad_specs_are_explained(spec, message):
    with pytest.raises(KeyConfigError, match=message):
        KeyRing.from_spec(spec)


@pytest.mark.parametrize(
    "spec",
    [
        f"{K1_TEXT}:k1",  # id and key swapped
        f"k1:{K1_TEXT[:-2]}!!",
        f"k1:{b64url_encode(K1 + b'x')}",
        f"k1:{K1_TEXT},k1:{K2_TEXT}",
    ],
)
def test_messages_never_contain_key_material(spec):
    with pytest.raises(KeyConfigError) as info:
        KeyRing.from_spec(spec)
    message = str(info.value)
    for secret in (K1_TEXT, K2_TEXT, K1_TEXT[:20], K2_TEXT[:20]):
        assert secret not in message


def test_repr_hides_keys():
    ring = KeyRing.from_spec(f"k1:{K1_TEXT}")
    assert K1_TEXT not in repr(ring) and repr(K1) not in repr(ring)
    assert "k1" in repr(ring)


def test_constructor_validates():
    with pytest.raises(KeyConfigError, match="at least one key"):
        KeyRing([])
    with pytest.raises(KeyConfigError, match="exactly 32 bytes"):
        KeyRing([("k1", b"short")])
    with pytest.raises(KeyConfigError, match="duplicate"):
        KeyRing([("k1", K1), ("k1", K2)])


def test_generate_key_spec():
    spec = generate_key_spec()
    key_id, _, material = spec.partition(":")
    assert re.fullmatch(r"k\d{8}[0-9a-f]{4}", key_id)
    assert len(b64url_decode(material)) == KEY_BYTES
    assert generate_key_spec() != spec
    assert KeyRing.from_spec(spec).primary_id == key_id
    assert generate_key_spec("prod-2026").startswith("prod-2026:")
    with pytest.raises(KeyConfigError):
        generate_key_spec("no spaces")


def test_b64url_decode_rejects_garbage():
    for text in ("", "a b", "ab+/", "abc==="):
        with pytest.raises(ValueError):
            b64url_decode(text)


def test_load_or_create_file_creates_0600_and_is_stable(tmp_path):
    path = tmp_path / "secrets" / "keys"
    ring = KeyRing.load_or_create_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text().strip().splitlines()) == 1
    again = KeyRing.load_or_create_file(path)
    assert again.ids == ring.ids and again.key(ring.primary_id) == ring.key(ring.primary_id)
    assert [p.name for p in path.parent.iterdir()] == ["keys"]  # no temp file left


def test_load_reads_multi_line_files_with_comments(tmp_path):
    path = tmp_path / "keys"
    path.write_text(f"# rotated 2026-01\nnew:{K1_TEXT}\n\nold:{K2_TEXT}\n")
    path.chmod(0o600)
    assert KeyRing.load_or_create_file(path).ids == ("new", "old")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_load_refuses_group_or_other_access(tmp_path, mode):
    path = tmp_path / "keys"
    path.write_text(f"k1:{K1_TEXT}\n")
    path.chmod(mode)
    with pytest.raises(KeyConfigError, match=rf"group/others \(mode {mode:04o}\).*chmod 600"):
        KeyRing.load_or_create_file(path)


def test_load_reports_file_errors_with_path(tmp_path):
    path = tmp_path / "keys"
    path.write_text("# nothing here\n")
    path.chmod(0o600)
    with pytest.raises(KeyConfigError, match="holds no keys"):
        KeyRing.load_or_create_file(path)
    path.write_text("k1:nope\n")
    with pytest.raises(KeyConfigError, match=rf"{re.escape(str(path))} entry 1"):
        KeyRing.load_or_create_file(path)


def test_concurrent_creators_agree_on_one_key(tmp_path):
    path = tmp_path / "keys"
    results: list[KeyRing] = []
    threads = [
        threading.Thread(target=lambda: results.append(KeyRing.load_or_create_file(path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({ring.primary_id for ring in results}) == 1
    assert os.listdir(tmp_path) == ["keys"]
