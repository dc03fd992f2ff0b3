"""The data of a self-information notice (個人情報の保護に関する法律; domain/self_information.py).

Receipt (受付票, with the 本人確認 recorded: which document, never its number), extension (第83条② /
第94条② / 第102条②), 特例延長 (第84条 / 第95条 / 第103条), the decisions (第82条, 第93条, 第101条) and the
教示 of an adverse one: 審査請求 to the mayor under 行政不服審査法, which the mayor refers to the council
(第105条③), and the revocation suit.
"""

from __future__ import annotations

from typing import Any

from domain import self_information as si
from domain.profile import Profile
from store.parties import Party

APPI = "個人情報の保護に関する法律"


def _basis(kind: str, article: str) -> str:
    return f"{APPI}{article}"


def challenge(profile: Profile, base: dict[str, Any]) -> dict[str, Any]:
    """The 教示 of an APPI decision: the appeal is referred to the council (第105条③)."""
    return {**base, "council": profile.council.name, "referral_basis": si.COUNCIL_REFERRAL_BASIS}


def receipt(case: dict[str, Any], addressee: Party) -> dict[str, Any]:
    kind = case["kind"]
    info = case.get("self_information") or {}
    out: dict[str, Any] = {
        "title": f"保有個人情報{si.what(kind)}請求受付票",
        "basis": _basis(kind, si.period_article(kind)),
        "decision_due": case["decision_due"],
    }
    identity = addressee.identity
    if identity:
        ident = si.Identity(identity["presenter"], identity["document"], identity.get("authority_document"))
        out["identity"] = ident.labels()
    if info.get("measure"):
        out["request_extra"] = {"measure": si.SUSPENSION_MEASURES.get(info["measure"], info["measure"])}
    if info.get("disclosed_on"):
        out.setdefault("request_extra", {})["disclosed_on"] = info["disclosed_on"]
    return out


def extension(notice_type: str, case: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    kind = case["kind"]
    large = notice_type == "pi_large_volume_extension"
    article = si.special_article(kind) if large else f"{si.period_article(kind)}第2項"
    out: dict[str, Any] = {
        "title": f"保有個人情報{si.what(kind)}決定等期限{'特例' if large else ''}延長通知書",
        "basis": _basis(kind, article),
        "extension": {
            "old_due": event["old_due"],
            "new_due": event["decision_due"],
            "reason": event["reason"],
        },
    }
    if large:
        out["extension"]["final_due"] = event["remainder_due"]
    return out


_DECISION_ARTICLE = {
    si.DISCLOSURE: {
        "full": "第82条第1項",
        "partial": "第82条第1項",
        "non_disclosure": "第82条第2項",
        "neither_confirm_nor_deny": "第81条及び第82条第2項",
        "dismissed": "第82条第2項",
    },
    si.CORRECTION: {
        "full": "第93条第1項",
        "partial": "第93条第1項",
        "non_disclosure": "第93条第2項",
        "dismissed": "第93条第2項",
    },
    si.SUSPENSION: {
        "full": "第101条第1項",
        "partial": "第101条第1項",
        "non_disclosure": "第101条第2項",
        "dismissed": "第101条第2項",
    },
}


def decision(
    notice_type: str,
    case: dict[str, Any],
    decision: dict[str, Any],
    base: dict[str, Any],
    profile: Profile,
    kyoji: dict[str, Any],
) -> dict[str, Any]:
    """``base``: the decision data the public-records notices build (documents, exemptions, disclosure)."""
    kind, outcome = case["kind"], decision["outcome"]
    label = si.outcome_label(kind, outcome, decision.get("non_disclosure_ground"))
    out = {k: v for k, v in base.items() if k not in ("challenge", "non_disclosure_ground")}
    out["outcome_label"] = label
    out["basis"] = _basis(kind, _DECISION_ARTICLE[kind][outcome])
    if notice_type == "pi_dismissed":
        out["title"] = f"保有個人情報{si.what(kind)}請求却下決定通知書"
    elif label in ("不存在", "存否応答拒否"):
        out["title"] = f"保有個人情報の不開示決定通知書（{label}）"
    if kind in si.MEASURE_KINDS:
        out.pop("documents", None)
        out.pop("disclosure", None)
        out.pop("exemptions", None)
    if outcome == "neither_confirm_nor_deny" and not decision.get("reason_text"):
        out["reason_text"] = (
            "本件請求に係る保有個人情報の存否を答えるだけで、"
            + "、".join(e["label"] for e in base.get("exemptions", []))
            + "を開示することとなるため。"
        )
    if outcome != "full":
        out["challenge"] = challenge(profile, kyoji)
    return out
