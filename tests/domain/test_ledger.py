"""Reading the old ledger as the office wrote it: 和暦, labels or codes, several decisions per 受付番号."""

from __future__ import annotations

from datetime import date

import pytest

from domain.ledger import parse, parse_date
from domain.profile import load_profile

PROFILE = load_profile("koganei")
HEADER = ["受付番号", "受付日", "請求者区分", "件名", "担当課", "実施機関", "決定日", "決定区分", "適用条項", "延長", "備考"]


@pytest.mark.parametrize(("text", "expected"), [
    ("令和5年4月3日", date(2023, 4, 3)), ("令和元年5月1日", date(2019, 5, 1)), ("平成31年4月30日", date(2019, 4, 30)),
    ("2023-04-03", date(2023, 4, 3)), ("2023/4/3", date(2023, 4, 3)), ("令和５年４月３日", date(2023, 4, 3)),
])
def test_dates_as_the_office_writes_them(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_rows_sharing_a_number_are_several_decisions_of_one_request() -> None:
    rows = [
        ["5-001", "令和5年4月3日", "", "道路台帳", "都市計画課", "", "令和5年4月14日", "部分公開", "9-2、9-4-ウ", "無", ""],
        ["5-001", "令和5年4月3日", "", "道路台帳", "toshi", "小金井市長", "2023-04-20", "不存在", "", "", "一部は未作成"],
        ["5-002", "2023-05-01", "", "議事録", "学校教育課", "", "", "取下げ", "", "", ""],
    ]
    result = parse(HEADER, rows, PROFILE)
    assert result.errors == []
    first, second = result.requests
    assert first.ledger_number == "5-001" and first.department == "toshi" and first.body == "mayor"
    assert [(d.outcome, d.non_disclosure_ground, d.clauses) for d in first.decisions] == [
        ("partial", None, ("9-2", "9-4-ウ")), ("non_disclosure", "not_held", ())]
    assert second.body == "board_of_education" and second.decisions == () and second.withdrawn_on == "2023-05-01"


def test_english_headers_and_clause_labels() -> None:
    header = ["case_id", "received_on", "subject", "department", "decided_on", "outcome", "clauses"]
    rows = [["A1", "2024-06-01", "件名", "somu", "2024-06-10", "非公開", "個人情報"]]
    result = parse(header, rows, PROFILE)
    assert result.errors == [] and result.requests[0].decisions[0].clauses == ("9-2",)


def test_every_problem_is_named_by_row_and_column_and_nothing_is_half_read() -> None:
    rows = [
        ["1", "令和5年13月1日", "", "件名", "都市計画課", "", "", "公開", "", "", ""],
        ["2", "2023-04-01", "", "件名", "存在しない課", "", "2023-04-05", "公開", "", "", ""],
        ["3", "2023-04-01", "", "件名", "somu", "", "2023-04-05", "ほぼ公開", "", "", ""],
        ["4", "2023-04-01", "", "件名", "somu", "", "2023-04-05", "部分公開", "", "", ""],
        ["5", "2023-04-01", "", "件名", "somu", "", "2023-03-01", "公開", "", "", ""],
        ["6", "2023-04-01", "", "件名", "somu", "", "2023-04-05", "非公開", "9-99", "たぶん", ""],
    ]
    result = parse(HEADER, rows, PROFILE)
    found = {(e.row, e.column) for e in result.errors}
    assert {(2, "受付日"), (3, "担当課"), (4, "決定区分"), (5, "適用条項"), (6, "決定日"), (7, "適用条項"),
            (7, "延長")} <= found
    assert (2, "決定日") in found  # a decision without its date


def test_a_missing_column_is_reported_once() -> None:
    result = parse(["受付番号", "件名"], [["1", "x"]], PROFILE)
    assert {e.column for e in result.errors} == {"受付日", "担当課", "決定区分"} and result.requests == []
