"""What a day is, and why: the vocabulary of the calendar's answers."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

__all__ = ["DayInfo", "DayKind", "DayRecord", "Notice"]


class DayKind(enum.StrEnum):
    """Why a day is, or is not, a working day."""

    WORKDAY = "workday"
    """Monday to Friday, no notice says otherwise."""
    WEEKEND = "weekend"
    """Saturday or Sunday, no notice says otherwise."""
    HOLIDAY = "holiday"
    """A day off set by a State Council notice (statutory day or bridged 调休 day)."""
    MAKEUP_WORKDAY = "makeup_workday"
    """A weekend day made a working day by a notice (调休上班)."""
    PROJECTED_HOLIDAY = "projected_holiday"
    """A statutory day off in a year with no notice yet (provisional)."""
    LOCAL_CLOSURE = "local_closure"
    """A local overlay closes the office on an otherwise working day."""
    LOCAL_HOLIDAY = "local_holiday"
    """A jurisdiction's own holiday, from a local overlay."""
    LOCAL_WORKDAY = "local_workday"
    """A local overlay makes an otherwise free day a working day."""

    @property
    def is_working(self) -> bool:
        """Whether a day of this kind is a working day."""
        return self in _WORKING_KINDS


_WORKING_KINDS = frozenset({DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY, DayKind.LOCAL_WORKDAY})


@dataclass(frozen=True, slots=True)
class Notice:
    """A document that sets days: a State Council notice, a law, or a local decision.

    Attributes:
        title: the document's title, as published.
        number: its document number (文号), "" if it has none.
        issued: its date of issue.
        url: where it is published, if known.
    """

    title: str
    number: str
    issued: dt.date
    url: str | None = None

    def cite(self) -> str:
        """One line naming the document.

        Example:
            >>> Notice("国务院办公厅关于2026年部分节假日安排的通知", "国办发明电〔2025〕7号",
            ...        dt.date(2025, 11, 4)).cite()
            '国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025-11-04）'
        """
        number = f"{self.number}，" if self.number else ""
        return f"{self.title}（{number}{self.issued.isoformat()}）"


@dataclass(frozen=True, slots=True)
class DayRecord:
    """A date a document speaks of.

    Attributes:
        date: the date.
        kind: what the document makes of it.
        name: the holiday or overlay entry it belongs to, in Chinese.
        name_en: the same in English.
        source: the document that sets it.
    """

    date: dt.date
    kind: DayKind
    name: str
    name_en: str
    source: Notice


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Everything the calendar knows about one date.

    Attributes:
        date: the date.
        kind: why it is or is not a working day.
        is_working_day: the answer.
        provisional: True when no notice has set this date's year yet, so the
            answer is a projection that a future notice may change.
        name: the holiday or overlay entry, if any (Chinese).
        name_en: the same in English.
        source: the document that sets the day, if any.
    """

    date: dt.date
    kind: DayKind
    is_working_day: bool
    provisional: bool
    name: str | None = None
    name_en: str | None = None
    source: Notice | None = None

    def describe(self) -> str:
        """A short human-readable reason.

        Example:
            >>> DayInfo(dt.date(2026, 2, 14), DayKind.MAKEUP_WORKDAY, True, False,
            ...         "春节", "Spring Festival").describe()
            '2026-02-14 Sat: make-up working day (春节 调休)'
        """
        day = f"{self.date.isoformat()} {self.date.strftime('%a')}"
        if self.kind is DayKind.MAKEUP_WORKDAY:
            text = f"make-up working day ({self.name} 调休)"
        elif self.kind is DayKind.HOLIDAY:
            text = f"holiday ({self.name})"
        elif self.kind is DayKind.PROJECTED_HOLIDAY:
            text = f"projected statutory holiday ({self.name})"
        elif self.kind in (DayKind.LOCAL_CLOSURE, DayKind.LOCAL_HOLIDAY, DayKind.LOCAL_WORKDAY):
            text = f"{self.kind.value.replace('_', ' ')} ({self.name})"
        else:
            text = self.kind.value
        if self.provisional:
            text += ", provisional"
        return f"{day}: {text}"
