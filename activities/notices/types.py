"""Notice types, the rendered result and the data error.

Titles follow the Tama model forms (様式) of the 情報公開条例施行規則. The NCND
decision is titled 「公開請求拒否決定通知書（存否応答拒否）」: the decision refuses
the request itself without saying whether the record exists, and the suffix
names the ground so the notice reads on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ADVERSE_TYPES",
    "CHALLENGE_TYPES",
    "NOTICE_TYPES",
    "TEMPLATE_VERSION",
    "TEMPLATES_SHA256",
    "NoticeDataError",
    "RenderedNotice",
]

# Bump whenever a template, the stylesheet or the PDF layout changes: a stored
# notice records the version it was rendered with. tests/notices checks that
# TEMPLATES_SHA256 matches the templates, so a silent change fails CI.
TEMPLATE_VERSION = "1"  # pdf.py changed in issue 15 (font loaded once per process), bytes unchanged
TEMPLATES_SHA256 = "ea6cb00de3c0b5fc2be45b24c6b57fb56ed431fcfe76d414313686e379d06c2a"

NOTICE_TYPES: dict[str, str] = {
    "receipt": "公文書公開請求受付票",
    "correction_request": "補正依頼書",
    "extension": "公開決定等期限延長通知書",
    "large_volume_extension": "公開決定等期限特例延長通知書",
    "transfer": "移送通知書",
    "third_party_opinion_request": "意見照会書",
    "third_party_disclosure_notice": "公開決定に係る通知書",
    "decision_full": "公開決定通知書",
    "decision_partial": "部分公開決定通知書",
    "decision_non_disclosure": "非公開決定通知書",
    "decision_ncnd": "公開請求拒否決定通知書（存否応答拒否）",
    "decision_dismissed": "却下決定通知書",
    "appeal_correction_order": "補正命令書",
    "referral_notice": "諮問通知書",
    "ruling": "裁決書",
}

# Decisions adverse to the requester: they carry the challenge instructions (教示).
ADVERSE_TYPES = frozenset(
    {"decision_partial", "decision_non_disclosure", "decision_ncnd", "decision_dismissed"}
)
# Every notice that carries 教示 and so needs the `challenge` block.
CHALLENGE_TYPES = ADVERSE_TYPES | {"third_party_disclosure_notice", "ruling"}


class NoticeDataError(ValueError):
    """Unknown notice type or missing / malformed data; the message names the field."""


@dataclass(frozen=True)
class RenderedNotice:
    html: str
    pdf: bytes
    sha256: str  # of `pdf`
    template_version: str
