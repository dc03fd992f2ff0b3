"""Kaiji settings: every knob is a ``KAIJI_*`` environment variable.

pydantic-settings validates on start-up, so a bad value stops the process with
the variable named instead of failing later in the middle of a case.
"""

from __future__ import annotations

import ipaddress
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsError(SystemExit):
    """Raised (exits) with a message naming the bad ``KAIJI_*`` variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KAIJI_", extra="ignore", frozen=True)

    # External services (production). When unset, `kaiji up` embeds them.
    database_url: str | None = None
    temporal_address: str | None = None
    temporal_namespace: str = "default"
    task_queue: str = "kaiji"
    # Temporal over TLS (a cluster behind TLS, Temporal Cloud): the server's CA (PEM file; unset = the
    # system roots), a client certificate and key for mTLS, the name the certificate is checked against,
    # and an API key (Temporal Cloud; sent as a bearer token, implies TLS). Docs: docs/decisions/production.md
    temporal_tls: bool = False
    temporal_tls_ca: Path | None = None
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_server_name: str | None = None
    temporal_api_key: str | None = None
    # PostgreSQL: TLS goes in the URL (`?sslmode=verify-full&sslrootcert=/etc/kaiji/pg-ca.pem`); the pool
    # size is per process, so replicas × pool size must stay below the server's max_connections.
    database_pool_size: int = Field(10, ge=1, le=500)
    # Notice PDFs are rendered in this many worker processes (issue 15, docs/performance.md); 0 renders in a
    # thread of the worker itself (the event loop then shares one core with every render).
    render_processes: int = Field(2, ge=0, le=64)
    # Observability: Prometheus metrics of the worker's Temporal SDK on this port (0 = off; the API serves
    # its own on GET /metrics), and OpenTelemetry traces (off unless an OTLP endpoint is set).
    worker_metrics_port: int = Field(0, ge=0, le=65535)
    worker_metrics_host: str = "127.0.0.1"
    otel_endpoint: str | None = None
    otel_service_name: str = "kaiji"

    data_dir: Path = Path(".kaiji")
    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=1, le=65535)
    temporal_port: int = Field(7233, ge=1, le=65535)
    temporal_ui_port: int = Field(8233, ge=1, le=65535)
    pg_port: int = Field(5433, ge=1, le=65535)

    profile: str = "koganei"
    encryption_keys: str | None = None
    # Keyed-hash secret for searching by requester name (kept apart from the rotating keys).
    search_key: str | None = None
    # Secret for signing bearer tokens; `kaiji up` generates one under data_dir.
    token_secret: str | None = None
    # HMAC key sealing every action sent to Temporal (kaiji/security/action_seal.py); held by API, worker and
    # CLI, never by the database or Temporal. Empty = a generated 0600 file under data_dir/secrets.
    seal_key: str | None = None
    # Migrations (and `projections rebuild`) run as the schema owner; the API and worker use database_url,
    # the least-privilege role kaiji_app. Unset: database_url (production) or the embedded owner.
    migrate_database_url: str | None = None
    token_ttl_seconds: int = Field(900, ge=60, le=86400)  # short-lived: 15 min (ASVS V3.5)
    # Faults (issue 17). How long the API waits for the case engine before answering 503; every staff
    # command expires that long after it was sent, so an action nobody waits for any more is refused.
    action_timeout_seconds: float = Field(30, gt=0, le=300)
    # A registration whose case did not start (Temporal was down) is finished by the worker after this long.
    reservation_grace_seconds: float = Field(60, gt=0, le=86400)
    reconcile_every_seconds: float = Field(30, gt=0, le=3600)
    # /readyz: a worker counts as there if Temporal saw it poll within this many seconds (its long poll
    # lasts up to about a minute, so a dead worker is noticed within this bound).
    worker_stale_seconds: float = Field(75, gt=0, le=3600)
    # Request bodies above this many bytes are refused (413) before they are read into memory.
    max_body_bytes: int = Field(1_048_576, ge=1024, le=1_073_741_824)
    # `kaiji up` restarts a dead worker or API; it gives up after this many deaths within the window.
    restart_limit: int = Field(5, ge=1, le=100)
    restart_window_seconds: float = Field(60, gt=0, le=3600)
    # /docs and /redoc (assets served locally); false turns them off (issue 17).
    docs_enabled: bool = True
    # Sign-in throttle (issue 17; docs/decisions/attackers.md "Guards"): password checks per client address
    # within 15 minutes before the address is refused for 15 minutes, and failures per username from all
    # addresses together before the name is refused everywhere.
    login_address_limit: int = Field(30, ge=1, le=1_000_000)
    login_name_limit: int = Field(50, ge=5, le=1_000_000)
    # Registrations (requests and appeals together) one user may make per minute, counted in PostgreSQL
    # so every API replica shares the window (api/ratelimit.py, migration 0021); 0 switches the limit off
    # (load benchmarks, the issue-16 proof).
    registration_rate_limit: int = Field(60, ge=0, le=1_000_000)
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDR networks).
    # Empty (the default): the client address is the TCP peer, and X-Forwarded-For is ignored.
    trusted_proxies: str = ""
    # Signed audit checkpoints (kaiji/audit_checkpoint.py): the Ed25519 key file (0600; its public half
    # next to it as <file>.pub) and the directory the checkpoints are written to, both outside the
    # database. Unset: <data_dir>/secrets/audit_checkpoint_key (generated for the embedded stack) and
    # <data_dir>/audit-checkpoints.
    audit_checkpoint_key: Path | None = None
    audit_checkpoint_dir: Path | None = None
    log_level: str = "info"
    log_format: str = "auto"  # auto | json | console

    @field_validator("log_level")
    @classmethod
    def _level(cls, v: str) -> str:
        v = v.lower()
        if v not in {"debug", "info", "warning", "error"}:
            raise ValueError("must be one of debug, info, warning, error")
        return v

    @field_validator("log_format")
    @classmethod
    def _format(cls, v: str) -> str:
        if v not in {"auto", "json", "console"}:
            raise ValueError("must be one of auto, json, console")
        return v

    @field_validator("token_secret", "seal_key")
    @classmethod
    def _token_secret(cls, v: str | None) -> str | None:
        # HS256 keys shorter than the hash (32 bytes) can be guessed offline from one token (RFC 7518 3.2).
        if not v:
            return None
        if len(v.encode()) < 32:
            raise ValueError("must be at least 32 bytes (generate one: python -c 'import secrets; "
                             "print(secrets.token_urlsafe(32))')")
        return v

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, v: str) -> str:
        for part in filter(None, (p.strip() for p in v.split(","))):
            ipaddress.ip_network(part, strict=False)  # ValueError names the bad entry
        return v

    @cached_property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in self.trusted_proxies.split(",")
                     if p.strip())

    @field_validator("database_url", "migrate_database_url")
    @classmethod
    def _dsn(cls, v: str | None) -> str | None:
        if v and not v.startswith(("postgres://", "postgresql://")):
            raise ValueError("must start with postgresql://")
        # TLS files named in the URL (sslrootcert, sslcert, sslkey) must exist now, not at the first connection
        # (asyncpg would then say only "No such file or directory").
        for name, values in parse_qs(urlsplit(v or "").query).items():
            if name in ("sslrootcert", "sslcert", "sslkey"):
                for path in values:
                    if path != "system" and not Path(path).expanduser().is_file():
                        raise ValueError(f"{name}: no such file {path}")
        return v or None

    @model_validator(mode="after")
    def _client_pair(self) -> Settings:
        if bool(self.temporal_tls_cert) != bool(self.temporal_tls_key):
            raise ValueError("KAIJI_TEMPORAL_TLS_CERT and KAIJI_TEMPORAL_TLS_KEY go together (mTLS)")
        for name in ("temporal_tls_ca", "temporal_tls_cert", "temporal_tls_key"):
            path = getattr(self, name)
            if path is not None and not path.is_file():
                raise ValueError(f"KAIJI_{name.upper()}: no such file {path}")
        return self

    @property
    def temporal_tls_enabled(self) -> bool:
        """TLS to Temporal: asked for, or implied by a CA, a client certificate or an API key."""
        return bool(self.temporal_tls or self.temporal_tls_ca or self.temporal_tls_cert or self.temporal_api_key)

    @property
    def embedded(self) -> bool:
        """True when `kaiji up` must start PostgreSQL and Temporal itself."""
        return not (self.database_url and self.temporal_address)

    @cached_property
    def data_path(self) -> Path:
        return self.data_dir.expanduser().resolve()

    def embedded_database_url(self) -> str:
        """The embedded cluster as the API and worker see it: the role kaiji_app, password from its 0600 file."""
        from kaiji.embedded import app_url

        return app_url(self.data_path, self.pg_port)

    def embedded_owner_url(self, database: str = "kaiji") -> str:
        """The embedded cluster as its owner (migrations, rebuild): password from ``secrets/pg_owner_password``."""
        from kaiji.embedded import owner_url

        return owner_url(self.data_path, self.pg_port, database)

    def effective_database_url(self) -> str:
        return self.database_url or self.embedded_database_url()

    def effective_migrate_url(self) -> str:
        """Who runs migrations, `projections rebuild` and `keys rotate`: ``KAIJI_MIGRATE_DATABASE_URL``, else
        ``KAIJI_DATABASE_URL`` (a production setup that keeps one owner role, as before), else the embedded
        owner."""
        return self.migrate_database_url or self.database_url or self.embedded_owner_url()

    def effective_temporal_address(self) -> str:
        return self.temporal_address or f"127.0.0.1:{self.temporal_port}"

    @property
    def temporal_ui_origins(self) -> list[str]:
        """The Temporal Web UI's origins: CORS and cookie calls to the codec server are accepted from these."""
        return [f"http://{host}:{self.temporal_ui_port}" for host in ("127.0.0.1", "localhost")]


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment; exit with a clear message on a bad value."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if field:
                lines.append(f"  KAIJI_{field.upper()}: {msg}")
            else:  # a check across several settings names them itself
                lines.append(f"  {msg}")
        raise SettingsError("Invalid Kaiji settings:\n" + "\n".join(lines)) from None
