"""A clock's time line and its period as the warning lights read it.

A clock runs on office time where its calendar has office hours, on wall-clock time
otherwise, and on wall-clock time too where its period is counted so (``elapsed``: the
hour of 城东's emergency feedback after office hours, 夏阳's 72 hours of 随身拍)
(:func:`time_line_us`); while paused it stands still (:class:`ClockPeriod`).
The engine, the conditions that ask when a clock reached a light, and the watch list
all read a clock's share of its period through this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from grievance_rules.calendar import WorkingCalendar
from grievance_rules.engine.assessment import ClockPause

__all__ = ["ClockPeriod", "clock_period", "time_line_us"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


def time_line_us(
    calendar: WorkingCalendar, instant: dt.datetime, *, wall_clock: bool = False
) -> int:
    """Where an instant lies on a clock's time line, in microseconds.

    Office time where the calendar has office hours, wall-clock time otherwise or for a
    clock on wall-clock time (``wall_clock``: its period counted ``elapsed``); the
    difference of two positions is the time that ran between them.
    """
    if calendar.office_hours is not None and not wall_clock:
        return calendar.office_time_position_us(instant)
    return (instant - _EPOCH) // _MICROSECOND


class ClockPeriod(NamedTuple):
    """A clock's period as its warning lights read it: running time, pauses left out.

    While paused a clock stands still: its share of the period at an instant is the
    time it ran from its start to that instant, less the time it stood paused, over
    the time it runs from its start to its due instant, less every pause (which moved
    the due instant on). So the share is 1.0 at the due instant, pauses or not.
    """

    seconds: float
    """Running time from the start to the due instant (pauses left out), in seconds."""
    pauses: tuple[tuple[int, int], ...] = ()
    """Each pause as (offset from the start, length) on the clock's time line, in
    microseconds, in the order they were counted."""
    origin: int = 0
    """The start's position on the clock's time line (:func:`time_line_us`)."""
    wall_clock: bool = False
    """Whether the time line is wall-clock time though the calendar has office hours (a
    period counted ``elapsed``)."""

    def running_seconds(self, elapsed_us: int) -> float:
        """The running time of ``elapsed_us`` on the time line from the start (pauses out)."""
        if not self.pauses:
            return max(elapsed_us, 0) / 1e6
        stood = sum(
            min(length, elapsed_us - offset)
            for offset, length in self.pauses
            if offset < elapsed_us
        )
        return max(elapsed_us - stood, 0) / 1e6


def clock_period(
    calendar: WorkingCalendar,
    start: dt.datetime,
    due: dt.datetime,
    pauses: Sequence[ClockPause] = (),
    *,
    wall_clock: bool = False,
) -> ClockPeriod:
    """The period of a clock from ``start`` to its (pause-moved) ``due`` instant.

    ``pauses``: the clock's pauses as the finding carries them
    (:attr:`~grievance_rules.engine.assessment.ClockFinding.pauses`). ``wall_clock``:
    the clock runs on wall-clock time (:func:`time_line_us`). Time two pauses overlap
    stands still once.

    Example:
        >>> from grievance_rules.calendar import china
        >>> from grievance_rules.engine import ClockPause
        >>> cal = china(office_hours="09:00-12:00,13:30-17:30")
        >>> t = lambda s: dt.datetime.fromisoformat(s + "+08:00")
        >>> pause = ClockPause(begin=t("2024-05-06T10:00"), begin_event=1,
        ...                    end=t("2024-05-06T15:00"), end_event=2)
        >>> period = clock_period(cal, t("2024-05-06T09:30"), t("2024-05-09T14:00"), [pause])
        >>> period.seconds / 3600, [(o / 6e7, n / 6e7) for o, n in period.pauses]
        (20.5, [(30.0, 210.0)])
    """
    origin = time_line_us(calendar, start, wall_clock=wall_clock)
    if not pauses:  # (most clocks: the running time is the whole period)
        running = max(time_line_us(calendar, due, wall_clock=wall_clock) - origin, 0) / 1e6
        return ClockPeriod(running, (), origin, wall_clock)
    marks: list[tuple[int, int]] = []
    covered = None  # the end of the time paused so far: overlapping pauses stand still once
    spans = sorted(
        (
            time_line_us(calendar, pause.begin, wall_clock=wall_clock),
            time_line_us(calendar, pause.end, wall_clock=wall_clock),
        )
        for pause in pauses
    )
    for begin, end in spans:
        if covered is not None:
            begin = max(begin, covered)
        if end > begin:
            marks.append((begin - origin, end - begin))
            covered = end
    stood = sum(length for _, length in marks)
    seconds = max(time_line_us(calendar, due, wall_clock=wall_clock) - origin - stood, 0) / 1e6
    return ClockPeriod(seconds, tuple(marks), origin, wall_clock)
