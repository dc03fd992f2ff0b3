"""Bar charts drawn on the server as SVG (no JavaScript, no charting library): the page styles their colours
from the デジタル庁 tokens (console.css ``.chart .sN``). Each chart is ``role="img"`` with a title; the page
shows the same numbers as a table for screen readers and for print."""

from __future__ import annotations

from itertools import count

from markupsafe import Markup, escape

WIDTH, LABEL_W, ROW_H, BAR_H, PAD = 720, 220, 34, 22, 8
_ids = count(1)


def _scale(total: int, width: int = WIDTH) -> float:
    return (width - LABEL_W - 60) / max(1, total)


def _frame(title: str, height: int, body: list[str], width: int = WIDTH) -> Markup:
    tid = f"chart-title-{next(_ids)}"
    return Markup(
        f'<svg class="chart" role="img" aria-labelledby="{tid}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{tid}">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def bars(items: list[tuple[str, int, str]], *, title: str, width: int = 480) -> Markup:
    """One horizontal bar per (label, value, css class); narrower by default (half a page)."""
    scale = _scale(max((v for _, v, _ in items), default=0), width)
    body = []
    for i, (label, value, cls) in enumerate(items):
        y = PAD + i * ROW_H
        w = round(value * scale, 1)
        body.append(f'<text class="label" x="{LABEL_W - 8}" y="{y + BAR_H - 6}" text-anchor="end">{escape(label)}</text>')
        body.append(f'<rect class="{escape(cls)}" x="{LABEL_W}" y="{y}" width="{w}" height="{BAR_H}" rx="3"/>')
        body.append(f'<text class="value" x="{LABEL_W + w + 6}" y="{y + BAR_H - 6}">{value}</text>')
    if not items:
        body.append(f'<text class="label" x="{PAD}" y="{PAD + BAR_H - 6}">該当なし</text>')
    return _frame(title, PAD * 2 + max(1, len(items)) * ROW_H, body, width)


def stacked_bars(rows: list[tuple[str, list[int]]], series: list[str], *, title: str) -> Markup:
    """One bar per row, stacked by series (the legend above the bars)."""
    scale = _scale(max((sum(v) for _, v in rows), default=0))
    body, x, ly = [], PAD, PAD
    for j, name in enumerate(series):  # legend, wrapped onto more lines when it is wide
        w = 34 + 15 * len(name)
        if x + w > WIDTH and x > PAD:
            x, ly = PAD, ly + 24
        body.append(f'<rect class="s{j % 6}" x="{x}" y="{ly}" width="14" height="14" rx="2"/>')
        body.append(f'<text class="legend" x="{x + 20}" y="{ly + 12}">{escape(name)}</text>')
        x += w
    top = ly + 30
    for i, (label, values) in enumerate(rows):
        y = top + i * ROW_H
        body.append(f'<text class="label" x="{LABEL_W - 8}" y="{y + BAR_H - 6}" text-anchor="end">{escape(label)}</text>')
        left = float(LABEL_W)
        for j, value in enumerate(values):
            if value:
                w = round(value * scale, 1)
                body.append(f'<rect class="s{j % 6}" x="{left}" y="{y}" width="{w}" height="{BAR_H}"/>')
                left += w
        body.append(f'<text class="value" x="{left + 6}" y="{y + BAR_H - 6}">{sum(values)}</text>')
    if not rows:
        body.append(f'<text class="label" x="{PAD}" y="{top + BAR_H - 6}">該当なし</text>')
    return _frame(title, top + PAD + max(1, len(rows)) * ROW_H, body)
