"""Who is calling: bearer tokens (signed JWT, short-lived) for API clients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from api.errors import ApiError
from domain.actors import Actor

_ALGORITHM = "HS256"
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    department: str | None

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.department)


def issue_token(key: bytes, principal: Principal, ttl_seconds: int, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    claims = {
        "sub": principal.username,
        "role": principal.role,
        "dept": principal.department,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=ttl_seconds)).timestamp()),
    }
    return jwt.encode(claims, key, algorithm=_ALGORITHM)


def read_token(key: bytes, token: str) -> Principal:
    try:
        claims = jwt.decode(token, key, algorithms=[_ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError:
        raise ApiError(401, "The token has expired; sign in again.", headers={"WWW-Authenticate": "Bearer"}) from None
    except jwt.PyJWTError:
        raise ApiError(401, "The token is not valid.", headers={"WWW-Authenticate": "Bearer"}) from None
    return Principal(claims["sub"], claims["role"], claims.get("dept"))


async def current_principal(request: Request, token: str | None = Depends(oauth2)) -> Principal:
    if not token:
        raise ApiError(401, "Sign in first: send a bearer token.", headers={"WWW-Authenticate": "Bearer"})
    principal = read_token(request.app.state.kaiji.secrets.token_key, token)
    request.state.principal = principal
    return principal


def require_roles(*roles: str):
    async def dependency(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role not in roles:
            raise ApiError(403, f"Your role ({principal.role}) may not do this.")
        return principal

    return dependency
