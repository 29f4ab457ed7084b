"""Office-time positions of many instants at once, from a calendar's cumulative tables.

The per-order engine reads one instant's position with
:meth:`~grievance_rules.calendar.WorkingCalendar.office_time_position_us`; this is the
same arithmetic over numpy arrays: the number of working days up to each date
(built once per calendar from :meth:`is_working_day` over its final days) and the
office microseconds of a day before a time of day. Instants on provisional days
(after the calendar's ``final_through``) or outside the calendar are flagged, not
computed: the caller evaluates their orders with the per-order engine.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from grievance_rules.calendar import WorkingCalendar
from grievance_rules.columnar.instants import EPOCH_ORDINAL, SHANGHAI_US, US_PER_DAY, US_PER_MINUTE

__all__ = ["OfficeTimeline", "timeline_of"]


Int64s = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class OfficeTimeline:
    """A calendar's final days as arrays: working flags and working days so far.

    Attributes:
        first_day: the first day, as days since 1970-01-01.
        is_work: per day, whether it is a working day.
        cum: per day, the number of working days from the first day through it.
        day_us: office microseconds of a working day (0 without office hours).
        bounds_us: the office intervals as microseconds after midnight.
    """

    first_day: int
    is_work: Bools
    cum: Int64s
    day_us: int
    bounds_us: tuple[tuple[int, int], ...]
    workdays: Int64s
    """The working days, as days since 1970-01-01, in order."""

    def days(self, instants_us: Int64s) -> Int64s:
        """Each instant's Shanghai date, as an index into the tables (may be out of range)."""
        result: Int64s = (instants_us + SHANGHAI_US) // US_PER_DAY - self.first_day
        return result

    def covered(self, instants_us: Int64s) -> Bools:
        """Which instants fall on a final (not provisional) day of the calendar."""
        return self._in_tables(self.days(instants_us))

    def _in_tables(self, day: Int64s) -> Bools:
        """Which table indices (:meth:`days`) are days of the tables."""
        result: Bools = (day >= 0) & (day < len(self.cum))
        return result

    def positions(self, instants_us: Int64s) -> Int64s:
        """Office-time positions (µs); only meaningful where :meth:`covered` holds."""
        return self.placed(instants_us)[1]

    def placed(self, instants_us: Int64s) -> tuple[Bools, Int64s]:
        """:meth:`covered` and :meth:`positions` of the same instants (their dates found once)."""
        day, tod = np.divmod(instants_us + SHANGHAI_US, US_PER_DAY)
        day -= self.first_day
        return self._in_tables(day), self._positions(day, tod)

    def _positions(self, day: Int64s, tod: Int64s) -> Int64s:
        """:meth:`positions` of instants on the days ``day`` (table indices) at ``tod`` µs."""
        index = np.minimum(np.maximum(day, 0), len(self.cum) - 1)
        worked = np.zeros_like(tod)
        for start, end in self.bounds_us:
            worked += np.minimum(np.maximum(tod - start, 0), end - start)
        cum = self.cum[index]
        result: Int64s = np.where(
            self.is_work[index], (cum - 1) * self.day_us + worked, cum * self.day_us
        )
        return result

    def after(self, instants_us: Int64s, office_us: Int64s) -> tuple[Bools, Int64s]:
        """The instants at which ``office_us`` of office time has run from ``instants_us``.

        As the calendar's ``add_working_time``, for whole arrays; with whether each is
        exact: its start on a final day of the calendar and its result before the last
        final working day is over (elsewhere the calendar's own arithmetic is asked).
        """
        covered, positions = self.placed(instants_us)
        found = self.instants_at(positions + office_us)
        exact: Bools = covered & (found >= 0)
        return exact, found

    def instants_at(self, positions: Int64s) -> Int64s:
        """The instants (µs UTC) at which office time reaches ``positions``.

        As the calendar's ``add_working_time``: a position at the end of a working
        interval is that end (17:30), not the next opening. Positions past the last
        final working day give ``-1``.
        """
        k, rest = np.divmod(positions, self.day_us)
        back = (rest == 0) & (k > 0)
        k = np.where(back, k - 1, k)
        rest = np.where(back, self.day_us, rest)
        inside = k < len(self.workdays)
        day = self.workdays[np.minimum(np.maximum(k, 0), len(self.workdays) - 1)]
        tod = np.full_like(rest, self.bounds_us[-1][1])
        remaining = rest.copy()
        placed = np.zeros(rest.shape, dtype=bool)
        for start, end in self.bounds_us:
            here = ~placed & (remaining <= end - start)
            tod = np.where(here, start + remaining, tod)
            placed |= here
            remaining = remaining - (end - start)
        result: Int64s = np.where(inside, day * US_PER_DAY + tod - SHANGHAI_US, -1)
        return result


_LOCK = threading.Lock()
_KEPT: dict[int, tuple[WorkingCalendar, OfficeTimeline]] = {}


def timeline_of(calendar: WorkingCalendar) -> OfficeTimeline:
    """The timeline of a calendar, built once per calendar object (final days only)."""
    with _LOCK:
        kept = _KEPT.get(id(calendar))
    if kept is not None and kept[0] is calendar:
        return kept[1]
    first, last = calendar.first_date, calendar.final_through
    size = last.toordinal() - first.toordinal() + 1
    flags = [calendar.is_working_day(first + dt.timedelta(days=i)) for i in range(size)]
    is_work = np.asarray(flags, dtype=bool)
    hours = calendar.office_hours
    bounds = (
        tuple((a * US_PER_MINUTE, b * US_PER_MINUTE) for a, b in hours.intervals)
        if hours is not None
        else ()
    )
    timeline = OfficeTimeline(
        first_day=first.toordinal() - EPOCH_ORDINAL,
        is_work=is_work,
        cum=np.cumsum(is_work, dtype=np.int64),
        day_us=hours.day_minutes * US_PER_MINUTE if hours is not None else 0,
        bounds_us=bounds,
        workdays=np.flatnonzero(is_work).astype(np.int64) + (first.toordinal() - EPOCH_ORDINAL),
    )
    with _LOCK:
        if len(_KEPT) > 16:
            _KEPT.clear()
        _KEPT[id(calendar)] = (calendar, timeline)
    return timeline
