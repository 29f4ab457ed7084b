r"""Reading work orders from files: JSON, JSON Lines, CSV and Excel, every record accounted for.

* :mod:`~grievance_rules.reading.formats` — the formats, told from a file name.
* :mod:`~grievance_rules.reading.columns` — the CSV/xlsx column mapping.
* :mod:`~grievance_rules.reading.tabular` — table rows as records; the header below title rows.
* :mod:`~grievance_rules.reading.cells` — cells as Excel writes them (zh-CN dates, serial days, 是/否).
* :mod:`~grievance_rules.reading.encoding` — UTF-8 or GB18030, told apart.
* :mod:`~grievance_rules.reading.workbook` — xlsx: merged cells, unsaved formulas, sheets.
* :mod:`~grievance_rules.reading.long` — the long layout: orders, 流转记录 and 单位 tables.
* :mod:`~grievance_rules.reading.wide` — the wide layout: milestone columns by a TOML mapping.
* :mod:`~grievance_rules.reading.export` — writing the long layout for Excel.
* :mod:`~grievance_rules.reading.naive` — naive timestamps, read only in a named zone.
* :mod:`~grievance_rules.reading.problems` — errors as field paths and messages.
* :mod:`~grievance_rules.reading.results` — accepted, rejected, the report.
* :mod:`~grievance_rules.reading.reader` — :func:`iter_orders`, :func:`read_orders`.

Example:
    >>> import io
    >>> from grievance_rules.reading import read_orders
    >>> csv_text = ("工单编号,受理渠道,诉求类型,受理时间\n"
    ...             "A1,省级热线,投诉,2024-05-06T09:00:00+08:00\n"
    ...             "A2,省级热线,抱怨,2024-05-06T09:00:00+08:00\n")
    >>> report = read_orders(io.StringIO(csv_text), format="csv")
    >>> report.summary()
    '<stream>: 2 records, 1 accepted (0 warnings), 1 rejected'
    >>> print(report.rejected[0])
    <stream> row 3 (order A2): category: column '诉求类型': Input should be 'consultation', 'help_request', 'complaint', 'report' or 'suggestion' (got '抱怨'); the Chinese terms are accepted too [enum]
"""  # noqa: E501

from __future__ import annotations

from grievance_rules.reading.columns import DEFAULT_HEADERS, ColumnMapping, TableLayout
from grievance_rules.reading.formats import InputFormat, format_of
from grievance_rules.reading.naive import localize_naive
from grievance_rules.reading.reader import (
    OrderSource,
    OrderStream,
    iter_orders,
    read_orders,
    validate_record,
)
from grievance_rules.reading.results import (
    Accepted,
    BatchColumns,
    ReadReport,
    RecordProblem,
    RecordResult,
    Rejected,
    SourceLocation,
    UnnamedColumn,
)

__all__ = [
    "DEFAULT_HEADERS",
    "Accepted",
    "BatchColumns",
    "ColumnMapping",
    "InputFormat",
    "OrderSource",
    "OrderStream",
    "ReadReport",
    "RecordProblem",
    "RecordResult",
    "Rejected",
    "SourceLocation",
    "TableLayout",
    "UnnamedColumn",
    "format_of",
    "iter_orders",
    "localize_naive",
    "read_orders",
    "validate_record",
]
