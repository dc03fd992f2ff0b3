"""Render a notice: validate the data, fill the type's Jinja2 template, lay out the PDF.

The HTML is the single source of the wording. Templates write a small, fixed
vocabulary of elements (see ``document.py``); ``document.parse`` turns the
rendered HTML into blocks and ``pdf.build_pdf`` sets those blocks on A4 with an
embedded Japanese font, so the screen and the paper say exactly the same.
Pure: no clock, no randomness, no I/O besides reading templates and the font.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from domain.era import format_era_date

from . import document, pdf
from .schema import FIELDS, validate
from .types import NOTICE_TYPES, TEMPLATE_VERSION, RenderedNotice

__all__ = ["render", "render_html", "render_pdf", "templates_digest", "TEMPLATE_DIR"]

TEMPLATE_DIR = Path(__file__).parent / "templates"

KIND_LABELS = {
    "public_records": "公文書公開請求",
    "personal_info_disclosure": "保有個人情報開示請求",
    "personal_info_correction": "保有個人情報訂正請求",
    "personal_info_suspension": "保有個人情報利用停止請求",
}
DISCLOSURE_LABELS = {"full": "公開", "partial": "部分公開", "none": "非公開"}
METHOD_LABELS = {"viewing": "閲覧", "copies": "写しの交付", "electronic": "電磁的記録の提供"}
# 保有個人情報○○請求 (domain/self_information.py): the word of each kind and the decision's phrase.
PI_WHAT = {"personal_info_disclosure": "開示", "personal_info_correction": "訂正", "personal_info_suspension": "利用停止"}
DECISION_PHRASE = {
    "開示": "開示する", "一部開示": "一部を開示する", "不開示": "開示しない", "不存在": "開示しない",
    "存否応答拒否": "開示請求を拒否する", "訂正する": "訂正する", "一部訂正する": "一部を訂正する",
    "訂正しない": "訂正しない", "利用停止する": "利用停止をする", "一部利用停止する": "一部について利用停止をする",
    "利用停止しない": "利用停止をしない",
}
CHANNEL_LABELS = {"counter": "窓口", "mail": "郵送", "fax": "ファクシミリ", "online": "電子申請"}


def label(labels: dict[str, str], code: str) -> str:
    """The Japanese label of a code; free text passes through unchanged."""
    return labels.get(code, code)


def lines(value: str) -> Markup:
    """Escape ``value`` and turn its newlines into <br>."""
    return Markup("<br>").join(escape(line) for line in str(value).split("\n"))


def era(value: str | date) -> str:
    """ISO date (or date) → 「令和7年3月17日」."""
    return format_era_date(value if isinstance(value, date) else date.fromisoformat(value))


def yen(value: int) -> str:
    """1230 → 「1,230円」; 0 → 「無料」."""
    return "無料" if value == 0 else f"{value:,}円"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["j2", "html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["era"] = era
    env.filters["yen"] = yen
    env.filters["lines"] = lines
    env.globals.update(
        label=label,
        KIND_LABELS=KIND_LABELS,
        DISCLOSURE_LABELS=DISCLOSURE_LABELS,
        METHOD_LABELS=METHOD_LABELS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        PI_WHAT=PI_WHAT,
        DECISION_PHRASE=DECISION_PHRASE,
    )
    return env


def _context(notice_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """Template context: the data with every optional key present (None when absent)."""
    ctx = _Defaults(data)
    for spec in (*FIELDS[notice_type], "title:str?"):
        ctx.setdefault(spec.split(":")[0].split(".")[0].removesuffix("[]"), None)
    ctx["notice_type"] = notice_type
    ctx["title"] = data.get("title") or NOTICE_TYPES[notice_type]
    return ctx


class _Defaults(dict[str, Any]):
    """A dict whose nested dicts answer missing keys with None, so templates can
    write ``{% if disclosure.fee_note %}`` under StrictUndefined. Lists of dicts
    are wrapped too; everything else is passed through unchanged."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__({k: _wrap(v) for k, v in data.items()})

    def __missing__(self, key: str) -> None:
        return None

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):  # never answer protocol probes such as __html__
            raise AttributeError(key)
        return self[key]


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        return _Defaults(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def templates_digest() -> str:
    """sha256 over the templates, the stylesheet and the PDF layout code; recorded
    as TEMPLATES_SHA256 so a change without a TEMPLATE_VERSION bump fails the tests."""
    digest = hashlib.sha256()
    files = sorted(p for p in TEMPLATE_DIR.iterdir() if p.suffix in (".j2", ".css"))
    for path in [*files, Path(pdf.__file__)]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def render_html(notice_type: str, data: dict[str, Any]) -> str:
    """The notice as a self-contained HTML page (inline CSS, A4 print styles)."""
    validate(notice_type, data)
    return _env().get_template(f"{notice_type}.html.j2").render(_context(notice_type, data))


def _pdf_from_html(notice_type: str, data: dict[str, Any], html: str) -> bytes:
    doc = document.parse(html)
    return pdf.build_pdf(
        doc,
        title=f"{data.get('title') or NOTICE_TYPES[notice_type]} {data['number']}",
        author=data["issuer"],
        issued_on=date.fromisoformat(data["issued_on"]),
    )


def render_pdf(notice_type: str, data: dict[str, Any]) -> bytes:
    """The notice as an A4 PDF with the Japanese font embedded (subset)."""
    return _pdf_from_html(notice_type, data, render_html(notice_type, data))


def render(notice_type: str, data: dict[str, Any]) -> RenderedNotice:
    """HTML and PDF from one rendering, with the PDF's sha256 and the template version."""
    html = render_html(notice_type, data)
    body = _pdf_from_html(notice_type, data, html)
    return RenderedNotice(
        html=html,
        pdf=body,
        sha256=hashlib.sha256(body).hexdigest(),
        template_version=TEMPLATE_VERSION,
    )
