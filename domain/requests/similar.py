"""Has the same requester asked for much the same thing recently? A warning at the counter, never a refusal.

The ordinance lets anyone ask again (情報公開条例 has no bar on repeated requests); the counter only wants to
tell the requester that an earlier request is still open or was answered, so a second one may not be needed.
"Similar": the subjects, normalised (NFKC, without spaces and punctuation), are equal, one contains the other,
or difflib's ratio is at least ``THRESHOLD`` — generous on purpose, since a false warning costs one click.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from difflib import SequenceMatcher

WINDOW_DAYS = 30
THRESHOLD = 0.6
_DROP = set(" \t\r\n　、。・,.()（）「」『』")


@dataclass(frozen=True)
class EarlierRequest:
    case_id: str
    subject: str
    received_on: date


def window_start(today: date) -> date:
    """The first day of the 30-day look-back (today counted as the 30th day)."""
    return today - timedelta(days=WINDOW_DAYS - 1)


def _norm(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch not in _DROP)


def is_similar(a: str, b: str) -> bool:
    x, y = _norm(a), _norm(b)
    if not x or not y:
        return False
    return x == y or x in y or y in x or SequenceMatcher(None, x, y).ratio() >= THRESHOLD


def similar_requests(subject: str, earlier: list[EarlierRequest], today: date) -> list[EarlierRequest]:
    """The earlier requests within the window whose subject is similar to ``subject``."""
    start = window_start(today)
    return [e for e in earlier if e.received_on >= start and is_similar(subject, e.subject)]
