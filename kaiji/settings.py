"""Kaiji settings: every knob is a ``KAIJI_*`` environment variable.

pydantic-settings validates on start-up, so a bad value stops the process with
the variable named instead of failing later in the middle of a case.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
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

    @field_validator("token_secret")
    @classmethod
    def _token_secret(cls, v: str | None) -> str | None:
        # HS256 keys shorter than the hash (32 bytes) can be guessed offline from one token (RFC 7518 3.2).
        if not v:
            return None
        if len(v.encode()) < 32:
            raise ValueError("must be at least 32 bytes (generate one: python -c 'import secrets; "
                             "print(secrets.token_urlsafe(32))')")
        return v

    @field_validator("database_url")
    @classmethod
    def _dsn(cls, v: str | None) -> str | None:
        if v and not v.startswith(("postgres://", "postgresql://")):
            raise ValueError("must start with postgresql://")
        return v or None

    @property
    def embedded(self) -> bool:
        """True when `kaiji up` must start PostgreSQL and Temporal itself."""
        return not (self.database_url and self.temporal_address)

    @cached_property
    def data_path(self) -> Path:
        return self.data_dir.expanduser().resolve()

    def embedded_database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.pg_port}/kaiji"

    def effective_database_url(self) -> str:
        return self.database_url or self.embedded_database_url()

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
            lines.append(f"  KAIJI_{field.upper()}: {err['msg']}")
        raise SettingsError("Invalid Kaiji settings:\n" + "\n".join(lines)) from None
