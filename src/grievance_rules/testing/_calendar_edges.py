"""Hypothesis strategies for calendars and for days and instants near their edges.

Deadlines go wrong at the edges: the eve of a holiday, the last working day
before it and the first one after, a weekend day made a working day (调休上班),
the end of office hours, the noon break, midnight. These strategies draw such
days and instants from a calendar's own data, so a new notice year or a local
overlay brings its own edges. Re-exported by :mod:`grievance_rules.testing.strategies`.

Example:
    >>> import datetime as dt
    >>> from hypothesis import Phase, find, settings
    >>> from grievance_rules.calendar import china
    >>> cal = china()
    >>> simplest = settings(database=None, max_examples=1, phases=[Phase.generate])
    >>> day = find(makeup_days(cal, first=dt.date(2026, 1, 1)), lambda d: True, settings=simplest)
    >>> day, cal.day_info(day).describe()
    (datetime.date(2026, 1, 4), '2026-01-04 Sun: make-up working day (元旦 调休)')
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import strategies as st

from grievance_rules.calendar import SHANGHAI, DayKind, LocalOverlay, WorkingCalendar, china
from grievance_rules.errors import CalendarError
from grievance_rules.i18n import gettext as _

__all__ = [
    "DEFAULT_OFFICE_HOURS",
    "OFFICE_HOURS_CHOICES",
    "ZONES",
    "calendars",
    "edge_instants",
    "first_working_days_after_holidays",
    "holiday_eves",
    "last_working_days_before_holidays",
    "makeup_days",
    "office_hour_edges",
]

DEFAULT_OFFICE_HOURS = "09:00-12:00,13:30-17:30"
"""The office hours of calendars drawn with office hours, unless told otherwise."""
OFFICE_HOURS_CHOICES = (DEFAULT_OFFICE_HOURS, "08:30-12:00,14:00-17:30", "09:00-17:00")
"""The office hours :func:`calendars` draws from (first one first when shrinking)."""
ZONES = (SHANGHAI, dt.UTC, dt.timezone(dt.timedelta(hours=8)))
"""Zones instants are given in: the calendar's own first, then UTC and a fixed +08:00."""

_FIRST = dt.date(2020, 1, 1)
_MARGIN = dt.timedelta(days=60)
"""Room left before the calendar turns provisional, for deadlines counted from the last day."""
_OFF_KINDS = frozenset(
    {DayKind.HOLIDAY, DayKind.PROJECTED_HOLIDAY, DayKind.LOCAL_HOLIDAY, DayKind.LOCAL_CLOSURE}
)
_MAKEUP_KINDS = frozenset({DayKind.MAKEUP_WORKDAY, DayKind.LOCAL_WORKDAY})
_NEAR = (-1, 1, -60, 60)
"""Offsets (seconds) tried before any other: one second and one minute either side."""


@functools.lru_cache(maxsize=64)
def _calendar(
    office_hours: str | None,
    closures: tuple[dt.date, ...],
    holidays: tuple[dt.date, ...],
    working_days: tuple[dt.date, ...],
) -> WorkingCalendar:
    """``china()`` with these office hours and overlay, built once per process."""
    overlays = []
    if closures or holidays or working_days:
        overlays.append(
            LocalOverlay(
                "drawn",
                closures=dict.fromkeys(closures, "抽样停办"),
                holidays=dict.fromkeys(holidays, "抽样地方节日"),
                working_days=dict.fromkeys(working_days, "抽样加班"),
            )
        )
    return china(office_hours=office_hours, overlays=overlays)


def _hours_choice(office_hours: bool | None) -> st.SearchStrategy[str | None]:
    if office_hours is None:
        return st.none() | st.sampled_from(OFFICE_HOURS_CHOICES)
    if office_hours:
        return st.sampled_from(OFFICE_HOURS_CHOICES)
    return st.none()


@st.composite
def calendars(
    draw: st.DrawFn,
    *,
    office_hours: bool | None = None,
    overlay: bool | None = None,
    first: dt.date = dt.date(2024, 1, 1),
    last: dt.date = dt.date(2026, 10, 31),
) -> WorkingCalendar:
    """``china()``, with or without office hours and a local overlay.

    The overlay closes up to three working days, makes up to two of them local
    holidays and up to two free days local working days, all between ``first``
    and ``last``. Calendars are built once per distinct draw (building one takes
    a few tens of milliseconds).

    Args:
        draw: supplied by hypothesis; callers do not pass it.
        office_hours: True: always with office hours (one of
            :data:`OFFICE_HOURS_CHOICES`); False: never; None: either.
        overlay: True: always with an overlay (of at least one day); False: never;
            None: either.
        first: the first date the overlay may touch.
        last: the last date the overlay may touch.

    Shrinks to plain ``china()`` (no overlay, no office hours), or with
    ``office_hours=True`` to ``china(office_hours="09:00-12:00,13:30-17:30")``; with
    ``overlay=True`` to an overlay closing ``first`` (or the first working day after it).
    """
    hours = draw(_hours_choice(office_hours))
    with_overlay = draw(st.booleans()) if overlay is None else overlay
    if not with_overlay:
        return _calendar(hours, (), (), ())
    base = _calendar(None, (), (), ())
    dates = st.dates(first, last)
    closures = sorted(
        {d for d in draw(st.lists(dates, min_size=1, max_size=3)) if base.is_working_day(d)}
    )
    if not closures:  # every drawn date was a free day: close the next working day instead
        closures = [base.next_working_day(first, include_self=True)]
    holidays = sorted(
        {d for d in draw(st.lists(dates, max_size=2)) if base.is_working_day(d)} - set(closures)
    )
    working = sorted({d for d in draw(st.lists(dates, max_size=2)) if not base.is_working_day(d)})
    return _calendar(hours, tuple(closures), tuple(holidays), tuple(working))


@dataclass(frozen=True)
class _Edges:
    """The edge days of a calendar between two dates, each list in date order."""

    holiday_eves: tuple[dt.date, ...]
    last_working_days: tuple[dt.date, ...]
    first_working_days: tuple[dt.date, ...]
    makeup_days: tuple[dt.date, ...]
    working_days: tuple[dt.date, ...]

    @property
    def all(self) -> tuple[dt.date, ...]:
        return tuple(
            sorted(
                set(self.holiday_eves)
                | set(self.last_working_days)
                | set(self.first_working_days)
                | set(self.makeup_days)
            )
        )


_EDGE_CACHE: dict[tuple[int, dt.date, dt.date], tuple[WorkingCalendar, _Edges]] = {}


def _edges(cal: WorkingCalendar, first: dt.date, last: dt.date) -> _Edges:
    """Scan the calendar once per (calendar, range); a holiday run may start before ``first``."""
    key = (id(cal), first, last)
    cached = _EDGE_CACHE.get(key)
    if cached is not None and cached[0] is cal:
        return cached[1]
    low = max(cal.first_date, first - dt.timedelta(days=15))
    high = min(cal.final_through, last + dt.timedelta(days=15))
    infos = list(cal.days(low, high))
    eves: list[dt.date] = []
    before: list[dt.date] = []
    after: list[dt.date] = []
    for i, info in enumerate(infos):
        previous = infos[i - 1] if i else None
        if info.kind in _OFF_KINDS and previous is not None and previous.kind not in _OFF_KINDS:
            eves.append(previous.date)  # the eve of the first day off of a holiday
            j = i - 1
            while j >= 0 and not infos[j].is_working_day:
                j -= 1
            if j >= 0:
                before.append(infos[j].date)
            j = i + 1
            while j < len(infos) and not infos[j].is_working_day:
                j += 1
            if j < len(infos):
                after.append(infos[j].date)

    def kept(days: Sequence[dt.date]) -> tuple[dt.date, ...]:
        return tuple(sorted({d for d in days if first <= d <= last}))

    edges = _Edges(
        holiday_eves=kept(eves),
        last_working_days=kept(before),
        first_working_days=kept(after),
        makeup_days=kept([i.date for i in infos if i.kind in _MAKEUP_KINDS]),
        working_days=kept([i.date for i in infos if i.is_working_day]),
    )
    if len(_EDGE_CACHE) >= 32:
        _EDGE_CACHE.clear()
    _EDGE_CACHE[key] = (cal, edges)
    return edges


def _range(
    cal: WorkingCalendar, first: dt.date | None, last: dt.date | None
) -> tuple[dt.date, dt.date]:
    low = first or max(_FIRST, cal.first_date)
    high = last or cal.final_through - _MARGIN
    if low > high:
        raise CalendarError(
            _("edge days: the range {first}..{last} is empty").format(first=low, last=high)
        )
    return low, high


def _days(
    what: str, days: Sequence[dt.date], first: dt.date, last: dt.date
) -> st.SearchStrategy[dt.date]:
    if not days:
        raise CalendarError(
            _("{what}: the calendar has none between {first} and {last}").format(
                what=what, first=first, last=last
            )
        )
    return st.sampled_from(days)


def _default(cal: WorkingCalendar | None) -> WorkingCalendar:
    return cal if cal is not None else _calendar(DEFAULT_OFFICE_HOURS, (), (), ())


def holiday_eves(
    calendar: WorkingCalendar | None = None,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> st.SearchStrategy[dt.date]:
    """Eves of holidays: the day before the first day off of a holiday (or local closure).

    The eve may itself be a weekend day (the Sunday before a Monday holiday) or a
    make-up working day. ``calendar`` defaults to ``china()`` with office hours
    :data:`DEFAULT_OFFICE_HOURS`; ``first`` to 2020-01-01 and ``last`` to 60 days
    before the calendar turns provisional.

    Shrinks to the earliest such eve in the range.

    Raises:
        CalendarError: the range holds no holiday eve.
    """
    cal = _default(calendar)
    low, high = _range(cal, first, last)
    return _days("holiday_eves", _edges(cal, low, high).holiday_eves, low, high)


def last_working_days_before_holidays(
    calendar: WorkingCalendar | None = None,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> st.SearchStrategy[dt.date]:
    """The last working day before each holiday (节前最后一个工作日).

    Arguments as for :func:`holiday_eves`. Shrinks to the earliest such day in the range.

    Raises:
        CalendarError: the range holds none.
    """
    cal = _default(calendar)
    low, high = _range(cal, first, last)
    edges = _edges(cal, low, high)
    return _days("last_working_days_before_holidays", edges.last_working_days, low, high)


def first_working_days_after_holidays(
    calendar: WorkingCalendar | None = None,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> st.SearchStrategy[dt.date]:
    """The first working day after each holiday (节后第一个工作日).

    Arguments as for :func:`holiday_eves`. Shrinks to the earliest such day in the range.

    Raises:
        CalendarError: the range holds none.
    """
    cal = _default(calendar)
    low, high = _range(cal, first, last)
    edges = _edges(cal, low, high)
    return _days("first_working_days_after_holidays", edges.first_working_days, low, high)


def makeup_days(
    calendar: WorkingCalendar | None = None,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> st.SearchStrategy[dt.date]:
    """Weekend days made working days: 调休上班 by a notice, or a local working day.

    Arguments as for :func:`holiday_eves`. Shrinks to the earliest such day in the range.

    Raises:
        CalendarError: the range holds none.
    """
    cal = _default(calendar)
    low, high = _range(cal, first, last)
    return _days("makeup_days", _edges(cal, low, high).makeup_days, low, high)


def _boundaries(cal: WorkingCalendar, *, midnight: bool) -> list[int]:
    """Minutes of the day where something changes: office-hour bounds, then midnights."""
    marks: list[int] = []
    hours = cal.office_hours
    if hours is not None:
        for start, end in hours.intervals:
            marks += [start, end]
    if midnight:
        marks += [0, 24 * 60]
    return list(dict.fromkeys(marks))


def _near(
    days: st.SearchStrategy[dt.date], marks: Sequence[int], within: dt.timedelta
) -> st.SearchStrategy[dt.datetime]:
    seconds = int(within.total_seconds())
    offsets = st.one_of(
        st.just(0),
        st.sampled_from([n for n in _NEAR if abs(n) <= seconds]),
        st.integers(-seconds, seconds),
    )

    def build(day: dt.date, minute: int, offset: int, zone: dt.tzinfo) -> dt.datetime:
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=SHANGHAI)
        return (midnight + dt.timedelta(minutes=minute, seconds=offset)).astimezone(zone)

    return st.builds(build, days, st.sampled_from(list(marks)), offsets, st.sampled_from(ZONES))


def office_hour_edges(
    calendar: WorkingCalendar | None = None,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    within: dt.timedelta = dt.timedelta(minutes=30),
) -> st.SearchStrategy[dt.datetime]:
    """Instants within ``within`` of an office-hours boundary on a working day.

    The boundaries are the opening, the start and end of each break (the noon
    break) and the closing. Instants are whole seconds, in one of :data:`ZONES`.

    Shrinks to the opening instant of the first working day in the range, in
    Asia/Shanghai; then to one second and one minute either side of a boundary.

    Raises:
        CalendarError: the calendar has no office hours, or no working day in the range.
    """
    cal = _default(calendar)
    if cal.office_hours is None:
        raise CalendarError(_("office_hour_edges: the calendar has no office hours"))
    low, high = _range(cal, first, last)
    days = _days("office_hour_edges", _edges(cal, low, high).working_days, low, high)
    return _near(days, _boundaries(cal, midnight=False), within)


def edge_instants(
    calendar: WorkingCalendar | None = None,
    *,
    first: dt.date | None = None,
    last: dt.date | None = None,
    within: dt.timedelta = dt.timedelta(minutes=90),
) -> st.SearchStrategy[dt.datetime]:
    """Instants near a boundary of an edge day of the calendar.

    The edge days are holiday eves, the last working days before holidays, the
    first working days after them and make-up working days; the boundaries of a
    day are its office-hour bounds (when the calendar has office hours) and its
    midnights (00:00 and 24:00). Instants are within ``within`` of a boundary,
    whole seconds, in one of :data:`ZONES`. To draw calendars too:
    ``calendars().flatmap(edge_instants)``.

    Shrinks to the first boundary (the opening, or 00:00 without office hours) of
    the earliest edge day in the range, in Asia/Shanghai.

    Raises:
        CalendarError: the range holds no edge day.
    """
    cal = _default(calendar)
    low, high = _range(cal, first, last)
    days = _days("edge_instants", _edges(cal, low, high).all, low, high)
    return _near(days, _boundaries(cal, midnight=True), within)
