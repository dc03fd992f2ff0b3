"""A TLS endpoint in front of the Temporal dev server: Debian's nginx terminating TLS with ``grpc_pass``,
as a cluster's ingress or load balancer does. `make system-deps` installs nginx when it is missing.

Two listeners: one requires a client certificate from the client CA (mTLS), the other requires an API
key as ``Authorization: Bearer`` (how Temporal Cloud's API keys travel)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from kaiji.processes import Supervisor, free_port
from tests.production.certs import Pki, make_pki

API_KEY = "kaiji-test-api-key-7f3a"


@dataclass(frozen=True)
class TlsProxy:
    mtls_address: str
    api_key_address: str
    pki: Pki


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
    if not found:
        pytest.fail("nginx is missing: run `make system-deps` (installs Debian's nginx-light)")
    return found


def nginx_conf(folder: Path, pki: Pki, upstream: str, mtls_port: int, key_port: int) -> str:
    temp = "\n".join(
        f"  {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    tls = f"""ssl_certificate {pki.server_cert}; ssl_certificate_key {pki.server_key};
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {{ grpc_pass grpc://{upstream}; grpc_read_timeout 300s; grpc_send_timeout 300s; }}"""
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
{temp}
  client_max_body_size 0;
  server {{
    listen 127.0.0.1:{mtls_port} ssl http2;
    ssl_client_certificate {pki.client_ca}; ssl_verify_client on;
    {tls}
  }}
  server {{
    listen 127.0.0.1:{key_port} ssl http2;
    if ($http_authorization != "Bearer {API_KEY}") {{ return 401; }}
    {tls}
  }}
}}
"""


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
async def tls_proxy(temporal_dev: str, services_dir: Path, supervisor: Supervisor) -> TlsProxy:
    folder = services_dir / "nginx"
    pki = make_pki(folder / "pki")
    mtls_port, key_port = free_port(), free_port()
    (folder / "nginx.conf").write_text(nginx_conf(folder, pki, temporal_dev, mtls_port, key_port))
    binary = nginx_binary()
    supervisor.start("nginx", [binary, "-c", str(folder / "nginx.conf"), "-p", str(folder)])
    for _ in range(100):
        if _listening(mtls_port) and _listening(key_port):
            break
        await asyncio.sleep(0.05)
    else:
        raise RuntimeError("nginx did not start: " + (folder / "error.log").read_text(errors="replace"))
    return TlsProxy(f"127.0.0.1:{mtls_port}", f"127.0.0.1:{key_port}", pki)


@pytest.fixture(scope="session")
async def database_url(integration_db: str) -> str:
    """The integration tests' database (tests/conftest.py): case numbers go on where they left off."""
    return integration_db
