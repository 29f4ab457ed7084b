import pytest

from grievance_rules.errors import ColumnMappingError
from grievance_rules.model import WorkOrder
from grievance_rules.reading import DEFAULT_HEADERS, ColumnMapping


def test_defaults_cover_every_top_level_field_except_none():
    top = {name.split(".")[0] for name in DEFAULT_HEADERS}
    assert top == set(WorkOrder.model_fields)


def test_default_headers_are_disjoint():
    ColumnMapping()  # raises on a clash


def test_chinese_and_english_headers():
    layout = ColumnMapping().resolve(
        ["工单编号", "Received_At", " 受理渠道 ", "诉求类型", "备注", ""]
    )
    assert layout.fields == {0: "id", 1: "received_at", 2: "channel", 3: "category"}
    assert layout.ignored == ("备注",)


def test_full_width_parentheses_and_spaces():
    mapping = ColumnMapping({"summary": "诉求（内容）"})
    assert mapping.resolve(["诉求(内容)"]).fields == {0: "summary"}


def test_override_replaces_defaults_of_that_field():
    mapping = ColumnMapping({"received_at": ["接收时间", "登记时间"]})
    assert mapping.headers["received_at"] == ("接收时间", "登记时间")
    assert mapping.resolve(["受理时间"]).fields == {}
    assert mapping.resolve(["登记时间"]).fields == {0: "received_at"}


def test_override_may_take_a_default_header_from_another_field():
    mapping = ColumnMapping({"summary": "地址"})
    assert mapping.resolve(["地址"]).fields == {0: "summary"}
    assert "地址" not in mapping.headers["location.address"]


def test_unknown_field():
    with pytest.raises(ColumnMappingError, match="no field 'colour'"):
        ColumnMapping({"colour": "颜色"})


def test_one_header_for_two_fields():
    with pytest.raises(ColumnMappingError, match="given for"):
        ColumnMapping({"summary": "X", "issue": "x"})


def test_two_columns_for_one_field():
    with pytest.raises(ColumnMappingError, match="both hold 'id'"):
        ColumnMapping().resolve(["工单编号", "工单号"])


def test_a_header_with_a_note_in_parentheses_holds_its_field():
    # 受理时间（北京时间） was not recognised: every row rejected for a missing receipt
    from grievance_rules.reading.columns import ColumnMapping

    layout = ColumnMapping().resolve(["工单编号", "受理时间（北京时间）", "诉求类型(大类)", "备注"])
    assert layout.fields == {0: "id", 1: "received_at", 2: "category"}
    assert layout.ignored == ("备注",)
    # a column named exactly wins over an annotated one, which is then ignored
    layout = ColumnMapping().resolve(["受理时间", "受理时间（旧）", "工单编号"])
    assert layout.fields == {0: "received_at", 2: "id"}
    assert layout.ignored == ("受理时间（旧）",)
    # two annotated columns of one field: neither is guessed
    layout = ColumnMapping().resolve(["工单编号", "受理时间（北京）", "受理时间（UTC）"])
    assert layout.fields == {0: "id"}
    assert layout.ignored == ("受理时间（北京）", "受理时间（UTC）")


def test_a_line_break_typed_in_a_header_cell_is_read_past():
    # Alt+Enter in Excel: 受理\n时间; a file from Windows: \r\n
    layout = ColumnMapping().resolve(["工单编号", "受理\n时间", "诉求\r\n类型", "派单\u3000时间"])
    assert layout.fields == {0: "id", 1: "received_at", 2: "category", 3: "dispatched_at"}
    assert layout.ignored == ()


def test_a_header_whose_note_names_a_later_occurrence_does_not_hold_the_field():
    # 派单时间（二次） is a second dispatch, not the first: it is not read as 派单时间
    layout = ColumnMapping().resolve(["工单编号", "受理时间", "派单时间（二次）"])
    assert layout.fields == {0: "id", 1: "received_at"}
    assert layout.ignored == ("派单时间（二次）",)
    layout = ColumnMapping().resolve(["工单编号", "受理时间", "派单时间（首次）"])
    assert layout.fields == {0: "id", 1: "received_at", 2: "dispatched_at"}


def test_two_columns_for_one_field_are_both_named_with_the_way_to_choose(tmp_path):
    # an export with 来源 (市级平台 …) and 受理渠道: both are headers of channel. The
    # message named the second column's header only, and no way on.
    from grievance_rules.i18n import language
    from grievance_rules.reading import read_orders
    from tests.reading.tables import write_xlsx

    with language("zh"), pytest.raises(ColumnMappingError) as info:
        ColumnMapping().resolve(["工单编号", "来源", "诉求类型", "受理渠道"])
    assert str(info.value) == (
        "第 2 列（'来源'）和第 4 列（'受理渠道'）都对应 'channel'；请在文件中改掉其中一列的表头，"
        "或用 --column channel=来源 或 --column channel=受理渠道 指定读取哪一列"
        "（grievance-rules read；Python 中用 columns=）"
    )
    rows = [
        ["工单编号", "来源", "诉求类型", "受理渠道", "受理时间"],
        ["A1", "市级平台", "投诉", "12345", "2024/5/6 9:00"],
    ]
    path = write_xlsx(tmp_path / "o.xlsx", rows)
    report = read_orders(path, columns={"channel": "受理渠道"}, assume_tz="Asia/Shanghai")
    assert [o.channel.value for o in report.orders] == ["hotline_12345"]
    assert report.ignored_columns == ("来源",)
