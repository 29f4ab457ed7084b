"""The column mapping of CSV and xlsx files: which header holds which field.

The layout is one row per order. Plain fields have a column each; the order's
units and events are JSON arrays in one cell each (``units``, ``events``); list
fields (``special_kinds``, ``flags``) are a JSON array or values separated by
``,``, ``，``, ``;``, ``；``, ``、`` or ``|``; nested location fields are
``location.address`` and so on. Enumerated values may be given as the English
value or the Chinese term (``投诉``, ``省级热线``).

Each field is found under its English name or one of its Chinese headers
(:data:`DEFAULT_HEADERS`); headers are matched ignoring case, white space
(line breaks within a cell too) and full-width parentheses, and a note in
parentheses at a header's end (``受理时间（北京时间）``) is read past when no other
column holds that field.
Override or extend with ``{field: header}`` (or ``{field: [header, ...]}``): the
given headers replace the defaults of that field.

Example:
    >>> mapping = ColumnMapping({"complainant": "来电号码"})
    >>> layout = mapping.resolve(["工单编号", "来电号码", "受理时间", "备注"])
    >>> layout.fields, layout.ignored
    ({0: 'id', 1: 'complainant', 2: 'received_at'}, ('备注',))
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from grievance_rules.errors import ColumnMappingError
from grievance_rules.i18n import current_language, has_chinese, join_list
from grievance_rules.i18n import gettext as _
from grievance_rules.model import EVENT_CLASSES
from grievance_rules.reading.cells import shown_cell

__all__ = [
    "DEFAULT_HEADERS",
    "INSTANT_FIELDS",
    "JSON_FIELDS",
    "LIST_FIELDS",
    "ColumnMapping",
    "TableLayout",
    "field_label",
    "header_key",
    "header_text",
    "names_a_later_occurrence",
    "shown_header",
    "without_note",
]

DEFAULT_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "工单编号", "工单号", "编号"),
    "channel": ("channel", "受理渠道", "来源渠道", "渠道", "来源"),
    "category": ("category", "诉求类型", "诉求类别", "类别"),
    "urgency": ("urgency", "紧急程度", "缓急程度"),
    "special_kinds": ("special_kinds", "特殊工单类型", "工单类型"),
    "response_level": ("response_level", "响应级别"),
    "received_at": ("received_at", "受理时间", "来电时间"),
    "dispatched_at": ("dispatched_at", "派单时间", "交办时间"),
    "reply_deadline": ("reply_deadline", "工单规定回复时限", "规定回复时限", "回复时限"),
    "complainant": ("complainant", "诉求人", "投诉人"),
    "issue": ("issue", "问题标识", "问题编号"),
    "summary": ("summary", "诉求内容", "诉求事项内容"),
    "location.address": ("location.address", "事发地址", "地址"),
    "location.area": ("location.area", "所属区域", "区域"),
    "location.latitude": ("location.latitude", "纬度"),
    "location.longitude": ("location.longitude", "经度"),
    "flags": ("flags", "标记"),
    "units": ("units", "涉及单位", "单位"),
    "events": ("events", "流转记录", "事件"),
}
"""Every field a column can hold, with the headers it is found under."""


def field_label(field: str) -> str:
    r"""A record's field as a reader of the chosen language names it.

    In Chinese, a field with a column of its own is named by its first Chinese header,
    the field itself beside it (``受理时间（received_at）``); an event type (a wide
    sheet's milestone: ``replied``) by the event's Chinese name (回复); ``""`` (the
    record itself) is 整条记录. In English, and for other fields (``events[2].at``),
    the field as it is; a problem filed under a header (a wide sheet's cell: 承办单位)
    names it as every message names a column, on one line (:func:`shown_header`).

    Example:
        >>> from grievance_rules.i18n import language
        >>> with language("zh"):
        ...     field_label("received_at"), field_label("events[2].at"), field_label("")
        ('受理时间（received_at）', 'events[2].at', '（整条记录）')
        >>> with language("zh"):
        ...     field_label("replied"), field_label("closed")
        ('回复', '办结')
        >>> with language("en"):
        ...     field_label("received_at"), field_label(""), field_label("承办\n单位")
        ('received_at', '(record)', '承办 单位')
    """
    if not field:
        return _("(record)")
    if current_language() != "zh":
        return shown_header(field)
    event = EVENT_CLASSES.get(field)
    if event is not None and event.zh:
        return event.zh
    headers = DEFAULT_HEADERS.get(field)
    chinese = next((h for h in headers or () if has_chinese(h)), None)
    return f"{chinese}（{field}）" if chinese else shown_header(field)


LIST_FIELDS = frozenset({"special_kinds", "flags"})
"""Fields whose cell holds several values."""

JSON_FIELDS = frozenset({"units", "events"})
"""Fields whose cell holds a JSON array."""

INSTANT_FIELDS = frozenset({"received_at", "dispatched_at", "reply_deadline"})
"""Fields whose cell holds an instant (see :func:`grievance_rules.reading.cells.instant_cell`)."""


def header_key(header: str) -> str:
    r"""A header as compared: no white space, half-width parentheses, case folded.

    White space is any: spaces, U+3000, and the line breaks of a cell wrapped by
    hand in Excel (Alt+Enter: 受理\n时间).

    Example:
        >>> [header_key(h) for h in ("受理\n时间", "回复\r\n时间", " 派单　时间 ", "回访（首次）")]
        ['受理时间', '回复时间', '派单时间', '回访(首次)']
    """
    return "".join(header.split()).replace("（", "(").replace("）", ")").casefold()


def header_text(cell: object) -> str:
    """A header cell as text, as the sheet shows it.

    A cell Excel holds as a date (a header typed as 2025-05-01, or a month's column
    in an official's summary) is read as a datetime: it is shown as its date, with
    its time of day only when it has one (``str`` would give ``2025-05-01 00:00:00``),
    written as a message writes a cell's date and time (:func:`~.cells.shown_cell`).
    An empty cell is ``""``; anything else as ``str`` gives it.

    Example:
        >>> [header_text(c) for c in (dt.datetime(2025, 5, 1), dt.datetime(2025, 5, 1, 9, 30),
        ...                           dt.date(2025, 5, 1), None, "备注", 2025)]
        ['2025-05-01', '2025-05-01 09:30', '2025-05-01', '', '备注', '2025']
    """
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime) and cell.time() == dt.time(0) and cell.tzinfo is None:
        return cell.date().isoformat()  # (a date cell: Excel holds no time of day)
    if isinstance(cell, dt.date):  # (a datetime too)
        return shown_cell(cell)
    return str(cell)


def shown_header(header: str) -> str:
    r"""A header as a message names it: on one line, each run of white space one space.

    Every message of the reader naming a column does so (a cell's problem, the list of
    unused columns). A header wrapped in its cell (Alt+Enter: 办结\n时间) would break a
    message's line; written with a space it reads as the wrapped cell does, and it is
    the header as matched (:func:`header_key` ignores white space), so it can be given
    to ``--column`` as shown. (A visible ⏎ has no code in GBK, which a Chinese Windows
    console may print in.)

    Example:
        >>> [shown_header(h) for h in ("办结\n时间", "处理\r\n\r\n意见", " 备注 ", "派单　时间")]
        ['办结 时间', '处理 意见', '备注', '派单 时间']
    """
    return " ".join(header.split())


_NOTE = re.compile(r"\(([^()]*)\)$")

_FIRST = re.compile(r"1|一|首次|初次|第一次|第1次|first")
"""A note naming the first occurrence, which is what the bare header means."""
_LATER = re.compile(
    r"\d+|[一二三四五六七八九十两]+|.*(次|第|再|复|末|最后|round|second|third|last).*"
)
"""A note naming an occurrence, the first aside (:data:`_FIRST`)."""


def without_note(key: str) -> str:
    """A header key less a note in parentheses at its end: 受理时间(北京时间) → 受理时间."""
    return _NOTE.sub("", key)


def names_a_later_occurrence(key: str) -> bool:
    """Whether a header key's note names an occurrence after the first: 回访时间(二次).

    Such a column is not read as its bare header (回访时间 is the first callback; the
    second is ``二次回访时间``), though it still counts as claiming it: two noted
    columns of one header are not guessed between.

    Example:
        >>> notes = ("回访时间(北京时间)", "回访时间(首次)", "回访时间(二次)", "回访时间(2)")
        >>> [names_a_later_occurrence(k) for k in notes]
        [False, False, True, True]
    """
    found = _NOTE.search(key)
    if found is None:
        return False
    note = found.group(1)
    return bool(_LATER.fullmatch(note)) and not _FIRST.fullmatch(note)


@dataclass(frozen=True, slots=True)
class TableLayout:
    """What each column of one table holds.

    Attributes:
        fields: field by column index, for the columns that map to a field.
        ignored: headers that map to no field, in column order.
        headers: every column's header, as written (``--json`` lists them so).
        shown: every column's header as messages name it (:func:`shown_header`), made
            once for the table, not for each cell.
    """

    fields: dict[int, str]
    ignored: tuple[str, ...]
    headers: tuple[str, ...] = ()
    shown: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "shown", tuple(map(shown_header, self.headers)))

    def header(self, index: int, *, shown: bool = False) -> str:
        r"""The header of column ``index`` (from 0), as written or (``shown``) as messages name it.

        Example:
            >>> layout = TableLayout({0: "received_at"}, (), ("受理\n时间",))
            >>> layout.header(0), layout.header(0, shown=True), layout.header(3, shown=True)
            ('受理\n时间', '受理 时间', 'column 4')
        """
        if index < len(self.headers):
            return (self.shown if shown else self.headers)[index]
        return _("column {number}").format(number=index + 1)


class ColumnMapping:
    """Which headers hold which fields; the defaults, overridden where the user says.

    Args:
        overrides: ``{field: header or [headers]}``; the headers given replace the
            default headers of that field.

    Raises:
        ColumnMappingError: a field that does not exist, or a header claimed by two fields.
    """

    def __init__(self, overrides: Mapping[str, str | Sequence[str]] | None = None) -> None:
        given_headers: dict[str, tuple[str, ...]] = {}
        for name, given in (overrides or {}).items():
            if name not in DEFAULT_HEADERS:
                raise ColumnMappingError(
                    _("no field {name!r} to map a column to; fields: {fields}").format(
                        name=name, fields=join_list(DEFAULT_HEADERS)
                    )
                )
            given_headers[name] = (given,) if isinstance(given, str) else tuple(given)
        self._field_of: dict[str, str] = {}
        for name, names in given_headers.items():  # the user's word first
            for header in names:
                other = self._field_of.setdefault(header_key(header), name)
                if other != name:
                    raise ColumnMappingError(
                        _("header {header!r} given for {other!r} and {name!r}").format(
                            header=header, other=other, name=name
                        )
                    )
        for name, names in DEFAULT_HEADERS.items():
            if name not in given_headers:
                for header in names:  # a default header the user gave to another field is theirs
                    self._field_of.setdefault(header_key(header), name)
        self.headers: dict[str, tuple[str, ...]] = {
            name: tuple(
                h for h in given_headers.get(name, names) if self._field_of[header_key(h)] == name
            )
            for name, names in DEFAULT_HEADERS.items()
        }
        """The headers each field is found under, after the overrides."""

    def resolve(self, header_row: Sequence[object]) -> TableLayout:
        """Map a table's header row.

        Raises:
            ColumnMappingError: two columns map to the same field.
        """
        fields: dict[int, str] = {}
        seen: dict[str, int] = {}
        annotated: dict[int, str] = {}
        for index, cell in enumerate(header_row):
            header = header_text(cell)
            name = self._field_of.get(header_key(header))
            if name is None:
                bare = self._field_of.get(without_note(header_key(header)))
                if bare is not None:
                    annotated[index] = bare
                continue
            if name in seen:
                first = shown_header(header_text(header_row[seen[name]]))
                second = shown_header(header)
                raise ColumnMappingError(
                    _(
                        "columns {first} ({first_header!r}) and {second} ({second_header!r}) "
                        "both hold {name!r}; rename one of them in the file, or name the one "
                        "to read with --column {name}={first_header} or --column "
                        "{name}={second_header} (grievance-rules read; columns= in Python)"
                    ).format(
                        first=seen[name] + 1,
                        second=index + 1,
                        first_header=first,
                        second_header=second,
                        name=name,
                    )
                )
            seen[name] = index
            fields[index] = name
        # a header with a note in parentheses (受理时间（北京时间）) holds its field, unless
        # another column holds it by name, or a second annotated one claims it too
        claimed: dict[str, list[int]] = {}
        for index, name in annotated.items():
            claimed.setdefault(name, []).append(index)
        for name, indices in claimed.items():
            if name not in seen and len(indices) == 1:
                (index,) = indices
                if not names_a_later_occurrence(header_key(header_text(header_row[index]))):
                    fields[index] = name
        headers = tuple(header_text(cell) for cell in header_row)
        ignored = [
            header for index, header in enumerate(headers) if index not in fields and header.strip()
        ]
        return TableLayout(dict(sorted(fields.items())), tuple(ignored), headers)

    def recognised(self, header_row: Sequence[object]) -> int:
        """How many cells of a row are headers of some field (to find the header row)."""
        keys = (header_key(header_text(cell)) for cell in header_row if cell is not None)
        return sum(
            1 for key in keys if key in self._field_of or without_note(key) in self._field_of
        )
