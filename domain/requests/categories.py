"""請求者の区分 at intake: suggest a category of the profile from the address and requester type.

The annual operation-status report (運用状況の公表) counts requesters by category. The suggestion is a
default the counter staff confirm or change: that a requester works or studies in the city (在勤・在学)
cannot be read from the address.
"""

from __future__ import annotations

import unicodedata

from domain.errors import invalid
from domain.profile import Profile, RequesterCategory


def is_local(profile: Profile, address: str) -> bool:
    """The address names the municipality (NFKC, so full-width and half-width forms compare equal)."""
    text = unicodedata.normalize("NFKC", address or "")
    markers = profile.local_address_markers or (profile.municipality,)
    return any(unicodedata.normalize("NFKC", m) in text for m in markers)


def suggest_category(profile: Profile, address: str, requester_type: str) -> RequesterCategory | None:
    """The first category of the profile whose requester type and locality fit; None if none does."""
    local = is_local(profile, address)
    return next((c for c in profile.requester_categories
                 if c.requester_type in (None, requester_type) and c.local in (None, local)), None)


def requester_category(profile: Profile, code: str | None, address: str, requester_type: str) -> str | None:
    """The category to record: the code staff gave (checked against the profile) or the suggestion."""
    if code is None:
        suggested = suggest_category(profile, address, requester_type)
        return suggested.code if suggested else None
    if profile.requester_category(code) is None:
        known = ", ".join(c.code for c in profile.requester_categories) or "(none)"
        raise invalid(f"requester_category: プロファイルにない区分です（{code}）。 / Unknown requester category "
                      f"{code!r}; known: {known}.")
    return code
