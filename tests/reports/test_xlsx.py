"""Excel workbooks read back with openpyxl: headers, values worked out by hand, types, panes.

The fixture is three orders of May 2024 at two villages (``村1`` c01, ``村2`` c02),
each replied to the day after it came in and called back the day after that:

* X-1 at c01, received Monday 2024-05-06 09:00; the callback (2024-05-08 10:00)
  rates the result 不满意 and the process 满意;
* X-2 at c01, received 2024-05-07, everything 满意;
* X-3 at c02, received 2024-05-08, everything 满意.

By chengdong's annex 2, 二、4 「结果不满意件：每件扣0.5分」: c01 loses 0.5 in May, c02
nothing; its base score is 0 (a month's score is the sum of its points). 满意率 by
the last rating (overall, else result): c01 1 of 2 (X-1's result is 不满意), c02 1
of 1. The five villages c01–c05 of the orders' units rank together: c02–c05 share
place 1 with 0, c01 is 5th of 5.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from grievance_rules.cli import cli
from grievance_rules.engine import evaluate
from grievance_rules.model import WorkOrder
from grievance_rules.packs import find_pack
from grievance_rules.reports.xlsx import (
    MAX_WIDTH,
    FindingsWorkbook,
    Sheet,
    comparison_xlsx,
    display_width,
    scorecard_xlsx,
    write_workbook,
)
from grievance_rules.scoring import compare, score, what_if
from tests.reports.conftest import HOSTILE_UNIT
from tests.scoring.orders import order

MAY = dt.date(2024, 5, 6)


def _orders():
    return [
        order("X-1", "c01", MAY, result="dissatisfied"),
        order("X-2", "c01", MAY + dt.timedelta(days=1)),
        order("X-3", "c02", MAY + dt.timedelta(days=2)),
    ]


@pytest.fixture(scope="module")
def card():
    return score(_orders(), "chengdong", period="month")


def _book(write, *args, **kwargs):
    out = io.BytesIO()
    write(*args, out, **kwargs)
    out.seek(0)
    return load_workbook(out)


def _rows(sheet):
    """The sheet as dictionaries keyed by its header row."""
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(2, values_only=True)]


def test_scorecard_workbook_in_chinese_holds_the_hand_worked_scores(card):
    book = _book(scorecard_xlsx, card, lang="zh")
    assert book.sheetnames == [
        "计分表",
        "得分矩阵",
        "周期考核结果",
        "各项比率的计算口径",
        "数量",
        "拒收的记录",
    ]
    sheet = book["计分表"]
    header = [cell.value for cell in sheet[1]]
    assert header[:12] == [
        "考核办法",
        "考核周期",
        "起始日",
        "截止日（不含）",
        "单位",
        "单位类型",
        "单位编号",
        "工单数",
        "不纳入测评",
        "扣加分",
        "得分",
        "名次",
    ]
    assert "满意率" in header
    assert "满意率：分子" in header
    assert "满意率：分母" in header
    rows = {row["单位编号"]: row for row in _rows(sheet)}
    village = rows["c01"]
    assert village["单位"] == "村1"
    assert village["单位类型"] == "村（社区）"
    assert village["考核周期"] == "2024-05"
    assert village["起始日"] == dt.datetime(2024, 5, 1)  # an Excel date (read back as datetime)
    assert village["截止日（不含）"] == dt.datetime(2024, 6, 1)
    assert village["工单数"] == 2
    assert village["扣加分"] == -0.5
    assert village["得分"] == -0.5
    assert (village["名次"], village["同类单位数"]) == (5, 5)
    assert village["满意率"] == 0.5
    assert (village["满意率：分子"], village["满意率：分母"]) == (1, 2)
    # X-1's 结果不满意 (附件2 二、4, −0.5) among the counts, in words, not as keys
    assert "扣加分 CD-A2.4.result-unsatisfied 1" in village["情形计数"].split("；")
    assert "clock:" not in village["情形计数"]
    assert "deduction:" not in village["情形计数"]
    assert rows["c02"]["得分"] == 0
    assert rows["c02"]["满意率"] == 1
    assert (rows["c02"]["名次"], rows["c02"]["同类单位数"]) == (1, 5)
    assert rows["cgb"]["单位"] == "城管办公室"
    assert rows["cgb"]["单位类型"] == "街道办公室（中心）"
    assert rows["c03"]["满意率"] is None  # no order: no rate, not 0 %


def test_numbers_are_numbers_dates_are_dates_and_the_header_is_frozen(card):
    book = _book(scorecard_xlsx, card, lang="zh")
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert all(cell.font.bold for cell in sheet[1])
    sheet = book["计分表"]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(2) if r[header.index("单位编号")].value == "c01")
    points = row[header.index("扣加分")]
    assert points.data_type == "n"
    assert isinstance(points.value, float)
    assert row[header.index("工单数")].data_type == "n"
    rate = row[header.index("满意率")]
    assert (rate.data_type, rate.number_format) == ("n", "0.0%")
    start = row[header.index("起始日")]
    assert start.is_date
    assert start.number_format == "yyyy-mm-dd"
    matrix = book["得分矩阵"]
    assert [cell.value for cell in matrix[1]] == ["单位", "单位类型", "2024-05"]
    assert [c.value for c in matrix[2]] == ["村1", "村（社区）", -0.5]


def test_column_widths_fit_the_widest_cell_counting_cjk_twice(card):
    assert display_width("村（社区）") == 10
    assert display_width("c07") == 3
    book = _book(scorecard_xlsx, card, lang="zh")
    sheet = book["计分表"]
    header = [cell.value for cell in sheet[1]]
    width = {cell.value: sheet.column_dimensions[cell.column_letter].width for cell in sheet[1]}
    assert width["单位类型"] == 20  # 街道办公室（中心）: 9 wide characters, + 2
    assert width["单位"] == 12  # 城管办公室: 5 wide characters (10), + 2
    assert width["单位编号"] == 10  # the header: 4 wide characters (8), + 2
    assert header.index("单位") < header.index("单位编号")  # the name first
    quotes = book["各项比率的计算口径"]
    assert all(dim.width <= MAX_WIDTH for dim in quotes.column_dimensions.values())
    assert max(dim.width for dim in quotes.column_dimensions.values()) == MAX_WIDTH


def test_english_workbook_has_english_headers_and_chinese_names(card):
    book = _book(scorecard_xlsx, card, lang="en")
    assert book.sheetnames[0] == "Scorecard"
    rows = {row["unit id"]: row for row in _rows(book["Scorecard"])}
    assert rows["c01"]["unit"] == "村1"
    assert rows["c01"]["kind of unit"] == "village (community)"
    assert rows["c01"]["satisfaction rate: numerator"] == 1


def test_what_if_workbook_has_the_change_of_each_unit():
    # 二、4 at -2 instead of -0.5: c01's May goes from -0.5 to -2, a change of -1.5
    result = what_if(_orders(), "chengdong", {"points_result_unsatisfied": -2})
    book = _book(comparison_xlsx, result, lang="zh")
    assert "假设调整：各单位得分变化" in book.sheetnames
    rows = {row["单位编号"]: row for row in _rows(book["假设调整：各单位得分变化"])}
    base, changed = result.packs
    assert (rows["c01"][base], rows["c01"][changed], rows["c01"]["变化"]) == (-0.5, -2, -1.5)
    assert rows["c02"]["变化"] == 0
    assert rows["c01"]["单位"] == "村1"


def test_comparison_workbook_has_a_sheet_per_table_and_no_change_sheet_for_three_packs():
    result = compare(_orders(), ["chengdong", "xiayang", "daye"])
    book = _book(comparison_xlsx, result, lang="en")
    assert book.sheetnames == [
        "Counts",
        "Outcomes by pack",
        "Where the packs diverge",
        "Diverging orders",
        "Unit scores under each pack",
        "Each pack's scorecard",
        "Period findings",
        "Inputs rejected",
    ]
    counts = _rows(book["Counts"])
    assert [(r["pack"], r["inputs"], r["assessed"]) for r in counts] == [
        (pack, 3, 3) for pack in result.packs
    ]
    outcomes = {row["pack"]: row for row in _rows(book["Outcomes by pack"])}
    assert outcomes[result.packs[0]]["points"] == -0.5


def test_text_that_looks_like_a_formula_stays_text():
    text = order("H-1", "c01", MAY).model_dump_json()
    for plain in ('"c01"', '"村1"'):
        text = text.replace(plain, json.dumps(HOSTILE_UNIT))
    from grievance_rules.model import WorkOrder

    card = score([WorkOrder.model_validate_json(text)], "chengdong")
    book = _book(scorecard_xlsx, card, lang="en")
    sheet = book["Scorecard"]
    header = [cell.value for cell in sheet[1]]
    cells = [row[header.index("unit")] for row in sheet.iter_rows(2)]
    hostile = next(cell for cell in cells if cell.value == HOSTILE_UNIT)
    assert hostile.data_type == "s"  # not "f": Excel shows it, runs nothing


def test_findings_workbook_gives_instants_in_the_zone_its_header_names():
    orders = _orders()
    book = FindingsWorkbook(lang="zh")
    for each in orders:
        book.add(each, evaluate(each, "chengdong"))
    out = io.BytesIO()
    book.save(out)
    workbook = load_workbook(out)
    assert workbook.sheetnames == ["工单考核结果", "工单", "拒收的记录"]
    sheet = workbook["工单考核结果"]
    header = [cell.value for cell in sheet[1]]
    assert "办理时间（Asia/Shanghai，UTC+08:00）" in header
    assert "到期时间（Asia/Shanghai，UTC+08:00）" in header
    rows = _rows(sheet)
    deductions = [row for row in rows if row["结果类别"] == "扣加分"]
    # X-1's callback (2024-05-08 10:00 Beijing time) rated the result 不满意: 二、4, -0.5
    assert [(r["工单"], r["规则"], r["扣加分"], r["单位"]) for r in deductions] == [
        ("X-1", "CD-A2.4.result-unsatisfied", -0.5, "村1")
    ]
    assert deductions[0]["办理时间（Asia/Shanghai，UTC+08:00）"] == dt.datetime(2024, 5, 8, 10, 0)
    assert deductions[0]["原文"] == "结果不满意件：每件扣0.5分"
    assert deductions[0]["结果"] == "流转环节 4（回访）"  # the engine's event 4 (callback)
    done = header.index("办理时间（Asia/Shanghai，UTC+08:00）")
    cell = next(r[done] for r in sheet.iter_rows(2) if r[done].value is not None)
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd hh:mm:ss"
    summary = {row["工单"]: row for row in _rows(workbook["工单"])}
    assert summary["X-1"]["扣加分"] == -0.5
    assert summary["X-2"]["扣加分"] == 0


def _why(lang: str) -> dict[str, str]:
    """X-1's findings under chengdong: the rule → the findings sheet's why column."""
    each = _orders()[0]
    book = FindingsWorkbook(lang=lang)
    book.add(each, evaluate(each, "chengdong"))
    out = io.BytesIO()
    book.save(out)
    sheet = load_workbook(out).worksheets[0]
    rule, why = sheet[1][3].value, sheet[1][-1].value
    return {row[rule]: row[why] for row in _rows(sheet)}


def test_findings_workbook_says_how_each_finding_was_computed_in_chinese():
    # dispatched to c01 09:30, replied 05-07 10:00 within the order's written
    # deadline (05-11 17:00); its callback (event 4, 05-08 10:00) rated the result 不满意.
    # The unit is named as the unit column names it: c01 村1; the deduction is charged to
    # the unit the callback rates (附件2 二、4, charge: about_unit), c01 holding the order
    assert _why("zh") == {
        "CD-5.written-deadline": "2024-05-06T09:30:00+08:00 起算（流转环节 0（派单））；"
        "c01 村1 承办期间：单独计时，以该单位自己的办理环节停止；"
        "按工单载明的办理期限到期：2024-05-11T17:00:00+08:00；"
        "2024-05-07T10:00:00+08:00 停止计时（流转环节 3（回复））：按时",
        "CD-A2.4.result-unsatisfied": "计入：流转环节 4（回访），时间 2024-05-08T10:00:00+08:00；"
        "责任单位（回访所评价的单位）：c01 村1",
    }
    assert _why("en") == {
        "CD-5.written-deadline": "started 2024-05-06T09:30:00+08:00 by event 0 (dispatched); "
        "the assignment of c01 村1: its own clock, stopped by its own events; "
        "due at the deadline written on the order: reply_deadline = 2024-05-11T17:00:00+08:00; "
        "stopped 2024-05-07T10:00:00+08:00 by event 3 (replied): met",
        "CD-A2.4.result-unsatisfied": "counted event 4 (callback) at 2024-05-08T10:00:00+08:00; "
        "charged to about unit: c01 村1",
    }


def _orders_file(tmp_path: Path) -> Path:
    path = tmp_path / "orders.jsonl"
    lines = [each.model_dump_json() for each in _orders()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_cli_writes_xlsx_for_score_compare_what_if_and_evaluate(tmp_path):
    orders = _orders_file(tmp_path)
    runner = CliRunner()
    runs = {
        "score.xlsx": ["score", "--pack", "chengdong", str(orders), "-o"],
        "explicit.xlsx": [
            "score",
            "--pack",
            "chengdong",
            "--output-format",
            "xlsx",
            str(orders),
            "--output",
        ],
        "compare.xlsx": ["compare", "--packs", "chengdong,daye", str(orders), "--xlsx"],
        "what-if.xlsx": [
            "what-if",
            "--pack",
            "chengdong",
            "--set",
            "points_result_unsatisfied=-2",
            str(orders),
            "--xlsx",
        ],
        "evaluate.xlsx": ["evaluate", "--pack", "chengdong", str(orders), "-o"],
    }
    for name, arguments in runs.items():
        target = tmp_path / name
        result = runner.invoke(cli, ["--lang", "zh", *arguments, str(target)])
        assert result.exit_code == 0, (name, result.output)
        book = load_workbook(target)
        assert book.worksheets[0].freeze_panes == "A2", name
    score_rows = {r["单位编号"]: r for r in _rows(load_workbook(tmp_path / "score.xlsx")["计分表"])}
    assert score_rows["c01"]["得分"] == -0.5
    changes = load_workbook(tmp_path / "what-if.xlsx")["假设调整：各单位得分变化"]
    assert {r["单位编号"]: r["变化"] for r in _rows(changes)}["c01"] == -1.5
    found = _rows(load_workbook(tmp_path / "evaluate.xlsx")["工单考核结果"])
    assert [r["扣加分"] for r in found if r["结果类别"] == "扣加分"] == [-0.5]


def test_cli_refuses_xlsx_without_a_file_before_reading(tmp_path):
    runner = CliRunner()
    missing = tmp_path / "absent.jsonl"
    missing.write_text("not json\n", encoding="utf-8")
    for arguments in (
        ["score", "--pack", "chengdong", "--output-format", "xlsx", str(missing)],
        ["evaluate", "--pack", "chengdong", "--output-format", "xlsx", str(missing)],
    ):
        result = runner.invoke(cli, arguments)
        assert result.exit_code == 2, result.output
        assert "--output-format xlsx needs --output FILE (-o FILE)" in result.output


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f"),
    max_size=40,
).filter(lambda text: text == text.strip() and text != "")
_CELL = st.one_of(
    st.none(),
    st.integers(-(10**9), 10**9),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 6)),
    _TEXT,
    _TEXT.map(lambda text: "=" + text),
)


@settings(max_examples=40, deadline=None)
@given(
    names=st.lists(_TEXT, min_size=1, max_size=4),
    rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), max_size=6),
)
def test_any_sheet_reads_back_cell_for_cell(names, rows):
    sheets = [Sheet(name, ["a", "东风", "c"], rows) for name in names]
    out = io.BytesIO()
    write_workbook(sheets, out)
    book = load_workbook(out)
    assert len(book.sheetnames) == len(names)
    assert all(len(title) <= 31 for title in book.sheetnames)
    assert len({title.lower() for title in book.sheetnames}) == len(names)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        back = [list(row) for row in sheet.iter_rows(2, values_only=True)]
        expected = [[None if cell == "" else cell for cell in row] for row in rows]
        while expected and expected[-1] == [None, None, None]:
            expected.pop()  # an empty last row leaves nothing in the file to read back
        assert back == expected
        for position, letter in enumerate("ABC"):
            widest = max(
                [display_width(["a", "东风", "c"][position])]
                + [display_width(row[position]) for row in rows]
            )
            assert sheet.column_dimensions[letter].width == min(widest + 2, MAX_WIDTH)


def test_the_same_sheets_give_the_same_bytes_whenever_written(tmp_path, monkeypatch):
    import types
    import zipfile

    import openpyxl.packaging.core as core_module
    import openpyxl.writer.excel as writer_module

    sheet = Sheet("表", ["单位", "分数"], [["东风社区", -0.5]])
    first = tmp_path / "first.xlsx"
    write_workbook([sheet], first)

    class Later(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2031, 7, 1, 12, 0, tzinfo=tz)

    # openpyxl stamps the workbook with "now" (created, modified, zip entries): a later
    # "now" must give the same file
    later = types.SimpleNamespace(datetime=Later, timezone=dt.timezone)
    monkeypatch.setattr(core_module, "datetime", later)
    monkeypatch.setattr(writer_module, "datetime", later)
    second = tmp_path / "second.xlsx"
    write_workbook([sheet], second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as book:
        assert {info.date_time for info in book.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = book.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z" in core
    assert "2031" not in core
    assert load_workbook(first)["表"]["B2"].value == -0.5


def test_an_escalations_result_names_who_acts_in_the_languages_brackets():
    # a 续报 committed to Fri 2024-05-10 17:30, still running at red on Thu 05-09 16:00:
    # CD-8's 提级, filled in by the community's 挂包领导
    order = WorkOrder.model_validate(
        {
            "id": "CD-R1",
            "channel": "hotline_12345",
            "category": "投诉",
            "received_at": "2024-05-06T08:50:00+08:00",
            "units": [
                {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
                {"id": "c07", "name": "东风社区", "kind": "village_community"},
            ],
            "events": [
                {"type": "dispatched", "at": "2024-05-06T08:55:00+08:00", "unit": "dzb",
                 "to_unit": "c07"},
                {"type": "continuation", "at": "2024-05-06T09:00:00+08:00", "unit": "c07",
                 "committed_deadline": "2024-05-10T17:30:00+08:00"},
            ],
        }
    )  # fmt: skip
    as_of = dt.datetime.fromisoformat("2024-05-09T16:00+08:00")
    results = {}
    for lang in ("zh", "en"):
        book = FindingsWorkbook(lang=lang)
        book.add(order, evaluate(order, "chengdong", as_of))
        out = io.BytesIO()
        book.save(out)
        sheet = load_workbook(out).worksheets[0]
        rule, result = sheet[1][3].value, sheet[1][8].value
        results[lang] = {row[rule]: row[result] for row in _rows(sheet)}["CD-8.escalate"]
    assert results["zh"] == "填写提级办理申请表（附件1），报主要领导召集专题会议（挂包领导）"
    assert (
        results["en"]
        == "填写提级办理申请表（附件1），报主要领导召集专题会议 (liaison leader 挂包领导)"
    )


# chengdong's scenario 续报 at risk of a second 续报 (continuations.yaml): as of Thu
# 05-09 17:30, 80 % of the 续报's committed office time is gone (red) → CD-8.escalate
AS_OF = "2024-05-09T17:30:00+08:00"
AT_RISK = {
    "id": "CD-K4a",
    "channel": "hotline_12345",
    "category": "投诉",
    "received_at": "2024-05-06T08:50:00+08:00",
    "units": [
        {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
        {"id": "c07", "name": "东风社区", "kind": "village_community"},
    ],
    "events": [
        {"type": "dispatched", "at": "2024-05-06T08:55:00+08:00", "unit": "dzb", "to_unit": "c07"},
        {
            "type": "continuation",
            "at": "2024-05-06T09:00:00+08:00",
            "unit": "c07",
            "committed_deadline": "2024-05-10T17:30:00+08:00",
        },
    ],
}


def _escalation_why(**book: object) -> str:
    each = WorkOrder.model_validate(AT_RISK)
    workbook = FindingsWorkbook(lang="zh", **book)
    workbook.add(each, evaluate(each, "chengdong", dt.datetime.fromisoformat(AS_OF)))
    out = io.BytesIO()
    workbook.save(out)
    (row,) = [r for r in _rows(load_workbook(out).worksheets[0]) if r["规则"] == "CD-8.escalate"]
    return str(row["依据"])


def test_findings_workbook_shows_a_parameter_s_value_with_the_pack_s_chinese_label():
    why = _escalation_why(packs=[find_pack("chengdong")])
    assert why.startswith(
        "参数 second_continuation_risk：reached（续报亮红灯之时即应申请，办结后仍计）（是）；"
    )
    # a pack the assessment was not made under, or none: the code alone
    assert _escalation_why(packs=[find_pack("daye")]).startswith(
        "参数 second_continuation_risk：reached（是）；"
    )
    assert _escalation_why().startswith("参数 second_continuation_risk：reached（是）；")


def test_a_composite_is_one_value_in_every_format_a_percentage_where_people_read_it(tmp_path):
    # the composite was rounded to 4 decimals for CSV, xlsx and Markdown (JSON and Parquet
    # kept it whole: 254 cells differed), held under the General format in Excel and printed
    # as 0.8889 beside 83.3% (5/6); and 13/16 was 81.2% in Markdown, 81.3% in Excel
    import csv
    import io

    from openpyxl import load_workbook

    from grievance_rules.reports import scorecard_markdown, write_scorecard_csv
    from grievance_rules.reports.formatting import percent
    from grievance_rules.reports.xlsx import scorecard_xlsx
    from grievance_rules.samples import generate_orders
    from grievance_rules.scoring import score

    card = score(list(generate_orders(300, seed=11)), "daye")
    row = next(
        r for r in card.rows if r.composite is not None and round(r.composite, 4) != r.composite
    )
    buffer = io.StringIO()
    write_scorecard_csv(card, buffer)
    table = list(csv.DictReader(io.StringIO(buffer.getvalue().lstrip("\ufeff"))))
    written = next(
        r
        for r in table
        if r["unit"] == row.unit and r["period_start"] == row.period_start.isoformat()
    )
    assert float(written["composite"]) == round(row.composite, 6)
    assert f"| {percent(row.composite)} |" in scorecard_markdown(card, lang="en")
    scorecard_xlsx(card, tmp_path / "c.xlsx")
    sheet = load_workbook(tmp_path / "c.xlsx").worksheets[0]
    header = [str(c.value) for c in sheet[1]]
    column = header.index("composite (pack weights)")
    cells = [r[column] for r in sheet.iter_rows(min_row=2) if r[column].value is not None]
    assert cells
    assert {c.number_format for c in cells} == {"0.0%"}
    assert any(c.value == row.composite for c in cells)
