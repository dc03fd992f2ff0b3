"""Official notices (通知書): pure rendering of a notice to HTML and PDF.

    from activities.notices import render
    notice = render("decision_partial", data)   # RenderedNotice(html, pdf, sha256, template_version)

``render_html`` / ``render_pdf`` give one form each. Unknown types and missing
or malformed data raise ``NoticeDataError`` naming the field. Same input →
same bytes (``sha256`` is of the PDF). No database, clock or network here.

Data: one JSON-serialisable dict; dates are ISO strings (``"2025-03-17"``) and
are printed in the era calendar (令和7年3月17日). Legal citations are passed in
(``basis``), because the ordinance's article numbers live in the profile.

Every type
    number              文書番号, e.g. "小総情第17号"
    issued_on           date of the notice
    addressee           {name, address?, honorific? (default "様")} → "山田 太郎 様"
    issuer              e.g. "小金井市長 白井 亨"
    department          {name, code?, phone?} → the 担当 line at the foot
    case_id             整理番号, e.g. "R-2025-00017" (receipt: 受付番号)
    title?              overrides the title from NOTICE_TYPES

Request-based types (all but appeal_correction_order, referral_notice, ruling)
    request             {received_on, subject, kind? (default "public_records")}
                        only receipt accepts the personal-information kinds
    basis               the provision applied, e.g. "小金井市情報公開条例第11条第1項"
                        (not for receipt)

Per type
    receipt             request.method? (viewing|copies|electronic or text),
                        request.channel? (counter|mail|fax|online or text), decision_due?
    correction_request  correction {what, respond_by}
    extension           extension {old_due, new_due, reason}
    large_volume_extension
                        extension {old_due, new_due (the substantial part), final_due
                        (the rest), reason, part? (what is decided by new_due)}
    transfer            transfer {to, on, reason, contact?}
    third_party_opinion_request
                        third_party {information, respond_by, public_interest_reason?},
                        documents? [{title}]; addressee = the third party
    third_party_disclosure_notice
                        third_party {information, decided_on, disclosure_on, reason,
                        opinion_received_on?}, documents?, challenge
    decision_full       documents [{title, disclosure?}], disclosure, reason_text?
    decision_partial    documents, exemptions, disclosure, reason_text?, challenge
    decision_non_disclosure
                        non_disclosure_ground ("exempt" → exemptions, documents?;
                        "not_held" → reason_text saying why it does not exist), challenge
    decision_ncnd       exemptions (the clause the answer would reveal), reason_text, challenge
    decision_dismissed  reason_text, challenge
    (decisions also take outcome? — checked against the type — and ordinance?, the
    ordinance's name shown over the clause column)
    appeal_correction_order
                        appeal {id, filed_on, target}, correction {what, respond_by},
                        basis? (default 行政不服審査法第23条)
    referral_notice     appeal {id, filed_on, target, appellant?}, basis,
                        referral {council, referred_on, number?}
    ruling              appeal {id, filed_on, target}, addressee.address (審査請求人),
                        ruling {outcome (dismissed|rejected|granted|partly_granted),
                        ruled_on, reasons, main_text? (主文; required for grants),
                        scope?, summary?, arguments?, council_report?, original? (the
                        原処分 in the table and the 教示, instead of appeal.target), premise?
                        [str] (the 理由's opening paragraphs)}, challenge; an appeal on a
                        self-information decision gives original and premise in the APPI's
                        words (activities/notice_data_pi.py ruling())
    pi_correction_recipient_notice
                        APPI 第97条, to a 提供先 of corrected information (addressee = the
                        recipient): basis, request (kind personal_info_correction),
                        outcome_label, corrected {decided_on, content, person? (whose
                        information), decision_basis?}; no 教示

Shapes
    documents           [{title, disclosure? ("full"|"partial"|"none")}]
    exemptions          [{clause ("9-4-ウ"), article ("第9条第4号ウ"), label ("市政運営情報"),
                          reason, parts? (what is withheld; default 全部), lapses_on?}]
    disclosure          {on, time ("午前9時から午後5時まで"), place, method
                         (viewing|copies|electronic or text), fee_yen?, fee_note?}
    challenge           {appeal_months: 3, appeal_max_years: 1, suit_months: 6,
                         suit_max_years: 1, appeal_to: "小金井市長",
                         suit_defendant: "小金井市", suit_representative: "小金井市長"}
                        → the 教示 (審査請求 under 行政不服審査法, 取消訴訟 under
                        行政事件訴訟法) on partial / non_disclosure / ncnd / dismissed,
                        the third-party disclosure notice and the ruling.
"""

from .render import render, render_html, render_pdf
from .types import NOTICE_TYPES, TEMPLATE_VERSION, NoticeDataError, RenderedNotice

__all__ = [
    "NOTICE_TYPES",
    "TEMPLATE_VERSION",
    "NoticeDataError",
    "RenderedNotice",
    "render",
    "render_html",
    "render_pdf",
]
