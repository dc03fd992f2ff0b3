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
    "PI_TYPES",
    "NoticeDataError",
    "RenderedNotice",
]

# Bump whenever a template, the stylesheet or the PDF layout changes: a stored
# notice records the version it was rendered with. tests/notices checks that
# TEMPLATES_SHA256 matches the templates, so a silent change fails CI.
TEMPLATE_VERSION = "4"
TEMPLATES_SHA256 = "f56cb8ff391ddcc8986c02f1895ce75ac786bd094de8e73e9991b557c6a55e57"

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
    # 個人情報の保護に関する法律 (self-information requests); the data's title names the kind where it varies.
    "pi_receipt": "保有個人情報開示請求受付票",
    "pi_extension": "保有個人情報開示決定等期限延長通知書",
    "pi_large_volume_extension": "保有個人情報開示決定等期限特例延長通知書",
    "pi_disclosure_full": "保有個人情報開示決定通知書",
    "pi_disclosure_partial": "保有個人情報の部分開示決定通知書",
    "pi_disclosure_refusal": "保有個人情報の不開示決定通知書",
    "pi_correction_granted": "保有個人情報の訂正決定通知書",
    "pi_correction_refused": "保有個人情報の不訂正決定通知書",
    "pi_suspension_granted": "保有個人情報の利用停止決定通知書",
    "pi_suspension_refused": "保有個人情報の利用不停止決定通知書",
    "pi_dismissed": "保有個人情報開示請求却下決定通知書",
    "pi_correction_request": "保有個人情報開示請求書の補正について（依頼）",  # 第77条③ (第91条③, 第99条③)
    "pi_transfer": "保有個人情報開示請求事案移送通知書",  # 第85条① (第96条①)
    "pi_third_party_opinion_request": "意見照会書（保有個人情報開示請求）",  # 第86条①
    "pi_third_party_disclosure_notice": "保有個人情報の開示決定に係る通知書",  # 第86条③
    "pi_correction_recipient_notice": "保有個人情報の訂正について（通知）",  # 第97条 (提供先への通知)
}

# Decisions adverse to the requester: they carry the challenge instructions (教示).
ADVERSE_TYPES = frozenset(
    {"decision_partial", "decision_non_disclosure", "decision_ncnd", "decision_dismissed",
     "pi_disclosure_partial", "pi_disclosure_refusal", "pi_correction_refused", "pi_suspension_refused",
     "pi_dismissed"}
)
# Self-information notices (their templates share templates/_pi.html.j2).
PI_TYPES = frozenset(t for t in NOTICE_TYPES if t.startswith("pi_"))
# Every notice that carries 教示 and so needs the `challenge` block.
CHALLENGE_TYPES = ADVERSE_TYPES | {"third_party_disclosure_notice", "pi_third_party_disclosure_notice", "ruling"}


class NoticeDataError(ValueError):
    """Unknown notice type or missing / malformed data; the message names the field."""


@dataclass(frozen=True)
class RenderedNotice:
    html: str
    pdf: bytes
    sha256: str  # of `pdf`
    template_version: str
