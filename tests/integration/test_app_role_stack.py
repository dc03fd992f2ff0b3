"""The API and the worker connected as the least-privilege role kaiji_app (issue 17) do their whole job:
a request from receipt to decision, with its notices and audit lines."""

from __future__ import annotations

from pathlib import Path

from kaiji.security.keys import KeyRing
from store import audit
from store.db import connect
from tests.conftest import as_app_role
from tests.integration.conftest import api_settings, serving
from tests.integration.test_request_paths import DRAFTS, soon


async def test_a_lifecycle_as_the_app_role(integration_db: str, temporal_dev: str, keyring: KeyRing,
                                           services_dir: Path) -> None:
    settings = api_settings(as_app_role(integration_db), temporal_dev, keyring, services_dir / "data-app", "app")
    async with serving(settings, pool_size=4) as api:
        conn = await connect(settings.database_url)
        try:
            assert await conn.fetchval("select current_user") == "kaiji_app"
        finally:
            await conn.close()
        case = await api.register()
        r = await api.act(case["id"], "draft-decision", DRAFTS["partial"] | {"disclosure_on": soon()}, "shinsa")
        assert r.status_code == 200, r.text
        r = await api.act(case["id"], "approve-decision", {}, "kacho")
        assert r.status_code == 200 and r.json()["status"] == "decided", r.text
        r = await api.http.get(f"/api/v1/requests/{case['id']}/notices", headers=api.as_("johokokai"))
        assert r.status_code == 200 and r.json(), r.text
        r = await api.act(case["id"], "approve-decision", {}, "kacho")  # a refusal is audited too
        assert r.status_code == 409
    conn = await connect(integration_db)  # the owner checks the chain the app role appended to
    try:
        assert (await audit.verify(conn)).ok
    finally:
        await conn.close()
