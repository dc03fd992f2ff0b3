"""Intake of a self-information request (保有個人情報の開示・訂正・利用停止請求) at the API edge.

The rules are domain/self_information.py; here the body is checked against them (422 on a refusal)
and turned into what the registration carries: the identity recorded (encrypted with the requester's
party row, 第77条②) and, for a correction or suspension, the disclosure it concerns (第90条③, 第98条③).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg

from api.errors import ApiError
from api.schemas import RequestIn
from domain import self_information as si
from domain.clock import parse_date
from domain.errors import Refusal
from domain.profile import CaseRules
from store import cases


async def intake(
    conn: asyncpg.Connection,
    body: RequestIn,
    received_on: date,
    rules: CaseRules,
) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """(identity to store with the requester, RegisterRequest fields). Raises ApiError 422."""
    identity = (
        si.Identity(
            body.identity.presenter,
            body.identity.document,
            body.identity.authority_document,
            verified_on=received_on.isoformat(),
        )
        if body.identity
        else None
    )
    disclosed_on = body.disclosed_on
    if body.disclosure_case_id is not None:
        if body.kind not in si.MEASURE_KINDS:
            raise ApiError(
                422,
                "disclosure_case_id: 訂正請求・利用停止請求にのみ指定します。 / Only for a "
                "correction or suspension request.",
            )
        row = await cases.get_case(conn, body.disclosure_case_id)
        if row is None or row["state"].get("kind") != si.DISCLOSURE:
            raise ApiError(
                422,
                f"disclosure_case_id: {body.disclosure_case_id} は保有個人情報開示請求ではありません。"
                " / Not a self-information disclosure request.",
            )
        if disclosed_on is None and row["state"].get("disclosed_on"):
            disclosed_on = parse_date(row["state"]["disclosed_on"])
    try:
        si.check_identity(body.kind, identity)
        si.check_filing(
            body.kind,
            received_on=received_on,
            disclosed_on=disclosed_on,
            calendar=rules.calendar(),
            measure=body.measure,
        )
    except Refusal as exc:
        raise ApiError(422, exc.message) from None
    fields = {}
    if identity is not None:
        fields = {
            "identity_verified": True,
            "disclosed_on": disclosed_on.isoformat() if disclosed_on else None,
            "disclosure_case_id": body.disclosure_case_id,
            "measure": body.measure,
        }
    return (identity.to_dict() if identity else None), fields
