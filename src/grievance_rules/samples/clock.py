"""Office time in whole minutes, fast, on a calendar's working days.

The generator places tens of events per order in office time; asking the
calendar each time (:meth:`~grievance_rules.calendar.WorkingCalendar.add_working_time`)
was two fifths of the generation time. :class:`OfficeClock` reads the working
days of a date range from the calendar once and then counts office minutes
(09:00–12:00, 13:30–17:30) with integer arithmetic. It gives the calendar's
answers (the tests compare them): a result that falls exactly on the end of a
working interval is that end (12:00, 17:30), not the next opening.

Only instants on Shanghai time, to the minute, are handled (seconds are
dropped), which is all the generator makes.

Example:
    >>> import datetime as dt
    >>> from grievance_rules.calendar import china
    >>> cst = dt.timezone(dt.timedelta(hours=8))
    >>> clock = OfficeClock(china(), dt.date(2025, 1, 20), dt.date(2025, 3, 1))
    >>> clock.add(dt.datetime(2025, 1, 27, 16, 0, tzinfo=cst), 420).isoformat()  # 春节
    '2025-02-05T16:00:00+08:00'
"""

from __future__ import annotations

import datetime as dt

from grievance_rules.calendar import WorkingCalendar
from grievance_rules.errors import CalendarRangeError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext

__all__ = ["OFFICE_DAY_MINUTES", "OfficeClock"]

OFFICE_DAY_MINUTES = 420
"""Office minutes in a working day: 09:00–12:00 and 13:30–17:30."""

_OPEN, _NOON, _AFTERNOON, _CLOSE = 9 * 60, 12 * 60, 13 * 60 + 30, 17 * 60 + 30
_MORNING = _NOON - _OPEN  # 180
_CST = dt.timezone(dt.timedelta(hours=8))


class OfficeClock:
    """Office minutes on the working days from ``first`` to ``last`` of a calendar.

    Args:
        calendar: the calendar whose working days count.
        first: the first date the clock knows.
        last: the last date the clock knows.

    Raises:
        CalendarRangeError: a date outside the calendar, or an instant or a
            result outside ``first``–``last``.
    """

    def __init__(self, calendar: WorkingCalendar, first: dt.date, last: dt.date) -> None:
        self.first = first
        self.last = last
        self.working: list[dt.date] = []
        self._at_or_after: list[int] = []  # per date: index of the first working day >= it
        self._is_working: list[bool] = []
        day = first
        one = dt.timedelta(days=1)
        while day <= last:
            is_working = calendar.is_working_day(day)
            self._at_or_after.append(len(self.working))
            self._is_working.append(is_working)
            if is_working:
                self.working.append(day)
            day += one

    def _index(self, day: dt.date) -> int:
        i = (day - self.first).days
        if not 0 <= i < len(self._is_working):
            raise CalendarRangeError(
                _("{day} is outside the office clock's range {first} to {last}").format(
                    day=day.isoformat(), first=self.first.isoformat(), last=self.last.isoformat()
                )
            )
        return i

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day."""
        return self._is_working[self._index(day)]

    def position(self, instant: dt.datetime) -> int:
        """Office minutes from the first working day's opening to ``instant``."""
        i = self._index(instant.date())
        k = self._at_or_after[i]
        if not self._is_working[i]:
            return k * OFFICE_DAY_MINUTES
        minute = instant.hour * 60 + instant.minute
        if minute <= _OPEN:
            worked = 0
        elif minute <= _NOON:
            worked = minute - _OPEN
        elif minute <= _AFTERNOON:
            worked = _MORNING
        elif minute <= _CLOSE:
            worked = _MORNING + minute - _AFTERNOON
        else:
            worked = OFFICE_DAY_MINUTES
        return k * OFFICE_DAY_MINUTES + worked

    def instant(self, position: int) -> dt.datetime:
        """The instant at ``position`` office minutes (an interval's end, not the next opening)."""
        k, minute = divmod(position, OFFICE_DAY_MINUTES)
        if minute == 0 and k > 0:
            k, minute = k - 1, OFFICE_DAY_MINUTES
        if not 0 <= k < len(self.working):
            raise CalendarRangeError(
                _(
                    "office minute {position} is outside the office clock's range {first} to {last}"
                ).format(
                    position=position, first=self.first.isoformat(), last=self.last.isoformat()
                )
            )
        clock = _OPEN + minute if minute <= _MORNING else _AFTERNOON + minute - _MORNING
        day = self.working[k]
        hour, minute = divmod(clock, 60)
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=_CST)

    def add(self, instant: dt.datetime, minutes: int) -> dt.datetime:
        """The instant ``minutes`` office minutes after ``instant``."""
        return self.instant(self.position(instant) + minutes)

    def between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Office minutes from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        return self.position(end) - self.position(start)

    def in_office_hours(self, instant: dt.datetime) -> bool:
        """Whether ``instant`` is on a working day within office hours."""
        if not self._is_working[self._index(instant.date())]:
            return False
        minute = instant.hour * 60 + instant.minute
        return _OPEN <= minute < _NOON or _AFTERNOON <= minute < _CLOSE

    def closing(self, day: dt.date, working_days: int) -> dt.datetime:
        """Closing time (17:30) of the ``working_days``-th working day after ``day``."""
        i = self._index(day)
        k = self._at_or_after[i] + self._is_working[i] + working_days - 1
        if not 0 <= k < len(self.working):
            raise CalendarRangeError(
                ngettext(
                    "{count} working day after {day} is outside the office clock's range "
                    "{first} to {last}",
                    "{count} working days after {day} is outside the office clock's range "
                    "{first} to {last}",
                    working_days,
                ).format(
                    count=working_days,
                    day=day.isoformat(),
                    first=self.first.isoformat(),
                    last=self.last.isoformat(),
                )
            )
        target = self.working[k]
        return dt.datetime(target.year, target.month, target.day, 17, 30, tzinfo=_CST)
