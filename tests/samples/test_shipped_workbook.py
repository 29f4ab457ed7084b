"""The workbook shipped beside orders.jsonl (the README's Excel example) holds the same orders."""

from pathlib import Path

from openpyxl import load_workbook

import grievance_rules.samples
from grievance_rules.reading import read_orders

HERE = Path(grievance_rules.samples.__file__).parent


def test_orders_xlsx_reads_to_the_orders_of_orders_jsonl():
    from_json = read_orders(HERE / "orders.jsonl")
    from_excel = read_orders(HERE / "orders.xlsx", assume_tz="Asia/Shanghai")
    assert from_excel.rejected == ()
    assert from_excel.orders == from_json.orders
    assert len(from_excel.orders) == 5


def test_orders_xlsx_is_the_long_layout():
    book = load_workbook(HERE / "orders.xlsx", read_only=True)
    assert book.sheetnames == ["工单", "流转记录", "单位"]
