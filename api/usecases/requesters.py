"""Known requesters at the counter: find earlier requesters by name, reuse their data, warn of a similar request.

Names are searched through the vault's keyed name hash (an exact match of the normalised name); contact data is
decrypted only for a role that may see it, and each such read is recorded (``personal_data.read``).
"""

from __future__ import annotations

from typing import Any

from api import personal_data
from api.auth import Principal
from api.authz import sees_contact
from api.deps import AppState
from domain import clock
from domain.requests.similar import EarlierRequest, similar_requests, window_start
from store import requesters


def _hash(st: AppState, name: str) -> str | None:
    try:
        return st.vault.name_hash(name) if name.strip() else None
    except ValueError:  # nothing left of the name after normalising
        return None


async def find_known(st: AppState, principal: Principal, name: str) -> list[dict[str, Any]]:
    """Earlier requesters with this name: one entry per stored party, newest request first."""
    name_hash = _hash(st, name)
    if name_hash is None:
        return []
    found: list[dict[str, Any]] = []
    contact = sees_contact(principal)
    async with st.pool.acquire() as conn:
        rows = await requesters.by_name_hash(conn, name_hash)
        for r in rows:
            party = await st.vault.get(conn, r["party_id"])
            if party is None:
                continue
            item: dict[str, Any] = {
                "party_id": party.party_id, "name": party.name, "type": party.party_type,
                "case_id": r["case_id"], "received_on": r["received_on"],
                "requester_category": r["requester_category"],
            }
            if contact:
                item.update(address=party.address or "", phone=party.phone or "", email=party.email or "")
            found.append(item)
        if contact and found:
            await personal_data.record_read(conn, principal, "requester-search", [f["party_id"] for f in found],
                                            purpose="registration")
    return found


async def known_party(st: AppState, principal: Principal, party_id: str) -> dict[str, str] | None:
    """One earlier requester's data to fill the registration form with (contact data only if the role may see)."""
    async with st.pool.acquire() as conn:
        party = await st.vault.get(conn, party_id)
        if party is None or party.party_role != "requester":
            return None
        values = {"name": party.name, "requester_type": party.party_type}
        if sees_contact(principal):
            values.update(address=party.address or "", phone=party.phone or "", email=party.email or "")
            await personal_data.record_read(conn, principal, "requester-search", [party.party_id],
                                            purpose="registration")
    return values


async def similar_recent(st: AppState, name: str, subject: str) -> list[EarlierRequest]:
    """Requests by the same name within the last 30 days with a similar subject (a warning, not a refusal)."""
    name_hash = _hash(st, name)
    if name_hash is None or not subject.strip():
        return []
    today = clock.today()
    async with st.pool.acquire() as conn:
        rows = await requesters.subjects_since(conn, name_hash, window_start(today))
    earlier = [EarlierRequest(r["case_id"], r["subject"] or "", r["received_on"]) for r in rows]
    return similar_requests(subject, earlier, today)
