"""Commands expire (domain/expiry.py): refused after their instant, and never for an old command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.actors import Actor
from domain.appeals.commands import ReferToCouncil
from domain.errors import Refusal
from domain.expiry import EXPIRED, check_fresh
from domain.litigation.commands import RecordFinal
from domain.requests.commands import DraftDecision

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
ACTOR = Actor("shinsa", "reviewer", "toshi")


@pytest.mark.parametrize("cls", [DraftDecision, ReferToCouncil, RecordFinal])
def test_a_command_past_its_expiry_is_refused(cls: type) -> None:
    check_fresh(cls(actor=ACTOR, expires_at=NOW), NOW)  # at the instant itself: still taken
    with pytest.raises(Refusal) as exc:
        check_fresh(cls(actor=ACTOR, expires_at=NOW), NOW + timedelta(milliseconds=1))
    assert exc.value.code == EXPIRED and " / " in exc.value.message  # bilingual


def test_a_command_without_expiry_is_never_refused_for_it() -> None:
    """Commands in histories recorded before the rule decode without ``expires_at``: no check."""
    check_fresh(DraftDecision(actor=ACTOR), NOW + timedelta(days=3650))
