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
    received_at: naive timestamp '2024-05-06T09:00:00' has no UTC offset; add one (e.g. +08:00) or read with --tz (assume_tz) set to the zone it is in (no timezone is guessed) [timezone_aware]
    events[0]: unknown event type 'teleported'; expected one of dispatched, signed_for, ... [union_tag_invalid]
"""  # noqa: E501

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Sequence

from pydantic import ValidationError

from grievance_rules.model import EVENT_TYPES, HistoryIssue
from grievance_rules.model.base import CHECKED_TAG, FAST_TAG
from grievance_rules.reading.results import RecordProblem

__all__ = ["field_path", "problems_from_issues", "problems_from_validation"]

_EVENT_TYPES = frozenset(EVENT_TYPES)
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


def _shown(value: object) -> str:
    try:
        text = repr(value)
    except RecursionError:  # nested thousands deep: show the outer levels only
        text = reprlib.repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def problems_from_validation(exc: ValidationError) -> tuple[RecordProblem, ...]:
    """One problem per validation error, each naming its field and the bad value.

    An instant refused by both its validation paths gives one problem, the
    checked path's (see :class:`grievance_rules.model.base.Instant`).
    """
    problems = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        if FAST_TAG in loc:
            continue  # an instant's fast path refused it; the checked path says why
        kind = error["type"]
        path = field_path(tuple(part for part in loc if part != CHECKED_TAG))
        value = error.get("input")
        if kind == "timezone_aware":
            message = (
                f"naive timestamp {_shown(value)} has no UTC offset; add one (e.g. +08:00) or "
                "read with --tz (assume_tz) set to the zone it is in (no timezone is guessed)"
            )
        elif kind == "union_tag_invalid":
            tag = error.get("ctx", {}).get("tag")
            message = (
                f"unknown event type {tag!r}; expected one of {', '.join(EVENT_TYPES[:2])}, ..."
            )
        elif kind == "union_tag_not_found":
            message = "event has no 'type'"
        elif kind == "enum":
            message = f"{error['msg']} (got {_shown(value)}); the Chinese terms are accepted too"
        elif kind == "missing":
            message = "field required"
        elif kind == "extra_forbidden":
            message = f"unknown field (value {_shown(value)})"
        else:
            message = error["msg"]
            if isinstance(value, _SCALARS) or value is None:
                message = f"{message} (got {_shown(value)})"
        problems.append(RecordProblem(path, message, kind))
    return tuple(problems)


def problems_from_issues(issues: Iterable[HistoryIssue]) -> tuple[RecordProblem, ...]:
    """History issues as record problems (the message says whether it is a warning)."""
    return tuple(
        RecordProblem(
            issue.field,
            issue.message if issue.severity == "error" else f"{issue.message} (warning)",
            issue.code.value,
        )
        for issue in issues
    )
