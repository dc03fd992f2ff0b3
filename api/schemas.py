"""Request bodies at the edge (pydantic); unknown fields are refused (no mass assignment)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

# C0 control characters other than tab, newline and carriage return (NUL above all: PostgreSQL cannot store it).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Bidirectional embeddings, overrides and isolates (Unicode TR9): they can make a text display in an order
# other than the one stored (a name or subject that reads differently on screen, in a notice, in a CSV).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Fillers that render as blanks but are neither whitespace nor format characters.
_BLANK_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(ch: str) -> bool:
    """Whitespace, a format character (Cf: zero-width space and joiners, BOM, soft hyphen…) or a filler."""
    return ch.isspace() or unicodedata.category(ch) == "Cf" or ch in _BLANK_FILLERS


def _control_free(value: Any, where: str = "") -> None:
    if isinstance(value, str):
        if _CONTROL.search(value):
            raise PydanticCustomError("control_character", "{where} contains a control character (e.g. NUL)",
                                      {"where": where or "a text"})
        if _BIDI.search(value):
            raise PydanticCustomError("bidi_control", "{where} contains a bidirectional override or isolate "
                                      "character (U+202A–U+202E, U+2066–U+2069)", {"where": where or "a text"})
        if value and all(_invisible(ch) for ch in value) and not value.isspace():
            # Plain blanks are stripped and then meet min_length; a zero-width space would pass as a name.
            raise PydanticCustomError("invisible_text", "{where} is made only of invisible characters",
                                      {"where": where or "a text"})
    elif isinstance(value, dict):
        for k, v in value.items():
            _control_free(k, where)
            _control_free(v, f"{where}.{k}" if where else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _control_free(v, f"{where}[{i}]")


class Body(BaseModel):
    """Every request body: unknown fields refused (mass assignment); in every text, no control character, no
    bidirectional override, and never only invisible characters."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        _control_free(data)
        return data


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:?\d{2})?")


def _iso(pattern: re.Pattern[str], kind: type, form: str):  # type: ignore[no-untyped-def]
    def check(value: Any) -> Any:
        # pydantic would also take a number (a Unix timestamp) or "0"; the schema promises an ISO string.
        if isinstance(value, kind) or (isinstance(value, str) and pattern.fullmatch(value)):
            return value
        raise PydanticCustomError("iso_format", "write it as {form}", {"form": form})

    return BeforeValidator(check)


EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)  # any date this office records lies in between


def _plausible(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise PydanticCustomError("date_range", "must lie between {a} and {b}",
                                  {"a": EARLIEST.isoformat(), "b": LATEST.isoformat()})
    return value


IsoDate = Annotated[date, _iso(_ISO_DATE, date, "YYYY-MM-DD"), AfterValidator(_plausible)]
def _plausible_moment(value: datetime) -> datetime:
    _plausible(value.date())
    return value


IsoDateTime = Annotated[datetime, _iso(_ISO_DATETIME, datetime, "YYYY-MM-DDThh:mm:ss[+09:00]"),
                        AfterValidator(_plausible_moment)]


Text = Field(default="", max_length=4000)


class RequesterIn(Body):
    name: str = Field(min_length=1, max_length=200)
    type: Literal["individual", "corporation"] = "individual"
    address: str = Field(min_length=1, max_length=400)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)


class IdentityIn(Body):
    """本人確認 at intake (個人情報保護法第77条②, 施行令第22条): which document was seen — never its number or a
    copy. ``presenter``: the person (``self``), a 法定代理人 or a 任意代理人 (第76条②), who also shows the
    document of authority (``authority_document``)."""

    presenter: Literal["self", "legal_representative", "agent"] = "self"
    document: Literal["my_number_card", "drivers_licence", "passport", "residence_card", "health_insurance",
                      "other"]
    authority_document: Literal["family_register", "guardianship_certificate", "power_of_attorney",
                                "other"] | None = None


class RequestIn(Body):
    kind: Literal["public_records", "personal_info_disclosure", "personal_info_correction",
                  "personal_info_suspension"]
    received_on: IsoDate | None = None
    channel: Literal["counter", "mail", "fax", "online"] = "counter"
    requester: RequesterIn
    subject: str = Field(min_length=1, max_length=2000)
    department: str = Field(min_length=1, max_length=40)
    preferred_method: Literal["viewing", "copy", "electronic"] = "viewing"
    # 請求者の区分: a code of the profile's requester_categories (GET /api/v1/profile); default: the one
    # suggested from the address and the requester type.
    requester_category: str | None = Field(default=None, min_length=1, max_length=40)
    # Self-information requests (domain/self_information.py): identity verified at intake (required); a
    # correction or suspension names the disclosure it concerns (within 90 days of ``disclosed_on``,
    # 第90条③ / 第98条③), optionally its case, and a suspension the measure asked for (第98条①).
    identity: IdentityIn | None = None
    disclosed_on: IsoDate | None = None
    disclosure_case_id: str | None = Field(default=None, min_length=1, max_length=40)
    measure: Literal["stop_use", "erase", "stop_provision"] | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "kind": "public_records",
                    "received_on": "2025-03-17",
                    "channel": "counter",
                    "requester": {"name": "山田 太郎", "type": "individual", "address": "小金井市本町6-6-3",
                                  "phone": "042-000-0000", "email": "taro@example.jp"},
                    "subject": "令和6年度 道路補修工事の契約書一式",
                    "department": "toshi",
                    "preferred_method": "copy",
                    "requester_category": "resident",
                }
            ]
        },
    )


class RequestCorrectionIn(Body):
    requested_on: IsoDate | None = None
    respond_by: IsoDate
    what: str = Field(min_length=1, max_length=4000)


class RecordCorrectionIn(Body):
    received_on: IsoDate | None = None
    note: str = Text


class AssignIn(Body):
    department: str | None = Field(default=None, max_length=40)
    reviewer: str | None = Field(default=None, max_length=80)


class ExtendIn(Body):
    new_due: IsoDate | None = None
    reason: str = Field(min_length=1, max_length=4000)
    large_volume: bool = False
    partial_due: IsoDate | None = None
    remainder_due: IsoDate | None = None


class ThirdPartyIn(Body):
    name: str = Field(min_length=1, max_length=200)
    type: Literal["individual", "corporation"] = "corporation"
    address: str | None = Field(default=None, max_length=400)


class ConsultThirdPartyIn(Body):
    party: ThirdPartyIn
    respond_by: IsoDate | None = None
    mandatory: bool = False


class RecordThirdPartyOpinionIn(Body):
    party_id: str = Field(min_length=1, max_length=40)
    received_on: IsoDate | None = None
    objects: bool
    summary: str = Text


class ExemptionIn(Body):
    clause: str = Field(min_length=1, max_length=20)
    reason: str = Field(min_length=1, max_length=4000)


class DocumentIn(Body):
    title: str = Field(min_length=1, max_length=400)
    disclosure: Literal["full", "partial", "withheld"]


Outcome = Literal["full", "partial", "non_disclosure", "neither_confirm_nor_deny", "dismissed"]


class RecipientIn(Body):
    """提供先 (APPI 第97条): a party the corrected information had been provided to. Kept in the parties table,
    encrypted like every party; the decision names it by its party id."""

    name: str = Field(min_length=1, max_length=200, examples=["多摩地域児童福祉事務組合"])
    type: Literal["individual", "corporation"] = "corporation"
    address: str | None = Field(default=None, max_length=400)


Recipients = Field(default=None, min_length=1, max_length=20,
                   description="訂正決定（訂正する・一部訂正する）の提供先 (APPI 第97条): each is told of the correction "
                               "when the decision is approved. Only on a self-information correction request.")


class DecisionPartIn(Body):
    outcome: Outcome
    non_disclosure_ground: Literal["exempt", "not_held"] | None = None
    exemptions: list[ExemptionIn] = Field(default_factory=list, max_length=50)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=200)
    reason_text: str = Text
    disclosure_on: IsoDate | None = None
    recipients: list[RecipientIn] | None = Recipients


class DraftDecisionIn(Body):
    """One decision (``outcome`` …) or several (``decisions``: a list of parts, approved together, each
    its own decision with its own notice and appeal window). ``covers_remainder``: after a 特例延長,
    this first draft decides the remainder too."""

    outcome: Outcome | None = None
    non_disclosure_ground: Literal["exempt", "not_held"] | None = None
    exemptions: list[ExemptionIn] = Field(default_factory=list, max_length=50)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=200)
    reason_text: str = Text
    disclosure_on: IsoDate | None = None
    decisions: list[DecisionPartIn] | None = Field(default=None, min_length=1, max_length=20)
    covers_remainder: bool = False
    recipients: list[RecipientIn] | None = Recipients

    @model_validator(mode="after")
    def _one_form(self) -> DraftDecisionIn:
        single = self.outcome is not None or self.non_disclosure_ground is not None or bool(
            self.exemptions or self.documents or self.reason_text or self.disclosure_on or self.recipients)
        if self.decisions is None and self.outcome is None:
            raise PydanticCustomError("missing_outcome", "give outcome, or decisions (a list of parts)")
        if self.decisions is not None and single:
            raise PydanticCustomError("two_forms", "give either one decision (outcome …) or decisions, not both")
        return self

    def parts(self) -> list[DecisionPartIn]:
        if self.decisions is not None:
            return self.decisions
        return [DecisionPartIn(outcome=self.outcome, non_disclosure_ground=self.non_disclosure_ground,
                               exemptions=self.exemptions, documents=self.documents,
                               reason_text=self.reason_text, disclosure_on=self.disclosure_on,
                               recipients=self.recipients)]


class ReturnDraftIn(Body):
    comment: str = Field(min_length=1, max_length=4000)


class ApproveDecisionIn(Body):
    decided_on: IsoDate | None = None
    comment: str = Text


class RecordNoticeDeliveryIn(Body):
    delivered_on: IsoDate
    decision_id: str | None = Field(default=None, min_length=1, max_length=40,
                                    description="the decision whose notice arrived (default: the last approval's)")


class RecordDisclosureIn(Body):
    """公開の実施 and its cost (費用負担, domain/fees.py): ``pages`` copied (of which ``colour_pages`` in colour),
    ``media`` written for an electronic disclosure, ``postage_yen`` paid for mailing. ``fee_yen`` is the amount
    charged: by default the amount computed from the profile's fee table; a lower one needs ``reduction_reason``
    (減免理由), a higher one is refused."""

    executed_on: IsoDate | None = None
    method: Literal["viewing", "copy", "electronic"]
    pages: int = Field(default=0, ge=0, le=1_000_000)
    colour_pages: int = Field(default=0, ge=0, le=1_000_000)
    media: int = Field(default=0, ge=0, le=1_000)
    postage_yen: int = Field(default=0, ge=0, le=1_000_000)
    fee_yen: int | None = Field(default=None, ge=0, le=100_000_000)
    reduction_reason: str = Text


class WithdrawIn(Body):
    withdrawn_on: IsoDate | None = None
    reason: str = Text


class TransferIn(Body):
    """移送先: ``to_body``, an implementing body code of the profile other than the case's own (``GET
    /api/v1/profile`` lists them), or ``to_body_other``, the full name of another public body (another
    municipality's body, the prefecture, a national agency). Exactly one of the two."""

    to_body: str | None = Field(default=None, min_length=1, max_length=40,
                                examples=["board_of_education"])
    to_body_other: str | None = Field(default=None, min_length=1, max_length=200, examples=["国分寺市長"])
    transferred_on: IsoDate | None = None
    reason: str = Text


class ReissueNoticeIn(Body):
    notice_id: str = Field(min_length=1, max_length=40)
    reason: str = Field(min_length=1, max_length=4000)
    corrections: dict[str, Any] = Field(min_length=1, max_length=20)


ACTION_BODIES: dict[str, type[Body]] = {
    "request-correction": RequestCorrectionIn,
    "record-correction": RecordCorrectionIn,
    "assign": AssignIn,
    "extend": ExtendIn,
    "consult-third-party": ConsultThirdPartyIn,
    "record-third-party-opinion": RecordThirdPartyOpinionIn,
    "draft-decision": DraftDecisionIn,
    "return-draft": ReturnDraftIn,
    "approve-decision": ApproveDecisionIn,
    "record-notice-delivery": RecordNoticeDeliveryIn,
    "record-disclosure": RecordDisclosureIn,
    "withdraw": WithdrawIn,
    "transfer": TransferIn,
    "reissue-notice": ReissueNoticeIn,
}
