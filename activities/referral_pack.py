"""The referral pack (諮問書と関係書類): one PDF the review council receives, made from the event streams.

When an appeal is referred (行政不服審査法第43条第1項; 小金井市情報公開条例の審査会への諮問) the
workflow asks for a ``referral_pack`` notice; when the department's 理由説明書 is filed after the
referral it asks again, and a new version of the pack is stored beside the old one (both kept).

The pack holds, in this order: the 諮問書 addressed to the council (numbered in the 文書番号 series
of the department, like every notice), the decision notice(s) the appeal challenges, the reasons per
withheld part (a Vaughn-index-like table: document, part, clause, reason), the third parties'
opinions, the appeal's grounds, the department's explanation (理由説明書) when filed, and the full
timeline of the request and the appeal up to the event that caused this version.

Of the people it names only the appellant (name only) and the council: never an address, phone or
e-mail of the requester or anyone else (third parties are numbered, not named).

``build`` is pure (inputs → data dict) and ``render`` is pure (data → HTML and PDF): same inputs, same
bytes (tests/notices/test_referral_pack.py). The data is stored with the notice, so a pack can be
rendered again byte for byte. Templates live in ``activities/referral_pack_templates`` and extend the
notices' layout (``_base.html.j2``), so the pack reads like the notices and the notices' template
digest is unchanged.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from activities.notices import document, pdf
from activities.notices.render import TEMPLATE_DIR, _Defaults, era, lines
from activities.notices.types import NoticeDataError, RenderedNotice
from domain.clock import JST
from domain.profile import Profile

NOTICE_TYPE = "referral_pack"
TITLE = "諮問書"
PACK_TEMPLATE_VERSION = "pack-1"
PACK_TEMPLATE_DIR = Path(__file__).parent / "referral_pack_templates"

OUTCOMES = {"full": "公開", "partial": "部分公開", "non_disclosure": "非公開",
            "neither_confirm_nor_deny": "存否応答拒否", "dismissed": "却下"}
DISCLOSURES = {"full": "公開", "partial": "一部公開", "withheld": "非公開"}
EVENT_LABELS = {
    # the request (情報公開請求)
    "RequestReceived": "公開請求の受付", "CorrectionRequested": "補正の依頼", "CorrectionReceived": "補正の受付",
    "CorrectionResponseLapsed": "補正期間の経過", "DeadlineExtended": "決定期限の延長",
    "ReviewerAssigned": "担当者の指定", "ThirdPartyConsulted": "第三者への意見照会",
    "ThirdPartyOpinionRecorded": "第三者の意見書の受付", "ThirdPartyResponseLapsed": "意見書の提出期限の経過",
    "ThirdPartyHoldEnded": "公開の実施までの期間の経過", "DecisionDrafted": "決定案の作成",
    "DraftReturned": "決定案の差戻し", "DecisionApproved": "決定（決裁）", "DecisionOverdue": "決定期限の経過",
    "NoticeDelivered": "決定通知の送達", "ReminderSent": "期限の予告", "RemainderReminderSent": "残りの部分の期限の予告",
    "RemainderOverdue": "残りの部分の決定期限の経過", "DisclosureUncollected": "公開の未受領",
    "RequestWithdrawn": "請求の取下げ", "RequestTransferred": "移送", "RequestReopened": "請求の再開",
    "AppealLinked": "審査請求の提起", "AppealWindowClosed": "審査請求期間の経過", "SuitLinked": "訴訟の提起",
    "ChallengeConcluded": "審査請求等の終結", "NcndReported": "存否応答拒否の審査会への報告",
    "CalendarChanged": "閉庁日の変更", "CaseClosed": "終結",
    # the appeal (審査請求)
    "AppealFiled": "審査請求の受付", "AppealCorrectionOrdered": "補正命令", "AppealCorrected": "補正の受付",
    "AppealCorrectionLapsed": "補正期間の経過", "ExplanationFiled": "理由説明書（弁明書）の提出",
    "AppellantOpinionFiled": "審査請求人の反論書・意見書の受付",
    "ExplanationOverdue": "理由説明書の提出期限の経過", "LateReasonRecorded": "正当な理由の記録",
    "ReferredToCouncil": "審査会への諮問", "CouncilSessionRecorded": "審査会の開催",
    "CouncilReportReminder": "答申目標日の予告", "CouncilReportOverdue": "答申目標日の経過",
    "CouncilReportAdopted": "答申", "RulingIssued": "裁決", "AppealWithdrawn": "審査請求の取下げ",
    "NoticeFailed": "通知書の作成失敗",
}
STREAM_LABELS = {"R": "公開請求", "A": "審査請求"}


def _day(value: Any) -> str:
    """An instant or ISO string → its Japan date (ISO)."""
    if isinstance(value, datetime):
        return value.astimezone(JST).date().isoformat()
    return str(value)[:10]


def timeline(streams: list[tuple[str, list[Any]]], *, until: tuple[str, int]) -> list[dict[str, str]]:
    """Every event of the request and the appeal, in the order they happened, up to the causing event.

    ``streams``: (stream id, StoredEvent list); ``until``: (stream id, version) of the causing event —
    later events are left out, so a version of the pack reads the same whenever it is rendered again."""
    rows = []
    for stream_id, stream in streams:
        for e in stream:
            if stream_id == until[0] and e.version > until[1]:
                continue
            rows.append((e.occurred_at, stream_id, e.version, e.type))
    rows.sort()
    out = []
    for occurred_at, stream_id, _version, kind in rows:
        if kind.startswith("Notice") and kind != "NoticeDelivered":
            continue  # the notices themselves are listed in their own section
        out.append({"on": _day(occurred_at), "case": stream_id,
                    "where": STREAM_LABELS.get(stream_id[:1], stream_id), "what": EVENT_LABELS.get(kind, kind)})
    return out


def vaughn_index(decision: dict[str, Any], subject: str, profile: Profile) -> list[dict[str, str]]:
    """One row per withheld part: document, the part withheld, the clause (article and label), the reason."""
    docs = [d for d in decision.get("documents") or [] if d.get("disclosure") != "full"]
    if not docs:
        docs = [{"title": subject, "disclosure": "withheld"}]
    rows = []
    for e in decision.get("exemptions") or []:
        entry = profile.exemption(e["clause"])
        for d in docs:
            rows.append({"document": d["title"],
                         "part": "全部" if d.get("disclosure") == "withheld" else "一部（該当箇所）",
                         "article": entry.article if entry else e["clause"],
                         "label": entry.label if entry else e["clause"],
                         "reason": e.get("reason") or ""})
    return rows


def build(*, number: str, issued_on: str, version: int, appeal: dict[str, Any], request: dict[str, Any],
          appellant_name: str, decision_notices: list[dict[str, str]], opinions: list[dict[str, Any]],
          events: list[dict[str, str]], previous: dict[str, str] | None, profile: Profile) -> dict[str, Any]:
    """The pack's data: JSON-serialisable, no contact data of anyone."""
    dept = profile.department(appeal["department"])
    decision = appeal.get("decision") or {}
    return {
        "number": number,
        "issued_on": issued_on,
        "version": version,
        "previous": previous,  # {number, issued_on} of version 1 (the 諮問書 itself) for later versions
        "addressee": {"name": profile.council.name, "honorific": "会長 様"},
        "issuer": profile.mayor,
        "department": {"code": appeal["department"], "name": dept.name if dept else appeal["department"]},
        "case_id": appeal["appeal_id"],
        "basis": "行政不服審査法第43条第1項及び小金井市情報公開条例",
        "appeal": {
            "id": appeal["appeal_id"], "kind": appeal.get("kind") or "decision", "filed_on": appeal["filed_on"],
            "appellant": appellant_name, "grounds": appeal.get("grounds") or "",
            "referred_on": appeal.get("referred_on"), "report_due": appeal.get("report_due"),
            "late": bool(appeal.get("late")), "late_reason": appeal.get("late_reason"),
        },
        "request": {"id": appeal["request_id"], "received_on": request.get("received_on"),
                    "subject": request.get("subject") or ""},
        "decision": {
            "outcome": OUTCOMES.get(decision.get("outcome") or "", decision.get("outcome") or "（不作為）"),
            "decided_on": decision.get("decided_on"),
            "documents": [{"title": d["title"], "disclosure": DISCLOSURES.get(d.get("disclosure", ""), "")}
                          for d in decision.get("documents") or []],
            "reason_text": decision.get("reason_text") or "",
        },
        "decision_notices": decision_notices,
        "withheld": vaughn_index(decision, request.get("subject") or "", profile),
        "opinions": opinions,
        "explanation": ({"filed_on": appeal["explanation_filed_on"], "text": appeal.get("explanation_text") or ""}
                        if appeal.get("explanation_filed_on") else None),
        "explanation_due": appeal.get("explanation_due"),
        # the appellant's 反論書・意見書 (行審法30条①); the key is left out when there is none, so a pack
        # without them renders exactly as before
        **({"appellant_opinions": list(appeal["opinions"])} if appeal.get("opinions") else {}),
        "timeline": events,
    }


_REQUIRED = ("number", "issued_on", "version", "addressee", "issuer", "department", "case_id", "appeal",
             "request", "decision", "withheld", "timeline")


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(PACK_TEMPLATE_DIR), FileSystemLoader(TEMPLATE_DIR)]),
        autoescape=select_autoescape(["j2", "html"], default_for_string=True, default=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )
    env.filters["era"] = era
    env.filters["lines"] = lines
    return env


def render_html(data: dict[str, Any]) -> str:
    missing = [k for k in _REQUIRED if data.get(k) in (None, "")]
    if missing:
        raise NoticeDataError(f"referral_pack: missing {', '.join(missing)}")
    ctx = _Defaults(data)
    ctx["notice_type"] = NOTICE_TYPE
    ctx["title"] = TITLE if data["version"] == 1 else f"{TITLE}（関係書類 第{data['version']}版）"
    return _env().get_template("referral_pack.html.j2").render(ctx)


def render(data: dict[str, Any]) -> RenderedNotice:
    """HTML and the A4 PDF (Japanese font embedded, notices' layout); same data → same bytes."""
    html = render_html(data)
    body = pdf.build_pdf(document.parse(html), title=f"{TITLE} {data['number']}", author=data["issuer"],
                         issued_on=date.fromisoformat(data["issued_on"]))
    return RenderedNotice(html=html, pdf=body, sha256=hashlib.sha256(body).hexdigest(),
                          template_version=PACK_TEMPLATE_VERSION)


def templates_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACK_TEMPLATE_DIR.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()




async def gather(conn: Any, *, number: str, issued_on: str, appeal: dict[str, Any], cause: Any,
                 appellant_name: str, profile: Profile) -> dict[str, Any]:
    """Read what the pack needs from the store (the appeal's and the request's event streams and notices),
    cut at the causing event, and ``build`` the data. Reads only; the caller stores the notice."""
    from dataclasses import asdict

    from activities.notices.types import NOTICE_TYPES
    from domain.appeals.state import fold
    from store import cases, events

    appeal_id, request_id = appeal["appeal_id"], appeal["request_id"]
    request = await cases.case_state(conn, request_id) or {}
    appeal_events = [e for e in await events.read(conn, appeal_id) if e.version <= cause.version]
    appeal = asdict(fold((e.type, e.data) for e in appeal_events))  # the appeal as it stood at the cause
    request_events = [e for e in await events.read(conn, request_id) if e.occurred_at <= cause.occurred_at]
    packs = [n for n in await cases.notices_of(conn, appeal_id) if n["notice_type"] == NOTICE_TYPE]
    decision_id = (appeal.get("decision") or {}).get("decision_id")
    decision_notices = [
        {"number": n["number"], "issued_on": n["issued_on"].isoformat(),
         "title": NOTICE_TYPES.get(n["notice_type"], n["notice_type"])}
        for n in await cases.notices_of(conn, request_id)
        if (n["notice_type"].startswith(("decision_", "pi_disclosure", "pi_correction", "pi_suspension", "pi_dismissed"))
            and (not decision_id or n["decision_id"] in (None, decision_id)))
    ]
    recorded = {e.data.get("party_id"): e.data for e in request_events if e.type == "ThirdPartyOpinionRecorded"}
    opinions = []
    for p in request.get("third_parties") or []:  # numbered, never named: a third party's identity is theirs
        o = recorded.get(p.get("party_id"), {})
        opinions.append({"received_on": o.get("received_on") or p.get("responded_on"),
                         "objects": bool(o.get("objects", p.get("objects"))), "summary": o.get("summary") or ""})
    return build(
        number=number, issued_on=issued_on, version=len(packs) + 1, appeal=appeal, request=request,
        appellant_name=appellant_name, decision_notices=decision_notices, opinions=opinions,
        events=timeline([(request_id, request_events), (appeal_id, appeal_events)], until=(appeal_id, cause.version)),
        previous={"number": packs[0]["number"], "issued_on": packs[0]["issued_on"].isoformat()} if packs else None,
        profile=profile)
