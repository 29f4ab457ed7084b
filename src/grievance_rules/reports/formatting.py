"""How values read in every report: numbers, rates, instants, topics and citations.

One place decides how a score, a rate or a citation is written, so that the
Markdown, CSV and HTML reports of the same data agree cell for cell. Numbers are
rounded to 6 decimals and written without trailing zeros (``-1``, ``2.5``,
``0.666667``), never in exponent form.

Example:
    >>> number(-1.0), number(2.5), number(2 / 3), number(None)
    ('-1', '2.5', '0.666667', '')
    >>> topic_label("sign_off"), topic_label("rule CD-1")
    ('sign_off 签收', 'rule CD-1')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from grievance_rules.packs.schema import Citation, Topic
from grievance_rules.scoring import Rate

__all__ = [
    "CLOCK_STATES",
    "DASH",
    "KEY_RATES",
    "as_of_text",
    "citation_text",
    "number",
    "percent",
    "rate_text",
    "topic_label",
    "topic_zh",
]

DASH = "—"
"""Shown where there is no value (a pack without such a finding, an undefined rate)."""

KEY_RATES: tuple[str, ...] = ("on_time_sign_off", "on_time_completion", "satisfaction")
"""The rates shown beside the scores; every rate is in the rates table."""

CLOCK_STATES: tuple[str, ...] = ("met", "breached", "running", "paused")
"""A clock's states, in the order the deadline charts and tables show them."""


def number(value: float | int | None) -> str:
    """A number as the reports write it: at most 6 decimals, no trailing zeros.

    ``None`` is the empty string (an empty CSV cell); ``-0`` is ``0``.
    """
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    rounded = round(value, 6)
    if rounded == 0:
        return "0"
    if rounded.is_integer():
        return str(int(rounded))
    return f"{rounded:.6f}".rstrip("0").rstrip(".")


def percent(value: float | None) -> str:
    """A share as a percentage with one decimal (``75.0%``), or ``—`` when undefined."""
    return DASH if value is None else f"{value:.1%}"


def rate_text(rate: Rate) -> str:
    """A rate with what it was computed from: ``75.0% (3/4)``, ``— (0/0)``.

    The composite 三率 has no count of its own and is written as its value only.
    """
    if rate.name == "three_rates":
        return percent(rate.value)
    return f"{percent(rate.value)} ({number(rate.numerator)}/{rate.denominator})"


def as_of_text(as_of: dt.datetime | None) -> str:
    """When the orders were assessed, in words."""
    if as_of is None:
        return "each order at its last event"
    return as_of.isoformat()


def topic_zh(topic: str) -> str:
    """The Chinese term of a topic (``签收``), or ``""`` for a rule without topics."""
    try:
        return Topic(topic).zh
    except ValueError:
        return ""


def topic_label(topic: str) -> str:
    """A topic with its Chinese term: ``sign_off 签收``."""
    zh = topic_zh(topic)
    return f"{topic} {zh}" if zh else topic


def citation_text(citations: Iterable[Citation]) -> str:
    """Citations as ``clause：「quoted text」``, separated by ``; ``."""
    return "; ".join(f"{c.clause}：「{c.text}」" for c in citations)
