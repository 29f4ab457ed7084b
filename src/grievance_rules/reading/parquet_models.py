"""Work orders made from a Parquet batch's cells without the model's validation, where it passes.

Validating a partition's orders (some ten objects an order: the order, its
location, events and evidence) was a sixth of the time of comparing a partition
under three packs. Most cells of a Parquet file are what the model keeps as they
are (text without surrounding spaces, aware instants in range, whole numbers
and floats in range), or one of a few values it turns into the same object
each time (an enumeration's value into its member). Such cells are found here a
column at a time, for the rows with the same columns (and, for events, the same
``type``) together: the checks look at a column's values in C (``map``, ``set``,
``min``), not a cell at a time in Python; a column the reader found fine as a
whole (every word of a text column needing no stripping, a timestamp column in
range, a boolean column: :func:`~.parquet_cells._fine`) is not looked at again. The
events are checked a batch at a time (:func:`checked_events`) and made with their
orders' records, a run of rows at a time (:func:`made_events`, :func:`made_orders`).
The objects of the rows they vouch for
are then made as validation makes them (a new instance, its ``__dict__`` in
field order with the defaults of the fields not given, its fields set being the
keys given); a row they cannot vouch for is ``None``, and its order is
validated by the model as before, so that every rejection and its problems are
what they were.

Why it is exact: what each field accepts is read from the model's own field
information (:func:`_field`), and only kinds whose validation is the identity
or a lookup are handled: ``str`` (the model strips text: a cell that stripping
would change is left to the model, and so is one shorter than ``min_length``),
an enumeration (only its exact values, looked up in the enumeration's own
value map; the Chinese terms and other spellings go to the model), a tuple of
such values (a list cell), ``int`` and ``float`` of exactly those types within
the field's ``ge``/``le`` (``float`` finite: ``allow_inf_nan=False``), ``bool``,
the ``Literal`` of an event's ``type``, an :data:`~grievance_rules.model.base.Instant`
(an aware ``datetime`` in 1900–2199, which validation gives back as the same
object), ``None`` where the field allows it, a nested model (a dict) and a tuple
of them (a list of dicts). Any other annotation, metadata, validator,
configuration key or default factory makes the class (and so the orders holding
it) go to the model: a model change cannot be missed silently
(``tests/reading/test_parquet_models.py`` fails on a class left out).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import types
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain, repeat
from operator import attrgetter, itemgetter, setitem
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
import numpy as np
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from grievance_rules.model import EVENT_CLASSES, Event, Unit, WorkOrder
from grievance_rules.model.base import EARLIEST, LATEST, FrozenModel, Instant
from grievance_rules.model.order import Coordinate

__all__ = [
    "EventGroup",
    "checked_events",
    "made_events",
    "made_orders",
    "plan_of",
    "rows_by_code",
]

_FAST = True
"""Whether the Parquet reader makes the orders it can vouch for itself (a test turns it off
to read the same tables both ways; not an option)."""

_INSTANT = tuple(get_args(Instant)[1:])  # (the instant's schema, its JSON serializer)
_COORDINATE = get_args(Coordinate)[1:]  # (its refusal of booleans: only floats are taken)
_CONFIG = {
    "frozen": True,
    "extra": "forbid",
    "str_strip_whitespace": True,
    "allow_inf_nan": False,
    "json_schema_serialization_defaults_required": True,
}
"""The configuration the plans are made for (:class:`FrozenModel`'s); another refuses its class."""


@dataclass(frozen=True, slots=True)
class _Field:
    """What a field accepts, as far as the fast path handles it.

    Attributes:
        kind: ``text``, ``term``, ``terms``, ``whole``, ``number``, ``flag``, ``tag``,
            ``instant``, ``model`` or ``models``.
        nullable: ``None`` is accepted.
        low: the ``ge`` bound, if any.
        high: the ``le`` bound, if any.
        shortest: the ``min_length``.
        terms: an enumeration's members by value (``term``, ``terms``).
        tag: the ``Literal``'s one value (``tag``).
        model: the nested model (``model``, ``models``).
    """

    kind: str
    nullable: bool = False
    low: Any = None
    high: Any = None
    shortest: int = 0
    terms: Mapping[str, Any] = field(default_factory=dict)
    tag: str | None = None
    model: type[BaseModel] | None = None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A model class's fields (``None``: not handled), each field's default, its required ones."""

    cls: type[BaseModel]
    fields: dict[str, _Field]
    defaults: dict[str, Any]
    required: frozenset[str]


def _field(info: FieldInfo) -> _Field | None:
    """What a field accepts (``None``: a kind the fast path does not handle)."""
    if info.default_factory is not None or info.validate_default or info.alias is not None:
        return None
    annotation: Any = info.annotation
    metadata = list(info.metadata)
    nullable = False
    if get_origin(annotation) in (Union, types.UnionType):
        options = get_args(annotation)
        if len(options) != 2 or type(None) not in options:
            return None
        nullable = True
        annotation = next(option for option in options if option is not type(None))
    if get_origin(annotation) is Annotated:
        annotation, *inner = get_args(annotation)
        metadata = [*inner, *metadata]
    bounds: dict[str, Any] = {}
    marks = []
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            bounds["low"] = item.ge
        elif isinstance(item, annotated_types.Le):
            bounds["high"] = item.le
        elif isinstance(item, annotated_types.MinLen):
            bounds["shortest"] = item.min_length
        else:
            marks.append(item)
    kind = _kind(annotation, marks)
    if kind is None:
        return None
    if ("low" in bounds or "high" in bounds) and kind.kind not in ("whole", "number"):
        return None
    if "shortest" in bounds and kind.kind != "text":
        return None
    return _Field(
        kind.kind, nullable, shortest=bounds.get("shortest", 0), low=bounds.get("low"),
        high=bounds.get("high"), terms=kind.terms, tag=kind.tag, model=kind.model,
    )  # fmt: skip


def _kind(annotation: Any, marks: list[Any]) -> _Field | None:
    """The kind of a field's type, its metadata other than bounds being ``marks``."""
    if marks == list(_INSTANT) and annotation is dt.datetime:
        return _Field("instant")
    if marks == list(_COORDINATE) and annotation is float:
        return _Field("number")
    if marks:
        return None
    if annotation is str:
        return _Field("text")
    if annotation is bool:
        return _Field("flag")
    if annotation is int:
        return _Field("whole")
    if annotation is float:
        return _Field("number")
    if get_origin(annotation) is Literal:
        values = get_args(annotation)
        if len(values) == 1 and type(values[0]) is str:
            return _Field("tag", tag=values[0])
        return None
    if _is_terms(annotation):
        return _Field("term", terms=dict(annotation._value2member_map_))
    if isinstance(annotation, type) and issubclass(annotation, FrozenModel):
        return _Field("model", model=annotation) if plan_of(annotation) else None
    if get_origin(annotation) is tuple:
        item, *rest = get_args(annotation)
        if rest != [Ellipsis]:
            return None
        if _is_terms(item):
            return _Field("terms", terms=dict(item._value2member_map_))
        if isinstance(item, type) and issubclass(item, FrozenModel) and plan_of(item):
            return _Field("models", model=item)
    return None


def _is_terms(annotation: Any) -> bool:
    """A string enumeration (pydantic takes its exact values as lookups of its members)."""
    return (
        isinstance(annotation, type)
        and issubclass(annotation, enum.Enum)
        and issubclass(annotation, str)
        and all(type(value) is str for value in annotation._value2member_map_)
    )


_PLANS: dict[type[BaseModel], _Plan | None] = {}
_NONE_FINE: Mapping[str, str] = types.MappingProxyType({})
_ORDER_OWN = {"events", "units"}
"""The order's fields made apart (its events here, its units by the reader's cache)."""


def plan_of(cls: type[BaseModel]) -> _Plan | None:
    """How the fast path makes ``cls`` (``None``: it does not; validation does)."""
    if cls in _PLANS:
        return _PLANS[cls]
    _PLANS[cls] = None  # (while it is made: a model holding itself is not handled)
    plan = _made_plan(cls)
    _PLANS[cls] = plan
    return plan


def _made_plan(cls: type[BaseModel]) -> _Plan | None:
    decorators = cls.__pydantic_decorators__
    if (
        dict(cls.model_config) != _CONFIG
        or any(
            (
                decorators.validators,
                decorators.field_validators,
                decorators.root_validators,
                decorators.model_validators,
            )
        )
        or cls.__pydantic_post_init__ is not None
        or cls.__private_attributes__
        or cls.__pydantic_root_model__
    ):
        return None
    fields: dict[str, _Field] = {}
    for name, info in cls.model_fields.items():
        if cls is WorkOrder and name in _ORDER_OWN:
            continue
        found = _field(info)
        if found is None:
            return None
        fields[name] = found
    if cls is WorkOrder and (
        WorkOrder.model_fields["units"].annotation != tuple[Unit, ...]
        or WorkOrder.model_fields["events"].annotation != tuple[Event, ...]
    ):
        return None  # (each event is made by the plan of its class, or validated)
    return _Plan(
        cls,
        fields,
        {name: info.default for name, info in cls.model_fields.items()},
        frozenset(name for name, info in cls.model_fields.items() if info.is_required()),
    )


def _slot(name: str) -> Callable[[Any, Any], None]:
    """The setter of an instance's ``name`` (``__dict__`` or a slot of :class:`BaseModel`)."""
    setter: Callable[[Any, Any], None] = vars(BaseModel)[name].__set__
    return setter


_SET_DICT = _slot("__dict__")
_SET_FIELDS = _slot("__pydantic_fields_set__")
_SET_EXTRA = _slot("__pydantic_extra__")
_SET_PRIVATE = _slot("__pydantic_private__")


def _column_objects(
    plan: _Plan,
    keys: Sequence[str],
    columns: Sequence[Sequence[Any]],
    made: Sequence[tuple[str, Sequence[Any]]],
    count: int,
) -> list[Any]:
    """The instances of ``count`` rows vouched for, from their cells a column at a time.

    ``columns`` are the values of each of ``keys``, set into the instances' dicts in
    C; the values ``made`` (turned, or given: their fields set too) instead of the
    cells. Each instance is what validation makes: a ``__dict__`` in field order,
    the defaults of the fields not given, its fields set the keys given.
    """
    dicts = list(map(dict.copy, repeat(plan.defaults, count)))
    turned = {name for name, _values in made}
    for name, values in zip(keys, columns, strict=True):
        if name not in turned:
            deque(map(setitem, dicts, repeat(name), values), maxlen=0)
    for name, values in made:
        deque(map(setitem, dicts, repeat(name), values), maxlen=0)
    return _instances(plan, (*keys, *(name for name in turned if name not in keys)), dicts)


def _instances(plan: _Plan, keys: Sequence[str], dicts: list[dict[str, Any]]) -> list[Any]:
    """Instances of the plan's class holding ``dicts``, their fields set ``keys``.

    The instances share one set of the fields set (``model_fields_set``), where
    validation makes one an instance: the models are frozen, so pydantic never changes
    it in place (``model_copy`` copies it before adding to it). One set made and freed
    for a run of rows, not one a row: 1 % of a partition's instructions.
    """
    count = len(dicts)
    objects = list(map(object.__new__, repeat(plan.cls, count)))
    deque(map(_SET_DICT, objects, dicts), maxlen=0)
    deque(map(_SET_FIELDS, objects, repeat(set(keys), count)), maxlen=0)
    deque(map(_SET_EXTRA, objects, repeat(None, count)), maxlen=0)
    deque(map(_SET_PRIVATE, objects, repeat(None, count)), maxlen=0)
    return objects


def _grouped(keys: Sequence[Any]) -> dict[Any, list[int]]:
    """The rows of each key, in order."""
    distinct = dict.fromkeys(keys)
    if len(distinct) == 1:
        return {next(iter(distinct)): list(range(len(keys)))}
    number = {key: place for place, key in enumerate(distinct)}
    codes = np.fromiter(map(number.__getitem__, keys), dtype=np.int64, count=len(keys))
    return dict(zip(distinct, rows_by_code(codes), strict=True))


def rows_by_code(codes: Any) -> list[list[int]]:
    """The rows of each code (numbered from 0, no gaps), ascending: one list a code."""
    order = np.argsort(codes, kind="stable")
    edges = np.cumsum(np.bincount(codes))[:-1].tolist()
    return [part.tolist() for part in np.split(order, edges)]


def _made(plan: _Plan, rows: Sequence[Mapping[str, Any]], keys: tuple[str, ...]) -> list[Any]:
    """The instances of rows (dicts) with the same keys (``None`` for a row not vouched for)."""
    columns = [list(map(itemgetter(key), rows)) for key in keys]
    return _made_of_columns(plan, keys, columns, len(rows), (), _NONE_FINE)


def _kept(objects: list[Any], good: Sequence[bool]) -> list[Any]:
    return [made_one if ok else None for made_one, ok in zip(objects, good, strict=True)]


def _vouched(
    plan: _Plan,
    keys: tuple[str, ...],
    columns: Sequence[list[Any]],
    given: Sequence[tuple[str, Sequence[Any]]] = (),
    fine: Mapping[str, str] = _NONE_FINE,
) -> tuple[list[tuple[str, Sequence[Any]]], list[bool] | None] | None:
    """The checks of rows with the same keys, a column at a time (``columns``: each key's values).

    ``given`` are values made elsewhere for fields not among the keys (``None``: that
    row is not vouched for).

    Returns ``(made, good)``: the values validation makes of the columns whose
    cells it does not keep as they are (name and values), and whether each row is
    vouched for (``None``: every one); ``None``: no row is (a key the class does
    not have, a required field missing). ``fine`` names the columns the reader
    found a field of a kind keeps as they are, on the whole column (text needing
    no stripping, aware instants in range, booleans): a field of that kind without
    bounds takes their cells unlooked at.
    """
    if not set(keys) <= plan.fields.keys() or not plan.required <= {
        *keys,
        *(name for name, _values in given),
    }:
        return None
    good: list[bool] | None = None
    made: list[tuple[str, Sequence[Any]]] = list(given)
    for _name, values in given:
        if None in values:
            good = _and(good, [value is not None for value in values])
    for place, key in enumerate(keys):
        spec = plan.fields[key]
        if spec.kind == fine.get(key) and not spec.shortest:  # (text, instant, flag)
            continue
        turned, bad = _checked(spec, columns[place])
        if bad is not None:
            good = _and(good, [not each for each in bad])
        if turned is not None:
            made.append((key, turned))
    return made, good


def _and(good: list[bool] | None, more: list[bool]) -> list[bool]:
    return more if good is None else [a and b for a, b in zip(good, more, strict=True)]


def _checked(spec: _Field, values: list[Any]) -> tuple[list[Any] | None, list[bool] | None]:
    """A column's values as the field makes them, and which cells it refuses or may change.

    Returns ``(turned, bad)``: ``turned`` the values to set (``None``: the cells
    themselves), ``bad`` whether each cell is not vouched for (``None``: none is).
    """
    if spec.nullable and None in values:
        if values.count(None) == len(values):
            return None, None  # (None: kept as it is)
        where = [index for index, value in enumerate(values) if value is not None]
        inner, inner_bad = _checked(_not_null(spec), [values[index] for index in where])
        turned = None
        if inner is not None:
            turned = list(values)
            for index, value in zip(where, inner, strict=True):
                turned[index] = value
        bad = None
        if inner_bad is not None:
            bad = [False] * len(values)
            for index, value in zip(where, inner_bad, strict=True):
                bad[index] = value
        return turned, bad
    if spec.kind in ("model", "models"):
        return _nested(spec, values)
    try:
        fine = _all_fine(spec, values)
    except TypeError:  # (an unhashable value where a term is)
        fine = False
    if fine:
        return _turned(spec, values), None
    bad = [not _one_fine(spec, value) for value in values]
    kept = [None if refused else value for value, refused in zip(values, bad, strict=True)]
    return _turned(spec, kept, partly=True), bad


def _not_null(spec: _Field) -> _Field:
    return _Field(
        spec.kind, False, spec.low, spec.high, spec.shortest, spec.terms, spec.tag, spec.model
    )


def _types(values: Iterable[Any]) -> set[type]:
    return set(map(type, values))


def _in_bounds(spec: _Field, values: Sequence[Any]) -> bool:
    return (spec.low is None or min(values) >= spec.low) and (
        spec.high is None or max(values) <= spec.high
    )


def _all_fine(spec: _Field, values: list[Any]) -> bool:
    """Whether validation keeps (or looks up) every value of a column (none ``None``)."""
    if not values:
        return True
    kind = spec.kind
    if kind in ("term", "tag"):  # (a few words: each checked once, not each cell's type)
        distinct = set(values)
        if _types(distinct) != {str}:
            return False
        return distinct <= spec.terms.keys() if kind == "term" else distinct == {spec.tag}
    found = _types(values)
    if kind == "text":
        return (
            found == {str}
            and list(map(str.strip, values)) == values
            and (not spec.shortest or min(map(len, values)) >= spec.shortest)
        )
    if kind == "terms":
        if found != {list}:
            return False
        every = list(chain.from_iterable(values))
        return _types(every) <= {str} and set(every) <= spec.terms.keys()
    if kind == "instant":
        if found != {dt.datetime}:
            return False
        if set(map(_ZONE, values)) != {dt.UTC} and None in map(dt.datetime.utcoffset, values):
            return False  # (naive; in UTC, the reader's zone, no offset is asked)
        return bool(min(values) >= EARLIEST and max(values) < LATEST)
    if kind == "whole":
        return found == {int} and _in_bounds(spec, values)
    if kind == "number":
        return found == {float} and all(map(math.isfinite, values)) and _in_bounds(spec, values)
    if kind == "flag":
        return found == {bool}
    return False  # (a kind not named here: its cells go to the model)


_ZONE = attrgetter("tzinfo")


def _one_fine(spec: _Field, value: Any) -> bool:
    """Whether validation keeps (or looks up) one value (not ``None``)."""
    try:
        return _all_fine(spec, [value])
    except TypeError:  # (an unhashable value where a term is)
        return False


def _turned(spec: _Field, values: list[Any], partly: bool = False) -> list[Any] | None:
    """The values validation makes of a column's cells (``None``: the cells themselves).

    With ``partly``, ``None`` (a refused cell) stays ``None``.
    """
    if spec.kind == "term":
        look = spec.terms.get if partly else spec.terms.__getitem__
        return list(map(look, values))
    if spec.kind == "terms":
        look = spec.terms.__getitem__
        if None not in values:  # (each list's terms looked up in C: no Python step a cell)
            return list(map(tuple, map(map, repeat(look), values)))
        return [None if value is None else tuple(map(look, value)) for value in values]
    return None


def _nested(spec: _Field, values: list[Any]) -> tuple[list[Any], list[bool] | None]:
    """Nested models (``model``: a dict a cell; ``models``: a list of dicts) made."""
    plan = plan_of(spec.model) if spec.model is not None else None
    if plan is None:
        return list(values), [True] * len(values)
    if spec.kind == "model":
        made = made_models(plan, values)
        return made, None if all(made) else [value is None for value in made]  # (all: not ==)
    lists = values if _types(values) == {list} else [
        value if type(value) is list else [None] for value in values
    ]  # fmt: skip
    every = made_models(plan, list(chain.from_iterable(lists)))
    edges = [0, *accumulate(map(len, lists))]
    tuples = list(map(tuple, map(every.__getitem__, map(slice, edges, edges[1:]))))
    if lists is values and all(every):  # (a model is true, None is not)
        return tuples, None
    bad = [
        type(value) is not list or not all(made) for value, made in zip(values, tuples, strict=True)
    ]
    return tuples, bad


def made_models(plan: _Plan, rows: Sequence[Any]) -> list[Any]:
    """The instances of one class from dicts (``None`` for a row not vouched for)."""
    out: list[Any] = [None] * len(rows)
    if not rows:
        return out
    if _types(rows) != {dict}:
        dicts = [index for index, row in enumerate(rows) if type(row) is dict]
        for index, made in zip(dicts, made_models(plan, [rows[i] for i in dicts]), strict=True):
            out[index] = made
        return out
    for keys, members in _grouped(list(map(tuple, rows))).items():
        picked = [rows[index] for index in members] if len(members) < len(rows) else rows
        for index, made in zip(members, _made(plan, picked, keys), strict=True):
            out[index] = made
    return out


@dataclass(frozen=True, slots=True)
class EventGroup:
    """Events of one class with the same cells, checked (:func:`checked_events`).

    Attributes:
        plan: how their class is made (``None``: it is not; they are validated).
        keys: the cells they hold.
        members: their rows, ascending.
        cells: each key's cells, of the rows ``members``.
        made: the values validation makes of the cells it does not keep, by field.
        good: whether each row is vouched for (``None``: every one).
    """

    plan: _Plan | None
    keys: tuple[str, ...]
    members: list[int]
    cells: Sequence[Sequence[Any]]
    made: list[tuple[str, Sequence[Any]]]
    good: list[bool] | None


def checked_events(
    groups: Sequence[tuple[tuple[str, ...], list[int]]] | None,
    columns: Sequence[Sequence[list[Any]]] | None,
    fine: Mapping[str, str] = _NONE_FINE,
) -> list[EventGroup]:
    """The events' cells checked, a group of rows and a column at a time.

    The rows are taken by ``type`` and by which cells they hold (``groups``: each
    group's keys and rows, ascending, with one ``type`` a group), ``columns`` each
    group's cells (a list of each key's values), as the reader found them.
    :func:`made_events` then makes the instances of a span of them. No groups (a
    table without cells): no event is vouched for, each is validated with its order.
    """
    if not _FAST or groups is None or columns is None:
        return []
    out = []
    for (keys, members), group_cells in zip(groups, columns, strict=True):
        cells = list(group_cells)
        kind = cells[keys.index("type")][0] if "type" in keys else None
        cls = EVENT_CLASSES.get(kind) if type(kind) is str else None
        plan = plan_of(cls) if cls is not None else None
        vouched = _vouched(plan, keys, cells, fine=fine) if plan is not None else None
        if vouched is None:
            out.append(EventGroup(None, keys, members, cells, [], None))
        else:
            out.append(EventGroup(plan, keys, members, cells, *vouched))
    return out


def made_events(groups: Sequence[EventGroup], span: tuple[int, int]) -> list[Any]:
    """The instances of the events ``low`` to ``high - 1`` (``span``), as checked (``groups``).

    ``None`` for an event not vouched for (validated instead, with its order).
    The instances are made when their orders' records are (the reader's runs of
    rows), the checks once for all the rows.
    """
    low, high = span
    if not groups or low >= high:
        return [None] * (high - low)
    parts: list[list[Any]] = []
    taken: list[list[int]] = []
    for group in groups:
        every = group.members
        first, last = bisect_left(every, low), bisect_left(every, high)
        if first == last:
            continue
        members = every if last - first == len(every) else every[first:last]
        taken.append(members)
        if group.plan is None:
            parts.append([None] * len(members))
            continue
        whole = len(members) == len(every)
        made = [(name, values if whole else values[first:last]) for name, values in group.made]
        cells = group.cells if whole else [values[first:last] for values in group.cells]
        objects = _column_objects(group.plan, group.keys, cells, made, len(members))
        good = group.good
        parts.append(objects if good is None else _kept(objects, good[first:last]))
    return _in_row_order(parts, taken, low, high - low)


def _in_row_order(
    parts: Sequence[list[Any]], members: Sequence[list[int]], low: int, count: int
) -> list[Any]:
    """The groups' objects (``parts``, of the rows ``members``, from ``low``) in row order."""
    if len(parts) == 1:
        return parts[0]
    made = list(chain.from_iterable(parts))
    where = np.empty(count, dtype=np.int64)
    places = np.fromiter(chain.from_iterable(members), dtype=np.int64, count=count) - low
    where[places] = np.arange(count)
    return list(map(made.__getitem__, where.tolist()))


def made_orders(
    groups: Sequence[tuple[tuple[str, ...], list[int]]],
    columns: Sequence[Sequence[list[Any]]],
    span: tuple[int, int],
    events: Sequence[Sequence[Any]],
    units: Sequence[tuple[Unit, ...] | None],
    fine: Mapping[str, str] = _NONE_FINE,
) -> list[WorkOrder | None]:
    """The :class:`WorkOrder` of each of the rows ``low`` to ``high - 1`` (``span``), or ``None``.

    ``None``: validated instead. The rows are in ``groups`` (each group's keys and
    rows, ascending, with the same cells), ``columns`` each group's cells (a list
    of each key's values), as the reader found them. ``events`` are each order's
    events as :func:`made_events` made them, ``units`` its units as the reader's
    cache gave them (:class:`Unit` s, which validation keeps as they are; ``None``
    where one is the cells of a unit it refused: not vouched for). An order
    with a ``None`` among its events is not vouched for either.
    """
    low, high = span
    plan = plan_of(WorkOrder)
    if not _FAST or low >= high or plan is None or not groups:
        return [None] * (high - low)
    if all(chain.from_iterable(events)):  # (a model is true, None is not)
        held: list[Any] = list(map(tuple, events))
    else:
        held = [tuple(found) if all(found) else None for found in events]
    parts = []
    taken = []
    units_of: Sequence[Any]
    events_of: Sequence[Any]
    for (keys, every), cells in zip(groups, columns, strict=True):
        first, last = bisect_left(every, low), bisect_left(every, high)
        if first == last:
            continue
        whole = last - first == len(every)
        members = every if whole else every[first:last]
        taken.append(members)
        if len(members) == high - low:
            units_of, events_of = units, held
        else:
            places = [member - low for member in members]
            pick = itemgetter(*places) if len(places) > 1 else _one(places[0])
            units_of, events_of = pick(units), pick(held)
        given = (("units", units_of), ("events", events_of))
        values = cells if whole else [column[first:last] for column in cells]
        parts.append(_made_of_columns(plan, keys, values, len(members), given, fine))
    return _in_row_order(parts, taken, low, high - low)


def _made_of_columns(
    plan: _Plan,
    keys: tuple[str, ...],
    columns: Sequence[list[Any]],
    count: int,
    given: Sequence[tuple[str, Sequence[Any]]],
    fine: Mapping[str, str],
) -> list[Any]:
    """The instances of ``count`` rows with the same keys, from their cells' ``columns``.

    ``None`` for a row not vouched for. ``given``: see :func:`_vouched`.
    """
    found = _vouched(plan, keys, columns, given, fine)
    if found is None:
        return [None] * count
    made, good = found
    objects = _column_objects(plan, keys, columns, made, count)
    return objects if good is None else _kept(objects, good)


def _one(index: int) -> Callable[[Sequence[Any]], tuple[Any]]:
    """The one-item tuple of ``index`` (what ``itemgetter`` gives for two or more)."""
    return lambda values: (values[index],)
