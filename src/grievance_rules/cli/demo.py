"""``grievance-rules demo``: the main job on embedded sample data.

Until the engine exists this demonstrates the calendar on the situations the
policy packs meet most: a return window of half a working day, a two-working-day
reply across the Spring Festival, a make-up Saturday, an order received after
office hours, and a year no notice has set yet.
"""

from __future__ import annotations

import datetime as dt
import warnings

import click

from grievance_rules.calendar import SHANGHAI, china
from grievance_rules.errors import ProvisionalCalendarWarning

__all__ = ["demo_command"]

OFFICE_HOURS = "09:00-12:00,13:30-17:30"

# (what happened, received at, duration, convention, half-day rule)
SAMPLES: list[tuple[str, dt.datetime, str, str, str]] = [
    (
        "城东 当日回退制: return window, order received Friday afternoon before Spring Festival",
        dt.datetime(2026, 2, 13, 15, 0, tzinfo=SHANGHAI),
        "半个工作日",
        "working_time",
        "half_minutes",
    ),
    (
        "the same window read as one whole half-day session (noon cut-off)",
        dt.datetime(2026, 2, 13, 15, 0, tzinfo=SHANGHAI),
        "半个工作日",
        "working_time",
        "noon_cutoff",
    ),
    (
        "城东 按期回复制: provincial-hotline order, reply within 2 working days",
        dt.datetime(2026, 2, 12, 10, 30, tzinfo=SHANGHAI),
        "2 working days",
        "civil_code",
        "half_minutes",
    ),
    (
        "夏阳 先行接单: first contact within 1 working day, dispatched on a holiday evening",
        dt.datetime(2026, 10, 1, 20, 15, tzinfo=SHANGHAI),
        "1 working day",
        "working_time",
        "half_minutes",
    ),
    (
        "大冶 限时办结: reply within 5 working days, next year (no notice yet)",
        dt.datetime(2027, 2, 3, 9, 0, tzinfo=SHANGHAI),
        "5 working days",
        "civil_code",
        "half_minutes",
    ),
]


@click.command("demo")
def demo_command() -> None:
    """Run the main job on embedded sample data (a calendar demonstration for now)."""
    cal = china(office_hours=OFFICE_HOURS, on_provisional="allow")
    click.echo(f"calendar: {cal!r}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalCalendarWarning)
        for title, start, duration, convention, half_day in SAMPLES:
            deadline = cal.deadline(start, duration, convention, half_day=half_day)
            click.echo(f"== {title}")
            click.echo(deadline.explain())
            click.echo()
    click.echo("Try: grievance-rules calendar explain 2026-02-13T15:00+08:00 '2 working days'")
