"""The personal-information registers (個人情報ファイル簿, APPI 75; 個人情報取扱登録簿) and their 目的外利用・外部提供.

Department staff (reviewer, approver) keep their own department's entries; the records officer keeps every
entry; the front desk reads the published list (what the web page and the counter show); the council reads
the year's summary (api/routes/council.py style, under /council). Every write is one audit entry
(``register.*``), every download an ``export`` entry. Nothing here is a case: plain tables, dated versions.

Paths and codes are contract.md's (second wave): ``/registers/files`` (``register``: ``file_register`` |
``handling_register``; ``?as_of=DATE`` the published list then, ``.csv`` / ``.xlsx`` / ``.pdf``) and
``/registers/uses`` (``file_id``, ``basis``: ``law`` | ``consent`` | ``reasonable_grounds``).

The published list can be cut off at what was recorded by an instant or a date (``?recorded_by=``): a version
recorded later (a back-dated 新規 or 変更 entered afterwards) is not shown, so the list published on a day is
shown again exactly as it was (``?as_of=D&recorded_by=D``) — APPI 75(1) publishes the ファイル簿 as kept then.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import Field

from api.auth import Principal
from api.authz import DEPARTMENT_SCOPED, RO, authorized, list_scope, may_see
from api.deps import AppState, state
from api.errors import ApiError
from api.files import attachment, binary_responses
from api.reports import formats
from api.reports import registers as files
from api.schemas import Body, IsoDate, IsoDateTime
from domain import clock
from domain.era import fiscal_year as fy_of
from domain.registers import rules
from store import audit, registers, scopes

router = APIRouter(prefix="/api/v1", tags=["registers"])

Line = Annotated[str, Field(min_length=1, max_length=200)]
Lines = Field(min_length=1, max_length=100)
Register = Literal["file_register", "handling_register"]
KEEPERS = (*DEPARTMENT_SCOPED, RO)  # who keeps entries (the others read the published list only)
MAX_AHEAD = timedelta(days=366)  # a change may be entered ahead of its date, by at most a year


class EntryContent(Body):
    department: str = Field(
        min_length=1, max_length=40, description="a department code of GET /api/v1/profile"
    )
    name: str = Field(min_length=1, max_length=200, description="e.g. 住民基本台帳ファイル")
    purpose: str = Field(min_length=1, max_length=2000)
    items: list[Line] = Lines  # 記録項目
    person_categories: list[Line] = Lines  # 記録範囲
    persons: int = Field(ge=0, le=100_000_000, description="本人の数 (1,000 or more: the ファイル簿)")
    sources: list[Line] = Lines  # 収集方法
    recipients: list[Line] = Field(default_factory=list, max_length=100)  # 経常的提供先
    retention: str = Field(min_length=1, max_length=400)
    safeguards: str = Field(min_length=1, max_length=2000)
    media: Literal["electronic", "paper"]


class EntryIn(EntryContent):
    """新規: a new entry of one register, in effect from ``effective_on`` (default today)."""

    kind: Register = Field(
        alias="register",
        description="file_register: 個人情報ファイル簿 (1,000 persons or more); handling_register: 個人情報取扱登録簿",
    )
    effective_on: IsoDate | None = None
    reason: str = Field(default="", max_length=1000)


class ChangeIn(Body):
    """変更: the fields that change (the others stay as they are), from ``effective_on`` (default today)."""

    effective_on: IsoDate | None = None
    reason: str = Field(min_length=1, max_length=1000)
    department: str | None = Field(default=None, min_length=1, max_length=40)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    purpose: str | None = Field(default=None, min_length=1, max_length=2000)
    items: list[Line] | None = Field(default=None, min_length=1, max_length=100)
    person_categories: list[Line] | None = Field(default=None, min_length=1, max_length=100)
    persons: int | None = Field(default=None, ge=0, le=100_000_000)
    sources: list[Line] | None = Field(default=None, min_length=1, max_length=100)
    recipients: list[Line] | None = Field(default=None, max_length=100)
    retention: str | None = Field(default=None, min_length=1, max_length=400)
    safeguards: str | None = Field(default=None, min_length=1, max_length=2000)
    media: Literal["electronic", "paper"] | None = None


class AbolishIn(Body):
    """廃止: the entry leaves the published list from ``effective_on`` (default today)."""

    effective_on: IsoDate | None = None
    reason: str = Field(min_length=1, max_length=1000)


class UseIn(Body):
    """目的外利用 or 外部提供 of an entry's data (APPI 69). No person's name: who used it is a body."""

    file_id: str = Field(min_length=1, max_length=20, description="the register entry, e.g. PIF-0001")
    kind: Literal["outside_purpose", "provision"] = "outside_purpose"
    used_by: str = Field(
        min_length=1, max_length=200, description="the department or outside body, e.g. 小金井警察署"
    )
    purpose: str = Field(min_length=1, max_length=1000)
    basis: Literal["law", "consent", "reasonable_grounds"] = Field(description="法令 / 本人の同意 / 相当の理由")
    basis_detail: str = Field(default="", max_length=400, description="e.g. 刑事訴訟法第197条第2項")
    used_on: IsoDate | None = None


def _entry(v: dict[str, Any], st: AppState) -> dict[str, Any]:
    dept = st.profile.department(v["department"])
    return {
        "id": v["entry_id"],
        "register": v["register"],
        "register_label": rules.REGISTER_LABELS[v["register"]],
        "status": "abolished" if v["change"] == "abolished" else "in_force",
        "version": v["version"],
        "change": v["change"],
        "change_label": rules.CHANGE_LABELS[v["change"]],
        "effective_on": v["effective_on"].isoformat(),
        "department": v["department"],
        "department_name": dept.name if dept else v["department"],
        **{f: v[f] for f in rules.CONTENT_FIELDS if f != "department"},
        "reason": v["reason"],
        "recorded_by": v["recorded_by"],
        "recorded_at": v["recorded_at"].isoformat(),
    }


def _use(u: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": u["use_id"],
        "file_id": u["entry_id"],
        "kind": u["kind"],
        "kind_label": rules.USE_KIND_LABELS[u["kind"]],
        "used_by": u["used_by"],
        "purpose": u["purpose"],
        "basis": u["basis"],
        "basis_label": rules.BASIS_LABELS[u["basis"]],
        "basis_detail": u["basis_detail"],
        "used_on": u["used_on"].isoformat(),
        "recorded_by": u["recorded_by"],
        "recorded_at": u["recorded_at"].isoformat(),
    }


def _department(st: AppState, principal: Principal, code: str) -> None:
    """A department of the profile, and for department staff their own."""
    if st.profile.department(code) is None:
        raise ApiError(
            422, f"department: {code!r} は設定にない課です。 / unknown department (GET /api/v1/profile)."
        )
    if principal.role in DEPARTMENT_SCOPED and principal.department != code:
        raise ApiError(
            403, "自課の登録簿だけを登録・変更できます。 / You keep your own department's entries only."
        )


def _effective(day: date | None) -> date:
    day = day or clock.today()
    if day > clock.today() + MAX_AHEAD:
        raise ApiError(422, "effective_on: 1年より先の日付にはできません。 / at most a year ahead.")
    return day


def _rule(err: rules.RegisterRuleError, status: int) -> ApiError:
    return ApiError(status, str(err))


AsOfDate = Query(default=None, description="the date the published list stands at (YYYY-MM-DD; default today)")
RecordedByQuery = Query(
    default=None,
    description="記録日: only versions recorded by then are shown — an instant (ISO 8601, Japan time if no "
    "offset) or a date (YYYY-MM-DD: the end of that day, Japan time); not in the future. "
    "as_of=D&recorded_by=D is the list as published on D, even if a back-dated entry was recorded later",
)
RecordedBy = IsoDateTime | IsoDate


def _recorded_by(value: datetime | date | None) -> datetime | None:
    """The cut-off instant of ``?recorded_by=`` (a date: the end of that day in Japan), refused in the future."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=clock.JST)
        if moment > clock.now():
            raise ApiError(422, "recorded_by: 未来の時刻にはできません。 / cannot be in the future.")
        return moment
    if value > clock.today():
        raise ApiError(422, "recorded_by: 未来の日付にはできません。 / cannot be in the future.")
    return datetime.combine(value, time.max, tzinfo=clock.JST)


@router.get(
    "/registers/files",
    summary="Register entries: as kept now (department staff: their department's), or with as_of the "
    "published list on that date",
)
async def list_files(
    register: Register | None = None,
    as_of: IsoDate | None = AsOfDate,
    recorded_by: RecordedBy | None = RecordedByQuery,
    department: str | None = Query(default=None, min_length=1, max_length=40),
    include_abolished: bool = False,
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> dict[str, Any]:
    """Without ``as_of`` the entries as staff keep them (latest versions, staff notes included); the front
    desk, who keeps none, gets the list published today. With ``as_of`` or ``recorded_by`` everyone gets the
    published list."""
    if as_of is not None or recorded_by is not None or principal.role not in KEEPERS:
        return await _published_json(st, principal, register, as_of, _recorded_by(recorded_by))
    chosen = (register,) if register else rules.REGISTERS
    scope = list_scope(principal)
    rows: list[dict[str, Any]] = []
    if scope is None or department in (None, scope):
        async with st.pool.acquire() as conn:
            rows = await registers.latest_versions(
                conn, register=register, department=scope or department, include_abolished=include_abolished
            )
    return {
        "as_of": None,
        "recorded_by": None,
        "registers": list(chosen),
        "counts": {r: sum(1 for v in rows if v["register"] == r) for r in chosen},
        "items": [_entry(v, st) for v in rows],
    }


@router.post("/registers/files", status_code=201, summary="新規: a new register entry (version 1)")
async def create_entry(
    body: EntryIn, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    _department(st, principal, body.department)
    try:
        rules.check_register(body.kind, body.persons)
    except rules.RegisterRuleError as err:
        raise _rule(err, 422) from None
    content = body.model_dump(include=set(rules.CONTENT_FIELDS))
    async with st.pool.acquire() as conn:
        v = await registers.create(
            conn,
            body.kind,
            content,
            effective_on=_effective(body.effective_on),
            reason=body.reason,
            actor=principal.username,
            role=principal.role,
        )
    return _entry(v, st)


@router.get("/registers/files/{file_id}", summary="One entry: as kept now, every version, its uses counted")
async def get_entry(
    file_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        history = await registers.versions(conn, file_id)
        used = await registers.uses(conn, file_id)
    return {
        **_entry(history[-1], st),
        "versions": [_entry(v, st) for v in history],
        "uses": rules.use_counts(used).get(file_id, {"total": 0}),
    }


async def _next_version(
    st: AppState,
    principal: Principal,
    entry_id: str,
    change: str,
    effective_on: date | None,
    reason: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    day = _effective(effective_on)
    async with st.pool.acquire() as conn:
        latest = await registers.latest_version(conn, entry_id)
        assert latest is not None  # authorized() answered 404 for an absent entry
        if "department" in changes:
            _department(st, principal, changes["department"])
        content = {f: latest[f] for f in rules.CONTENT_FIELDS} | changes
        if change == "changed":
            if all(content[f] == latest[f] for f in rules.CONTENT_FIELDS):
                raise ApiError(
                    422, "変更する項目がありません。 / Nothing changes: name the fields that change."
                )
            try:
                rules.check_register(latest["register"], content["persons"])
            except rules.RegisterRuleError as err:
                raise _rule(err, 409) from None
        try:
            v = await registers.add_version(
                conn,
                entry_id,
                change,
                content,
                effective_on=day,
                reason=reason,
                actor=principal.username,
                role=principal.role,
            )
        except rules.RegisterRuleError as err:
            raise _rule(err, 409) from None
    return _entry(v, st)


@router.post("/registers/files/{file_id}/change", summary="変更: a new version with the fields that change")
async def change_entry(
    body: ChangeIn, file_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    changes = body.model_dump(include=set(rules.CONTENT_FIELDS), exclude_none=True)
    return await _next_version(st, principal, file_id, "changed", body.effective_on, body.reason, changes)


@router.post("/registers/files/{file_id}/abolish", summary="廃止: the entry leaves the published list")
async def abolish_entry(
    body: AbolishIn, file_id: str, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    return await _next_version(st, principal, file_id, "abolished", body.effective_on, body.reason, {})


@router.get("/registers/uses", summary="目的外利用・外部提供 records (department staff: their department's entries)")
async def list_uses(
    file_id: str | None = Query(default=None, min_length=1, max_length=20),
    register: Register | None = None,
    used_from: IsoDate | None = Query(default=None, alias="from"),
    used_to: IsoDate | None = Query(default=None, alias="to"),
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> dict[str, Any]:
    async with st.pool.acquire() as conn:
        rows = await registers.list_uses(
            conn,
            file_id=file_id,
            register=register,
            department=list_scope(principal),
            used_from=used_from,
            used_to=used_to,
        )
    return {"items": [_use(u) for u in rows]}


@router.post(
    "/registers/uses", status_code=201, summary="Record a 目的外利用 or 外部提供 of an entry's data (APPI 69)"
)
async def record_use(
    body: UseIn, principal: Principal = Depends(authorized), st: AppState = Depends(state)
) -> dict[str, Any]:
    used_on = body.used_on or clock.today()
    if used_on > clock.today():
        raise ApiError(422, "used_on: 未来の日付は記録できません。 / cannot be in the future.")
    entry_id = body.file_id
    async with st.pool.acquire() as conn:
        scope = await scopes.of_register_entry(conn, entry_id)
        if scope is None or not may_see(principal, scope):  # another department's entry is not there for them
            raise ApiError(
                422, f"file_id: {entry_id} という登録簿の項目はありません。 / No such register entry."
            )
        latest = await registers.latest_version(conn, entry_id)
        assert latest is not None
        if latest["change"] == "abolished" and used_on > latest["effective_on"]:
            raise ApiError(
                409,
                f"{entry_id} は{latest['effective_on']}に廃止されています。 / "
                "The entry was abolished before that date.",
            )
        first = (await registers.versions(conn, entry_id))[0]
        if used_on < first["effective_on"]:
            raise ApiError(
                409,
                f"{entry_id} は{first['effective_on']}からの登録です。 / "
                "The entry did not exist on that date.",
            )
        u = await registers.add_use(
            conn,
            entry_id,
            body.model_dump(exclude={"file_id"}) | {"used_on": used_on},
            actor=principal.username,
            role=principal.role,
        )
    return _use(u)


# The published list (公表): what is in force on a date, in four forms.

async def _published(
    st: AppState,
    principal: Principal,
    register: str | None,
    as_of: date | None,
    recorded_by: datetime | None,
    what: str,
) -> tuple[list[dict[str, Any]], tuple[str, ...], date]:
    """Per entry the version in force on ``as_of`` among those recorded by ``recorded_by`` (None: all)."""
    day = as_of or clock.today()
    chosen = (register,) if register else rules.REGISTERS
    async with st.pool.acquire() as conn:
        versions = await registers.all_versions(conn, register=register, recorded_by=recorded_by)
        entries = rules.in_force(versions, day)
        await audit.append(
            conn,
            audit.AuditEntry(
                principal.username,
                principal.role,
                "export",
                "registers",
                {"what": what, "as_of": day.isoformat(), "register": register, "rows": len(entries),
                 "recorded_by": None if recorded_by is None else recorded_by.isoformat()},
            ),
        )
    return [dict(v) for v in entries], chosen, day


def _departments(st: AppState) -> dict[str, str]:
    return {d.code: d.name for d in st.profile.departments}


def _published_entry(v: dict[str, Any], st: AppState) -> dict[str, Any]:
    out = _entry(v, st)
    for staff_only in ("reason", "recorded_by", "recorded_at", "status"):
        out.pop(staff_only)
    return out


async def _published_json(
    st: AppState, principal: Principal, register: str | None, as_of: date | None, recorded_by: datetime | None
) -> dict[str, Any]:
    entries, chosen, day = await _published(st, principal, register, as_of, recorded_by, "registers.json")
    return {
        "as_of": day.isoformat(),
        "recorded_by": None if recorded_by is None else recorded_by.isoformat(),
        "registers": list(chosen),
        "counts": {r: sum(1 for v in entries if v["register"] == r) for r in chosen},
        "items": [_published_entry(v, st) for v in entries],
    }


@router.get(
    "/registers/files.csv",
    summary="The published list as CSV (UTF-8 with BOM)",
    response_class=Response,
    responses=binary_responses(formats.CSV_TYPE),
)
async def published_csv(
    register: Register | None = None,
    as_of: IsoDate | None = AsOfDate,
    recorded_by: RecordedBy | None = RecordedByQuery,
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> Response:
    entries, chosen, day = await _published(
        st, principal, register, as_of, _recorded_by(recorded_by), "registers.csv"
    )
    body = formats.to_csv(files.published_tables(entries, chosen, _departments(st)))
    return attachment(body, formats.CSV_TYPE, f"registers-{day.isoformat()}.csv")


@router.get(
    "/registers/files.xlsx",
    summary="The published list as Excel (one sheet per register)",
    response_class=Response,
    responses=binary_responses(formats.XLSX_TYPE),
)
async def published_xlsx(
    register: Register | None = None,
    as_of: IsoDate | None = AsOfDate,
    recorded_by: RecordedBy | None = RecordedByQuery,
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> Response:
    entries, chosen, day = await _published(
        st, principal, register, as_of, _recorded_by(recorded_by), "registers.xlsx"
    )
    body = formats.to_xlsx(
        files.published_tables(entries, chosen, _departments(st)),
        title="・".join(rules.REGISTER_LABELS[r] for r in chosen),
        as_of=f"{day.isoformat()}T00:00:00+09:00",
    )
    return attachment(body, formats.XLSX_TYPE, f"registers-{day.isoformat()}.xlsx")


@router.get(
    "/registers/files.pdf",
    summary="The published list as PDF (one sheet per entry)",
    response_class=Response,
    responses=binary_responses(formats.PDF_TYPE),
)
async def published_pdf(
    register: Register | None = None,
    as_of: IsoDate | None = AsOfDate,
    recorded_by: RecordedBy | None = RecordedByQuery,
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> Response:
    entries, chosen, day = await _published(
        st, principal, register, as_of, _recorded_by(recorded_by), "registers.pdf"
    )
    body = files.published_pdf(
        entries, chosen, _departments(st), municipality=st.profile.municipality, as_of=day
    )
    return attachment(body, formats.PDF_TYPE, f"registers-{day.isoformat()}.pdf")


# The council's summary: counts only, no entry content and no personal data.


@router.get(
    "/council/registers", summary="The year's register changes and uses, counted (council, records officer)"
)
async def council_summary(
    fiscal_year: int | None = Query(default=None, ge=2000, le=2098),
    principal: Principal = Depends(authorized),
    st: AppState = Depends(state),
) -> dict[str, Any]:
    fy = fiscal_year or fy_of(clock.today())
    start, end = rules.fiscal_year_bounds(fy)
    async with st.pool.acquire() as conn:
        versions = await registers.all_versions(conn)
        used = await registers.uses_in(conn, start, end)
    at_end = rules.in_force(versions, end)
    by_register: dict[str, dict[str, int]] = {
        r: {"total": 0, **dict.fromkeys(rules.USE_KINDS, 0)} for r in rules.REGISTERS
    }
    for u in used:
        by_register[u["register"]][u["kind"]] += 1
        by_register[u["register"]]["total"] += 1
    return {
        "fiscal_year": fy,
        "in_force_at_year_end": {r: sum(1 for v in at_end if v["register"] == r) for r in rules.REGISTERS},
        "in_force_by_department": {
            d: {r: sum(1 for v in at_end if v["register"] == r and v["department"] == d) for r in rules.REGISTERS}
            for d in sorted({v["department"] for v in at_end})
        },
        "changes": rules.changes_in_year(versions, fy),
        "uses": {
            "by_register": by_register,
            "by_basis": {b: sum(1 for u in used if u["basis"] == b) for b in rules.BASES},
            "total": len(used),
        },
    }
