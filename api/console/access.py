"""Who may open which console page: the console's own authorisation table, enforced in one place.

The JSON routes have api/authz.py ``MATRIX``; the console's pages are HTML and not in /openapi.json, so
they have this table, ``PAGES``, one row per "METHOD /path" of the console. ``check_pages`` (called by
``create_app``) refuses to start if a console route has no row or a row has no route. Object-level rules
are the API's own (``authz.may_see``): another department's case is the same 404 as a missing one. A
staff action's roles are the domain's transition table (the workflow checks them again).

* No session, or an ended one: 303 to the sign-in page with ``next`` = the page asked for (htmx: the
  ``HX-Redirect`` header), so after signing in the user is back where they were.
* Every state-changing form carries ``csrf_token`` (the same HMAC of the session id as the API's
  ``X-CSRF-Token``); without it: 403.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request
from fastapi.routing import APIRoute

from api.auth import SESSION_COOKIE, Principal, audit_denial, csrf_token_for
from api.authz import FD, RO, SIGNED_IN, STAFF, may_see
from domain.requests.transitions import TRANSITIONS
from store import scopes, sessions

SIGN_IN = "/console/sign-in"


@dataclass(frozen=True)
class Page:
    roles: frozenset[str]
    public: bool = False
    case_param: str | None = None  # the path parameter naming a request the caller must be able to see


PUBLIC = Page(frozenset(), public=True)

PAGES: dict[str, Page] = {
    "GET /": PUBLIC,  # the role's home when signed in, the sign-in form otherwise
    f"GET {SIGN_IN}": PUBLIC,
    f"POST {SIGN_IN}": PUBLIC,
    "POST /console/sign-out": Page(SIGNED_IN),
    "GET /console/requests/new": Page(frozenset({FD, RO})),
    "POST /console/requests": Page(frozenset({FD, RO})),
    "GET /console/requesters": Page(frozenset({FD, RO})),
    "GET /console/requests/{case_id}": Page(STAFF, case_param="case_id"),
    "POST /console/requests/{case_id}/appeals": Page(frozenset({FD, RO}), case_param="case_id"),  # 審査請求の受付
    # the action's own roles (below) narrow this further
    "POST /console/requests/{case_id}/{action}": Page(STAFF, case_param="case_id"),
}


class SignInRequired(Exception):
    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class PageRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message


def sign_in_url(next_url: str) -> str:
    return f"{SIGN_IN}?next={quote(next_url, safe='/')}"


def safe_next(value: str | None) -> str:
    """Only a path of this site (never //other.host or a scheme): no open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def form_page(path: str) -> str:
    """The page a form was posted from: an action's case page, the registration form, else home."""
    parts = path.strip("/").split("/")
    if len(parts) == 4 and parts[:2] == ["console", "requests"]:
        return "/" + "/".join(parts[:3])
    if parts == ["console", "requests"]:
        return "/console/requests/new"
    # part 2: an action on an appeal, a suit or a referral (/console/<area>/<things>/<id>/<act>) → that page
    if len(parts) == 5 and parts[0] == "console" and parts[1] in ("office", "council", "admin"):
        return "/" + "/".join(parts[:4])
    return "/"


async def session_principal(request: Request) -> Principal | None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    st = request.app.state.kaiji
    async with st.pool.acquire() as conn:
        found = await sessions.lookup(conn, session_id)
    if found is None:
        return None
    return Principal(found.username, found.role, found.department, "session", session_id, found.expires_at)


def csrf_for(request: Request, principal: Principal) -> str:
    return csrf_token_for(request.app.state.kaiji.secrets.token_key, principal.credential_id or "")


async def page_user(request: Request) -> Principal:
    """The gate of every protected console page: session, role, CSRF on forms, then the case."""
    route = request.scope.get("route")
    page = PAGES.get(f"{request.method} {route.path}") if isinstance(route, APIRoute) else None
    if page is None or page.public:  # check_pages makes this unreachable; fail closed all the same
        raise PageRefused(403, "この画面は利用できません。")
    principal = await session_principal(request)
    if principal is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":  # a form posted after the session ended: back to the page it was on
            target = form_page(request.url.path)
        raise SignInRequired(target)
    if request.method != "GET":
        form = await request.form()
        sent = str(form.get("csrf_token", ""))
        if not sent or not hmac.compare_digest(sent, csrf_for(request, principal)):
            await audit_denial(request, principal, 403, "csrf")
            raise PageRefused(403, "画面の有効期限が切れました。もう一度開き直してください。")
    if principal.role not in page.roles:
        await audit_denial(request, principal, 403, "role")
        raise PageRefused(403, "この画面はあなたの役割では利用できません。")
    action = request.path_params.get("action")
    if action is not None:
        rule = TRANSITIONS.get(action)
        if rule is None:
            raise PageRefused(404, "そのような操作はありません。")
        if principal.role not in rule.roles:
            await audit_denial(request, principal, 403, "role")
            raise PageRefused(403, f"「{rule.label}」はあなたの役割では行えません。")
    if page.case_param:
        async with request.app.state.kaiji.pool.acquire() as conn:
            scope = await scopes.of_request(conn, request.path_params.get(page.case_param, ""))
        if scope is None or not may_see(principal, scope):
            if scope is not None:
                await audit_denial(request, principal, 404, "scope:request")
            raise PageRefused(404, "その請求は見つかりません。")
    request.state.principal = principal
    return principal


def check_pages(routes: list) -> None:
    """Every console route has a row in PAGES and every row a route."""
    seen: set[str] = set()
    for route in routes:
        if isinstance(route, APIRoute) and (route.path == "/" or route.path.startswith("/console")):
            seen |= {f"{m} {route.path}" for m in route.methods - {"HEAD"}}
    problems = [f"{k}: no row in api/console/access.py PAGES" for k in seen - PAGES.keys()]
    problems += [f"{k}: row without a route" for k in PAGES.keys() - seen]
    if problems:
        raise RuntimeError("console pages out of step with PAGES:\n  " + "\n  ".join(sorted(problems)))
