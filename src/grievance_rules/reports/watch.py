"""The watch list (每日黄红灯清单) as a table, JSON Lines, CSV, Excel and one HTML page.

Every format is built from the same rows (:func:`watch_table`), so they agree cell
for cell; headings are 简体中文 with English beside them. The HTML page groups the
items by unit, each group headed by its summary line (how many yellow, red,
breached, and how many turn yellow or red within the horizon); it needs no
network to view.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from grievance_rules.calendar import SHANGHAI
from grievance_rules.reports.csv import write_table
from grievance_rules.reports.html import _e, _page, html_table
from grievance_rules.reports.tables import Cell, Column, Table

if TYPE_CHECKING:
    from grievance_rules.operations import UnitSummary, WatchItem, WatchList

__all__ = [
    "LEVEL_ZH",
    "duration_text",
    "watch_csv",
    "watch_html",
    "watch_jsonl",
    "watch_table",
    "watch_text",
    "watch_xlsx",
]

LEVEL_ZH = {"none": "无", "yellow": "黄灯", "red": "红灯", "breached": "超期"}
"""The Chinese name of each level."""

_COLUMNS = (
    Column("due", "到期 due"),
    Column("level", "灯色 level"),
    Column("order", "工单 order"),
    Column("kind", "类型 kind"),
    Column("rule", "规则 rule"),
    Column("clause", "条款 clause"),
    Column("unit", "承办单位 unit"),
    Column("notify", "通知 notify"),
    Column("working_left", "剩余工作时间 office time left"),
    Column("natural_left", "剩余自然时间 natural time left"),
    Column("changes", "将变灯 turns"),
)


def _when(instant: dt.datetime) -> str:
    local = instant.astimezone(SHANGHAI)
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond:06d}"
    return text


def duration_text(seconds: float, *, days: bool = False) -> str:
    """A signed duration as ``h:mm`` (office time) or ``Nd hh:mm`` (``days=True``).

    Example:
        >>> duration_text(-3600), duration_text(12 * 3600 + 90), duration_text(90000, days=True)
        ('-1:00', '12:01', '1d 01:00')
    """
    sign = "-" if seconds < 0 else ""
    minutes = int(abs(seconds) // 60)
    hours, minute = divmod(minutes, 60)
    if days and hours >= 24:
        day, hour = divmod(hours, 24)
        return f"{sign}{day}d {hour:02d}:{minute:02d}"
    return f"{sign}{hours}:{minute:02d}"


def _notice(item: WatchItem) -> str:
    if item.notify is None:
        return ""
    name = f" {item.notify.name}" if item.notify.name else ""
    return f"{item.notify.role_zh}{name}"


def _changes(item: WatchItem) -> str:
    parts = []
    for change in item.changes:
        who = ""
        if change.notify is not None:
            who = f" → {change.notify.role_zh}"
            if change.notify.name:
                who += f" {change.notify.name}"
        parts.append(f"{LEVEL_ZH.get(change.level, change.level)} {_when(change.at)}{who}")
    return "\n".join(parts)


def _row(item: WatchItem) -> tuple[Cell, ...]:
    return (
        _when(item.due),
        f"{LEVEL_ZH.get(item.level, item.level)} {item.level}",
        item.order_id,
        "时限 clock" if item.kind == "clock" else "窗口 window",
        item.rule_id if not item.occurrence else f"{item.rule_id}#{item.occurrence}",
        item.citation.clause,
        item.unit_name,
        _notice(item),
        duration_text(item.working_seconds_left),
        duration_text(item.natural_seconds_left, days=True),
        _changes(item),
    )


def watch_table(watch_list: WatchList) -> Table:
    """The watch list's rows, sorted by due instant as the list is."""
    return Table(
        name="watch",
        title="每日黄红灯清单 Watch list",
        columns=_COLUMNS,
        rows=tuple(_row(item) for item in watch_list.items),
    )


def _summary_line(summary: UnitSummary) -> str:
    return (
        f"{summary.unit_name}: {summary.items} 项 items, 黄灯 yellow {summary.yellow}, "
        f"红灯 red {summary.red}, 超期 breached {summary.breached}; "
        f"将变黄 turning yellow {summary.turning_yellow}, 将变红 turning red {summary.turning_red}"
    )


def _heading(watch_list: WatchList) -> str:
    return (
        f"{watch_list.pack} as of {_when(watch_list.as_of)}, horizon to "
        f"{_when(watch_list.until)}: {len(watch_list.items)} items of {watch_list.orders} orders"
    )


def watch_text(watch_list: WatchList) -> str:
    """A plain-text table for a terminal: a heading, one line per item, the unit summaries."""
    lines = [_heading(watch_list)]
    for item in watch_list.items:
        row = _row(item)
        changes = str(row[10]).replace("\n", "; ")
        lines.append(
            f"  {row[0]:<19}  {row[1]!s:<12} {item.order_id:<10} {row[4]!s:<28} "
            f"{item.unit_name:<8} {row[7]!s:<12} left {row[8]} ({row[9]})"
            + (f"  turns: {changes}" if changes else "")
        )
    lines.append("")
    lines.extend(_summary_line(summary) for summary in watch_list.summary())
    return "\n".join(lines) + "\n"


def watch_jsonl(watch_list: WatchList) -> str:
    """One JSON object per item (the :class:`WatchItem` fields), one line each."""
    return "".join(item.model_dump_json() + "\n" for item in watch_list.items)


def watch_csv(watch_list: WatchList) -> str:
    """The table as CSV text (keys as headers; write it with a BOM for Excel)."""
    out = io.StringIO()
    write_table(watch_table(watch_list), out)
    return out.getvalue()


def watch_xlsx(watch_list: WatchList) -> bytes:
    """An Excel workbook: a sheet of items (bilingual headings) and a sheet of unit summaries."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "watch"
    table = watch_table(watch_list)
    sheet.append([column.label for column in table.columns])
    for row in table.rows:
        sheet.append(["" if cell is None else str(cell) for cell in row])
    sheet.freeze_panes = "A2"
    units = book.create_sheet("units")
    units.append(
        [
            "承办单位 unit",
            "项 items",
            "黄灯 yellow",
            "红灯 red",
            "超期 breached",
            "将变黄 turning yellow",
            "将变红 turning red",
        ]
    )
    for s in watch_list.summary():
        units.append(
            [s.unit_name, s.items, s.yellow, s.red, s.breached, s.turning_yellow, s.turning_red]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def watch_html(watch_list: WatchList) -> str:
    """One self-contained HTML page: a section per unit, its summary line, its items."""
    table = watch_table(watch_list)
    sections = []
    for n, summary in enumerate(watch_list.summary()):
        rows = tuple(
            row
            for item, row in zip(watch_list.items, table.rows, strict=True)
            if (item.unit_name, item.unit) == (summary.unit_name, summary.unit)
        )
        unit_table = Table(table.name, table.title, table.columns, rows)
        content = f'<p class="meta summary">{_e(_summary_line(summary))}</p>' + html_table(
            unit_table, table_id=f"unit-{n}"
        )
        sections.append((f"unit-section-{n}", summary.unit_name, content))
    if not sections:
        sections.append(("none", "无 None", '<p class="empty">无待办时限 Nothing to watch.</p>'))
    return _page("每日黄红灯清单 Watch list", _heading(watch_list), sections)
