"""Scorecards, comparisons and evaluated orders as Excel workbooks (``.xlsx``, openpyxl).

One sheet per table, for the people who work in Excel:

* the header row in the current language (简体中文 or English, ``lang=``) and
  frozen, so that it stays in view while scrolling;
* units by name and kind (``东风社区``, ``村（社区）``) beside their ids;
* numbers as numbers, a rate as its share (formatted ``0.0%``) with its numerator
  and denominator in columns of their own, an undefined rate as an empty cell;
* dates as Excel dates, instants as Excel date-times in one zone (Asia/Shanghai
  unless given), the zone written in the column's header (Excel keeps no zone);
* columns as wide as their widest cell (a CJK character counts as two), at most
  :data:`MAX_WIDTH`;
* text that Excel would take for a formula (``=...``) is stored as text, never
  as a formula.

Workbooks written to a path appear only when complete (a temporary file beside
the target, renamed). The same input gives the same bytes: the times openpyxl
writes into a workbook are fixed (:func:`~grievance_rules.workbook_bytes.fixed_workbook_bytes`).

Example:
    >>> import io
    >>> from importlib.resources import files
    >>> from openpyxl import load_workbook
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import score
    >>> card = score(read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders,
    ...              "chengdong")
    >>> out = io.BytesIO()
    >>> scorecard_xlsx(card, out, lang="zh")
    >>> book = load_workbook(out)
    >>> book.sheetnames[:2]
    ['计分表', '得分矩阵']
    >>> sheet = book["计分表"]
    >>> [cell.value for cell in sheet[1]][:7]
    ['考核办法', '考核周期', '起始日', '截止日（不含）', '单位', '单位类型', '单位编号']
    >>> [cell.value for cell in sheet[2]][4:7], sheet.freeze_panes
    (['东风社区', '村（社区）', 'c07'], 'A2')
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from grievance_rules.atomic import atomic_path
from grievance_rules.engine import Assessment, Rejection
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack
from grievance_rules.reports.formatting import (
    actor_text,
    in_language,
    kind_of_finding_label,
    level_label,
    state_label,
    unit_kind_label,
    unit_names_of,
)
from grievance_rules.reports.tables import (
    Cell,
    Column,
    Table,
    comparison_tables,
    rejection_table,
    score_matrix,
    scorecard_tables,
)
from grievance_rules.reports.traces import parameter_labels, trace_joined, trace_text
from grievance_rules.scoring import Comparison, Rate, Scorecard
from grievance_rules.workbook_bytes import fixed_workbook_bytes, xlsx_text

__all__ = [
    "DATETIME_FORMAT",
    "MAX_WIDTH",
    "FindingsWorkbook",
    "Sheet",
    "assessments_xlsx",
    "comparison_xlsx",
    "display_width",
    "excel_datetime",
    "scorecard_xlsx",
    "table_sheet",
    "write_workbook",
    "zone_header",
]

MAX_WIDTH = 60
"""The widest a column is made, in Excel's character units."""

SHANGHAI = ZoneInfo("Asia/Shanghai")

_CODES = frozenset({"unit_kind", "kind", "topic", "topic_zh", "rank"})
"""Columns of codes (and the rank as text) that the workbook leaves out: it shows the
names (``unit_name``, ``kind_name``, ``topic_name``) and the place and peers as numbers."""

_DATES = frozenset({"period_start", "period_end"})
_SHARES = frozenset({"composite"})
"""Columns of shares (:class:`~.tables.Share`), shown as percentages."""
_PERCENT = "0.0%"
_DATE = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
"""How an instant is shown: a date-time in one zone, named in its column's header."""

Target = str | os.PathLike[str] | IO[bytes]


def display_width(value: object) -> int:
    r"""How many columns a value takes in Excel: a wide (CJK) character counts as two.

    Example:
        >>> display_width("东风社区"), display_width("c07"), display_width("a\nlonger")
        (8, 3, 6)
    """
    text = value if isinstance(value, str) else _shown(value)
    if text.isascii():  # the common case, without a look-up per character
        return max(len(line) for line in text.split("\n"))
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        for line in text.split("\n")
    )


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return "2026-01-01 00:00:00"
    if isinstance(value, dt.date):
        return "2026-01-01"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


@dataclass
class Sheet:
    """A sheet to write: its name, header labels, rows and each column's number format.

    ``formats`` maps a column's position to an Excel number format (``0.0%``,
    ``yyyy-mm-dd``); other columns are left as Excel shows them (General).
    """

    name: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    formats: dict[int, str] = field(default_factory=dict)


def _sheet_name(text: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, no brackets, colons, stars, slashes."""
    clean = " ".join("".join(" " if ch in "[]:*?/\\" else ch for ch in text).split()) or "sheet"
    name = clean[:31]
    number = 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = clean[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(name.lower())
    return name


def write_workbook(sheets: Sequence[Sheet], target: Target) -> None:
    """Write sheets to an ``.xlsx`` file (atomically) or to a binary stream.

    Each sheet gets its header row frozen and bold, its columns fitted to their
    widest cell (:func:`display_width`, at most :data:`MAX_WIDTH`), its number
    formats, and text starting with ``=`` stored as text, not as a formula. The
    workbook is written in openpyxl's write-only mode (rows streamed to the file).
    """
    book = Workbook(write_only=True)
    taken: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        work = book.create_sheet(_sheet_name(sheet.name, taken))
        widths = [display_width(header) for header in sheet.headers]
        for row in sheet.rows:
            for position, value in enumerate(row):
                widths[position] = max(widths[position], display_width(value))
        for position, width in enumerate(widths, start=1):
            work.column_dimensions[get_column_letter(position)].width = min(width + 2, MAX_WIDTH)
        work.freeze_panes = "A2"
        header = []
        for text in sheet.headers:
            cell = WriteOnlyCell(work, value=xlsx_text(text))
            cell.font = bold
            header.append(cell)
        work.append(header)
        for row in sheet.rows:
            cells: list[Any] = []
            for position, value in enumerate(row):
                fmt = sheet.formats.get(position)
                if isinstance(value, str):
                    cell = WriteOnlyCell(work, value=xlsx_text(value))
                    if value.startswith("="):
                        cell.data_type = "s"  # text, never a formula
                    cells.append(cell)
                elif fmt is not None and value is not None:
                    cell = WriteOnlyCell(work, value=value)
                    cell.number_format = fmt
                    cells.append(cell)
                else:
                    cells.append(value)
            work.append(cells)
    data = fixed_workbook_bytes(book)
    if not isinstance(target, str | os.PathLike):
        target.write(data)
        return
    with atomic_path(target) as tmp:  # an interrupted run leaves no half-written workbook
        tmp.write_bytes(data)


def _sheet_titles() -> dict[str, str]:
    return {
        "counts": _("Counts"),
        "units": _("Scorecard"),
        "score_matrix": _("Score matrix"),
        "findings": _("Period findings"),
        "rates": _("Rates: what they count"),
        "rejections": _("Inputs rejected"),
        "outcomes": _("Outcomes by pack"),
        "divergences": _("Where the packs diverge"),
        "examples": _("Diverging orders"),
        "unit_scores": _("Unit scores under each pack"),
        "deltas": _("What-if: change by unit"),
        "scorecards": _("Each pack's scorecard"),
    }


def table_sheet(table: Table, *, name: str | None = None) -> Sheet:
    """A report table as a sheet: labels as headers, typed cells, codes left out.

    A rate takes three columns (its share as a percentage, its numerator, its
    denominator); the dates of a period are Excel dates.
    """
    keep = [
        position
        for position, column in enumerate(table.columns)
        if column.key not in _CODES or table.name in ("rates", "score_matrix")
    ]
    keys = [table.columns[position].key for position in keep]
    if "unit" in keys and "unit_name" in keys:  # the unit by name first, its id after its kind
        unit = keep.pop(keys.index("unit"))
        keys.remove("unit")
        after = keys.index("kind_name") if "kind_name" in keys else keys.index("unit_name")
        keep.insert(after + 1, unit)
    headers: list[str] = []
    formats: dict[int, str] = {}
    for position in keep:
        column = table.columns[position]
        if column.rate:
            formats[len(headers)] = _PERCENT
            headers += [
                column.label,
                _("{rate}: numerator").format(rate=column.label),
                _("{rate}: denominator").format(rate=column.label),
            ]
        else:
            if column.key in _DATES:
                formats[len(headers)] = _DATE
            elif column.key in _SHARES:
                formats[len(headers)] = _PERCENT
            headers.append(column.label)
    rows = []
    for row in table.rows:
        cells: list[Any] = []
        for position in keep:
            column, value = table.columns[position], row[position]
            if column.rate:
                cells += _rate_cells(value)
            elif column.key in _DATES and isinstance(value, str):
                cells.append(dt.date.fromisoformat(value))
            else:
                cells.append(value or None if isinstance(value, str) else value)
        rows.append(cells)
    title = name or _sheet_titles().get(table.name, table.title)
    return Sheet(title, headers, rows, formats)


def _rate_cells(value: Cell) -> list[Any]:
    if not isinstance(value, Rate):
        return [None, None, None]
    if value.name == "three_rates":  # a weighted sum: no count of its own
        return [value.value, None, None]
    return [value.value, value.numerator, value.denominator]


def _score_matrix_sheet(card: Scorecard) -> Sheet:
    matrix = score_matrix(card)
    keys = ["unit_name", "kind_name", *(c.key for c in matrix.columns[4:])]
    return table_sheet(matrix.select(*keys))


def scorecard_xlsx(card: Scorecard, target: Target, *, lang: str | None = None) -> None:
    """A scorecard as a workbook, in the current language or ``lang``.

    Sheets: the scorecard (one row per unit and period: orders, points, score,
    place among peers, every rate with numerator and denominator, the pack's
    composite, finding counts and period findings), the score matrix (units down,
    periods across), the period findings with their clauses, what the rates
    count, the counts (inputs = assessed + excluded + rejected) and the inputs
    rejected.
    """
    with in_language(lang):
        counts, units, findings, rates, rejections = scorecard_tables(card)
        sheets = [
            table_sheet(units),
            _score_matrix_sheet(card),
            table_sheet(findings.select(*(c.key for c in findings.columns if c.key != "unit"))),
            table_sheet(rates.select("zh", "numerator", "denominator")),
            table_sheet(counts),
            table_sheet(rejections),
        ]
        write_workbook(sheets, target)


def _delta_table(cmp: Comparison, unit_scores: Table) -> Table | None:
    """What-if (two packs): per unit and period, the score under each and the change."""
    if len(cmp.packs) != 2:
        return None
    base, changed = cmp.packs
    index = {column.key: position for position, column in enumerate(unit_scores.columns)}
    rows = []
    for row in unit_scores.rows:
        before, after = row[index[base]], row[index[changed]]
        change = (
            after - before
            if isinstance(before, int | float) and isinstance(after, int | float)
            else None
        )
        rows.append((*row[: index[base]], before, after, change))
    columns = (
        *unit_scores.columns[: index[base]],
        unit_scores.columns[index[base]],
        unit_scores.columns[index[changed]],
        Column("change", _("change")),
    )
    return Table("deltas", _("What-if: change by unit"), columns, tuple(rows))


def comparison_xlsx(cmp: Comparison, target: Target, *, lang: str | None = None) -> None:
    """A comparison of packs (or a what-if) as a workbook, in the current language or ``lang``.

    Sheets: the counts, each pack's outcomes, where the packs diverge, the
    diverging orders (each side's rules and citations), each unit's score under
    each pack, for two packs (a what-if) the change of each unit's score, every
    pack's scorecard, the period findings and the inputs rejected.
    """
    with in_language(lang):
        counts, outcomes, divergences, examples, unit_scores, cards, findings, rejections = (
            comparison_tables(cmp)
        )
        sheets = [
            table_sheet(counts),
            table_sheet(outcomes),
            table_sheet(divergences),
            table_sheet(examples),
            table_sheet(unit_scores),
        ]
        deltas = _delta_table(cmp, unit_scores)
        if deltas is not None:
            sheets.append(table_sheet(deltas))
        sheets += [
            table_sheet(cards),
            table_sheet(findings.select(*(c.key for c in findings.columns if c.key != "unit"))),
            table_sheet(rejections),
        ]
        write_workbook(sheets, target)


def excel_datetime(instant: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """An instant as a workbook holds it: the wall-clock time in ``zone``, no zone attached."""
    return instant.astimezone(zone).replace(tzinfo=None)


def zone_header(label: str, zone: dt.tzinfo) -> str:
    """A column's label with the zone of its date-times: ``到期（Asia/Shanghai，UTC+08:00）``."""
    offset = dt.datetime(2026, 1, 1, tzinfo=zone).strftime("%z")
    hours = f"UTC{offset[:3]}:{offset[3:]}"
    return _("{column} ({zone}, {offset})").format(column=label, zone=str(zone), offset=hours)


class FindingsWorkbook:
    """The findings of evaluated orders, gathered one order at a time, then saved.

    Sheets: findings (one row per clock, window, deduction and escalation of
    every order: its rule, unit by name and kind, its outcome (a state, what a
    deduction counted, an escalation's action and actor), points, the
    instants it ran between, the clause it cites and the quoted text), orders
    (one row per order: points and counts), and the inputs rejected. Instants
    are Excel date-times in ``zone``, stated in the headers.

    Args:
        zone: the zone the instants are shown in (Excel keeps no zone).
        lang: ``zh`` or ``en`` for the headers and words (default: the current language).
        packs: the packs the orders were assessed under (found by the assessment's
            ``pack``): in Chinese, a parameter's value in a trace is shown with the
            pack's label beside it (:func:`~grievance_rules.reports.traces.parameter_labels`).

    Example:
        >>> import io
        >>> from importlib.resources import files
        >>> from openpyxl import load_workbook
        >>> from grievance_rules.engine import evaluate
        >>> from grievance_rules.reading import read_orders
        >>> book = FindingsWorkbook(lang="en")
        >>> for order in read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders:
        ...     book.add(order, evaluate(order, "chengdong"))
        >>> out = io.BytesIO()
        >>> book.save(out)
        >>> load_workbook(out).sheetnames
        ['Findings', 'Orders', 'Inputs rejected']
    """

    def __init__(
        self, *, zone: dt.tzinfo = SHANGHAI, lang: str | None = None, packs: Iterable[Pack] = ()
    ) -> None:
        self.zone = zone
        self.lang = lang
        self.labels = {pack.key: parameter_labels(pack) for pack in packs}
        self.findings: list[list[Any]] = []
        self.orders: list[list[Any]] = []
        self.rejections: list[Rejection] = []

    def _local(self, instant: dt.datetime | None) -> dt.datetime | None:
        if instant is None:
            return None
        return excel_datetime(instant, self.zone)

    def add(self, order: WorkOrder | None, assessment: Assessment) -> None:
        """Add one order's assessment (``order`` names its units; ``None``: ids only)."""
        with in_language(self.lang):
            self._add(order, assessment)

    def _add(self, order: WorkOrder | None, assessment: Assessment) -> None:
        units = {unit.id: unit for unit in order.units} if order is not None else {}
        names = unit_names_of(units.values())
        labels = self.labels.get(assessment.pack)

        def who(unit_id: str | None) -> list[Any]:
            unit = units.get(unit_id) if unit_id is not None else None
            if unit is None:
                return [unit_id, unit_id, None]
            return [unit.id, unit.name or unit.id, unit_kind_label(unit.kind.value) or None]

        def row(kind: str, finding: Any, unit: str | None, state: str | None, **more: Any) -> None:
            self.findings.append(
                [
                    assessment.order_id,
                    assessment.pack,
                    kind_of_finding_label(kind),
                    finding.rule_id,
                    finding.title,
                    *who(unit),
                    state,
                    more.get("points"),
                    self._local(more.get("start")),
                    self._local(more.get("due")),
                    self._local(more.get("done")),
                    more.get("warning"),
                    more.get("provisional"),
                    finding.citation.clause,
                    finding.citation.text,
                    trace_joined(finding.trace, unit_names=names, parameter_labels=labels) or None,
                ]
            )

        yes, no = _("yes"), _("no")
        for clock in assessment.clocks:
            row(
                "clock",
                clock,
                clock.unit,
                state_label(clock.state),
                start=clock.start,
                due=clock.due,
                done=clock.stopped_at,
                warning=None if clock.warning_level is None else level_label(clock.warning_level),
                provisional=yes if clock.provisional else no,
            )
        for window in assessment.windows:
            row(
                "window",
                window,
                window.unit,
                state_label(window.state),
                start=window.opened_at,
                due=window.closes_at,
                done=window.acted_at,
            )
        for deduction in assessment.deductions:
            row(
                "deduction",
                deduction,
                deduction.unit,
                trace_text(deduction.occurrence, unit_names=names),
                points=deduction.points,
                done=deduction.occurred_at,
            )
        for escalation in assessment.escalations:
            actor = actor_text(
                escalation.actor_role, escalation.actor_body, escalation.actor_unit, names
            )
            row(
                "escalation",
                escalation,
                escalation.target_unit,
                _("{action} ({actor})").format(action=escalation.action, actor=actor)
                if actor
                else escalation.action,
                done=escalation.since,
            )
        self.orders.append(
            [
                assessment.order_id,
                assessment.pack,
                self._local(assessment.as_of),
                yes if assessment.excluded_from_assessment else no,
                assessment.points,
                len(assessment.clocks),
                sum(1 for clock in assessment.clocks if clock.state == "breached"),
                len(assessment.deductions),
                len(assessment.escalations),
            ]
        )

    def reject(self, rejection: Rejection) -> None:
        """Add an input that could not be assessed, with its reasons."""
        self.rejections.append(rejection)

    def sheets(self) -> list[Sheet]:
        """The sheets as they will be written."""
        with in_language(self.lang):
            zone = self.zone
            findings = Sheet(
                _("Findings"),
                [
                    _("order"),
                    _("pack"),
                    _("kind of finding"),
                    _("rule"),
                    _("title"),
                    _("unit id"),
                    _("unit"),
                    _("kind of unit"),
                    _("outcome"),
                    _("points"),
                    zone_header(_("started"), zone),
                    zone_header(_("due"), zone),
                    zone_header(_("done"), zone),
                    _("warning level"),
                    _("touches a provisional calendar day"),
                    _("clause"),
                    _("quoted text"),
                    _("why"),
                ],
                self.findings,
                {10: DATETIME_FORMAT, 11: DATETIME_FORMAT, 12: DATETIME_FORMAT},
            )
            orders = Sheet(
                _("Orders"),
                [
                    _("order"),
                    _("pack"),
                    zone_header(_("assessed at"), zone),
                    _("excluded from assessment"),
                    _("points"),
                    _("time limits"),
                    _("time limits breached"),
                    _("deductions"),
                    _("escalations"),
                ],
                self.orders,
                {2: DATETIME_FORMAT},
            )
            return [findings, orders, table_sheet(rejection_table(self.rejections))]

    def save(self, target: Target) -> None:
        """Write the workbook to a path (atomically) or a binary stream."""
        write_workbook(self.sheets(), target)


def assessments_xlsx(
    assessed: Iterable[tuple[WorkOrder | None, Assessment]],
    target: Target,
    *,
    rejections: Iterable[Rejection] = (),
    zone: dt.tzinfo = SHANGHAI,
    lang: str | None = None,
    packs: Iterable[Pack] = (),
) -> None:
    """Evaluated orders as a workbook (:class:`FindingsWorkbook`) in one call."""
    book = FindingsWorkbook(zone=zone, lang=lang, packs=packs)
    for order, assessment in assessed:
        book.add(order, assessment)
    for rejection in rejections:
        book.reject(rejection)
    book.save(target)
