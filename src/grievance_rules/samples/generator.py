"""A seeded generator of realistic synthetic 12345 work orders.

No public data set of work orders may be shipped, so the library makes its own:
:func:`generate_orders` streams orders of the fictional street 青石街道
(:mod:`~grievance_rules.samples.units`) received over a span of months, each
with a history a real order could have: the dispatch, sign-off (签收), first
contact (先行联系), returns (退单) within the window, late or refused, internal
reassignment (签派), proactive handling (主动承办), preliminary and substantive
replies (with and without evidence, on time and late), reply review, callbacks
(满意, 基本满意, 过程/结果不满意, 未解决, not reached), second handlings and redos
by the street, the district and the city (repeatedly), 续报 (some twice),
延期, 督办 in all five modes, 提级办理, 核减, 推诿 findings, referrals to the
discipline body, exclusion from assessment, external deductions and repeat
complainants. The rates are the named fields of :class:`~grievance_rules.samples.mix.Mix`
(documented in ``docs/model.md``, "Sample data").

* **Deterministic**: everything is drawn from one ``random.Random(seed)``; the
  wall clock and the global random state are never read. The same arguments give
  the same orders (and, written with :func:`order_line`, the same bytes); another
  seed gives other orders.
* **Streaming**: orders come day by day in receipt order; memory holds one day's
  receipt times and the open repeat threads, whatever the count.
* **Coherent**: every history passes :func:`~grievance_rules.model.check_history`
  with no issue, warnings included (the tests read generated files back).
* **Times**: receipts follow the calendar (fewer on weekends and public holidays,
  some at night); units act in office hours (09:00–12:00, 13:30–17:30, the packs'
  assumption) on working days of :func:`grievance_rules.calendar.china`, except
  night duty on urgent orders. All instants are Shanghai time, to the minute.

Limitations:
    * ``DY-12.on-site-one-complainant`` and ``DY-12.on-site-many-complainants``
      look at other orders: they fire only when the orders are evaluated with a
      :class:`~grievance_rules.engine.RepeatIndex` of the whole file.
    * ``CD-8.escalate``'s 二次续报风险 branch (a 续报 clock at its red level) needs
      an assessment taken while the 续报 is still open: with complete histories
      evaluated as of their last event it does not fire (its other branches,
      two unsatisfied callbacks, do); generate with ``as_of`` (a snapshot that
      cuts the histories) to see it.
    * ``xiayang`` and ``daye`` declare no deduction rules (their documents set no
      points), so nothing is deducted under them; every deduction rule of
      ``chengdong`` can fire.
    * One street: the orders are evaluated under all three packs alike, so a
      pack's own organisation (夏阳's 区中心 → 城运中心, 大冶's 热线中心 dispatching
      to towns) is approximated by the same units.
    * Receipt volumes and rates are plausible, not measured.
    * Dates after the last State Council notice (2026-12-24 with the notices
      shipped now) are projected by the calendar; orders that reach them are
      generated, and evaluating them marks each clock whose due instant depends
      on such a day ``provisional`` (no warning is raised).

Example:
    >>> import datetime as dt
    >>> orders = list(generate_orders(3, seed=7, start=dt.date(2025, 3, 1), months=1))
    >>> [o.id for o in orders]
    ['2503060001', '2503170001', '2503260001']
    >>> from grievance_rules.model import check_history
    >>> [check_history(o) for o in orders]
    [(), (), ()]
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Iterator
from typing import Any

import pydantic_core

from grievance_rules.calendar import DayKind, WorkingCalendar, china
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext
from grievance_rules.model import WorkOrder
from grievance_rules.samples.clock import OfficeClock
from grievance_rules.samples.history import CONTACT_METHODS, OrderBuilder, Pick, Thread, add_months
from grievance_rules.samples.mix import Mix, SampleConfigError
from grievance_rules.samples.units import UnitRegistry, default_registry

__all__ = ["DEFAULT_START", "OFFICE_HOURS", "generate_lines", "generate_orders", "order_line"]

DEFAULT_START = dt.date(2025, 1, 1)
"""The first day of receipt unless told otherwise (the year after it is still on
published State Council notices, so evaluating the orders warns of nothing)."""

OFFICE_HOURS = "09:00-12:00,13:30-17:30"
"""The office hours units act in: the three packs' assumption."""

_CST = dt.timezone(dt.timedelta(hours=8))  # Shanghai: no daylight saving since 1991
_FIRST_DAY = dt.date(2004, 1, 1)
_LAST_DAY = dt.date(2059, 12, 1)  # the calendar projects to 2060-12-31; histories need room
_HISTORY_ROOM = dt.timedelta(days=395)  # how long after the window a history may run

# Monday .. Sunday: Mondays bring the weekend's backlog
_WEEKDAY_VOLUME = (1.15, 1.05, 1.0, 1.0, 0.95, 1.0, 1.0)
# January .. December: summer brings noise, water and power complaints
_MONTH_VOLUME = (0.9, 0.8, 1.0, 1.0, 1.05, 1.1, 1.2, 1.2, 1.05, 0.95, 0.95, 0.9)


def _check_args(
    count: object, seed: object, start: object, months: object, as_of: object
) -> tuple[dt.date, dt.datetime | None]:
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise SampleConfigError(
            _("count: {value} is not a whole number >= 0").format(value=repr(count))
        )
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise SampleConfigError(_("seed: {value} is not an integer").format(value=repr(seed)))
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 600:
        raise SampleConfigError(
            _("months: {value} is not a whole number from 1 to 600").format(value=repr(months))
        )
    if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
        raise SampleConfigError(_("start: {value} is not a date").format(value=repr(start)))
    end = add_months(start, months)
    if start < _FIRST_DAY or end > _LAST_DAY:
        raise SampleConfigError(
            ngettext(
                "start {start} + {months} month: receipts must fall between {first} and "
                "{last} (the calendar's range)",
                "start {start} + {months} months: receipts must fall between {first} and "
                "{last} (the calendar's range)",
                months,
            ).format(
                start=start.isoformat(),
                months=months,
                first=_FIRST_DAY.isoformat(),
                last=_LAST_DAY.isoformat(),
            )
        )
    if as_of is None:
        return end, None
    if not isinstance(as_of, dt.datetime) or as_of.utcoffset() is None:
        raise SampleConfigError(
            _("as_of: {value} is not a timezone-aware datetime").format(value=repr(as_of))
        )
    if as_of < dt.datetime.combine(end, dt.time(0), _CST):
        raise SampleConfigError(
            _(
                "as_of: {as_of} is before the end of the receipt window ({end}T00:00+08:00): "
                "the orders would be cut before they were all received"
            ).format(as_of=as_of.isoformat(), end=end.isoformat())
        )
    return end, as_of


def generate_orders(
    count: int,
    *,
    seed: int,
    start: dt.date = DEFAULT_START,
    months: int = 12,
    mix: Mix | None = None,
    registry: UnitRegistry | None = None,
    as_of: dt.datetime | None = None,
) -> Iterator[WorkOrder]:
    """Stream ``count`` synthetic orders received over ``months`` months from ``start``.

    Args:
        count: how many orders (spread over the days by the calendar's volumes).
        seed: the seed of the one random generator everything is drawn from.
        start: the first day of receipt.
        months: how many months orders are received in.
        mix: the rates (:class:`~grievance_rules.samples.mix.Mix`; default: its defaults).
        registry: the units (default: :func:`~grievance_rules.samples.units.default_registry`).
        as_of: a snapshot instant, at or after the end of the receipt window:
            events after it are left out, as in an export taken then (orders
            received near the end are still open). ``None``: complete histories.

    Returns:
        An iterator of orders in receipt order; ids are ``YYMMDD`` and a
        sequence number within the day.

    Raises:
        SampleConfigError: an argument that cannot be used (raised at the call,
            before any order is made).
    """
    end, cut = _check_args(count, seed, start, months, as_of)
    generator = Generator(seed, mix or Mix(), registry or default_registry(), start, end, cut)
    return generator.orders(count)


def generate_lines(
    count: int,
    *,
    seed: int,
    start: dt.date = DEFAULT_START,
    months: int = 12,
    mix: Mix | None = None,
    registry: UnitRegistry | None = None,
    as_of: dt.datetime | None = None,
) -> Iterator[str]:
    """The orders of :func:`generate_orders` (same arguments), as compact JSON lines.

    Each order is validated as a :class:`~grievance_rules.model.WorkOrder` and
    written as :func:`order_line` writes it (the same text), without the cost
    of serialising the model: this is what ``grievance-rules sample`` writes.

    Raises:
        SampleConfigError: an argument that cannot be used (raised at the call).

    Example:
        >>> import datetime as dt
        >>> line = next(generate_lines(1, seed=1, start=dt.date(2025, 3, 1), months=1))
        >>> line == order_line(next(generate_orders(1, seed=1, start=dt.date(2025, 3, 1),
        ...                                         months=1)))
        True
    """
    end, cut = _check_args(count, seed, start, months, as_of)
    generator = Generator(seed, mix or Mix(), registry or default_registry(), start, end, cut)
    return generator.lines(count)


def order_line(order: WorkOrder) -> str:
    """One order as a compact JSON line: the fields the generator set, nothing else.

    Fields left at their defaults are left out; reading the line gives the same
    order back (``WorkOrder.model_validate_json``).

    Example:
        >>> import datetime as dt
        >>> order = next(generate_orders(1, seed=1, start=dt.date(2025, 3, 1), months=1))
        >>> WorkOrder.model_validate_json(order_line(order)) == order
        True
    """
    return order.model_dump_json(exclude_unset=True)


class Generator:
    """The state of one run: the random generator, the picks, the clock, the repeat threads."""

    def __init__(
        self,
        seed: int,
        mix: Mix,
        registry: UnitRegistry,
        start: dt.date,
        end: dt.date,
        as_of: dt.datetime | None,
    ) -> None:
        self.rng = random.Random(seed)
        self.mix = mix
        self.registry = registry
        self.start = start
        self.end = end
        self.as_of = as_of
        self.cal: WorkingCalendar = china(on_provisional="allow")
        self.clock = OfficeClock(self.cal, start, min(end + _HISTORY_ROOM, self.cal.last_date))
        self.pick_channel = Pick(mix.channels)
        self.pick_category = Pick(mix.categories)
        self.pick_urgency = Pick(mix.urgencies)
        self.pick_handler_kind = Pick(mix.handler_kinds)
        self.pick_return_timing = Pick(mix.return_timing)
        self.pick_continuation = Pick(mix.continuation_outcomes)
        self.pick_reply_kind = Pick(mix.reply_kinds)
        self.pick_method = Pick(mix.callback_methods)
        self.pick_first_verdict = Pick(mix.first_verdicts)
        self.pick_later_verdict = Pick(mix.later_verdicts)
        self.pick_redo = Pick(mix.redo_levels)
        self.pick_contact = Pick(CONTACT_METHODS)
        self.threads: list[tuple[dt.datetime, int, Thread]] = []
        self.thread_seq = itertools.count()
        self.department_ids = frozenset(unit.id for unit in registry.departments)
        self.village_ids = frozenset(unit.id for unit in registry.villages)
        self.office_ids = frozenset(unit.id for unit in registry.offices)
        self.street_ids = frozenset(
            unit.id for unit in (*registry.villages, *registry.offices, *registry.workstations)
        )

    # -- time ------------------------------------------------------------------------

    def office(self, instant: dt.datetime, minutes: float) -> dt.datetime:
        """The instant ``minutes`` of office time after ``instant`` (at least one)."""
        return self.clock.add(instant, max(1, round(minutes)))

    def closing(self, instant: dt.datetime, working_days: int) -> dt.datetime:
        """Closing time (17:30) of the ``working_days``-th working day after the instant's day."""
        return self.clock.closing(instant.date(), working_days)

    def office_minutes(self, start: dt.datetime, end: dt.datetime) -> float:
        """Office minutes from ``start`` to ``end`` (at least 1)."""
        return max(1.0, float(self.clock.between(start, end)))

    def in_office(self, instant: dt.datetime) -> bool:
        """Whether ``instant`` is within office hours on a working day."""
        return self.clock.in_office_hours(instant)

    # -- the receipt timeline --------------------------------------------------------

    def day_counts(self, count: int) -> list[tuple[dt.date, int]]:
        """How many orders each day receives: volumes by the calendar, rounded to ``count``."""
        rng, mix, cal = self.rng, self.mix, self.cal
        days = [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days)]
        weights = []
        for day in days:
            if self.clock.is_working_day(day):
                volume = 1.0
            elif cal.day_info(day).kind in (DayKind.HOLIDAY, DayKind.PROJECTED_HOLIDAY):
                volume = mix.holiday_volume
            else:
                volume = mix.rest_day_volume
            volume *= _WEEKDAY_VOLUME[day.weekday()] * _MONTH_VOLUME[day.month - 1]
            weights.append(volume * rng.uniform(0.85, 1.15))
        total = sum(weights) or 1.0
        counts = []
        running = 0.0
        given = 0
        for day, weight in zip(days, weights, strict=True):
            running += weight
            upto = round(count * running / total)
            counts.append((day, upto - given))
            given = upto
        return counts

    def receipt_time(self, day: dt.date) -> dt.datetime:
        """A receipt instant on ``day``: mostly daytime, some evenings and nights."""
        rng = self.rng
        if self.clock.is_working_day(day):
            if rng.random() < self.mix.received_off_hours:
                if rng.random() < 0.7:
                    minute = 18 * 60 + rng.randrange(360)
                else:
                    minute = rng.randrange(8 * 60)
            else:
                minute = 8 * 60 + rng.randrange(600)
        elif rng.random() < 0.9:
            minute = 8 * 60 + rng.randrange(840)
        else:
            minute = (22 * 60 + rng.randrange(600)) % 1440
        return dt.datetime.combine(day, dt.time(0), _CST) + dt.timedelta(minutes=minute)

    def records(self, count: int) -> Iterator[dict[str, Any]]:
        """Each order as the plain record it is validated from, in receipt order."""
        counts = self.day_counts(count)
        width = max(4, len(str(max((n for _, n in counts), default=0))))
        for day, n in counts:
            times = sorted(self.receipt_time(day) for _ in range(n))
            prefix = day.strftime("%y%m%d")
            for seq, received in enumerate(times, 1):
                yield OrderBuilder(self, f"{prefix}{seq:0{width}d}", received).build()

    def orders(self, count: int) -> Iterator[WorkOrder]:
        """The orders, validated."""
        for record in self.records(count):
            yield WorkOrder.model_validate(record)

    def lines(self, count: int) -> Iterator[str]:
        """The orders as compact JSON lines, each validated first."""
        units = {
            unit.id: unit.model_dump(mode="json", exclude_unset=True) for unit in self.registry
        }
        for record in self.records(count):
            WorkOrder.model_validate(record)
            record["units"] = [units[unit.id] for unit in record["units"]]
            yield pydantic_core.to_json(record).decode()

    # -- repeat threads --------------------------------------------------------------

    def due_thread(self, received: dt.datetime) -> Thread | None:
        """The repeat thread due at ``received``, if any (the order becomes its report)."""
        if self.threads and self.threads[0][0] <= received:
            return heapq.heappop(self.threads)[2]
        return None

    def schedule(self, thread: Thread, received: dt.datetime) -> None:
        """Schedule the thread's next report, if it has any left."""
        if thread.remaining <= 0:
            return
        thread.remaining -= 1
        days = self.rng.uniform(0.1, 4.0) if thread.shared else self.rng.uniform(1.0, 9.0)
        due = received + dt.timedelta(minutes=round(days * 1440))
        heapq.heappush(self.threads, (due, next(self.thread_seq), thread))

    def complainant_key(self) -> str:
        """A new opaque complainant key."""
        return f"P{self.rng.getrandbits(40):010x}"
