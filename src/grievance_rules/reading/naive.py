"""Reading naive timestamps in a zone the user names: never a guess.

A timestamp without a UTC offset is refused unless the reader is given
``assume_tz``; then, and only then, it is read as wall-clock time in that zone.
Timestamps that carry an offset are left as they are.

Example:
    >>> record = {"received_at": "2024-05-06 09:00",
    ...           "events": [{"type": "closed", "at": "2024-05-07T10:00:00+08:00"}]}
    >>> localize_naive(record, zone("Asia/Shanghai"))["received_at"]
    '2024-05-06T09:00:00+08:00'
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pendulum

from grievance_rules.errors import ReadError
from grievance_rules.i18n import gettext as _
from grievance_rules.model import EVENT_CLASSES

__all__ = ["ORDER_INSTANT_FIELDS", "localize_naive", "zone"]

ORDER_INSTANT_FIELDS = ("received_at", "dispatched_at", "reply_deadline")
"""The order's own instant fields (events name theirs in ``instant_fields``)."""

_BARE_DATE = re.compile(r"\d{4}-?\d{2}-?\d{2}")  # refused by the model, not localized
_ALL_EVENT_INSTANT_FIELDS = tuple(
    sorted({name for cls in EVENT_CLASSES.values() for name in cls.instant_fields})
)


def zone(name: str | dt.tzinfo) -> dt.tzinfo:
    """A time zone from its IANA name (or a tzinfo, returned as it is).

    Raises:
        ReadError: no such zone, or not a name (a number of hours is no zone: 8 was
            read by pendulum as an offset of 8 seconds).
    """
    if isinstance(name, dt.tzinfo):
        return name
    if not isinstance(name, str):  # (8 was read as a fixed offset of 8 seconds)
        raise ReadError(
            _("assume_tz: an IANA zone name such as 'Asia/Shanghai', not {value}").format(
                value=repr(name)
            )
        )
    try:
        return pendulum.timezone(name)
    except (ValueError, KeyError, pendulum.tz.exceptions.InvalidTimezone) as exc:
        raise ReadError(
            _("unknown time zone {name!r} for assume_tz: {problem}").format(name=name, problem=exc)
        ) from None


def _localized(value: Any, tz: dt.tzinfo) -> Any:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value
    if isinstance(value, str) and not _BARE_DATE.fullmatch(value.strip()):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value  # not ISO: validation names the problem
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=tz).isoformat()
    return value


def localize_naive(record: Any, tz: dt.tzinfo) -> Any:
    """The record with its naive timestamps read in ``tz``; a new dict, the input unchanged.

    Only the instant fields of the order and its events are touched; anything that
    is not a dict of the expected shape is returned as it is, for validation to
    report.
    """
    if not isinstance(record, dict):
        return record
    out = dict(record)
    for name in ORDER_INSTANT_FIELDS:
        if name in out:
            out[name] = _localized(out[name], tz)
    events = out.get("events")
    if isinstance(events, list):
        new_events = []
        for event in events:
            if isinstance(event, dict):
                kind = event.get("type")
                cls = EVENT_CLASSES.get(kind) if isinstance(kind, str) else None
                names = cls.instant_fields if cls is not None else _ALL_EVENT_INSTANT_FIELDS
                event = dict(event)
                for name in names:
                    if name in event:
                        event[name] = _localized(event[name], tz)
            new_events.append(event)
        out["events"] = new_events
    return out
