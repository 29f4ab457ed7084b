"""What every model of the package shares: immutability, no unknown fields, instants.

:data:`Instant` is a timezone-aware datetime. A naive one is refused (reading
can name a zone for naive timestamps explicitly, see
:mod:`grievance_rules.reading`); JSON output always gives the instant on
Asia/Shanghai wall-clock time with its ``+08:00`` offset, so that every fact the
engine sees is written the same way.

Example:
    >>> import datetime as dt
    >>> from pydantic import TypeAdapter
    >>> ta = TypeAdapter(Instant)
    >>> ta.dump_python(ta.validate_python("2024-05-06T01:00:00Z"), mode="json")
    '2024-05-06T09:00:00+08:00'
    >>> ta.validate_python("2024-05-06T09:00:00")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for function-wrap[...]
      Input should have timezone info [type=timezone_aware, input_value='2024-05-06T09:00:00', input_type=str]
    ...
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    PlainSerializer,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)

from grievance_rules.calendar import SHANGHAI

__all__ = ["EARLIEST", "LATEST", "FrozenModel", "Instant", "instant_text"]


def instant_text(instant: dt.datetime) -> str:
    """The instant in ISO 8601 on Shanghai wall-clock time.

    Example:
        >>> instant_text(dt.datetime(2024, 5, 6, 1, 0, tzinfo=dt.timezone.utc))
        '2024-05-06T09:00:00+08:00'
    """
    return instant.astimezone(SHANGHAI).isoformat()


_BARE_DATE = re.compile(r"\d{4}-?\d{2}-?\d{2}")

EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
"""The earliest instant accepted."""
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)
"""Instants must be before this."""


def _instant(value: object, handler: ValidatorFunctionWrapHandler) -> dt.datetime:
    """Refuse numbers and bare dates (each would be a guess) and absurd years."""
    if isinstance(value, int | float):
        raise ValueError(
            f"{value!r} is not an instant; give an ISO 8601 date-time such as "
            "2024-05-06T09:30:00+08:00 (numbers are not read as instants)"
        )
    if (isinstance(value, str) and _BARE_DATE.fullmatch(value.strip())) or type(value) is dt.date:
        raise ValueError(
            f"{value!r} is a date, not an instant; give the time of day too "
            "(e.g. 2024-05-14T17:30:00+08:00)"
        )
    instant: dt.datetime = handler(value)
    if not EARLIEST <= instant < LATEST:
        raise ValueError(f"{instant.isoformat()} is outside the years 1900-2199")
    return instant


Instant = Annotated[
    AwareDatetime,
    WrapValidator(_instant),
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
