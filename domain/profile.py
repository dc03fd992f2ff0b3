"""Municipality profile: every value that can differ between municipalities.

A profile is a TOML file under ``domain/profiles/`` validated by pydantic.
Unverified values (not checked against the municipality's own ordinance) are
recorded two ways, both reported by :meth:`Profile.confirm_items`:

* ``confirm = true`` inside a table (request kind, exemption, department,
  fees, council, implementing body, requester category);
* a dotted path in the top-level ``unconfirmed`` list for plain values and
  lists (``"mayor"``, ``"departments"``); each path must name a real field.

:class:`CaseRules` is the plain-dataclass snapshot one request case carries
through Temporal (no pydantic in workflow payloads).
"""


import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from domain.calendar import BusinessCalendar

PROFILES_DIR = Path(__file__).parent / "profiles"

Code = Annotated[str, Field(min_length=1, pattern=r"^\S+$")]
Text = Annotated[str, Field(min_length=1)]
PositiveInt = Annotated[int, Field(gt=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]


if TYPE_CHECKING:
    from domain.appeals.commands import AppealRules
    from domain.breaches.commands import BreachRules
    from domain.fees import FeeTable


class ProfileError(Exception):
    """The profile is missing or invalid; the message names file and field path."""


class UnknownProfileKey(ProfileError, KeyError):
    """Lookup of a request kind the profile does not define."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ImplementingBody(_Model):
    """実施機関 (情報公開条例2条)."""

    code: Code
    name: Text
    confirm: bool = False


class Department(_Model):
    code: Code
    name: Text
    body: Code = "mayor"  # implementing body the department belongs to
    confirm: bool = False


class RequestKindRule(_Model):
    label: str = ""
    period_days: PositiveInt
    extension_limit_days: PositiveInt
    basis: Text
    filing_window_days: PositiveInt | None = None  # e.g. 訂正請求: 90 days (個人情報保護法90条③)
    confirm: bool = False

    @model_validator(mode="after")
    def _limit_covers_period(self) -> "RequestKindRule":
        if self.extension_limit_days < self.period_days:
            raise ValueError(
                f"extension_limit_days ({self.extension_limit_days}) must be >= period_days ({self.period_days})"
            )
        return self


class Exemption(_Model):
    """非公開情報 clause, e.g. code "9-4-ウ", article "第9条第4号ウ"."""

    code: Code
    label: Text
    article: Text
    confirm: bool = False


class RequesterCategory(_Model):
    """請求者の区分 of the annual operation-status report (運用状況), e.g. 市内在住・在勤・在学の個人.

    ``requester_type`` (individual | corporation) and ``local`` (the address lies in the municipality)
    say which requesters the registration suggests it for; None matches either. Staff confirm or change
    the suggestion: working or studying in the city (在勤・在学) cannot be read from an address."""

    code: Code
    label: Text
    requester_type: Literal["individual", "corporation"] | None = None
    local: bool | None = None
    confirm: bool = False


class Fees(_Model):
    """費用負担: rates of copies and media (postage is charged at the amount paid; domain/fees.py)."""

    request_fee_yen: NonNegativeInt
    copy_mono_yen_per_page: NonNegativeInt
    copy_colour_yen_per_page: NonNegativeInt
    electronic_media_yen: NonNegativeInt = 0  # per medium written (CD-R, DVD-R…)
    basis: Text = "情報公開条例（費用負担）"
    confirm: bool = False

    def table(self) -> "FeeTable":
        from domain.fees import FeeTable

        return FeeTable(copy_mono_yen_per_page=self.copy_mono_yen_per_page,
                        copy_colour_yen_per_page=self.copy_colour_yen_per_page,
                        electronic_media_yen=self.electronic_media_yen, basis=self.basis)


class CouncilMember(_Model):
    id: Code
    name: Text


class Council(_Model):
    name: Text
    members: tuple[CouncilMember, ...] = Field(min_length=1)
    report_target_days: PositiveInt
    confirm: bool = False

    @field_validator("members")
    @classmethod
    def _unique_ids(cls, v: tuple[CouncilMember, ...]) -> tuple[CouncilMember, ...]:
        return _unique(v, "id")


def _unique(items: tuple[Any, ...], attr: str) -> tuple[Any, ...]:
    seen: set[str] = set()
    for item in items:
        key = getattr(item, attr)
        if key in seen:
            raise ValueError(f"duplicate {attr} {key!r}")
        seen.add(key)
    return items


@dataclass(frozen=True, slots=True)
class CaseRules:
    """Numbers one request case needs, carried in Temporal payloads."""

    kind: str
    period_days: int
    extension_limit_days: int
    count_first_day: bool
    reminder_lead_days: int
    third_party_response_days: int
    third_party_hold_days: int
    uncollected_days: int
    report_ncnd_to_council: bool
    extra_closures: tuple[str, ...] = ()  # ISO dates
    basis: str = ""

    def calendar(self) -> "BusinessCalendar":
        return BusinessCalendar(tuple(date.fromisoformat(d) for d in self.extra_closures))


class Profile(_Model):
    name: Code
    municipality: Text
    mayor: Text
    implementing_bodies: tuple[ImplementingBody, ...] = Field(min_length=1)
    departments: tuple[Department, ...] = Field(min_length=1)
    count_first_day: bool
    request_kinds: dict[str, RequestKindRule] = Field(min_length=1)
    exemptions: tuple[Exemption, ...] = Field(min_length=1)
    report_ncnd_to_council: bool
    reminder_lead_days: NonNegativeInt
    fees: Fees
    third_party_response_days: PositiveInt
    # 情報公開法13条③ model: at least two full weeks between decision and disclosure.
    third_party_hold_days: Annotated[int, Field(ge=15)]
    uncollected_days: PositiveInt
    appeal_correction_days: PositiveInt
    council: Council
    extra_closures: tuple[date, ...] = ()
    # 運用状況: requesters with more requests than this in a fiscal year are listed (as pseudonyms).
    frequent_requester_threshold: PositiveInt = 10
    requester_categories: tuple[RequesterCategory, ...] = ()
    # Text that marks an address as inside the municipality (default: the municipality's name).
    local_address_markers: tuple[Text, ...] = ()
    unconfirmed: tuple[str, ...] = ()
    # 漏えい等事案の速報 (施行規則44条①「速やかに」): days from the day after awareness, 3–5 (domain/breach.py).
    breach_preliminary_days: Annotated[int, Field(ge=3, le=5)] = 3

    @field_validator("implementing_bodies", "departments", "exemptions", "requester_categories")
    @classmethod
    def _unique_codes(cls, v: tuple[Any, ...]) -> tuple[Any, ...]:
        return _unique(v, "code")

    @model_validator(mode="after")
    def _cross_references(self) -> "Profile":
        bodies = {b.code for b in self.implementing_bodies}
        for i, dept in enumerate(self.departments):
            if dept.body not in bodies:
                raise ValueError(
                    f"departments[{i}].body: unknown implementing body {dept.body!r} (known: {sorted(bodies)})"
                )
        for path in self.unconfirmed:
            if not self._has_path(path):
                raise ValueError(f"unconfirmed: {path!r} does not name a profile field")
        return self

    def _has_path(self, path: str) -> bool:
        node: Any = self
        for part in path.split("."):
            if isinstance(node, BaseModel) and part in type(node).model_fields:
                node = getattr(node, part)
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                return False
        return True

    # --- lookups ---------------------------------------------------------------

    def calendar(self, added: "Iterable[date]" = ()) -> "BusinessCalendar":
        """The office calendar: the profile's closures plus any ``added`` at run time (calendar_closures)."""
        return BusinessCalendar(self.closures_with(added))

    def closures_with(self, added: "Iterable[date]" = ()) -> tuple[date, ...]:
        """The profile's closures merged with the ones added at run time, sorted and without repeats."""
        return tuple(sorted({*self.extra_closures, *added}))

    def kind(self, kind: str) -> "RequestKindRule":
        try:
            return self.request_kinds[kind]
        except KeyError:
            known = ", ".join(sorted(self.request_kinds))
            raise UnknownProfileKey(
                f"profile {self.name!r} has no request kind {kind!r} (known: {known})"
            ) from None

    def exemption(self, code: str) -> "Exemption | None":
        return next((e for e in self.exemptions if e.code == code), None)

    def department(self, code: str) -> "Department | None":
        return next((d for d in self.departments if d.code == code), None)

    def requester_category(self, code: str) -> "RequesterCategory | None":
        return next((c for c in self.requester_categories if c.code == code), None)

    def quorum(self) -> int:
        """Majority of the members in office (過半数)."""
        return len(self.council.members) // 2 + 1

    def confirm_items(self) -> tuple[str, ...]:
        """Dotted paths of every value still to be verified against the ordinance."""
        items = list(self.unconfirmed)
        items += [f"implementing_bodies[{b.code}]" for b in self.implementing_bodies if b.confirm]
        items += [f"departments[{d.code}]" for d in self.departments if d.confirm]
        items += [f"request_kinds.{k}" for k, r in self.request_kinds.items() if r.confirm]
        items += [f"exemptions[{e.code}]" for e in self.exemptions if e.confirm]
        items += ["fees"] if self.fees.confirm else []
        items += ["council"] if self.council.confirm else []
        items += [f"requester_categories[{c.code}]" for c in self.requester_categories if c.confirm]
        return tuple(items)

    def case_rules(self, kind: str, added_closures: "Iterable[date]" = ()) -> "CaseRules":
        """The snapshot a new request carries; ``added_closures`` are the closures added at run time."""
        rule = self.kind(kind)
        return CaseRules(
            kind=kind,
            period_days=rule.period_days,
            extension_limit_days=rule.extension_limit_days,
            count_first_day=self.count_first_day,
            reminder_lead_days=self.reminder_lead_days,
            third_party_response_days=self.third_party_response_days,
            third_party_hold_days=self.third_party_hold_days,
            uncollected_days=self.uncollected_days,
            report_ncnd_to_council=self.report_ncnd_to_council,
            extra_closures=tuple(d.isoformat() for d in self.closures_with(added_closures)),
            basis=rule.basis,
        )

    def breach_rules(self, added_closures: "Iterable[date]" = ()) -> "BreachRules":
        """The snapshot one breach incident carries: the 速報 days, the reminder lead, the closures."""
        from domain.breaches.commands import BreachRules

        return BreachRules(preliminary_days=self.breach_preliminary_days, reminder_lead_days=self.reminder_lead_days,
                           extra_closures=tuple(d.isoformat() for d in self.closures_with(added_closures)))

    def appeal_rules(self, added_closures: "Iterable[date]" = ()) -> "AppealRules":
        """The snapshot one appeal carries: correction period, council members, quorum, report target."""
        from domain.appeals.commands import AppealRules

        return AppealRules(
            correction_days=self.appeal_correction_days,
            report_target_days=self.council.report_target_days,
            council_members=tuple(m.id for m in self.council.members),
            quorum=self.quorum(),
            extra_closures=tuple(d.isoformat() for d in self.closures_with(added_closures)),
        )


# --- loading ------------------------------------------------------------------


def available_profiles() -> list[str]:
    """Names of the bundled profiles (``domain/profiles/*.toml``)."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.toml"))


def _resolve(name_or_path: str) -> tuple[Path, str]:
    looks_like_path = "/" in name_or_path or "\\" in name_or_path or name_or_path.endswith(".toml")
    if looks_like_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise ProfileError(f"{path}: profile file not found")
        return path, str(path)
    path = PROFILES_DIR / f"{name_or_path}.toml"
    if not re.fullmatch(r"[A-Za-z0-9_-]+", name_or_path) or not path.is_file():
        available = ", ".join(available_profiles()) or "(none)"
        raise ProfileError(f"unknown profile {name_or_path!r}; available profiles: {available}")
    return path, path.name


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _format(label: str, err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        msg = str(e["msg"]).removeprefix("Value error, ")
        path = _dotted(tuple(e["loc"]))
        lines.append(f"{label}: {path}: {msg}" if path else f"{label}: {msg}")
    return "\n".join(lines)


def load_profile(name_or_path: str) -> "Profile":
    """Load and validate a profile by bare name (``"koganei"``) or by file path.

    Raises :class:`ProfileError` naming the file and the dotted field path.
    """
    path, label = _resolve(name_or_path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{label}: invalid TOML: {exc}") from exc
    except OSError as exc:
        raise ProfileError(f"{label}: cannot read profile: {exc}") from exc
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_format(label, exc)) from exc
