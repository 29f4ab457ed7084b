"""A cell's value in a message is shown as the official sees it in the cell, not as Python
writes it: 2025-03-01 00:00, not datetime.datetime(2025, 3, 1, 0, 0); TRUE, not True;
12345, not 12345.0; a full-width space as a space, not \\u3000. In both languages."""

import datetime as dt
import re

import pytest
from openpyxl import Workbook, load_workbook

from grievance_rules.i18n import language
from grievance_rules.reading import read_orders
from grievance_rules.reading.cells import bool_cell, instant_cell, shown_cell
from tests.reading.tables import write_xlsx

PYTHON = re.compile(r"datetime\.|\bTrue\b|\bFalse\b|\\u3000|\d\.0\b")
"""What Python writes of a cell and a spreadsheet never shows."""


def _problems(path, lang):
    with language(lang):
        report = read_orders(path, assume_tz="Asia/Shanghai")
        return {r.order_id: [str(p) for p in r.problems] for r in report.rejected}


def _values(problems):
    out = []
    for problem in problems:
        found = re.search(r"\(got (.*?)\); the Chinese|（实际为 (.*?)） \[", problem)
        if found is not None:
            out.append(found.group(1) or found.group(2))
    return out


def test_a_category_cell_holding_a_date_or_a_yes_no_is_shown_as_the_cell_shows_it(tmp_path):
    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "紧急程度"],
        ["B1", dt.datetime(2025, 3, 1, 9, 30), dt.datetime(2025, 3, 1), True, True],
        ["B2", "12345", dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 1, 9), "很\u3000急"],
    ]
    path = write_xlsx(tmp_path / "o.xlsx", rows)
    book = load_workbook(path)
    book.active["C3"].number_format = "yyyy/m/d"  # a date cell showing no time of day
    book.save(path)
    en, zh = _problems(path, "en"), _problems(path, "zh")
    # 受理渠道, 诉求类型 and 紧急程度 of B1; 诉求类型 and 紧急程度 of B2
    assert (
        _values(en["B1"]) == _values(zh["B1"]) == ["2025-03-01 09:30", "2025-03-01 00:00", "TRUE"]
    )
    assert _values(en["B2"]) == _values(zh["B2"]) == ["2025-03-01", "'很　急'"]
    assert en["B1"][2] == (
        "category: column '诉求类型': Input should be 'consultation', 'help_request', "
        "'complaint', 'report' or 'suggestion' (got 2025-03-01 00:00); the Chinese terms are "
        "accepted too [enum]"
    )
    assert zh["B1"][2] == (
        "诉求类型（category）：列 '诉求类型'：应为以下之一：咨询、求助、投诉、举报、建议"
        "（实际为 2025-03-01 00:00） [enum]"
    )
    # the yes/no cell in 受理时间
    assert en["B1"][0].startswith(
        "received_at: column '受理时间': TRUE is not a date and time; write e.g."
    )
    assert zh["B1"][0].startswith("受理时间（received_at）：列 '受理时间'：TRUE 不是日期时间；")
    assert not any(PYTHON.search(p) for problems in [*en.values(), *zh.values()] for p in problems)


def test_a_wide_sheet_s_yes_no_and_count_cells_are_shown_as_the_cell_shows_them(tmp_path):
    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单时间", "承办单位", "承办单位类型",
         "回访时间", "是否解决", "回访次数"],
        ["W1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 10),
         "东风社区", "属地", dt.datetime(2025, 3, 2, 10), dt.datetime(2025, 3, 2),
         dt.datetime(2025, 3, 3)],
        ["W2", "12345", "投诉", dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 10),
         "东风社区", "属地", dt.datetime(2025, 3, 2, 10), 2.5, True],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "w.xlsx", rows)
    en, zh = _problems(path, "en"), _problems(path, "zh")
    assert en == {
        "W1": [
            "callback: column '是否解决': 2025-03-02 00:00 is not yes or no; write 是 or 否 "
            "(or true/false) [invalid_cell]",
            "column '回访次数': 2025-03-03 00:00 is not a count [invalid_cell]",
        ],
        "W2": [
            "callback: column '是否解决': 2.5 is not yes or no; write 是 or 否 (or true/false) "
            "[invalid_cell]",
            "column '回访次数': TRUE is not a count [invalid_cell]",
        ],
    }
    assert zh == {
        "W1": [
            "回访：列 '是否解决'：2025-03-02 00:00 不是“是”或“否”；"
            "请填写 是 或 否（或 true/false） [invalid_cell]",
            "列 '回访次数'：2025-03-03 00:00 不是次数 [invalid_cell]",
        ],
        "W2": [
            "回访：列 '是否解决'：2.5 不是“是”或“否”；请填写 是 或 否（或 true/false） "
            "[invalid_cell]",
            "列 '回访次数'：TRUE 不是次数 [invalid_cell]",
        ],
    }


def test_a_json_cell_and_a_cell_under_a_merged_header_are_shown_as_the_cell_shows_them(
    tmp_path,
):
    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", None, "流转记录"],
        ["M1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 9, 30),
         dt.datetime(2025, 3, 1)],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "o.xlsx", rows)
    book = load_workbook(path)
    book.active.merge_cells("D1:E1")
    book.save(path)
    en, zh = _problems(path, "en"), _problems(path, "zh")
    assert [p.split(";")[0].split("；")[0] for p in en["M1"]] == [
        "events: column '流转记录': 2025-03-01 00:00 is not a JSON array of events as the JSON "
        "model writes them ([{...}, ...])",
        "cell E2 holds 2025-03-01 09:30 under the header '受理时间', which is merged over D1:E1: "
        "a merged header names one column, the first",
    ]
    assert [p.split("；")[0] for p in zh["M1"]] == [
        "流转记录（events）：列 '流转记录'：2025-03-01 00:00 不是按 JSON 模型写法填写的 events "
        "JSON 数组（[{...}, ...]）",
        "单元格 E2 的值 2025-03-01 09:30 位于表头 '受理时间' 之下，而该表头合并了 D1:E1：合并的表头"
        "只对应其中第一列",
    ]


def test_the_long_layout_s_cells_are_shown_as_the_cell_shows_them(tmp_path):
    book = Workbook()
    orders = book.active
    orders.title = "工单"
    for row in [["工单编号", "受理渠道", "诉求类型", "受理时间"],
                ["A1", "12345", "投诉", "2025/1/6 9:00"]]:  # fmt: skip
        orders.append(row)
    events = book.create_sheet("流转记录")
    for row in [["工单编号", "环节", "时间", "单位", "目标单位"],
                ["A1", dt.datetime(2025, 1, 6), "2025/1/6 9:30", "dzb", "c07"]]:  # fmt: skip
        events.append(row)
    units = book.create_sheet("单位")
    for row in [["单位编号", "名称", "类型", "领导"],
                ["dzb", "党政办公室", "派件单位", dt.datetime(2025, 1, 6, 8)],
                ["c07", "东风社区", "属地", None]]:  # fmt: skip
        units.append(row)
    path = tmp_path / "long.xlsx"
    book.save(path)
    for lang, expected in [
        ("en", [
            "events[0].type: 流转记录 row 2: 环节 2025-01-06 00:00 is not an event type",
            "units.leaders: 单位 row 2, column '领导': 领导 2025-01-06 08:00: expected text "
            "[invalid_cell]",
        ]),
        ("zh", [
            "events[0].type：流转记录第 2 行：环节 2025-01-06 00:00 不是流转环节类型",
            "units.leaders：单位 第 2 行，列 '领导'：领导 2025-01-06 08:00：应为文字 "
            "[invalid_cell]",
        ]),
    ]:  # fmt: skip
        (problems,) = _problems(path, lang).values()
        assert [p.split("; one of")[0].split("；应为以下之一")[0] for p in problems] == expected


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("投诉", "'投诉'"),
        ("投\u3000诉", "'投\u3000诉'"),  # a full-width space, as the cell shows it
        ("a\nb", "'a\\nb'"),  # a line break typed in the cell (Alt+Enter), on one line
        ("it's", '"it\'s"'),
        (12345.0, "12345"),
        (12345, "12345"),
        (0.5, "0.5"),
        (45658.25, "45658.25"),
        (True, "TRUE"),
        (False, "FALSE"),
        (dt.datetime(2025, 3, 1), "2025-03-01 00:00"),
        (dt.datetime(2025, 3, 1, 9, 30), "2025-03-01 09:30"),
        (dt.datetime(2025, 3, 1, 9, 30, 5), "2025-03-01 09:30:05"),
        (dt.date(2025, 3, 1), "2025-03-01"),
        (dt.time(9, 30), "09:30"),
    ],
)
def test_shown_cell(value, shown):
    assert shown_cell(value) == shown


def test_the_cells_own_messages_show_the_value_as_the_cell_does():
    with pytest.raises(ValueError, match=r"^TRUE is not a date and time; "):
        instant_cell(True, None)
    with pytest.raises(ValueError, match=r"^2025-03-01 00:00 is not yes or no; "):
        bool_cell(dt.datetime(2025, 3, 1))
    with pytest.raises(ValueError, match=r"^2 is not yes or no; "):
        bool_cell(2.0)
    with pytest.raises(ValueError, match=r"^200000 is not an Excel date "):
        instant_cell(200000.0, None)
    with pytest.raises(ValueError, match=r"^a time of day \(09:30\) is not an instant"):
        instant_cell(dt.time(9, 30), None)


def test_a_count_cell_that_is_not_a_whole_number_is_refused_not_cut(tmp_path):
    # 回访次数 2.5 was read as 2 and -1 as -1, without a word: a count is a whole number
    # from 0 up, so both are refused with the cell as it shows it; 3.0 is the count 3
    # (one callback column: W3's 3 is refused as more than the sheet holds, as before)
    head = ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单时间", "承办单位", "承办单位类型",
            "回访时间", "是否解决", "回访次数"]  # fmt: skip
    rows = [head] + [
        [oid, "12345", "投诉", dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 10),
         "东风社区", "属地", dt.datetime(2025, 3, 2, 10), "是", count]
        for oid, count in (("W1", 2.5), ("W2", -1), ("W3", 3.0), ("W4", 1.0))
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "w.xlsx", rows)
    en, zh = _problems(path, "en"), _problems(path, "zh")
    assert en["W1"] == ["column '回访次数': 2.5 is not a count [invalid_cell]"]
    assert en["W2"] == ["column '回访次数': -1 is not a count [invalid_cell]"]
    assert zh["W1"] == ["列 '回访次数'：2.5 不是次数 [invalid_cell]"]
    assert [p.split(" but ")[0] for p in en["W3"]] == ["events: 回访次数 is 3"]
    assert not any("回访次数" in p for p in en.get("W4", []))  # 1.0 is the count 1


def test_a_yes_no_cell_under_the_latitude_column_is_no_latitude(tmp_path):
    # TRUE in 纬度 was read as the latitude 1.0 (pydantic's lax float); a coordinate is a
    # number, so a yes/no cell is refused as the cell shows it; 30.5 and '30.5' are read
    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "纬度", "经度"],
        ["L1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), True, 120.25],
        ["L2", "12345", "投诉", dt.datetime(2025, 3, 1, 9), 30.5, "120.25"],
    ]
    path = write_xlsx(tmp_path / "l.xlsx", rows)
    en, zh = _problems(path, "en"), _problems(path, "zh")
    assert en == {"L1": ["location.latitude: column '纬度': TRUE is not a number [invalid_cell]"]}
    assert zh["L1"][0].endswith("列 '纬度'：TRUE 不是数字 [invalid_cell]")
