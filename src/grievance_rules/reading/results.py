"""What reading gives back: each record accepted or rejected, with where it came from.

Reading never loses a record: every record the file holds comes back as
:class:`Accepted` (a valid order, perhaps with warnings) or :class:`Rejected`
(with every problem found), and :class:`ReadReport` checks that the counts add up.

Example:
    >>> loc = SourceLocation("orders.jsonl", record=3, line=3)
    >>> str(Rejected(loc, (RecordProblem("received_at", "field required", "missing"),), "A1"))
    'orders.jsonl:3 (order A1): received_at: field required [missing]'
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt

from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext
from grievance_rules.model import HistoryIssue, WorkOrder
from grievance_rules.reading.columns import field_label

__all__ = [
    "Accepted",
    "BatchColumns",
    "ReadReport",
    "RecordProblem",
    "RecordResult",
    "Rejected",
    "SourceLocation",
    "UnnamedColumn",
    "read_summary",
]


def read_summary(source: str, records: int, accepted: int, warnings: int, rejected: int) -> str:
    """One line: the records of ``source``, how many accepted (with warnings) and rejected.

    Example:
        >>> read_summary("orders.jsonl", 1, 1, 1, 0)
        'orders.jsonl: 1 record, 1 accepted (1 warning), 0 rejected'
        >>> read_summary("orders.jsonl", 2, 1, 0, 1)
        'orders.jsonl: 2 records, 1 accepted (0 warnings), 1 rejected'
    """
    said = ngettext("{warnings} warning", "{warnings} warnings", warnings).format(warnings=warnings)
    return ngettext(
        "{source}: {records} record, {accepted} accepted ({warnings}), {rejected} rejected",
        "{source}: {records} records, {accepted} accepted ({warnings}), {rejected} rejected",
        records,
    ).format(source=source, records=records, accepted=accepted, warnings=said, rejected=rejected)


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a record is in its source.

    Attributes:
        file: the file name (or ``<stream>``).
        record: the record's ordinal in the file, from 1.
        line: the line (JSON Lines; CSV: the line the row ends on).
        row: the spreadsheet row, header row 1 (CSV and xlsx).
        sheet: the worksheet (xlsx).
    """

    file: str
    record: int
    line: int | None = None
    row: int | None = None
    sheet: str | None = None

    def __str__(self) -> str:
        if self.row is not None:
            sheet = f"[{self.sheet}]" if self.sheet else ""
            return _("{file} row {row}").format(file=f"{self.file}{sheet}", row=self.row)
        if self.line is not None:
            return f"{self.file}:{self.line}"
        return _("{file} record {record}").format(file=self.file, record=self.record)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, keys in a fixed order."""
        return {
            "file": self.file,
            "record": self.record,
            "line": self.line,
            "row": self.row,
            "sheet": self.sheet,
        }


@dataclass(frozen=True, slots=True)
class RecordProblem:
    """One thing wrong with a record.

    Attributes:
        field: the path of the field, e.g. ``events[2].at``; empty for the record itself.
        message: what is wrong, with the value where that helps.
        code: a stable code: a pydantic error type (``missing``, ``timezone_aware``,
            ``enum`` ...), a history issue code (``callback_before_reply`` ...),
            or a reader code (``invalid_json``, ``invalid_cell``, ``encoding``,
            ``formula``, ``cell_error``: an xlsx cell showing ``#N/A`` …,
            ``too_deep``: a record nested deeper than Python follows,
            ``summary_row``: a table's totals row or note, 合计 or 注：…, not an order).
    """

    field: str
    message: str
    code: str

    def __str__(self) -> str:
        if not self.field:
            return f"{self.message} [{self.code}]"
        return _("{field}: {message} [{code}]").format(
            field=field_label(self.field), message=self.message, code=self.code
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, keys in a fixed order (``field`` as it is, for programs)."""
        return {"field": self.field, "message": self.message, "code": self.code}


@dataclass(frozen=True, eq=False)
class BatchColumns:
    """What a batch of orders' events were, as numbers: the cells a reader read them from.

    A Parquet file holds instants as microseconds since 1970-01-01 UTC and text as
    codes into a dictionary of words; the reader makes the orders from those cells,
    and gives them beside the orders too (:attr:`Accepted.columns`), so that evaluation
    over a whole batch (``grievance_rules.columnar``) need not read every event's
    object again for them.

    Attributes:
        at: each event's ``at`` in µs, the batch's orders' events end to end, each
            order's in the order its ``events`` lists them.
        bounds: order ``k``'s events are the rows ``bounds[k]`` to ``bounds[k + 1] - 1``.
        received: per order, its ``received_at`` in µs.
        reply_deadline: per order, its ``reply_deadline`` in µs (``-1``: none).
        types: per event, its ``type`` as a code into :attr:`type_names`.
        type_names: the words :attr:`types` codes.
        units: per event, its acting ``unit`` as a code into :attr:`unit_names` (``-1``:
            none).
        unit_names: the words :attr:`units` codes.
        field_codes: a field of the events at some rows (``field_codes(name, rows)``,
            rows of :attr:`at`) as codes: events with equal codes hold equal values,
            ``-1`` none; ``None`` for a field the reader does not code (its column not
            text, a boolean or whole numbers).
    """

    at: npt.NDArray[np.int64]
    bounds: npt.NDArray[np.int64]
    received: npt.NDArray[np.int64]
    reply_deadline: npt.NDArray[np.int64]
    types: npt.NDArray[np.int64]
    type_names: tuple[str, ...]
    units: npt.NDArray[np.int64]
    unit_names: tuple[str, ...]
    field_codes: Callable[[str, npt.NDArray[np.int64]], npt.NDArray[np.int64] | None] = field(
        repr=False
    )


@dataclass(frozen=True, slots=True)
class Accepted:
    """A record read into a valid order (its warnings, if any, beside it).

    Attributes:
        location: where the record is.
        order: the order.
        warnings: its history's warnings.
        history_checked: set by the readers, which check each order's history (an
            error-severity issue, or with ``strict`` any issue, rejects the record):
            ``ensure_coherent`` would pass the order, so evaluation need not check it
            again. ``False`` for an ``Accepted`` made by hand.
        integers_fit: set by the Parquet reader when each integer the order's events
            can hold was read from a column of signed integers (of at most 64 bits):
            the engine's check that every event integer fits 64 bits would pass the
            order, so evaluation need not make it. ``False`` otherwise.
        columns: set by the Parquet reader for an order it made from its cells
            unchanged: its batch's events as numbers, and the order's place ``k`` in
            them (:class:`BatchColumns`). ``None`` otherwise.
    """

    location: SourceLocation
    order: WorkOrder
    warnings: tuple[HistoryIssue, ...] = ()
    history_checked: bool = field(default=False, compare=False, repr=False)
    integers_fit: bool = field(default=False, compare=False, repr=False)
    columns: tuple[BatchColumns, int] | None = field(default=None, compare=False, repr=False)

    ok: ClassVar[Literal[True]] = True
    """Always true: ``if result.ok:`` tells a type checker the result is an ``Accepted``."""

    def __str__(self) -> str:
        return _("{location} (order {order}): accepted").format(
            location=self.location, order=self.order.id
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled without :attr:`columns`: the reader's numbers stay where they were read.

        They are its whole batch's, shared by the batch's records: a record sent to
        another process (a worker) would carry them all. It carries its order, and
        what its reader vouched for, as before.
        """
        fields = (self.location, self.order, self.warnings, self.history_checked)
        return (Accepted, (*fields, self.integers_fit))


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that is not a valid order, with every problem found."""

    location: SourceLocation
    problems: tuple[RecordProblem, ...]
    order_id: str | None = None

    ok: ClassVar[Literal[False]] = False
    """Always false: ``if not result.ok:`` tells a type checker it is a ``Rejected``."""

    def __str__(self) -> str:
        problems = _("; ").join(str(p) for p in self.problems)
        if self.order_id is None:
            return _("{location}: {problems}").format(location=self.location, problems=problems)
        return _("{location} (order {order}): {problems}").format(
            location=self.location, order=self.order_id, problems=problems
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, keys in a fixed order."""
        return {
            "location": self.location.to_dict(),
            "order_id": self.order_id,
            "problems": [p.to_dict() for p in self.problems],
        }


RecordResult = Accepted | Rejected
"""What reading one record gives."""


@dataclass(frozen=True, slots=True)
class UnnamedColumn:
    """A table's column with no header that holds data: not read, and listed.

    No header names its field, so it is not read, as a column whose header names no
    field is not (:attr:`ReadReport.ignored_columns`).

    Attributes:
        sheet: the worksheet (xlsx); None for a CSV file.
        column: the column's letter, as the spreadsheet shows it (``E``).
        first_row: the first row with data in the column (the sheet's row number).
        rows: how many rows have data in it.

    Example:
        >>> print(UnnamedColumn("工单", "E", 5, 2))
        column E of sheet '工单' has no header but holds data in 2 rows (the first is row 5): not read; give the column a header, or clear it
    """  # noqa: E501

    sheet: str | None
    column: str
    first_row: int
    rows: int

    def __str__(self) -> str:
        if self.sheet is None:
            text = ngettext(
                "column {column} has no header but holds data in {count} row (row {first}): "
                "not read; give the column a header, or clear it",
                "column {column} has no header but holds data in {count} rows (the first is "
                "row {first}): not read; give the column a header, or clear it",
                self.rows,
            )
        else:
            text = ngettext(
                "column {column} of sheet {sheet!r} has no header but holds data in {count} "
                "row (row {first}): not read; give the column a header, or clear it",
                "column {column} of sheet {sheet!r} has no header but holds data in {count} "
                "rows (the first is row {first}): not read; give the column a header, or "
                "clear it",
                self.rows,
            )
        return text.format(
            column=self.column, sheet=self.sheet, count=self.rows, first=self.first_row
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, keys in a fixed order."""
        return {
            "sheet": self.sheet,
            "column": self.column,
            "first_row": self.first_row,
            "rows": self.rows,
        }


@dataclass(frozen=True)
class ReadReport:
    """Everything read from one source.

    Attributes:
        source: the file name.
        records: how many records the file held (blank lines and rows not counted).
        accepted: the valid orders, in file order.
        rejected: the rejected records, in file order.
        ignored_columns: CSV/xlsx headers that map to no field.
        unnamed_columns: CSV/xlsx columns with no header that hold data (not read).

    Raises:
        AssertionError: the counts do not add up (a bug, never a property of the input).
    """

    source: str
    records: int
    accepted: tuple[Accepted, ...]
    rejected: tuple[Rejected, ...]
    ignored_columns: tuple[str, ...] = field(default=())
    unnamed_columns: tuple[UnnamedColumn, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.records != len(self.accepted) + len(self.rejected):  # pragma: no cover
            raise AssertionError(
                f"{self.source}: {self.records} records but {len(self.accepted)} accepted "
                f"+ {len(self.rejected)} rejected"
            )

    @property
    def orders(self) -> tuple[WorkOrder, ...]:
        """The accepted orders."""
        return tuple(a.order for a in self.accepted)

    @property
    def warning_count(self) -> int:
        """How many warnings the accepted records carry in all."""
        return sum(len(a.warnings) for a in self.accepted)

    def problem_counts(self) -> dict[str, int]:
        """How often each problem code occurs among the rejected records, most frequent first."""
        counts = Counter(p.code for r in self.rejected for p in r.problems)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def summary(self) -> str:
        """One line: records, accepted, rejected, warnings."""
        return read_summary(
            self.source, self.records, len(self.accepted), self.warning_count, len(self.rejected)
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (accepted orders by id and location, not in full)."""
        return {
            "source": self.source,
            "records": self.records,
            "accepted": len(self.accepted),
            "rejected": len(self.rejected),
            "warnings": [
                {"location": a.location.to_dict(), "order_id": a.order.id, **w.to_dict()}
                for a in self.accepted
                for w in a.warnings
            ],
            "rejections": [r.to_dict() for r in self.rejected],
            "problem_counts": self.problem_counts(),
            "ignored_columns": list(self.ignored_columns),
            "unnamed_columns": [column.to_dict() for column in self.unnamed_columns],
        }
