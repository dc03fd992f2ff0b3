"""Data for the self-information notices (個人情報の保護に関する法律; fictional people and numbers)."""

from __future__ import annotations

from typing import Any

APPI = "個人情報の保護に関する法律"
CHALLENGE_PI = {"council": "小金井市情報公開・個人情報保護審査会",
                "referral_basis": "個人情報の保護に関する法律第105条第3項において準用する同条第1項"}


def _req(kind: str = "personal_info_disclosure", **extra: Any) -> dict[str, Any]:
    return {"request": {"received_on": "2025-03-03", "subject": "私が提出した児童手当認定請求書及び審査記録",
                        "kind": kind, **extra}}


def builders(common: Any, challenge: dict[str, Any], disclosure: dict[str, Any]) -> dict[str, Any]:
    kyoji = {**challenge, **CHALLENGE_PI}
    pi_ex = [{"clause": "78-1-2", "article": "個人情報保護法第78条第1項第2号", "label": "開示請求者以外の個人に関する情報",
              "parts": "審査記録中の第三者の氏名", "reason": "開示請求者以外の特定の個人を識別することができる情報であるため。"}]

    def decision(kind: str, article: str, label: str, **extra: Any) -> dict[str, Any]:
        return {**common("小総情第31号"), **_req(kind, **({"measure": "消去"} if kind.endswith("suspension") else {})),
                "basis": f"{APPI}{article}", "outcome_label": label, **extra}

    return {
        "pi_receipt": lambda: {**common("小総情受第31号", issued_on="2025-03-03"),
                               **_req(method="viewing"), "basis": f"{APPI}第83条", "decision_due": "2025-04-02",
                               "identity": {"presenter": "本人", "document": "運転免許証", "authority_document": None}},
        "pi_extension": lambda: {**common("小総情第32号"), **_req(), "basis": f"{APPI}第83条第2項",
                                 "extension": {"old_due": "2025-04-02", "new_due": "2025-05-02",
                                               "reason": "対象となる記録が複数の課にわたり、精査に時間を要するため。"}},
        "pi_large_volume_extension": lambda: {
            **common("小総情第33号"), **_req(), "basis": f"{APPI}第84条",
            "extension": {"old_due": "2025-04-02", "new_due": "2025-05-02", "final_due": "2025-07-31",
                          "reason": "対象となる記録が著しく大量であるため。"}},
        "pi_disclosure_full": lambda: decision("personal_info_disclosure", "第82条第1項", "開示", outcome="full",
                                               documents=[{"title": "児童手当認定請求書", "disclosure": "full"}],
                                               disclosure=dict(disclosure)),
        "pi_disclosure_partial": lambda: decision(
            "personal_info_disclosure", "第82条第1項", "一部開示", outcome="partial",
            documents=[{"title": "審査記録", "disclosure": "partial"}], exemptions=pi_ex,
            disclosure=dict(disclosure), challenge=dict(kyoji)),
        "pi_disclosure_refusal": lambda: decision(
            "personal_info_disclosure", "第81条及び第82条第2項", "存否応答拒否", outcome="neither_confirm_nor_deny",
            exemptions=pi_ex, reason_text="存否を答えるだけで第三者の情報を開示することとなるため。",
            challenge=dict(kyoji)),
        "pi_correction_granted": lambda: decision("personal_info_correction", "第93条第1項", "訂正する",
                                                  outcome="full", reason_text="住所の記載を訂正します。"),
        "pi_correction_refused": lambda: decision(
            "personal_info_correction", "第93条第2項", "訂正しない", outcome="non_disclosure",
            reason_text="記載は事実に合致しており、訂正の理由が認められないため。", challenge=dict(kyoji)),
        "pi_suspension_granted": lambda: decision("personal_info_suspension", "第101条第1項", "利用停止する",
                                                  outcome="full"),
        "pi_suspension_refused": lambda: decision(
            "personal_info_suspension", "第101条第2項", "利用停止しない", outcome="non_disclosure",
            reason_text="法令の規定に基づき適法に取得し利用しているため。", challenge=dict(kyoji)),
        "pi_correction_request": lambda: {
            **common("小総情第34号"), **_req(), "basis": f"{APPI}第77条第3項",
            "correction": {"what": "本人確認書類（運転免許証等）を提示してください。", "respond_by": "2025-03-24"}},
        "pi_transfer": lambda: {
            **common("小総情第35号"), **_req(), "basis": f"{APPI}第85条第1項",
            "transfer": {"to": "東京都知事", "on": "2025-03-10",
                         "reason": "開示請求に係る保有個人情報は東京都が作成したものであるため。"}},
        "pi_third_party_opinion_request": lambda: {
            **common("小総情第36号"), **_req(), "basis": f"{APPI}第86条第1項",
            "third_party": {"information": "開示請求に係る保有個人情報に含まれるあなたに関する情報",
                            "respond_by": "2025-03-24"}},
        "pi_third_party_disclosure_notice": lambda: {
            **common("小総情第37号"), **_req(), "basis": f"{APPI}第86条第3項",
            "third_party": {"information": "開示請求に係る保有個人情報に含まれるあなたに関する情報",
                            "decided_on": "2025-03-28", "disclosure_on": "2025-04-14",
                            "reason": "開示請求者本人に関する情報と一体であり、開示しても権利利益を害するおそれがないため。",
                            "opinion_received_on": "2025-03-20"},
            "challenge": dict(kyoji)},
        "pi_correction_recipient_notice": lambda: {
            **common("小総情第38号", issued_on="2025-03-28", addressee={"name": "多摩地域児童福祉事務組合", "address": "府中市寿町1-1-1",
                                           "honorific": "様"}),
            **_req("personal_info_correction", subject="児童手当受給資格記録中の住所"),
            "basis": f"{APPI}第97条", "outcome_label": "訂正する",
            "corrected": {"decided_on": "2025-03-28", "content": "住所「小金井市本町一丁目」を「小金井市本町六丁目」に訂正",
                          "person": "山田 太郎", "decision_basis": f"{APPI}第93条第1項"}},
        "pi_dismissed": lambda: decision("personal_info_disclosure", "第82条第2項", "却下", outcome="dismissed",
                                         reason_text="補正の期限までに本人確認書類の提示がなかったため。",
                                         challenge=dict(kyoji)),
    }
