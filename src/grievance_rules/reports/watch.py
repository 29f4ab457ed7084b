"""The watch list (每日黄红灯清单) as a table, JSON Lines, CSV, Excel and one HTML page.

Every format is built from the same rows (:func:`watch_table`), so they agree cell
for cell; headings and words are in the current language, 简体中文 or English
(``lang=``; the CLI's ``--lang``). The HTML page groups the items by unit, each
group headed by its summary line (how many yellow, red, breached, and how many
turn yellow or red within the horizon); it needs no network to view.

Example:
    >>> from grievance_rules.i18n import language
    >>> with language("zh"):
    ...     [column.label for column in _columns()][:3], level_label("red")
    (['到期时间', '灯色', '工单'], '红灯')
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING

from grievance_rules.calendar import SHANGHAI
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext, pgettext
from grievance_rules.reports.csv import write_table
from grievance_rules.reports.formatting import (
    in_language,
    kind_of_finding_label,
    level_label,
    role_text,
)
from grievance_rules.reports.html import _e, _page, html_table
from grievance_rules.reports.tables import Cell, Column, Table
from grievance_rules.text_width import display_width, pad

if TYPE_CHECKING:
    from grievance_rules.operations import UnitSummary, WatchItem, WatchList

__all__ = [
    "LEVEL_ZH",
    "level_label",
    "time_left_text",
    "watch_csv",
    "watch_html",
    "watch_jsonl",
    "watch_table",
    "watch_text",
    "watch_xlsx",
]

LEVEL_ZH = {"none": "无", "yellow": "黄灯", "red": "红灯", "breached": "超期"}
"""The Chinese name of each level."""


def _columns() -> tuple[Column, ...]:
    return (
        Column("due", _("due")),
        Column("level", _("level")),
        Column("order", _("order")),
        Column("kind", _("kind of finding")),
        Column("rule", _("rule")),
        Column("clause", _("clause")),
        Column("unit", _("unit")),
        Column("notify", _("notify")),
        Column("working_left", _("office time left")),
        Column("natural_left", _("natural time left")),
        Column("changes", _("turns")),
        Column("provisional", _("touches a provisional calendar day")),
        # (the citation whole, as every finding carries it: the clause alone named no
        # document and quoted nothing)
        Column("source", _("source")),
        Column("quote", _("quoted text")),
    )


def _when(instant: dt.datetime) -> str:
    local = instant.astimezone(SHANGHAI)
    text = local.strftime("%Y-%m-%d %H:%M:%S")
    if local.microsecond:
        text += f".{local.microsecond:06d}"
    return text


def time_left_text(seconds: float, *, days: bool = False) -> str:
    """A signed duration with its units named: hours and minutes, and days (``days=True``).

    Office time is said in hours and minutes (``6 h 15 min``, 「6小时15分钟」); natural
    time from a day on with its days too (``1 d 1 h 0 min``, 「1天1小时0分钟」). The
    minutes are whole (rounded down); a negative duration (past due) has a ``-``.

    Example:
        >>> from grievance_rules.i18n import language
        >>> with language("en"):
        ...     (time_left_text(-3600), time_left_text(12 * 3600 + 90))
        ('-1 h 0 min', '12 h 1 min')
        >>> with language("en"):
        ...     time_left_text(90000, days=True)
        '1 d 1 h 0 min'
        >>> with language("zh"):
        ...     time_left_text(-90000, days=True), time_left_text(22500)
        ('-1天1小时0分钟', '6小时15分钟')
    """
    sign = "-" if seconds < 0 else ""
    minutes = int(abs(seconds) // 60)
    hours, minute = divmod(minutes, 60)
    if days and hours >= 24:
        day, hour = divmod(hours, 24)
        return sign + _("{days} d {hours} h {minutes} min").format(
            days=day, hours=hour, minutes=minute
        )
    return sign + _("{hours} h {minutes} min").format(hours=hours, minutes=minute)


def _left_cell(seconds: float, *, days: bool = False) -> str:
    """A table cell of time left: past due, how long ago (no cell starts with ``-``).

    A cell starting with ``-`` that is no number is a formula to a spreadsheet (CSV
    opened in Excel): ``-21 h 0 min`` would show as an error.
    """
    if seconds < 0:
        return _("overdue by {duration}").format(duration=time_left_text(-seconds, days=days))
    return time_left_text(seconds, days=days)


def _notice(item: WatchItem) -> str:
    if item.notify is None:
        return ""
    name = f" {item.notify.name}" if item.notify.name else ""
    return f"{role_text(item.notify.role) or item.notify.role_zh}{name}"


def _changes(item: WatchItem) -> str:
    parts = []
    for change in item.changes:
        who = ""
        if change.notify is not None:
            who = f" → {role_text(change.notify.role) or change.notify.role_zh}"
            if change.notify.name:
                who += f" {change.notify.name}"
        parts.append(f"{level_label(change.level)} {_when(change.at)}{who}")
    return "\n".join(parts)


def _row(item: WatchItem) -> tuple[Cell, ...]:
    return (
        _when(item.due),
        level_label(item.level),
        item.order_id,
        kind_of_finding_label(item.kind),
        item.rule_id if not item.occurrence else f"{item.rule_id}#{item.occurrence}",
        item.citation.clause,
        item.unit_name,
        _notice(item),
        _left_cell(item.working_seconds_left),
        _left_cell(item.natural_seconds_left, days=True),
        _changes(item),
        _("yes") if item.provisional else _("no"),
        item.citation.source,
        item.citation.text,
    )


def watch_table(watch_list: WatchList, *, lang: str | None = None) -> Table:
    """The watch list's rows, sorted by due instant as the list is."""
    with in_language(lang):
        return Table(
            name="watch",
            title=_("Daily watch list"),
            columns=_columns(),
            rows=tuple(_row(item) for item in watch_list.items),
        )


def _summary_line(summary: UnitSummary) -> str:
    return ngettext(
        "{unit}: {items} item, yellow {yellow}, red {red}, breached {breached}; "
        "turning yellow {turning_yellow}, turning red {turning_red}",
        "{unit}: {items} items, yellow {yellow}, red {red}, breached {breached}; "
        "turning yellow {turning_yellow}, turning red {turning_red}",
        summary.items,
    ).format(
        unit=summary.unit_name,
        items=summary.items,
        yellow=summary.yellow,
        red=summary.red,
        breached=summary.breached,
        turning_yellow=summary.turning_yellow,
        turning_red=summary.turning_red,
    )


def _heading(watch_list: WatchList) -> str:
    items = len(watch_list.items)
    return ngettext(
        "{pack} as of {as_of}, horizon to {until}: {items} item of {orders}",
        "{pack} as of {as_of}, horizon to {until}: {items} items of {orders}",
        items,
    ).format(
        pack=watch_list.pack,
        as_of=_when(watch_list.as_of),
        until=_when(watch_list.until),
        items=items,
        orders=ngettext("{orders} order", "{orders} orders", watch_list.orders).format(
            orders=watch_list.orders
        ),
    )


def watch_text(watch_list: WatchList, *, lang: str | None = None) -> str:
    """A plain-text table for a terminal: a heading, one line per item, the unit summaries."""
    with in_language(lang):
        return _watch_text(watch_list)


def _watch_text(watch_list: WatchList) -> str:
    lines = [_heading(watch_list)]
    rows = [_row(item) for item in watch_list.items]
    labels = (_("due"), _("level"), _("order"), _("rule"), _("unit"), _("notify"))
    # each column as wide as its widest cell or its heading (the due instant and the
    # level have a fixed width; orders and rules at least 10 and 28, a long one widens
    # its column)
    widths = [
        max(width, display_width(label))
        for width, label in zip(
            (
                19,
                12,
                max([10, *(display_width(item.order_id) for item in watch_list.items)]),
                max([28, *(display_width(str(row[4])) for row in rows)]),
                max((display_width(item.unit_name) for item in watch_list.items), default=0),
                max((display_width(_notice(item)) for item in watch_list.items), default=0),
            ),
            labels,
            strict=True,
        )
    ]
    if watch_list.items:
        lines.append(
            "  "
            + " ".join(pad(label, width) for label, width in zip(labels, widths, strict=True))
            + " "
            + _("time left")
        )
    provisional = False
    for item, row in zip(watch_list.items, rows, strict=True):
        changes = str(row[10]).replace("\n", pgettext("list", "; "))
        office = time_left_text(abs(item.working_seconds_left))
        natural = time_left_text(abs(item.natural_seconds_left), days=True)
        # past due (by natural time: at night and at weekends no office time has run since,
        # "left 0 h 0 min"): how long ago, not a negative time left
        if item.working_seconds_left < 0 or item.natural_seconds_left < 0:
            left = _("overdue by {office} of office time ({natural} natural time)").format(
                office=office, natural=natural
            )
        else:
            left = _("left {office} of office time ({natural} natural time)").format(
                office=office, natural=natural
            )
        if item.provisional:
            provisional = True
            left += " " + _("[provisional]")
        turns = _("turns: {changes}").format(changes=changes) if changes else ""
        cells = (
            str(row[0]),
            str(row[1]),
            item.order_id,
            str(row[4]),
            item.unit_name,
            str(row[7]),
        )
        padded = " ".join(pad(cell, width) for cell, width in zip(cells, widths, strict=True))
        lines.append("  " + padded + f" {left}" + (f"  {turns}" if turns else ""))
    lines.append("")
    lines.extend(_summary_line(summary) for summary in watch_list.summary())
    if provisional:
        lines.append(
            _(
                "[provisional]: the due instant counts a day no State Council holiday notice "
                "has set yet (a projected calendar); it may move when the notice is published."
            )
        )
    return "\n".join(lines) + "\n"


def watch_jsonl(watch_list: WatchList) -> str:
    """One JSON object per item (the :class:`WatchItem` fields), one line each."""
    return "".join(item.model_dump_json() + "\n" for item in watch_list.items)


def watch_csv(watch_list: WatchList, *, lang: str | None = None) -> str:
    """The table as CSV text (keys as headers; write it with a BOM for Excel)."""
    out = io.StringIO()
    write_table(watch_table(watch_list, lang=lang), out)
    return out.getvalue()


def watch_xlsx(
    watch_list: WatchList, *, lang: str | None = None, zone: dt.tzinfo = SHANGHAI
) -> bytes:
    """An Excel workbook: a sheet of items and a sheet of unit summaries.

    Headers in the current language, frozen; columns fitted to their cells
    (:func:`grievance_rules.reports.xlsx.write_workbook`); counts as numbers; the due
    instant an Excel date-time in ``zone``, named in its header (Excel keeps no zone).
    """
    from grievance_rules.reports.xlsx import (
        DATETIME_FORMAT,
        Sheet,
        excel_datetime,
        write_workbook,
        zone_header,
    )

    with in_language(lang):
        table = watch_table(watch_list)
        due = [c.key for c in table.columns].index("due")
        headers = [column.label for column in table.columns]
        headers[due] = zone_header(headers[due], zone)
        rows: list[list[object]] = []
        for item, row in zip(watch_list.items, table.rows, strict=True):
            cells: list[object] = ["" if cell is None else str(cell) for cell in row]
            cells[due] = excel_datetime(item.due, zone)
            rows.append(cells)
        items = Sheet(
            pgettext("sheet", "Watch list"), headers, rows, formats={due: DATETIME_FORMAT}
        )
        units = Sheet(
            pgettext("sheet", "Units"),
            [
                _("unit"),
                _("items"),
                pgettext("watch level", "yellow"),
                pgettext("watch level", "red"),
                pgettext("watch level", "breached"),
                _("turning yellow"),
                _("turning red"),
            ],
            [
                [s.unit_name, s.items, s.yellow, s.red, s.breached, s.turning_yellow, s.turning_red]
                for s in watch_list.summary()
            ],
        )
        out = io.BytesIO()
        write_workbook([items, units], out)
        return out.getvalue()


def watch_html(watch_list: WatchList, *, lang: str | None = None) -> str:
    """One self-contained HTML page: a section per unit, its summary line, its items."""
    with in_language(lang):
        return _watch_html(watch_list)


def _watch_html(watch_list: WatchList) -> str:
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
        nothing = _("Nothing to watch.")  # outside the f-string, where extraction finds it
        empty = f'<p class="empty">{_e(nothing)}</p>'
        sections.append(("none", _("None."), empty))
    return _page(_("Daily watch list"), _heading(watch_list), sections)
