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
    <stream>:2 (order A2): received_at: naive timestamp '2024-05-06 09:00' has no UTC offset; add one (e.g. +08:00) or read with assume_tz set to the zone it is in (no timezone is guessed) [timezone_aware]
    >>> _ = lines.seek(0)
    >>> read_orders(lines, format="jsonl", assume_tz="Asia/Shanghai").summary()
    '<stream>: 2 records, 2 accepted (0 warnings), 0 rejected'
"""  # noqa: E501

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pydantic_core
from pydantic import ValidationError

from grievance_rules.errors import ReadError
from grievance_rules.model import Severity, WorkOrder, check_history
from grievance_rules.reading.columns import ColumnMapping
from grievance_rules.reading.formats import InputFormat, format_of
from grievance_rules.reading.naive import localize_naive, zone
from grievance_rules.reading.problems import problems_from_issues, problems_from_validation
from grievance_rules.reading.results import (
    Accepted,
    ReadReport,
    RecordProblem,
    RecordResult,
    Rejected,
    SourceLocation,
)
from grievance_rules.reading.tabular import TableRow, csv_rows, record_from_cells, xlsx_rows

__all__ = ["OrderSource", "OrderStream", "iter_orders", "read_orders", "validate_record"]

OrderSource = str | os.PathLike[str] | IO[bytes] | IO[str]
"""A path, or an open file (binary, or text for the text formats)."""

_BOM = b"\xef\xbb\xbf"


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


class _Validator:
    """Turns one record (JSON bytes or a Python object) into a result."""

    def __init__(self, tz: dt.tzinfo | None, strict: bool) -> None:
        self.tz = tz
        self.strict = strict

    def from_json(self, location: SourceLocation, raw: bytes | str) -> RecordResult:
        try:
            order = WorkOrder.model_validate_json(raw)
        except ValidationError as exc:
            if self.tz is not None and _has_naive_timestamp(exc):
                try:
                    obj = pydantic_core.from_json(raw)
                except ValueError:  # pragma: no cover - it parsed a moment ago
                    return Rejected(location, problems_from_validation(exc), None)
                return self.from_object(location, obj)
            return Rejected(location, problems_from_validation(exc), _json_order_id(raw))
        return self.checked(location, order)

    def from_object(
        self, location: SourceLocation, obj: object, problems: Sequence[RecordProblem] = ()
    ) -> RecordResult:
        if self.tz is not None:
            obj = localize_naive(obj, self.tz)
        try:
            order = WorkOrder.model_validate(obj)
        except ValidationError as exc:
            return Rejected(location, (*problems, *problems_from_validation(exc)), _order_id(obj))
        if problems:
            return Rejected(location, tuple(problems), order.id)
        return self.checked(location, order)

    def checked(self, location: SourceLocation, order: WorkOrder) -> RecordResult:
        issues = check_history(order)
        if not issues:
            return Accepted(location, order)
        if self.strict or any(issue.severity is Severity.ERROR for issue in issues):
            return Rejected(location, problems_from_issues(issues), order.id)
        return Accepted(location, order, issues)


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
    validator = _Validator(None if assume_tz is None else zone(assume_tz), strict)
    where = location or SourceLocation("<record>", 1)
    if isinstance(record, bytes | str):
        return validator.from_json(where, record)
    return validator.from_object(where, record)


class OrderStream(Iterable[RecordResult]):
    """The records of one source, read lazily; iterate once.

    Attributes:
        name: the source's name, as used in locations.
        format: its format.
        records: how many records have been yielded so far.
        ignored_columns: table headers that map to no field (known once reading began).
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
        encoding: str = "utf-8-sig",
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
                raise ReadError("reading from a stream needs format= (json, jsonl, csv, xlsx)")
            self.format = format_of(self.name)
        else:
            try:
                self.format = InputFormat(format)
            except ValueError:
                raise ReadError(
                    f"unknown format {format!r}; one of {', '.join(f.value for f in InputFormat)}"
                ) from None
        self.validator = _Validator(None if assume_tz is None else zone(assume_tz), strict)
        self.mapping = ColumnMapping(columns)
        self.sheet = sheet
        self.encoding = encoding
        self.records = 0
        self.ignored_columns: tuple[str, ...] = ()
        self._started = False

    def __iter__(self) -> Iterator[RecordResult]:
        if self._started:
            raise ReadError(f"{self.name}: an OrderStream is read once; call iter_orders again")
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
        if isinstance(self.source, str | os.PathLike):
            try:
                handle = Path(self.source).open("rb")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise ReadError(f"cannot open {self.name}: {exc.strerror}") from None
            with handle:
                yield handle
        elif isinstance(self.source, io.TextIOBase):
            raise ReadError(f"{self.format.value} needs a binary stream, got a text stream")
        else:
            yield self.source  # type: ignore[misc]

    @contextlib.contextmanager
    def _text(self) -> Iterator[IO[str]]:
        if isinstance(self.source, io.TextIOBase):
            yield self.source  # type: ignore[misc]
            return
        with self._binary() as raw:
            text = io.TextIOWrapper(
                raw, encoding=self.encoding, errors="surrogateescape", newline=""
            )
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
            raise ReadError(f"{self.name} is not a JSON document: {exc}") from None
        if isinstance(document, dict) and isinstance(document.get("orders"), list):
            items = document["orders"]
        elif isinstance(document, list):
            items = document
        else:
            items = [document]
        for record, item in enumerate(items, 1):
            yield self.validator.from_object(SourceLocation(self.name, record), item)

    def _table(self, rows: Iterator[TableRow], sheet: str | None) -> Iterator[RecordResult]:
        layout = None
        record = 0
        for row in rows:
            if layout is None:
                if row.problem is None and not row.blank:
                    layout = self.mapping.resolve(row.cells)
                    self.ignored_columns = layout.ignored
                    continue
                if row.problem is None:
                    continue  # blank rows above the header
            if row.blank:
                continue
            record += 1
            location = SourceLocation(self.name, record, line=row.line, row=row.row, sheet=sheet)
            if row.problem is not None or layout is None:
                problem = row.problem or RecordProblem("", "row before the header", "csv")
                yield Rejected(location, (problem,), None)
                continue
            obj, problems = record_from_cells(layout, row.cells)
            yield self.validator.from_object(location, obj, problems)

    def _csv(self) -> Iterator[RecordResult]:
        with self._text() as text:
            yield from self._table(csv_rows(text), None)

    def _xlsx(self) -> Iterator[RecordResult]:
        with self._binary() as raw:
            rows = xlsx_rows(raw, self.sheet)
            first = next(rows, None)
            sheet_name = self.sheet
            if first is not None:
                yield from self._table(_chain(first, rows), sheet_name)


def _chain(first: TableRow, rest: Iterator[TableRow]) -> Iterator[TableRow]:
    yield first
    yield from rest


def iter_orders(
    source: OrderSource,
    format: InputFormat | str | None = None,
    *,
    assume_tz: str | dt.tzinfo | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    strict: bool = False,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
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
        sheet: the xlsx worksheet (default: the first).
        encoding: the CSV encoding (default UTF-8, with or without BOM; ``gb18030``
            for files saved by older Chinese Excel).

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
    )


def read_orders(
    source: OrderSource,
    format: InputFormat | str | None = None,
    *,
    assume_tz: str | dt.tzinfo | None = None,
    columns: Mapping[str, str | Sequence[str]] | None = None,
    strict: bool = False,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
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
    )
    accepted: list[Accepted] = []
    rejected: list[Rejected] = []
    for result in stream:
        if isinstance(result, Accepted):
            accepted.append(result)
        else:
            rejected.append(result)
    return ReadReport(
        stream.name, stream.records, tuple(accepted), tuple(rejected), stream.ignored_columns
    )
