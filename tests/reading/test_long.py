"""The long layout: orders, 流转记录 and 单位 tables, written and read back."""

import datetime as dt
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.reading import read_orders
from grievance_rules.reading.export import write_long_csv, write_long_xlsx
from grievance_rules.samples import generate_orders


def _xlsx_round_trip(orders: list[WorkOrder]) -> tuple[WorkOrder, ...]:
    buffer = io.BytesIO()
    assert write_long_xlsx(orders, buffer) == len(orders)
    buffer.seek(0)
    report = read_orders(buffer, format="xlsx", assume_tz="Asia/Shanghai")
    assert report.rejected == (), [str(r) for r in report.rejected]
    return report.orders


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.from_type(WorkOrder), min_size=1, max_size=3, unique_by=lambda o: o.id))
def test_any_order_round_trips_through_the_workbook(orders):
    assert _xlsx_round_trip(orders) == tuple(orders)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(orders=st.lists(st.from_type(WorkOrder), min_size=1, max_size=3, unique_by=lambda o: o.id))
def test_any_order_round_trips_through_csv_files(tmp_path_factory, orders):
    path = tmp_path_factory.mktemp("long") / "工单.csv"
    assert write_long_csv(orders, path) == len(orders)
    report = read_orders(path)
    assert report.rejected == (), [str(r) for r in report.rejected]
    assert report.orders == tuple(orders)


def test_sample_orders_round_trip_and_the_workbook_is_what_excel_writes(tmp_path):
    orders = list(generate_orders(40, seed=3, start=dt.date(2025, 1, 1), months=1))
    path = tmp_path / "orders.xlsx"
    write_long_xlsx(orders, path)
    assert read_orders(path, assume_tz="Asia/Shanghai").orders == tuple(orders)
    book = load_workbook(path)
    assert book.sheetnames == ["工单", "流转记录", "单位"]
    orders_sheet, events_sheet, units_sheet = book.worksheets
    assert all(sheet.freeze_panes == "A2" for sheet in book.worksheets)
    header = [c.value for c in orders_sheet[1]]
    assert header[:4] == ["工单编号", "受理渠道", "诉求类型", "紧急程度"]
    first = {h: c.value for h, c in zip(header, orders_sheet[2], strict=False)}
    assert first["工单编号"] == orders[0].id
    # a real Excel date-time on Shanghai wall time, not text
    received = orders[0].received_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert first["受理时间"] == received.replace(tzinfo=None)
    assert orders_sheet["G2"].is_date
    events_header = [c.value for c in events_sheet[1]]
    assert events_header[:5] == ["工单编号", "环节", "时间", "单位", "目标单位"]
    assert events_sheet.max_row - 1 == sum(len(o.events) for o in orders)
    assert [c.value for c in units_sheet[1]][:4] == ["工单编号", "单位编号", "名称", "类型"]
    # widths fit: the 诉求内容 column is wider than the 紧急程度 column
    widths = {
        c.column_letter: orders_sheet.column_dimensions[c.column_letter].width
        for c in orders_sheet[1]
    }
    assert widths["L"] > widths["D"] >= 8


def _events_workbook(path: Path, orders_rows, events_rows, units_rows=None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "工单"
    for row in orders_rows:
        sheet.append(row)
    events = book.create_sheet("流转记录")
    for row in events_rows:
        events.append(row)
    if units_rows is not None:
        units = book.create_sheet("单位")
        for row in units_rows:
            units.append(row)
    book.save(path)
    return path


ORDERS = [
    ["工单编号", "受理渠道", "诉求类型", "受理时间"],
    ["A1", "12345", "投诉", "2025/1/6 9:00"],
]
UNITS = [
    ["单位编号", "名称", "类型"],
    ["dzb", "党政办公室", "派件单位"],
    ["c07", "东风社区", "属地"],
]


def test_units_named_by_name_from_a_shared_registry(tmp_path):
    events = [
        ["工单编号", "环节", "时间", "单位", "目标单位", "满意度"],
        ["A1", "派单", "2025/1/6 9:30", "党政办公室", "东风社区", None],
        ["A1", "回复", "2025/1/7 10:00", "东风社区", None, None],
        ["A1", "回访", "2025/1/7 15:00", "dzb", None, "满意"],
    ]
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, UNITS)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    (order,) = report.orders
    assert [u.id for u in order.units] == ["dzb", "c07"]  # first named first
    assert [(e.type, e.unit) for e in order.events] == [
        ("dispatched", "dzb"), ("replied", "c07"), ("callback", "dzb")
    ]  # fmt: skip
    assert order.events[0].to_unit == "c07"
    assert order.events[2].satisfaction == "satisfied"
    assert order.events[0].at.isoformat() == "2025-01-06T09:30:00+08:00"


def test_event_problems_name_the_events_sheet_row_and_column(tmp_path):
    events = [
        ["工单编号", "环节", "时间", "单位", "目标单位", "满意度"],
        ["A1", "派单", "2025/1/6 9:30", "dzb", "c07", "满意"],  # 满意度 on a dispatch
        ["A1", "回复", "明天上午", "c07", None, None],
        ["A1", "飞走", "2025/1/7 15:00", "dzb", None, None],
        ["B9", "回复", "2025/1/7 15:00", "c07", None, None],
    ]
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, UNITS)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.records == 2  # order A1, and the events of B9 that has no order row
    first, orphan = report.rejected
    messages = [str(p) for p in first.problems]
    assert any(
        "events[0].satisfaction" in m and "流转记录 row 2" in m and "does not apply" in m
        for m in messages
    )
    assert any(
        m.startswith("events[1].at: 流转记录 row 3, column '时间': '明天上午'") for m in messages
    )
    assert any(m.startswith("events[2].type: 流转记录 row 4: 环节 '飞走'") for m in messages)
    assert orphan.order_id == "B9"
    assert (orphan.location.sheet, orphan.location.row) == ("流转记录", 5)
    assert orphan.problems[0].code == "orphan_events"


def test_a_long_list_of_orphan_rows_is_cut_short_as_the_language_does(tmp_path):
    # 12 流转记录 rows (sheet rows 2 to 13) of an order the 工单 sheet lacks: the first
    # ten are named, then " ..." in English and "……" in Chinese
    events = [["工单编号", "环节", "时间", "单位"]]
    events += [["B9", "回复", "2025/1/7 15:00", "c07"]] * 12
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, UNITS)
    with language("en"):
        (orphan,) = read_orders(path, assume_tz="Asia/Shanghai").rejected
        assert orphan.problems[0].message == (
            "12 流转记录 rows (2, 3, 4, 5, 6, 7, 8, 9, 10, 11 ...) for order B9, "
            "which the orders sheet does not have"
        )
    with language("zh"):
        (orphan,) = read_orders(path, assume_tz="Asia/Shanghai").rejected
        assert orphan.problems[0].message == (
            "“流转记录”中有 12 行（2、3、4、5、6、7、8、9、10、11……）属于工单 B9，"
            "但工单表中没有该工单"
        )


def test_duplicate_order_rows_are_refused(tmp_path):
    orders = [*ORDERS, ["A1", "12345", "投诉", "2025/1/6 9:00"]]
    events = [["工单编号", "环节", "时间", "单位", "目标单位"],
              ["A1", "派单", "2025/1/6 9:30", "dzb", "c07"]]  # fmt: skip
    report = read_orders(_events_workbook(tmp_path / "o.xlsx", orders, events, UNITS),
                         assume_tz="Asia/Shanghai")  # fmt: skip
    # both rows of A1 are refused, the first as well (it used to be kept and given the
    # 流转记录 rows of both, as Parquet refuses both); the 流转记录 row is then a record of
    # its own: 3 records, 0 accepted, every row accounted for
    assert len(report.accepted) == 0
    first, second, events_row = report.rejected
    assert [r.location.row for r in (first, second)] == [2, 3]
    assert first.problems[0].code == second.problems[0].code == "duplicate_order"
    assert "order A1 is also on row 3" in first.problems[0].message
    assert "order A1 is also on row 2" in second.problems[0].message
    assert events_row.order_id == "A1"
    assert events_row.problems[0].code == "duplicate_order"
    assert "which is on rows 2, 3 of the orders sheet" in events_row.problems[0].message


def test_every_event_field_has_a_column_and_the_right_kind_of_cell():
    import typing

    from grievance_rules.model import EVENT_CLASSES
    from grievance_rules.reading.long import BOOL_FIELDS, EVENT_HEADERS

    fields = {n: f for c in EVENT_CLASSES.values() for n, f in c.model_fields.items()}
    assert set(fields) - {"type"} <= set(EVENT_HEADERS)
    booleans = {
        n for n, f in fields.items() if bool in (f.annotation, *typing.get_args(f.annotation))
    }
    assert booleans == BOOL_FIELDS


def test_a_workbook_without_its_units_sheet_says_so(tmp_path):
    # the events name dzb and c07, and no 单位 sheet says who they are: the order is
    # refused for its unknown units, and the rejection names the missing sheet once
    events = [["工单编号", "环节", "时间", "单位", "目标单位"],
              ["A1", "派单", "2025/1/6 9:30", "dzb", "c07"]]  # fmt: skip
    report = read_orders(_events_workbook(tmp_path / "o.xlsx", ORDERS, events),
                         assume_tz="Asia/Shanghai")  # fmt: skip
    (rejected,) = report.rejected
    codes = [p.code for p in rejected.problems]
    assert codes.count("unknown_unit") == 2
    assert codes.count("no_units_table") == 1
    assert "no units table (单位)" in str(rejected)


def test_a_points_cell_that_is_no_number_names_its_column(tmp_path):
    events = [
        ["工单编号", "环节", "时间", "单位", "目标单位", "责任单位", "分值", "通报来源"],
        ["A1", "派单", "2025/1/6 9:30", "dzb", "c07", None, None, None],
        ["A1", "通报扣分", "2025/1/8 9:00", "dzb", None, "c07", "-2分", "区督查通报"],
        ["A1", "通报扣分", "2025/1/9 9:00", "dzb", None, "c07", " -1.5 ", "区督查通报"],
    ]
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, UNITS)
    report = read_orders(path, assume_tz="Asia/Shanghai")
    (rejected,) = report.rejected
    assert [str(p) for p in rejected.problems] == [
        "events[1].points: 流转记录 row 3, column '分值': '-2分' is not a number [invalid_cell]"
    ]


def _round_rejection(tmp_path, header, rounds, lang):
    events = [
        ["工单编号", "环节", "时间", "单位", "目标单位", header],
        ["A1", "派单", "2025/1/6 9:30", "dzb", "c07", None],
        ["A1", "回复", "2025/1/6 15:00", "c07", None, None],
        *(["A1", "回访", f"2025/1/{7 + i} 15:00", "dzb", None, r] for i, r in enumerate(rounds)),
    ]
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, UNITS)
    with language(lang):
        report = read_orders(path, assume_tz="Asia/Shanghai")
        (rejected,) = report.rejected
        return [str(p) for p in rejected.problems]


def test_a_round_written_as_text_names_its_column(tmp_path):
    # 第二轮 and 二 are how a round is said, not numbers the reader reads; 2.5 is no round;
    # each is refused like any other bad cell: its row, its column (as headed), the problem
    rounds = ["第二轮", "二", 2.5]
    assert _round_rejection(tmp_path, "轮次", rounds, "en") == [
        "events[2].round: 流转记录 row 4, column '轮次': '第二轮' is not a round number; "
        "write it as a whole number (1, 2, 3, ...) [invalid_cell]",
        "events[3].round: 流转记录 row 5, column '轮次': '二' is not a round number; "
        "write it as a whole number (1, 2, 3, ...) [invalid_cell]",
        "events[4].round: 流转记录 row 6, column '轮次': 2.5 is not a round number; "
        "write it as a whole number (1, 2, 3, ...) [invalid_cell]",
    ]
    assert _round_rejection(tmp_path, "轮次", rounds, "zh") == [
        "events[2].round：流转记录第 4 行，列 '轮次'：'第二轮' 无法读作轮次；"
        "轮次请写成整数（1、2、3……） [invalid_cell]",
        "events[3].round：流转记录第 5 行，列 '轮次'：'二' 无法读作轮次；"
        "轮次请写成整数（1、2、3……） [invalid_cell]",
        "events[4].round：流转记录第 6 行，列 '轮次'：2.5 无法读作轮次；"
        "轮次请写成整数（1、2、3……） [invalid_cell]",
    ]


def test_a_round_the_model_refuses_names_its_column_too(tmp_path):
    # 0 is a number but no round (rounds count from 1): the model refuses it, and the
    # problem names the events sheet's row and column as the reader's own problems do
    (problem,) = _round_rejection(tmp_path, "轮次", [0], "en")
    assert problem == (
        "events[2].round: Input should be greater than or equal to 1 (got 0) "
        "(流转记录 row 4, column '轮次') [greater_than_equal]"
    )
    # so does an enumerated cell the model refuses (满意度 很好)
    events = [["工单编号", "环节", "时间", "单位", "目标单位", "满意度"],
              ["A1", "回访", "2025/1/7 15:00", "dzb", None, "很好"]]  # fmt: skip
    path = _events_workbook(tmp_path / "s.xlsx", ORDERS, events, UNITS)
    with language("zh"):
        (rejected,) = read_orders(path, assume_tz="Asia/Shanghai").rejected
        assert [str(p) for p in rejected.problems] == [
            "events[0].satisfaction：应为以下之一：满意、基本满意、不满意（实际为 '很好'）"
            "（流转记录第 2 行，列 '满意度'） [enum]"
        ]


def test_round_numbers_in_cells_are_read(tmp_path):
    events = [["工单编号", "环节", "时间", "单位", "目标单位", "轮次"],
              ["A1", "派单", "2025/1/6 9:30", "dzb", "c07", None],
              ["A1", "回复", "2025/1/6 15:00", "c07", None, 1],
              ["A1", "回访", "2025/1/7 15:00", "dzb", None, " 1 "],
              ["A1", "回访", "2025/1/8 15:00", "dzb", None, 2.0]]  # fmt: skip
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, UNITS)
    (order,) = read_orders(path, assume_tz="Asia/Shanghai").orders
    assert [e.round for e in order.events[1:]] == [1, 1, 2]


def test_a_wrapped_round_header_is_read_and_named_on_one_line(tmp_path):
    # 轮\n次 (wrapped in its cell) is read as 轮次; a bad cell under it names it on one line,
    # as the list of unused columns does
    assert _round_rejection(tmp_path, "轮\n次", ["第二轮"], "en") == [
        "events[2].round: 流转记录 row 4, column '轮 次': '第二轮' is not a round number; "
        "write it as a whole number (1, 2, 3, ...) [invalid_cell]",
    ]
    (problem,) = _round_rejection(tmp_path, "轮\n次", [0], "en")
    assert problem.endswith("(流转记录 row 4, column '轮 次') [greater_than_equal]")


def test_a_wrapped_header_of_the_events_sheet_is_named_on_one_line_by_each_problem(tmp_path):
    # a formula with no saved value, and a cell that does not apply to its 环节, under 轮\n次
    events = [
        ["工单编号", "环节", "时间", "单位", "目标单位", "轮\n次"],
        ["A1", "派单", "2025/1/6 9:30", "dzb", "c07", 1],
        ["A1", "回复", "2025/1/6 15:00", "c07", None, None],
        ["A1", "回访", "2025/1/7 15:00", "dzb", None, "=1+1"],
    ]
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, UNITS)
    (rejected,) = read_orders(path, assume_tz="Asia/Shanghai").rejected
    assert [str(p).split("; ")[0] for p in rejected.problems] == [
        "events[0].round: 流转记录 row 2: column '轮 次' does not apply to 环节 派单 (dispatched)",
        "events[2].round: cell F4 (流转记录: 轮 次) holds a formula with no saved value",
    ]


def test_a_round_headed_as_the_callback_s_or_the_handling_s_round_is_read(tmp_path):
    # platforms head the column by what it counts: 回访轮次 (the callback's number) or
    # 处置轮次 (首次/再次处置); both are the events' round
    for header in ("回访轮次", "处置轮次"):
        events = [["工单编号", "环节", "时间", "单位", "目标单位", header],
                  ["A1", "派单", "2025/1/6 9:30", "dzb", "c07", None],
                  ["A1", "回复", "2025/1/6 15:00", "c07", None, 1],
                  ["A1", "回访", "2025/1/7 15:00", "dzb", None, 1],
                  ["A1", "回复", "2025/1/8 15:00", "c07", None, 2],
                  ["A1", "回访", "2025/1/9 15:00", "dzb", None, 2]]  # fmt: skip
        path = _events_workbook(tmp_path / f"{header}.xlsx", ORDERS, events, UNITS)
        report = read_orders(path, assume_tz="Asia/Shanghai")
        (order,) = report.orders
        assert [e.round for e in order.events[1:]] == [1, 1, 2, 2], header
        assert report.ignored_columns == ()


def test_an_event_whose_type_cell_is_refused_is_said_once(tmp_path):
    # 飞走 is no 环节: the cell's problem says so, naming the row; the model's "event has
    # no 'type'" on the same event said it again (流转环节缺少“type”).
    events = [
        ["工单编号", "环节", "时间", "单位", "目标单位"],
        ["A1", "派单", "2025/1/6 9:30", "dzb", "c07"],
        ["A1", "飞走", "2025/1/6 15:00", "c07", None],
    ]
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, UNITS)
    with language("zh"):
        (rejected,) = read_orders(path, assume_tz="Asia/Shanghai").rejected
        assert [(p.field, p.code) for p in rejected.problems] == [
            ("events[1].type", "invalid_cell")
        ]
        message = rejected.problems[0].message
        assert message.startswith("流转记录第 3 行：环节 '飞走' 不是流转环节类型")


def test_a_unit_cell_showing_an_error_value_rejects_the_orders_listing_the_unit(tmp_path):
    # the 单位 sheet's 名称 of c07 shows #N/A (a lookup that found nothing): it was read
    # as the unit's name '#N/A'
    units = [
        ["工单编号", "单位编号", "名称", "类型"],
        ["A1", "dzb", "党政办公室", "派件单位"],
        ["A1", "c07", "#N/A", "属地"],
    ]
    events = [
        ["工单编号", "环节", "时间", "单位", "目标单位"],
        ["A1", "派单", "2025/1/6 9:30", "dzb", "c07"],
    ]
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, units)
    (rejected,) = read_orders(path, assume_tz="Asia/Shanghai").rejected
    assert [(p.field, p.code, p.message) for p in rejected.problems] == [
        ("units.name", "cell_error", "cell C3 (单位: 名称) shows the error #N/A, not a value; "
         "correct the formula in Excel, or enter the value"),
    ]  # fmt: skip


def test_a_unit_the_model_refuses_names_its_row_and_column_on_the_units_sheet(tmp_path):
    # 村委 is no kind of unit: the problem (units[1].kind) says where the unit is, the
    # 单位 sheet's row 3 and its column 单位类型, as an event's problem names its row
    units = [
        ["工单编号", "单位编号", "名称", "单位类型"],
        ["A1", "dzb", "党政办公室", "派件单位"],
        ["A1", "c07", "东风社区", "村委"],
    ]
    events = [
        ["工单编号", "环节", "时间", "单位", "目标单位"],
        ["A1", "派单", "2025/1/6 9:30", "dzb", "c07"],
    ]
    path = _events_workbook(tmp_path / "o.xlsx", ORDERS, events, units)
    with language("zh"):
        (rejected,) = read_orders(path, assume_tz="Asia/Shanghai").rejected
        (problem,) = rejected.problems
        assert problem.field == "units[1].kind"
        assert problem.message.endswith("（实际为 '村委'）（单位第 3 行，列 '单位类型'）")


def test_orphan_rows_are_counted_with_the_noun_in_number(tmp_path):
    # one 流转记录 row of an order the 工单 sheet lacks: "1 ... row", not "row(s)"
    one = [["工单编号", "环节", "时间", "单位"], ["B9", "回复", "2025/1/7 15:00", "c07"]]
    two = [*one, ["B9", "回复", "2025/1/7 16:00", "c07"]]

    def said(events, lang):
        path = _events_workbook(tmp_path / f"{lang}{len(events)}.xlsx", ORDERS, events, UNITS)
        with language(lang):
            (orphan,) = read_orders(path, assume_tz="Asia/Shanghai").rejected
        return orphan.problems[0].message

    assert said(one, "en") == (
        "1 流转记录 row (2) for order B9, which the orders sheet does not have"
    )
    assert said(two, "en") == (
        "2 流转记录 rows (2, 3) for order B9, which the orders sheet does not have"
    )
    assert said(one, "zh") == "“流转记录”中有 1 行（2）属于工单 B9，但工单表中没有该工单"


def test_the_rows_of_a_duplicated_order_are_counted_with_the_noun_in_number(tmp_path):
    orders = [*ORDERS, ["A1", "12345", "投诉", "2025/1/6 9:00"]]
    head = ["工单编号", "环节", "时间", "单位", "目标单位"]
    row = ["A1", "派单", "2025/1/6 9:30", "dzb", "c07"]

    def said(events, lang):
        path = _events_workbook(tmp_path / f"{lang}{len(events)}.xlsx", orders, events, UNITS)
        with language(lang):
            *_rows, events_row = read_orders(path, assume_tz="Asia/Shanghai").rejected
        return events_row.problems[0].message

    assert said([head, row], "en") == (
        "1 流转记录 row (2) for order A1, which is on rows 2, 3 of the orders sheet: "
        "not assessed with either"
    )
    assert said([head, row, row], "en") == (
        "2 流转记录 rows (2, 3) for order A1, which is on rows 2, 3 of the orders sheet: "
        "not assessed with either"
    )
    assert said([head, row], "zh") == (
        "“流转记录”中有 1 行（2）属于工单 A1，而该工单在工单表中出现于第 2、3 行："
        "不随其中任何一行测评"
    )


def test_the_long_workbook_is_the_same_bytes_whenever_written_and_holds_no_control_character(
    tmp_path, monkeypatch
):
    # it was stamped with the time of saving (two runs differed at byte 11), and an order
    # whose 诉求内容 held a \x0b was accepted by the reader, then crashed the writer
    import time

    from grievance_rules.model import WorkOrder
    from grievance_rules.reading import read_orders
    from grievance_rules.reading.export import write_long_xlsx
    from grievance_rules.samples import generate_orders

    orders = list(generate_orders(3, seed=5))
    odd = WorkOrder.model_validate({**orders[0].model_dump(), "summary": "第一行\x0b第二行"})
    orders[0] = odd
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_long_xlsx(orders, first)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 3600)  # an hour later
    write_long_xlsx(orders, second)
    assert first.read_bytes() == second.read_bytes()
    report = read_orders(first, assume_tz="Asia/Shanghai")
    assert report.orders[0].summary == "第一行第二行"
    assert [o.id for o in report.orders] == [o.id for o in orders]


def test_an_interrupted_long_workbook_leaves_the_old_file(tmp_path, monkeypatch):
    import pytest
    from openpyxl.writer import excel

    from grievance_rules.reading.export import write_long_xlsx
    from grievance_rules.samples import generate_orders

    target = tmp_path / "o.xlsx"
    target.write_bytes(b"the old file")

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(excel.ExcelWriter, "write_worksheet", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_long_xlsx(generate_orders(2, seed=5), target)
    assert target.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["o.xlsx"]
