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
from grievance_rules.cli._options import DATE, parse_instant
from grievance_rules.errors import ProvisionalCalendarWarning

__all__ = ["calendar_group"]


def _calendar(office_hours: str | None = None) -> WorkingCalendar:
    # answers carry their own provisional flag; no Python warning on the terminal
    return china(office_hours=office_hours, on_provisional="allow")


def _reasons(cal: WorkingCalendar, first: dt.date, last: dt.date) -> list[str]:
    """The days in (first, last] that are not plain weekdays, each with its reason."""
    lines = []
    for info in cal.days(first + dt.timedelta(days=1), last):
        if info.kind.value != "workday" or info.provisional:
            verb = "counted" if info.is_working_day else "skipped"
            lines.append(f"  {verb} {info.describe()}")
    return lines


@click.group("calendar")
def calendar_group() -> None:
    """The China working-day calendar: holidays, make-up days, deadlines."""


@calendar_group.command("is-workday")
@click.argument("day", type=DATE)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
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
    answer = "working day" if info.is_working_day else "not a working day"
    click.echo(f"{info.describe()} -> {answer}")
    if info.source:
        click.echo(f"  source: {info.source.cite()}")


@calendar_group.command("add")
@click.argument("day", type=DATE)
@click.argument("n", type=click.IntRange(min=1))
def add(day: dt.date, n: int) -> None:
    """The N-th working day strictly after DAY, with the days skipped and counted."""
    cal = _calendar()
    result = cal.add_working_days(day, n)
    click.echo(f"{day.isoformat()} + {n} working day(s) = {result.isoformat()} {result:%a}")
    for line in _reasons(cal, day, result):
        click.echo(line)
    if cal.is_provisional(result):
        click.echo(f"PROVISIONAL: days after {cal.final_through} are not set by a notice yet")


@calendar_group.command("between")
@click.argument("start", type=DATE)
@click.argument("end", type=DATE)
def between(start: dt.date, end: dt.date) -> None:
    """Working days in (START, END], with the days that are not plain weekdays."""
    cal = _calendar()
    count = cal.working_days_between(start, end)
    click.echo(f"working days in ({start.isoformat()}, {end.isoformat()}]: {count}")
    first, last = (start, end) if start <= end else (end, start)
    for line in _reasons(cal, first, last):
        click.echo(line)
    if cal.is_provisional(last):
        click.echo(f"PROVISIONAL: days after {cal.final_through} are not set by a notice yet")


@calendar_group.command("explain")
@click.argument("start")
@click.argument("duration")
@click.option(
    "--convention",
    type=click.Choice([c.value for c in CountingConvention]),
    default=None,
    help="Counting convention [default: working_time with --office-hours, else civil_code].",
)
@click.option("--office-hours", help='Working intervals, e.g. "09:00-12:00,13:30-17:30".')
@click.option(
    "--half-day",
    type=click.Choice([r.value for r in HalfDayRule]),
    default=HalfDayRule.HALF_MINUTES.value,
    show_default=True,
    help="What half a working day means.",
)
@click.option("--tz", help="Read a START without UTC offset in this zone (e.g. Asia/Shanghai).")
@click.option("--json", "as_json", is_flag=True, help="Print the explained deadline as JSON.")
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

    START is an ISO date-time with offset (2026-02-13T15:00+08:00) or a date.
    DURATION is e.g. "2 working days", "半个工作日", "1 hour", "3 natural days", "当日".
    """
    instant = parse_instant(start, tz)
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
    click.echo(f"first date        {cal.first_date}")
    click.echo(f"set by notices    through {cal.final_through}")
    click.echo(f"projected (provisional) through {cal.last_date}")
