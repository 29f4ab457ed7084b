r"""The long layout: an orders sheet, an events sheet (流转记录) and a units sheet (单位).

What hotline platforms export as a work order's 流转记录: one row per event.

* **orders** (工单): one row per order, the columns of
  :data:`~.columns.DEFAULT_HEADERS` (no ``units`` or ``events`` cells needed);
* **events** (流转记录): one row per event, in time order within an order:
  工单编号, 环节 (the event type, Chinese or English), 时间, 单位, 目标单位, and
  the event's other fields as columns (:data:`EVENT_HEADERS`); a column that
  does not apply to a row's 环节 must be empty there;
* **units** (单位, optional): 单位编号, 名称, 类型 (and 上级单位, 领导). A row
  with a 工单编号 is one of that order's units (kept in row order: lossless);
  rows without are a registry shared by the file, from which an order with no
  units of its own gets the units its events name.

Cells naming a unit may hold its id or its (unique) name. An order's events
are gathered from the whole events sheet, so that sheet is held in memory
(the orders sheet is streamed). Events of an order the orders sheet does not
have are rejected as a record of their own.

Example:
    >>> layout = EVENT_MAPPING.resolve(["工单编号", "环节", "时间", "单位", "目标单位"])
    >>> sorted(layout.values())
    ['at', 'order', 'to_unit', 'type', 'unit']
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.model import EVENT_CLASSES
from grievance_rules.reading.cells import (
    bool_cell,
    instant_cell,
    list_cell,
    shown_cell,
    text_cell,
)
from grievance_rules.reading.columns import header_key, shown_header
from grievance_rules.reading.results import RecordProblem
from grievance_rules.reading.tabular import (
    TableRow,
    blank_cell,
    error_problem,
    formula_problem,
    summary_row,
    unreadable_text,
)

__all__ = [
    "BOOL_FIELDS",
    "EVENT_HEADERS",
    "EVENT_MAPPING",
    "EVENT_TYPE_NAMES",
    "UNIT_HEADERS",
    "UNIT_MAPPING",
    "EventRows",
    "HeaderMap",
    "UnitRows",
    "events_for",
]

EVENT_HEADERS: dict[str, tuple[str, ...]] = {
    "order": ("工单编号", "工单号", "order_id"),
    "type": ("环节", "流转环节", "事件类型", "操作类型", "type"),
    "at": ("时间", "发生时间", "操作时间", "at"),
    "unit": ("单位", "操作单位", "unit"),
    "to_unit": ("目标单位", "派往单位", "to_unit"),
    "id": ("事件编号", "记录编号", "event_id"),
    "note": ("备注", "说明", "note"),
    "deadline": ("时限", "办理时限", "deadline"),
    "method": ("方式", "联系方式", "回访方式", "method"),
    "reason": ("原因", "理由", "reason"),
    "evidence": ("佐证材料", "证明材料", "evidence"),
    "suggested_unit": ("建议派单方向", "suggested_unit"),
    "signatures": ("签字领导", "signatures"),
    "decision": ("审核结果", "decision"),
    "requester": ("申请单位", "requester"),
    "from_unit": ("原单位", "from_unit"),
    "decided_by": ("决定领导", "decided_by"),
    "kind": ("回复类型", "kind"),
    "round": ("轮次", "回访轮次", "处置轮次", "round"),
    "face_to_face": ("面复", "face_to_face"),
    "approved": ("是否通过", "approved"),
    "reached": ("是否接通", "reached"),
    "contacted": ("是否联系", "contacted"),
    "resolved": ("是否解决", "resolved"),
    "process_satisfaction": ("过程满意度", "process_satisfaction"),
    "result_satisfaction": ("结果满意度", "result_satisfaction"),
    "satisfaction": ("满意度", "satisfaction"),
    "trust": ("信任度", "trust"),
    "dissatisfaction_tendency": ("不满倾向", "dissatisfaction_tendency"),
    "about_unit": ("评价单位", "about_unit"),
    "level": ("级别", "level"),
    "in_writing": ("书面交办", "in_writing"),
    "committed_deadline": ("承诺办结时间", "committed_deadline"),
    "mode": ("督办方式", "mode"),
    "requested_deadline": ("申请延期至", "requested_deadline"),
    "new_deadline": ("延期至", "new_deadline"),
    "for_unit": ("延期单位", "for_unit"),
    "form_filed": ("已填报提级表", "form_filed"),
    "approved_by": ("批准单位", "approved_by"),
    "scope": ("核减范围", "scope"),
    "requested_by": ("申请核减单位", "requested_by"),
    "subject_unit": ("责任单位", "subject_unit"),
    "points": ("分值", "points"),
    "source": ("通报来源", "source"),
    "outcome": ("办结方式", "outcome"),
}
"""The events sheet's columns: event field (``order``: the order's id) → headers."""

UNIT_HEADERS: dict[str, tuple[str, ...]] = {
    "order": ("工单编号", "工单号", "order_id"),
    "id": ("单位编号", "单位代码", "unit_id", "id"),
    "name": ("名称", "单位名称", "name"),
    "kind": ("类型", "单位类型", "kind"),
    "parent": ("上级单位", "parent"),
    "leaders": ("领导", "leaders"),
}
"""The units sheet's columns: unit field (``order``: the order's id) → headers."""

BOOL_FIELDS = frozenset(
    {
        "face_to_face",
        "approved",
        "reached",
        "contacted",
        "resolved",
        "dissatisfaction_tendency",
        "in_writing",
        "form_filed",
    }
)
"""Event fields holding yes or no."""
_INT_FIELDS = frozenset({"round"})
_FLOAT_FIELDS = frozenset({"points"})
_ROLE_LISTS = frozenset({"signatures"})
_EVIDENCE = frozenset({"evidence"})
_INSTANTS = frozenset(name for cls in EVENT_CLASSES.values() for name in cls.instant_fields)
_UNITS = tuple(  # in column order: the acting unit first
    name for name in EVENT_HEADERS if any(name in cls.unit_fields for cls in EVENT_CLASSES.values())
)
_TEXTS = frozenset({"id", "note", "reason", "suggested_unit", "source"})

EVENT_TYPE_NAMES: dict[str, str] = {
    **{header_key(cls.zh): kind for kind, cls in EVENT_CLASSES.items()},
    **{header_key(kind): kind for kind in EVENT_CLASSES},
    **{
        header_key(alias): kind
        for alias, kind in {
            "交办": "dispatched",
            "转办": "dispatched",
            "接单": "signed_for",
            "联系": "first_contact",
            "首次联系": "first_contact",
            "退单": "return_requested",
            "退回": "return_requested",
            "退单审批": "return_decided",
            "转派": "reassigned",
            "答复": "replied",
            "办理回复": "replied",
            "审核": "reply_reviewed",
            "重新办理": "redo_ordered",
            "退回重办": "redo_ordered",
            "延期": "extension_requested",
            "结案": "closed",
            "归档": "closed",
        }.items()
    },
}
"""环节 text (Chinese term, English value or a common alias, compared as headers) → event type."""


class HeaderMap:
    """Which header holds which field of a sheet (matched as :func:`~.columns.header_key`)."""

    def __init__(self, headers: Mapping[str, Sequence[str]]) -> None:
        self.headers = {name: tuple(names) for name, names in headers.items()}
        self._field_of: dict[str, str] = {}
        for name, names in self.headers.items():
            for header in names:
                self._field_of.setdefault(header_key(header), name)

    def field_of(self, header: object) -> str | None:
        """The field a header names, if any."""
        return None if header is None else self._field_of.get(header_key(str(header)))

    def recognised(self, row: Sequence[object]) -> int:
        """How many cells of a row are known headers."""
        return sum(1 for cell in row if self.field_of(cell) is not None)

    def resolve(self, row: Sequence[object]) -> dict[int, str]:
        """Column index → field, the first column winning when two name one field."""
        found: dict[int, str] = {}
        taken: set[str] = set()
        for index, cell in enumerate(row):
            name = self.field_of(cell)
            if name is not None and name not in taken:
                found[index] = name
                taken.add(name)
        return found


EVENT_MAPPING = HeaderMap(EVENT_HEADERS)
"""The events sheet's header map."""
UNIT_MAPPING = HeaderMap(UNIT_HEADERS)
"""The units sheet's header map."""


def _order_key(value: object) -> str | None:
    if blank_cell(value):
        return None
    text = text_cell(value)
    return str(text).strip()


@dataclass
class EventRows:
    """The rows of an events sheet, grouped by order id, with the sheet's columns."""

    sheet: str
    columns: dict[int, str]
    headers: tuple[str, ...]
    """Every column's header, as written (``--json`` lists them so)."""
    by_order: dict[str | None, list[TableRow]] = field(default_factory=dict)
    summaries: list[tuple[TableRow, RecordProblem]] = field(default_factory=list)
    """Totals rows and notes (合计, 注：…) under the events: no order's, each its problem."""
    shown: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """Every column's header as messages name it (:func:`shown_header`), made once."""

    def __post_init__(self) -> None:
        self.shown = tuple(map(shown_header, self.headers))

    def header(self, column: int) -> str:
        """Column ``column``'s header as messages name it (its number, past the header row)."""
        return self.shown[column] if column < len(self.shown) else str(column + 1)

    @classmethod
    def of(cls, sheet: str, header: TableRow, rows: Iterable[TableRow]) -> EventRows:
        """Group the rows below ``header`` by their order id (blank rows left out)."""
        columns = EVENT_MAPPING.resolve(header.cells)
        order_column = next((i for i, name in columns.items() if name == "order"), None)
        out = cls(sheet, columns, tuple("" if c is None else str(c) for c in header.cells))
        id_columns = () if order_column is None else (order_column,)
        for row in rows:
            if row.blank:
                continue
            summary = summary_row(row, id_columns)
            if summary is not None:
                out.summaries.append((row, summary))
                continue
            key = None
            if order_column is not None and order_column < len(row.cells):
                key = _order_key(row.cells[order_column])
            out.by_order.setdefault(key, []).append(row)
        return out

    @property
    def ignored(self) -> tuple[str, ...]:
        """Headers of the events sheet that name no event field."""
        return tuple(h for i, h in enumerate(self.headers) if h.strip() and i not in self.columns)


@dataclass
class UnitRows:
    """The units sheet: each order's own units, and the shared registry."""

    per_order: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    registry: list[dict[str, Any]] = field(default_factory=list)
    problems: dict[int, list[RecordProblem]] = field(default_factory=dict)
    """The problems of each unit's row (by the unit dict's ``id()``): an order listing
    the unit is rejected with them, never given the unit without the bad cell."""
    sheet: str = ""
    """The sheet (or file) the units are on, for messages."""
    rows: dict[int, int] = field(default_factory=dict)
    """Each unit's row on the sheet (by the unit dict's ``id()``)."""
    headers: dict[str, str] = field(default_factory=dict)
    """Each unit field's column, by its header as messages name it (类型 …)."""

    def problems_of(self, units: Iterable[object]) -> list[RecordProblem]:
        """The problems of the rows of these units (those of :meth:`units_for`)."""
        return [p for unit in units for p in self.problems.get(id(unit), ())]

    @classmethod
    def of(cls, sheet: str, header: TableRow, rows: Iterable[TableRow]) -> UnitRows:
        """Read the unit rows below ``header`` (``sheet``: its sheet or file, for messages)."""
        columns = UNIT_MAPPING.resolve(header.cells)
        header_cells = ["" if c is None else str(c) for c in header.cells]
        out = cls(sheet=sheet)
        out.headers = {  # each field's column as messages name it, made once for the sheet
            name: shown_header(header_cells[index])
            for index, name in columns.items()
            if index < len(header_cells)
        }
        for row in rows:
            if row.blank:
                continue
            unit: dict[str, Any] = {}
            out.rows[id(unit)] = row.row
            order: str | None = None
            for index, name in columns.items():
                value = row.cells[index] if index < len(row.cells) else None
                if blank_cell(value):
                    continue
                if index in row.errors and name != "order":  # #N/A: the value is lost
                    shown = f"{sheet}: {out.headers.get(name, '')}"
                    out.problems.setdefault(id(unit), []).append(
                        error_problem(f"units.{name}", row.row, index, shown, value)
                    )
                elif name == "order":
                    order = _order_key(value)
                elif name == "leaders":
                    try:
                        unit["leaders"] = _leaders(value)
                    except ValueError as exc:
                        problem = _("{sheet} row {row}, column {column}: {problem}").format(
                            sheet=sheet,
                            row=row.row,
                            column=repr(out.headers.get(name, "")),
                            problem=exc,
                        )
                        out.problems.setdefault(id(unit), []).append(
                            RecordProblem("units.leaders", problem, "invalid_cell")
                        )
                else:
                    unit[name] = text_cell(value)
            if order is None:
                out.registry.append(unit)
            else:
                out.per_order.setdefault(order, []).append(unit)
        return out

    def units_for(self, order_id: str | None, events: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The order's units: its own rows, else the registry units its events name."""
        if order_id is not None and order_id in self.per_order:
            return list(self.per_order[order_id])
        if not self.registry:
            return []
        named: list[str] = []
        for event in events:
            for name in _UNITS:
                value = event.get(name)
                if isinstance(value, str) and value not in named:
                    named.append(value)
        by_id = {str(u.get("id")): u for u in self.registry}
        by_name: dict[str, list[dict[str, Any]]] = {}
        for entry in self.registry:
            by_name.setdefault(str(entry.get("name")), []).append(entry)
        found: list[dict[str, Any]] = []
        for name in named:
            unit: dict[str, Any] | None = by_id.get(name)
            if unit is None and len(by_name.get(name, [])) == 1:
                unit = by_name[name][0]
            if unit is not None and all(unit is not other for other in found):
                found.append(unit)
        return found


def _leaders(value: object) -> dict[str, Any]:
    """领导: a JSON object (role → name or null) or ``role：name`` entries separated by ；."""
    if not isinstance(value, str):
        raise ValueError(_("领导 {value}: expected text").format(value=shown_cell(value)))
    text = value.strip()
    if text.startswith("{"):
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            raise ValueError(
                _("领导 {value} is not a JSON object: {problem}").format(
                    value=shown_cell(text), problem=exc
                )
            ) from None
        if not isinstance(loaded, dict):  # pragma: no cover - starts with {
            raise ValueError(_("领导: expected a JSON object"))
        return loaded
    leaders: dict[str, Any] = {}
    for part in list_cell(text):
        role, sep, name = str(part).replace("：", ":").partition(":")
        leaders[role.strip()] = name.strip() or None if sep else None
    return leaders


def _value(name: str, value: object, tz: dt.tzinfo | None) -> Any:
    if name in _INSTANTS:
        return instant_cell(value, tz)
    if name in BOOL_FIELDS:
        return bool_cell(value)
    if name in _INT_FIELDS:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdecimal():  # 2, ２ (not ²)
            return int(value.strip())
        if isinstance(value, (str, float)):
            # 轮次 typed as 第二轮, 二 or 2.5: refused here, where the column is known
            raise ValueError(
                _(
                    "{value} is not a round number; write it as a whole number (1, 2, 3, ...)"
                ).format(value=shown_cell(value))
            )
        return value
    if name in _FLOAT_FIELDS:
        if isinstance(value, str):
            try:
                return float(value.strip())
            except ValueError:
                # 分值 typed as -2分: refused here, where the column is known
                raise ValueError(
                    _("{value} is not a number").format(value=shown_cell(value))
                ) from None
        return value
    if name in _ROLE_LISTS:
        return list_cell(value)
    if name in _EVIDENCE:
        if isinstance(value, str) and value.strip().startswith("["):
            return list_cell(value)
        return [{"kind": kind} for kind in list_cell(value)]
    return text_cell(value)


def _event_of(
    rows: EventRows, row: TableRow, tz: dt.tzinfo | None, index: int
) -> tuple[dict[str, Any], list[RecordProblem]]:
    event: dict[str, Any] = {}
    problems: list[RecordProblem] = []
    where = _("{sheet} row {row}").format(sheet=rows.sheet, row=row.row)
    cells = row.cells
    kind: str | None = None
    errors = frozenset(row.errors)
    for column, name in rows.columns.items():
        if name != "order" and column in errors:  # #N/A: the value is lost
            shown = f"{rows.sheet}: {rows.header(column)}"
            value = cells[column] if column < len(cells) else None
            problems.append(error_problem(f"events[{index}].{name}", row.row, column, shown, value))
        elif name == "type" and column < len(cells) and not blank_cell(cells[column]):
            kind = EVENT_TYPE_NAMES.get(header_key(str(cells[column])))
            if kind is None:
                problems.append(
                    RecordProblem(
                        f"events[{index}].type",
                        _(
                            "{where}: 环节 {value} is not an event type; one of {types} (or the "
                            "English value)"
                        ).format(
                            where=where,
                            value=shown_cell(cells[column]),
                            types=join_list(cls.zh for cls in EVENT_CLASSES.values()),
                        ),
                        "invalid_cell",
                    )
                )
    allowed = EVENT_CLASSES[kind].model_fields if kind is not None else {}
    formulas = frozenset(row.formulas)
    for column, name in rows.columns.items():
        if name in ("order", "type") or column in errors:
            continue
        path = f"events[{index}].{name}"
        if column in formulas:
            shown = f"{rows.sheet}: {rows.header(column)}"
            problems.append(formula_problem(path, row.row, column, shown))
            continue
        value = cells[column] if column < len(cells) else None
        if blank_cell(value):
            continue
        if unreadable_text(value):
            problems.append(
                RecordProblem(
                    path,
                    _("{where}: not valid text in the file's encoding").format(where=where),
                    "encoding",
                )
            )
            continue
        if kind is not None and name not in allowed:
            problems.append(
                RecordProblem(
                    path,
                    _(
                        "{where}: column {header!r} does not apply to 环节 {kind_zh} ({kind}); "
                        "leave it empty"
                    ).format(
                        where=where,
                        header=rows.header(column),
                        kind_zh=EVENT_CLASSES[kind].zh,
                        kind=kind,
                    ),
                    "invalid_cell",
                )
            )
            continue
        try:
            event[name] = _value(name, value, tz)
        except (ValueError, RecursionError) as exc:
            problems.append(
                RecordProblem(
                    path,
                    _("{where}, column {header!r}: {problem}").format(
                        where=where, header=rows.header(column), problem=exc
                    ),
                    "invalid_cell",
                )
            )
    if kind is not None:
        event = {"type": kind, **event}
    return event, problems


def _resolve_units(events: list[dict[str, Any]], units: Sequence[Any]) -> None:
    """Unit cells holding a unit's name instead of its id get the id (names must be unique)."""
    ids = {str(u.get("id")) for u in units if isinstance(u, dict)}
    by_name: dict[str, list[str]] = {}
    for unit in units:
        if isinstance(unit, dict) and unit.get("name"):
            by_name.setdefault(str(unit["name"]), []).append(str(unit.get("id")))
    for event in events:
        for name in _UNITS:
            value = event.get(name)
            if isinstance(value, str) and value not in ids:
                found = by_name.get(value, [])
                if len(found) == 1:
                    event[name] = found[0]


def events_for(
    order_id: str | None,
    rows: EventRows,
    units: UnitRows | None,
    tz: dt.tzinfo | None,
) -> tuple[list[dict[str, Any]], list[Any] | None, list[RecordProblem], list[int]]:
    """An order's events and units from the long layout, with the cells' problems.

    Returns:
        The events (dicts, in sheet order), the units (None when there is no units
        sheet), the problems, and each event's row on the events sheet.
    """
    group = rows.by_order.pop(order_id, []) if order_id is not None else []
    events: list[dict[str, Any]] = []
    problems: list[RecordProblem] = []
    for index, row in enumerate(group):
        event, found = _event_of(rows, row, tz, index)
        events.append(event)
        problems.extend(found)
    order_units = units.units_for(order_id, events) if units is not None else None
    if order_units is not None and units is not None:
        problems.extend(units.problems_of(order_units))
        _resolve_units(events, order_units)
    return events, order_units, problems, [row.row for row in group]
