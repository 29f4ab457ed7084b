"""What every model of the package shares: immutability, no unknown fields, instants.

:data:`Instant` is a timezone-aware datetime. A naive one is refused (reading
can name a zone for naive timestamps explicitly, see
:mod:`grievance_rules.reading`); JSON output always gives the instant on
Asia/Shanghai wall-clock time with its ``+08:00`` offset, so that every fact the
engine sees is written the same way.
An instant given at ``+08:00`` since 1992 is held in the Asia/Shanghai zone
(see ``_InstantSchema``), one zone object for all.

Example:
    >>> import datetime as dt
    >>> from pydantic import TypeAdapter
    >>> ta = TypeAdapter(Instant)
    >>> ta.dump_python(ta.validate_python("2024-05-06T01:00:00Z"), mode="json")
    '2024-05-06T09:00:00+08:00'
    >>> from pydantic import ValidationError
    >>> for value in ("2024-05-06T09:00:00", 1714957200, "2024-05-06"):
    ...     try:
    ...         ta.validate_python(value)
    ...     except ValidationError as exc:
    ...         print(exc.errors()[-1]["msg"])
    Input should have timezone info
    1714957200 is not an instant; give an ISO 8601 date-time such as 2024-05-06T09:30:00+08:00 (numbers are not read as instants)
    '2024-05-06' is a date, not an instant; give the time of day too (e.g. 2024-05-14T17:30:00+08:00)
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import operator
import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler, PlainSerializer
from pydantic_core import PydanticCustomError, core_schema

from grievance_rules.calendar import SHANGHAI

__all__ = [
    "CHECKED_TAG",
    "EARLIEST",
    "FAST_TAG",
    "LATEST",
    "ZONED_TAG",
    "FrozenModel",
    "Instant",
    "in_shanghai",
    "instant_text",
]


def instant_text(instant: dt.datetime) -> str:
    """The instant in ISO 8601 on Shanghai wall-clock time.

    Example:
        >>> instant_text(dt.datetime(2024, 5, 6, 1, 0, tzinfo=dt.timezone.utc))
        '2024-05-06T09:00:00+08:00'
    """
    if instant.__class__ is not dt.datetime:  # (a subclass may write itself otherwise)
        return in_shanghai(instant).isoformat()
    text = _TEXTS.get(instant)
    if text is None:
        text = in_shanghai(instant).isoformat()
        if len(_TEXTS) >= _TEXTS_SIZE:
            _TEXTS.clear()
        _TEXTS[instant] = text
    return text


_TEXTS: dict[dt.datetime, str] = {}
"""Instants already written (equal instants in any zone are written alike, so one text
serves them all): a trace names the same instants again and again, and writing one
took about 80 times a look-up (a datetime keeps its hash)."""
_TEXTS_SIZE = 65_536
"""At most this many texts are kept (then the memo starts afresh)."""

_EIGHT_HOURS = dt.timedelta(hours=8)


def in_shanghai(instant: dt.datetime) -> dt.datetime:
    """The same instant on Shanghai wall-clock time (itself when already so written).

    An order written in UTC (``Z``) and the same order written in ``+08:00`` are equal;
    their assessments are written alike when each instant a finding takes from the
    order passes through here.

    Example:
        >>> in_shanghai(dt.datetime(2024, 5, 6, 1, 0, tzinfo=dt.timezone.utc)).isoformat()
        '2024-05-06T09:00:00+08:00'
    """
    if instant.tzinfo is SHANGHAI or _on_shanghai_time(instant):
        return instant
    return instant.astimezone(SHANGHAI)


def _on_shanghai_time(instant: dt.datetime) -> bool:
    """Written at +08:00 in 1992 or later: Shanghai wall-clock time (no summer time since)."""
    return instant.utcoffset() == _EIGHT_HOURS and instant.year >= 1992


_SINCE_1992 = dt.datetime(1992, 1, 1, tzinfo=SHANGHAI)
"""Shanghai has kept UTC+8 all year since 1992 (summer time 1986 to 1991): the first
instant :func:`_on_shanghai_time` holds for, as validation's first choice asks it."""
_TO_SHANGHAI = operator.methodcaller("astimezone", SHANGHAI)


def _shanghai_zone(instant: dt.datetime) -> dt.datetime:
    """An instant written at +08:00 since 1992, in the Asia/Shanghai zone; others as given.

    The same instant, written the same way; held in one zone object, so that two
    such instants compare without asking their zones for offsets.
    """
    if instant.tzinfo is not SHANGHAI and _on_shanghai_time(instant):
        return instant.astimezone(SHANGHAI)
    return instant


_BARE_DATE = re.compile(r"\d{4}-?\d{2}-?\d{2}")

EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
"""The earliest instant accepted."""
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
"""Instants must be before this."""


def _instant(value: object) -> dt.datetime:
    """An aware datetime in range from an ISO 8601 string or a datetime; nothing else.

    Strings are parsed by :meth:`datetime.datetime.fromisoformat`.
    """
    if isinstance(value, str):
        text = value.strip()
        if _BARE_DATE.fullmatch(text):
            raise _bare_date(value)
        try:
            instant = dt.datetime.fromisoformat(text)
        except ValueError:
            raise PydanticCustomError(
                "datetime_parsing",
                "Input should be an ISO 8601 date-time such as 2024-05-06T09:30:00+08:00",
            ) from None
    elif isinstance(value, dt.datetime):
        instant = value
    elif isinstance(value, int | float):  # bool too
        raise PydanticCustomError(
            "instant_number",
            "{value} is not an instant; give an ISO 8601 date-time such as "
            "2024-05-06T09:30:00+08:00 (numbers are not read as instants)",
            {"value": repr(value)},
        )
    elif isinstance(value, dt.date):
        raise _bare_date(value)
    else:
        raise PydanticCustomError("datetime_type", "Input should be a valid datetime")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise PydanticCustomError("timezone_aware", "Input should have timezone info")
    if not EARLIEST <= instant < LATEST:
        raise PydanticCustomError(
            "instant_range",
            "{value} is outside the years 1900-2199",
            {"value": instant.isoformat()},
        )
    return _shanghai_zone(instant)


def _bare_date(value: object) -> PydanticCustomError:
    return PydanticCustomError(
        "instant_date",
        "{value} is a date, not an instant; give the time of day too "
        "(e.g. 2024-05-14T17:30:00+08:00)",
        {"value": repr(value) if isinstance(value, str) else repr(str(value))},
    )


ZONED_TAG = "$zoned"
"""The location tag of an instant's first fast path: +08:00 since 1992, set in Shanghai's zone."""
FAST_TAG = "$fast"
"""The location tag of an instant's fast (Rust-only) validation path."""
CHECKED_TAG = "$checked"
"""The location tag of an instant's checked (Python) validation path."""


class _InstantSchema:
    """Validation of an instant: Rust first, Python when Rust refuses or cannot tell.

    The first choices are pydantic-core's strict, timezone-aware datetime in range:
    an ISO string in JSON or a datetime object passes without a Python function (the
    hot path of reading JSON Lines). The first takes an instant at +08:00 since 1992
    and sets it in the Asia/Shanghai zone (``astimezone``, called from C); the second,
    any other offset, as it is. Anything else (a string given from Python, a naive or
    out-of-range value, a number) falls to :func:`_instant`, which accepts what it can
    and otherwise says precisely why not. When all fail, pydantic reports each;
    :mod:`grievance_rules.reading` keeps the last.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: object, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.union_schema(
            [
                (
                    core_schema.no_info_after_validator_function(
                        _TO_SHANGHAI,
                        core_schema.datetime_schema(
                            strict=True, tz_constraint=8 * 3600, ge=_SINCE_1992, lt=LATEST
                        ),
                    ),
                    ZONED_TAG,
                ),
                (
                    core_schema.datetime_schema(
                        strict=True, tz_constraint="aware", ge=EARLIEST, lt=LATEST
                    ),
                    FAST_TAG,
                ),
                (core_schema.no_info_plain_validator_function(_instant), CHECKED_TAG),
            ],
            mode="left_to_right",
        )


Instant = Annotated[
    dt.datetime,
    _InstantSchema,
    PlainSerializer(instant_text, return_type=str, when_used="json"),
]
"""A timezone-aware datetime, written as Shanghai time in JSON.

An ISO 8601 string or a datetime, in the years 1900–2199. Numbers are refused
(seconds or milliseconds since 1970? an Excel serial day?), and so are bare
dates (the start of the day? its end? office closing time?): each would be a guess.
"""


class FrozenModel(BaseModel):
    """Immutable; refuses unknown fields and non-finite floats; strips strings.

    The serialization JSON Schema marks every field required: a fact always has every key.
    """

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        allow_inf_nan=False,
        json_schema_serialization_defaults_required=True,
    )
