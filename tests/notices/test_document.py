from __future__ import annotations

import pytest

from activities.notices.document import Cell, Para, Table, parse


def test_blocks_in_reading_order() -> None:
    html = """<!DOCTYPE html><html><head><title>t</title><style>p { x }</style></head><body>
    <article><header class="head"><p class="right">小総情第1号</p></header>
    <h1>通知書</h1>
    <main><p>　本文
       続き<br>次の行</p>
    <table data-widths="1,2"><colgroup><col></colgroup>
      <tr><th>件名</th><td>A &amp; B</td></tr><tr><td colspan="2">全体</td></tr>
    </table></main>
    <section class="kyoji"><p data-label="1">教示</p></section></article></body></html>"""
    blocks = parse(html)
    assert blocks == [
        Para("p", "小総情第1号", ("right",), None, "head"),
        Para("h1", "通知書"),
        Para("p", "　本文 続き\n次の行"),
        Table((1.0, 2.0), ((Cell("件名", True), Cell("A & B")), (Cell("全体", False, 2),))),
        Para("p", "教示", (), "1", "kyoji"),
    ]


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<p>x<em>y</em></p>", "<em> is not in the layout vocabulary"),
        ("<div>stray</div>", "text outside a block"),
        ("<table><tr><td>x</td></tr></table>", "needs data-widths"),
        ("<td>x</td>", "outside a row"),
    ],
)
def test_unknown_markup_is_refused(html: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse(html)
