"""``grievance-rules calendar``: ask the working-day calendar, and see why."""

from __future__ import annotations

import datetime as dt
import json
import warnings

import click

from grievance_rules.calendar import (
    CountingConvention,
    HalfDayRule,
    WorkingCalendar,
    china,
)
from grievance_rules.calendar.days import DayInfo
from grievance_rules.calendar.wording import day_reason, weekday_text
from grievance_rules.cli._language import (
    N_,
    Choice,
    SignedValuesCommand,
    argument,
    group,
    option,
)
from grievance_rules.cli._options import DATE, parse_instant
from grievance_rules.errors import (
    CalendarError,
    CalendarRangeError,
    ProvisionalCalendarWarning,
)
from grievance_rules.i18n import current_language, ngettext
from grievance_rules.i18n import gettext as _

__all__ = ["calendar_group"]


def _calendar(office_hours: str | None = None) -> WorkingCalendar:
    # answers carry their own provisional flag; no Python warning on the terminal
    return china(office_hours=office_hours, on_provisional="allow")


def _reasons(cal: WorkingCalendar, first: dt.date, last: dt.date) -> list[str]:
    """The days in (first, last] that are not plain weekdays, each with its reason."""
    lines = []
    for info in cal.days(first + dt.timedelta(days=1), last):
        if info.kind.value != "workday" or info.provisional:
            if info.is_working_day:
                lines.append(_("  counted {day}").format(day=_describe(info)))
            else:
                lines.append(_("  skipped {day}").format(day=_describe(info)))
    return lines


def _describe(info: DayInfo) -> str:
    """A day and why it is, or is not, a working day, in the current language."""
    if current_language() != "zh":
        return info.describe()  # the calendar's own English
    text = day_reason(info.kind, info.name, info.provisional)
    return _("{day} {weekday}: {reason}").format(
        day=info.date.isoformat(), weekday=_weekday(info.date), reason=text
    )


def _weekday(day: dt.date) -> str:
    return weekday_text(day)


def _provisional(cal: WorkingCalendar) -> str:
    return _("PROVISIONAL: days after {date} are not set by a notice yet").format(
        date=cal.final_through
    )


@group("calendar")
def calendar_group() -> None:
    """The China working-day calendar: holidays, make-up days, deadlines."""


@calendar_group.command("is-workday")
@argument("day", type=DATE)
@option("--json", "as_json", is_flag=True, help=N_("Print JSON."))
def is_workday(day: dt.date, as_json: bool) -> None:
    """Whether DAY is a working day, and why."""
    info = _calendar().day_info(day)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "date": day.isoformat(),
                    "is_working_day": info.is_working_day,
                    "kind": info.kind.value,
                    "name": info.name,
                    "provisional": info.provisional,
                    "source": info.source.cite() if info.source else None,
                },
                ensure_ascii=False,
            )
        )
        return
    answer = _("working day") if info.is_working_day else _("not a working day")
    click.echo(f"{_describe(info)} -> {answer}")
    if info.source:
        click.echo(_("  source: {source}").format(source=info.source.cite()))


# ("-1" is a number N, not an option: the calendar refuses it, and says why)
@calendar_group.command("add", cls=SignedValuesCommand)
@argument("day", type=DATE)
@argument("n", type=int)
def add(day: dt.date, n: int) -> None:
    """The N-th working day strictly after DAY, with the days skipped and counted."""
    cal = _calendar()
    try:
        result = cal.add_working_days(day, n)
    except CalendarRangeError:
        raise  # (a date outside the calendar: the library's error, one line)
    except CalendarError as exc:  # N below 1: the calendar's refusal is a usage error
        raise click.BadParameter(str(exc), param_hint="'N'") from None
    click.echo(
        ngettext(
            "{day} + {n} working day = {result} {weekday}",
            "{day} + {n} working days = {result} {weekday}",
            n,
        ).format(day=day.isoformat(), n=n, result=result.isoformat(), weekday=_weekday(result))
    )
    for line in _reasons(cal, day, result):
        click.echo(line)
    if cal.is_provisional(result):
        click.echo(_provisional(cal))


@calendar_group.command("between")
@argument("start", type=DATE)
@argument("end", type=DATE)
def between(start: dt.date, end: dt.date) -> None:
    """Working days in (START, END], with the days that are not plain weekdays.

    When END is before START the count is negative: minus the working days in
    (END, START].
    """
    cal = _calendar()
    count = cal.working_days_between(start, end)
    if end < start:
        # (the library's answer is signed: (START, END] would be an empty interval)
        click.echo(
            _(
                "END {end} is before START {start}: "
                "the working days in ({end}, {start}], negative: {count}"
            ).format(start=start.isoformat(), end=end.isoformat(), count=count)
        )
    else:
        click.echo(
            _("working days in ({start}, {end}]: {count}").format(
                start=start.isoformat(), end=end.isoformat(), count=count
            )
        )
    first, last = (start, end) if start <= end else (end, start)
    for line in _reasons(cal, first, last):
        click.echo(line)
    if cal.is_provisional(last):
        click.echo(_provisional(cal))


# ("-1 hour" is a DURATION, not an option: the calendar refuses it, and says why)
@calendar_group.command("explain", cls=SignedValuesCommand)
@argument("start")
@argument("duration")
@option(
    "--convention",
    type=Choice([c.value for c in CountingConvention]),
    default=None,
    help=N_("Counting convention [default: working_time with --office-hours, else civil_code]."),
)
@option("--office-hours", help=N_('Working intervals, e.g. "09:00-12:00,13:30-17:30".'))
@option(
    "--half-day",
    type=Choice([r.value for r in HalfDayRule]),
    default=HalfDayRule.HALF_MINUTES.value,
    show_default=True,
    help=N_("What half a working day means."),
)
@option(
    "--tz",
    help=N_(
        "Read a START date-time without UTC offset in this zone (e.g. Asia/Shanghai); "
        "a START that is a date alone is 00:00 Shanghai time, whatever --tz says."
    ),
)
@option("--json", "as_json", is_flag=True, help=N_("Print the explained deadline as JSON."))
def explain(
    start: str,
    duration: str,
    convention: str | None,
    office_hours: str | None,
    half_day: str,
    tz: str | None,
    as_json: bool,
) -> None:
    """When DURATION from START ends, and why.

    START is an ISO date-time with offset (2026-02-13T15:00+08:00) or a date, which
    is 00:00 Shanghai time: a day of the China calendar.

    DURATION is e.g. "2 working days", "半个工作日", "1 hour", "3 natural days", "当日".
    """
    instant = parse_instant(start, tz, "START")
    chosen = convention or ("working_time" if office_hours else "civil_code")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        deadline = _calendar(office_hours).deadline(instant, duration, chosen, half_day=half_day)
    if as_json:
        click.echo(deadline.model_dump_json(indent=2))
    else:
        click.echo(deadline.explain())


@calendar_group.command("coverage")
def coverage() -> None:
    """Which years come from notices and which are projected."""
    cal = _calendar()
    click.echo(_("first date        {date}").format(date=cal.first_date))
    click.echo(_("set by notices    through {date}").format(date=cal.final_through))
    click.echo(_("projected (provisional) through {date}").format(date=cal.last_date))
