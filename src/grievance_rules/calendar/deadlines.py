"""Deadlines: when a period ends under a named counting convention, and why.

A :class:`Deadline` is the explained answer: the due instant (the last instant
still in time: an action at ``due`` or before it is on time), the days that were
counted, the days that were skipped with the reason for each, the make-up days
that counted with the festival each belongs to, and whether any of them was
provisional.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from fractions import Fraction
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from grievance_rules.calendar.days import DayInfo, DayKind
from grievance_rules.calendar.durations import (
    CountingConvention,
    Duration,
    DurationUnit,
    HalfDayRule,
)
from grievance_rules.calendar.office_hours import SHANGHAI, OfficeHours, to_shanghai
from grievance_rules.errors import CalendarRangeError, DurationError
from grievance_rules.i18n import current_language
from grievance_rules.i18n import gettext as _

if TYPE_CHECKING:
    from grievance_rules.calendar.working import WorkingCalendar

__all__ = ["Deadline", "MakeupDay", "SkippedDay", "compute_deadline"]

_ONE_DAY = dt.timedelta(days=1)
_MICROSECOND = dt.timedelta(microseconds=1)
_ZERO = dt.timedelta(0)


class SkippedDay(BaseModel):
    """A day the period passed over, and why."""

    model_config = ConfigDict(frozen=True)

    date: dt.date
    kind: DayKind
    name: str | None = None
    provisional: bool = False


class MakeupDay(BaseModel):
    """A day off made a working day that the period counted, and why.

    ``kind`` is ``makeup_workday`` (调休上班, set by a notice) or ``local_workday`` (a
    local overlay's); ``name`` is the festival (``春节``) or overlay entry it belongs to.
    """

    model_config = ConfigDict(frozen=True)

    date: dt.date
    kind: DayKind
    name: str | None = None
    provisional: bool = False

    def describe(self) -> str:
        """The day and its reason, as :meth:`DayInfo.describe` says it.

        Example:
            >>> MakeupDay(date=dt.date(2026, 2, 14), kind="makeup_workday", name="春节").describe()
            '2026-02-14 Sat: make-up working day (春节 调休)'
        """
        if self.name is None:  # (a deadline stored without the names)
            return f"{self.date.isoformat()} {self.date:%a}: make-up working day (调休)"
        info = DayInfo(self.date, self.kind, True, self.provisional, self.name)
        return info.describe()


class Deadline(BaseModel):
    """When a period ends, and how that was computed.

    Attributes:
        start: the instant the period starts (Shanghai time).
        duration: the duration, as text.
        convention: the counting convention used.
        half_day: the half-day rule used (meaningful for fractional working days).
        office_hours: the office hours used, if any.
        due: the last instant still in time.
        last_day: the date ``due`` falls on, as the convention counts it.
        counted_days: the working days that counted towards the period.
        makeup_days_counted: those of them that are make-up working days (调休上班).
        makeup_days: the same days, each with its reason: the festival (or local
            overlay entry) it is worked for. Empty in a deadline stored before it was kept.
        skipped_days: the days passed over (weekends, holidays, closures), each with its reason.
        provisional_days: every day the computation touched that no notice has set yet.
        provisional: whether ``provisional_days`` is non-empty.
        steps: the computation in words.
    """

    model_config = ConfigDict(frozen=True)

    start: dt.datetime
    duration: str
    convention: CountingConvention
    half_day: HalfDayRule
    office_hours: str | None
    due: dt.datetime
    last_day: dt.date
    counted_days: tuple[dt.date, ...]
    makeup_days_counted: tuple[dt.date, ...]
    makeup_days: tuple[MakeupDay, ...] = ()
    skipped_days: tuple[SkippedDay, ...]
    provisional_days: tuple[dt.date, ...]
    provisional: bool
    steps: tuple[str, ...]

    def explain(self) -> str:
        """The computation as a few lines of text, as the CLI prints it.

        In the current language (:mod:`grievance_rules.i18n`): Chinese is rendered
        by :func:`grievance_rules.calendar.wording.explain_deadline`; ``steps``
        themselves stay as stored (English).
        """
        if current_language() == "zh":
            from grievance_rules.calendar.wording import explain_deadline

            return explain_deadline(self)
        lines = [
            f"start     {self.start.isoformat()}",
            f"duration  {self.duration} ({self.convention.value}"
            + (f", half day: {self.half_day.value}" if "." in self.duration else "")
            + ")",
        ]
        if self.office_hours:
            lines.append(f"office    {self.office_hours}")
        lines.extend(f"  {step}" for step in self.steps)
        for day in self.days_in_order():
            if isinstance(day, MakeupDay):
                lines.append(f"  counted {day.describe()}")
                continue
            reason = day.kind.value.replace("_", " ")
            name = f" {day.name}" if day.name else ""
            flag = " (provisional)" if day.provisional else ""
            lines.append(f"  skipped {day.date.isoformat()} {day.date:%a}: {reason}{name}{flag}")
        lines.append(f"due       {self.due.isoformat()}")
        if self.provisional:
            days = ", ".join(d.isoformat() for d in self.provisional_days[:5])
            more = "…" if len(self.provisional_days) > 5 else ""
            lines.append(f"PROVISIONAL: touches days no notice has set yet ({days}{more})")
        return "\n".join(lines)

    def days_in_order(self) -> list[SkippedDay | MakeupDay]:
        """The days skipped and the make-up days counted, in date order (as explained).

        Example:
            >>> import datetime as dt
            >>> from grievance_rules.calendar import china
            >>> start = dt.datetime.fromisoformat("2026-02-12T10:00+08:00")
            >>> d = china().deadline(start, "3 working days", "civil_code")
            >>> [(day.date.isoformat(), day.kind.value) for day in d.days_in_order()][:2]
            [('2026-02-14', 'makeup_workday'), ('2026-02-15', 'holiday')]
        """
        named = {day.date: day for day in self.makeup_days}
        makeup = [
            named.get(day) or MakeupDay(date=day, kind=DayKind.MAKEUP_WORKDAY)
            for day in self.makeup_days_counted
        ]
        return sorted([*self.skipped_days, *makeup], key=lambda day: day.date)


def _end_of_day(day: dt.date, hours: OfficeHours | None) -> dt.datetime:
    """24:00 of ``day``, or its closing time where office hours apply (民法典 art. 203)."""
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    if hours is None:
        return midnight + _ONE_DAY
    return midnight + dt.timedelta(minutes=hours.closing)


def _is_working(cal: WorkingCalendar, day: dt.date) -> bool:
    """Whether a day is a working day, without reporting provisional days."""
    return cal.day_info(day).is_working_day


def _minutes_of_day(local: dt.datetime) -> float:
    return local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60


def _noon_cutoff(
    cal: WorkingCalendar, local: dt.datetime, hours: OfficeHours, sessions: int
) -> tuple[dt.datetime, list[str]]:
    """The end of the ``sessions``-th whole half-day session starting at or after ``local``."""
    if len(hours.intervals) != 2:
        raise DurationError(
            _(
                "the noon_cutoff half-day rule needs office hours of exactly two sessions "
                "(morning and afternoon), got {hours}"
            ).format(hours=hours)
        )
    day, minute = local.date(), _minutes_of_day(local)
    if _is_working(cal, day):
        starts = [s for s, _ in hours.intervals]
        session = 0 if minute <= starts[0] else 1 if minute <= starts[1] else 2
    else:
        session = 2
    if session == 2:
        day, session = cal._add_working_days_checked(day, 1, report=False), 0
    steps = [
        f"first whole half-day session at or after the start: "
        f"{day.isoformat()} {'morning' if session == 0 else 'afternoon'}"
    ]
    session += sessions - 1
    while session >= 2:
        day, session = cal._add_working_days_checked(day, 1, report=False), session - 2
    end = hours.intervals[session][1]
    due = dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI) + dt.timedelta(minutes=end)
    steps.append(f"{sessions} half-day session(s) end at {due.isoformat()}")
    return due, steps


_Explained = tuple[
    tuple[dt.date, ...],
    tuple[dt.date, ...],
    tuple[MakeupDay, ...],
    tuple[SkippedDay, ...],
    tuple[dt.date, ...],
]


def _explain_days(
    cal: WorkingCalendar, first: dt.date, last: dt.date, *, count_first: bool
) -> _Explained:
    """The days from ``first`` to ``last``: counted, make-up (dates; why), skipped, provisional.

    Depends on the dates only, so many starts share one answer: remembered in the
    calendar's ``_days_memo`` (cleared with its deadline memo).
    """
    key = (first, last, count_first)
    memo = cal._days_memo
    found: _Explained | None = memo.get(key)
    if found is None:
        found = _explain_days_afresh(cal, first, last, count_first=count_first)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = found
    return found


def _explain_days_afresh(
    cal: WorkingCalendar, first: dt.date, last: dt.date, *, count_first: bool
) -> _Explained:
    """:func:`_explain_days`, not remembered: slices of the calendar's days, not a walk.

    The working days counted are a slice of the calendar's working days; the days
    skipped and the make-up days counted, slices of its days off and of its days made
    working days (:meth:`~.working.WorkingCalendar._days_off`), each day's reason
    made once per calendar. A span reaching outside the calendar, or ending before it
    begins, is walked day by day (:func:`_explain_days_walked`: it raises or is empty).
    """
    base = cal._base
    low, high = first.toordinal() - base, last.toordinal() - base
    if low < 0 or high >= len(cal._cum) or high < low:
        return _explain_days_walked(cal, first, last, count_first=count_first)
    begin = low if count_first else low + 1  # (the first day counted, if any)
    cum = cal._cum
    counted = tuple(cal._workdays[cum[begin - 1] if begin else 0 : cum[high]])
    reasons = cal._day_reasons
    if reasons is None:
        off, made = cal._days_off()
        reasons = cal._day_reasons = (_Reasons(off, SkippedDay), _Reasons(made, MakeupDay))
    skipped = reasons[0].between(cal, begin, high)
    makeup_why = reasons[1].between(cal, begin, high)
    makeup = tuple([day.date for day in makeup_why]) if makeup_why else ()
    # (provisional: every date after the last one a notice set, the first day too)
    unset = max(low, cal._final_index + 1)
    provisional = (
        tuple(map(dt.date.fromordinal, range(base + unset, base + high + 1)))
        if unset <= high
        else ()
    )
    return counted, makeup, makeup_why, skipped, provisional


class _Reasons:
    """Why each of some days (by number from the calendar's first) was skipped or counted.

    The days off (each skipped) or the days made working days (each counted), ascending;
    each day's reason is made the first time a span asks for its block of 64 days, once
    per calendar.
    """

    __slots__ = ("filled", "kind", "numbers", "reasons")

    def __init__(self, numbers: list[int], kind: type[SkippedDay] | type[MakeupDay]) -> None:
        self.numbers = numbers
        self.kind = kind
        self.reasons: list[SkippedDay | MakeupDay | None] = [None] * len(numbers)
        self.filled = bytearray((len(numbers) >> 6) + 1)

    def between(self, cal: WorkingCalendar, low: int, high: int) -> tuple[Any, ...]:
        """The reasons of the days numbered ``low`` to ``high``, in date order."""
        numbers = self.numbers
        first, past = bisect_left(numbers, low), bisect_right(numbers, high)
        if first == past:
            return ()
        filled = self.filled
        for block in range(first >> 6, ((past - 1) >> 6) + 1):
            if not filled[block]:
                self._fill(cal, block)
        return tuple(self.reasons[first:past])

    def _fill(self, cal: WorkingCalendar, block: int) -> None:
        kind, reasons = self.kind, self.reasons
        for place in range(block << 6, min((block + 1) << 6, len(reasons))):
            info = cal.day_info(dt.date.fromordinal(cal._base + self.numbers[place]))
            reasons[place] = kind(
                date=info.date, kind=info.kind, name=info.name, provisional=info.provisional
            )
        self.filled[block] = 1


def _explain_days_walked(
    cal: WorkingCalendar, first: dt.date, last: dt.date, *, count_first: bool
) -> _Explained:
    """:func:`_explain_days_afresh` day by day, each day asked of the calendar."""
    counted: list[dt.date] = []
    makeup: list[dt.date] = []
    makeup_why: list[MakeupDay] = []
    skipped: list[SkippedDay] = []
    provisional: list[dt.date] = []
    for info in cal.days(first, last):
        if info.provisional:
            provisional.append(info.date)
        if info.date == first and not count_first:
            continue
        if info.is_working_day:
            counted.append(info.date)
            if info.kind in (DayKind.MAKEUP_WORKDAY, DayKind.LOCAL_WORKDAY):
                makeup.append(info.date)
                makeup_why.append(
                    MakeupDay(
                        date=info.date, kind=info.kind, name=info.name, provisional=info.provisional
                    )
                )
        else:
            skipped.append(
                SkippedDay(
                    date=info.date, kind=info.kind, name=info.name, provisional=info.provisional
                )
            )
    return tuple(counted), tuple(makeup), tuple(makeup_why), tuple(skipped), tuple(provisional)


def compute_deadline(
    cal: WorkingCalendar,
    start: dt.datetime,
    duration: Duration | str,
    convention: CountingConvention | str,
    *,
    half_day: HalfDayRule | str = HalfDayRule.HALF_MINUTES,
) -> Deadline:
    """When a period that starts at ``start`` ends, and why.

    Args:
        cal: the calendar (with office hours for ``working_time``, working hours and
            half days).
        start: a timezone-aware instant.
        duration: a :class:`Duration` or its text ("2 working days", "半个工作日").
        convention: ``civil_code``, ``working_time`` or ``elapsed``.
        half_day: what half a working day means (``half_minutes`` or ``noon_cutoff``).

    Raises:
        DurationError: the duration cannot be counted under that convention.
        NaiveDatetimeError: ``start`` has no timezone.

    Example:
        >>> import datetime as dt
        >>> from grievance_rules.calendar import china
        >>> d = compute_deadline(china(), dt.datetime.fromisoformat("2026-02-13T18:00+08:00"),
        ...                      "2 working days", "civil_code")
        >>> d.due.isoformat(), [s.date.isoformat() for s in d.skipped_days][:2]
        ('2026-02-25T00:00:00+08:00', ['2026-02-15', '2026-02-16'])
    """
    local = to_shanghai(start, what="start")
    deadline = remembered_deadline(cal, local, duration, convention, half_day=half_day)
    if deadline.start is not local:
        deadline = deadline.model_copy(update={"start": local})
    return deadline


def remembered_deadline(
    cal: WorkingCalendar,
    local: dt.datetime,
    duration: Duration | str,
    convention: CountingConvention | str,
    *,
    half_day: HalfDayRule | str = HalfDayRule.HALF_MINUTES,
) -> Deadline:
    """:func:`compute_deadline` from a Shanghai-time start, served from the calendar's memo.

    The result may be the deadline of another start with the same due instant and
    the same explanation: everything in it but ``start`` holds for ``local``. (The
    engine, which records the start itself, saves the copy that sets ``start``.)
    A provisional deadline is reported on every call, as the calendar's policy says.
    """
    dur = Duration.parse(duration) if isinstance(duration, str) else duration
    conv = (
        convention if convention.__class__ is CountingConvention else CountingConvention(convention)
    )
    rule = half_day if half_day.__class__ is HalfDayRule else HalfDayRule(half_day)
    plan = _office_plan(dur, rule, cal._hours) if conv is CountingConvention.WORKING_TIME else None
    deadline: Deadline | None
    if plan is not None:
        deadline = _office_deadline(cal, local, plan)
        if deadline.provisional:
            _report_provisional(cal, local, dur, conv)
        return deadline
    key = _memo_key(cal, local, dur, conv, rule)
    memo = cal._deadline_memo
    deadline = memo.get(key) if key is not None else None
    if deadline is None:
        try:
            deadline = _compute_deadline(cal, local, dur, conv, rule)
        except OverflowError:  # a duration longer than Python's dates can hold
            raise CalendarRangeError(
                _("the result is past the calendar's end {last}").format(last=cal.last_date)
            ) from None
        if key is not None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[key] = deadline
    if deadline.provisional:
        _report_provisional(cal, local, dur, conv)
    return deadline


def _report_provisional(
    cal: WorkingCalendar, local: dt.datetime, dur: Duration, conv: CountingConvention
) -> None:
    """Say a deadline touched a provisional day, as the calendar's policy says."""
    from grievance_rules.calendar.wording import duration_text

    cal._touched_provisional(
        _("the deadline {duration} from {start} ({convention})").format(
            duration=duration_text(str(dur)), start=local.isoformat(), convention=conv.value
        )
    )


_Fixed = tuple[str, CountingConvention, HalfDayRule, "str | None"]
"""What a deadline says of its period: duration, convention, half-day rule, office hours."""


class _OfficePlan(NamedTuple):
    """A period of whole office time: what every deadline of it shares.

    ``length_us`` is the period in office time; ``text`` its step's text up to the due
    instant; ``fixed`` what its deadlines say of it (and begins their memo keys).
    """

    length_us: int
    text: str
    fixed: _Fixed


_OFFICE_PLANS: dict[tuple[int, HalfDayRule, int], tuple[object, object, _OfficePlan | None]] = {}


def _office_plan(dur: Duration, rule: HalfDayRule, hours: OfficeHours | None) -> _OfficePlan | None:
    """The plan of a working-time period of whole office time, found once per duration object.

    ``None`` for any other (no office hours, "the same day", a half day left for the noon
    cutoff, no time at all, a unit that is not working time): :func:`_compute_deadline`
    computes those, and refuses those it cannot count. By identity, as
    :func:`_working_period`.
    """
    if hours is None:
        return None
    key = (id(dur), rule, id(hours))
    entry = _OFFICE_PLANS.get(key)
    if entry is None:
        plan = None
        if dur.unit in (DurationUnit.WORKING_DAYS, DurationUnit.WORKING_HOURS) and dur.amount > 0:
            try:
                period, half, text = _working_period(dur, rule, hours)
            except (DurationError, OverflowError):  # (refused by _compute_deadline, as it says)
                period, half, text = _ZERO, Fraction(0), ""
            if period and not half:
                conv = CountingConvention.WORKING_TIME
                plan = _OfficePlan(
                    period // _MICROSECOND,
                    text,
                    (_text_of(dur), conv, rule, _text_of(hours)),
                )
        if len(_OFFICE_PLANS) >= _KEPT:
            _OFFICE_PLANS.clear()
        entry = _OFFICE_PLANS[key] = (dur, hours, plan)  # (keeps the identities theirs)
    return entry[2]


def _office_deadline(cal: WorkingCalendar, local: dt.datetime, plan: _OfficePlan) -> Deadline:
    """The deadline of a period of whole office time from ``local``, served from the memo.

    What :func:`_compute_deadline` computes for it, found from the start's office-time
    position: the due instant is the period's length further on, and the days between
    are explained by date (:func:`_explain_days`). Remembered by the start's date and
    position (every start in one night, or one lunch break, shares one).

    Raises:
        CalendarRangeError: the start, or the due instant, is outside the calendar.
    """
    hours = cal._hours
    assert hours is not None
    position = cal._position_us(local, hours)
    key = (plan.fixed, local.toordinal(), position)
    memo = cal._deadline_memo
    found: Deadline | None = memo.get(key)
    if found is not None:
        return found
    try:
        due = cal._instant_at(position + plan.length_us, hours)[0]
    except OverflowError:  # a duration longer than Python's dates can hold
        raise CalendarRangeError(
            _("the result is past the calendar's end {last}").format(last=cal.last_date)
        ) from None
    steps = (plan.text + due.isoformat(),)
    deadline = _explained(cal, local, due, due.date(), plan.fixed, steps, count_first=True)
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = deadline
    return deadline


_MEMO_SIZE = 4_096
"""At most this many deadlines are remembered per calendar (then it starts afresh)."""


def _memo_key(
    cal: WorkingCalendar,
    local: dt.datetime,
    dur: Duration,
    conv: CountingConvention,
    rule: HalfDayRule,
) -> tuple[object, ...] | None:
    """What a deadline depends on besides its exact start, or None to compute it afresh.

    Under ``civil_code`` a deadline depends on the start's date (and, for "the same
    day", on whether it came after closing time); under ``working_time`` on the
    start's date and its position in office time (every instant of a night or a
    day off is the same position). The memoised deadline differs from a fresh one
    only in its ``start``, which :func:`compute_deadline` sets. ``elapsed`` periods
    and zero durations (due at the start itself) are not memoised. The duration is
    keyed by its text (one text per amount and unit; a string's hash is kept, a
    fraction's is computed on every lookup).
    """
    hours = cal.office_hours
    day = local.date()
    if dur.amount == 0 and dur.unit is not DurationUnit.SAME_DAY:
        return None
    if conv is CountingConvention.CIVIL_CODE:
        after_closing = (
            dur.unit is DurationUnit.SAME_DAY
            and hours is not None
            and _minutes_of_day(local) >= hours.closing
        )
        return (conv, _text_of(dur), rule, day, after_closing)
    if conv is CountingConvention.WORKING_TIME and hours is not None:
        if not cal.first_date <= day <= cal.last_date:
            return None  # out of range: computed afresh, to raise its own error
        return (conv, _text_of(dur), rule, day, cal._position_us(local, hours))
    return None


def _compute_deadline(
    cal: WorkingCalendar,
    local: dt.datetime,
    dur: Duration,
    conv: CountingConvention,
    rule: HalfDayRule,
) -> Deadline:
    """The deadline from ``local`` (Shanghai time), computed from the calendar."""
    hours = cal.office_hours
    unit = dur.unit
    steps: list[str] = []
    count_first = False

    if conv is CountingConvention.ELAPSED:
        if unit in (DurationUnit.WORKING_DAYS, DurationUnit.WORKING_HOURS):
            raise DurationError(
                _("{duration} cannot be counted as elapsed time; use working_time").format(
                    duration=dur
                )
            )
        if unit is DurationUnit.SAME_DAY:
            due = _end_of_day(local.date(), None)
            steps.append("elapsed: the same calendar day, to 24:00")
        else:
            seconds = {
                DurationUnit.NATURAL_DAYS: 86_400,
                DurationUnit.HOURS: 3_600,
                DurationUnit.MINUTES: 60,
            }[unit]
            due = local + dt.timedelta(seconds=float(dur.amount * seconds))
            steps.append(f"elapsed: {dur} of wall-clock time from the start")
        last_day = due.date() if due.time() != dt.time(0) else due.date() - _ONE_DAY
        count_first = True
    elif conv is CountingConvention.CIVIL_CODE:
        if unit in (DurationUnit.WORKING_HOURS, DurationUnit.HOURS, DurationUnit.MINUTES):
            raise DurationError(
                _(
                    "{duration} is counted in hours or minutes; civil_code counts whole days: "
                    "use working_time or elapsed"
                ).format(duration=dur)
            )
        if dur.amount.denominator != 1:
            raise DurationError(
                _(
                    "{duration}: civil_code counts whole days only; a fraction of a working "
                    "day needs working_time with a half-day rule"
                ).format(duration=dur)
            )
        day = local.date()
        n = int(dur.amount)
        if unit is DurationUnit.SAME_DAY:
            last_day = day
            steps.append("same day: the period's last day is the start day")
            count_first = True
            if hours is not None and _minutes_of_day(local) >= hours.closing:
                last_day = cal._add_working_days_checked(day, 1, report=False)
                steps.append("received after closing time: the next working day")
        elif unit is DurationUnit.WORKING_DAYS:
            last_day = cal._add_working_days_checked(day, n, report=False)
            steps.append(f"start day {day.isoformat()} not counted (民法典 art. 201)")
            steps.append(f"{n} working day(s) after it: {last_day.isoformat()}")
        else:
            last_day = day + n * _ONE_DAY
            steps.append(f"start day {day.isoformat()} not counted (民法典 art. 201)")
            steps.append(f"{n} natural day(s) after it: {last_day.isoformat()}")
        if not _is_working(cal, last_day):
            moved = cal._add_working_days_checked(last_day, 1, report=False)
            steps.append(
                f"last day {last_day.isoformat()} is not a working day: moves to "
                f"{moved.isoformat()} (民法典 art. 203)"
            )
            last_day = moved
        due = _end_of_day(last_day, hours)
        steps.append(
            "ends at 24:00 of the last day"
            if hours is None
            else "ends at closing time of the last day (有业务时间的，停止业务活动的时间为截止时间)"
        )
    else:  # working_time
        if hours is None:
            raise DurationError(
                _(
                    "{duration} under working_time needs office hours: build the calendar "
                    "with china(office_hours=...)"
                ).format(duration=dur)
            )
        if unit in (DurationUnit.NATURAL_DAYS, DurationUnit.HOURS, DurationUnit.MINUTES):
            raise DurationError(
                _("{duration} is not working time; use civil_code or elapsed").format(duration=dur)
            )
        count_first = True
        if unit is DurationUnit.SAME_DAY:
            day = local.date()
            if not _is_working(cal, day) or _minutes_of_day(local) >= hours.closing:
                day = cal._add_working_days_checked(day, 1, report=False)
                steps.append("start outside a working day's hours: the next working day")
            due = _end_of_day(day, hours)
            steps.append("same day: closing time of that working day")
        else:
            period, half, text = _working_period(dur, rule, hours)
            due = local
            if period:
                due = cal._add_working_time(local, period, report=False)
                steps.append(text + due.isoformat())
            if half:
                due, more = _noon_cutoff(cal, due, hours, 1)
                steps.extend(more)
        last_day = due.date()
    fixed = (_text_of(dur), conv, rule, _text_of(hours) if hours else None)
    return _explained(cal, local, due, last_day, fixed, tuple(steps), count_first=count_first)


def _explained(
    cal: WorkingCalendar,
    local: dt.datetime,
    due: dt.datetime,
    last_day: dt.date,
    fixed: _Fixed,
    steps: tuple[str, ...],
    *,
    count_first: bool,
) -> Deadline:
    """The deadline from ``local`` to ``due``, the days to ``last_day`` explained."""
    counted, makeup, makeup_why, skipped, provisional = _explain_days(
        cal, local.date(), last_day, count_first=count_first
    )
    duration, convention, half_day, office_hours = fixed
    # every field is built here with its declared type: constructed without re-validation
    # (what ``Deadline.model_construct`` builds, the fields in their declared order)
    deadline = Deadline.__new__(Deadline)
    _set(
        deadline,
        "__dict__",
        {
            "start": local,
            "duration": duration,
            "convention": convention,
            "half_day": half_day,
            "office_hours": office_hours,
            "due": due,
            "last_day": last_day,
            "counted_days": counted,
            "makeup_days_counted": makeup,
            "makeup_days": makeup_why,
            "skipped_days": skipped,
            "provisional_days": provisional,
            "provisional": bool(provisional),
            "steps": steps,
        },
    )
    # one set for every deadline: they are frozen, and pydantic copies the set before it
    # adds to it (``model_copy``), so it never changes
    _set(deadline, "__pydantic_fields_set__", _EVERY_FIELD)
    _set(deadline, "__pydantic_extra__", None)
    _set(deadline, "__pydantic_private__", None)
    return deadline


_set = object.__setattr__
_EVERY_FIELD = set(Deadline.model_fields)


def _working_period_afresh(
    dur: Duration, rule: HalfDayRule, hours: OfficeHours
) -> tuple[dt.timedelta, Fraction, str]:
    """A working-time duration in office time, with its step's text.

    The whole minutes, the half day left for the noon cutoff, and the step's text up
    to the due instant.

    Raises:
        DurationError: a fraction the noon cutoff cannot count.
    """
    if dur.unit is DurationUnit.WORKING_HOURS:
        minutes, half = dur.amount * 60, Fraction(0)
    else:
        days = dur.amount
        if rule is HalfDayRule.NOON_CUTOFF:
            whole_days = Fraction(int(days))
            half = days - whole_days
            if half not in (0, Fraction(1, 2)):
                raise DurationError(
                    _(
                        "{duration}: the noon_cutoff rule counts whole and half working days only"
                    ).format(duration=dur)
                )
            minutes = whole_days * hours.day_minutes
        else:
            half = Fraction(0)
            minutes = days * hours.day_minutes
    text = (
        f"{float(minutes):g} working minutes ({hours.day_minutes} per working day) "
        "from the start, through office hours: "
    )
    return dt.timedelta(minutes=float(minutes)), half, text


_KEPT = 256
"""At most this many durations' texts and periods are kept (then they start afresh)."""

_PERIODS: dict[tuple[int, HalfDayRule, int], tuple[object, ...]] = {}
_TEXTS: dict[int, tuple[object, str]] = {}


def _working_period(
    dur: Duration, rule: HalfDayRule, hours: OfficeHours
) -> tuple[dt.timedelta, Fraction, str]:
    """:func:`_working_period_afresh`, found once per duration object.

    By identity: the durations are the parsed ones, shared, and hashing one is slow. An
    entry keeps its duration and hours, so their identities stay theirs while it lives.
    """
    key = (id(dur), rule, id(hours))
    entry = _PERIODS.get(key)
    if entry is None:
        if len(_PERIODS) >= _KEPT:
            _PERIODS.clear()
        entry = _PERIODS[key] = (dur, hours, _working_period_afresh(dur, rule, hours))
    found: tuple[dt.timedelta, Fraction, str] = entry[2]  # type: ignore[assignment]
    return found


def _text_of(thing: Duration | OfficeHours) -> str:
    """``str(thing)``, found once per object (by identity, as :func:`_working_period`)."""
    entry = _TEXTS.get(id(thing))
    if entry is None:
        if len(_TEXTS) >= _KEPT:
            _TEXTS.clear()
        entry = _TEXTS[id(thing)] = (thing, str(thing))
    return entry[1]
