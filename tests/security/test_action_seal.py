"""The action seal (kaiji/security/action_seal.py) binds a command to its case, action, update id and key."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.actors import Actor
from domain.requests import commands as c
from kaiji.security.action_seal import HEADER, ActionSeal

KEY = b"k" * 32
CMD = c.ApproveDecision(actor=Actor("kacho", "approver", "toshi"), expires_at=datetime(2026, 12, 3, tzinfo=UTC))


def test_a_seal_verifies_only_what_it_was_made_for() -> None:
    seal = ActionSeal(KEY)
    headers = seal.header({}, "update", "R-2026-00001", "approve-decision", [CMD], "u-1")
    assert seal.verify(headers, "update", "R-2026-00001", "approve-decision", [CMD], "u-1")
    forged_actor = c.ApproveDecision(actor=Actor("mallory", "approver", "toshi"), expires_at=CMD.expires_at)
    later = c.ApproveDecision(actor=CMD.actor, expires_at=datetime(2026, 12, 4, tzinfo=UTC))
    for other in (("update", "R-2026-00002", "approve-decision", [CMD], "u-1"),  # another case
                  ("update", "R-2026-00001", "return-draft", [CMD], "u-1"),  # another action
                  ("update", "R-2026-00001", "approve-decision", [CMD], "u-2"),  # another update id
                  ("update", "R-2026-00001", "approve-decision", [forged_actor], "u-1"),  # another actor
                  ("update", "R-2026-00001", "approve-decision", [later], "u-1"),  # a later expiry
                  ("start", "R-2026-00001", "approve-decision", [CMD], "u-1")):  # another kind
        assert not seal.verify(headers, *other), other
    assert not ActionSeal(b"w" * 32).verify(headers, "update", "R-2026-00001", "approve-decision", [CMD], "u-1")
    assert not seal.verify({}, "update", "R-2026-00001", "approve-decision", [CMD], "u-1")
    assert headers[HEADER].data.startswith(b"v1:")


def test_a_short_seal_key_is_refused() -> None:
    import pytest

    with pytest.raises(ValueError):
        ActionSeal(b"short")


def test_a_signal_seal_binds_the_request_the_signal_and_the_outcome() -> None:
    from dataclasses import replace

    from domain.events import ChallengeOutcome

    seal = ActionSeal(KEY)
    outcome = ChallengeOutcome("A-2026-00001", "rejected", "2026-12-03")
    sealed = seal.seal_signal("R-2026-00001", "challenge-concluded", outcome)
    assert sealed.seal.startswith("v1:") and replace(sealed, seal="") == outcome
    assert seal.verify_signal("R-2026-00001", "challenge-concluded", sealed)
    for wid, name, arg in (("R-2026-00002", "challenge-concluded", sealed),  # another request
                           ("R-2026-00001", "challenge-linked", sealed),  # another signal
                           ("R-2026-00001", "challenge-concluded", replace(sealed, result="granted", reopen=True)),
                           ("R-2026-00001", "challenge-concluded", outcome)):  # no seal at all
        assert not seal.verify_signal(wid, name, arg), (wid, name, arg)
    assert not ActionSeal(b"w" * 32).verify_signal("R-2026-00001", "challenge-concluded", sealed)
    assert not seal.verify_signal("R-2026-00001", "challenge-concluded", {"seal": sealed.seal})  # not ours
