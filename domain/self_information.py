"""Self-information requests (保有個人情報の開示・訂正・利用停止請求) under the APPI (個人情報の保護に関する法律).

Since 2023-04-01 a municipality's bodies apply the Act itself (第5章第4節):

- 開示請求 (第76条): decisions 開示 / 一部開示 (第79条) / 不開示 (第78条 不開示情報, or 不存在) /
  存否応答拒否 (第81条) (第82条 開示決定等); period 30 days (第83条①), extendable by 30 days with written
  notice (第83条②), and the 特例 for a very large volume (第84条: a substantial part within the period, the
  rest within a reasonable period, the requester told within the first 30 days).
- 訂正請求 (第90条): 訂正する / しない (第93条); filed within 90 days of the day the person received the
  disclosure (第90条③); period 30 days (第94条①), +30 (第94条②); 特例 (第95条).
- 利用停止請求 (第98条): 利用停止する / しない (第101条); the measures are 利用の停止 or 消去 (第98条①1,
  violations of 第61条②, 第63条, 第64条, 第69条①②) and 提供の停止 (第98条①2, 第69条①②, 第71条①);
  filed within 90 days of the disclosure (第98条③); period 30 days (第102条①), +30 (第102条②);
  特例 (第103条).
- Identity (第77条②, 第91条②, 第99条②): the requester shows a document proving they are the person, or
  the legal representative / appointed agent (第76条②) shows the document of authority too. Kaiji records
  which document was seen, never a copy of it.
- Appeals go to the mayor under 行政不服審査法 and are referred to the council (第105条③, the body of
  行政不服審査法第81条 — in Koganei the same 審査会 that hears public-records appeals).

Decisions use the request outcome codes (contract.md): ``full`` ``partial`` ``non_disclosure`` (ground
``exempt`` | ``not_held``) ``neither_confirm_nor_deny`` ``dismissed``; for correction and suspension
``full`` = 訂正する / 利用停止する, ``partial`` = 一部, ``non_disclosure`` = しない.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain import deadlines
from domain.calendar import BusinessCalendar
from domain.errors import invalid

DISCLOSURE = "personal_info_disclosure"
CORRECTION = "personal_info_correction"
SUSPENSION = "personal_info_suspension"
KINDS = (DISCLOSURE, CORRECTION, SUSPENSION)
# Requests that ask the city to do something (correct, stop using) rather than show records: a decision
# for them has no disclosure to execute.
MEASURE_KINDS = (CORRECTION, SUSPENSION)

# 第82条 / 第93条 / 第101条: the outcomes each kind may decide.
OUTCOMES: dict[str, tuple[str, ...]] = {
    DISCLOSURE: ("full", "partial", "non_disclosure", "neither_confirm_nor_deny", "dismissed"),
    CORRECTION: ("full", "partial", "non_disclosure", "dismissed"),
    SUSPENSION: ("full", "partial", "non_disclosure", "dismissed"),
}
OUTCOME_LABELS: dict[str, dict[str, str]] = {
    DISCLOSURE: {
        "full": "開示",
        "partial": "一部開示",
        "non_disclosure": "不開示",
        "not_held": "不存在",
        "neither_confirm_nor_deny": "存否応答拒否",
        "dismissed": "却下",
    },
    CORRECTION: {
        "full": "訂正する",
        "partial": "一部訂正する",
        "non_disclosure": "訂正しない",
        "dismissed": "却下",
    },
    SUSPENSION: {
        "full": "利用停止する",
        "partial": "一部利用停止する",
        "non_disclosure": "利用停止しない",
        "dismissed": "却下",
    },
}

# 不開示情報 (第78条①) are profile clauses whose code starts so (``78-1-2`` = 第78条第1項第2号).
APPI_CLAUSE_PREFIX = "78-"

# 個人情報の保護に関する法律施行令第22条① (the documents that prove identity at the counter).
IDENTITY_DOCUMENTS = {
    "my_number_card": "個人番号カード",
    "drivers_licence": "運転免許証",
    "passport": "旅券",
    "residence_card": "在留カード・特別永住者証明書",
    "health_insurance": "健康保険の被保険者証等",
    "other": "その他法令で定める書類",
}
# 第76条②: 未成年者・成年被後見人の法定代理人, or an agent appointed by the person (任意代理人).
PRESENTERS = {"self": "本人", "legal_representative": "法定代理人", "agent": "任意代理人"}
# 施行令第22条③: the document proving the representative's authority.
AUTHORITY_DOCUMENTS = {
    "family_register": "戸籍謄本・戸籍抄本",
    "guardianship_certificate": "成年後見登記事項証明書",
    "power_of_attorney": "委任状",
    "other": "その他代理権を証明する書類",
}
# 第98条①: what a suspension request asks for.
SUSPENSION_MEASURES = {"stop_use": "利用の停止", "erase": "消去", "stop_provision": "提供の停止"}

FILING_WINDOW_DAYS = 90  # 第90条③, 第98条③
_FILING_ARTICLE = {CORRECTION: "個人情報保護法第90条第3項", SUSPENSION: "個人情報保護法第98条第3項"}
COUNCIL_REFERRAL_BASIS = "個人情報の保護に関する法律第105条第3項において準用する同条第1項"

NOTICE_TITLES = {
    "pi_receipt": "保有個人情報{what}請求受付票",
    "pi_extension": "保有個人情報{what}決定等期限延長通知書",
    "pi_large_volume_extension": "保有個人情報{what}決定等期限特例延長通知書",
}


def is_self_information(kind: str) -> bool:
    return kind in KINDS


@dataclass(frozen=True)
class Identity:
    """本人確認 at intake (第77条②): who presented the request and which documents were seen.

    ``presenter``: ``self`` | ``legal_representative`` | ``agent``; ``document``: the identity document of
    the presenter; ``authority_document``: for a representative, the document of authority. Codes only:
    no number, no image, no copy of any document is kept.
    """

    presenter: str
    document: str
    authority_document: str | None = None
    verified_on: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "presenter": self.presenter,
            "document": self.document,
            "authority_document": self.authority_document,
            "verified_on": self.verified_on,
        }

    def labels(self) -> dict[str, str | None]:
        return {
            "presenter": PRESENTERS[self.presenter],
            "document": IDENTITY_DOCUMENTS[self.document],
            "authority_document": AUTHORITY_DOCUMENTS.get(self.authority_document or ""),
        }


def check_identity(kind: str, identity: Identity | None) -> None:
    """第77条② (第91条②, 第99条②): a self-information request is taken only with the identity shown."""
    if kind not in KINDS:
        if identity is not None:
            raise invalid(
                "identity: 本人確認は保有個人情報の請求にのみ記録します。 / identity applies only to "
                "self-information requests."
            )
        return
    if identity is None:
        raise invalid(
            "identity: 本人確認書類の確認が必要です（個人情報保護法第77条第2項）。 / Identity "
            "verification is required for a self-information request."
        )
    if identity.presenter not in PRESENTERS:
        raise invalid(f"identity.presenter は {', '.join(PRESENTERS)} のいずれかです。")
    if identity.document not in IDENTITY_DOCUMENTS:
        raise invalid(f"identity.document は {', '.join(IDENTITY_DOCUMENTS)} のいずれかです。")
    if identity.presenter == "self" and identity.authority_document:
        raise invalid(
            "identity.authority_document: 本人による請求には代理権を証明する書類は不要です。 / "
            "No document of authority for a request by the person."
        )
    if identity.presenter != "self" and identity.authority_document not in AUTHORITY_DOCUMENTS:
        raise invalid(
            "identity.authority_document: 代理人による請求には代理権を証明する書類が必要です"
            "（施行令第22条第3項）。 / A representative must show the document of authority "
            f"({', '.join(AUTHORITY_DOCUMENTS)})."
        )


def filing_window_end(
    disclosed_on: date, calendar: BusinessCalendar, kind: str = CORRECTION
) -> deadlines.DueDate:
    """The last day to file a correction or suspension request: 90 days from the day after the person
    received the disclosure (第90条③ / 第98条③, 初日不算入 民法140条), moved to the next open day when it
    ends on a closed day (地方自治法4条の2④)."""
    end = deadlines.add_days(disclosed_on, FILING_WINDOW_DAYS)
    rolled = deadlines.roll_forward(end, calendar)
    article = _FILING_ARTICLE.get(kind, _FILING_ARTICLE[CORRECTION])
    steps = (f"{disclosed_on} + {FILING_WINDOW_DAYS} days (初日不算入) = {end}", *rolled.explanation.steps)
    return deadlines.DueDate(
        rolled.value, deadlines.DueExplanation("filing_window", article, disclosed_on, rolled.value, steps)
    )


def check_filing(
    kind: str,
    *,
    received_on: date,
    disclosed_on: date | None,
    calendar: BusinessCalendar,
    measure: str | None = None,
) -> None:
    """A correction or suspension request concerns information disclosed to the person (第90条①, 第98条①)
    and is filed within the window; a suspension request names the measure it asks for."""
    if kind not in MEASURE_KINDS:
        if disclosed_on is not None or measure is not None:
            raise invalid(
                "disclosed_on / measure は訂正請求・利用停止請求にのみ指定します。 / disclosed_on and "
                "measure apply only to correction and suspension requests."
            )
        return
    if disclosed_on is None:
        raise invalid(
            "disclosed_on: 開示を受けた日が必要です（訂正・利用停止請求は開示を受けた保有個人情報に"
            "ついて行います）。 / The date the disclosure was received is required."
        )
    if disclosed_on > received_on:
        raise invalid(
            "disclosed_on: 開示を受けた日は請求日より後にできません。 / disclosed_on cannot be after "
            "received_on."
        )
    end = filing_window_end(disclosed_on, calendar, kind)
    if received_on > end.value:
        raise invalid(
            f"請求期間を過ぎています: 開示を受けた日（{disclosed_on}）から90日以内（{end.value}まで、"
            f"{end.explanation.article}）に請求する必要があります。 / Filed after the 90-day window "
            f"that ended on {end.value}."
        )
    if kind == SUSPENSION and measure not in SUSPENSION_MEASURES:
        raise invalid(
            f"measure: 求める措置（{', '.join(SUSPENSION_MEASURES)}）を指定してください"
            "（第98条第1項）。 / Name the measure asked for."
        )
    if kind == CORRECTION and measure is not None:
        raise invalid(
            "measure は利用停止請求にのみ指定します。 / measure applies only to suspension requests."
        )


def check_outcome(kind: str, outcome: str, ground: str | None, clauses: list[str]) -> None:
    """The outcomes of the kind (第82条, 第93条, 第101条) and the clauses they cite (第78条)."""
    if kind not in KINDS:
        appi = [c for c in clauses if c.startswith(APPI_CLAUSE_PREFIX)]
        if appi:
            raise invalid(
                f"個人情報保護法の不開示情報（{', '.join(appi)}）は公文書公開請求には使えません。 / "
                "APPI clauses do not apply to a public-records request."
            )
        return
    allowed = OUTCOMES[kind]
    if outcome not in allowed:
        labels = "、".join(f"{o}（{OUTCOME_LABELS[kind][o]}）" for o in allowed)
        raise invalid(
            f"この請求の決定は {labels} のいずれかです。 / Outcome {outcome!r} does not apply to {kind}."
        )
    if kind == DISCLOSURE:
        other = [c for c in clauses if not c.startswith(APPI_CLAUSE_PREFIX)]
        if other:
            raise invalid(
                f"保有個人情報の不開示は個人情報保護法第78条の不開示情報を根拠とします: {', '.join(other)} "
                "は使えません。 / Cite APPI article 78 clauses (78-…) for a self-information request."
            )
    elif outcome == "non_disclosure" and ground == "not_held":
        raise invalid(
            f"訂正・利用停止請求に「不存在」の決定はありません。 / not_held does not apply to {kind}."
        )


def outcome_label(kind: str, outcome: str, ground: str | None = None) -> str:
    labels = OUTCOME_LABELS.get(kind, {})
    if outcome == "non_disclosure" and ground == "not_held" and "not_held" in labels:
        return labels["not_held"]
    return labels.get(outcome, outcome)


# Notice types of the decisions (the APPI forms: 保有個人情報開示決定通知書 …).
DECISION_NOTICES: dict[str, dict[str, str]] = {
    DISCLOSURE: {
        "full": "pi_disclosure_full",
        "partial": "pi_disclosure_partial",
        "non_disclosure": "pi_disclosure_refusal",
        "neither_confirm_nor_deny": "pi_disclosure_refusal",
        "dismissed": "pi_dismissed",
    },
    CORRECTION: {
        "full": "pi_correction_granted",
        "partial": "pi_correction_granted",
        "non_disclosure": "pi_correction_refused",
        "dismissed": "pi_dismissed",
    },
    SUSPENSION: {
        "full": "pi_suspension_granted",
        "partial": "pi_suspension_granted",
        "non_disclosure": "pi_suspension_refused",
        "dismissed": "pi_dismissed",
    },
}


def decision_notice(kind: str, outcome: str) -> str:
    return DECISION_NOTICES[kind][outcome]


def what(kind: str) -> str:
    """開示 / 訂正 / 利用停止: the word the forms put in 「保有個人情報○○請求」."""
    return {DISCLOSURE: "開示", CORRECTION: "訂正", SUSPENSION: "利用停止"}[kind]


def period_article(kind: str) -> str:
    """The article of the decision period and its extension (第83条 / 第94条 / 第102条)."""
    return {DISCLOSURE: "第83条", CORRECTION: "第94条", SUSPENSION: "第102条"}[kind]


def special_article(kind: str) -> str:
    """The 特例 for a very large volume or a hard case (第84条 / 第95条 / 第103条)."""
    return {DISCLOSURE: "第84条", CORRECTION: "第95条", SUSPENSION: "第103条"}[kind]
