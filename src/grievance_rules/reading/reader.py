r"""Reading work orders from JSON, JSON Lines, CSV and xlsx: every record accounted for.

:func:`iter_orders` streams: it yields one :class:`~.results.Accepted` or
:class:`~.results.Rejected` per record, in file order, holding nothing else in
memory (JSON Lines, CSV and xlsx; a JSON document is parsed whole).
:func:`read_orders` collects them into a :class:`~.results.ReadReport`.

A record is accepted when it validates as a :class:`~grievance_rules.model.WorkOrder`
and its history has no error-severity issue (in strict mode: no issue at all).
Warnings travel with the accepted order. A file that cannot be read at all
(unknown format, not an xlsx workbook, a JSON document that does not parse)
raises :class:`~grievance_rules.errors.ReadError`.

JSON Lines takes the fast path: each line is validated by pydantic-core straight
from its bytes (``model_validate_json``); Python only checks the history.

Example:
    >>> import io
    >>> lines = io.BytesIO(
    ...     b'{"id": "A1", "channel": "12345", "category": "consultation",'
    ...     b' "received_at": "2024-05-06T09:00:00+08:00"}\n'
    ...     b'{"id": "A2", "channel": "12345", "category": "consultation",'
    ...     b' "received_at": "2024-05-06 09:00"}\n')
    >>> report = read_orders(lines, format="jsonl")
    >>> report.summary()
    '<stream>: 2 records, 1 accepted (0 warnings), 1 rejected'
    >>> print(report.rejected[0])
    <stream>:2 (order A2): received_at: naive timestamp '2024-05-06 09:00' has no UTC offset; add one (e.g. +08:00) or read it with assume_tz naming the zone it is in (no timezone is guessed) [timezone_aware]
    >>> _ = lines.seek(0)
    >>> read_orders(lines, format="jsonl", assume_tz="Asia/Shanghai").summary()
    '<stream>: 2 records, 2 accepted (0 warnings), 0 rejected'
"""  # noqa: E501

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import IO, Any

import pydantic_core
from pydantic import ValidationError

from grievance_rules.errors import ReadError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list, join_truncated, ngettext
from grievance_rules.model import Severity, WorkOrder, check_history
from grievance_rules.reading.cells import id_cell
from grievance_rules.reading.columns import ColumnMapping, TableLayout
from grievance_rules.reading.encoding import AUTO, detect_encoding, seekable
from grievance_rules.reading.formats import InputFormat, format_of
from grievance_rules.reading.long import (
    EVENT_MAPPING,
    UNIT_MAPPING,
    EventRows,
    UnitRows,
    events_for,
)
from grievance_rules.reading.naive import localize_naive, zone
from grievance_rules.reading.problems import (
    problems_from_issues,
    problems_from_validation,
    without_units_table,
    zone_option,
)
from grievance_rules.reading.results import (
    Accepted,
    ReadReport,
    RecordProblem,
    RecordResult,
    Rejected,
    SourceLocation,
    UnnamedColumn,
)
from grievance_rules.reading.tabular import (
    TableRow,
    UnnamedColumns,
    csv_rows,
    formula_problem,
    merged_header_problems,
    record_from_cells,
    split_header,
    summary_row,
    unreadable_text,
)
from grievance_rules.reading.wide import WideLayout, WideMapping

__all__ = [
    "OrderSource",
    "OrderStream",
    "iter_orders",
    "read_orders",
    "record_validator",
    "unsaid",
    "validate_record",
]

OrderSource = str | os.PathLike[str] | Traversable | IO[bytes] | IO[str]
"""A path, a package resource (``importlib.resources.files(...) / name``), or an open
file (binary, or text for the text formats)."""

_BOM = b"\xef\xbb\xbf"


def _repeated_ids(rows: Sequence[TableRow], layout: TableLayout) -> dict[str, list[int]]:
    """The ids on more than one row of an orders sheet, with their rows (as read)."""
    columns = [index for index, name in layout.fields.items() if name == "id"]
    rows_of: dict[str, list[int]] = {}
    for row in rows:
        if row.blank or row.problem is not None or summary_row(row, columns) is not None:
            continue
        for index in columns:
            value = row.cells[index] if index < len(row.cells) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            try:
                key = str(id_cell(value)).strip()
            except ValueError:  # refused with its row, where it is read
                continue
            rows_of.setdefault(key, []).append(row.row)
    return {key: found for key, found in rows_of.items() if len(found) > 1}


def unsaid(found: Iterable[RecordProblem], said: Iterable[RecordProblem]) -> list[RecordProblem]:
    """The model's problems of a record that its cells' own problems (``said``) have not said.

    A cell that said why already: a field left out (not again as missing), a cell in a
    column its event has not (not again as an unknown field), an event whose 环节 was
    refused (not again as an event without a type).
    """
    fields = {problem.field for problem in said}
    return [
        p
        for p in found
        if not (p.code in ("missing", "extra_forbidden") and p.field in fields)
        and not (p.code == "union_tag_not_found" and f"{p.field}.type" in fields)
    ]


def _order_id(obj: object) -> str | None:
    if isinstance(obj, dict):
        value = obj.get("id")
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None


def _json_order_id(raw: bytes | str) -> str | None:
    try:
        return _order_id(pydantic_core.from_json(raw))
    except ValueError:
        return None


def _without_bom(line: bytes | str) -> bytes | str:
    return line.removeprefix(_BOM) if isinstance(line, bytes) else line.lstrip("\ufeff")


def _has_naive_timestamp(exc: ValidationError) -> bool:
    return any(error["type"] == "timezone_aware" for error in exc.errors(include_url=False))


def _too_deep() -> RecordProblem:
    return RecordProblem(
        "", _("the record is nested too deeply to read (thousands of levels)"), "too_deep"
    )


def _check_encoding(name: str) -> None:
    """Refuse an encoding Python does not know, or one that is not a text encoding.

    Raises:
        ReadError: names the encoding and a few that are.
    """
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ReadError(
            _(
                "unknown text encoding {name!r}; e.g. utf-8, utf-8-sig, gb18030, or auto (detect)"
            ).format(name=name)
        )


class _Validator:
    """Turns one record (JSON bytes or a Python object) into a result."""

    def __init__(self, tz: dt.tzinfo | None, strict: bool, zone_option: str | None) -> None:
        self.tz = tz
        self.strict = strict
        self.zone_option = zone_option
        """How the caller gives naive timestamps a zone, as their problems name it."""

    def from_json(self, location: SourceLocation, raw: bytes | str) -> RecordResult:
        try:
            order = WorkOrder.model_validate_json(raw)
        except ValidationError as exc:
            if self.tz is not None and _has_naive_timestamp(exc):
                try:
                    obj = pydantic_core.from_json(raw)
                except ValueError:  # pragma: no cover - it parsed a moment ago
                    return Rejected(location, self.problems(exc), None)
                return self.from_object(location, obj)
            return Rejected(location, self.problems(exc), _json_order_id(raw))
        return self.checked(location, order)

    def from_object(
        self,
        location: SourceLocation,
        obj: object,
        problems: Sequence[RecordProblem] = (),
        *,
        cells: bool = False,
    ) -> RecordResult:
        """A record's result; ``cells``: read from a table's cells (values shown so)."""
        try:
            return self._from_object(location, obj, problems, cells)
        except RecursionError:  # a record nested deeper than Python follows: a rejection
            return Rejected(location, (*problems, _too_deep()), _order_id(obj))

    def _from_object(
        self,
        location: SourceLocation,
        obj: object,
        problems: Sequence[RecordProblem],
        cells: bool = False,
    ) -> RecordResult:
        if self.tz is not None:
            obj = localize_naive(obj, self.tz)
        try:
            # WorkOrder.model_validate(obj), without its Python frame
            order = WorkOrder.__pydantic_validator__.validate_python(obj)
        except ValidationError as exc:
            found = unsaid(self.problems(exc, cells), problems)
            return Rejected(location, (*problems, *found), _order_id(obj))
        if problems:
            return Rejected(location, tuple(problems), order.id)
        return self.checked(location, order)

    def problems(self, exc: ValidationError, cells: bool = False) -> tuple[RecordProblem, ...]:
        """A refused record's problems, a naive timestamp's naming the zone option."""
        return problems_from_validation(exc, cells=cells, zone_option=self.zone_option)

    def checked(self, location: SourceLocation, order: WorkOrder) -> RecordResult:
        """A valid order's result: accepted, with its history's warnings, or rejected."""
        issues = check_history(order)
        if not issues:
            return Accepted(location, order, history_checked=True)
        if self.strict or any(issue.severity is Severity.ERROR for issue in issues):
            return Rejected(location, problems_from_issues(issues), order.id)
        return Accepted(location, order, issues, history_checked=True)


def validate_record(
    record: Mapping[str, Any] | bytes | str,
    *,
    assume_tz: str | dt.tzinfo | None = None,
    strict: bool = False,
    location: SourceLocation | None = None,
) -> RecordResult:
    """Validate one record (a dict, or JSON text) as the reader would.

    Example:
        >>> result = validate_record({"id": "B7", "channel": "app", "category": "建议",
        ...                           "received_at": "2024-05-06T09:00:00+08:00"})
        >>> result.ok, result.order.category
        (True, <Category.SUGGESTION: 'suggestion'>)
    """
    # a single record (what the service sends): no zone option, unless the caller names one
    validator = _Validator(None if assume_tz is None else zone(assume_tz), strict, zone_option())
    where = location or SourceLocation("<record>", 1)
    if isinstance(record, bytes | str):
        return validator.from_json(where, record)
    return validator.from_object(where, record)


def record_validator(
    *, assume_tz: str | dt.tzinfo | None = None, strict: bool = False
) -> Callable[[SourceLocation, Mapping[str, Any]], RecordResult]:
    """What :func:`validate_record` does to a dict, for many dicts: ``check(location, record)``.

    The zone is looked up once, not once a record (a reader of many records).

    Example:
        >>> check = record_validator()
        >>> check(SourceLocation("t", 1), {"id": "B7", "channel": "app", "category": "建议",
        ...                                "received_at": "2024-05-06T09:00:00+08:00"}).ok
        True

    Raises:
        ReadError: an unknown zone.
    """
    return record_checks(assume_tz=assume_tz, strict=strict)[0]


def record_checks(
    *, assume_tz: str | dt.tzinfo | None = None, strict: bool = False
) -> tuple[
    Callable[[SourceLocation, Mapping[str, Any]], RecordResult],
    Callable[[SourceLocation, WorkOrder], RecordResult],
]:
    """:func:`record_validator`'s check, and what it does to an order once validated.

    The second, ``checked(location, order)``, is the end of the first: the order's
    history checked (:func:`~grievance_rules.model.check_history`), the order
    accepted with its warnings or rejected. A reader that makes an order without
    validating it (one it knows validation would make so: the Parquet reader's
    fast path) gives it there.

    Raises:
        ReadError: an unknown zone.
    """
    validator = _Validator(
        None if assume_tz is None else zone(assume_tz), strict, zone_option("assume_tz")
    )
    return validator.from_object, validator.checked


class OrderStream(Iterable[RecordResult]):
    """The records of one source, read lazily; iterate once.

    Attributes:
        name: the source's name, as used in locations.
        format: its format.
        records: how many records have been yielded so far.
        ignored_columns: table headers that map to no field (known once reading began).
        unnamed_columns: table columns with no header that hold data, not read: the
            orders sheet's, then the events and units sheets' (known once read to the end).
        layout: ``row``, ``long`` or ``wide`` for tables (known once reading began).
        title_rows: the rows above a table's header that were skipped as titles.
        encoding_used: the CSV encoding read (detected unless given).
        sheets_used: xlsx: the sheet read for each part (``orders``, ``events``, ``units``).
    """

    def __init__(
        self,
        source: OrderSource,
        format: InputFormat | str | None = None,
        *,
        assume_tz: str | dt.tzinfo | None = None,
        columns: Mapping[str, str | Sequence[str]] | None = None,
        strict: bool = False,
        sheet: str | None = None,
        encoding: str | None = None,
        mapping: str | os.PathLike[str] | WideMapping | None = None,
    ) -> None:
        self.source = source
        if isinstance(source, str | os.PathLike):
            self.name = os.fspath(source)
        else:
            self.name = str(getattr(source, "name", "<stream>"))
            if not isinstance(self.name, str) or not self.name:  # pragma: no cover
                self.name = "<stream>"
        if format is None:
            if self.name == "<stream>":
                raise ReadError(_("reading from a stream needs format= (json, jsonl, csv, xlsx)"))
            self.format = format_of(self.name)
        else:
            try:
                self.format = InputFormat(format)
            except ValueError:
                raise ReadError(
                    _("unknown format {format!r}; one of {formats}").format(
                        format=format, formats=join_list(f.value for f in InputFormat)
                    )
                ) from None
        self.validator = _Validator(
            None if assume_tz is None else zone(assume_tz), strict, zone_option("assume_tz")
        )
        self.mapping = ColumnMapping(columns)
        self.sheet = sheet
        self.encoding = encoding or AUTO
        if self.encoding != AUTO:
            _check_encoding(self.encoding)
        self._mapping_source = mapping
        self._wide: WideMapping | None = mapping if isinstance(mapping, WideMapping) else None
        self.records = 0
        self.ignored_columns: tuple[str, ...] = ()
        self.unnamed_columns: tuple[UnnamedColumn, ...] = ()
        self.title_rows: tuple[int, ...] = ()
        self.layout: str | None = None
        self.encoding_used: str | None = None
        self.sheets_used: dict[str, str] = {}
        self._started = False

    def __iter__(self) -> Iterator[RecordResult]:
        if self._started:
            raise ReadError(
                _("{name}: an OrderStream is read once; call iter_orders again").format(
                    name=self.name
                )
            )
        self._started = True
        return self._results()

    def _results(self) -> Iterator[RecordResult]:
        readers = {
            InputFormat.JSONL: self._jsonl,
            InputFormat.JSON: self._json,
            InputFormat.CSV: self._csv,
            InputFormat.XLSX: self._xlsx,
        }
        for result in readers[self.format]():
            self.records += 1
            yield result

    @contextlib.contextmanager
    def _binary(self) -> Iterator[IO[bytes]]:
        if isinstance(self.source, str | os.PathLike | Traversable):
            # a path, or a package resource (one not on the file system: in a zip)
            where = self.source if isinstance(self.source, Traversable) else Path(self.source)
            try:
                handle = where.open("rb")  # (closed below)
            except OSError as exc:
                raise ReadError(
                    _("cannot open {name}: {problem}").format(name=self.name, problem=exc.strerror)
                ) from None
            with handle:
                yield handle
        elif isinstance(self.source, io.TextIOBase):
            raise ReadError(
                _("{format} needs a binary stream, got a text stream").format(
                    format=self.format.value
                )
            )
        else:
            yield self.source  # type: ignore[misc]

    @contextlib.contextmanager
    def _text(self) -> Iterator[IO[str]]:
        if isinstance(self.source, io.TextIOBase):
            yield self.source  # type: ignore[misc]
            return
        with self._binary() as raw, self._decoded(raw, self.encoding) as text:
            yield text

    @contextlib.contextmanager
    def _decoded(self, raw: IO[bytes], encoding: str) -> Iterator[IO[str]]:
        if encoding == AUTO:
            raw = seekable(raw)
            encoding = detect_encoding(raw)
        self.encoding_used = encoding
        text = io.TextIOWrapper(raw, encoding=encoding, errors="surrogateescape", newline="")
        try:
            yield text
        finally:
            text.detach()

    def _jsonl(self) -> Iterator[RecordResult]:
        record = 0
        stream: Iterable[bytes | str]
        with contextlib.ExitStack() as stack:
            if isinstance(self.source, io.TextIOBase):
                stream = self.source
            else:
                stream = stack.enter_context(self._binary())
            name = self.name
            validate = self.validator.from_json
            for line_number, line in enumerate(stream, 1):
                if line_number == 1:
                    line = _without_bom(line)
                if not line or line.isspace():
                    continue
                record += 1
                yield validate(SourceLocation(name, record, line_number), line)

    def _json(self) -> Iterator[RecordResult]:
        if isinstance(self.source, io.TextIOBase):
            data: bytes | str = self.source.read()
        else:
            with self._binary() as raw:
                data = raw.read()
        data = data.removeprefix(_BOM) if isinstance(data, bytes) else data.lstrip("\ufeff")
        try:
            document = pydantic_core.from_json(data)
        except ValueError as exc:
            raise ReadError(
                _("{name} is not a JSON document: {problem}").format(name=self.name, problem=exc)
            ) from None
        if isinstance(document, dict) and isinstance(document.get("orders"), list):
            items = document["orders"]
        elif isinstance(document, list):
            items = document
        else:
            items = [document]
        for record, item in enumerate(items, 1):
            yield self.validator.from_object(SourceLocation(self.name, record), item)

    @property
    def wide_mapping(self) -> WideMapping:
        """The wide layout's mapping (the package's, unless ``mapping=`` named a file)."""
        if self._wide is None:
            source = self._mapping_source
            self._wide = WideMapping.load(None if source is None else os.fspath(source))  # type: ignore[arg-type]
        return self._wide

    def _recognised(self, cells: Sequence[object]) -> int:
        return self.mapping.recognised(cells) + self.wide_mapping.recognised(cells)

    def _known(self, header: str) -> bool:
        return self.mapping.recognised([header]) > 0 or self.wide_mapping.knows(header)

    def _table(
        self,
        rows: Iterator[TableRow],
        sheet: str | None,
        events: EventRows | None = None,
        units: UnitRows | None = None,
        where: str = "",
        sheet_name: str | None = None,
    ) -> Iterator[RecordResult]:
        """The records of a table's rows.

        ``sheet``: the sheet locations name, if any; ``sheet_name``: the orders sheet
        (xlsx), which the list of unnamed columns names.
        """
        header, titles, rest = split_header(rows, self._recognised, where or self.name, self._known)
        self.title_rows = tuple(row.row for row in titles)
        if header is None:
            return
        if any(unreadable_text(cell) for cell in header.cells):
            raise ReadError(
                _(
                    "{name}: the header (row {row}) is not valid text in {encoding}; read it "
                    "with --encoding auto to have its encoding detected, or name it "
                    "(--encoding gb18030 for what Chinese Excel saves)"
                ).format(
                    name=self.name, row=header.row, encoding=self.encoding_used or self.encoding
                )
            )
        layout = self.mapping.resolve(header.cells)
        wide: WideLayout | None = None
        if events is None and "events" not in layout.fields.values():
            candidate = self.wide_mapping.resolve(header.cells)
            if "handling" in candidate.roles or len(candidate.milestones) >= 2:
                wide = candidate
        self.layout = "long" if events is not None else "wide" if wide is not None else "row"
        ignored = layout.ignored
        if wide is not None:
            used = {layout.headers[i] for i in wide.columns}
            ignored = tuple(h for h in ignored if h not in used)
        if events is not None:
            ignored = (*ignored, *(f"{events.sheet}: {h}" for h in events.ignored))
        self.ignored_columns = ignored
        tz = self.validator.tz
        registry = units.registry if units is not None else []
        # the long layout: every row of an id that is on the orders sheet twice is refused
        # (which 流转记录 rows are whose cannot be told), found before the first is read
        twice: dict[str, list[int]] = {}
        rows_left: Iterable[TableRow] = rest
        if events is not None:
            rows_left = list(rest)
            twice = _repeated_ids(rows_left, layout)
        id_columns = frozenset(index for index, name in layout.fields.items() if name == "id")
        unnamed = UnnamedColumns(header, sheet_name)
        record = 0
        for row in rows_left:
            if row.blank:
                continue
            record += 1
            location = SourceLocation(self.name, record, line=row.line, row=row.row, sheet=sheet)
            if row.problem is not None or row.row < header.row:
                problem = row.problem or RecordProblem("", _("row before the header"), "csv")
                yield Rejected(location, (problem,), None)
                continue
            summary = summary_row(row, id_columns)
            if summary is not None:  # 合计, 注：…: not an order, refused with that one reason
                yield Rejected(location, (summary,), None)
                continue
            unnamed.see(row)
            obj, problems = record_from_cells(layout, row.cells, tz=tz, row=row)
            if header.merges:
                problems.extend(merged_header_problems(header, row, layout.shown))
            event_rows: list[int] = []
            event_columns: list[dict[str, int]] = []
            unit_columns: list[dict[str, int]] = []
            sheet_units: Sequence[object] = ()  # the order's units, from the 单位 sheet
            if events is not None:
                order_id = obj.get("id")
                key = None if order_id is None else str(order_id).strip()
                if key is not None and key in twice:
                    others = [r for r in twice[key] if r != row.row]
                    problems.append(
                        RecordProblem(
                            "id",
                            _(
                                "order {order} is also on row {row}: its 流转记录 rows cannot "
                                "be told apart"
                            ).format(order=key, row=join_list(map(str, others))),
                            "duplicate_order",
                        )
                    )
                    key = None
                found, order_units, more, event_rows = events_for(key, events, units, tz)
                problems.extend(more)
                if found:
                    if "events" in obj:
                        problems.append(
                            RecordProblem(
                                "events",
                                _("events both in a column and on the {sheet} sheet").format(
                                    sheet=events.sheet
                                ),
                                "invalid_cell",
                            )
                        )
                    obj["events"] = found
                if order_units is not None and "units" not in obj:
                    obj["units"] = order_units
                    sheet_units = order_units
            elif wide is not None:
                found, order_units, more = self.wide_mapping.events(
                    wide, row, tz, registry, event_columns, unit_columns
                )
                # a cell read both as the order's field and a milestone's (派单时间: the
                # order's dispatched_at and the 派单 milestone) is reported once (these
                # messages name the cell's column or the cell)
                said = {p.message for p in problems if p.code in ("invalid_cell", "formula")}
                problems.extend(problem for problem in more if problem.message not in said)
                if "events" not in obj:
                    obj["events"] = found
                if "units" not in obj:
                    obj["units"] = order_units
            result = self.validator.from_object(location, obj, problems, cells=True)
            if isinstance(result, Rejected):
                result = _with_columns(result, problems, layout, event_columns, unit_columns)
            if event_rows and isinstance(result, Rejected) and events is not None:
                result = _with_event_rows(result, events, event_rows)
                if units is None:
                    result = without_units_table(result, "单位")
            if sheet_units and isinstance(result, Rejected) and units is not None:
                result = _with_unit_rows(result, units, sheet_units)
            yield result
        if events is not None:
            for order_id, group in list(events.by_order.items()):
                record += 1
                first = group[0].row
                location = SourceLocation(self.name, record, row=first, sheet=events.sheet)
                what = (
                    _("order {order}").format(order=order_id)
                    if order_id is not None
                    else _("no order (工单编号 empty)")
                )
                if order_id is not None and order_id in twice:  # its rows were refused
                    orphaned = RecordProblem(
                        "",
                        ngettext(
                            "{count} {sheet} row ({rows}) for {what}, which is on rows "
                            "{orders} of the orders sheet: not assessed with either",
                            "{count} {sheet} rows ({rows}) for {what}, which is on rows "
                            "{orders} of the orders sheet: not assessed with either",
                            len(group),
                        ).format(
                            count=len(group),
                            sheet=events.sheet,
                            rows=_row_list(group),
                            what=what,
                            orders=join_list(map(str, twice[order_id])),
                        ),
                        "duplicate_order",
                    )
                else:
                    orphaned = RecordProblem(
                        "",
                        ngettext(
                            "{count} {sheet} row ({rows}) for {what}, which the orders "
                            "sheet does not have",
                            "{count} {sheet} rows ({rows}) for {what}, which the orders "
                            "sheet does not have",
                            len(group),
                        ).format(
                            count=len(group), sheet=events.sheet, rows=_row_list(group), what=what
                        ),
                        "orphan_events",
                    )
                # an order id that is a formula never calculated reads as empty: say so
                unsaved = tuple(
                    formula_problem(
                        "order", row.row, column, f"{events.sheet}: {events.header(column)}"
                    )
                    for row in (group if order_id is None else ())
                    for column in row.formulas
                    if events.columns.get(column) == "order"
                )
                yield Rejected(location, (orphaned, *unsaved), order_id)
            events.by_order.clear()
            for row, summary in events.summaries:  # 合计, 注：… under the events: no order's
                record += 1
                location = SourceLocation(self.name, record, row=row.row, sheet=events.sheet)
                yield Rejected(location, (summary,), None)
            events.summaries.clear()
        # the orders sheet's first, then the events and units sheets' (read before it)
        self.unnamed_columns = (*unnamed.found(), *self.unnamed_columns)

    def _csv(self) -> Iterator[RecordResult]:
        events = units = None
        if isinstance(self.source, str | os.PathLike):
            events = self._sibling_table("events", EVENT_MAPPING.recognised, EventRows.of)
            units = self._sibling_table("units", UNIT_MAPPING.recognised, UnitRows.of)
        with self._text() as text:
            yield from self._table(csv_rows(text), None, events, units)

    def _sibling_table(self, part: str, recognised: Any, build: Any) -> Any:
        path = _sibling(Path(os.fspath(self.source)), part)  # type: ignore[arg-type]
        if path is None:
            return None
        self.sheets_used[part] = str(path)
        with path.open("rb") as raw, self._decoded(raw, self.encoding) as text:
            header, _titles, rest = split_header(csv_rows(text), recognised)
            if header is None:
                return None
            unnamed = UnnamedColumns(header, path.name)
            table = build(path.name, header, unnamed.watch(rest))
            self.unnamed_columns = (*self.unnamed_columns, *unnamed.found())
            return table

    def _xlsx(self) -> Iterator[RecordResult]:
        from grievance_rules.reading.workbook import XlsxWorkbook

        with self._binary() as raw, XlsxWorkbook(raw) as book:
            heads = {name: book.head(name) for name in book.sheetnames}
            roles = {name: self._sheet_role(head) for name, head in heads.items()}
            # a hidden sheet (old data, a template, lookups) is read only when named, or
            # when no visible sheet has that part
            events_sheet = self._only_sheet(book, roles, "events")
            units_sheet = self._only_sheet(book, roles, "units")
            if self.sheet is not None:
                orders_sheet = book.named(self.sheet)  # raises for no such sheet
            else:
                # of the sheets that look like orders, the one whose header names the
                # most order columns (a list of a few allowed values, 字典, or notes on
                # the columns, 字段说明, name two or three); the first of equals
                candidates = _visible_first(book, [n for n, r in roles.items() if r == "orders"])
                named = {n: max(self._recognised(cells) for cells in heads[n]) for n in candidates}
                orders_sheet = max(candidates, key=named.__getitem__, default=book.sheetnames[0])
                if candidates:
                    # orders on several sheets (1月, 2月, ...): one would be read, the
                    # others lost without a word
                    also = [
                        n
                        for n in candidates
                        if n != orders_sheet
                        and named[n] >= named[orders_sheet]
                        and book.has_data(n, 2) > 1
                    ]
                    if also and book.has_data(orders_sheet, 2) > 1:
                        raise ReadError(
                            _(
                                "{name}: orders on several sheets: {sheets}; read one at a "
                                "time with --sheet NAME (sheet= in Python), or put them on "
                                "one sheet"
                            ).format(name=self.name, sheets=join_list([orders_sheet, *also]))
                        )
            if book.has_data(orders_sheet, 2) <= 1:
                others = [
                    name
                    for name in book.sheetnames
                    if name != orders_sheet
                    and roles[name] not in ("events", "units")
                    and book.has_data(name, 2) > 1
                ]
                if others:
                    raise ReadError(
                        _(
                            "{name}: sheet {sheet!r} has no orders; sheet {other!r} has data: "
                            "read it with --sheet {other} (sheet= in Python); sheets: {sheets}"
                        ).format(
                            name=self.name,
                            sheet=orders_sheet,
                            other=others[0],
                            sheets=join_list(book.sheetnames),
                        )
                    )
            self.sheets_used["orders"] = orders_sheet
            events = units = None
            if events_sheet is not None and events_sheet != orders_sheet:
                self.sheets_used["events"] = events_sheet
                header, _titles, rest = split_header(
                    book.rows(events_sheet),
                    EVENT_MAPPING.recognised,
                    f"{self.name}[{events_sheet}]",
                )
                if header is not None:
                    unnamed = UnnamedColumns(header, events_sheet)
                    events = EventRows.of(events_sheet, header, unnamed.watch(rest))
                    self.unnamed_columns = (*self.unnamed_columns, *unnamed.found())
            if units_sheet is not None and units_sheet != orders_sheet:
                self.sheets_used["units"] = units_sheet
                header, _titles, rest = split_header(
                    book.rows(units_sheet), UNIT_MAPPING.recognised, f"{self.name}[{units_sheet}]"
                )
                if header is not None:
                    unnamed = UnnamedColumns(header, units_sheet)
                    units = UnitRows.of(units_sheet, header, unnamed.watch(rest))
                    self.unnamed_columns = (*self.unnamed_columns, *unnamed.found())
            shown = orders_sheet if (self.sheet is not None or len(book.sheetnames) > 1) else None
            yield from self._table(
                book.rows(orders_sheet),
                shown,
                events,
                units,
                f"{self.name}[{orders_sheet}]",
                orders_sheet,
            )

    def _only_sheet(self, book: Any, roles: Mapping[str, str | None], role: str) -> str | None:
        """The sheet of the long layout's ``events`` or ``units``: the one such sheet.

        Raises:
            ReadError: several (visible) sheets hold that part: which would be read?
        """
        found = _visible_first(book, [n for n, r in roles.items() if r == role])
        if not found:
            return None
        many = [n for n in found if book.hidden(n) == book.hidden(found[0])]
        if len(many) > 1:
            raise ReadError(
                _("{name}: several sheets hold {what}: {sheets}; put them on one sheet").format(
                    name=self.name,
                    what="流转记录 (events)" if role == "events" else "单位 (units)",
                    sheets=join_list(many),
                )
            )
        return str(found[0])

    def _sheet_role(self, head: Sequence[Sequence[object]]) -> str | None:
        """``events``, ``units``, ``orders`` or None, from a sheet's first rows."""
        for cells in head:
            events = set(EVENT_MAPPING.resolve(cells).values())
            if {"order", "type", "at"} <= events:
                return "events"
            units = set(UNIT_MAPPING.resolve(cells).values())
            if {"id", "kind"} <= units and self.mapping.recognised(cells) < 3:
                return "units"
            if self._recognised(cells) >= 2:
                return "orders"
        return None


def _visible_first(book: Any, names: Sequence[str]) -> list[str]:
    """The visible sheets of ``names``, in order; the hidden ones only when none is visible."""
    visible = [n for n in names if not book.hidden(n)]
    return visible or list(names)


_SIBLING_NAMES = {"events": ("流转记录", "events"), "units": ("单位", "units")}


def _sibling(path: Path, part: str) -> Path | None:
    """The long layout's other CSV file beside ``path``: ``工单.流转记录.csv``, ``x.events.csv``."""
    for word in _SIBLING_NAMES[part]:
        candidate = path.with_name(f"{path.stem}.{word}{path.suffix}")
        if candidate.is_file():
            return candidate
    return None


def _row_list(rows: Sequence[TableRow]) -> str:
    return join_truncated([row.row for row in rows], 10)


def _with_columns(
    result: Rejected,
    said: Sequence[RecordProblem],
    layout: TableLayout,
    event_columns: Sequence[Mapping[str, int]],
    unit_columns: Sequence[Mapping[str, int]] = (),
) -> Rejected:
    """Problems the model found in a row's cells name the cell's column, as the sheet heads it.

    The model names a field (``channel``, ``location.latitude``, a wide sheet's
    ``events[3].satisfaction``); the official looks for the column: 来源渠道, 纬度（WGS84）,
    满意度评价; a wide sheet's event (``events[2]``: a callback before any reply) is named
    by its milestone's time column (回访时间). A unit a wide sheet's row names has no
    row of its own: a problem of one of its fields (``units[0].kind``: 村委 is no kind of
    unit) is filed under the column that gave the field (承办单位类型; its id and name:
    the unit's column, 承办单位), as the wide layout files its own problems.
    Problems the cells already gave (``said``: they name their column), a naive
    timestamp (the whole file was read without ``--tz``) and problems of no one column
    are left as they are.
    """
    column_of = {name: index for index, name in layout.fields.items()}
    marker = _("column {header!r}: {message}").split("{header!r}")[0]
    problems = []
    for problem in result.problems:
        unit = _UNIT_FIELD.fullmatch(problem.field) if unit_columns else None
        if unit is not None and int(unit.group(1)) < len(unit_columns):
            at = unit_columns[int(unit.group(1))].get(unit.group(2) or "id")
            if at is not None and at < len(layout.headers):
                problem = RecordProblem(layout.headers[at], problem.message, problem.code)
            problems.append(problem)
            continue
        column = None
        if (
            problem.code != "timezone_aware"  # the file read without --tz: said once a record
            and not any(problem is given for given in said)
            and marker not in problem.message
        ):
            found = _EVENT_FIELD.fullmatch(problem.field)
            if found is not None:
                index, name = int(found.group(1)), found.group(2)
                if index < len(event_columns):  # the event itself: its milestone's time
                    column = event_columns[index].get(name or "at")
            else:
                column = column_of.get(_ITEM.sub("", problem.field))
        if column is not None and column < len(layout.headers):
            problem = RecordProblem(
                problem.field,
                _("column {header!r}: {message}").format(
                    header=layout.header(column, shown=True), message=problem.message
                ),
                problem.code,
            )
        problems.append(problem)
    return Rejected(result.location, tuple(problems), result.order_id)


_ITEM = re.compile(r"\[\d+\]$")
"""A list item's index at a path's end (``special_kinds[1]``): the item is in its list's cell."""


def _with_event_rows(result: Rejected, events: EventRows, rows: Sequence[int]) -> Rejected:
    """Problems of ``events[i]`` say which row of the events sheet the event is on.

    A problem of one of the event's fields (``events[2].round``, refused by the model:
    0) names that field's column too, as the events sheet heads it.
    """
    sheet = events.sheet
    column_of = {name: index for index, name in events.columns.items()}
    problems = []
    for problem in result.problems:
        marker = _("{sheet} row {row}").split("{row}")[0].format(sheet=sheet)
        found = _EVENT_FIELD.match(problem.field)
        if found is not None and marker not in problem.message:
            index, name = int(found.group(1)), found.group(2)
            if index < len(rows):
                column = column_of.get(name) if name else None
                header = (
                    events.header(column)
                    if column is not None and column < len(events.headers)
                    else None
                )
                problem = _on_sheet(problem, sheet, rows[index], header)
        problems.append(problem)
    return Rejected(result.location, tuple(problems), result.order_id)


def _with_unit_rows(result: Rejected, units: UnitRows, listed: Sequence[object]) -> Rejected:
    """Problems of ``units[i]`` say which row of the units sheet the unit is on.

    The model refuses a unit's field (``units[1].kind``: 村委 is no kind of unit); the
    official looks for the row on the 单位 sheet, and the column (类型).
    """
    problems = []
    for problem in result.problems:
        found = _UNIT_FIELD.fullmatch(problem.field)
        if found is not None and int(found.group(1)) < len(listed):
            row = units.rows.get(id(listed[int(found.group(1))]))
            header = units.headers.get(found.group(2) or "")
            if row is not None:
                problem = _on_sheet(problem, units.sheet, row, header)
        problems.append(problem)
    return Rejected(result.location, tuple(problems), result.order_id)


def _on_sheet(problem: RecordProblem, sheet: str, row: int, header: str | None) -> RecordProblem:
    """The problem, saying the row (and the column, if known) of the sheet it is on."""
    if header is not None:
        where = _("{sheet} row {row}, column {header!r}").format(
            sheet=sheet, row=row, header=header
        )
    else:
        where = _("{sheet} row {row}").format(sheet=sheet, row=row)
    message = _("{message} ({where})").format(message=problem.message, where=where)
    return RecordProblem(problem.field, message, problem.code)


_UNIT_FIELD = re.compile(r"units\[(\d+)\](?:\.(\w+))?")
"""A unit's problem path: the unit's index in the order's units, and the field."""

_EVENT_FIELD = re.compile(r"events\[(\d+)\](?:\.(\w+))?")
"""An event's problem path: the event's index, and the field (``events[2].evidence[0].kind``:
``evidence``), if the problem is one of a field's."""


def iter_orders(
    source: OrderSource,
    format: InputFormat | str | None = None,
    *,
    assume_tz: str | dt.tzinfo | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    strict: bool = False,
    sheet: str | None = None,
    encoding: str | None = None,
    mapping: str | os.PathLike[str] | WideMapping | None = None,
) -> OrderStream:
    """Stream the records of a file, each as Accepted or Rejected, in file order.

    Args:
        source: a path or an open file (binary; text works for JSON, JSON Lines, CSV).
        format: ``json``, ``jsonl``, ``csv`` or ``xlsx``; from the file name when omitted.
        assume_tz: the zone naive timestamps are in (e.g. ``"Asia/Shanghai"``); without
            it a naive timestamp rejects its record. No zone is ever guessed.
        columns: CSV/xlsx column overrides, ``{field: header}``; see
            :mod:`grievance_rules.reading.columns`.
        strict: reject records whose history has warnings, not only errors.
        sheet: the xlsx worksheet of the orders (default: the first sheet whose
            header names order fields, else the first).
        encoding: the CSV encoding; default (None or ``"auto"``): detected, UTF-8
            with or without BOM or GB18030 (see :mod:`.encoding`).
        mapping: the wide layout's mapping file (default: the package's; see
            :mod:`.wide`).

    Raises:
        ReadError: the source cannot be read at all (raised when iteration starts
            for open failures, at once for a bad format or zone).
    """
    return OrderStream(
        source,
        format,
        assume_tz=assume_tz,
        columns=columns,
        strict=strict,
        sheet=sheet,
        encoding=encoding,
        mapping=mapping,
    )


def read_orders(
    source: OrderSource,
    format: InputFormat | str | None = None,
    *,
    assume_tz: str | dt.tzinfo | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    strict: bool = False,
    sheet: str | None = None,
    encoding: str | None = None,
    mapping: str | os.PathLike[str] | WideMapping | None = None,
) -> ReadReport:
    """Read a whole file into a report: accepted orders, rejected records, counts that add up.

    Takes the arguments of :func:`iter_orders`.
    """
    stream = iter_orders(
        source,
        format,
        assume_tz=assume_tz,
        columns=columns,
        strict=strict,
        sheet=sheet,
        encoding=encoding,
        mapping=mapping,
    )
    accepted: list[Accepted] = []
    rejected: list[Rejected] = []
    for result in stream:
        if isinstance(result, Accepted):
            accepted.append(result)
        else:
            rejected.append(result)
    return ReadReport(
        stream.name,
        stream.records,
        tuple(accepted),
        tuple(rejected),
        stream.ignored_columns,
        stream.unnamed_columns,
    )
