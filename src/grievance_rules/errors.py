"""The one error hierarchy of grievance-rules.

Every exception the library raises on purpose derives from
:class:`GrievanceRulesError`, so a caller can catch the library's errors with one
``except`` clause and let programming errors through.

Example:
    >>> from grievance_rules.errors import CalendarRangeError, GrievanceRulesError
    >>> issubclass(CalendarRangeError, GrievanceRulesError)
    True
"""

from __future__ import annotations

__all__ = [
    "CalendarDataError",
    "CalendarError",
    "CalendarRangeError",
    "DurationError",
    "GrievanceRulesError",
    "NaiveDatetimeError",
    "ProvisionalCalendarError",
    "ProvisionalCalendarWarning",
]


class GrievanceRulesError(Exception):
    """Base class of every error grievance-rules raises on purpose."""


class CalendarError(GrievanceRulesError, ValueError):
    """A calendar question that cannot be answered as asked."""


class CalendarRangeError(CalendarError):
    """A date outside the range the calendar holds data or projections for."""


class CalendarDataError(CalendarError):
    """A calendar data file is malformed; the message names the file and entry."""


class ProvisionalCalendarError(CalendarError):
    """A result touched a provisional day and the calendar was asked to refuse that."""


class NaiveDatetimeError(CalendarError):
    """A datetime without a timezone where an instant is required."""


class DurationError(CalendarError):
    """A duration that cannot be parsed or cannot be used with a counting convention."""


class ProvisionalCalendarWarning(UserWarning):
    """A result touched a day whose status is projected, not yet set by a notice."""
