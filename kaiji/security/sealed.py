"""Personal parts of a notice correction travel sealed: the event store and the timeline never hold them.

A correction of a notice (訂正, ``reissue-notice``) may fix the addressee's or a
third party's name and address. Events are immutable and shown on the case
timeline, so those sections are AES-GCM sealed (the parties' field cipher,
bound to case, notice and section) before the command is built; only the
notice activity opens them to render the superseding notice. Rotating keys
does not rewrite events: keep retired keys in ``KAIJI_ENCRYPTION_KEYS`` (they
still decrypt) as long as such a notice may have to be re-rendered.
"""

from __future__ import annotations

import json
from typing import Any

from kaiji.security.fields import FieldCipher

PERSONAL_SECTIONS = ("addressee", "third_party")
SEALED = "sealed"


def _context(case_id: str, notice_id: str, section: str) -> str:
    return f"notice-correction:{case_id}:{notice_id}:{section}"


def seal(cipher: FieldCipher, corrections: dict[str, Any], *, case_id: str, notice_id: str) -> dict[str, Any]:
    return {key: {SEALED: cipher.encrypt(json.dumps(value, ensure_ascii=False),
                                         context=_context(case_id, notice_id, key))}
            if key in PERSONAL_SECTIONS else value for key, value in corrections.items()}


def unseal(cipher: FieldCipher, corrections: dict[str, Any], *, case_id: str, notice_id: str) -> dict[str, Any]:
    def open_(key: str, value: Any) -> Any:
        # Only the sections seal() wraps: a {"sealed": …} a caller typed into another section is plain data.
        if key in PERSONAL_SECTIONS and isinstance(value, dict) and set(value) == {SEALED}:
            return json.loads(cipher.decrypt(value[SEALED], context=_context(case_id, notice_id, key)))
        return value

    return {key: open_(key, value) for key, value in corrections.items()}


def _breach_context(breach_id: str, field: str) -> str:
    return f"breach:{breach_id}:{field}"


def seal_breach_text(cipher: FieldCipher, text: str, *, breach_id: str, field: str = "description") -> str:
    """A breach's free text (what happened: it may name people), sealed before it enters a command, the
    event store or the timeline; bound to the breach and the field like a party's columns."""
    return cipher.encrypt(text, context=_breach_context(breach_id, field))


def unseal_breach_text(cipher: FieldCipher, token: str, *, breach_id: str, field: str = "description") -> str:
    return cipher.decrypt(token, context=_breach_context(breach_id, field))
