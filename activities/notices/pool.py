"""Rendering notices in worker processes (issue 15), so the Temporal worker's event loop is never pinned.

A render is ~100–140 ms of pure-Python CPU (fpdf2 layout, fontTools subsetting). In a thread it still holds
the GIL, so workflow tasks and ``record_events`` of other cases wait behind it and one process can use one
core at most. :class:`RenderPool` sends the render to a ``ProcessPoolExecutor`` of
``KAIJI_RENDER_PROCESSES`` processes (started with ``spawn``: the worker runs Temporal's threads, which
``fork`` must not copy). Each process parses the font once (``fonts._prototype``, ``fonts._decompiled``) when it starts and
gets SIGTERM when the worker dies, even by SIGKILL (``PR_SET_PDEATHSIG``), so no render process outlives it.
The bytes are the same as in-process: the render is pure (``tests/notices``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .render import render
from .types import RenderedNotice

__all__ = ["RenderPool"]


def _warm() -> None:
    from .fonts import _decompiled, _prototype

    _prototype()
    _decompiled()


def _init() -> None:
    """In each render process: end with the worker even if it is killed (no orphans), parse the font."""
    from kaiji.processes import _die_with_parent

    _die_with_parent()
    _warm()


class RenderPool:
    """``await pool.render(notice_type, data)``: in a worker process, or in a thread when ``processes`` is 0."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_init,
            )
        return self._executor

    async def start(self) -> None:
        """Start every render process now and parse the font in each, so the first notices do not wait."""
        if self.processes <= 0:
            return
        loop = asyncio.get_running_loop()
        pool = self._pool()
        await asyncio.gather(*(loop.run_in_executor(pool, _warm) for _ in range(self.processes)))

    async def render(self, notice_type: str, data: dict[str, Any]) -> RenderedNotice:
        if self.processes <= 0:
            return await asyncio.to_thread(render, notice_type, data)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool(), render, notice_type, data)
        except BrokenProcessPool:  # a render process died (OOM, killed): a fresh pool for the next attempt
            self.close()
            raise

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
