"""How values read in every report: numbers, rates, instants, units, topics and citations.

One place decides how a score, a rate, a unit or a citation is written, so that
the Markdown, CSV, HTML and Excel reports of the same data agree cell for cell.
Numbers are rounded to 6 decimals and written without trailing zeros (``-1``,
``2.5``, ``0.666667``), never in exponent form.

Words people read (the names of rates, kinds of unit, topics, states) are in the
current language (:func:`grievance_rules.i18n.current_language`): 简体中文 or
English, from the gettext catalogue. A report function takes ``lang=`` to choose
one for a single call (:func:`in_language`).

Example:
    >>> from grievance_rules.i18n import language
    >>> number(-1.0), number(2.5), number(2 / 3), number(None)
    ('-1', '2.5', '0.666667', '')
    >>> topic_label("sign_off"), topic_label("rule CD-1")
    ('sign_off 签收', 'rule CD-1')
    >>> with language("zh"):
    ...     topic_label("sign_off"), unit_kind_label("village_community"), rate_label("completion")
    ('签收', '村（社区）', '办结率')
    >>> unit_with_name("c07", {"c07": "东风社区"}), unit_with_name("x9", {})
    ('c07 东风社区', 'x9')
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar, cast

from grievance_rules.i18n import N_, Language, current_language, join_list, language, pgettext
from grievance_rules.i18n import gettext as _
from grievance_rules.model import EVENT_CLASSES
from grievance_rules.model.enums import LeaderRole, UnitKind
from grievance_rules.model.units import Unit
from grievance_rules.packs.schema import Citation, Topic
from grievance_rules.scoring import RATES, Rate, Scorecard

__all__ = [
    "CLOCK_STATES",
    "DASH",
    "KEY_RATES",
    "actor_text",
    "as_of_text",
    "citation_text",
    "counts_text",
    "diff_status_label",
    "in_language",
    "kind_of_finding_label",
    "level_label",
    "number",
    "outcome_text",
    "percent",
    "period_kind_label",
    "period_text",
    "rate_definition_texts",
    "rate_label",
    "rate_text",
    "role_text",
    "sets_no_points",
    "state_label",
    "topic_label",
    "topic_zh",
    "unattributed_reason_label",
    "unit_kind_label",
    "unit_name",
    "unit_names_of",
    "unit_with_name",
    "warning_text",
]

DASH = "—"
"""Shown where there is no value (a pack without such a finding, an undefined rate)."""

KEY_RATES: tuple[str, ...] = ("on_time_sign_off", "on_time_completion", "satisfaction")
"""The rates shown beside the scores; every rate is in the rates table."""

CLOCK_STATES: tuple[str, ...] = ("met", "breached", "running", "paused")
"""A clock's states, in the order the deadline charts and tables show them."""


@contextlib.contextmanager
def in_language(lang: str | None) -> Iterator[Language]:
    """Translate to ``lang`` inside the block; ``None`` keeps the current language."""
    if lang is None:
        yield current_language()
    else:
        with language(lang) as chosen:
            yield chosen


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
    """A share as a percentage with one decimal (``75.0%``), or ``—`` when undefined.

    Rounded half up, as Excel shows the same share under ``0.0%``: 13/16 is 81.3%,
    in every format (Python's own rounding, half to even, wrote 81.2%).

    Example:
        >>> percent(13 / 16), percent(9 / 16), percent(2 / 3), percent(None)
        ('81.3%', '56.3%', '66.7%', '—')
    """
    if value is None:
        return DASH
    shown = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{abs(shown) if shown == 0 else shown}%"


def rate_text(rate: Rate) -> str:
    """A rate with what it was computed from: ``75.0% (3/4)``, ``— (0/0)``.

    The composite 三率 has no count of its own and is written as its value only.
    """
    if rate.name == "three_rates":
        return percent(rate.value)
    return f"{percent(rate.value)} ({number(rate.numerator)}/{rate.denominator})"


def _rate_labels() -> dict[str, str]:
    return {
        "on_time_sign_off": _("on-time sign-off rate"),
        "first_contact": _("first-contact rate"),
        "completion": _("completion rate"),
        "on_time_completion": _("on-time completion rate"),
        "response": _("response rate"),
        "resolution": _("resolution rate"),
        "satisfaction": _("satisfaction rate"),
        "three_rates": _("three rates (response, resolution, satisfaction)"),
    }


def rate_label(name: str) -> str:
    """A rate's name in the current language (``满意率`` / ``satisfaction rate``)."""
    return _rate_labels().get(name, name)


def rate_definition_texts() -> list[tuple[str, str, str, str]]:
    """Each rate: its key, its name, what its numerator and denominator count (translated)."""
    return [(d.name, rate_label(d.name), _(d.numerator), _(d.denominator)) for d in RATES]


def as_of_text(as_of: dt.datetime | None) -> str:
    """When the orders were assessed, in words."""
    if as_of is None:
        return _("each order at its last event")
    return as_of.isoformat()


def period_kind_label(kind: str) -> str:
    """A kind of period in the current language (``month`` / ``月``)."""
    labels = {
        "day": _("day"),
        "week": _("week"),
        "month": _("month"),
        "two_months": _("two months"),
        "quarter": _("quarter"),
        "half_year": _("half year"),
        "year": _("year"),
    }
    return labels.get(kind, kind)


def _kind_labels() -> dict[str, str]:
    return {
        "dispatch_centre": _("dispatching unit"),
        "district_centre": _("district complaint centre"),
        "city_centre": _("city hotline centre"),
        "government": _("government"),
        "discipline_body": _("discipline inspection body"),
        "street_office": _("street office (centre)"),
        "village_community": _("village (community)"),
        "township": _("township (street)"),
        "city_department": _("city department"),
        "district_department": _("district department"),
        "public_enterprise": _("public enterprise or institution"),
        "peoples_organisation": _("people's organisation"),
        "grid_workstation": _("grid workstation"),
        "other": _("other unit"),
    }


def unattributed_reason_label(reason: str) -> str:
    """Why an order is in no unit's row, in the current language (``话务员在线答复``).

    The reasons of :data:`~grievance_rules.scoring.UNATTRIBUTED_REASONS`.
    """
    labels = {
        "answered_online": _("answered online by the operator"),
        "transferred_out": _("transferred out"),
        "not_accepted": _("not accepted"),
        "handled_by_centre": _("handled by a centre"),
        "returned": _("returned and not dispatched again"),
        "other": pgettext("unattributed", "other"),
    }
    return labels.get(reason, reason)


def unit_kind_label(kind: str | None) -> str:
    """A kind of unit as people call it (``村（社区）``); ``""`` when unknown."""
    if kind is None:
        return ""
    return _kind_labels().get(kind, kind)


def actor_text(
    role: str | None, body: str | None, unit: str | None, names: Mapping[str, str]
) -> str | None:
    """Who acts, as a table for people says it: a leader's role, else a body, else a unit.

    ``unit``: the acting unit's id (an escalation's :attr:`actor_unit`), shown by its
    name, or a kind of unit (``dispatch_centre``) shown as people call it. ``None``
    when the finding names no one.

    Example:
        >>> from grievance_rules.i18n import language
        >>> with language("zh"):
        ...     actor_text(None, None, "dzb", {"dzb": "党政办公室"}), actor_text(
        ...         None, None, "dispatch_centre", {}), actor_text("main_leader", None, "dzb", {})
        ('党政办公室', '派件单位', '主要领导')
    """
    said = role_text(role or body)
    if said is not None or unit is None:
        return said
    return names.get(unit) or role_text(unit)


def unit_name(unit: str, names: Mapping[str, str]) -> str:
    """A unit's name as the orders give it (``东风社区``), or its id when it has none."""
    return names.get(unit) or unit


def unit_with_name(unit: str, names: Mapping[str, str]) -> str:
    """A unit by its id and name, as the tables for people write it (``c07 东风社区``).

    Its id alone when ``names`` gives it no name.
    """
    name = names.get(unit)
    if not name or name == unit:
        return unit
    return f"{unit} {name}"


def unit_names_of(units: Iterable[Unit]) -> dict[str, str]:
    """Each unit's name by its id, for :func:`unit_with_name` (the first name given wins).

    ``units``: an order's (``order.units``), or the units of several orders.
    """
    names: dict[str, str] = {}
    for unit in units:
        if unit.name:
            names.setdefault(unit.id, unit.name)
    return names


def topic_zh(topic: str) -> str:
    """The Chinese term of a topic (``签收``), or ``""`` for a rule without topics."""
    try:
        return Topic(topic).zh
    except ValueError:
        return ""


def topic_label(topic: str) -> str:
    """A topic as people read it: ``签收`` in Chinese, ``sign_off 签收`` in English.

    A rule without topics is matched by its id (``rule CD-1``; ``规则 CD-1``).
    """
    zh = topic_zh(topic)
    if current_language() == "zh":
        if zh:
            return zh
        if topic.startswith("rule "):
            return _("rule {rule_id}").format(rule_id=topic[5:])
        return topic
    return f"{topic} {zh}" if zh else topic


def _state_labels() -> dict[str, str]:
    return {
        "met": _("met"),
        "breached": _("breached"),
        "running": _("running"),
        "paused": _("paused"),
        "within": _("within"),
        "late": _("late"),
        "pending": _("pending"),
        "open": _("open"),
    }


def diff_status_label(status: str) -> str:
    """Whether a row of a pack diff is the same in every pack: ``same`` / ``相同``, ``不同``."""
    labels = {"same": _("same"), "differs": _("differs")}
    return labels.get(status, status)


def state_label(state: str) -> str:
    """A clock's or window's state in the current language (``met`` / ``按时``)."""
    return _state_labels().get(state, state)


def outcome_text(outcome: str) -> str:
    """A pack's outcome on a topic (``met``, ``breached, met``, ``-1``, ``—``), translated.

    States are translated word by word; numbers, the dash and Chinese text stay. Several
    outcomes (states, or escalations' actions: ``约谈, 电话督办``) are listed as the
    current language lists them (``约谈、电话督办``).
    """
    labels = _state_labels()
    parts = [part.strip() for part in outcome.split(",")]
    if len(parts) > 1 or all(part in labels for part in parts):
        return join_list(labels.get(p, p) for p in parts)
    words = outcome.split(" ")
    return " ".join(labels.get(word, word) for word in words)


def _finding_kinds() -> dict[str, str]:
    return {
        "clock": _("time limit"),
        "window": _("window"),
        "deduction": _("deduction"),
        "escalation": _("escalation"),
        # (a pack's rules of these kinds, side by side: the Chinese report said them in
        # English)
        "period": pgettext("kind of rule", "periodic report"),
        "ranking": pgettext("kind of rule", "ranking"),
        "record": pgettext("kind of rule", "record"),
    }


_Quoted = TypeVar("_Quoted")


def quoted(text: _Quoted) -> _Quoted:
    """A source's text as a report quotes it: in 「」 (unless it is already, or no text).

    Example:
        >>> quoted("每件扣1分"), quoted("「每件扣1分」"), quoted(None)
        ('「每件扣1分」', '「每件扣1分」', None)
    """
    if not isinstance(text, str) or not text or text.startswith("「"):
        return text
    return cast(_Quoted, f"「{text}」")


def kind_of_finding_label(kind: str) -> str:
    """A kind of finding in the current language (``clock``: ``时限`` / ``time limit``)."""
    return _finding_kinds().get(kind, kind)


def role_text(role: str | None) -> str | None:
    """Who acts or is acted on: a leader's role or a kind of body, as people call it.

    ``party_secretary`` is ``村（社区）书记`` in Chinese and ``party secretary
    村（社区）书记`` in English (in words, the office's own title beside, not the
    model's code); a kind of body reads as :func:`unit_kind_label`.

    Example:
        >>> from grievance_rules.i18n import language
        >>> with language("en"):
        ...     role_text("party_secretary"), role_text("dispatch_centre")
        ('party secretary 村（社区）书记', 'dispatching unit')
    """
    if role is None:
        return None
    try:
        zh = LeaderRole(role).zh
    except ValueError:
        try:
            return unit_kind_label(UnitKind(role).value)
        except ValueError:
            return role
    return zh if current_language() == "zh" else f"{role.replace('_', ' ')} {zh}"


_WEEK = re.compile(r"week of (\d{4}-\d{2}-\d{2})")


def period_text(label: str) -> str:
    """A period's label as people read it: ``week of 2024-05-06`` / ``2024-05-06 当周``.

    Months, quarters (``2024-Q2``) and years read the same in both languages.
    """
    found = _WEEK.fullmatch(label)
    if found:
        return _("week of {date}").format(date=found[1])
    return label


def citation_text(citations: Iterable[Citation]) -> str:
    """Citations as ``clause：「quoted text」``, separated by ``; `` (in Chinese ``；``)."""
    return pgettext("list", "; ").join(f"{c.clause}：「{c.text}」" for c in citations)


_RETOLD_DETAILS = (
    N_(
        "pack {pack}: parameter {name} has no value on {day} (its first value "
        "takes effect on {first})"
    ),
)
"""English messages a warning's detail may quote (the engine's refusals, kept in English
in the assessment), told again in the reader's language by :func:`_retold`."""


def _retold(detail: str) -> str:
    """A detail in the reader's language when it is one of :data:`_RETOLD_DETAILS`."""
    for msgid in _RETOLD_DETAILS:
        pieces = re.split(r"\{(\w+)\}", msgid)
        pattern = "".join(
            re.escape(piece) if i % 2 == 0 else f"(?P<{piece}>.+?)"
            for i, piece in enumerate(pieces)
        )
        found = re.fullmatch(pattern, detail)
        if found:
            return _(msgid).format(**found.groupdict())
    return detail


def warning_text(
    code: str, message: str, rule_id: str | None, *, event_type: str | None = None
) -> str:
    """A data warning of an assessment as a person reads it, in the current language.

    The assessment keeps the engine's English message (it is data: the same bytes
    whatever the reader's language); this says the same in Chinese, by the
    warning's code, for the codes the engine gives, and the message itself
    otherwise (or in English). ``event_type``: the warning's own
    (:attr:`~grievance_rules.engine.DataWarning.event_type`), which names the start
    event a ``missing_deadline`` is about.

    Example:
        >>> from grievance_rules.i18n import language
        >>> with language("zh"):
        ...     warning_text("events_after_as_of", "2 event(s) after as_of were ignored", None)
        '截至时点之后的流转环节未计入'
    """
    if current_language() == "en":
        return message
    rule = rule_id or ""
    detail = message.removeprefix(f"{rule}: ") if rule else message
    texts = {
        "repeat_needs_other_orders": _(
            "{rule}: a repeat condition needs the other orders; it is not judged on one "
            "order alone (evaluate the orders together)"
        ),
        "before_pack_in_force": _(
            "the order was received before the pack took effect; judged by the values in "
            "force on that date"
        ),
        "events_after_as_of": _("events after the as-of instant were not considered"),
        "no_office_hours": _("{rule}: the pack's calendar has no office hours"),
        "deadline_not_computable": _("{rule}: the deadline cannot be computed ({detail})"),
        "missing_deadline": _(
            "{rule}: the order has no written deadline; this rule's time limit does not apply to it"
        ),
        "window_not_opened": _("{rule}: no earlier event opens the window for this action"),
    }
    if code == "missing_deadline" and event_type is not None:
        # the start event carries the deadline (a letter supervision's)
        cls = EVENT_CLASSES.get(event_type)
        return _(
            "{rule}: the {event} has no written deadline; this rule's time limit does not "
            "apply to it"
        ).format(rule=rule, event=cls.zh if cls is not None and cls.zh else event_type)
    template = texts.get(code)
    if template is None:
        return message
    return template.format(rule=rule, detail=_retold(detail))


def sets_no_points(card: Scorecard) -> bool:
    """Whether no unit got a point under the card's pack in its orders.

    xiayang and daye set none at all; a pack that does may still give none to a quiet
    month's orders. A card without rows (every input rejected) says nothing either
    way: ``False``.
    """
    return bool(card.rows) and all(row.points == 0 for row in card.rows)


def level_label(level: str) -> str:
    """A warning light in the current language (``red``: ``红灯`` / ``red``)."""
    labels = {
        "none": pgettext("watch level", "none"),
        "yellow": pgettext("watch level", "yellow"),
        "red": pgettext("watch level", "red"),
        "breached": pgettext("watch level", "breached"),
    }
    return labels.get(level, level)


def counts_text(counts: Mapping[str, int]) -> str:
    """A scorecard row's finding counts as one cell, in the current language.

    In English the keys as they are (``clock:CD-5.x:met=3; deduction:CD-A2.1=1``), which
    programs read; in Chinese each in words (``时限 CD-5.x 按时 3；扣加分 CD-A2.1 1``).

    Example:
        >>> from grievance_rules.i18n import language
        >>> with language("zh"):
        ...     counts_text({"clock:CD-5.x:met": 3, "deduction:CD-A2.1": 1})
        '时限 CD-5.x 按时 3；扣加分 CD-A2.1 1'
    """
    if current_language() != "zh":
        return "; ".join(f"{key}={value}" for key, value in counts.items())
    said = []
    for key, value in counts.items():
        kind, _sep, rest = key.partition(":")
        rule, _sep, state = rest.partition(":")
        words = [kind_of_finding_label(kind), rule, *([state_label(state)] if state else [])]
        said.append(f"{' '.join(words)} {value}")
    return "；".join(said)
