from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from activities.notices import NOTICE_TYPES, TEMPLATE_VERSION, render, render_html, render_pdf
from activities.notices.render import templates_digest
from activities.notices.types import ADVERSE_TYPES, CHALLENGE_TYPES, TEMPLATES_SHA256
from domain.era import format_era_date

from .factories import all_types, notice_data
from .helpers import embedded_font_files, pdf_text, squash

ROOT = Path(__file__).resolve().parents[2]
KYOJI = ("教示", "3か月以内", "6か月以内", "1年を経過", "行政不服審査法", "行政事件訴訟法", "小金井市を被告")


def test_factories_cover_every_type() -> None:
    assert sorted(all_types()) == sorted(NOTICE_TYPES)


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[dict, object, str]]:
    out = {}
    for notice_type in NOTICE_TYPES:
        data = notice_data(notice_type)
        notice = render(notice_type, data)
        out[notice_type] = (data, notice, pdf_text(notice.pdf))
    return out


@pytest.mark.parametrize("notice_type", list(NOTICE_TYPES))
def test_every_type_renders_html_and_pdf(notice_type: str, rendered) -> None:
    data, notice, text = rendered[notice_type]
    assert notice.pdf.startswith(b"%PDF-")
    assert notice.sha256 == hashlib.sha256(notice.pdf).hexdigest()
    assert notice.template_version == TEMPLATE_VERSION
    title = NOTICE_TYPES[notice_type]
    issued = format_era_date(date.fromisoformat(data["issued_on"]))
    for needle in (title, data["number"], issued):
        assert squash(needle) in text, f"{needle!r} missing from the PDF of {notice_type}"
        assert needle in notice.html
    assert notice.html.startswith("<!DOCTYPE html>")
    assert '<html lang="ja">' in notice.html
    assert f"<h1>{title}</h1>" in notice.html


@pytest.mark.parametrize("notice_type", [t for t in NOTICE_TYPES if t != "ruling"])
def test_addressee_is_written_with_sama(notice_type: str, rendered) -> None:
    data, notice, text = rendered[notice_type]
    expected = f"{data['addressee']['name']} 様"
    assert expected in notice.html
    assert squash(expected) in text


@pytest.mark.parametrize("notice_type", sorted(CHALLENGE_TYPES))
def test_challenge_instructions_on_adverse_notices(notice_type: str, rendered) -> None:
    _, notice, text = rendered[notice_type]
    needles = KYOJI if notice_type != "ruling" else ("教示", "6か月以内", "1年を経過", "裁決の取消しの訴え")
    for needle in needles:
        assert needle in text, f"教示 part {needle!r} missing from {notice_type}"


@pytest.mark.parametrize("notice_type", sorted(set(NOTICE_TYPES) - CHALLENGE_TYPES))
def test_no_challenge_instructions_elsewhere(notice_type: str, rendered) -> None:
    _, notice, text = rendered[notice_type]
    assert "教示" not in text
    assert "審査請求をすることができます" not in text


def test_adverse_set_is_the_four_decisions() -> None:
    assert ADVERSE_TYPES == {
        "decision_partial",
        "decision_non_disclosure",
        "decision_ncnd",
        "decision_dismissed",
        "pi_disclosure_partial",
        "pi_disclosure_refusal",
        "pi_correction_refused",
        "pi_suspension_refused",
        "pi_dismissed",
    }


@pytest.mark.parametrize("notice_type", ["decision_partial", "decision_non_disclosure", "decision_ncnd"])
def test_clauses_and_reasons_are_cited(notice_type: str, rendered) -> None:
    data, _, text = rendered[notice_type]
    for exemption in data["exemptions"]:
        assert squash(exemption["article"]) in text
        assert squash(exemption["label"]) in text
        assert squash(exemption["reason"]) in text


def test_partial_decision_content(rendered) -> None:
    data, notice, text = rendered["decision_partial"]
    assert "第9条第4号ウ" in text and "第9条第2号" in text
    assert "予定価格の積算内訳" in text
    assert "令和8年4月1日以降は公開することができる見込み" in text  # lapses_on
    assert "令和7年3月31日" in text and "午前9時から午後5時まで" in text
    assert "230円" in text and "写しの交付" in text
    assert "小金井市情報公開条例第11条第1項の規定により" in text
    assert "（部分公開）" in text
    assert "<table" in notice.html and "公開しない理由" in notice.html


def test_non_disclosure_not_held(rendered) -> None:
    data = notice_data("decision_non_disclosure")
    data.update(
        non_disclosure_ground="not_held",
        reason_text="当該業務は平成30年度に廃止されており、記録は作成していないため。",
    )
    del data["exemptions"]
    text = pdf_text(render_pdf("decision_non_disclosure", data))
    assert "公文書不存在" in text
    assert "保有していないため" in text
    assert squash(data["reason_text"]) in text
    assert "3か月以内" in text


def test_dates_extension_and_third_party(rendered) -> None:
    _, _, text = rendered["extension"]
    assert "令和7年5月2日" in text and "延長後の期限" in text
    _, _, text = rendered["large_volume_extension"]
    assert "令和7年7月31日" in text
    _, _, text = rendered["third_party_disclosure_notice"]
    assert "令和7年4月1日" in text and "執行停止" in text and "少なくとも2週間" in text
    _, _, text = rendered["third_party_opinion_request"]
    assert "令和7年3月24日までに意見書を提出" in text


def test_ruling_content(rendered) -> None:
    data, _, text = rendered["ruling"]
    assert "主文" in text and "理由" in text
    assert squash(data["ruling"]["main_text"]) in text
    assert "審査庁" in text and "令和7年9月30日" in text
    assert "A-2025-00003" in text


def test_ruling_default_main_text() -> None:
    data = notice_data("ruling")
    data["ruling"].update(outcome="rejected", main_text=None, scope=None)
    assert "本件審査請求を棄却する。" in pdf_text(render_pdf("ruling", data))


def test_font_is_embedded(rendered) -> None:
    for notice_type, (_, notice, _) in rendered.items():
        fonts = embedded_font_files(notice.pdf)
        assert fonts, f"no embedded font in {notice_type}"
        assert all("IPAexGothic" in name for name, _ in fonts)
        assert {key for _, key in fonts} <= {"/FontFile2", "/FontFile3"}


def test_html_escapes_user_text() -> None:
    data = notice_data("decision_full")
    data["documents"] = [{"title": "<script>alert(1)</script> & 議事録"}]
    html = render_html("decision_full", data)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 議事録" in html
    assert "<script>alert(1)</script>&議事録" in pdf_text(render_pdf("decision_full", data))


def test_minimal_data_renders() -> None:
    data = notice_data("decision_partial")
    for key in ("ordinance", "outcome", "reason_text"):
        data.pop(key, None)
    data["addressee"] = {"name": "山田 太郎"}
    data["department"] = {"name": "総務部総務課"}
    data["documents"] = [{"title": "協議記録"}]
    data["disclosure"] = {k: data["disclosure"][k] for k in ("on", "time", "place", "method")}
    for e in data["exemptions"]:
        e.pop("parts", None)
        e.pop("lapses_on", None)
    text = pdf_text(render_pdf("decision_partial", data))
    assert "全部" in text and "230円" not in text and "見込み" not in text


def test_deterministic_in_process() -> None:
    for notice_type in ("decision_partial", "ruling", "receipt"):
        data = notice_data(notice_type)
        first, second = render(notice_type, data), render(notice_type, notice_data(notice_type))
        assert first.sha256 == second.sha256
        assert first.pdf == second.pdf and first.html == second.html


def test_deterministic_across_processes() -> None:
    code = (
        "from activities.notices import render; from tests.notices.factories import notice_data; "
        "print(render('decision_partial', notice_data('decision_partial')).sha256)"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    digests.add(render("decision_partial", notice_data("decision_partial")).sha256)
    assert len(digests) == 1


def test_pdf_metadata_is_fixed(rendered) -> None:
    _, notice, _ = rendered["decision_partial"]
    reader = PdfReader(io.BytesIO(notice.pdf))
    meta = reader.metadata
    assert meta["/Producer"] == "Kaiji notices (fpdf2)"
    assert meta["/CreationDate"] == "D:20250317000000+09'00'"  # the issue date, JST
    assert meta["/Title"] == "部分公開決定通知書 小総情第17号"
    assert "/ModDate" not in meta
    assert reader.trailer["/Root"]["/Lang"] == "ja"
    assert len(reader.pages) == 2 and reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.01)


def test_template_version_bumped_with_templates() -> None:
    assert templates_digest() == TEMPLATES_SHA256, (
        "templates or PDF layout changed: bump TEMPLATE_VERSION and set TEMPLATES_SHA256 "
        f"in activities/notices/types.py to {templates_digest()!r}"
    )
