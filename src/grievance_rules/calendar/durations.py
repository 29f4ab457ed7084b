"""Durations the policies use, and the counting conventions that give them meaning.

A duration is an amount and a unit ("2 working days", "半个工作日", "1 hour",
"3 natural days", "the same day"). What it means depends on a *counting
convention*, which is always named:

``civil_code``
    民法典 arts. 201–203: the start day is not counted; the period ends at 24:00
    of its last day, or at closing time where office hours apply
    ("有业务时间的，停止业务活动的时间为截止时间"); a last day that is not a working
    day moves to the next working day. Whole days only.
``working_time``
    Exact working-time arithmetic from the instant through office hours: "1
    working day" from Friday 15:00 ends Monday 15:00 (holidays skipped). Needs
    office hours.
``elapsed``
    Wall-clock time from the instant: "1 hour" is 60 minutes later, "3 natural
    days" is 72 hours later, "the same day" ends at 24:00 of the start day.

Half a working day is defined by a named rule (:class:`HalfDayRule`):
``half_minutes`` (default) is half the day's working minutes counted as working
time; ``noon_cutoff`` is one whole half-day session (morning or afternoon).
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass
from fractions import Fraction

from grievance_rules.errors import DurationError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list

__all__ = ["CountingConvention", "Duration", "DurationUnit", "HalfDayRule"]


class CountingConvention(enum.StrEnum):
    """How a period is counted. See the module docstring."""

    CIVIL_CODE = "civil_code"
    WORKING_TIME = "working_time"
    ELAPSED = "elapsed"


class HalfDayRule(enum.StrEnum):
    """What "half a working day" (半个工作日) means.

    ``HALF_MINUTES``: half of the day's working minutes, counted as working time
    (with 09:00–12:00 and 13:30–17:30, 3 h 30 min of office time).
    ``NOON_CUTOFF``: the end of the first whole half-day session (morning or
    afternoon) that starts at or after the instant: received at 10:00, due at
    the day's closing; received at 15:00, due at noon of the next working day.
    """

    HALF_MINUTES = "half_minutes"
    NOON_CUTOFF = "noon_cutoff"


class DurationUnit(enum.StrEnum):
    """The units of a duration."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    NATURAL_DAYS = "natural_days"
    HOURS = "hours"
    MINUTES = "minutes"
    SAME_DAY = "same_day"


_UNIT_WORDS: dict[str, DurationUnit] = {
    "working day": DurationUnit.WORKING_DAYS,
    "working days": DurationUnit.WORKING_DAYS,
    "workday": DurationUnit.WORKING_DAYS,
    "workdays": DurationUnit.WORKING_DAYS,
    "wd": DurationUnit.WORKING_DAYS,
    "工作日": DurationUnit.WORKING_DAYS,
    "个工作日": DurationUnit.WORKING_DAYS,
    "working hour": DurationUnit.WORKING_HOURS,
    "working hours": DurationUnit.WORKING_HOURS,
    "工作小时": DurationUnit.WORKING_HOURS,
    "个工作小时": DurationUnit.WORKING_HOURS,
    "natural day": DurationUnit.NATURAL_DAYS,
    "natural days": DurationUnit.NATURAL_DAYS,
    "day": DurationUnit.NATURAL_DAYS,
    "days": DurationUnit.NATURAL_DAYS,
    "自然日": DurationUnit.NATURAL_DAYS,
    "个自然日": DurationUnit.NATURAL_DAYS,
    "天": DurationUnit.NATURAL_DAYS,
    "日": DurationUnit.NATURAL_DAYS,
    "hour": DurationUnit.HOURS,
    "hours": DurationUnit.HOURS,
    "h": DurationUnit.HOURS,
    "小时": DurationUnit.HOURS,
    "个小时": DurationUnit.HOURS,
    "minute": DurationUnit.MINUTES,
    "minutes": DurationUnit.MINUTES,
    "min": DurationUnit.MINUTES,
    "分钟": DurationUnit.MINUTES,
}
_SAME_DAY_WORDS = {"same day", "same_day", "当日", "当天", "即日"}
_CHINESE_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CHINESE_NUMBER = re.compile(
    r"(?P<tens>[一二三四五六七八九])?(?P<ten>十)(?P<ones>[一二三四五六七八九])?"
    r"|(?P<digit>[一二两三四五六七八九])"
)
"""A Chinese numeral from 一 to 九十九: 五, 十, 十五, 二十, 二十四."""
_AMOUNT = re.compile(
    r"^\s*(?P<amount>\d+/\d+|\d+(?:\.\d+)?|半|[一二三四五六七八九]?十[一二三四五六七八九]?"
    r"|[一二两三四五六七八九])\s*(?P<unit>.*?)\s*$"
)


def _chinese_amount(raw: str) -> Fraction | None:
    """A Chinese amount (半, 一 … 九十九) as a number; ``None`` for one in digits.

    Example:
        >>> [_chinese_amount(t) for t in ("半", "两", "十", "十五", "二十", "二十四", "15")]
        [Fraction(1, 2), Fraction(2, 1), Fraction(10, 1), Fraction(15, 1), Fraction(20, 1), Fraction(24, 1), None]
    """  # noqa: E501
    if raw == "半":
        return Fraction(1, 2)
    found = _CHINESE_NUMBER.fullmatch(raw)
    if found is None:
        return None
    if found["digit"]:
        return Fraction(_CHINESE_DIGITS[found["digit"]])
    tens = _CHINESE_DIGITS[found["tens"]] if found["tens"] else 1
    ones = _CHINESE_DIGITS[found["ones"]] if found["ones"] else 0
    return Fraction(10 * tens + ones)


@dataclass(frozen=True, slots=True)
class Duration:
    """An amount of a unit. Build with :meth:`parse` or directly.

    Attributes:
        amount: exact amount (``Fraction(1, 2)`` for half); 0 for ``same_day``.
        unit: the unit.

    Example:
        >>> Duration.parse("半个工作日")
        Duration(amount=Fraction(1, 2), unit=<DurationUnit.WORKING_DAYS: 'working_days'>)
        >>> str(Duration.parse("2 working days")), str(Duration.parse("当日"))
        ('2 working days', 'same day')
    """

    amount: Fraction
    unit: DurationUnit

    def __post_init__(self) -> None:
        if self.unit is DurationUnit.SAME_DAY:
            if self.amount != 0:
                raise DurationError(_("a same-day duration has no amount"))
        elif self.amount <= 0:
            raise DurationError(
                _("a duration must be positive, not {amount} {unit}").format(
                    amount=self.amount, unit=self.unit
                )
            )

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Read "2 working days", "0.5 wd", "半个工作日", "1小时", "3个自然日", "当日".

        Raises:
            DurationError: the text is not a duration this library knows.
        """
        return _parse(text) if cls is Duration else cls._parse_uncached(text)

    @classmethod
    def _parse_uncached(cls, text: str) -> Duration:
        cleaned = text.strip().lower()
        if cleaned in _SAME_DAY_WORDS:
            return cls(Fraction(0), DurationUnit.SAME_DAY)
        match = _AMOUNT.match(cleaned)
        unit = _UNIT_WORDS.get(match.group("unit")) if match else None
        if match is None or unit is None:
            given = _amount_before_a_unit(cleaned)
            if given is not None:  # the unit is known: the amount is what is not
                raise DurationError(
                    _(
                        "duration {text}: the amount {amount} is not understood; write it "
                        "in digits (15, 0.5, 1/2) or as a Chinese numeral from 一 to 九十九 (十五)"
                    ).format(text=repr(text), amount=repr(given))
                )
            known = join_list(sorted({*_UNIT_WORDS, *_SAME_DAY_WORDS}))
            raise DurationError(
                _("duration {text} not understood; units: {units}").format(
                    text=repr(text), units=known
                )
            )
        raw = match.group("amount")
        amount = _chinese_amount(raw)
        if amount is None:
            amount = Fraction(raw)
        return cls(amount, unit)

    def __str__(self) -> str:
        if self.unit is DurationUnit.SAME_DAY:
            return "same day"
        amount = str(self.amount) if self.amount.denominator != 2 else f"{float(self.amount):g}"
        words = self.unit.value.replace("_", " ")
        return f"{amount} {words[:-1] if self.amount == 1 else words}"


def _amount_before_a_unit(cleaned: str) -> str | None:
    """What comes before a known unit word at the text's end (``None``: no unit there)."""
    for word in sorted(_UNIT_WORDS, key=len, reverse=True):
        if cleaned.endswith(word) and cleaned[: -len(word)].strip():
            return cleaned[: -len(word)].strip()
    return None


@functools.lru_cache(maxsize=256)
def _parse(text: str) -> Duration:
    """Parsed durations are immutable: the same text parses once."""
    return Duration._parse_uncached(text)
