"""Every event a request, an appeal or a suit can record has a Japanese label on the timeline (issue 11)."""

import pytest

from api.presenters import EVENT_LABELS
from domain.appeals import state as appeal_state
from domain.litigation import state as suit_state
from domain.requests import evolve as request_evolve


@pytest.mark.parametrize("module", [request_evolve, appeal_state, suit_state], ids=["request", "appeal", "suit"])
def test_every_event_type_has_a_japanese_label(module) -> None:
    missing = sorted(set(module._machine.handlers) - set(EVENT_LABELS))
    assert not missing, f"no timeline label for {missing}"
    assert all(any(ord(ch) > 0x3000 for ch in label) for label in EVENT_LABELS.values())
