"""Writing orders as tables (the layout the reader reads), for round-trip tests."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from grievance_rules.model import WorkOrder

FIELDS = [
    "id", "channel", "category", "urgency", "special_kinds", "response_level", "received_at",
    "dispatched_at", "reply_deadline", "complainant", "issue", "summary", "location.address",
    "location.area", "location.latitude", "location.longitude", "flags", "units", "events",
]  # fmt: skip


def row_of(order: WorkOrder) -> dict[str, Any]:
    """The order as one row: field name → cell text (empty for None)."""
    fact = order.to_fact()
    location = fact.pop("location") or {}
    row: dict[str, Any] = {}
    for name in FIELDS:
        if name.startswith("location."):
            value = location.get(name.removeprefix("location."))
        else:
            value = fact[name]
        if name in ("units", "events"):
            row[name] = json.dumps(value, ensure_ascii=False)
        elif name in ("special_kinds", "flags"):
            row[name] = ";".join(value)
        elif value is None:
            row[name] = ""
        elif isinstance(value, float):
            row[name] = repr(value)
        else:
            row[name] = str(value)
    return row


def csv_text(orders: Iterable[WorkOrder], headers: Sequence[str] = FIELDS) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for order in orders:
        row = row_of(order)
        writer.writerow([row[name] for name in FIELDS])
    return out.getvalue()


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], title: str = "工单") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path
