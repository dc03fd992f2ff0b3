"""Staff accounts (admin only): list, create, change role/department, deactivate, reset a password; four-eyes
role grants (admin and records officer). The rules live in ``api.usecases.users`` (the admin's console uses them
too); these are the JSON routes."""

from typing import Any

from fastapi import APIRouter, Depends, Path, Response

from api.auth import Principal
from api.authz import authorized
from api.deps import AppState, state
from api.schemas_users import ConfirmIn, GrantIn, PasswordResetIn, UserChangeIn, UserIn, WithdrawIn
from api.usecases import users as accounts

router = APIRouter(prefix="/api/v1/users", tags=["users"])
GrantId = Path(ge=1, le=2**63 - 1)


@router.get("", summary="Staff accounts (admin)")
async def list_users(principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict[str, Any]:
    return await accounts.list_users(principal, st)


@router.post("", status_code=201, summary="Create a staff account (admin)")
async def create_user(body: UserIn, response: Response, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
    created = await accounts.create_user(body, principal, st)
    response.headers["Location"] = f"/api/v1/users/{body.username}"
    return created


@router.patch("/{username}", summary="Change a staff account's role, department or active flag (admin)")
async def change_user(username: str, body: UserChangeIn, principal: Principal = Depends(authorized),
                      st: AppState = Depends(state)) -> dict[str, Any]:
    return await accounts.change_user(username, body, principal, st)


@router.post("/{username}/password", summary="Reset a staff account's password (admin; ends its sessions)")
async def reset_password(username: str, body: PasswordResetIn, principal: Principal = Depends(authorized),
                         st: AppState = Depends(state)) -> dict[str, Any]:
    return await accounts.reset_password(username, body, principal, st)


@router.get("/grants", summary="Role grants waiting for a second person (admin, records officer)")
async def list_grants(principal: Principal = Depends(authorized), st: AppState = Depends(state)) -> dict[str, Any]:
    return await accounts.list_grants(principal, st)


@router.post("/grants", status_code=201,
             summary="Propose granting a role that sees contact data (admin or records officer)")
async def propose_grant(body: GrantIn, response: Response, principal: Principal = Depends(authorized),
                        st: AppState = Depends(state)) -> dict[str, Any]:
    grant = await accounts.propose_grant(body, principal, st)
    response.headers["Location"] = f"/api/v1/users/grants/{grant['id']}"
    return grant


@router.post("/grants/{grant_id}/confirm",
             summary="Confirm a proposed role grant (the other of admin / records officer)")
async def confirm_grant(body: ConfirmIn, grant_id: int = GrantId, principal: Principal = Depends(authorized),
                        st: AppState = Depends(state)) -> dict[str, Any]:
    return await accounts.confirm_grant(body, grant_id, principal, st)


@router.post("/grants/{grant_id}/withdraw", summary="Withdraw or turn down a proposed role grant")
async def withdraw_grant(body: WithdrawIn, grant_id: int = GrantId, principal: Principal = Depends(authorized),
                         st: AppState = Depends(state)) -> dict[str, Any]:
    return await accounts.withdraw_grant(body, grant_id, principal, st)
