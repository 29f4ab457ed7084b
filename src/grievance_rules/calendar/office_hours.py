"""Office hours: the intervals of a working day in which working time runs.

Times are wall-clock times in Asia/Shanghai (UTC+8, no daylight saving since 1991).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pendulum

from grievance_rules.errors import CalendarError, NaiveDatetimeError
from grievance_rules.i18n import gettext as _

__all__ = ["SHANGHAI", "OfficeHours", "to_shanghai"]

SHANGHAI: dt.tzinfo = pendulum.timezone("Asia/Shanghai")
"""The time zone every instant is read in (pendulum's Asia/Shanghai)."""

_US_PER_MINUTE = 60_000_000
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def to_shanghai(instant: dt.datetime, *, what: str = "instant") -> dt.datetime:
    """The same instant on Shanghai wall-clock time.

    Args:
        instant: a timezone-aware datetime.
        what: how to name the value in an error message.

    Raises:
        NaiveDatetimeError: the datetime has no timezone; no zone is guessed.

    Example:
        >>> to_shanghai(dt.datetime(2026, 2, 13, 7, 0, tzinfo=dt.timezone.utc)).isoformat()
        '2026-02-13T15:00:00+08:00'
    """
    if instant.__class__ is dt.datetime and instant.tzinfo is SHANGHAI:
        return instant
    if not isinstance(instant, dt.datetime):
        raise CalendarError(
            _("{what} must be a datetime, got {kind}").format(
                what=what, kind=type(instant).__name__
            )
        )
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise NaiveDatetimeError(
            _(
                "{what} {instant} has no timezone; give an offset such as +08:00 "
                "(no timezone is guessed)"
            ).format(what=what, instant=instant.isoformat())
        )
    return instant.astimezone(SHANGHAI)


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """The working intervals of every working day (make-up days included).

    Attributes:
        intervals: ``(start, end)`` minutes after midnight, sorted, not overlapping.

    Example:
        >>> hours = OfficeHours.parse("09:00-12:00,13:30-17:30")
        >>> hours.day_minutes, str(hours)
        (420, '09:00-12:00,13:30-17:30')
    """

    intervals: tuple[tuple[int, int], ...]
    _bounds_us: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "_bounds_us",
            tuple((a * _US_PER_MINUTE, b * _US_PER_MINUTE) for a, b in self.intervals),
        )
        if not self.intervals:
            raise CalendarError(_("office hours need at least one interval"))
        previous_end = 0
        for start, end in self.intervals:
            if not 0 <= start < end <= 24 * 60:
                shown = (
                    f"{_hhmm(start)}-{_hhmm(end)}"
                    if 0 <= start <= 24 * 60 and 0 <= end <= 24 * 60
                    else f"{start}-{end} (minutes)"
                )
                raise CalendarError(
                    _(
                        "office-hours interval {interval} is not valid: it must begin before "
                        "it ends, within the day (00:00-24:00)"
                    ).format(interval=shown)
                )
            if start < previous_end:
                raise CalendarError(_("office-hours intervals must be sorted and must not overlap"))
            previous_end = end

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Read ``"HH:MM-HH:MM,HH:MM-HH:MM"``.

        Raises:
            CalendarError: the text is not of that form.
        """
        intervals = []
        for part in text.split(","):
            match = _INTERVAL.match(part)
            if not match:
                raise CalendarError(
                    _("office hours {text}: {part} is not HH:MM-HH:MM").format(
                        text=repr(text), part=repr(part)
                    )
                )
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            for hours, minutes in ((h1, m1), (h2, m2)):
                if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
                    raise CalendarError(
                        _("office hours {text}: {clock} is no time of day").format(
                            text=repr(text), clock=f"{hours:02d}:{minutes:02d}"
                        )
                    )
            intervals.append((h1 * 60 + m1, h2 * 60 + m2))
        return cls(tuple(intervals))

    @classmethod
    def from_times(cls, pairs: Iterable[tuple[dt.time, dt.time]]) -> OfficeHours:
        """Build from ``datetime.time`` pairs."""
        return cls(tuple((a.hour * 60 + a.minute, b.hour * 60 + b.minute) for a, b in pairs))

    def __str__(self) -> str:
        return ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in self.intervals)

    @property
    def day_minutes(self) -> int:
        """Working minutes in one working day."""
        return sum(end - start for start, end in self.intervals)

    @property
    def opening(self) -> int:
        """Minute of the day the office opens."""
        return self.intervals[0][0]

    @property
    def closing(self) -> int:
        """Minute of the day the office closes."""
        return self.intervals[-1][1]

    def worked_before_us(self, minute_us: int) -> int:
        """Working microseconds of a working day that lie before a time of day.

        Args:
            minute_us: microseconds after midnight.
        """
        total = 0
        for start_us, end_us in self._bounds_us:
            if minute_us <= start_us:
                break
            total += (minute_us if minute_us < end_us else end_us) - start_us
        return total

    def time_at_us(self, worked_us: int) -> int:
        """The time of day (µs after midnight) at which ``worked_us`` of work is done.

        A value that ends exactly at an interval's end gives that end (12:00, not
        13:30): a deadline is the last moment still in time.
        """
        remaining = worked_us
        for start_us, end_us in self._bounds_us:
            length = end_us - start_us
            if remaining <= length:
                return start_us + remaining
            remaining -= length
        return self._bounds_us[-1][1]

    def contains(self, minute_us: int) -> bool:
        """Whether a time of day (µs after midnight) lies inside an interval."""
        return any(start_us <= minute_us < end_us for start_us, end_us in self._bounds_us)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
