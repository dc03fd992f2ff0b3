"""Bodies of the staff-account routes (the admin's; four-eyes grants with the records officer)."""

from typing import Literal

from pydantic import Field, model_validator

from api.schemas import Body
from domain.actors import USERNAME_PATTERN

Role = Literal["front_desk", "reviewer", "approver", "records_officer", "council", "admin"]
GrantRole = Literal["front_desk", "records_officer"]
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


class GrantIn(Body):
    username: str = Username
    role: GrantRole
    display_name: str = Field(default="", max_length=100)
    # Only from a records officer (a new account, or a new password for one that changes role).
    password: str | None = Field(default=None, min_length=12, max_length=200)


class ConfirmIn(Body):
    password: str | None = Field(default=None, min_length=12, max_length=200)


class WithdrawIn(Body):
    pass


class PasswordResetIn(Body):
    password: str = Field(min_length=12, max_length=200)  # ASVS V2.1.1: at least 12 characters
