"""The wide layout's mapping: which columns are milestones, and the events a row gives."""

import io

from openpyxl import load_workbook

from grievance_rules.i18n import language
from grievance_rules.reading import read_orders
from grievance_rules.reading.wide import WideMapping
from tests.reading.tables import write_xlsx


def test_a_line_break_typed_in_a_milestone_header_is_read_past():
    layout = WideMapping.load().resolve(["工单编号", "派单\n时间", "承办单位", "回复\r\n时间"])
    assert [m.type for m in layout.milestones] == ["dispatched", "replied"]
    assert layout.at == {0: 1, 1: 3}


def test_a_note_in_parentheses_on_a_milestone_header_is_read_past():
    layout = WideMapping.load().resolve(
        ["工单编号", "派单时间(北京时间)", "承办单位", "回访时间（北京时间）", "满意度（回访）"]
    )
    assert [m.type for m in layout.milestones] == ["dispatched", "callback"]
    assert layout.at == {0: 1, 1: 3}
    assert layout.fields == {(1, "satisfaction"): 4}
    # the header itself wins over a noted one; two noted ones are not guessed between
    layout = WideMapping.load().resolve(
        ["派单时间(北京时间)", "派单时间", "回复时间(初次)", "回复时间(二次)", "回访时间(首次)"]
    )
    assert [m.type for m in layout.milestones] == ["dispatched", "callback"]
    assert layout.at == {0: 1, 1: 4}


def test_noted_milestone_headers_give_the_events_of_the_sheet(tmp_path):
    sheet = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间（北京时间）", "承办单位",
         "派单时间(北京时间)", "签收时间", "回复时间", "回访时间（北京时间）", "满意度"],
        ["CD2603001", "12345热线", "投诉", "2026/3/2 9:10", "东风社区",
         "2026/3/2 9:30", "2026/3/2 10:00", "2026/3/4 15:00", "2026/3/5 10:00", "满意"],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "w.xlsx", sheet)
    book = load_workbook(path)
    units = book.create_sheet("单位")
    for row in [["单位编号", "名称", "类型"], ["c07", "东风社区", "属地"]]:
        units.append(row)
    book.save(path)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.rejected == (), [str(r) for r in report.rejected]
    assert report.ignored_columns == ()
    (order,) = report.orders
    assert order.dispatched_at.isoformat() == "2026-03-02T09:30:00+08:00"
    assert [(e.type, e.at.isoformat()) for e in order.events] == [
        ("dispatched", "2026-03-02T09:30:00+08:00"),
        ("signed_for", "2026-03-02T10:00:00+08:00"),
        ("replied", "2026-03-04T15:00:00+08:00"),
        ("callback", "2026-03-05T10:00:00+08:00"),
    ]
    assert order.events[3].satisfaction == "satisfied"


def test_a_milestone_cell_that_is_no_instant_is_named_by_its_event_in_the_readers_language():
    text = (
        "工单编号,受理渠道,诉求类型,受理时间,派单时间,回复时间,办结时间\n"
        "A1,12345,投诉,2026/3/2 9:10,2026/3/2 9:30,下周,明天\n"
    )
    shown = {}
    for lang in ("en", "zh"):
        with language(lang):
            report = read_orders(io.StringIO(text), format="csv", assume_tz="Asia/Shanghai")
            (rejected,) = report.rejected
            shown[lang] = [
                str(problem).split("; ")[0]
                for problem in rejected.problems
                if problem.code == "invalid_cell"
            ]
    assert shown["en"] == [
        "replied: column '回复时间': '下周' is not a date and time",
        "closed: column '办结时间': '明天' is not a date and time",
    ]
    assert shown["zh"] == [
        "回复：列 '回复时间'：'下周' 不是日期时间；请写作例如 2025-01-01 08:00、2025/1/1 8:00、"
        "2025年1月1日 8:00，或使用日期单元格 [invalid_cell]",
        "办结：列 '办结时间'：'明天' 不是日期时间；请写作例如 2025-01-01 08:00、2025/1/1 8:00、"
        "2025年1月1日 8:00，或使用日期单元格 [invalid_cell]",
    ]


def test_a_note_naming_a_later_occurrence_is_not_read_past():
    # 回访时间(二次) is the second callback: read past its note it would be taken for the
    # first (回访时间), its round and the satisfaction beside it misread; so it is left
    # unread (and listed), while a note naming the first (首次) is read past
    mapping = WideMapping.load()
    second = mapping.resolve(["工单编号", "派单时间", "承办单位", "回访时间(二次)", "满意度"])
    assert [m.type for m in second.milestones] == ["dispatched"]
    first = mapping.resolve(["工单编号", "派单时间", "承办单位", "回访时间（首次）", "满意度"])
    assert [m.type for m in first.milestones] == ["dispatched", "callback"]
    assert first.at == {0: 1, 1: 3}
    number = mapping.resolve(["工单编号", "派单时间", "承办单位", "回访时间(2)"])
    assert [m.type for m in number.milestones] == ["dispatched"]


def test_a_milestone_header_wrapped_in_its_cell_is_named_on_one_line():
    text = (
        '工单编号,受理渠道,诉求类型,受理时间,派单时间,"回复\n时间"\n'
        "A1,12345,投诉,2026/3/2 9:10,2026/3/2 9:30,下周\n"
    )
    report = read_orders(io.StringIO(text), format="csv", assume_tz="Asia/Shanghai")
    (rejected,) = report.rejected
    assert [str(p).split("; ")[0] for p in rejected.problems if p.code == "invalid_cell"] == [
        "replied: column '回复 时间': '下周' is not a date and time"
    ]


def _wrapped_wide_problems(tmp_path, lang):
    # every header wrapped in its cell (Alt+Enter); each problem names its column on one line
    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单\n时间", "办理\n时限",
         "回复\n时间", "回访\n时间", "是否\n解决", "回访\n次数", "重办\n次数"],
        ["A1", "12345", "投诉", "2026/3/2 9:10", "2026/3/2 9:30", "=NOW()+3",
         "下周", "2026/3/5 10:00", "{}", "两次", 3],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / f"w-{lang}.xlsx", rows)
    with language(lang):
        report = read_orders(path, assume_tz="Asia/Shanghai")
        (rejected,) = report.rejected
        # each message up to its advice (after "; " or "；")
        return [
            str(p).split("; ")[0].split("；请填写")[0].split("；请写作")[0]
            for p in rejected.problems
            if p.code != "missing"
        ]


def test_every_problem_of_a_wide_row_names_a_wrapped_header_on_one_line(tmp_path):
    assert _wrapped_wide_problems(tmp_path, "en") == [
        # (a formula's problem is filed under its header as written, labelled on one line)
        "办理 时限: cell F2 (办理 时限) holds a formula with no saved value",
        "replied: column '回复 时间': '下周' is not a date and time",
        "callback: column '是否 解决': '{}' is not yes or no",
        "events: 重办 次数 is 3 but the sheet has columns for 0 重办 (redo_ordered) in this "
        "row: the others are not in a wide sheet",
        "column '回访 次数': '两次' is not a count [invalid_cell]",
    ]
    assert _wrapped_wide_problems(tmp_path, "zh")[1:] == [
        "回复：列 '回复 时间'：'下周' 不是日期时间",
        "回访：列 '是否 解决'：'{}' 不是“是”或“否”",
        "流转记录（events）：重办 次数 为 3，但本行只有 0 次重办（redo_ordered）的列："
        "其余的宽表中没有；请导出该工单的流转记录（长表格式） [wide_incomplete]",
        "列 '回访 次数'：'两次' 不是次数 [invalid_cell]",
    ]


def test_a_milestone_field_the_model_refuses_names_its_column(tmp_path):
    # 满意度评价 is a header of the callback's satisfaction; the model refuses '还行' as
    # events[2].satisfaction (the third event in time order), and the message names the column.
    import datetime as dt

    from grievance_rules.reading import read_orders
    from tests.reading.tables import write_xlsx

    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单时间", "承办单位类型", "承办单位",
         "回访时间", "回复时间", "满意度评价"],
        ["W1", "12345", "投诉", dt.datetime(2024, 5, 6, 9), dt.datetime(2024, 5, 6, 10),
         "村（社区）", "东风社区", dt.datetime(2024, 5, 8, 9), dt.datetime(2024, 5, 7, 9), "还行"],
    ]  # fmt: skip
    report = read_orders(write_xlsx(tmp_path / "w.xlsx", rows), assume_tz="Asia/Shanghai")
    (rejected,) = report.rejected
    (problem,) = rejected.problems
    assert problem.field == "events[2].satisfaction"
    assert problem.message.startswith("column '满意度评价': Input should be 'satisfied'")


def test_a_bad_cell_read_both_as_an_order_field_and_a_milestone_is_reported_once(tmp_path):
    # 派单时间 is both the order's dispatched_at and the 派单 milestone's time: one cell,
    # one problem (it was listed twice, once for each).
    import datetime as dt

    from grievance_rules.reading import read_orders
    from tests.reading.tables import write_xlsx

    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单时间", "承办单位", "承办单位类型"],
        ["W1", "12345", "投诉", dt.datetime(2024, 5, 6, 9), "明天上午", "东风社区", "村（社区）"],
    ]
    report = read_orders(write_xlsx(tmp_path / "w.xlsx", rows), assume_tz="Asia/Shanghai")
    (rejected,) = report.rejected
    assert [(p.field, p.code) for p in rejected.problems] == [("dispatched_at", "invalid_cell")]
    assert rejected.problems[0].message.startswith("column '派单时间': '明天上午' is not a date")


def test_an_event_the_history_refuses_is_named_by_its_milestone_s_column(tmp_path):
    # 回访时间 (9:00) is before 受理时间 (9:12) and there is no reply: both problems are of
    # the callback, the event of the 回访时间 column; events[0] alone named nothing the
    # official could find in a wide sheet.
    from grievance_rules.reading import read_orders
    from tests.reading.tables import write_xlsx

    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "承办单位", "承办单位类型", "回访时间"],
        ["C1", "12345", "投诉", "2024/5/6 9:12", "东风社区", "村（社区）", "2024/5/6 9:00"],
    ]
    report = read_orders(write_xlsx(tmp_path / "w.xlsx", rows), assume_tz="Asia/Shanghai")
    (rejected,) = report.rejected
    assert [(p.field, p.code, p.message.split(": ")[0]) for p in rejected.problems] == [
        ("events[0].at", "event_before_received", "column '回访时间'"),
        ("events[0]", "callback_before_reply", "column '回访时间'"),
    ]


def _unit_problems(path, lang):
    with language(lang):
        report = read_orders(path, assume_tz="Asia/Shanghai")
        return {r.order_id: [str(p) for p in r.problems] for r in report.rejected}


def test_a_unit_whose_kind_is_known_from_nowhere_is_labelled_by_its_column(tmp_path):
    # the wide layout's own problem of a unit was filed under units.handling, a path of
    # no model (and no column), in Chinese too; it is the unit's column as the file heads it
    import datetime as dt

    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单时间", "承办单位", "回复时间"],
        ["W1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 10),
         "东风社区", dt.datetime(2025, 3, 2, 10)],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "w.xlsx", rows)
    assert _unit_problems(path, "en") == {
        "W1": [
            "承办单位: unit '东风社区': its kind (类型) is known from nowhere; add a 单位 sheet "
            "(单位编号, 名称, 类型), a 承办单位类型 column, or a [[unit]] entry in the mapping "
            "file [unit_kind]"
        ]
    }
    assert _unit_problems(path, "zh") == {
        "W1": [
            "承办单位：单位 '东风社区'：无从得知其类型；请增加“单位”工作表"
            "（单位编号、名称、类型）、“承办单位类型”列，或在对应关系文件中增加 [[unit]] 条目 "
            "[unit_kind]"
        ]
    }
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert [(p.field, p.code) for p in report.rejected[0].problems] == [("承办单位", "unit_kind")]


def test_every_problem_of_a_wide_sheet_s_unit_columns_is_labelled_by_its_column(tmp_path):
    # 处理单位 is this office's header of the handling unit, 承办单位类型 of its kind: a kind
    # the model refuses (村委), a kind cell and a unit cell holding a formula never
    # calculated; each is labelled by its column, and a cell read for two milestones (the
    # dispatch's to_unit and the reply's unit) is said once
    import datetime as dt

    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单时间", "处理单位", "承办单位类型",
         "回复时间"],
        ["W1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 10),
         "东风社区", "村委", dt.datetime(2025, 3, 2, 10)],
        ["W2", "12345", "投诉", dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 10),
         "东风社区", "=B3", dt.datetime(2025, 3, 2, 10)],
        ["W3", "12345", "投诉", dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 10),
         "=B4", None, dt.datetime(2025, 3, 2, 10)],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "w.xlsx", rows)
    en = _unit_problems(path, "en")
    zh = _unit_problems(path, "zh")
    assert en["W1"][0].startswith("承办单位类型: Input should be 'dispatch_centre', ")
    assert en["W1"][0].endswith(
        " or 'other' (got '村委'); the Chinese terms are accepted too [enum]"
    )
    assert zh["W1"][0].startswith("承办单位类型：应为以下之一：派件单位、")
    assert zh["W1"][0].endswith("、其他单位（实际为 '村委'） [enum]")
    assert len(en["W1"]) == len(zh["W1"]) == 1
    assert en["W2"] == [
        "承办单位类型: cell G3 (承办单位类型) holds a formula with no saved value; open the file "
        "in Excel and save it, or paste the values [formula]",
        "处理单位: unit '东风社区': its kind (类型) is known from nowhere; add a 单位 sheet "
        "(单位编号, 名称, 类型), a 承办单位类型 column, or a [[unit]] entry in the mapping file "
        "[unit_kind]",
    ]
    assert zh["W2"] == [
        "承办单位类型：单元格 G3（承办单位类型）是公式，但没有保存计算结果；请用 Excel 打开该文件后"
        "保存一次，或粘贴为数值 [formula]",
        "处理单位：单位 '东风社区'：无从得知其类型；请增加“单位”工作表（单位编号、名称、类型）、"
        "“承办单位类型”列，或在对应关系文件中增加 [[unit]] 条目 [unit_kind]",
    ]
    assert en["W3"][0] == (
        "处理单位: cell F4 (处理单位) holds a formula with no saved value; open the file in "
        "Excel and save it, or paste the values [formula]"
    )
    assert sum("[formula]" in problem for problem in en["W3"]) == 1
    assert not any("units." in p or "units[" in p for p in [*en.values(), *zh.values()])


def test_a_wrapped_unit_header_labels_its_problems_on_one_line(tmp_path):
    # 承办\n单位 (Alt+Enter in the cell) is read as 承办单位; the label is the header on one
    # line, as every message names a column (the field keeps the header as written)
    import datetime as dt

    rows = [
        ["工单编号", "受理渠道", "诉求类型", "受理时间", "派单时间", "承办\n单位", "回复时间"],
        ["W1", "12345", "投诉", dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 1, 10),
         "东风社区", dt.datetime(2025, 3, 2, 10)],
    ]  # fmt: skip
    path = write_xlsx(tmp_path / "w.xlsx", rows)
    (problem,) = read_orders(path, assume_tz="Asia/Shanghai").rejected[0].problems
    assert problem.field == "承办\n单位"
    assert str(problem).startswith("承办 单位: unit '东风社区': its kind (类型) is known")
    with language("zh"):
        (problem,) = read_orders(path, assume_tz="Asia/Shanghai").rejected[0].problems
        assert str(problem).startswith("承办 单位：单位 '东风社区'：无从得知其类型")
