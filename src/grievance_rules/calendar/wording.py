"""Deadlines in words, in the reader's language (display only).

A :class:`~grievance_rules.calendar.deadlines.Deadline` keeps its ``steps`` in
English: they are data inside assessments and traces, the same bytes whatever
the reader's language. This module says the same things in the current
language (:mod:`grievance_rules.i18n`) when a person reads them: each step
:func:`~grievance_rules.calendar.deadlines.compute_deadline` writes is
recognised by its pattern and rendered from the catalogue; a step of any other
form is shown as it is.

Example:
    >>> from grievance_rules.i18n import language
    >>> with language("zh"):
    ...     step_text("start day 2026-02-13 not counted (民法典 art. 201)")
    '起算日 2026-02-13 不计入（民法典第二百零一条）'
    >>> with language("en"):
    ...     step_text("start day 2026-02-13 not counted (民法典 art. 201)")
    'start day 2026-02-13 not counted (民法典 art. 201)'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from grievance_rules.calendar.days import DayKind
from grievance_rules.calendar.durations import CountingConvention, Duration, DurationUnit
from grievance_rules.i18n import current_language, join_list
from grievance_rules.i18n import gettext as _

if TYPE_CHECKING:
    from grievance_rules.calendar.deadlines import Deadline

__all__ = [
    "convention_text",
    "day_reason",
    "duration_text",
    "explain_deadline",
    "step_text",
    "weekday_text",
]

_DATE = r"\d{4}-\d{2}-\d{2}"
_INSTANT = r"\d{4}-\d{2}-\d{2}T[\d:.]+[+-]\d{2}:\d{2}"


def weekday_text(day: dt.date) -> str:
    """The day of the week, short: ``Mon`` / ``周一``."""
    names = (_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun"))
    return names[day.weekday()]


def day_reason(kind: DayKind, name: str | None, provisional: bool) -> str:
    """Why a day is, or is not, a working day: ``holiday (春节)`` / ``节假日（春节）``."""
    kinds = {
        DayKind.WORKDAY: _("working day"),
        DayKind.WEEKEND: _("weekend"),
        DayKind.HOLIDAY: _("holiday ({name})"),
        DayKind.MAKEUP_WORKDAY: _("make-up working day ({name} 调休)"),
        DayKind.PROJECTED_HOLIDAY: _("projected statutory holiday ({name})"),
        DayKind.LOCAL_CLOSURE: _("local closure ({name})"),
        DayKind.LOCAL_HOLIDAY: _("local holiday ({name})"),
        DayKind.LOCAL_WORKDAY: _("local working day ({name})"),
    }
    text = kinds.get(kind, kind.value).format(name=name or "")
    text = text.replace("（）", "").replace(" ()", "")  # no name given
    return text + (_(", provisional") if provisional else "")


def duration_text(text: str) -> str:
    """A duration as the current language says it: ``2 working days`` / ``2个工作日``.

    Text that is not a duration is returned as it is.
    """
    if current_language() != "zh":
        return text
    try:
        duration = Duration.parse(text)
    except ValueError:
        return text
    amount = duration.amount
    if duration.unit is DurationUnit.SAME_DAY:
        return "当日"
    if amount == Fraction(1, 2) and duration.unit is DurationUnit.WORKING_DAYS:
        return "半个工作日"
    number = f"{float(amount):g}" if amount.denominator != 1 else str(amount.numerator)
    words = {
        DurationUnit.WORKING_DAYS: "个工作日",
        DurationUnit.WORKING_HOURS: "个工作小时",
        DurationUnit.NATURAL_DAYS: "个自然日",
        DurationUnit.HOURS: "小时",
        DurationUnit.MINUTES: "分钟",
    }
    return f"{number}{words[duration.unit]}"


def convention_text(convention: CountingConvention | str) -> str:
    """How a period is counted, in words: ``civil_code`` / ``按民法典的期间计算方法``.

    A value that is no counting convention is returned as it is.
    """
    labels = {
        CountingConvention.CIVIL_CODE: _("counted as the Civil Code counts periods"),
        CountingConvention.WORKING_TIME: _("counted in working time"),
        CountingConvention.ELAPSED: _("counted in wall-clock time"),
    }
    try:
        return labels[CountingConvention(convention)]
    except ValueError:
        return str(convention)


def _half_day_text(rule: str) -> str:
    if rule == "noon_cutoff":
        return _("half a working day: to the end of the next whole morning or afternoon session")
    return _("half a working day: half of a day's working time")


def _session(word: str) -> str:
    return _("morning") if word == "morning" else _("afternoon")


_STEPS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"elapsed: the same calendar day, to 24:00"),
        lambda m: _("elapsed: the same calendar day, to 24:00"),
    ),
    (
        re.compile(r"elapsed: (.+) of wall-clock time from the start"),
        lambda m: _("elapsed: {duration} of wall-clock time from the start").format(
            duration=duration_text(m[1])
        ),
    ),
    (
        re.compile(r"same day: the period's last day is the start day"),
        lambda m: _("same day: the period's last day is the start day"),
    ),
    (
        re.compile(r"received after closing time: the next working day"),
        lambda m: _("received after closing time: the next working day"),
    ),
    (
        re.compile(rf"start day ({_DATE}) not counted \(民法典 art\. 201\)"),
        lambda m: _("start day {date} not counted (民法典 art. 201)").format(date=m[1]),
    ),
    (
        re.compile(rf"(\d+) working day\(s\) after it: ({_DATE})"),
        lambda m: _("{n} working day(s) after it: {date}").format(n=m[1], date=m[2]),
    ),
    (
        re.compile(rf"(\d+) natural day\(s\) after it: ({_DATE})"),
        lambda m: _("{n} natural day(s) after it: {date}").format(n=m[1], date=m[2]),
    ),
    (
        re.compile(
            rf"last day ({_DATE}) is not a working day: moves to ({_DATE}) \(民法典 art\. 203\)"
        ),
        lambda m: _(
            "last day {date} is not a working day: moves to {moved} (民法典 art. 203)"
        ).format(date=m[1], moved=m[2]),
    ),
    (
        re.compile(r"ends at 24:00 of the last day"),
        lambda m: _("ends at 24:00 of the last day"),
    ),
    (
        re.compile(r"ends at closing time of the last day \((.+)\)"),
        lambda m: _("ends at closing time of the last day ({quote})").format(quote=m[1]),
    ),
    (
        re.compile(r"start outside a working day's hours: the next working day"),
        lambda m: _("start outside a working day's hours: the next working day"),
    ),
    (
        re.compile(r"same day: closing time of that working day"),
        lambda m: _("same day: closing time of that working day"),
    ),
    (
        re.compile(
            rf"([\d.]+) working minutes \((\d+) per working day\) from the start, "
            rf"through office hours: ({_INSTANT})"
        ),
        lambda m: _(
            "{minutes} working minutes ({per_day} per working day) from the start, "
            "through office hours: {due}"
        ).format(minutes=m[1], per_day=m[2], due=m[3]),
    ),
    (
        re.compile(
            rf"first whole half-day session at or after the start: ({_DATE}) (morning|afternoon)"
        ),
        lambda m: _("first whole half-day session at or after the start: {date} {session}").format(
            date=m[1], session=_session(m[2])
        ),
    ),
    (
        re.compile(rf"(\d+) half-day session\(s\) end at ({_INSTANT})"),
        lambda m: _("{sessions} half-day session(s) end at {due}").format(sessions=m[1], due=m[2]),
    ),
)


def step_text(step: str) -> str:
    """One step of a deadline's computation in the current language (English as stored)."""
    if current_language() != "zh":
        return step
    for pattern, render in _STEPS:
        found = pattern.fullmatch(step)
        if found:
            return render(found)
    return step


def explain_deadline(deadline: Deadline) -> str:
    """The computation in Chinese, line for line as ``Deadline.explain`` gives it in English.

    Example:
        >>> import datetime as dt
        >>> from grievance_rules.calendar import china
        >>> from grievance_rules.i18n import language
        >>> start = dt.datetime.fromisoformat("2026-04-30T10:00+08:00")
        >>> with language("zh"):
        ...     print(explain_deadline(china().deadline(start, "1 working day", "civil_code")))
        起算时刻  2026-04-30T10:00:00+08:00
        期限      1个工作日（按民法典的期间计算方法）
          起算日 2026-04-30 不计入（民法典第二百零一条）
          此后第 1 个工作日：2026-05-06
          至最后一日 24:00 止
          跳过 2026-05-01 周五：节假日（劳动节）
          跳过 2026-05-02 周六：节假日（劳动节）
          跳过 2026-05-03 周日：节假日（劳动节）
          跳过 2026-05-04 周一：节假日（劳动节）
          跳过 2026-05-05 周二：节假日（劳动节）
        到期      2026-05-07T00:00:00+08:00
    """
    how = convention_text(deadline.convention)
    if "." in deadline.duration:
        how += _(", ") + _half_day_text(deadline.half_day.value)
    lines = [
        _("start     {start}").format(start=deadline.start.isoformat()),
        _("duration  {duration} ({how})").format(
            duration=duration_text(deadline.duration), how=how
        ),
    ]
    if deadline.office_hours:
        lines.append(_("office    {hours}").format(hours=deadline.office_hours))
    lines.extend(f"  {step_text(step)}" for step in deadline.steps)
    for listed in deadline.days_in_order():  # skipped and make-up days, in date order
        day = _("{day} {weekday}: {reason}").format(
            day=listed.date.isoformat(),
            weekday=weekday_text(listed.date),
            reason=day_reason(listed.kind, listed.name, listed.provisional),
        )
        if listed.kind.is_working:
            lines.append(_("  counted {day}").format(day=day))
        else:
            lines.append(_("  skipped {day}").format(day=day))
    lines.append(_("due       {due}").format(due=deadline.due.isoformat()))
    if deadline.provisional:
        days = join_list(d.isoformat() for d in deadline.provisional_days[:5])
        more = "……" if len(deadline.provisional_days) > 5 else ""  # (the Chinese ellipsis)
        lines.append(
            _("PROVISIONAL: touches days no notice has set yet ({days})").format(days=days + more)
        )
    return "\n".join(lines)
