"""Realistic Koganei-like data for every notice type (fictional people and numbers)."""

from __future__ import annotations

import copy
from typing import Any

from . import factories_pi

ORDINANCE = "小金井市情報公開条例"

CHALLENGE: dict[str, Any] = {
    "appeal_months": 3,
    "appeal_max_years": 1,
    "suit_months": 6,
    "suit_max_years": 1,
    "appeal_to": "小金井市長",
    "suit_defendant": "小金井市",
    "suit_representative": "小金井市長",
}

REQUESTER = {"name": "山田 太郎", "address": "東京都小金井市本町六丁目1番1号"}
THIRD_PARTY = {
    "name": "株式会社武蔵野緑化 代表取締役 佐藤 花子",
    "address": "東京都小金井市貫井北町二丁目3番4号",
}

EXEMPTIONS: list[dict[str, Any]] = [
    {
        "clause": "9-2",
        "article": "第9条第2号",
        "label": "個人情報",
        "parts": "協議記録中の個人の氏名、住所及び電話番号",
        "reason": "特定の個人を識別することができる情報であり、公にすることが予定されている情報ではないため。",
    },
    {
        "clause": "9-4-ウ",
        "article": "第9条第4号ウ",
        "label": "市政運営情報",
        "parts": "予定価格の積算内訳",
        "reason": "公にすることにより、今後の同種の契約事務において適正な価格による契約の締結が"
        "困難となり、事務の適正な遂行に支障を及ぼすおそれがあるため。",
        "lapses_on": "2026-04-01",
    },
]

DOCUMENTS = [
    {"title": "令和6年度小金井市立公園樹木剪定業務委託に係る協議記録", "disclosure": "partial"},
    {"title": "令和6年度小金井市立公園樹木剪定業務委託契約書", "disclosure": "full"},
]

DISCLOSURE = {
    "on": "2025-03-31",
    "time": "午前9時から午後5時まで",
    "place": "小金井市役所第二庁舎6階 情報公開コーナー",
    "method": "copies",
    "fee_yen": 230,
    "fee_note": "写し23枚（単色）×10円",
}


def _common(
    number: str = "小総情第17号", addressee: dict[str, str] | None = None, issued_on: str = "2025-03-17"
) -> dict[str, Any]:
    return {
        "number": number,
        "issued_on": issued_on,
        "addressee": dict(addressee or REQUESTER),
        "issuer": "小金井市長 ○○ ○○",
        "department": {"code": "somu-johokokai", "name": "総務部総務課情報公開係", "phone": "042-387-9999"},
        "case_id": "R-2025-00017",
    }


def _request() -> dict[str, Any]:
    return {
        "request": {
            "received_on": "2025-03-03",
            "subject": "令和6年度の市立公園樹木剪定業務委託に関する協議記録及び契約書",
            "kind": "public_records",
        }
    }


def _appeal() -> dict[str, Any]:
    return {
        "appeal": {
            "id": "A-2025-00003",
            "filed_on": "2025-04-10",
            "target": "令和7年3月17日付け小総情第17号による部分公開決定",
        }
    }


def _decision(basis_article: str = "第11条第1項") -> dict[str, Any]:
    return {**_request(), "basis": f"{ORDINANCE}{basis_article}", "ordinance": ORDINANCE}


_BUILDERS: dict[str, Any] = {
    "receipt": lambda: {
        **_common("小総情受第17号", issued_on="2025-03-03"),
        "request": {**_request()["request"], "method": "copies", "channel": "counter"},
        "decision_due": "2025-03-17",
    },
    "correction_request": lambda: {
        **_common("小総情第18号", issued_on="2025-03-10"),
        **_request(),
        "basis": f"{ORDINANCE}第6条第2項",
        "correction": {
            "what": "請求する公文書を特定するため、対象となる公園名及び期間を記載してください。",
            "respond_by": "2025-03-24",
        },
    },
    "extension": lambda: {
        **_common("小総情第21号", issued_on="2025-03-14"),
        **_request(),
        "basis": f"{ORDINANCE}第12条第2項",
        "extension": {
            "old_due": "2025-03-17",
            "new_due": "2025-05-02",
            "reason": "請求に係る公文書に第三者に関する情報が記録されており、意見照会に時間を要するため。",
        },
    },
    "large_volume_extension": lambda: {
        **_common("小総情第22号", issued_on="2025-03-14"),
        **_request(),
        "basis": f"{ORDINANCE}第13条",
        "extension": {
            "old_due": "2025-03-17",
            "new_due": "2025-05-02",
            "final_due": "2025-07-31",
            "part": "令和6年4月から同年9月までの協議記録",
            "reason": "請求に係る公文書が約4,000枚と著しく大量であり、期限内に全てを処理すると"
            "通常の事務の遂行に著しい支障が生じるため。",
        },
    },
    "transfer": lambda: {
        **_common("小総情第16号", issued_on="2025-03-10"),
        **_request(),
        "basis": f"{ORDINANCE}第14条第1項",
        "transfer": {
            "to": "小金井市教育委員会",
            "on": "2025-03-10",
            "reason": "請求に係る公文書は小金井市教育委員会が作成し、保有しているため。",
            "contact": "教育委員会庶務課 042-387-9998",
        },
    },
    "third_party_opinion_request": lambda: {
        **_common("小総情第19号", THIRD_PARTY, issued_on="2025-03-05"),
        **_request(),
        "basis": f"{ORDINANCE}第15条第1項",
        "documents": copy.deepcopy(DOCUMENTS),
        "third_party": {
            "information": "貴社の見積書に記載された単価及び作業員の配置計画",
            "respond_by": "2025-03-24",
        },
    },
    "third_party_disclosure_notice": lambda: {
        **_common("小総情第20号", THIRD_PARTY),
        **_request(),
        "basis": f"{ORDINANCE}第15条第3項",
        "documents": copy.deepcopy(DOCUMENTS),
        "third_party": {
            "information": "貴社の見積書に記載された単価",
            "decided_on": "2025-03-17",
            "disclosure_on": "2025-04-01",
            "opinion_received_on": "2025-03-12",
            "reason": "契約金額の内訳として既に公表されている情報と同程度のものであり、"
            "公にしても貴社の競争上の地位を害するおそれがないため。",
        },
        "challenge": dict(CHALLENGE),
    },
    "decision_full": lambda: {
        **_common(),
        **_decision(),
        "outcome": "full",
        "documents": [{"title": DOCUMENTS[1]["title"], "disclosure": "full"}],
        "disclosure": dict(DISCLOSURE),
    },
    "decision_partial": lambda: {
        **_common(),
        **_decision(),
        "outcome": "partial",
        "documents": copy.deepcopy(DOCUMENTS),
        "exemptions": copy.deepcopy(EXEMPTIONS),
        "disclosure": dict(DISCLOSURE),
        "challenge": dict(CHALLENGE),
    },
    "decision_non_disclosure": lambda: {
        **_common(),
        **_decision(),
        "outcome": "non_disclosure",
        "non_disclosure_ground": "exempt",
        "documents": [{"title": "小金井市立公園における不審者対応記録（令和6年度）"}],
        "exemptions": [
            {
                "clause": "9-5",
                "article": "第9条第5号",
                "label": "犯罪予防等情報",
                "reason": "公にすることにより、犯罪の予防及び捜査に支障を及ぼすおそれがあるため。",
            }
        ],
        "challenge": dict(CHALLENGE),
    },
    "decision_ncnd": lambda: {
        **_common("小総情第23号"),
        **_decision(),
        "request": {
            "received_on": "2025-03-03",
            "subject": "小金井市本町在住の特定の個人（氏名記載）に係る生活保護の申請及び決定に関する記録",
            "kind": "public_records",
        },
        "outcome": "neither_confirm_nor_deny",
        "exemptions": [
            {
                "clause": "9-2",
                "article": "第9条第2号",
                "label": "個人情報",
                "reason": "特定の個人が生活保護を受給しているか否かという情報は、"
                "特定の個人を識別することができる情報に該当するため。",
            }
        ],
        "reason_text": "請求に係る公文書の存否を答えることは、特定の個人が生活保護を受給しているか"
        "否かを明らかにすることになるため。",
        "challenge": dict(CHALLENGE),
    },
    "decision_dismissed": lambda: {
        **_common(),
        **_decision("第11条第2項"),
        "outcome": "dismissed",
        "reason_text": "令和7年3月10日付けで補正を求めましたが、補正の期限（令和7年3月24日）までに"
        "補正がなく、請求に係る公文書を特定することができないため。",
        "challenge": dict(CHALLENGE),
    },
    "appeal_correction_order": lambda: {
        **_common("小総情第31号", issued_on="2025-04-16"),
        **_appeal(),
        "correction": {
            "what": "審査請求の年月日の記載及び審査請求人の押印又は署名がありません。",
            "respond_by": "2025-04-30",
        },
    },
    "referral_notice": lambda: {
        **_common("小総情第35号", issued_on="2025-05-08"),
        **_appeal(),
        "basis": f"{ORDINANCE}第18条第2項",
        "referral": {
            "council": "小金井市情報公開・個人情報保護審査会",
            "referred_on": "2025-05-08",
            "number": "諮問第3号",
        },
    },
    "ruling": lambda: {
        **_common("小総情第52号", issued_on="2025-09-30"),
        **_appeal(),
        "ruling": {
            "outcome": "partly_granted",
            "ruled_on": "2025-09-30",
            "main_text": "処分庁が令和7年3月17日付けで行った部分公開決定のうち、予定価格の積算内訳を"
            "公開しないこととした部分を取り消す。",
            "scope": "その余の審査請求は、棄却する。",
            "summary": "本件は、審査請求人が行った公文書公開請求に対し、処分庁が行った部分公開決定の"
            "取消しを求める事案である。",
            "reasons": "予定価格の積算内訳は、契約締結後においては公にしても事務の適正な遂行に"
            "支障を及ぼすおそれがあるとは認められない。",
            "council_report": "本件については、小金井市情報公開・個人情報保護審査会の答申"
            "（令和7年9月1日付け答申第3号）を得ている。",
        },
        "challenge": dict(CHALLENGE),
    },
}


_BUILDERS.update(factories_pi.builders(_common, CHALLENGE, DISCLOSURE))


def notice_data(notice_type: str) -> dict[str, Any]:
    """A fresh, complete data dict for ``notice_type``."""
    return _BUILDERS[notice_type]()


def all_types() -> list[str]:
    return list(_BUILDERS)
