"""Build the data of a notice from the case, its causing event, the addressee and the profile.

The result is stored with the notice, so the notice can be rendered again
byte for byte and proven unaltered.
"""

from __future__ import annotations

from typing import Any

from activities import notice_data_pi
from domain.profile import Profile
from store.parties import Party

_DISCLOSURE = {"full": "full", "partial": "partial", "withheld": "none"}
_METHOD = {"viewing": "viewing", "copy": "copies", "electronic": "electronic"}
VIEWING_TIME = "午前9時から午後5時まで"  # profile candidate; the counter's opening hours
VIEWING_PLACE = "小金井市役所 情報公開コーナー"


def challenge(profile: Profile) -> dict[str, Any]:
    """教示: 行政不服審査法18条 (3 months / 1 year), 行政事件訴訟法14条 (6 months / 1 year)."""
    return {"appeal_months": 3, "appeal_max_years": 1, "suit_months": 6, "suit_max_years": 1,
            "appeal_to": _mayor_title(profile), "suit_defendant": profile.municipality,
            "suit_representative": _mayor_title(profile)}


def fee_note(profile: Profile) -> str:
    """The decision notice's statement of the cost (費用負担), from the profile's fee table."""
    f = profile.fees
    note = f"閲覧は無料。写しの交付は1枚{f.copy_mono_yen_per_page}円（単色）、{f.copy_colour_yen_per_page}円（カラー）"
    if f.electronic_media_yen:
        note += f"、電磁的記録の交付は媒体1枚{f.electronic_media_yen}円"
    return note + "。郵送を希望される場合は郵送料をご負担いただきます。"


def _mayor_title(profile: Profile) -> str:
    return f"{profile.municipality}長"


def build(
    notice_type: str, *, number: str, issued_on: str, case: dict[str, Any], event: dict[str, Any],
    addressee: Party, profile: Profile, decision_id: str | None = None, person: str | None = None,
) -> dict[str, Any]:
    """``person``: the requester's name, for a notice addressed to someone else that must say whose
    information it is about (the 提供先's notice of a correction, APPI 第97条)."""
    dept = profile.department(case["department"])
    rules = case.get("rules", {})
    data: dict[str, Any] = {
        "number": number,
        "issued_on": issued_on,
        "addressee": {"name": addressee.name, "address": addressee.address or None, "honorific": "様"},
        "issuer": profile.mayor,
        "department": {"code": case["department"], "name": dept.name if dept else case["department"]},
        "case_id": case["case_id"],
        "basis": rules.get("basis") or "小金井市情報公開条例",
        "request": {"received_on": case["received_on"], "subject": case["subject"], "kind": case["kind"],
                    "method": _METHOD.get(case.get("preferred_method", ""), "viewing")},
    }
    decision = _decision_of(case, decision_id)
    if notice_type == "receipt":
        data["decision_due"] = case["decision_due"]
    elif notice_type == "correction_request":
        data["correction"] = {"what": event["what"], "respond_by": event["respond_by"]}
    elif notice_type in ("extension", "large_volume_extension"):
        data["extension"] = {"old_due": event["old_due"], "new_due": event["decision_due"], "reason": event["reason"]}
        if notice_type == "large_volume_extension":
            data["extension"]["final_due"] = event["remainder_due"]
    elif notice_type == "transfer":
        data["transfer"] = {"to": event.get("to_body_name") or event["to_body"], "on": event["transferred_on"], "reason": event["reason"] or "移送"}
    elif notice_type == "third_party_opinion_request":
        data["third_party"] = {"information": case["subject"], "respond_by": event["respond_by"]}
    elif notice_type == "third_party_disclosure_notice":
        data["third_party"] = {"information": case["subject"], "decided_on": decision["decided_on"],
                               "disclosure_on": decision["earliest_disclosure_on"],
                               "reason": decision.get("reason_text") or "公開の理由は決定通知書のとおり"}
        data["challenge"] = challenge(profile)
    elif notice_type.startswith("decision_"):
        data.update(_decision(notice_type, case, decision, profile))
    elif notice_type in notice_data_pi.PROCEDURE_TYPES:  # APPI 補正 / 移送 / third party (第77条③, 第85条, 第86条)
        data.update(notice_data_pi.procedure(notice_type, case, event, decision, challenge(profile), profile))
    elif notice_type == notice_data_pi.RECIPIENT_NOTICE:  # 第97条: to a 提供先 of the corrected information
        data.update(notice_data_pi.recipient(case, decision, person))
    elif notice_type == "pi_receipt":
        pi = notice_data_pi.receipt(case, addressee)
        data["request"] |= pi.pop("request_extra", {})
        data.update(pi)
    elif notice_type in ("pi_extension", "pi_large_volume_extension"):
        data.update(notice_data_pi.extension(notice_type, case, event))
    elif notice_type.startswith("pi_"):
        measure = (case.get("self_information") or {}).get("measure")
        if measure:
            data["request"]["measure"] = notice_data_pi.si.SUSPENSION_MEASURES.get(measure, measure)
        data.update(notice_data_pi.decision(notice_type, case, decision, _decision(notice_type, case, decision,
                                                                                   profile), profile,
                                            challenge(profile)))
    return data


def _decision_of(case: dict[str, Any], decision_id: str | None) -> dict[str, Any]:
    """The decision a notice is about: the one named, else the case's (first) decision."""
    named = [d for d in case.get("decisions") or [] if decision_id and d.get("decision_id") == decision_id]
    if named:
        return named[0]
    if decision_id:  # a case reopened since: the decision is among the earlier ones
        named = [d for d in case.get("previous_decisions") or [] if d.get("decision_id") == decision_id]
        if named:
            return named[0]
    return case.get("decision") or {}


def _decision(notice_type: str, case: dict[str, Any], decision: dict[str, Any], profile: Profile) -> dict[str, Any]:
    out: dict[str, Any] = {"outcome": decision["outcome"], "reason_text": decision.get("reason_text") or None}
    out["documents"] = [{"title": d["title"], "disclosure": _DISCLOSURE.get(d["disclosure"], "none")}
                        for d in decision.get("documents", [])] or [{"title": case["subject"], "disclosure": "full"}]
    exemptions = []
    for e in decision.get("exemptions", []):
        entry = profile.exemption(e["clause"])
        exemptions.append({"clause": e["clause"], "article": entry.article if entry else e["clause"],
                           "label": entry.label if entry else e["clause"], "reason": e["reason"]})
    if exemptions:
        out["exemptions"] = exemptions
    if decision["outcome"] in ("full", "partial"):
        out["disclosure"] = {"on": decision["disclosure_on"], "time": VIEWING_TIME, "place": VIEWING_PLACE,
                             "method": _METHOD.get(case.get("preferred_method", ""), "viewing"),
                             "fee_note": fee_note(profile)}
    if decision["outcome"] == "neither_confirm_nor_deny" and not out["reason_text"]:
        # 存否応答拒否: the reason is that answering would itself reveal the exempt information.
        out["reason_text"] = "本件請求に係る公文書の存否を答えるだけで、" + "、".join(
            e["label"] for e in exemptions) + "を明らかにすることとなるため。"
    if decision["outcome"] == "non_disclosure":
        out["non_disclosure_ground"] = decision.get("non_disclosure_ground") or "exempt"
    if notice_type != "decision_full":
        out["challenge"] = challenge(profile)
    return out


def corrected(previous: dict[str, Any], corrections: dict[str, Any], number: str, issued_on: str) -> dict[str, Any]:
    """The data of a superseding notice: the old data, corrected parts replaced (dicts merged)."""
    data = {**previous, "number": number, "issued_on": issued_on}
    for key, value in corrections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


RULING_MAIN_TEXT = {
    "granted": "処分庁が行った決定を取り消し、審査請求に係る公文書を公開する。",
    "partly_granted": "処分庁が行った決定の一部を取り消し、別紙のとおり公開する範囲を広げる。",
}


def build_appeal(
    notice_type: str, *, number: str, issued_on: str, appeal: dict[str, Any], event: dict[str, Any],
    addressee: Party, profile: Profile, request_kind: str | None = None,
) -> dict[str, Any]:
    """Data of an appeal notice: 補正命令書, 諮問通知書 (to each party concerned), 裁決書. ``request_kind``: the
    kind of the request appealed (a self-information one is referred under the APPI)."""
    dept = profile.department(appeal["department"])
    data: dict[str, Any] = {
        "number": number,
        "issued_on": issued_on,
        "addressee": {"name": addressee.name, "address": addressee.address or None, "honorific": "様"},
        "issuer": profile.mayor,
        "department": {"code": appeal["department"], "name": dept.name if dept else appeal["department"]},
        "case_id": appeal["appeal_id"],
        "appeal": {"id": appeal["appeal_id"], "filed_on": appeal["filed_on"],
                   "target": f"{appeal['request_id']} に対する決定" if appeal["kind"] == "decision"
                   else f"{appeal['request_id']} に係る不作為"},
    }
    if notice_type == "appeal_correction_order":
        data["correction"] = {"what": event["what"], "respond_by": event["respond_by"]}
    elif notice_type == "referral_notice":
        data["basis"] = "行政不服審査法第43条第3項"
        data["referral"] = {"council": profile.council.name, "referred_on": event["referred_on"]}
        if request_kind in notice_data_pi.si.KINDS:  # 審査請求 on a self-information decision (APPI 105, 106)
            data.update(notice_data_pi.referral(request_kind))
            data["referral"]["basis"] = notice_data_pi.si.COUNCIL_REFERRAL_BASIS
    elif notice_type == "ruling":
        ruling = event["ruling"]
        report = appeal.get("report") or {}
        data["addressee"]["address"] = addressee.address or "（住所不明）"
        data["ruling"] = {
            "outcome": ruling, "ruled_on": event["ruled_on"], "reasons": event.get("text") or "別紙のとおり",
            "main_text": notice_data_pi.ruling_main_text(request_kind, ruling) if request_kind in
            notice_data_pi.si.KINDS else RULING_MAIN_TEXT.get(ruling),
            "scope": "、".join(f"{i['title']}（{i['disclosure']}）" for i in event.get("scope", [])) or None,
            "council_report": report.get("text"),
        }
        if request_kind in notice_data_pi.si.KINDS:  # an APPI decision: 原処分 and 理由 in the Act's words
            data["ruling"].update(notice_data_pi.ruling(request_kind, appeal, event, profile))
        data["challenge"] = challenge(profile)
    return data
