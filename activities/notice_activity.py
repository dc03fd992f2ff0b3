"""issue_notice: one official notice per causing event, numbered without gaps, stored immutably.

Idempotent: the notice key (case, event version, type, addressee) is unique;
a retry finds the stored notice and returns it. The number is allocated in the
same transaction that stores the notice, so a failed render leaves no gap.
The HTML, PDF and data are stored encrypted (they name the addressee).
"""

from __future__ import annotations

import asyncio
import secrets as _random
from datetime import date

import asyncpg
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import notice_data, referral_pack
from activities.notices import render
from activities.notices.types import NoticeDataError
from domain.clock import jst_date
from domain.era import fiscal_year, format_fiscal_year
from domain.events import NoticeIssued, NoticeRequest
from domain.profile import Profile
from kaiji.secrets import Secrets
from kaiji.security import sealed
from kaiji.security.fields import DecryptionError
from store import cases, events, notices
from store.parties import PartyVault


class NoticeActivities:
    def __init__(self, pool: asyncpg.Pool, secrets: Secrets, profile: Profile) -> None:
        self.pool = pool
        self.cipher = secrets.cipher
        self.vault = PartyVault(self.cipher, secrets.search_key)
        self.profile = profile

    @activity.defn(name="issue_notice")
    async def issue_notice(self, req: NoticeRequest) -> NoticeIssued:
        async with self.pool.acquire() as conn:
            existing = await notices.by_key(conn, req.key)
            if existing:
                return NoticeIssued(existing["notice_id"], existing["number"], existing["sha256"])
            case = await cases.case_state(conn, req.case_id) if req.case_id.startswith("R-") else \
                await cases.appeal_state(conn, req.case_id)
            event = await events.event_at(conn, req.case_id, req.cause_version)
            if case is None or event is None:
                raise ApplicationError(f"{req.key}: case or causing event not found yet")  # retried
            previous = await notices.read(conn, self.cipher, req.supersedes) if req.supersedes else None
            party_id = req.party_id or (previous["party_id"] if previous else None) or case["requester_party_id"]
            addressee = await self.vault.get(conn, party_id)
            if addressee is None:
                raise ApplicationError(f"{req.key}: addressee {party_id} not found", non_retryable=True)
            issued_on = _issued_on(event.data, jst_date(event.occurred_at))
            if req.notice_type == referral_pack.NOTICE_TYPE:  # dated the referral, or the filing it adds
                issued_on = event.data.get("referred_on") or event.data.get("filed_on") or issued_on
            async with conn.transaction():
                fy = fiscal_year(date.fromisoformat(issued_on))
                n = await notices.next_number(conn, case["department"], fy)
                dept = self.profile.department(case["department"])
                number = f"{format_fiscal_year(fy)} {dept.name if dept else case['department']} 第{n}号"
                if previous is not None:  # 訂正: the stored data with the corrections, under a new number
                    try:
                        corrections = sealed.unseal(self.cipher, event.data["corrections"], case_id=req.case_id,
                                                    notice_id=event.data["notice_id"])
                    except DecryptionError as exc:  # a key retired too early: flag the notice, never retry forever
                        raise ApplicationError(f"{req.key}: sealed correction cannot be opened ({exc})",
                                               type="NoticeDataError", non_retryable=True) from None
                    data = notice_data.corrected(previous["data"], corrections, number, issued_on)
                elif req.notice_type == referral_pack.NOTICE_TYPE:  # the council's pack (諮問書と関係書類)
                    data = await referral_pack.gather(conn, number=number, issued_on=issued_on, appeal=case,
                                                      cause=event, appellant_name=addressee.name, profile=self.profile)
                elif req.case_id.startswith("A-"):
                    appealed = await cases.case_state(conn, case["request_id"]) if case.get("request_id") else None
                    data = notice_data.build_appeal(req.notice_type, number=number, issued_on=issued_on, appeal=case,
                                                    event=event.data, addressee=addressee, profile=self.profile,
                                                    request_kind=(appealed or {}).get("kind"))
                else:
                    data = notice_data.build(req.notice_type, number=number, issued_on=issued_on, case=case,
                                             event=event.data, addressee=addressee, profile=self.profile,
                                             decision_id=req.decision_id)
                try:
                    # ~185 ms of CPU per PDF (docs/performance.md): off the event loop, so the worker's
                    # other tasks (event recording, polls, heartbeats) keep moving meanwhile.
                    if req.notice_type == referral_pack.NOTICE_TYPE:
                        rendered = await asyncio.to_thread(referral_pack.render, data)
                    else:
                        rendered = await asyncio.to_thread(render, req.notice_type, data)
                except NoticeDataError as exc:
                    raise ApplicationError(str(exc), type="NoticeDataError", non_retryable=True) from exc
                notice_id = "N-" + _random.token_hex(8)
                await notices.insert(conn, self.cipher, notice_id=notice_id, case_id=req.case_id, key=req.key,
                                     notice_type=req.notice_type, number=number, issued_on=date.fromisoformat(issued_on),
                                     rendered=rendered, data=data, party_id=party_id,
                                     supersedes=req.supersedes, decision_id=req.decision_id)
        return NoticeIssued(notice_id, number, rendered.sha256)


def _issued_on(event: dict, fallback: date) -> str:
    for field in ("decided_on", "requested_on", "transferred_on"):
        if event.get(field):
            return event[field]
    return event.get("received_on") if event.get("entered_at") else fallback.isoformat()
