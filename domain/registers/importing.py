"""The register entries brought into Kaiji (`kaiji registers import FILE`): rows read and checked.

One row per entry of either register (the city's 91 ファイル簿 files and 127 取扱登録簿 entries may share one
file). Every row is checked against the same rules as ``POST /registers/files`` (rules.py: the register follows
the number of persons, APPI 75 / 施行令 20); any error anywhere names its row and column and nothing is
imported. The column layout is docs/decisions/registers.md ("Import"); the headings are those of the published
list, English aliases accepted.

A later file of the same registers is applied (kaiji/registers_import.py): a row whose 区分 is 廃止 names the
entry (登録簿 + 番号) and its 廃止日 only (APPI 75(1): an abolished file leaves the ファイル簿); any other row
carries the entry's whole content, which becomes a 変更 when it differs from the entry.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from domain.ledger import RowError, parse_date
from domain.profile import Profile
from domain.registers import rules

# canonical heading → (field, required)
COLUMNS: dict[str, tuple[str, bool]] = {
    "登録簿": ("register", True),
    "番号": ("source_number", True),
    "名称": ("name", True),
    "担当課": ("department", True),
    "利用目的": ("purpose", True),
    "記録項目": ("items", True),
    "記録範囲": ("person_categories", True),
    "本人の数": ("persons", True),
    "収集方法": ("sources", True),
    "経常的提供先": ("recipients", False),
    "保存期間": ("retention", True),
    "安全管理措置": ("safeguards", True),
    "電子・紙の別": ("media", True),
    "登録日": ("effective_on", False),
    "区分": ("change", False),  # 新規 / 変更 / blank: the content of the row; 廃止: the entry is abolished
    "廃止日": ("abolished_on", False),  # a 廃止 row's date (required there, refused elsewhere)
}
ABOLISH_REQUIRED = ("登録簿", "番号", "廃止日")  # what a 廃止 row must name; its other cells are not read
# other headings read as the canonical one (the published list's longer headings, English field names)
ALIASES = {
    "記録範囲（本人の範囲）": "記録範囲",
    "記録範囲(本人の範囲)": "記録範囲",
    "収集方法（記録情報の収集先）": "収集方法",
    "収集方法(記録情報の収集先)": "収集方法",
    "登録番号": "番号",
    "登録・変更日": "登録日",
    "status": "区分",
    "廃止年月日": "廃止日",
    **{f: h for h, (f, _) in COLUMNS.items()},
}
REGISTER_WORDS = {
    "個人情報ファイル簿": rules.FILE,
    "ファイル簿": rules.FILE,
    rules.FILE: rules.FILE,
    "個人情報取扱登録簿": rules.HANDLING,
    "取扱登録簿": rules.HANDLING,
    rules.HANDLING: rules.HANDLING,
}
CHANGE_WORDS = {"新規": "new", "new": "new", "変更": "changed", "changed": "changed", "廃止": "abolished",
                "abolished": "abolished"}
MEDIA_WORDS = {"電子": "electronic", "electronic": "electronic", "紙": "paper", "paper": "paper"}
LIST_FIELDS = ("items", "person_categories", "sources", "recipients")
TEXT_LIMITS = {"name": 200, "purpose": 2000, "retention": 400, "safeguards": 2000, "source_number": 40}
LIST_LIMIT, LINE_LIMIT = 100, 200  # as the API: at most 100 lines of at most 200 characters
MAX_AHEAD = timedelta(days=366)


@dataclass(frozen=True)
class ImportRow:
    row: int  # 1-based, the header being row 1
    register: str
    source_number: str  # the city's own number: with the register, the key of the entry in a later file
    content: dict[str, Any] | None  # rules.CONTENT_FIELDS; None for a 廃止 row (the entry's last content is kept)
    effective_on: date  # 登録日 (default the day of the import); for a 廃止 row its 廃止日
    change: str | None = None  # "new" / "changed" as the 区分 column says (None: blank); "abolished": 廃止

    @property
    def abolishes(self) -> bool:
        return self.change == "abolished"

    def digest(self) -> str:
        """The row as read (kept in register_imports.row_hash; the comparison itself is by content)."""
        data: dict[str, Any] = (
            {"abolished_on": self.effective_on.isoformat()} if self.abolishes
            else {"content": self.content, "effective_on": self.effective_on.isoformat()}
        )
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Parsed:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _norm(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def _key(text: Any) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().lower()


_HEADINGS = {_key(h): h for h in COLUMNS} | {_key(a): h for a, h in ALIASES.items()}


def _heading(h: Any) -> str | None:
    return _HEADINGS.get(_key(h))


def split_lines(text: str) -> list[str]:
    """記録項目 etc.: one per line, or separated by 、 , ， ；"""
    return [p.strip() for p in re.split(r"[、,，;；\n]", text or "") if p.strip()]


def parse(header: list[str], raw_rows: list[list[Any]], profile: Profile, today: date) -> Parsed:
    out = Parsed()
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        name = _heading(h)
        if name is not None and name not in index:
            index[name] = i
    missing = [h for h, (_, required) in COLUMNS.items() if required and h not in index]
    if missing:
        out.errors += [RowError(1, h, "必須の列がありません。 / required column missing") for h in missing]
        return out
    departments = {d.code: d.code for d in profile.departments} | {
        unicodedata.normalize("NFKC", d.name): d.code for d in profile.departments
    }
    seen: dict[tuple[str, str], int] = {}
    for n, raw in enumerate(raw_rows, start=2):
        cells = {h: ("" if i >= len(raw) or raw[i] is None else _norm(raw[i])) for h, i in index.items()}
        if not any(cells.values()):
            continue  # a blank line
        row, errors = _row(n, cells, departments, today)
        if row is not None:
            key = (row.register, row.source_number)
            if key in seen:
                errors.append(RowError(n, "番号", f"同じ登録簿の番号 {row.source_number} が{seen[key]}行目にもあります。"))
            seen.setdefault(key, n)
        out.errors += errors
        if row is not None and not errors:
            out.rows.append(row)
    return out


def _date(n: int, heading: str, text: str, today: date, errors: list[RowError]) -> date | None:
    try:
        day = parse_date(text)
    except ValueError as exc:
        errors.append(RowError(n, heading, str(exc)))
        return None
    if day > today + MAX_AHEAD:
        errors.append(RowError(n, heading, "1年より先の日付にはできません。"))
        return None
    return day


def _row(n: int, cells: dict[str, str], departments: dict[str, str], today: date) -> tuple[ImportRow | None, list[RowError]]:
    change = CHANGE_WORDS.get(_key(cells.get("区分")))
    if cells.get("区分") and change is None:
        return None, [RowError(n, "区分", f"「新規」「変更」「廃止」のどれかか空欄です（{cells['区分']}）。")]
    register = REGISTER_WORDS.get(_key(cells.get("登録簿")))
    if change == "abolished":
        return _abolish_row(n, cells, register, today)
    errors = [RowError(n, h, "必須です。 / required") for h, (_, req) in COLUMNS.items() if req and not cells.get(h)]
    if cells.get("登録簿") and register is None:
        errors.append(RowError(n, "登録簿", f"「個人情報ファイル簿」か「個人情報取扱登録簿」です（{cells['登録簿']}）。"))
    if cells.get("廃止日"):
        errors.append(RowError(n, "廃止日", "廃止日は区分が「廃止」の行にだけ書きます。"))
    department = departments.get(cells.get("担当課", ""))
    if cells.get("担当課") and department is None:
        errors.append(RowError(n, "担当課", f"プロファイルにない課です（{cells['担当課']}）。"))
    persons: int | None = None
    if cells.get("本人の数"):
        digits = cells["本人の数"].replace(",", "").removesuffix("人").strip()
        if digits.isdigit() and int(digits) <= 100_000_000:
            persons = int(digits)
        else:
            errors.append(RowError(n, "本人の数", f"0以上の整数です（{cells['本人の数']}）。"))
    media = MEDIA_WORDS.get(_key(cells.get("電子・紙の別")))
    if cells.get("電子・紙の別") and media is None:
        errors.append(RowError(n, "電子・紙の別", f"「電子」か「紙」です（{cells['電子・紙の別']}）。"))
    effective_on = _date(n, "登録日", cells["登録日"], today, errors) if cells.get("登録日") else today
    for heading, (f, _) in COLUMNS.items():
        limit = TEXT_LIMITS.get(f)
        if limit and len(cells.get(heading, "")) > limit:
            errors.append(RowError(n, heading, f"{limit}文字までです（{len(cells[heading])}文字）。"))
    lists = {f: split_lines(cells.get(h, "")) for h, (f, _) in COLUMNS.items() if f in LIST_FIELDS}
    for heading, (f, _) in COLUMNS.items():
        if f in lists and (len(lists[f]) > LIST_LIMIT or any(len(x) > LINE_LIMIT for x in lists[f])):
            errors.append(RowError(n, heading, f"{LIST_LIMIT}項目まで、1項目{LINE_LIMIT}文字までです。"))
    if register is not None and persons is not None:
        try:
            rules.check_register(register, persons)
        except rules.RegisterRuleError as err:
            errors.append(RowError(n, "本人の数", str(err)))
    if errors or register is None or department is None or persons is None or media is None or effective_on is None:
        return None, errors
    content = {
        "department": department,
        "name": cells["名称"],
        "purpose": cells["利用目的"],
        **lists,
        "persons": persons,
        "retention": cells["保存期間"],
        "safeguards": cells["安全管理措置"],
        "media": media,
    }
    return ImportRow(n, register, cells["番号"], {f: content[f] for f in rules.CONTENT_FIELDS}, effective_on,
                     change), errors


def _abolish_row(n: int, cells: dict[str, str], register: str | None, today: date) -> tuple[ImportRow | None, list[RowError]]:
    """区分 廃止: the entry (登録簿 + 番号) and its 廃止日; the other cells are not read (the 廃止 version keeps the
    entry's last content, as ``POST /registers/files/{id}/abolish``)."""
    errors = [RowError(n, h, "廃止の行に必須です。 / required in a 廃止 row") for h in ABOLISH_REQUIRED if not cells.get(h)]
    if cells.get("登録簿") and register is None:
        errors.append(RowError(n, "登録簿", f"「個人情報ファイル簿」か「個人情報取扱登録簿」です（{cells['登録簿']}）。"))
    if len(cells.get("番号", "")) > TEXT_LIMITS["source_number"]:
        errors.append(RowError(n, "番号", f"{TEXT_LIMITS['source_number']}文字までです。"))
    day = _date(n, "廃止日", cells["廃止日"], today, errors) if cells.get("廃止日") else None
    if errors or register is None or day is None:
        return None, errors
    return ImportRow(n, register, cells["番号"], None, day, "abolished"), errors
