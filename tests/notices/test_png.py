"""Rasterise page 1 with poppler's pdftoppm (skipped where it is not installed)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from activities.notices import render_pdf

from .factories import notice_data

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed"
)


@pytest.mark.parametrize("notice_type", ["decision_partial", "ruling", "receipt"])
def test_first_page_is_not_blank(notice_type: str, tmp_path: Path) -> None:
    pdf = tmp_path / "notice.pdf"
    pdf.write_bytes(render_pdf(notice_type, notice_data(notice_type)))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    with Image.open(tmp_path / "p.png") as im:
        gray = im.convert("L")
        assert gray.size[0] < gray.size[1]  # portrait A4
        dark = sum(gray.histogram()[:128])
        assert dark > 0.005 * gray.size[0] * gray.size[1], "page 1 is (almost) blank"
