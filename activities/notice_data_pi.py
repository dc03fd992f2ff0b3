"""The data of a self-information notice (個人情報の保護に関する法律; domain/self_information.py).

Receipt (受付票, with the 本人確認 recorded: which document, never its number), extension (第83条② /
第94条② / 第102条②), 特例延長 (第84条 / 第95条 / 第103条), the decisions (第82条, 第93条, 第101条) and the
教示 of an adverse one: 審査請求 to the mayor under 行政不服審査法, which the mayor refers to the council
(第105条③), and the revocation suit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import self_information as si
from domain.era import format_era_date
from domain.profile import Profile
from store.parties import Party

APPI = "個人情報の保護に関する法律"
# The procedural notices of a self-information request (their data: procedure()).
PROCEDURE_TYPES = frozenset(
    {"pi_correction_request", "pi_transfer", "pi_third_party_opinion_request", "pi_third_party_disclosure_notice"}
)
_CORRECTION_ARTICLE = {si.DISCLOSURE: "第77条第3項", si.CORRECTION: "第91条第3項", si.SUSPENSION: "第99条第3項"}
THIRD_PARTY_INFORMATION = "開示請求に係る保有個人情報に含まれるあなたに関する情報（詳しくは担当までお問い合わせください。）"
_TRANSFER_ARTICLE = {si.DISCLOSURE: "第85条第1項", si.CORRECTION: "第96条第1項"}


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


def procedure(
    notice_type: str,
    case: dict[str, Any],
    event: dict[str, Any],
    decision: dict[str, Any],
    kyoji: dict[str, Any],
    profile: Profile,
) -> dict[str, Any]:
    """補正 (第77条③ / 第91条③ / 第99条③), 移送 (第85条① / 第96条①), the third party's 意見照会 (第86条①) and,
    to a third party who objected, the notice of the disclosure decision (第86条③, with its 教示)."""
    kind = case["kind"]
    what = si.what(kind)
    if notice_type == "pi_correction_request":
        return {
            "title": f"保有個人情報{what}請求書の補正について（依頼）",
            "basis": _basis(kind, _CORRECTION_ARTICLE[kind]),
            "correction": {"what": event["what"], "respond_by": event["respond_by"]},
        }
    if notice_type == "pi_transfer":
        return {
            "title": f"保有個人情報{what}請求事案移送通知書",
            "basis": _basis(kind, _TRANSFER_ARTICLE.get(kind, _TRANSFER_ARTICLE[si.DISCLOSURE])),
            "transfer": {"to": event.get("to_body_name") or event["to_body"], "on": event["transferred_on"],
                         "reason": event["reason"] or "移送"},
        }
    # The third party is not told what the person asked for (the subject describes the person), only that
    # information about them is in it (施行令 on 第86条: the date and the third party's own information).
    if notice_type == "pi_third_party_opinion_request":
        return {
            "basis": _basis(kind, "第86条第2項" if event.get("mandatory") else "第86条第1項"),
            "third_party": {"information": THIRD_PARTY_INFORMATION, "respond_by": event["respond_by"]},
        }
    return {  # pi_third_party_disclosure_notice
        "basis": _basis(kind, "第86条第3項"),
        "third_party": {"information": THIRD_PARTY_INFORMATION, "decided_on": decision["decided_on"],
                        "disclosure_on": decision["earliest_disclosure_on"],
                        "reason": decision.get("reason_text") or "開示の理由は開示決定通知書のとおり"},
        "challenge": challenge(profile, kyoji),
    }


RECIPIENT_NOTICE = "pi_correction_recipient_notice"


def recipient(case: dict[str, Any], decision: dict[str, Any], person: str | None) -> dict[str, Any]:
    """第97条: the notice to a party the corrected information had been provided to (提供先), after a decision to
    correct (第93条①): which information, whose (``person``, the requester's name: the recipient holds the
    information under it), the decision's day and what was corrected (the decision's stated content)."""
    kind, outcome = case["kind"], decision["outcome"]
    corrected = {"decided_on": decision["decided_on"], "content": decision.get("reason_text") or "",
                 "decision_basis": _basis(kind, _DECISION_ARTICLE[kind][outcome])}
    if person:
        corrected["person"] = person
    return {"basis": _basis(kind, "第97条"), "outcome_label": si.outcome_label(kind, outcome),
            "corrected": corrected}


# 諮問 of an appeal on a self-information decision: the mayor refers it to the council under 第105条③
# (which applies 第105条① to a local body) and tells the parties under 第106条② (applying 第106条①).
REFERRAL_BASIS = f"{APPI}第106条第2項において準用する同条第1項"


def referral(request_kind: str) -> dict[str, Any]:
    """The 諮問通知書 of an appeal on a self-information decision: its title and notice basis (the caller adds
    the 諮問 basis, 第105条③, to ``referral``)."""
    return {
        "basis": REFERRAL_BASIS,
        "title": "諮問通知書（保有個人情報" + si.what(request_kind) + "決定等に係る審査請求）",
    }


_RULING_VERB = {si.DISCLOSURE: "開示する", si.CORRECTION: "訂正する", si.SUSPENSION: "利用停止をする"}


def ruling_main_text(request_kind: str, ruling: str) -> str | None:
    """主文 of a grant on a self-information decision: the records are 開示 / 訂正 / 利用停止, not 公開."""
    verb = _RULING_VERB[request_kind]
    if ruling == "granted":
        return f"処分庁が行った決定を取り消し、審査請求に係る保有個人情報を{verb}。"
    if ruling == "partly_granted":
        return f"処分庁が行った決定の一部を取り消し、別紙のとおり審査請求に係る保有個人情報を{verb}。"
    return None


def _era(iso: str) -> str:
    return format_era_date(date.fromisoformat(iso))


def ruling(request_kind: str, appeal: dict[str, Any], event: dict[str, Any], profile: Profile) -> dict[str, Any]:
    """The 裁決書 of an appeal on a self-information decision, in the Act's words (not the ordinance's):
    ``original``, the 原処分 as the table and the 教示 name it (the APPI article of the decision, 第82条 /
    第93条 / 第101条, or the inaction on the request), and ``premise``, the opening of the 理由: what was
    appealed under 行政不服審査法 and the referral to the council under 第105条③ (which applies 第105条① to a
    local body) — or, for a ruling without one, why none was needed (a dismissal, a grant in full)."""
    what = si.what(request_kind)
    decision = appeal.get("decision") or {}
    if appeal.get("kind") == "decision":
        outcome = decision.get("outcome") or ""
        article = _DECISION_ARTICLE[request_kind].get(outcome)
        label = si.outcome_label(request_kind, outcome, decision.get("non_disclosure_ground"))
        on = f"{_era(decision['decided_on'])}付けで" if decision.get("decided_on") else ""
        by = f"{APPI}{article}の規定により" if article else f"{APPI}に基づき"
        ref = "、".join(x for x in (label, decision.get("decision_id")) if x)
        original = f"処分庁が{on}{by}行った保有個人情報{what}決定等" + (f"（{ref}）" if ref else "")
        subject = "処分"
    else:
        original = f"保有個人情報{what}請求（{appeal['request_id']}）に係る不作為"
        subject = "不作為"
    premise = [f"本件審査請求は、{APPI}（平成15年法律第57号）に基づく保有個人情報{what}請求（{appeal['request_id']}）"
               f"に係る{subject}について、行政不服審査法（平成26年法律第68号）の規定により行われたものである。"]
    council = profile.council.name
    report = appeal.get("report") or {}
    if event.get("referred") and appeal.get("referred_on"):
        text = f"審査庁は、{si.COUNCIL_REFERRAL_BASIS}の規定により、{_era(appeal['referred_on'])}に{council}に諮問し"
        text += f"、{_era(report['adopted_on'])}にその答申を受けた。" if report.get("adopted_on") else "た。"
        premise.append(text)
    else:
        why = ("審査請求が不適法であり却下する場合である" if event.get("ruling") == "dismissed"
               else "審査請求の全部を認容する場合である")
        premise.append(f"本件は、{why}ため、{si.COUNCIL_REFERRAL_BASIS}の規定による{council}への諮問を経ていない。")
    return {"original": original, "premise": premise}
