import json
import logging
import time
from dataclasses import dataclass

import pytest
import structlog
from hypothesis import given
from hypothesis import strategies as st

from kaiji.security.redact import (
    REDACTED,
    is_personal_key,
    mask_personal_text,
    redact_personal_data,
)


def run(event_dict):
    return redact_personal_data(None, "info", event_dict)


@pytest.mark.parametrize(
    "key",
    """
    name Name NAME requester_name address phone email password token access_token Authorization
    contact party requester requester-email contact_phone db_password csrf_token client_secret
    Set-Cookie my_number date_of_birth postal_code full_name name_kana
    """.split(),
)
def test_personal_keys(key):
    assert is_personal_key(key)
    assert run({"event": "x", key: "secret value"})[key] == REDACTED


@pytest.mark.parametrize(
    "key",
    [
        *"""
        event request_id party_id workflow_id workflow_type task_queue logger level timestamp
        filename queue_name temporal_address token_count max_tokens status deadline
        """.split(),
        42,
    ],
)
def test_operational_keys_are_kept(key):
    assert not is_personal_key(key)
    assert run({key: "R-2025-00017"})[key] == "R-2025-00017"


def test_nested_values_are_redacted_without_mutating_the_input():
    payload = {
        "request_id": "R-2025-00017",
        "body": {"requester": {"name": "山田太郎"}, "parties": ["a"], "pages": 3},
        "items": [{"email": "a@b.jp", "kind": "doc"}, ("x", {"phone": "1"})],
    }
    snapshot = json.dumps(payload, ensure_ascii=False)
    out = run({"event": "received", "payload": payload})
    assert out["payload"] == {
        "request_id": "R-2025-00017",
        "body": {"requester": REDACTED, "parties": REDACTED, "pages": 3},
        "items": [{"email": REDACTED, "kind": "doc"}, ("x", {"phone": REDACTED})],
    }
    assert json.dumps(payload, ensure_ascii=False) == snapshot


def test_none_stays_none_and_non_strings_pass_through():
    out = run({"email": None, "count": 7, "ratio": 0.5, "ok": True, "party": {"id": 1}})
    assert out == {"email": None, "count": 7, "ratio": 0.5, "ok": True, "party": REDACTED}


@dataclass
class Party:
    party_id: str
    name: str
    address: str


def test_dataclasses_are_redacted_by_field():
    out = run({"event": "saved", "subject": Party("P-1", "山田太郎", "東京都")})
    assert out["subject"] == {"party_id": "P-1", "name": REDACTED, "address": REDACTED}


def test_structlog_internals_pass_through():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "taro@example.com", (), None)
    out = run({"event": "x", "_record": record, "_from_structlog": True})
    assert out["_record"] is record


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail taro.yamada+x@example.co.jp now", "mail [email] now"),
        ("連絡先: taro@example.com。", "連絡先: [email]。"),
        ("call 042-387-9999 today", "call [phone] today"),
        ("携帯090-1234-5678まで", "携帯[phone]まで"),
        ("tel 03-1234-5678.", "tel [phone]."),
        ("0423879999", "[phone]"),
        ("09012345678", "[phone]"),
        ("(042)387-9999", "[phone]"),
        ("042(387)9999", "[phone]"),
        ("042 387 9999", "[phone]"),
        ("０４２－３８７－９９９９", "[phone]"),
        ("042ー387ー9999", "[phone]"),
        ("0120-123-456", "[phone]"),
        ("TEL:042-387-9999", "TEL:[phone]"),
        ("TEL.03-1234-5678", "TEL.[phone]"),
        ("+81 42 387 9999", "[phone]"),
        ("+81-90-1234-5678", "[phone]"),
        ("+81 (0)42-387-9999", "[phone]"),
        ("+1 555 123 4567", "[phone]"),
        ("〒184-8504 東京都小金井市本町6-6-3、担当", "[address]、担当"),
        ("〒1848504", "[address]"),
        ("郵便番号：184-8504", "[address]"),
        ("Authorization: Bearer abc.def-ghi_jkl", "Authorization: Bearer [token]"),
        ("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-nature_x end", "jwt [token] end"),
        ("password=hunter2 user=x", f"password={REDACTED} user=x"),
        ('{"db_password": "p@ss word"}', f'{{"db_password": {REDACTED}}}'),
        ("?access_token=abc123&x=1", f"?access_token={REDACTED}&x=1"),
        (
            "postgresql://kaiji:s3cret@localhost:5432/kaiji",
            f"postgresql://kaiji:{REDACTED}@localhost:5432/kaiji",
        ),
    ],
)
def test_personal_text_is_masked(text, expected):
    assert mask_personal_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-17",
        "2025-03-17T09:30:00+09:00",
        "deadline 2025-03-17 (14 days)",
        "2025/03/17",
        "2025年03月17日",
        "R-2025-00017",
        "A-2025-003 and L-2025-001",
        "request R-2025-00017 appeal A-2025-003",
        "temporal at localhost:7233, api on 0.0.0.0:8000",
        "version 1.35.0 (python 3.11.9)",
        "0.30.1",
        "ratio 3.0423879999",
        "took 0.0123 s",
        "pages 0123 to 0456",
        "workflow R-2025-00017-notice-0001",
        "uuid 01234567-0123-4567-89ab-0123456789ab",
        "sha 0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "tz +0900 and UTC+09:00",
        "+1 retry",
        "counts 0 1 2 3 4 5 6 7 8 9",
        "1700000000",
        "00000000000",
        "184-8504",
        "basic information",
        "the bearer of this letter",
        "tokens: 5, token_count=3",
        "user@localhost",
        "東京都小金井市",
        "v1.k1.AAAAAAAAAAAAAAAA.AAAA",
    ],
)
def test_operational_text_survives(text):
    assert mask_personal_text(text) == text


def test_event_message_is_masked():
    out = run({"event": "sent notice to taro@example.com", "request_id": "R-2025-00017"})
    assert out == {"event": "sent notice to [email]", "request_id": "R-2025-00017"}


def test_tracebacks_are_formatted_then_masked():
    try:
        raise ValueError("duplicate key (email)=(taro@example.com)")
    except ValueError as exc:
        out = run({"event": "insert failed", "exc_info": exc})
    assert "exc_info" not in out
    assert "ValueError" in out["exception"]
    assert "taro@example.com" not in out["exception"] and "[email]" in out["exception"]


def test_in_a_structlog_pipeline():
    lines: list[str] = []
    structlog.configure(
        processors=[redact_personal_data, structlog.processors.JSONRenderer(ensure_ascii=False)],
        logger_factory=lambda *_: _Collect(lines),
        cache_logger_on_first_use=False,
    )
    try:
        structlog.get_logger().info(
            "request received",
            request_id="R-2025-00017",
            requester={"name": "山田"},
            note="tel 090-1234-5678",
        )
    finally:
        structlog.reset_defaults()
    assert json.loads(lines[0]) == {
        "event": "request received",
        "request_id": "R-2025-00017",
        "requester": REDACTED,
        "note": "tel [phone]",
    }


class _Collect:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def msg(self, message: str) -> None:
        self.lines.append(message)

    info = msg


@pytest.mark.parametrize(
    "blob",
    [
        "a" * 50_000,
        "a." * 25_000,
        "0" * 50_000,
        "0-" * 25_000,
        "%" * 50_000,
        "x@" + "a." * 25_000,
        "(0" * 25_000,
    ],
)
def test_long_inputs_take_linear_time(blob):
    start = time.perf_counter()
    mask_personal_text(blob)
    assert time.perf_counter() - start < 0.5  # quadratic patterns took seconds here


@given(st.text(max_size=300))
def test_masking_never_fails_and_is_stable(text):
    once = mask_personal_text(text)
    assert mask_personal_text(once) == once
