import io

from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.model import WorkOrder
from grievance_rules.reading import read_orders
from grievance_rules.testing.strategies import work_orders
from tests.model.samples import record
from tests.reading.tables import FIELDS, csv_text

CHINESE = [
    "工单编号", "受理渠道", "诉求类型", "紧急程度", "特殊工单类型", "响应级别", "受理时间",
    "派单时间", "工单规定回复时限", "诉求人", "问题标识", "诉求内容", "事发地址", "所属区域",
    "纬度", "经度", "标记", "涉及单位", "流转记录",
]  # fmt: skip


def test_round_trip_with_english_and_chinese_headers(tmp_path):
    order = WorkOrder.model_validate(record())
    for headers in (FIELDS, CHINESE):
        path = tmp_path / "orders.csv"
        path.write_text(csv_text([order, order], headers), encoding="utf-8")
        report = read_orders(path)
        assert report.orders == (order, order)
        assert [a.location.row for a in report.accepted] == [2, 3]


@settings(max_examples=30, deadline=None, database=None)
@given(st.lists(work_orders(), min_size=1, max_size=4))
def test_generated_orders_round_trip_through_csv(orders):
    report = read_orders(io.StringIO(csv_text(orders)), format="csv", strict=True)
    assert report.rejected == ()
    assert report.orders == tuple(orders)


def test_chinese_terms_lists_and_blank_rows():
    text = (
        "工单编号,受理渠道,诉求类型,紧急程度,特殊工单类型,受理时间,备注\n"
        "\n"
        "A1,12366税务热线,求助,次紧急,随身拍、市级复核单,2024-05-06T09:00:00+08:00,x\n"
        ",,,,,,\n"
        "A2,网格员,建议,一般,,2024-05-06T10:00:00+08:00,\n"
    )
    report = read_orders(io.StringIO(text), format="csv")
    assert report.records == 2
    assert [a.location.row for a in report.accepted] == [3, 5]
    first = report.orders[0]
    assert [k.value for k in first.special_kinds] == ["snapshot", "city_review"]
    assert report.ignored_columns == ("备注",)


def test_column_override():
    text = "编号,来源,类型,登记时间\nA1,app,咨询,2024-05-06T09:00:00+08:00\n"
    report = read_orders(
        io.StringIO(text),
        format="csv",
        columns={"id": "编号", "channel": "来源", "category": "类型", "received_at": "登记时间"},
    )
    assert report.orders[0].id == "A1"


def test_bad_cells_are_named():
    text = (
        "id,channel,category,received_at,events\n"
        'A1,app,咨询,2024-05-06T09:00:00+08:00,"[{""type"": "\n'
        "A2,app,咨询,2024-05-06T09:00:00,\n"
    )
    report = read_orders(io.StringIO(text), format="csv")
    assert report.records == 2
    first, second = report.rejected
    assert (first.location.row, first.problems[0].field, first.problems[0].code) == (
        2,
        "events",
        "invalid_cell",
    )
    assert (second.problems[0].field, second.problems[0].code) == ("received_at", "timezone_aware")


def test_encodings():
    text = "工单编号,受理渠道,诉求类型,受理时间\nA1,省级热线,投诉,2024-05-06T09:00:00+08:00\n"
    data = text.encode("gb18030")
    assert read_orders(io.BytesIO(data), format="csv", encoding="gb18030").records == 1
    broken = "id,channel,category,received_at,summary\nA1,app,咨询,2024-05-06T09:00:00+08:00,"
    report = read_orders(io.BytesIO(broken.encode() + b"\xff\xfe\n"), format="csv")
    assert [(p.field, p.code) for p in report.rejected[0].problems] == [("summary", "encoding")]


def test_quoted_newlines_keep_row_and_line_apart():
    text = 'id,channel,category,received_at,summary\nA1,app,咨询,x,"two\nlines"\nA2,app,咨询,y,\n'
    report = read_orders(io.StringIO(text), format="csv")
    assert [(r.location.row, r.location.line) for r in report.rejected] == [(2, 3), (3, 4)]


def test_empty_and_header_only_files():
    assert read_orders(io.StringIO(""), format="csv").records == 0
    assert read_orders(io.StringIO("id,channel\n"), format="csv").records == 0


def test_a_quote_never_closed_is_a_rejected_row_not_the_rest_of_the_file_in_a_cell(tmp_path):
    # read leniently, A1's 诉求内容 took rows A2 and A3 in: 1 record, accepted
    from grievance_rules.i18n import language
    from grievance_rules.reading import read_orders

    path = tmp_path / "o.csv"
    path.write_bytes(
        "工单编号,受理渠道,诉求类型,受理时间,诉求内容\r\n"
        'A1,12345,投诉,2025/3/3 9:00,"未闭合\r\n'
        "A2,12345,投诉,2025/3/3 9:00,x\r\n"
        "A3,12345,投诉,2025/3/3 9:00,x\r\n".encode()
    )
    with language("en"):
        report = read_orders(path, assume_tz="Asia/Shanghai")
    assert report.orders == ()
    (rejected,) = report.rejected
    (problem,) = rejected.problems
    assert problem.message == (
        "bad CSV: a quote opened on line 2 is never closed: lines 2 to 4 (the end of the file) "
        "are one row"
    )
