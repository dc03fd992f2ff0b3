"""Bodies of the suit routes (取消訴訟): filing and the acts recorded as the courts decide."""

from typing import Literal

from pydantic import Field

from api.schemas import Body, IsoDate


class FileSuitIn(Body):
    filed_on: IsoDate | None = None
    learned_on: IsoDate | None = None
    court: str = Field(min_length=1, max_length=200)
    case_number: str = Field(min_length=1, max_length=200)
    decision_id: str | None = Field(default=None, min_length=1, max_length=40,
                                    description="the decision challenged (default: the request's last decision)")


class ScopeIn(Body):
    title: str = Field(min_length=1, max_length=400)
    disclosure: Literal["full", "partial", "withheld"]


class RecordJudgmentIn(Body):
    court_level: Literal["district", "high", "supreme"]
    judged_on: IsoDate | None = None
    served_on: IsoDate | None = None
    outcome: Literal["upheld", "revoked", "partly_revoked"]
    scope: list[ScopeIn] = Field(default_factory=list, max_length=200)
    text: str = Field(default="", max_length=8000)


class RecordSuitAppealIn(Body):
    filed_on: IsoDate | None = None
    court: str = Field(min_length=1, max_length=200)
    case_number: str = Field(default="", max_length=200)
    by: Literal["", "plaintiff", "defendant"] = ""


class RecordFinalIn(Body):
    final_on: IsoDate | None = None
    outcome: Literal["", "withdrawn", "settled"] = ""
    reason: str = Field(default="", max_length=4000)


SUIT_BODIES: dict[str, type[Body]] = {
    "record-judgment": RecordJudgmentIn, "record-appeal": RecordSuitAppealIn, "record-final": RecordFinalIn,
}
