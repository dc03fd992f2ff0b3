"""The authorisation matrix: operation × role (× department scope), as data, enforced in one place.

OWASP API Security Top 10 (2023) API1 object-level and API3 property-level
authorisation; ASVS 4.0 V4.1.3 (least privilege) and V4.2.1 (no IDOR).

* ``MATRIX`` has one row per operation of ``/openapi.json`` ("METHOD /path").
  A row names the roles that may call it and, for an operation on one object,
  the path parameter that names the object and what kind of object it is.
* ``authorized`` is the only gate: every protected route takes its principal
  from it. It authenticates, checks the role (403) and then the object: a
  request, appeal, suit, notice or breach that does not exist *or* that the caller may
  not see (another department's case for a reviewer/approver; an appeal not
  referred to the council for a council member) is the same 404, so a caller
  cannot learn that another department's case exists. Each refusal is one
  ``auth.denied`` audit entry.
* ``create_app`` calls ``check_routes``: the app does not start if an
  operation has no row, a row has no operation, or a protected operation does
  not go through ``authorized``. tests/integration/test_authz_matrix.py walks the same table.
* Property level: ``PARTY_FIELDS`` says which personal fields of a party each
  role receives (the presenters ask ``party_fields``). The council gets only an
  appellant's name; the admin gets no case content at all (no case rows).

Staff actions are rows too; their roles are the domain's transition tables
(domain/requests/transitions.py, domain/appeals/decide.py,
domain/litigation/decide.py) — a test checks the two never drift apart, so the
workflow's own check (defence in depth) and this gate agree.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import asyncpg
from fastapi import Depends, Request
from fastapi.routing import APIRoute

from api.auth import Principal, audit_denial, authenticate, oauth2
from api.errors import ApiError
from store import scopes

FD, RV, AP, RO, CO, AD = "front_desk", "reviewer", "approver", "records_officer", "council", "admin"
ROLES = (FD, RV, AP, RO, CO, AD)
STAFF = frozenset({FD, RV, AP, RO})  # the people who work requests
SIGNED_IN = frozenset(ROLES)
DEPARTMENT_SCOPED = frozenset({RV, AP})  # see only their own department's cases
ALL_DEPARTMENTS = frozenset({FD, RO})  # see every department's cases

# Personal fields of a party each role receives. Council: appellant's name only (contract.md "Roles").
PARTY_FIELDS: dict[str, tuple[str, ...]] = {
    FD: ("name", "type", "address", "phone", "email"),
    RO: ("name", "type", "address", "phone", "email"),
    RV: ("name", "type"),
    AP: ("name", "type"),
    CO: ("name",),
    AD: (),
}
CONTACT_FIELDS = frozenset({"address", "phone", "email"})
# Roles granted only with a second person's confirmation (api/routes/users.py, issue 17): the records officer
# and every role that receives contact data.
FOUR_EYES_ROLES = frozenset({RO} | {r for r, fields in PARTY_FIELDS.items() if CONTACT_FIELDS & set(fields)})


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str]
    subject: str | None = None  # "request" | "appeal" | "suit" | "notice" | "register": the object the path names
    param: str | None = None  # its path parameter
    public: bool = False  # no sign-in at all
    ui_origin: bool = False  # cookie calls from the Temporal UI origin pass CSRF on Origin (codec server)


PUBLIC = Grant(frozenset(), public=True)


def allow(*roles: str | Iterable[str], on: str | None = None, ui_origin: bool = False) -> Grant:
    flat: set[str] = set()
    for r in roles:
        flat |= {r} if isinstance(r, str) else set(r)
    subject, _, param = (on or "").partition(":")
    return Grant(frozenset(flat), subject or None, param or None, ui_origin=ui_origin)


def _action_rows(prefix: str, on: str, actions: dict[str, frozenset[str]]) -> dict[str, Grant]:
    return {f"POST {prefix}/{action}": allow(roles, on=on) for action, roles in actions.items()}


def _domain_action_roles() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    from domain.appeals.decide import TRANSITIONS as APPEAL
    from domain.litigation.decide import TRANSITIONS as SUIT
    from domain.requests.transitions import TRANSITIONS as REQUEST

    request = {a: r.roles for a, r in REQUEST.items() if a != "record-ncnd-report"}  # that one is a council route
    appeal = {a: roles for a, (_, roles, _) in APPEAL.items()}
    suit = {a: roles for a, (_, roles, _) in SUIT.items()}
    return request, appeal, suit


_REQUEST_ACTS, _APPEAL_ACTS, _SUIT_ACTS = _domain_action_roles()


def _breach_action_roles() -> dict[str, frozenset[str]]:
    from domain.breaches.decide import TRANSITIONS as BREACH

    return {a: roles for a, (_, roles, _) in BREACH.items()}


_BREACH_ACTS = _breach_action_roles()
BREACH_STAFF = frozenset({RV, AP, RO})  # department staff record their department's breaches; the officer all
_COUNCIL_ACTS = {a: _APPEAL_ACTS.pop(a) for a in ("record-session", "adopt-report")}

V1 = "/api/v1"
MATRIX: dict[str, Grant] = {
    # System
    "GET /healthz": PUBLIC,
    "GET /readyz": PUBLIC,
    "GET /metrics": PUBLIC,  # counts only; the proxy keeps it inside (deploy/nginx/kaiji.conf)
    f"POST {V1}/auth/token": PUBLIC,
    f"POST {V1}/auth/session": PUBLIC,
    f"POST {V1}/auth/logout": allow(SIGNED_IN),
    f"GET {V1}/profile": allow(SIGNED_IN),
    # Staff accounts: the admin's whole world (users and configuration, no case content)
    f"GET {V1}/users": allow(AD),
    f"POST {V1}/users": allow(AD),
    f"PATCH {V1}/users/{{username}}": allow(AD),
    # Four-eyes grants of a role that sees contact data: one of admin / records officer proposes, the other confirms
    f"GET {V1}/users/grants": allow(AD, RO),
    f"POST {V1}/users/grants": allow(AD, RO),
    f"POST {V1}/users/grants/{{grant_id}}/confirm": allow(AD, RO),
    f"POST {V1}/users/grants/{{grant_id}}/withdraw": allow(AD, RO),
    # Requests (情報公開請求)
    f"POST {V1}/requests": allow(FD, RO),
    f"GET {V1}/requests": allow(STAFF),  # the list itself is limited to the caller's department (list_scope)
    f"GET {V1}/requests/{{case_id}}": allow(STAFF, on="request:case_id"),
    f"GET {V1}/requests/{{case_id}}/events": allow(STAFF, on="request:case_id"),
    f"GET {V1}/requests/{{case_id}}/notices": allow(STAFF, on="request:case_id"),
    **_action_rows(f"{V1}/requests/{{case_id}}", "request:case_id", _REQUEST_ACTS),
    # Appeals (審査請求)
    f"POST {V1}/requests/{{request_id}}/appeals": allow(FD, RO, on="request:request_id"),
    f"GET {V1}/appeals": allow(STAFF),
    # The council reads referrals (/council/referrals), not the case file with its contact data.
    f"GET {V1}/appeals/{{appeal_id}}": allow(STAFF, on="appeal:appeal_id"),
    f"GET {V1}/appeals/{{appeal_id}}/events": allow(STAFF, on="appeal:appeal_id"),
    f"GET {V1}/appeals/{{appeal_id}}/notices": allow(STAFF, on="appeal:appeal_id"),
    **_action_rows(f"{V1}/appeals/{{appeal_id}}", "appeal:appeal_id", _APPEAL_ACTS),
    # Review council (審査会)
    f"GET {V1}/council/referrals": allow(CO, RO),
    f"GET {V1}/council/referrals/{{appeal_id}}/packs/{{version}}.pdf": allow(CO, RO, on="appeal:appeal_id"),
    **_action_rows(f"{V1}/council/referrals/{{appeal_id}}", "appeal:appeal_id", _COUNCIL_ACTS),
    f"GET {V1}/council/reports": allow(CO, RO),
    f"POST {V1}/council/reports/{{request_id}}/mark-reported": allow(CO, RO, on="request:request_id"),
    # Suits (取消訴訟)
    f"POST {V1}/requests/{{request_id}}/suits": allow(RO, on="request:request_id"),
    f"POST {V1}/appeals/{{appeal_id}}/suits": allow(RO, on="appeal:appeal_id"),
    f"GET {V1}/suits": allow(RO),
    f"GET {V1}/suits/{{suit_id}}": allow(RO, on="suit:suit_id"),
    f"GET {V1}/suits/{{suit_id}}/events": allow(RO, on="suit:suit_id"),
    **_action_rows(f"{V1}/suits/{{suit_id}}", "suit:suit_id", _SUIT_ACTS),
    # Breach incidents (漏えい等事案): the department's staff and the records officer; the council reads
    # summaries without personal data of the incidents on its agenda
    f"POST {V1}/breaches": allow(BREACH_STAFF),
    f"GET {V1}/breaches": allow(BREACH_STAFF),  # limited to the caller's department (list_scope)
    f"GET {V1}/breaches/{{breach_id}}": allow(BREACH_STAFF, on="breach:breach_id"),
    f"GET {V1}/breaches/{{breach_id}}/events": allow(BREACH_STAFF, on="breach:breach_id"),
    **_action_rows(f"{V1}/breaches/{{breach_id}}", "breach:breach_id", _BREACH_ACTS),
    f"GET {V1}/council/breaches": allow(CO, RO),
    f"GET {V1}/council/breaches/{{breach_id}}": allow(CO, RO, on="breach:breach_id"),
    f"GET {V1}/council/breaches/{{breach_id}}.pdf": allow(CO, RO, on="breach:breach_id"),
    # Notices (通知書): addressed to people, so staff only
    f"GET {V1}/notices/{{notice_id}}": allow(STAFF, on="notice:notice_id"),
    f"GET {V1}/notices/{{notice_id}}.pdf": allow(STAFF, on="notice:notice_id"),
    f"GET {V1}/notices/{{notice_id}}.html": allow(STAFF, on="notice:notice_id"),
    # Exports (no personal data; each one audited)
    f"GET {V1}/exports/requests.csv": allow(RO),
    # The annual operation-status report (運用状況); each download audited
    f"GET {V1}/reports/annual": allow(RO),
    f"GET {V1}/reports/annual.csv": allow(RO),
    f"GET {V1}/reports/annual.xlsx": allow(RO),
    f"GET {V1}/reports/annual.pdf": allow(RO),
    f"POST {V1}/reports/annual/{{fiscal_year}}/publish": allow(RO),
    # The office calendar: everyone who works cases reads it; only the records officer adds closure days
    f"GET {V1}/calendar": allow(SIGNED_IN),
    f"POST {V1}/calendar/closures": allow(RO),
    # Personal-information registers (個人情報ファイル簿 / 個人情報取扱登録簿): department staff keep their own
    # department's entries, the records officer all; the front desk reads the published list; the council the
    # year's summary (counts only)
    # (contract.md paths: /registers/files, /registers/uses)
    f"GET {V1}/registers/files": allow(STAFF),  # as kept (keepers; department staff: their own), or published
    f"POST {V1}/registers/files": allow(RV, AP, RO),  # department staff: their own department only
    f"GET {V1}/registers/files.csv": allow(STAFF),  # the published list on a date
    f"GET {V1}/registers/files.xlsx": allow(STAFF),
    f"GET {V1}/registers/files.pdf": allow(STAFF),
    f"GET {V1}/registers/files/{{file_id}}": allow(RV, AP, RO, on="register:file_id"),
    f"POST {V1}/registers/files/{{file_id}}/change": allow(RV, AP, RO, on="register:file_id"),
    f"POST {V1}/registers/files/{{file_id}}/abolish": allow(RV, AP, RO, on="register:file_id"),
    f"GET {V1}/registers/uses": allow(RV, AP, RO),  # limited to the caller's department's entries
    f"POST {V1}/registers/uses": allow(RV, AP, RO),  # file_id of the caller's department (else 422)
    f"GET {V1}/council/registers": allow(CO, RO),
    # Audit and the Temporal UI codec server
    f"GET {V1}/audit": allow(RO),
    f"GET {V1}/audit/verify": allow(RO),
    f"POST {V1}/temporal-codec/decode": allow(RO, ui_origin=True),
    f"POST {V1}/temporal-codec/encode": allow(RO, ui_origin=True),
}

_RESOLVERS: dict[str, Callable[[asyncpg.Connection, str], Awaitable[scopes.ObjectScope | None]]] = {
    "request": scopes.of_request, "appeal": scopes.of_appeal, "suit": scopes.of_suit, "notice": scopes.of_notice,
    "breach": scopes.of_breach,
    "register": scopes.of_register_entry,
}
_ABSENT = {"request": "No such case.", "appeal": "No such appeal.", "suit": "No such suit.",
           "notice": "No such notice.", "breach": "No such breach.", "register": "No such register entry."}


def operation_key(method: str, path: str) -> str:
    return f"{method.upper()} {path}"


def may_see(principal: Principal, scope: scopes.ObjectScope) -> bool:
    """Object-level rule: whose cases a role sees."""
    if principal.role in DEPARTMENT_SCOPED:
        return principal.department == scope.department
    if principal.role == CO:
        return scope.council_visible
    return principal.role in ALL_DEPARTMENTS


async def authorized(request: Request, token: str | None = Depends(oauth2)) -> Principal:
    """The gate for every protected route: sign-in, role, then the object the path names."""
    route = request.scope.get("route")
    grant = MATRIX.get(operation_key(request.method, route.path)) if isinstance(route, APIRoute) else None
    if grant is None or grant.public:  # check_routes makes this unreachable; fail closed all the same
        raise ApiError(403, "This operation is not open to anyone.")
    st = request.app.state.kaiji
    principal = await authenticate(
        request, token, trusted_origins=st.settings.temporal_ui_origins if grant.ui_origin else ())
    if principal.role not in grant.roles:
        await audit_denial(request, principal, 403, "role")
        raise ApiError(403, f"Your role ({principal.role}) may not do this.")
    if grant.subject and grant.param:
        object_id = request.path_params.get(grant.param, "")
        async with st.pool.acquire() as conn:
            scope = await _RESOLVERS[grant.subject](conn, object_id)
        if scope is None:
            raise ApiError(404, _ABSENT[grant.subject])
        if not may_see(principal, scope):
            await audit_denial(request, principal, 404, f"scope:{grant.subject}")
            raise ApiError(404, _ABSENT[grant.subject])
    return principal


def list_scope(principal: Principal) -> str | None:
    """The department a list must be limited to, or None for all departments."""
    return None if principal.role in ALL_DEPARTMENTS else principal.department or "-"


def party_fields(principal: Principal) -> tuple[str, ...]:
    return PARTY_FIELDS.get(principal.role, ())


def sees_contact(principal: Principal) -> bool:
    return bool(CONTACT_FIELDS & set(party_fields(principal)))


def check_routes(openapi: dict) -> None:
    """Refuse to start with an operation the matrix does not cover, a row no route serves, or a protected
    operation that does not go through ``authorized`` (whose bearer scheme is what marks it secured)."""
    problems: list[str] = []
    seen: set[str] = set()
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            key = operation_key(method, path)
            seen.add(key)
            grant = MATRIX.get(key)
            if grant is None:
                problems.append(f"{key}: no row in api/authz.py MATRIX")
            elif grant.public == bool(operation.get("security")):
                problems.append(f"{key}: public={grant.public} but security={operation.get('security')}")
    problems += [f"{key}: row without a route" for key in MATRIX.keys() - seen]
    if problems:
        raise RuntimeError("authorisation matrix out of step with the routes:\n  " + "\n  ".join(sorted(problems)))
