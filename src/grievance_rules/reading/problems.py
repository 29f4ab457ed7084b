"""Turning validation errors and history issues into record problems with field paths.

Example:
    >>> from pydantic import ValidationError
    >>> from grievance_rules.model import WorkOrder
    >>> try:
    ...     WorkOrder.model_validate_json(
    ...         '{"id": "1", "channel": "app", "category": "投诉",'
    ...         ' "received_at": "2024-05-06T09:00:00",'
    ...         ' "events": [{"type": "teleported", "at": "2024-05-06T10:00:00+08:00"}]}')
    ... except ValidationError as exc:
    ...     for problem in problems_from_validation(exc):
    ...         print(problem)
    received_at: naive timestamp '2024-05-06T09:00:00' has no UTC offset; add one (e.g. +08:00): no timezone is guessed [timezone_aware]
    events[0]: unknown event type 'teleported'; expected one of dispatched, signed_for, ... [union_tag_invalid]
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import re
import reprlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pydantic import ValidationError

from grievance_rules.i18n import current_language, join_list
from grievance_rules.i18n import gettext as _
from grievance_rules.model import EVENT_TYPES, HistoryIssue, enums
from grievance_rules.model.base import CHECKED_TAG, FAST_TAG, ZONED_TAG
from grievance_rules.model.terms import TermEnum
from grievance_rules.reading.cells import shown_cell
from grievance_rules.reading.results import RecordProblem, Rejected
from grievance_rules.validation_messages import pydantic_message

__all__ = [
    "field_path",
    "problems_from_issues",
    "problems_from_validation",
    "pydantic_message",
    "without_units_table",
    "zone_option",
    "zone_option_named",
]

_EVENT_TYPES = frozenset(EVENT_TYPES)
_UNNAMED = ""
"""The zone option not named by the caller (readers name their own)."""
_ZONE_OPTION: ContextVar[str | None] = ContextVar("zone_option", default=_UNNAMED)


def zone_option(default: str | None = None) -> str | None:
    """How the caller gives naive timestamps a zone, as a problem names it (``None``: no way).

    A reader is given the zone with ``assume_tz`` (its ``default``), the command line
    with ``--tz`` (:func:`zone_option_named`); a record sent to the engine, the HTTP
    service or a scenario has no such option, and its naive timestamp's problem asks
    only for an offset.
    """
    named = _ZONE_OPTION.get()
    return default if named == _UNNAMED else named


@contextmanager
def zone_option_named(name: str | None) -> Iterator[None]:
    """Within the block, a naive timestamp's problem names ``name`` (``None``: no option).

    The command line names ``--tz``; the HTTP service, whose records cannot be given a
    zone, names none.
    """
    token = _ZONE_OPTION.set(name)
    try:
        yield
    finally:
        _ZONE_OPTION.reset(token)


_SCALARS = (str, int, float, bool)
_MAX_SHOWN = 80


def field_path(loc: Sequence[int | str]) -> str:
    """A pydantic location as a path: ``('events', 2, 'replied', 'at')`` → ``events[2].at``.

    The discriminator tag pydantic puts after an event's index is left out, and so is
    the ``[key]`` marker of a bad dictionary key (the path ends with the key).

    Example:
        >>> field_path(("events", 2, "replied", "evidence", 0, "kind"))
        'events[2].evidence[0].kind'
    """
    parts: list[str] = []
    previous: int | str | None = None
    for i, part in enumerate(loc):
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part == "[key]":
            pass  # a bad dict key: the path already ends with the key itself
        elif (
            i >= 2 and isinstance(previous, int) and loc[i - 2] == "events" and part in _EVENT_TYPES
        ):
            pass  # the union's tag
        else:
            parts.append(f".{part}" if parts else str(part))
        previous = part
    return "".join(parts)


def _shown(value: object, cells: bool = False) -> str:
    """The value a record held, for a message.

    A cell's (``cells``) as the cell shows it (2025-03-01 00:00, TRUE:
    :func:`~.cells.shown_cell`); a date or time (a Parquet column's, a Python
    caller's) as its ISO text, as a JSON record would hold it; any other as Python
    writes it.
    """
    if not cells and isinstance(value, dt.date | dt.time):
        value = value.isoformat()  # '2025-01-17T13:24:00', not datetime.datetime(2025, 1, 17, ...)
    try:
        text = shown_cell(value) if cells else repr(value)
    except RecursionError:  # nested thousands deep: show the outer levels only
        text = reprlib.repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _term_enums() -> dict[frozenset[str], type[TermEnum]]:
    found: dict[frozenset[str], type[TermEnum]] = {}
    for name in enums.__all__:
        candidate = getattr(enums, name)
        if isinstance(candidate, type) and issubclass(candidate, TermEnum):
            found.setdefault(frozenset(member.value for member in candidate), candidate)
    return found


_ENUMS_BY_VALUES = _term_enums()
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _enum_message(error: Any, value: object, cells: bool = False) -> str:
    """An enumeration refused a value: in Chinese, the allowed values by their Chinese terms.

    Example:
        >>> from grievance_rules.i18n import language
        >>> error = {"msg": "Input should be 'satisfied', 'basically_satisfied' or "
        ...          "'dissatisfied'", "ctx": {"expected":
        ...          "'satisfied', 'basically_satisfied' or 'dissatisfied'"}}
        >>> with language("zh"):
        ...     _enum_message(error, "ok")
        "应为以下之一：满意、基本满意、不满意（实际为 'ok'）"
        >>> with language("en"):
        ...     _enum_message(error, "ok")
        "Input should be 'satisfied', 'basically_satisfied' or 'dissatisfied' (got 'ok'); the Chinese terms are accepted too"
    """  # noqa: E501
    if current_language() == "zh":
        expected = _QUOTED.findall(str(error.get("ctx", {}).get("expected", "")))
        enum_class = _ENUMS_BY_VALUES.get(frozenset(expected))
        terms = [enum_class(item).zh or item for item in expected] if enum_class else expected
        return _("should be one of: {terms} (got {value})").format(
            terms="、".join(terms),  # the Chinese enumeration comma: this branch is Chinese only
            value=_shown(value, cells),
        )
    return f"{error['msg']} (got {_shown(value, cells)}); the Chinese terms are accepted too"


def problems_from_validation(
    exc: ValidationError, *, cells: bool = False, zone_option: str | None = None
) -> tuple[RecordProblem, ...]:
    """One problem per validation error, each naming its field and the bad value.

    An instant refused by both its validation paths gives one problem, the
    checked path's (see :class:`grievance_rules.model.base.Instant`). ``cells``: the
    record was read from a table's cells, and a value is shown as its cell shows it
    (``2025-03-01 00:00``, ``TRUE``), not as Python writes it. ``zone_option``: how
    the caller can give a naive timestamp its zone (``--tz``, ``assume_tz``), named in
    its problem; ``None``: it cannot, and the problem asks for an offset only.
    """
    problems = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        if FAST_TAG in loc or ZONED_TAG in loc:
            continue  # an instant's fast paths refused it; the checked path says why
        kind = error["type"]
        path = field_path(tuple(part for part in loc if part != CHECKED_TAG))
        value = error.get("input")
        if kind == "timezone_aware" and zone_option is None:
            message = _(
                "naive timestamp {value} has no UTC offset; add one (e.g. +08:00): "
                "no timezone is guessed"
            ).format(value=_shown(value, cells))
        elif kind == "timezone_aware":
            message = _(
                "naive timestamp {value} has no UTC offset; add one (e.g. +08:00) or "
                "read it with {option} naming the zone it is in (no timezone is guessed)"
            ).format(value=_shown(value, cells), option=zone_option)
        elif kind == "union_tag_invalid":
            tag = error.get("ctx", {}).get("tag")
            message = _("unknown event type {tag}; expected one of {types}, ...").format(
                tag=repr(tag), types=join_list(EVENT_TYPES[:2])
            )
        elif kind == "union_tag_not_found":
            message = _("event has no 'type'")
        elif kind == "enum":
            message = _enum_message(error, value, cells)
        elif kind == "missing":
            message = _("field required")
        elif kind == "extra_forbidden":
            message = _("unknown field (value {value})").format(value=_shown(value, cells))
        else:
            message = pydantic_message(error)
            if isinstance(value, _SCALARS) or value is None:
                message = _("{message} (got {value})").format(
                    message=message, value=_shown(value, cells)
                )
        problems.append(RecordProblem(path, message, kind))
    return _naive_as_one(problems)


def _naive_as_one(problems: list[RecordProblem]) -> tuple[RecordProblem, ...]:
    """A record's naive timestamps as one problem (the first's, naming the others' fields).

    A file read without ``--tz`` has every timestamp naive: one line per record says
    it, instead of one per timestamp.
    """
    naive = [p for p in problems if p.code == "timezone_aware"]
    if len(naive) < 2:
        return tuple(problems)
    others = join_list(p.field for p in naive[1:])
    merged = RecordProblem(
        naive[0].field,
        _("{message}; so have {count} more of this record's timestamps ({fields})").format(
            message=naive[0].message, count=len(naive) - 1, fields=others
        ),
        "timezone_aware",
    )
    kept: list[RecordProblem] = []
    for problem in problems:
        if problem is naive[0]:
            kept.append(merged)
        elif problem.code != "timezone_aware":
            kept.append(problem)
    return tuple(kept)


def problems_from_issues(issues: Iterable[HistoryIssue]) -> tuple[RecordProblem, ...]:
    """History issues as record problems (the message says whether it is a warning)."""
    return tuple(
        RecordProblem(
            issue.field,
            issue.message
            if issue.severity == "error"
            else _("{message} (warning)").format(message=issue.message),
            issue.code.value,
        )
        for issue in issues
    )


def without_units_table(result: Rejected, table: str) -> Rejected:
    """A rejection for units its events name, from a source with no units table: say so.

    Without the table (``units.parquet``, a workbook's 单位 sheet) an order has no units,
    so every event naming one is refused; the rejection names the missing table once.
    """
    if not any(problem.code == "unknown_unit" for problem in result.problems):
        return result
    note = RecordProblem(
        "units",
        _(
            "the source has no units table ({table}): an order's units, which its events "
            "name, come from it"
        ).format(table=table),
        "no_units_table",
    )
    return Rejected(result.location, (note, *result.problems), result.order_id)  # (its cause first)
