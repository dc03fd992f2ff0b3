"""One event-sourced state machine's bookkeeping: handlers per event type, evolve, fold.

Requests, appeals and suits each declare their handlers with ``@machine.on("EventType")``;
``evolve`` applies one event (unknown types only advance the version), ``fold`` rebuilds a
state from its stream. The workflow and the projection call the same functions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, Protocol, TypeVar


class Versioned(Protocol):
    version: int


S = TypeVar("S", bound=Versioned)
Handler = Callable[[Any, dict[str, Any]], None]


class Evolver(Generic[S]):
    def __init__(self, new_state: Callable[[], S]) -> None:
        self.new_state = new_state
        self.handlers: dict[str, Handler] = {}

    def on(self, event_type: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.handlers[event_type] = fn
            return fn

        return register

    def evolve(self, state: S, event_type: str, data: dict[str, Any]) -> S:
        handler = self.handlers.get(event_type)
        if handler is not None:
            handler(state, data)
        state.version += 1
        return state

    def fold(self, events: Iterable[tuple[str, dict[str, Any]]]) -> S:
        state = self.new_state()
        for event_type, data in events:
            self.evolve(state, event_type, data)
        return state
