"""`kaiji up` keeps the stack alive: a dead worker or API is restarted with backoff, and the stack gives up
only when a child keeps dying (issue 17)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kaiji.processes import RestartPolicy, Supervisor

EXITS = [sys.executable, "-c", "import sys; sys.exit(3)"]
SLEEPS = [sys.executable, "-c", "import time; time.sleep(60)"]


def _tend_until(sup: Supervisor, policy: RestartPolicy, within: float) -> object:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        dead = sup.tend(policy)
        if dead is not None:
            return dead
        time.sleep(0.02)
    return None


def test_a_dying_child_is_restarted_with_backoff_then_given_up(tmp_path: Path) -> None:
    said: list[str] = []
    sup = Supervisor(log_dir=tmp_path, notify=said.append)
    keeps = sup.start("api", SLEEPS, restartable=True)
    dying = sup.start("worker", EXITS, restartable=True)
    first_pid = dying.process.pid
    policy = RestartPolicy(limit=3, window=30, base_delay=0.05, max_delay=0.2)
    try:
        started = time.monotonic()
        dead = _tend_until(sup, policy, within=20)
        assert dead is dying, said
        assert dying.process.pid != first_pid  # it was started again (three times) before the stack gave up
        restarts = [m for m in said if m.startswith("kaiji: worker restarted")]
        assert len(restarts) == 3, said
        assert "restarting in 0.1s (2/3" in " ".join(said)  # the delay doubles: 0.05, 0.1, 0.2
        assert said[-1].startswith("kaiji: worker exited (code 3) 4 times within 30s; giving up")
        assert time.monotonic() - started >= 0.05 + 0.1 + 0.2
        assert keeps.process.poll() is None  # the healthy child was never touched
    finally:
        sup.stop_all(timeout=5)


def test_deaths_outside_the_window_do_not_count() -> None:
    policy = RestartPolicy(limit=2, window=10, base_delay=1, max_delay=4)
    from collections import deque

    deaths: deque[float] = deque()
    assert policy.next_delay(deaths, 0) == 1
    assert policy.next_delay(deaths, 1) == 2
    assert policy.next_delay(deaths, 2) is None  # third death within 10 s: give up
    deaths.clear()
    assert [policy.next_delay(deaths, t) for t in (0, 11, 22, 33)] == [1, 1, 1, 1]  # one at a time: fine


def test_a_child_that_is_not_restartable_stops_the_stack(tmp_path: Path) -> None:
    sup = Supervisor(log_dir=tmp_path, notify=lambda _m: None)
    child = sup.start("postgres", EXITS)
    try:
        assert _tend_until(sup, RestartPolicy(), within=10) is child
    finally:
        sup.stop_all(timeout=5)
