"""issue_notice: one official notice per causing event, numbered without gaps, stored immutably.

Idempotent: the notice key (case, event version, type, addressee) is unique;
a retry finds the stored notice and returns it. The number is reserved for the
key in its own short transaction (migration 0025) and reused by a retry, so the
series stays gap-free; the PDF is rendered after that commit, with no
connection and no lock held, and the notice is stored after (issue 15).
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
from activities.notices.pool import RenderPool
from activities.notices.schema import validate
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
    def __init__(self, pool: asyncpg.Pool, secrets: Secrets, profile: Profile,
                 renderer: RenderPool | None = None) -> None:
        self.pool = pool
        self.renderer = renderer or RenderPool(0)  # 0: render in a thread of this process
        self.cipher = secrets.cipher
        self.vault = PartyVault(self.cipher, secrets.search_key)
        self.profile = profile

    @activity.defn(name="issue_notice")
    async def issue_notice(self, req: NoticeRequest) -> NoticeIssued:
        # 1. read what the notice says and take its number (a short transaction), 2. render with no
        # connection held and no lock, 3. store it. The workflow awaits this activity before the act
        # returns, so the notice exists with its number the moment the decision stands.
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
            pack = req.notice_type == referral_pack.NOTICE_TYPE  # the council's pack (諮問書と関係書類)
            if pack:  # dated the referral, or the filing it adds
                issued_on = event.data.get("referred_on") or event.data.get("filed_on") or issued_on
            person = None
            if req.notice_type == notice_data.notice_data_pi.RECIPIENT_NOTICE:  # whose information (APPI 第97条)
                requester = await self.vault.get(conn, case["requester_party_id"])
                person = requester.name if requester else None
            appealed = (await cases.case_state(conn, case["request_id"])
                        if req.case_id.startswith("A-") and case.get("request_id") else None)
            fy = fiscal_year(date.fromisoformat(issued_on))
            dept = self.profile.department(case["department"])
            label = f"{format_fiscal_year(fy)} {dept.name if dept else case['department']}"

            def build(number: str) -> dict:
                if previous is not None:  # 訂正: the stored data with the corrections, under a new number
                    try:
                        corrections = sealed.unseal(self.cipher, event.data["corrections"], case_id=req.case_id,
                                                    notice_id=event.data["notice_id"])
                    except DecryptionError as exc:  # a key retired too early: flag the notice, never retry forever
                        raise ApplicationError(f"{req.key}: sealed correction cannot be opened ({exc})",
                                               type="NoticeDataError", non_retryable=True) from None
                    return notice_data.corrected(previous["data"], corrections, number, issued_on)
                if req.case_id.startswith("A-"):
                    return notice_data.build_appeal(req.notice_type, number=number, issued_on=issued_on,
                                                    appeal=case, event=event.data, addressee=addressee,
                                                    profile=self.profile, request_kind=(appealed or {}).get("kind"))
                return notice_data.build(req.notice_type, number=number, issued_on=issued_on, case=case,
                                         event=event.data, addressee=addressee, profile=self.profile,
                                         decision_id=req.decision_id, person=person)

            if not pack:
                try:  # bad data fails before a number is taken, so it leaves no reserved number behind
                    validate(req.notice_type, build(f"{label} 第0号"))
                except NoticeDataError as exc:
                    raise ApplicationError(str(exc), type="NoticeDataError", non_retryable=True) from exc
            reserved = await notices.reserve_number(conn, req.key, case["department"], fy,
                                                    lambda n: f"{label} 第{n}号")
            if pack:  # read from the event stream under its number (activities/referral_pack.py)
                data = await referral_pack.gather(conn, number=reserved.number, issued_on=issued_on, appeal=case,
                                                  cause=event, appellant_name=addressee.name, profile=self.profile)
        if not pack:
            data = build(reserved.number)
        try:
            # ~100–140 ms of CPU per PDF (docs/performance.md): in a render process (KAIJI_RENDER_PROCESSES),
            # so the worker's other tasks (event recording, polls, heartbeats) keep moving meanwhile. The pack
            # (~1 s, a template of its own) renders in a thread of this process.
            rendered = (await asyncio.to_thread(referral_pack.render, data) if pack
                        else await self.renderer.render(req.notice_type, data))
        except NoticeDataError as exc:
            raise ApplicationError(str(exc), type="NoticeDataError", non_retryable=True) from exc
        notice_id = "N-" + _random.token_hex(8)
        async with self.pool.acquire() as conn:
            try:
                await notices.insert(conn, self.cipher, notice_id=notice_id, case_id=req.case_id, key=req.key,
                                     notice_type=req.notice_type, number=reserved.number,
                                     issued_on=date.fromisoformat(issued_on), rendered=rendered, data=data,
                                     party_id=party_id, supersedes=req.supersedes, decision_id=req.decision_id)
            except asyncpg.UniqueViolationError:  # an earlier attempt of this notice stored it meanwhile
                existing = await notices.by_key(conn, req.key)
                if existing is None:
                    raise
                return NoticeIssued(existing["notice_id"], existing["number"], existing["sha256"])
        return NoticeIssued(notice_id, reserved.number, rendered.sha256)


def _issued_on(event: dict, fallback: date) -> str:
    for field in ("decided_on", "requested_on", "transferred_on"):
        if event.get(field):
            return event[field]
    return event.get("received_on") if event.get("entered_at") else fallback.isoformat()
