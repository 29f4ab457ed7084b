"""The wide layout's mapping: which columns are milestones, and the events a row gives."""

from grievance_rules.reading.wide import WideMapping


def test_a_line_break_typed_in_a_milestone_header_is_read_past():
    layout = WideMapping.load().resolve(["工单编号", "派单\n时间", "承办单位", "回复\r\n时间"])
    assert [m.type for m in layout.milestones] == ["dispatched", "replied"]
    assert layout.at == {0: 1, 1: 3}
