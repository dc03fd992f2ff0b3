"""Who may see what (object- and property-level): one place, used by every route.

Roles that may act on requests, which departments they see, and which
personal fields of a party they receive.
"""

from __future__ import annotations

from api.auth import Principal
from api.errors import ApiError

REQUEST_ROLES = ("front_desk", "reviewer", "approver", "records_officer")
ALL_DEPARTMENTS = frozenset({"front_desk", "records_officer"})
# Personal fields of a requester each role receives (the council sees only appellants' names, via appeals).
PARTY_FIELDS: dict[str, tuple[str, ...]] = {
    "front_desk": ("name", "type", "address", "phone", "email"),
    "records_officer": ("name", "type", "address", "phone", "email"),
    "reviewer": ("name", "type"),
    "approver": ("name", "type"),
}
CONTACT = frozenset({"address", "phone", "email"})


def ensure_case_visible(principal: Principal, department: str) -> None:
    """A case of another department is answered as absent (404), not forbidden: its existence is not shown."""
    if principal.role in ALL_DEPARTMENTS:
        return
    if principal.role in ("reviewer", "approver") and principal.department == department:
        return
    raise ApiError(404, "No such case.")


def department_filter(principal: Principal) -> str | None:
    """The department a list must be limited to, or None for all."""
    return None if principal.role in ALL_DEPARTMENTS else principal.department or "-"


def party_fields(principal: Principal) -> tuple[str, ...]:
    return PARTY_FIELDS.get(principal.role, ())


def sees_contact(principal: Principal) -> bool:
    return bool(CONTACT & set(party_fields(principal)))
