"""Junk in the long and wide layouts is reported, never raised, and every row is accounted for."""

import datetime as dt
import io
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from grievance_rules.reading import read_orders
from tests.reading.exports import WIDE_HEADER

JUNK = [None, "", "x", "是", "否", 0, 1, 2.5, -1, 45658.5, 1e20, True, "2025/1/6 9:00",
        "2025年1月6日 8:00", "2025-13-01 08:00", "派单", "回访", "飞走", "c07", "dzb", "党政办公室",
        "[", "{", '[{"kind": "照片"}]', dt.datetime(2025, 1, 6, 9), dt.date(2025, 1, 6),
        dt.time(9, 0), "满意", "街道重办", "=SUM(A1)"]  # fmt: skip

EVENTS = ["工单编号", "环节", "时间", "单位", "目标单位", "满意度", "是否解决", "轮次", "佐证材料",
          "签字领导", "分值", "延期至"]  # fmt: skip


def _book(rows_by_sheet: dict[str, list[list[object]]]) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)
    for name, rows in rows_by_sheet.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _rows(rng: random.Random, width: int, count: int, ids: list[str]) -> list[list[object]]:
    return [[rng.choice(ids), *(rng.choice(JUNK) for _ in range(width - 1))] for _ in range(count)]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32))
def test_long_layout_junk(seed):
    rng = random.Random(seed)
    ids = ["A1", "A2", "A3", "B9", None]
    orders = [["工单编号", "受理渠道", "诉求类型", "受理时间"],
              *_rows(rng, 4, rng.randrange(6), ids)]  # fmt: skip
    events = [EVENTS, *_rows(rng, len(EVENTS), rng.randrange(12), ids)]
    units = [
        ["工单编号", "单位编号", "名称", "类型", "领导"],
        *_rows(rng, 5, rng.randrange(4), ids),
    ]
    report = read_orders(_book({"工单": orders, "流转记录": events, "单位": units}),
                         format="xlsx", assume_tz="Asia/Shanghai")  # fmt: skip
    assert report.records == len(report.accepted) + len(report.rejected)
    order_rows = sum(1 for row in orders[1:] if any(c not in (None, "") for c in row))
    assert report.records >= order_rows


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32))
def test_wide_layout_junk(seed):
    rng = random.Random(seed)
    rows = [list(WIDE_HEADER), *_rows(rng, len(WIDE_HEADER), rng.randrange(6), ["W1", "W2"])]
    report = read_orders(_book({"工单": rows}), format="xlsx", assume_tz="Asia/Shanghai")
    assert report.records == len(report.accepted) + len(report.rejected)
    for accepted in report.accepted:
        times = [event.at for event in accepted.order.events]
        assert times == sorted(times)
