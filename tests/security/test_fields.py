import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaiji.security.fields import (
    DecryptionError,
    FieldCipher,
    SearchKey,
    generate_search_key_spec,
    name_search_hash,
    normalise_name,
)
from kaiji.security.keys import KeyConfigError, KeyRing, b64url_decode, b64url_encode

K1, K2 = bytes(range(32)), bytes(range(32, 64))
CTX = "party:P-123:address"
ADDRESS = "東京都小金井市本町6-6-3"


def ring(*entries: tuple[str, bytes]) -> KeyRing:
    return KeyRing(entries)


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(ring(("k1", K1)))


def test_round_trip_and_token_shape(cipher):
    token = cipher.encrypt(ADDRESS, context=CTX)
    version, key_id, nonce, sealed = token.split(".")
    assert (version, key_id) == ("v1", "k1")
    assert len(b64url_decode(nonce)) == 12
    assert len(b64url_decode(sealed)) == len(ADDRESS.encode()) + 16
    assert ADDRESS not in token and "=" not in token
    assert cipher.decrypt(token, context=CTX) == ADDRESS


@pytest.mark.parametrize("plaintext", ["", "a", "山田 太郎", "x" * 10_000, "emoji 🙂\n\t"])
def test_round_trips_any_text(cipher, plaintext):
    assert cipher.decrypt(cipher.encrypt(plaintext, context=CTX), context=CTX) == plaintext


def test_nonce_is_fresh_each_time(cipher):
    tokens = {cipher.encrypt(ADDRESS, context=CTX) for _ in range(50)}
    assert len(tokens) == 50
    assert len({t.split(".")[2] for t in tokens}) == 50


@pytest.mark.parametrize("other", ["party:P-124:address", "party:P-123:phone", "party:P-123:address "])
def test_value_moved_to_another_row_or_column_fails(cipher, other):
    token = cipher.encrypt(ADDRESS, context=CTX)
    with pytest.raises(DecryptionError, match=r"key id 'k1' failed authentication") as info:
        cipher.decrypt(token, context=other)
    assert ADDRESS not in str(info.value)


def test_wrong_key_material_fails_clearly():
    token = FieldCipher(ring(("k1", K1))).encrypt(ADDRESS, context=CTX)
    with pytest.raises(DecryptionError, match=r"'k1' failed authentication.*wrong key material"):
        FieldCipher(ring(("k1", K2))).decrypt(token, context=CTX)


def test_unknown_key_id_is_named():
    token = FieldCipher(ring(("old", K1))).encrypt(ADDRESS, context=CTX)
    with pytest.raises(DecryptionError, match=r"key id 'old'.*not in the key ring \(known: new\)"):
        FieldCipher(ring(("new", K2))).decrypt(token, context=CTX)


def test_tampering_is_detected(cipher):
    token = cipher.encrypt(ADDRESS, context=CTX)
    version, key_id, nonce, sealed = token.split(".")
    raw = bytearray(b64url_decode(sealed))
    raw[0] ^= 1
    with pytest.raises(DecryptionError, match="failed authentication"):
        cipher.decrypt(".".join((version, key_id, nonce, b64url_encode(bytes(raw)))), context=CTX)
    raw = bytearray(b64url_decode(nonce))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError, match="failed authentication"):
        cipher.decrypt(".".join((version, key_id, b64url_encode(bytes(raw)), sealed)), context=CTX)


def test_relabelled_key_id_fails():
    both = FieldCipher(ring(("a", K1), ("b", K1)))  # same material under two ids
    token = both.encrypt(ADDRESS, context=CTX)
    relabelled = token.replace("v1.a.", "v1.b.", 1)
    with pytest.raises(DecryptionError):
        both.decrypt(relabelled, context=CTX)


@pytest.mark.parametrize(
    "bad",
    [
        "東京都小金井市本町6-6-3",
        "",
        "v1.k1.abc",
        "v2.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.k 1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA",
        "v1.k1.AAAA.AAAAAAAAAAAAAAAAAAAAAA",  # short nonce
        "v1.k1.AAAAAAAAAAAAAAAA.AAAA",  # shorter than the tag
        "v1.k1.AAAAAAAAAAAAAAAA.!!!!",
        "v1.k1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.extra",
    ],
)
def test_malformed_tokens_are_rejected_without_echo(cipher, bad):
    with pytest.raises(DecryptionError, match="not a v1 field token") as info:
        cipher.decrypt(bad, context=CTX)
    if bad:
        assert bad not in str(info.value)
    with pytest.raises(DecryptionError):
        cipher.key_id_of(bad)


def test_non_string_token_is_rejected(cipher):
    with pytest.raises(DecryptionError):
        cipher.decrypt(None, context=CTX)  # type: ignore[arg-type]


@pytest.mark.parametrize("context", ["", None])
def test_context_is_required(cipher, context):
    with pytest.raises(ValueError, match="context"):
        cipher.encrypt(ADDRESS, context=context)  # type: ignore[arg-type]


def test_rotation():
    old = FieldCipher(ring(("k1", K1)))
    token = old.encrypt(ADDRESS, context=CTX)
    rotated = FieldCipher(ring(("k2", K2), ("k1", K1)))
    assert rotated.key_id_of(token) == "k1"
    assert rotated.needs_rotation(token)
    assert rotated.decrypt(token, context=CTX) == ADDRESS
    fresh = rotated.reencrypt(token, context=CTX)
    assert rotated.key_id_of(fresh) == "k2" and not rotated.needs_rotation(fresh)
    assert rotated.decrypt(fresh, context=CTX) == ADDRESS
    assert rotated.reencrypt(fresh, context=CTX) != fresh  # always a fresh nonce
    with pytest.raises(DecryptionError):
        rotated.reencrypt(token, context="party:P-999:address")


def test_blobs_round_trip_rotate_and_refuse_moves_wrong_keys_and_text_tokens():
    pdf = b"%PDF-1.7\n" + bytes(range(256)) * 10
    old = FieldCipher(ring(("k1", K1)))
    blob = old.encrypt_bytes(pdf, context="notice:N-1:pdf")
    assert blob.startswith(b"b1.k1.") and old.primary_blob_header == b"b1.k1."
    assert len(blob) == len(b"b1.k1.") + 12 + len(pdf) + 16 and b"%PDF" not in blob
    assert old.decrypt_bytes(blob, context="notice:N-1:pdf") == pdf
    assert old.decrypt_bytes(old.encrypt_bytes(b"", context="c"), context="c") == b""
    with pytest.raises(DecryptionError, match="failed authentication for context 'notice:N-2:pdf'"):
        old.decrypt_bytes(blob, context="notice:N-2:pdf")
    with pytest.raises(DecryptionError, match="key id 'k1' failed authentication"):
        FieldCipher(ring(("k1", K2))).decrypt_bytes(blob, context="notice:N-1:pdf")
    with pytest.raises(DecryptionError, match="key id 'k1', which is not in the key ring"):
        FieldCipher(ring(("k2", K2))).decrypt_bytes(blob, context="notice:N-1:pdf")
    rotated = FieldCipher(ring(("k2", K2), ("k1", K1)))
    assert rotated.key_id_of(blob) == "k1" and rotated.needs_rotation(blob)
    fresh = rotated.reencrypt_bytes(blob, context="notice:N-1:pdf")
    assert fresh.startswith(b"b1.k2.") and not rotated.needs_rotation(fresh)
    assert rotated.decrypt_bytes(fresh, context="notice:N-1:pdf") == pdf
    token = old.encrypt(ADDRESS, context=CTX)  # a text token is not a blob, nor the other way round
    for bad in (token.encode(), pdf, b"b1.k1.short", b"", "b1.k1.text"):
        with pytest.raises(DecryptionError, match="not a b1 blob") as info:
            old.decrypt_bytes(bad, context=CTX)  # type: ignore[arg-type]
        assert "%PDF" not in str(info.value)
    with pytest.raises(DecryptionError, match="not a v1 field token"):
        old.decrypt(blob.decode("latin-1"), context=CTX)


# --- name search ------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "ヤマダ　タロウ",
        "やまだ たろう",
        "ﾔﾏﾀﾞ ﾀﾛｳ",
        "ヤマダタロウ",
        " やまだ\tたろう ",
        "ヤマダ・タロウ",
        "ﾔﾏﾀﾞ･ﾀﾛｳ",
        "ヤマダ タロウ",
        "ヤマタ\u3099タロウ",  # decomposed voiced mark
        "ヤマタ゛タロウ",  # spacing voiced mark
    ],
)
def test_kana_variants_normalise_equal(variant):
    assert normalise_name(variant) == "やまだたろう"


def test_latin_and_full_width_fold_case():
    assert normalise_name("Ｊｏｈｎ　ＳＭＩＴＨ") == normalise_name("john smith") == "johnsmith"
    assert normalise_name("Straße") == normalise_name("STRASSE")


def test_different_names_stay_different():
    assert normalise_name("山田太郎") != normalise_name("山田次郎")
    assert normalise_name("ヤマダ") != normalise_name("ヤマタ")  # dakuten matters
    assert normalise_name("ヴ") == "ゔ"


def test_search_hash_matches_across_spellings():
    key = SearchKey(bytes(32))
    h = name_search_hash(key, "ヤマダ　タロウ")
    assert h == name_search_hash(key, "やまだ たろう") == name_search_hash(key, "ﾔﾏﾀﾞ ﾀﾛｳ")
    assert len(h) == 64 and int(h, 16) >= 0
    assert h != name_search_hash(key, "やまだ じろう")
    assert name_search_hash(bytes(32), "やまだたろう") == h  # raw secret accepted


def test_search_hash_is_keyed():
    assert name_search_hash(bytes(32), "山田太郎") != name_search_hash(bytes([1]) * 32, "山田太郎")


def test_search_hash_refuses_the_encryption_key_ring():
    with pytest.raises(TypeError, match="dedicated search key"):
        name_search_hash(ring(("k1", K1)), "山田太郎")  # type: ignore[arg-type]


def test_search_hash_refuses_empty_names_and_short_secrets():
    with pytest.raises(ValueError, match="empty"):
        name_search_hash(bytes(32), " 　・")
    with pytest.raises(KeyConfigError, match="at least 32 bytes"):
        SearchKey(b"short")


def test_search_key_from_spec_and_file(tmp_path):
    spec = generate_search_key_spec()
    assert SearchKey.from_spec(spec).hash_name("太郎") == SearchKey(b64url_decode(spec)).hash_name("太郎")
    with pytest.raises(KeyConfigError, match="KAIJI_SEARCH_KEY is not valid base64url"):
        SearchKey.from_spec("not base64!")
    with pytest.raises(KeyConfigError, match="decodes to 3 bytes"):
        SearchKey.from_spec("AAAA")
    path = tmp_path / "search-key"
    first = SearchKey.load_or_create_file(path).hash_name("太郎")
    assert SearchKey.load_or_create_file(path).hash_name("太郎") == first
    assert spec not in repr(SearchKey.from_spec(spec))


@given(plaintext=st.text(), context=st.text(min_size=1))
def test_round_trip_property(plaintext, context):
    cipher = FieldCipher(ring(("k1", K1)))
    assert cipher.decrypt(cipher.encrypt(plaintext, context=context), context=context) == plaintext


@given(st.text())
def test_normalise_name_is_idempotent(name):
    assert normalise_name(normalise_name(name)) == normalise_name(name)
