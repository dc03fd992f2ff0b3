"""The report's tables with Japanese headings: one definition for CSV, Excel and PDF.

Each table is a title, a header row and data rows; numbers stay numbers (Excel sums them), and every
row of a count table adds up to its 計 (total) row, which is computed here from the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.profile import Profile
from domain.reports.decisions import OUTCOME_LABELS, REPORT_OUTCOMES

KIND_LABELS = {
    "public_records": "公文書公開請求",
    "personal_info_disclosure": "保有個人情報開示請求",
    "personal_info_correction": "保有個人情報訂正請求",
    "personal_info_suspension": "保有個人情報利用停止請求",
}
RULING_LABELS = {"dismissed": "却下", "rejected": "棄却", "granted": "認容", "partly_granted": "一部認容"}
SUIT_LABELS = {"upheld": "請求棄却（処分維持）", "revoked": "取消し", "partly_revoked": "一部取消し",
               "withdrawn": "取下げ", "settled": "和解", "unknown": "不明"}


@dataclass(frozen=True)
class ReportTable:
    key: str  # sheet / section name (ASCII)
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def _labels(profile: Profile) -> dict[str, dict[str, str]]:
    return {
        "body": {b.code: b.name for b in profile.implementing_bodies} | {"unknown": "不明"},
        "category": {c.code: c.label for c in getattr(profile, "requester_categories", ())} | {"unknown": "未分類"},
        "clause": {e.code: f"{e.article}（{e.label}）" for e in profile.exemptions},
        "department": {d.code: d.name for d in profile.departments},
    }


def _with_total(rows: list[tuple[Any, ...]]) -> tuple[tuple[Any, ...], ...]:
    if not rows:
        return (("計", 0),)
    width = len(rows[0])
    total = ("計", *(sum(r[i] for r in rows) for i in range(1, width)))
    return (*rows, total)


def tables(report: dict[str, Any], profile: Profile) -> list[ReportTable]:
    lab = _labels(profile)
    out = _request_tables(report, lab, prefix="", title_prefix="", threshold=report["frequent_threshold"])
    a = report["appeals"]
    out.append(ReportTable("appeals", "審査請求", ("区分", "件数"), (
        ("受付", a["received"]), ("諮問", a["referred"]), ("答申", a["reported"]), ("裁決", a["ruled"]),
        ("取下げ", a["withdrawn"]),
        *((f"裁決: {RULING_LABELS[k]}", v) for k, v in a["by_ruling"].items()),
        ("受付から裁決までの日数（中央値）", a["days_filed_to_ruling"]["median"] or 0),
        ("受付から裁決までの日数（最大）", a["days_filed_to_ruling"]["max"] or 0),
    )))
    s = report["suits"]
    out.append(ReportTable("suits", "訴訟", ("区分", "件数"), (
        ("提起", s["filed"]), ("係属中", s["pending"]), ("確定", s["decided"]), ("判決", s["judgments"]),
        *((f"確定: {SUIT_LABELS.get(k, k)}", v) for k, v in s["by_outcome"].items()),
    )))
    out += _request_tables(report["self_information"], lab, prefix="self_", title_prefix="保有個人情報: ",
                           threshold=report["frequent_threshold"])
    if "breaches" in report:  # reports published before breaches were counted have none
        out.append(_breach_table(report["breaches"]))
    if "personal_info_uses" in report:  # reports published before the registers existed have none
        from api.reports.registers import use_tables

        uses = report["personal_info_uses"]["by_entry"]
        out += use_tables(uses, {e: c["name"] for e, c in uses.items()})
    return out


BREACH_KIND_LABELS = {"leak": "漏えい", "loss": "滅失", "damage": "毀損"}
REPORT_LABELS = {"preliminary": "速報", "final": "確報"}


def _breach_table(b: dict[str, Any]) -> ReportTable:
    """漏えい等事案 (個人情報保護法68条①): counts only, never what leaked or whose."""
    from domain.breach import TRIGGERS

    rows: list[tuple[Any, ...]] = [("事案の件数（知った日の年度）", b["incidents"]),
                                   *((f"うち{BREACH_KIND_LABELS.get(k, k)}", n) for k, n in b["by_kind"].items()),
                                   ("本人の数（合計）", b["persons"])]
    rows += [(f"報告対象事由: {TRIGGERS[t][0]}（{TRIGGERS[t][1]}）", n) for t, n in b["by_trigger"].items()]
    rows += [("委員会への報告対象", b["reportable"]), ("報告対象外", b["not_reportable"]),
             ("うち高度な暗号化等の措置", b["exempt_encrypted"])]
    for r, label in REPORT_LABELS.items():
        c = b["reports"][r]
        rows += [(f"{label}: 報告済み", c["filed"]), (f"{label}: うち期限内", c["on_time"]),
                 (f"{label}: うち期限後", c["late"]), (f"{label}: うち任意の報告", c["voluntary"]),
                 (f"{label}: 期限を過ぎて未報告", c["overdue"])]
    rows.append(("終結", b["closed"]))
    return ReportTable("breaches", "漏えい等事案（個人情報保護法68条）", ("区分", "件数"), tuple(rows))


def _request_tables(r: dict[str, Any], lab: dict[str, dict[str, str]], *, prefix: str,
                    title_prefix: str, threshold: int) -> list[ReportTable]:
    out = [
        ReportTable(f"{prefix}requests_by_kind", f"{title_prefix}請求件数（請求の種類別）", ("請求の種類", "件数"),
                    _with_total([(KIND_LABELS.get(k, k), n) for k, n in r["requests"]["by_kind"].items()])),
        ReportTable(f"{prefix}requests_by_category", f"{title_prefix}請求件数（請求者の区分別）",
                    ("請求者の区分", "件数"),
                    _with_total([(lab["category"].get(k, k), n) for k, n in r["requests"]["by_category"].items()])),
        ReportTable(f"{prefix}decisions", f"{title_prefix}決定件数（実施機関別・決定区分別）",
                    ("実施機関", *(OUTCOME_LABELS[o] for o in REPORT_OUTCOMES), "計"),
                    _with_total([(lab["body"].get(b, b), *(c[o] for o in REPORT_OUTCOMES), sum(c.values()))
                                 for b, c in r["decisions"]["by_body"].items()])),
        ReportTable(f"{prefix}other", f"{title_prefix}取下げ・移送・未決定・延長", ("区分", "件数"), (
            ("取下げ", r["withdrawn"]), ("移送", r["transferred"]), ("未決定（基準日現在）", r["pending"]),
            ("期限延長", r["extensions"]["extended"]), ("うち特例延長", r["extensions"]["large_volume"]),
            ("第三者意見照会（請求件数）", r["third_party_consultations"]["requests"]),
            ("第三者意見照会（照会先数）", r["third_party_consultations"]["parties"]),
            ("うち反対意見", r["third_party_consultations"]["objections"]),
        )),
        ReportTable(f"{prefix}clauses", f"{title_prefix}非公開条項の適用件数（決定ごとに1件）", ("条項", "件数"),
                    _with_total([(lab["clause"].get(k, k), n) for k, n in r["clauses"].items()])),
    ]
    d = r["days_to_decision"]
    out.append(ReportTable(f"{prefix}days", f"{title_prefix}受付から決定までの日数", ("区分", "値"), (
        ("決定件数", d["count"]), ("中央値（日）", d["median"] or 0), ("最大（日）", d["max"] or 0),
        ("期間内の決定", d["within_period"]),
        ("期間内の割合（%）", round(100 * d["within_period_share"], 1) if d["within_period_share"] is not None else 0),
    )))
    out.append(ReportTable(f"{prefix}frequent", f"{title_prefix}多数請求者（年{threshold}件超）", ("請求者（仮名）", "件数"),
        tuple((f["pseudonym"], f["count"]) for f in r["frequent_requesters"])))
    out.append(ReportTable(f"{prefix}list", f"{title_prefix}請求一覧",
                           ("受付番号", "受付日", "請求者の区分", "件名", "担当課", "決定日", "決定区分", "適用条項", "備考"),
                           tuple(_list_rows(r["list"], lab))))
    return out


def _list_rows(rows: list[dict[str, Any]], lab: dict[str, dict[str, str]]) -> list[tuple[Any, ...]]:
    out = []
    for row in rows:
        decisions = row["decisions"] or [None]
        for d in decisions:  # one line per decision, as municipalities publish it
            out.append((
                row["case_id"], row["received_on"], lab["category"].get(row["requester_category"] or "unknown", ""),
                row["subject"], lab["department"].get(row["department"], row["department"]),
                d["decided_on"] if d else "", d["outcome_label"] if d else "",
                "、".join(d["clauses"]) if d else "", row["note"],
            ))
    return out
