"""Breach incidents (漏えい等事案): whether the Commission must be told, and by when.

個人情報の保護に関する法律（APPI）68条① and 施行規則43条: a 行政機関等 reports a 漏えい・滅失・毀損
(or a suspected one) of 保有個人情報 to the Personal Information Protection Commission when any of
these holds (the triggers):

1. 要配慮個人情報 is involved (43条1号; 条例要配慮個人情報 too);
2. 不正に利用されることにより財産的被害が生じるおそれ (2号: e.g. card or account numbers);
3. 不正の目的をもって行われたおそれ (3号: theft, unauthorised access, ransomware);
4. the persons affected are more than 100 (4号).

No duty when the data was protected by 高度な暗号化その他の個人の権利利益を保護するために必要な措置
(43条 柱書括弧書): the reason is recorded, the triggers are still shown.

Deadlines (施行規則44条), counted from the day the department became aware (知った日):
- 速報 (44条①): 「速やかに」 — the profile's ``breach_preliminary_days`` (3–5, the Commission's
  guidance of 概ね3〜5日), from the day after awareness;
- 確報 (44条②): within 30 days, 60 when a malicious act is suspected (3号), awareness counted as
  day 1 (the Commission's guidance), in calendar days: a closed day does not move a report deadline.

Pure functions: every date is passed in. Each result explains itself like a deadline (DueDate).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from domain.deadlines import DueDate, DueExplanation

ARTICLE = "個人情報保護法68条①、施行規則43条"
PRELIMINARY_ARTICLE = "施行規則44条①（速報: 速やかに）"
FINAL_ARTICLE = "施行規則44条②（確報）"
NOTICE_ARTICLE = "個人情報保護法68条②（本人への通知）"
PERSONS_THRESHOLD = 100  # 43条4号: 「100人を超える」
FINAL_DAYS = 30
FINAL_DAYS_MALICIOUS = 60
PRELIMINARY_DAYS_RANGE = (3, 5)

TRIGGERS: dict[str, tuple[str, str]] = {  # code → (Japanese label, article)
    "sensitive": ("要配慮個人情報が含まれる", "施行規則43条1号"),
    "financial_harm": ("不正利用による財産的被害のおそれ", "施行規則43条2号"),
    "malicious": ("不正の目的をもって行われたおそれ", "施行規則43条3号"),
    "over_100": ("本人の数が100人を超える", "施行規則43条4号"),
}


@dataclass(frozen=True)
class BreachFacts:
    """What the department knows; any of it may be revised as the investigation goes on."""

    aware_on: date
    persons: int
    sensitive: bool = False
    financial_harm: bool = False
    malicious: bool = False
    encrypted: bool = False  # 高度な暗号化等の措置: no report duty


@dataclass(frozen=True)
class ReportDuty:
    """Whether the Commission must be told, which triggers hold and why (like a DueExplanation)."""

    reportable: bool
    triggers: tuple[str, ...]
    article: str
    steps: tuple[str, ...]
    exempt_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "triggers": list(self.triggers), "steps": list(self.steps)}


def triggers(facts: BreachFacts) -> tuple[str, ...]:
    held = {
        "sensitive": facts.sensitive,
        "financial_harm": facts.financial_harm,
        "malicious": facts.malicious,
        "over_100": facts.persons > PERSONS_THRESHOLD,
    }
    return tuple(code for code in TRIGGERS if held[code])


def report_duty(facts: BreachFacts) -> ReportDuty:
    held = triggers(facts)
    steps = [f"{TRIGGERS[t][1]}: {TRIGGERS[t][0]}" for t in held]
    if not held:
        steps.append(f"施行規則43条各号のいずれにも当たらない（本人の数 {facts.persons}人、100人以下）")
        return ReportDuty(False, held, ARTICLE, tuple(steps))
    if facts.encrypted:
        reason = "高度な暗号化その他の個人の権利利益を保護するために必要な措置が講じられている"
        steps.append(f"ただし{reason}ため、報告義務はない（施行規則43条柱書括弧書）")
        return ReportDuty(False, held, ARTICLE, tuple(steps), exempt_reason=reason)
    steps.append("個人情報保護委員会への報告（速報・確報）及び本人への通知が必要")
    return ReportDuty(True, held, ARTICLE, tuple(steps))


def preliminary_due(aware_on: date, days: int) -> DueDate:
    """速報: 「速やかに」, read as ``days`` (3–5) days from the day after awareness."""
    low, high = PRELIMINARY_DAYS_RANGE
    if not low <= days <= high:
        raise ValueError(f"breach_preliminary_days must be {low}–{high}, got {days}")
    due = aware_on + timedelta(days=days)
    return DueDate(
        due,
        DueExplanation(
            rule=f"知った日の翌日から{days}日以内（速やかに）",
            article=PRELIMINARY_ARTICLE,
            start=aware_on,
            result=due,
            steps=(
                f"知った日: {aware_on.isoformat()}",
                f"速報は速やかに（委員会ガイドライン: 概ね3〜5日以内）。本市の運用: {days}日",
                f"期限: {due.isoformat()}（閉庁日でも繰り延べない）",
            ),
        ),
    )


def final_due(aware_on: date, malicious: bool) -> DueDate:
    """確報: 30 days (60 when 3号 applies), the day of awareness being day 1, calendar days."""
    days = FINAL_DAYS_MALICIOUS if malicious else FINAL_DAYS
    due = aware_on + timedelta(days=days - 1)
    why = "不正の目的をもって行われたおそれがあるため60日" if malicious else "30日"
    return DueDate(
        due,
        DueExplanation(
            rule=f"知った日から{days}日以内（知った日を1日目とする）",
            article=FINAL_ARTICLE,
            start=aware_on,
            result=due,
            steps=(
                f"知った日: {aware_on.isoformat()}（1日目）",
                f"確報の期間: {why}",
                f"{days}日目: {due.isoformat()}（閉庁日でも繰り延べない）",
            ),
        ),
    )
