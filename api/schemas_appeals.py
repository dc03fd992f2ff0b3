"""Bodies of appeal and council actions (contract.md); unknown fields are refused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from api.schemas import Body, IsoDate, ThirdPartyIn

Text = Field(default="", max_length=8000)


class FileAppealIn(Body):
    filed_on: IsoDate | None = None
    kind: Literal["decision", "inaction"] = "decision"
    learned_on: IsoDate | None = None
    appellant_party: ThirdPartyIn | None = None  # default: the requester
    decision_id: str | None = Field(default=None, min_length=1, max_length=40,
                                    description="the decision appealed (default: the request's last decision)")
    grounds: str = Field(min_length=1, max_length=8000)


class ScopeItemIn(Body):
    title: str = Field(min_length=1, max_length=400)
    disclosure: Literal["full", "partial", "withheld"]


class OrderCorrectionIn(Body):
    respond_by: IsoDate | None = None
    what: str = Field(min_length=1, max_length=4000)


class RecordAppealCorrectionIn(Body):
    received_on: IsoDate | None = None


class RecordExplanationIn(Body):
    filed_on: IsoDate | None = None
    text: str = Field(min_length=1, max_length=20000)


class RecordOpinionIn(Body):
    filed_on: IsoDate | None = None
    text: str = Field(min_length=1, max_length=20000)


class RecordLateReasonIn(Body):
    reason: str = Field(min_length=1, max_length=4000)


class ReferToCouncilIn(Body):
    referred_on: IsoDate | None = None


class DismissIn(Body):
    ruled_on: IsoDate | None = None
    reason: str = Field(min_length=1, max_length=8000)


class GrantWithoutReferralIn(Body):
    ruled_on: IsoDate | None = None
    scope: list[ScopeItemIn] = Field(min_length=1, max_length=200)
    text: str = Text


class RecordRulingIn(Body):
    ruling: Literal["dismissed", "rejected", "granted", "partly_granted"]
    ruled_on: IsoDate | None = None
    scope: list[ScopeItemIn] = Field(default_factory=list, max_length=200)
    text: str = Text


class WithdrawAppealIn(Body):
    withdrawn_on: IsoDate | None = None
    reason: str = Text


class RecordSessionIn(Body):
    held_on: IsoDate | None = None
    closed: bool = True
    present: list[str] = Field(default_factory=list, max_length=50)
    in_camera: bool = False
    oral_statement: bool = False
    minutes: str = Text
    # Request ids whose neither-confirm-nor-deny decision was reported at this session.
    ncnd_reported: list[Annotated[str, Field(pattern=r"^R-\d{4}-\d{5}$")]] = Field(default_factory=list,
                                                                                   max_length=100)

    @field_validator("ncnd_reported")
    @classmethod
    def _each_once(cls, ids: list[str]) -> list[str]:
        if len(set(ids)) != len(ids):
            raise ValueError("name each request once")
        return ids


class AdoptReportIn(Body):
    adopted_on: IsoDate | None = None
    conclusion: Literal["uphold", "disclose_in_part", "disclose_in_full", "other"]
    text: str = Field(min_length=1, max_length=20000)
    votes_for: int = Field(ge=0, le=50)
    votes_against: int = Field(default=0, ge=0, le=50)


class NcndReportIn(Body):
    reported_on: IsoDate | None = None
    session_ref: str = Field(default="", max_length=200)


APPEAL_BODIES: dict[str, type[Body]] = {
    "order-correction": OrderCorrectionIn,
    "record-correction": RecordAppealCorrectionIn,
    "record-explanation": RecordExplanationIn,
    "record-opinion": RecordOpinionIn,
    "record-late-reason": RecordLateReasonIn,
    "refer-to-council": ReferToCouncilIn,
    "dismiss": DismissIn,
    "grant-without-referral": GrantWithoutReferralIn,
    "record-ruling": RecordRulingIn,
    "withdraw": WithdrawAppealIn,
}
COUNCIL_BODIES: dict[str, type[Body]] = {"record-session": RecordSessionIn, "adopt-report": AdoptReportIn}
