"""Notices an appeal event calls for: correction order, referral notice (to everyone concerned), ruling."""

from __future__ import annotations

from domain.appeals.state import AppealCase
from domain.events import EventDraft, NoticeRequest


def notices_for(case: AppealCase, event: EventDraft, version: int) -> list[NoticeRequest]:
    aid = case.appeal_id
    if event.type == "AppealCorrectionOrdered":
        return [NoticeRequest(aid, "appeal_correction_order", version, case.appellant_party_id)]
    if event.type == "ReferredToCouncil":
        # 諮問通知 (行審法43条③): the appellant, the requester if different, and every objecting third party.
        parties = [case.appellant_party_id]
        if case.requester_party_id and case.requester_party_id not in parties:
            parties.append(case.requester_party_id)
        parties += [p for p in case.third_parties if p not in parties]
        return [NoticeRequest(aid, "referral_notice", version, p) for p in parties]
    if event.type == "RulingIssued":
        return [NoticeRequest(aid, "ruling", version, case.appellant_party_id)]
    return []
