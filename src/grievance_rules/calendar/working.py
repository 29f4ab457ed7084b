"""The working-day calendar: national data, local overlays, office hours.

A :class:`WorkingCalendar` is an immutable table of days built once from data.
Scalar questions are list look-ups; batch questions are numpy gathers.
"""

from __future__ import annotations

import datetime as dt
import enum
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from grievance_rules.calendar.days import DayInfo, DayKind, DayRecord
from grievance_rules.calendar.office_hours import SHANGHAI, OfficeHours, to_shanghai
from grievance_rules.calendar.overlay import LocalOverlay
from grievance_rules.errors import (
    CalendarError,
    CalendarRangeError,
    ProvisionalCalendarError,
    ProvisionalCalendarWarning,
)
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext

if TYPE_CHECKING:
    from grievance_rules.calendar.deadlines import Deadline
    from grievance_rules.calendar.durations import CountingConvention, Duration, HalfDayRule

__all__ = ["ProvisionalPolicy", "WorkingCalendar"]

_ONE_DAY = dt.timedelta(days=1)
_US_PER_MINUTE = 60_000_000
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_EIGHT_HOURS = dt.timedelta(hours=8)
_ZERO = dt.timedelta(0)


_POSITION_MEMO_SIZE = 65_536
"""At most this many office-time positions are remembered per calendar (then afresh)."""


def _time_of_day_us(local: dt.datetime) -> int:
    """Microseconds after local midnight."""
    return ((local.hour * 60 + local.minute) * 60 + local.second) * 1_000_000 + local.microsecond


class ProvisionalPolicy(enum.StrEnum):
    """What a scalar answer does when it touched a provisional day.

    ``warn`` (default) issues a :class:`ProvisionalCalendarWarning`; ``raise``
    raises :class:`ProvisionalCalendarError`; ``allow`` says nothing (explained
    results still carry their ``provisional`` flag).
    """

    WARN = "warn"
    RAISE = "raise"
    ALLOW = "allow"


class WorkingCalendar:
    """Working days, with the reason for each day, and working time in office hours.

    Build one with :func:`grievance_rules.calendar.china`; layer it with
    :meth:`with_overlay` and :meth:`with_office_hours`.

    Example:
        >>> from grievance_rules.calendar import china
        >>> cal = china()
        >>> cal.is_working_day(dt.date(2026, 2, 14))   # a make-up Saturday
        True
        >>> cal.add_working_days(dt.date(2026, 2, 15), 1)  # Spring Festival 2026
        datetime.date(2026, 2, 24)
        >>> cal.working_days_between(dt.date(2026, 2, 15), dt.date(2026, 2, 24))
        1
    """

    __slots__ = (
        "_base",
        "_cum",
        "_cum_final",
        "_cum_np",
        "_day_reasons",
        "_day_us",
        "_days_memo",
        "_deadline_memo",
        "_final_index",
        "_first",
        "_hours",
        "_is_work",
        "_is_work_np",
        "_last",
        "_n_final",
        "_name",
        "_overlays",
        "_policy",
        "_position_memo",
        "_records",
        "_wd1",
        "_wd1_final",
        "_workdays",
        "_workdays_np",
        "_ymd",
    )

    def __init__(
        self,
        *,
        name: str,
        first: dt.date,
        last: dt.date,
        final_through: dt.date,
        records: Mapping[dt.date, DayRecord],
        office_hours: OfficeHours | None = None,
        overlays: Sequence[LocalOverlay] = (),
        on_provisional: ProvisionalPolicy | str = ProvisionalPolicy.WARN,
    ) -> None:
        self._name = name
        self._overlays = tuple(overlays)
        self._first, self._last = first, last
        self._records = dict(records)
        self._hours = office_hours
        self._day_us = office_hours.day_minutes * _US_PER_MINUTE if office_hours else 0
        self._policy = ProvisionalPolicy(on_provisional)
        self._base = first.toordinal()
        size = last.toordinal() - self._base + 1
        is_work = bytearray(size)
        cum: list[int] = [0] * size
        workdays: list[dt.date] = []
        count = 0
        day = first
        for i in range(size):
            record = self._records.get(day)
            working = record.kind.is_working if record else day.weekday() < 5
            if working:
                is_work[i] = 1
                count += 1
                workdays.append(day)
            cum[i] = count
            day += _ONE_DAY
        self._is_work = bytes(is_work)
        self._cum = cum
        self._workdays = workdays
        # 1-based: _wd1[k] is the k-th working day, so a look-up needs no "- 1"
        self._wd1 = [first, *workdays]
        self._ymd = [(d.year, d.month, d.day) for d in workdays]
        self._final_index = final_through.toordinal() - self._base
        self._deadline_memo: dict[tuple[Any, ...], Any] = {}
        """Computed deadlines by what determines them (see ``deadlines._memo_key``)."""
        self._days_memo: dict[tuple[Any, ...], Any] = {}
        """The days of a deadline's span, explained (see ``deadlines._explain_days``)."""
        self._day_reasons: Any = None
        """Why each day off is skipped and each day made a working day counted, made as
        deadlines ask (see ``deadlines._explain_days``)."""
        self._position_memo: dict[dt.datetime, int] = {}
        """Office-time positions of instants on settled days (see
        :meth:`office_time_position_us`): a clock reads the same instants again and again."""
        self._n_final = cum[self._final_index] if self._final_index >= 0 else 0
        # Fast paths: look-ups that succeed only for dates set by notices, so that
        # every provisional or out-of-range question falls to the checked path.
        self._cum_final = {
            dt.date.fromordinal(self._base + i): cum[i] for i in range(self._final_index + 1)
        }
        self._wd1_final = self._wd1[: self._n_final + 1]
        self._cum_np = np.asarray(cum, dtype=np.int64)
        self._is_work_np = np.frombuffer(self._is_work, dtype=np.uint8).astype(bool)
        self._workdays_np = np.asarray(workdays, dtype="datetime64[D]")

    # -- what the calendar covers -------------------------------------------------

    @property
    def first_date(self) -> dt.date:
        """The first date the calendar answers for."""
        return self._first

    @property
    def last_date(self) -> dt.date:
        """The last date the calendar answers for (the end of the projection)."""
        return self._last

    @property
    def final_through(self) -> dt.date:
        """The last date set by a notice; every later date is provisional."""
        return dt.date.fromordinal(self._base + self._final_index)

    @property
    def office_hours(self) -> OfficeHours | None:
        """The office hours, if this calendar has them."""
        return self._hours

    @property
    def name(self) -> str:
        """The calendar's name (``china``, ``china+my-district``)."""
        return self._name

    @property
    def overlays(self) -> tuple[LocalOverlay, ...]:
        """The local overlays layered on the national calendar, in order."""
        return self._overlays

    def _index(self, day: dt.date) -> int:
        i = day.toordinal() - self._base
        if i < 0 or i >= len(self._cum):
            raise CalendarRangeError(
                _(
                    "{day} is outside the calendar {name}, which covers {first} to {last} "
                    "(dates after {final} are provisional projections)"
                ).format(
                    day=day.isoformat(),
                    name=repr(self.name),
                    first=self._first.isoformat(),
                    last=self._last.isoformat(),
                    final=self.final_through.isoformat(),
                )
            )
        return i

    def _days_off(self) -> tuple[list[int], list[int]]:
        """The days off, and the days off made working days, numbered from the first date.

        Ascending; the second are the days a notice (调休上班) or an overlay makes working
        days. (Asked once, when a deadline is first explained: ``deadlines._Reasons`` keeps
        them.)
        """
        off: list[int] = np.flatnonzero(~self._is_work_np).tolist()
        size = len(self._cum)
        made = sorted(
            number
            for day, record in self._records.items()
            if record.kind in (DayKind.MAKEUP_WORKDAY, DayKind.LOCAL_WORKDAY)
            and 0 <= (number := day.toordinal() - self._base) < size
        )
        return off, made

    def _touched_provisional(self, what: str) -> None:
        """Warn, raise or stay silent, as the calendar's provisional policy says."""
        message = _(
            "{what} depends on days after {final}, which no State Council notice has set "
            "yet: the answer is a provisional projection"
        ).format(what=what, final=self.final_through.isoformat())
        if self._policy is ProvisionalPolicy.RAISE:
            raise ProvisionalCalendarError(message)
        if self._policy is ProvisionalPolicy.WARN:
            warnings.warn(ProvisionalCalendarWarning(message), stacklevel=3)

    # -- days ----------------------------------------------------------------------

    def is_working_day(self, day: dt.date) -> bool:
        """Whether a date is a working day.

        A ``datetime`` is taken on its date in Shanghai when it has a zone (an instant),
        by its own date fields when it has none (a wall-clock reading).

        Raises:
            CalendarRangeError: the date is outside the calendar.
        """
        if day.__class__ is not dt.date:
            day = _day_of(day)
        i = day.toordinal() - self._base
        if i < 0:
            self._index(day)
        try:
            working = self._is_work[i] == 1
        except IndexError:
            self._index(day)
            raise
        if i > self._final_index and self._policy is not ProvisionalPolicy.ALLOW:
            self._touched_provisional(f"is_working_day({day.isoformat()})")
        return working

    def is_provisional(self, day: dt.date) -> bool:
        """Whether the answer for this date is a projection a notice may still change."""
        return self._index(day) > self._final_index

    def day_info(self, day: dt.date) -> DayInfo:
        """What the calendar knows about a date, and why.

        Example:
            >>> from grievance_rules.calendar import china
            >>> china().day_info(dt.date(2026, 2, 17)).describe()
            '2026-02-17 Tue: holiday (春节)'

        A ``datetime`` is taken as :meth:`is_working_day` takes it.
        """
        day = _day_of(day)
        i = self._index(day)
        provisional = i > self._final_index
        record = self._records.get(day)
        if record is None:
            kind = DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND
            return DayInfo(day, kind, kind.is_working, provisional)
        return DayInfo(
            day,
            record.kind,
            record.kind.is_working,
            provisional,
            record.name,
            record.name_en,
            record.source,
        )

    def days(self, first: dt.date, last: dt.date) -> Iterator[DayInfo]:
        """Every date from ``first`` to ``last`` inclusive, with its reasons."""
        day = first
        while day <= last:
            yield self.day_info(day)
            day += _ONE_DAY

    def add_working_days(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day strictly after ``day``, whatever ``day`` itself is.

        Args:
            day: the start date (a ``datetime`` is taken as :meth:`is_working_day` takes
                it: on its Shanghai date if it has a zone, else by its own date fields).
            n: how many working days, ``n >= 1``.

        Raises:
            CalendarError: ``n`` is less than 1.
            CalendarRangeError: the date or the result is outside the calendar.

        Example:
            >>> from grievance_rules.calendar import china
            >>> china().add_working_days(dt.date(2026, 1, 30), 1)  # Friday → Monday
            datetime.date(2026, 2, 2)
        """
        if n > 0:
            try:  # (a datetime is no key here: it is taken as a date below)
                return self._wd1_final[self._cum_final[day] + n]
            except (KeyError, IndexError):
                pass
        return self._add_working_days_checked(_day_of(day), n)

    def _add_working_days_checked(self, day: dt.date, n: int, *, report: bool = True) -> dt.date:
        """The slow path of :meth:`add_working_days`: errors and provisional days.

        ``report=False`` leaves provisional days to the caller (the deadline module
        reports once for the whole computation).
        """
        if n < 1:
            raise CalendarError(
                _("the number of working days must be at least 1, not {n}").format(n=n)
            )
        k = self._cum[self._index(day)] + n
        if k >= len(self._wd1):
            raise CalendarRangeError(
                ngettext(
                    "{n} working day after {day} is past the calendar's end {last}",
                    "{n} working days after {day} is past the calendar's end {last}",
                    n,
                ).format(n=n, day=day.isoformat(), last=self._last.isoformat())
            )
        if report and k > self._n_final and self._policy is not ProvisionalPolicy.ALLOW:
            self._touched_provisional(f"add_working_days({day.isoformat()}, {n})")
        return self._wd1[k]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open interval ``(start, end]``.

        Negative when ``end`` is before ``start``, so that
        ``working_days_between(d, add_working_days(d, n)) == n`` and the count is
        antisymmetric.

        Example:
            >>> from grievance_rules.calendar import china
            >>> china().working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 9))
            1

        A ``datetime`` is taken as :meth:`is_working_day` takes it.
        """
        final = self._cum_final
        try:  # (a datetime is no key here: it is taken as a date below)
            return final[end] - final[start]
        except KeyError:
            start, end = _day_of(start), _day_of(end)
        try:
            return final[end] - final[start]
        except KeyError:
            pass
        cum = self._cum
        first, last = self._index(start), self._index(end)
        count = cum[last] - cum[first]
        # (only when a day the count depends on is past the notices: both ends inside
        # them were found above, unless one is a day this lookup does not hold)
        if max(first, last) > self._final_index and self._policy is not ProvisionalPolicy.ALLOW:
            self._touched_provisional(
                f"working_days_between({start.isoformat()}, {end.isoformat()})"
            )
        return count

    def next_working_day(self, day: dt.date, *, include_self: bool = False) -> dt.date:
        """The first working day after ``day`` (or ``day`` itself if ``include_self``)."""
        if include_self and self.is_working_day(day):
            return day
        return self.add_working_days(day, 1)

    # -- batch forms -----------------------------------------------------------------

    def _indices(self, days: npt.ArrayLike) -> npt.NDArray[np.int64]:
        dates = np.asarray(days, dtype="datetime64[D]")
        if np.isnat(dates).any():
            missing = int(np.flatnonzero(np.isnat(dates).ravel())[0])
            raise CalendarError(
                _("the dates hold a missing date (NaT) at position {position}").format(
                    position=missing
                )
            )
        array = dates.astype(np.int64)
        index = array - (self._base - _EPOCH_ORDINAL)
        if index.size and (index.min() < 0 or index.max() >= len(self._cum)):
            bad = np.asarray(days, dtype="datetime64[D]").ravel()[
                ((index < 0) | (index >= len(self._cum))).ravel()
            ][0]
            self._index(dt.date.fromisoformat(str(bad)))
        return index

    def is_working_day_array(self, days: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """:meth:`is_working_day` over an array of dates (``datetime64[D]``)."""
        index = self._indices(days)
        if index.size and index.max() > self._final_index:
            self._touched_provisional("is_working_day_array")
        result: npt.NDArray[np.bool_] = self._is_work_np[index]
        return result

    def add_working_days_array(
        self, days: npt.ArrayLike, n: int | npt.ArrayLike
    ) -> npt.NDArray[np.datetime64]:
        """:meth:`add_working_days` over arrays; ``n`` is a scalar or an array.

        Example:
            >>> import numpy as np
            >>> from grievance_rules.calendar import china
            >>> days = np.array(["2026-02-13", "2026-02-15"], dtype="datetime64[D]")
            >>> china().add_working_days_array(days, 1)
            array(['2026-02-14', '2026-02-24'], dtype='datetime64[D]')
        """
        steps = np.asarray(n, dtype=np.int64)
        if steps.size and steps.min() < 1:
            raise CalendarError(_("every number of working days must be at least 1"))
        k = self._cum_np[self._indices(days)] + steps - 1
        if k.size and k.max() >= len(self._workdays):
            raise CalendarRangeError(
                _("a result is past the calendar's end {last}").format(last=self._last)
            )
        if k.size and k.max() >= self._n_final:
            self._touched_provisional("add_working_days_array")
        result: npt.NDArray[np.datetime64] = self._workdays_np[k]
        return result

    def working_days_between_array(
        self, starts: npt.ArrayLike, ends: npt.ArrayLike
    ) -> npt.NDArray[np.int64]:
        """:meth:`working_days_between` over arrays of dates."""
        i, j = self._indices(starts), self._indices(ends)
        if (i.size and i.max() > self._final_index) or (j.size and j.max() > self._final_index):
            self._touched_provisional("working_days_between_array")
        result: npt.NDArray[np.int64] = self._cum_np[j] - self._cum_np[i]
        return result

    # -- working time ----------------------------------------------------------------

    def _require_hours(self, what: str) -> OfficeHours:
        if self._hours is None:
            raise CalendarError(
                _(
                    "{what} needs office hours; build the calendar with "
                    "china(office_hours=...) or cal.with_office_hours(...)"
                ).format(what=what)
            )
        return self._hours

    @staticmethod
    def _local_fields(instant: dt.datetime, what: str = "instant") -> dt.datetime:
        """The instant on Shanghai wall-clock time; cheap when it already is."""
        if isinstance(instant, dt.datetime) and (
            instant.tzinfo is SHANGHAI or instant.utcoffset() == _EIGHT_HOURS
        ):
            return instant
        return to_shanghai(instant, what=what)

    def _position_us(self, local: dt.datetime, hours: OfficeHours) -> int:
        i = local.toordinal() - self._base
        if i < 0 or i >= len(self._cum):
            self._index(local.date())
        if self._is_work[i]:
            time_us = _time_of_day_us(local)
            return (self._cum[i] - 1) * self._day_us + hours.worked_before_us(time_us)
        return self._cum[i] * self._day_us

    def _instant_at(self, position: int, hours: OfficeHours) -> tuple[dt.datetime, int]:
        k, rest = divmod(position, self._day_us)
        if rest == 0 and k > 0:
            k, rest = k - 1, self._day_us
        if k >= len(self._workdays):
            raise CalendarRangeError(
                _("the result is past the calendar's end {last}").format(last=self._last)
            )
        year, month, day = self._ymd[k]
        seconds, micro = divmod(hours.time_at_us(rest), 1_000_000)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        if hour == 24:
            after = self._workdays[k] + _ONE_DAY
            return dt.datetime(after.year, after.month, after.day, tzinfo=SHANGHAI), k
        return dt.datetime(year, month, day, hour, minute, second, micro, SHANGHAI), k

    def add_working_time(self, instant: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """The instant at which ``amount`` of office time has run from ``instant``.

        Time outside office hours and on days off does not run. A result that falls
        exactly on the end of a working interval is that end (17:30), not the next
        opening. The result is on Shanghai time.

        Raises:
            NaiveDatetimeError: ``instant`` has no timezone.
            CalendarError: the calendar has no office hours, or ``amount`` is negative.

        Example:
            >>> import datetime as dt
            >>> from grievance_rules.calendar import china, OfficeHours
            >>> cal = china(office_hours=OfficeHours.parse("09:00-12:00,13:30-17:30"))
            >>> friday = dt.datetime.fromisoformat("2026-01-30T15:00+08:00")
            >>> cal.add_working_time(friday, dt.timedelta(hours=7)).isoformat()
            '2026-02-02T15:00:00+08:00'
        """
        return self._add_working_time(instant, amount, report=True)

    def _add_working_time(
        self, instant: dt.datetime, amount: dt.timedelta, *, report: bool
    ) -> dt.datetime:
        hours = self._hours
        if hours is None:
            hours = self._require_hours("add_working_time")
        if amount < _ZERO:
            raise CalendarError(
                _("an amount of working time must not be negative, not {amount}").format(
                    amount=amount
                )
            )
        local = self._local_fields(instant)
        if not amount:
            return local.astimezone(SHANGHAI)
        start = self._position_us(local, hours)
        delta = (amount.days * 86_400 + amount.seconds) * 1_000_000 + amount.microseconds
        result, k = self._instant_at(start + delta, hours)
        if report and k >= self._n_final and self._policy is not ProvisionalPolicy.ALLOW:
            self._touched_provisional(f"add_working_time({local.isoformat()}, {amount})")
        return result

    def working_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Office time that runs from ``start`` to ``end`` (negative if ``end`` is earlier)."""
        hours = self._hours
        if hours is None:
            hours = self._require_hours("working_time_between")
        a, b = self._local_fields(start, "start"), self._local_fields(end, "end")
        if max(a.toordinal(), b.toordinal()) - self._base > self._final_index:
            self._touched_provisional("working_time_between")
        return dt.timedelta(microseconds=self._position_us(b, hours) - self._position_us(a, hours))

    def office_time_position_us(self, instant: dt.datetime) -> int:
        """Office time from the calendar's first day to ``instant``, in microseconds.

        The difference of two positions is :meth:`working_time_between` of the two
        instants; every instant of a night or a day off has the position of the
        closing time before it.

        Raises:
            NaiveDatetimeError: ``instant`` has no timezone.
            CalendarError: the calendar has no office hours.
            CalendarRangeError: the instant is outside the calendar.

        Example:
            >>> import datetime as dt
            >>> from grievance_rules.calendar import china
            >>> cal = china(office_hours="09:00-12:00,13:30-17:30")
            >>> friday = dt.datetime.fromisoformat("2026-01-30T17:00+08:00")
            >>> monday = dt.datetime.fromisoformat("2026-02-02T09:30+08:00")
            >>> (cal.office_time_position_us(monday) - cal.office_time_position_us(friday)) / 6e7
            60.0
        """
        memo = self._position_memo
        plain = instant.__class__ is dt.datetime  # (a subclass may compare otherwise)
        if plain:
            known = memo.get(instant)  # (equal instants in any zone: the same position)
            if known is not None:
                return known
        hours = self._hours
        if hours is None:
            hours = self._require_hours("office_time_position_us")
        local = self._local_fields(instant)
        if local.toordinal() - self._base > self._final_index:
            self._touched_provisional("office_time_position_us")  # (on every call)
            return self._position_us(local, hours)
        position = self._position_us(local, hours)
        if plain:
            if len(memo) >= _POSITION_MEMO_SIZE:
                memo.clear()
            memo[instant] = position
        return position

    def in_office_hours(self, instant: dt.datetime) -> bool:
        """Whether an instant falls on a working day inside office hours."""
        hours = self._require_hours("in_office_hours")
        local = to_shanghai(instant)
        if not self.is_working_day(local.date()):
            return False
        return hours.contains(_time_of_day_us(local))

    # -- deadlines -------------------------------------------------------------------

    def deadline(
        self,
        start: dt.datetime,
        duration: Duration | str,
        convention: CountingConvention | str,
        *,
        half_day: HalfDayRule | str = "half_minutes",
    ) -> Deadline:
        """When a period that starts at ``start`` ends, and why.

        See :func:`grievance_rules.calendar.compute_deadline`. Deadlines are
        remembered by what determines them (up to 4,096, then the memory starts
        afresh): starts on the same date, or at the same office-time position,
        share the work.
        """
        from grievance_rules.calendar.deadlines import compute_deadline

        return compute_deadline(self, start, duration, convention, half_day=half_day)

    def clear_deadline_cache(self) -> None:
        """Forget the deadlines computed so far (they are remembered, see :meth:`deadline`).

        Answers do not change; only the time to the next ones does (benchmarks start
        cold with it).
        """
        self._deadline_memo.clear()
        self._days_memo.clear()
        self._day_reasons = None
        self._position_memo.clear()

    # -- layering --------------------------------------------------------------------

    def _replace(self, **changes: Any) -> WorkingCalendar:
        arguments: dict[str, Any] = {
            "name": self.name,
            "first": self._first,
            "last": self._last,
            "final_through": self.final_through,
            "records": self._records,
            "office_hours": self._hours,
            "overlays": self.overlays,
            "on_provisional": self._policy,
        }
        arguments.update(changes)
        return WorkingCalendar(**arguments)

    def with_overlay(self, overlay: LocalOverlay) -> WorkingCalendar:
        """A new calendar with a local overlay on top of this one.

        Example:
            >>> import datetime as dt
            >>> from grievance_rules.calendar import china, LocalOverlay
            >>> local = china().with_overlay(
            ...     LocalOverlay("demo", closures={dt.date(2026, 3, 2): "office move"}))
            >>> local.is_working_day(dt.date(2026, 3, 2)), local.name
            (False, 'china+demo')
        """
        records = dict(self._records)
        for record in overlay.records():
            self._index(record.date)
            records[record.date] = record
        return self._replace(
            name=f"{self.name}+{overlay.name}",
            records=records,
            overlays=(*self.overlays, overlay),
        )

    def with_office_hours(self, hours: OfficeHours | str) -> WorkingCalendar:
        """A new calendar with these office hours (``"09:00-12:00,13:30-17:30"``)."""
        if isinstance(hours, str):
            hours = OfficeHours.parse(hours)
        return self._replace(office_hours=hours)

    def with_provisional_policy(self, policy: ProvisionalPolicy | str) -> WorkingCalendar:
        """A new calendar that warns, raises or stays silent on provisional days."""
        return self._replace(on_provisional=ProvisionalPolicy(policy))

    @property
    def provisional_policy(self) -> ProvisionalPolicy:
        """What scalar answers do when they touch a provisional day."""
        return self._policy

    def __repr__(self) -> str:
        hours = f", office_hours={str(self._hours)!r}" if self._hours else ""
        return (
            f"<WorkingCalendar {self.name!r} {self._first}..{self._last}, final through "
            f"{self.final_through}{hours}>"
        )


def _day_of(value: dt.date) -> dt.date:
    """The day a date or datetime names: an aware datetime's in Shanghai, a naive one's own."""
    if isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI).date() if value.tzinfo is not None else value.date()
    return value
