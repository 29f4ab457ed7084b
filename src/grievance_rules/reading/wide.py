"""The wide layout: one row per order, its milestone columns turned into events by a mapping.

The mapping is data (:file:`data/wide.toml`, overridable per office with a file
of the same form): each *milestone* names the columns of its time
(派单时间, 签收时间, 回复时间 …), the roles of the units it names (承办单位 …)
and the columns of its other fields (满意度, 是否解决, 延期至 …). A row gives
one event per milestone whose time cell is filled, in time order (milestones at
the same instant in the mapping's order).

What a wide sheet cannot say is never guessed: a count column (重办次数 …)
greater than the row's milestones of that type rejects the row, naming what
is missing; a unit whose kind is known from nowhere rejects it too.

Example:
    >>> mapping = WideMapping.load()
    >>> layout = mapping.resolve(["工单编号", "派单时间", "承办单位", "回复时间", "满意度"])
    >>> [m.type for m in layout.milestones]
    ['dispatched', 'replied']

Headers are compared as the order's columns are (:func:`.columns.header_key`):
ignoring case and white space, and reading past a note in parentheses at the
end (``回访时间（北京时间）``) when no column has the header itself and only one
has it so noted, unless the note names a later occurrence (``回访时间（二次）``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from grievance_rules.errors import ReadError
from grievance_rules.i18n import gettext as _
from grievance_rules.model import EVENT_CLASSES, UnitKind
from grievance_rules.reading.cells import bool_cell, instant_cell, shown_cell, text_cell
from grievance_rules.reading.columns import (
    header_key,
    header_text,
    names_a_later_occurrence,
    shown_header,
    without_note,
)
from grievance_rules.reading.long import BOOL_FIELDS
from grievance_rules.reading.results import RecordProblem
from grievance_rules.reading.tabular import (
    TableRow,
    cell_problem,
    error_problem,
    formula_problem,
    unreadable_text,
)

__all__ = ["Milestone", "WideLayout", "WideMapping"]


@dataclass(frozen=True)
class Milestone:
    """One milestone of the mapping: an event type, its time's headers, its units and fields."""

    type: str
    at: tuple[str, ...]
    units: dict[str, str]
    fields: dict[str, tuple[str, ...]]
    fixed: dict[str, Any]


@dataclass(frozen=True)
class _Role:
    zh: str
    headers: tuple[str, ...]
    kind: tuple[str, ...]


@dataclass(frozen=True)
class _Limit:
    type: str
    zh: str
    count: tuple[str, ...]


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ReadError(
        _("wide mapping: {where} must be a header or a list of headers").format(where=where)
    )


@dataclass(frozen=True)
class WideLayout:
    """A wide sheet's columns: the milestones it has and where each piece is."""

    milestones: tuple[Milestone, ...]
    at: dict[int, int]
    """Milestone index → column of its time."""
    fields: dict[tuple[int, str], int]
    """(milestone index, field) → column."""
    roles: dict[str, int]
    """Role → column of its unit."""
    kinds: dict[str, int]
    """Role → column of its unit's kind."""
    counts: dict[int, int]
    """Limit index → column of its count."""
    headers: tuple[str, ...]
    """Every column's header, as written."""
    shown: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """Every column's header as messages name it (:func:`shown_header`), made once."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "shown", tuple(map(shown_header, self.headers)))

    @property
    def columns(self) -> frozenset[int]:
        """Every column the layout reads."""
        return frozenset(
            [
                *self.at.values(),
                *self.fields.values(),
                *self.roles.values(),
                *self.kinds.values(),
                *self.counts.values(),
            ]
        )


class WideMapping:
    """The wide layout's mapping, from the package's file or an office's own."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self.source = source
        roles = data.get("roles", {})
        if not isinstance(roles, dict):
            raise ReadError(_("{source}: [roles] must be a table").format(source=source))
        self.roles = {
            name: _Role(
                str(role.get("zh", name)),
                _strings(role.get("headers", []), f"roles.{name}.headers"),
                _strings(role.get("kind", []), f"roles.{name}.kind"),
            )
            for name, role in roles.items()
        }
        self.milestones: list[Milestone] = []
        for number, item in enumerate(data.get("milestone", []), 1):
            kind = item.get("type")
            if kind not in EVENT_CLASSES:
                raise ReadError(
                    _("{source}: milestone {number}: unknown event type {kind!r}").format(
                        source=source, number=number, kind=kind
                    )
                )
            allowed = EVENT_CLASSES[kind].model_fields
            units = {name: item[name] for name in ("unit", "to_unit", "for_unit") if name in item}
            for name, role in units.items():
                if role not in self.roles:
                    raise ReadError(
                        _("{source}: milestone {number}: {name} names no role {role!r}").format(
                            source=source, number=number, name=name, role=role
                        )
                    )
            fields = {
                name: _strings(headers, f"milestone {number} field {name}")
                for name, headers in item.get("fields", {}).items()
            }
            fixed = dict(item.get("set", {}))
            for name in [*units, *fields, *fixed]:
                if name not in allowed:
                    raise ReadError(
                        _("{source}: milestone {number}: {kind} has no field {name!r}").format(
                            source=source, number=number, kind=kind, name=name
                        )
                    )
            self.milestones.append(
                Milestone(kind, _strings(item.get("at", []), "at"), units, fields, fixed)
            )
        self.limits = [
            _Limit(
                str(item["type"]),
                str(item.get("zh", item["type"])),
                _strings(item["count"], "count"),
            )
            for item in data.get("limit", [])
        ]
        self.units: list[dict[str, Any]] = [dict(unit) for unit in data.get("unit", [])]

    @classmethod
    def load(cls, path: str | Path | None = None) -> WideMapping:
        """The mapping in ``path``, or the package's (``data/wide.toml``).

        Raises:
            ReadError: the file cannot be read or is not a mapping.
        """
        try:
            if path is None:
                text = resources.files("grievance_rules.reading").joinpath("data/wide.toml")
                return cls(tomllib.loads(text.read_text(encoding="utf-8")), "wide.toml")
            return cls(tomllib.loads(Path(path).read_text(encoding="utf-8")), str(path))
        except OSError as exc:
            raise ReadError(
                _("cannot read the wide mapping {path}: {problem}").format(
                    path=path, problem=exc.strerror
                )
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ReadError(
                _("the wide mapping {path} is not TOML: {problem}").format(path=path, problem=exc)
            ) from None

    def resolve(self, header_row: Sequence[object]) -> WideLayout:
        """Which of the mapping's columns a sheet has."""
        headers = tuple(map(header_text, header_row))
        where: dict[str, int] = {}
        noted: dict[str, list[int]] = {}  # 派单时间(北京时间) → 派单时间: its columns
        for index, header in enumerate(headers):
            key = header_key(header)
            where.setdefault(key, index)
            bare = without_note(key)
            if bare != key:
                noted.setdefault(bare, []).append(index)

        def find(names: Sequence[str]) -> int | None:
            for name in names:
                if header_key(name) in where:
                    return where[header_key(name)]
            # a note in parentheses at a header's end is read past, as for the order's
            # fields: when no column has the header itself and one column has it noted
            for name in names:
                columns = noted.get(header_key(name), [])
                if len(columns) == 1:
                    (column,) = columns
                    if names_a_later_occurrence(header_key(headers[column])):
                        return None  # 回访时间(二次): the second, not the bare header's first
                    return column
                if columns:
                    return None  # two noted columns: neither is guessed
            return None

        milestones: list[Milestone] = []
        at: dict[int, int] = {}
        fields: dict[tuple[int, str], int] = {}
        for milestone in self.milestones:
            column = find(milestone.at)
            if column is None:
                continue
            index = len(milestones)
            milestones.append(milestone)
            at[index] = column
            for name, names in milestone.fields.items():
                found = find(names)
                if found is not None:
                    fields[(index, name)] = found
        roles = {n: c for n, r in self.roles.items() if (c := find(r.headers)) is not None}
        kinds = {n: c for n, r in self.roles.items() if (c := find(r.kind)) is not None}
        counts = {i: c for i, lim in enumerate(self.limits) if (c := find(lim.count)) is not None}
        return WideLayout(tuple(milestones), at, fields, roles, kinds, counts, headers)

    def knows(self, header: str) -> bool:
        """Whether ``header`` names a column of the mapping (a time, a field, a unit, a count)."""
        key = header_key(header)
        names = [
            *(name for m in self.milestones for name in m.at),
            *(name for m in self.milestones for names in m.fields.values() for name in names),
            *(name for role in self.roles.values() for name in (*role.headers, *role.kind)),
            *(name for limit in self.limits for name in limit.count),
        ]
        return any(header_key(name) == key for name in names)

    def recognised(self, header_row: Sequence[object]) -> int:
        """How many of a row's cells are milestone times or unit columns."""
        layout = self.resolve(header_row)
        return len(layout.at) + len(layout.roles)

    def events(
        self,
        layout: WideLayout,
        row: TableRow,
        tz: dt.tzinfo | None,
        registry: Sequence[Mapping[str, Any]] = (),
        columns: list[dict[str, int]] | None = None,
        unit_columns: list[dict[str, int]] | None = None,
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[RecordProblem]]:
        """A row's events and the units they name, and the row's problems.

        ``registry``: known units (a 单位 sheet's rows), found by id or name;
        the mapping's own ``[[unit]]`` entries come after them. ``columns``, if
        given, is filled with each event's columns (field → column, from 0), in the
        order of the events returned, so that a problem of ``events[i].satisfaction``
        can name the cell's column. ``unit_columns``, likewise, with each unit's
        (``id``, ``name``, and ``kind`` when the row's kind column gave it), in the order
        of the units returned; a unit found in ``registry`` or the mapping has none.

        A problem of a cell of this layout's own (a unit's, a count's, a formula never
        calculated) is filed under the cell's header as the file heads it; a cell read
        for two milestones (a unit's column) is reported once.
        """
        cells = row.cells
        problems: list[RecordProblem] = []
        formulas = frozenset(row.formulas)
        errors = frozenset(row.errors)
        reported: set[int] = set()  # the columns whose cell a problem has named

        def cell(column: int, path: str) -> object:
            if column in reported:
                return None
            if column in formulas:
                reported.add(column)
                problems.append(formula_problem(path, row.row, column, layout.shown[column]))
                return None
            value = cells[column] if column < len(cells) else None
            if column in errors:
                reported.add(column)
                problems.append(error_problem(path, row.row, column, layout.shown[column], value))
                return None
            if value is None or (isinstance(value, str) and not value.strip()):
                return None
            if unreadable_text(value):
                reported.add(column)
                problems.append(
                    RecordProblem(
                        path, _("cell is not valid text in the file's encoding"), "encoding"
                    )
                )
                return None
            return value

        known = [*registry, *self.units]
        units: list[dict[str, Any]] = []
        unit_ids: dict[str, str] = {}

        def unit_of(role: str) -> str | None:
            column = layout.roles.get(role)
            if column is None:
                return None
            header = layout.headers[column]
            value = cell(column, header)
            if value is None:
                return None
            text = str(text_cell(value)).strip()
            if text in unit_ids:
                return unit_ids[text]
            match = next(
                (u for u in known if str(u.get("id")) == text or str(u.get("name")) == text),
                None,
            )
            where: dict[str, int] = {}  # the unit's fields' columns, if the row gives them
            if match is not None:
                unit = dict(match)
            else:
                unit = {"id": text, "name": text}
                where.update(id=column, name=column)
                kind_column = layout.kinds.get(role)
                kind = (
                    cell(kind_column, layout.headers[kind_column])
                    if kind_column is not None
                    else None
                )
                if kind is not None and kind_column is not None:
                    where["kind"] = kind_column
                if kind is None:
                    problems.append(
                        RecordProblem(
                            header,
                            _(
                                "unit {text}: its kind (类型) is known from nowhere; add a "
                                "单位 sheet (单位编号, 名称, 类型), a {column} column, or a "
                                "[[unit]] entry in the mapping file"
                            ).format(
                                text=shown_cell(text),
                                column=self.roles[role].kind[0]
                                if self.roles[role].kind
                                else "类型",
                            ),
                            "unit_kind",
                        )
                    )
                    kind = UnitKind.OTHER.value
                unit["kind"] = str(kind)
            unit_id = str(unit["id"])
            unit_ids[text] = unit_id
            if all(u["id"] != unit_id for u in units):
                units.append(unit)
                if unit_columns is not None:
                    unit_columns.append(where)
            return unit_id

        found: list[tuple[object, int, dict[str, Any]]] = []
        per_type: dict[str, int] = {}
        for index, milestone in enumerate(layout.milestones):
            header = layout.headers[layout.at[index]]
            value = cell(layout.at[index], header)
            if value is None:
                continue
            event: dict[str, Any] = {"type": milestone.type}
            try:
                event["at"] = instant_cell(value, tz)
            except ValueError as exc:
                problems.append(
                    cell_problem(milestone.type, layout.shown[layout.at[index]], str(exc))
                )
                continue
            for name, role in milestone.units.items():
                unit_id = unit_of(role)
                if unit_id is not None:
                    event[name] = unit_id
            for name in milestone.fields:
                column = layout.fields.get((index, name))
                if column is None:
                    continue
                field_value = cell(column, layout.headers[column])
                if field_value is None:
                    continue
                try:
                    if name in EVENT_CLASSES[milestone.type].instant_fields:
                        event[name] = instant_cell(field_value, tz)
                    elif name in BOOL_FIELDS:
                        event[name] = bool_cell(field_value)
                    else:
                        event[name] = text_cell(field_value)
                except ValueError as exc:
                    problems.append(cell_problem(milestone.type, layout.shown[column], str(exc)))
            event.update(milestone.fixed)
            found.append((event["at"], index, event))
            per_type[milestone.type] = per_type.get(milestone.type, 0) + 1
        for limit_index, column in layout.counts.items():
            limit = self.limits[limit_index]
            value = cell(column, layout.headers[column])
            if value is None:
                continue
            count = _count(value)
            if count is None:
                message = _("{value} is not a count").format(value=shown_cell(value))
                problems.append(cell_problem("", layout.shown[column], message))
                continue
            have = per_type.get(limit.type, 0)
            if count > have:
                problems.append(
                    RecordProblem(
                        "events",
                        _(
                            "{header} is {count} but the sheet has columns for {have} {kind_zh} "
                            "({kind}) in this row: the others are not in a wide sheet; export "
                            "the 流转记录 (the long layout) for this order"
                        ).format(
                            header=layout.shown[column],
                            count=count,
                            have=have,
                            kind_zh=limit.zh,
                            kind=limit.type,
                        ),
                        "wide_incomplete",
                    )
                )
        ordered = sorted(found, key=_order_key)
        events = [event for _at, _index, event in ordered]
        if columns is not None:
            for _at, index, _event in ordered:
                columns.append(
                    {
                        "at": layout.at[index],
                        **{name: c for (i, name), c in layout.fields.items() if i == index},
                        **{
                            name: layout.roles[role]
                            for name, role in layout.milestones[index].units.items()
                            if role in layout.roles
                        },
                    }
                )
        return events, units, problems


def _order_key(item: tuple[object, int, dict[str, Any]]) -> tuple[float, int]:
    at, index, _event = item
    if isinstance(at, dt.datetime):
        if at.tzinfo is None:
            return (at.replace(tzinfo=dt.UTC).timestamp(), index)
        return (at.timestamp(), index)
    if isinstance(at, str):
        try:
            parsed = dt.datetime.fromisoformat(at)
        except ValueError:  # pragma: no cover - instant_cell gave it
            return (0.0, index)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return (parsed.timestamp(), index)
    return (0.0, index)  # pragma: no cover


def _count(value: object) -> int | None:
    """A count cell's whole number from 0 up (``3``, ``3.0``, ``'3'``); ``None`` if it is not one.

    Example:
        >>> [_count(v) for v in (3, 3.0, "3", 2.5, -1, True, "两次", float("nan"))]
        [3, 3, 3, None, None, None, None, None]
    """
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value))
    except ValueError:
        return None
    return int(number) if number.is_integer() and number >= 0 else None
