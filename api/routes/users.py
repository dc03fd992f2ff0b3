"""Staff accounts (admin only): list, create, change role/department, deactivate.

The admin manages users and configuration and sees no case content
(contract.md "Roles"). Every change is an audit entry (user.created,
user.role_changed, user.deactivated) and ends the user's sessions and tokens.
"""

import asyncio
from typing import Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import Field, model_validator

from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from api.errors import ApiError
from api.schemas import Body
from domain.actors import USERNAME_PATTERN
from kaiji.security.passwords import PasswordHasher
from store import users

router = APIRouter(prefix="/api/v1/users", tags=["users"])
hasher = PasswordHasher()
Role = Literal["front_desk", "reviewer", "approver", "records_officer", "council", "admin"]
DEPARTMENT_ROLES = ("reviewer", "approver")
Username = Field(pattern=USERNAME_PATTERN)


class UserIn(Body):
    username: str = Username
    role: Role
    department: str | None = Field(default=None, max_length=40)
    display_name: str = Field(default="", max_length=100)
    password: str = Field(min_length=12, max_length=200)  # ASVS V2.1.1: at least 12 characters


class UserChangeIn(Body):
    role: Role | None = None
    department: str | None = Field(default=None, max_length=40)
    active: bool | None = None
    display_name: str | None = Field(default=None, max_length=100)

    @model_validator(mode="after")
    def _something(self) -> "UserChangeIn":
        if not self.model_fields_set:
            raise ValueError("send at least one of role, department, active, display_name")
        return self


def _view(r: Any) -> dict[str, Any]:
    return {"username": r["username"], "role": r["role"], "department": r["department"],
            "display_name": r["display_name"], "active": r["active"],
            "locked_until": r["locked_until"].isoformat() if r["locked_until"] else None}


def _check_department(st: AppState, role: str, department: str | None) -> None:
    if role in DEPARTMENT_ROLES and not department:
        raise ApiError(422, f"department: a {role} belongs to a department")
    if department and st.profile.department(department) is None:
        raise ApiError(422, f"department: unknown department code {department!r}")


@router.get("", summary="Staff accounts (admin)")
async def list_users(principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        return {"items": [_view(r) for r in await users.accounts(conn)]}


@router.post("", status_code=201, summary="Create a staff account (admin)")
async def create_user(body: UserIn, response: Response, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
    _check_department(st, body.role, body.department)
    department = body.department if body.role in DEPARTMENT_ROLES else None
    digest = await asyncio.to_thread(hasher.hash, body.password)
    async with st.pool.acquire() as conn:
        if not await users.create(conn, username=body.username, password_hash=digest, role=body.role,
                                  department=department, display_name=body.display_name,
                                  actor=principal.username):
            raise ApiError(409, f"username: {body.username!r} is taken")
        row = (await users.accounts(conn, body.username))[0]
    response.headers["Location"] = f"/api/v1/users/{body.username}"
    return _view(row)


@router.patch("/{username}", summary="Change a staff account's role, department or active flag (admin)")
async def change_user(username: str, body: UserChangeIn, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        current = await users.get(conn, username)
        if current is None:
            raise ApiError(404, "No such user.")
        role = body.role or current.role
        department = body.department if "department" in body.model_fields_set else current.department
        _check_department(st, role, department)
        if username == principal.username and (role != current.role or body.active is False):
            raise ApiError(409, "You cannot change your own role or deactivate yourself; ask another admin.")
        row = await users.change(conn, username, actor=principal.username, role=role,
                                 department=department if role in DEPARTMENT_ROLES else None, active=body.active, display_name=body.display_name)
    return _view(row)
