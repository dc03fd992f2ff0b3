"""Run the `kaiji` command as a user would: a separate process pointed at the test database."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


async def kaiji(database_url: str, *args: str) -> tuple[int, str]:
    """Exit code and combined stdout/stderr of ``kaiji ARGS`` with KAIJI_DATABASE_URL set."""
    env = {**os.environ, "KAIJI_DATABASE_URL": database_url}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "kaiji.cli",
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    return proc.returncode, out.decode()
