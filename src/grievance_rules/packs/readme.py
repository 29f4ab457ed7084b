"""A pack's README, generated from its data so that it cannot drift, in 简体中文 and English.

``grievance-rules packs readme PACK --write`` writes ``README.md`` (Chinese) and
``README.en.md`` (English) in the pack directory; a test checks that every built-in
pack's READMEs are what this module renders.

The READMEs are written for the officials who apply the rules: a limit is shown as
its value ("2个工作日"), not as the parameter that holds it; unit kinds, leader roles
and events by their Chinese terms; each quoted clause once, under its label. The
frame text goes through the gettext catalogue (:mod:`grievance_rules.i18n`, context
``pack README``); the pack's own prose comes from its data, each text with its ``_zh`` twin
(:data:`~grievance_rules.packs.schema.ZhText`). A text without its twin is shown in
English in the Chinese README, marked 未翻译 (:data:`UNTRANSLATED`). The parameter
names an analyst needs to switch a reading are listed only in the English README's
last section.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import yaml
from pydantic import BaseModel

from grievance_rules.calendar.durations import (
    CountingConvention,
    Duration,
    DurationUnit,
    HalfDayRule,
)
from grievance_rules.errors import DurationError
from grievance_rules.i18n import Language, language, pgettext
from grievance_rules.model.enums import LeaderRole, ReplyKind, UnitKind
from grievance_rules.model.events import EVENT_CLASSES
from grievance_rules.packs.checks import applies_from
from grievance_rules.packs.pack import Pack
from grievance_rules.packs.schema import (
    ClockRule,
    DatedValue,
    DeductionRule,
    EscalationRule,
    EventRef,
    Interpretation,
    Parameter,
    ParamIs,
    ParamRef,
    PeriodRule,
    RankingRule,
    RecordRule,
    Rule,
    Target,
    WarningLevel,
    WindowRule,
)

__all__ = ["README_FILES", "UNTRANSLATED", "render_readme", "untranslated_texts"]

UNTRANSLATED = "（未翻译）"
"""The mark before a text the pack gives only in English, in the Chinese README."""

README_FILES: dict[Language, str] = {"zh": "README.md", "en": "README.en.md"}
"""The README file of each language in a pack's directory."""


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


_WIDE = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_FOLDED_SPACE = re.compile(f"(?<=[{_WIDE}])\\s+|\\s+(?=[{_WIDE}])")
_FOLDED_QUOTE_SPACE = re.compile(f"(?<=[{_WIDE}])\\s+(?=[{_WIDE}])")
_QUOTATION = re.compile("「[^「」]*」")


def _prose(lang: Language, en: str | None, zh: str | None) -> str:
    """The pack's text in ``lang``: the Chinese twin, or the English marked untranslated.

    Chinese puts no space beside its characters: the spaces a folded YAML line leaves
    there are taken out; in English, those it leaves between two Chinese characters and
    beside a Chinese character inside a quotation (one broken over two lines:
    「派单后两个工作日 之内」, 「…初步回复， 2个工作日内…」).
    """
    if lang == "en" or (not en and not zh):
        if not en:
            return ""
        joined = _QUOTATION.sub(lambda quote: _FOLDED_SPACE.sub("", quote.group()), en)
        return _FOLDED_QUOTE_SPACE.sub("", joined)
    return _FOLDED_SPACE.sub("", zh) if zh else f"{UNTRANSLATED}{en}"


def _number(value: float | Fraction) -> str:
    if float(value) == int(value):
        return str(int(value))
    return f"{float(value):g}"


def _list(lang: Language, items: list[str]) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


_EVENT_NOUNS = {
    "dispatched": "dispatch",
    "signed_for": "sign-off",
    "replied": "reply",
    "closed": "closure",
    "reassigned": "reassignment",
    "escalated": "escalation",
    "excluded": "exclusion",
    "received": "receipt",
    "return_requested": "return request",
    "return_decided": "return decision",
    "extension_requested": "extension request",
    "extension_granted": "extension granted",
    "redo_ordered": "redo",
    "buck_passing_found": "finding of buck-passing",
    "struck_off": "strike-off",
    "referred": "referral",
}
"""English nouns for the events whose type is a participle (``dispatched``: the dispatch)."""


def _event(lang: Language, event: str) -> str:
    cls = EVENT_CLASSES.get(event)
    if lang == "zh":
        return cls.zh if cls is not None and cls.zh else pgettext("pack README", "receipt")
    return _EVENT_NOUNS.get(event, event.replace("_", " "))


def _unit_kinds(lang: Language, text: str) -> str:
    if text.strip() == "all":
        return pgettext("pack README", "all units")
    kinds = []
    for item in text.split(","):
        try:
            kind = UnitKind(item.strip())
        except ValueError:
            kinds.append(item.strip())
            continue
        kinds.append(kind.zh if lang == "zh" else f"{kind.value.replace('_', ' ')} ({kind.zh})")
    return _list(lang, kinds)


def _role(lang: Language, role: str) -> str:
    member = LeaderRole(role)
    return member.zh if lang == "zh" else f"{member.value.replace('_', ' ')} ({member.zh})"


def _duration(text: str) -> str:
    """A duration as a person says it: 2个工作日, 24小时, 半个工作日."""
    try:
        d = Duration.parse(text)
    except DurationError:
        return text
    n = d.amount
    if d.unit is DurationUnit.SAME_DAY:
        return pgettext("pack README", "the same day")
    if n == Fraction(1, 2) and d.unit is DurationUnit.WORKING_DAYS:
        return pgettext("pack README", "half a working day")
    count = 1 if n == 1 else 2
    shown = _number(n)
    if d.unit is DurationUnit.WORKING_DAYS:
        return (
            pgettext("pack README", "{n} working day")
            if count == 1
            else pgettext("pack README", "{n} working days")
        ).format(n=shown)
    if d.unit is DurationUnit.WORKING_HOURS:
        return (
            pgettext("pack README", "{n} working hour")
            if count == 1
            else pgettext("pack README", "{n} working hours")
        ).format(n=shown)
    if d.unit is DurationUnit.NATURAL_DAYS:
        return (
            pgettext("pack README", "{n} natural day")
            if count == 1
            else pgettext("pack README", "{n} natural days")
        ).format(n=shown)
    if d.unit is DurationUnit.HOURS:
        return (
            pgettext("pack README", "{n} hour")
            if count == 1
            else pgettext("pack README", "{n} hours")
        ).format(n=shown)
    return (
        pgettext("pack README", "{n} minute")
        if count == 1
        else pgettext("pack README", "{n} minutes")
    ).format(n=shown)


def _convention(value: str) -> str:
    names = {
        CountingConvention.WORKING_TIME.value: pgettext(
            "pack README", "counted as office time from the instant"
        ),
        CountingConvention.CIVIL_CODE.value: pgettext(
            "pack README", "counted as the Civil Code counts days (the first day not counted)"
        ),
        CountingConvention.ELAPSED.value: pgettext(
            "pack README", "counted as clock time from the instant"
        ),
    }
    return names.get(value, value)


def _half_day(value: str) -> str:
    names = {
        HalfDayRule.HALF_MINUTES.value: pgettext("pack README", "half of the day's office time"),
        HalfDayRule.NOON_CUTOFF.value: pgettext(
            "pack README", "to the end of the next whole morning or afternoon"
        ),
    }
    return names.get(value, value)


def _points(value: float) -> str:
    count = 1 if abs(value) == 1 else 2
    if value < 0:
        return (
            pgettext("pack README", "minus {n} point")
            if count == 1
            else pgettext("pack README", "minus {n} points")
        ).format(n=_number(-value))
    return (
        pgettext("pack README", "plus {n} point")
        if count == 1
        else pgettext("pack README", "plus {n} points")
    ).format(n=_number(value))


def _walk(model: BaseModel) -> Iterator[tuple[str, Any]]:
    for name in type(model).model_fields:
        yield from _walk_value(getattr(model, name), name)


def _walk_value(value: Any, field: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, ParamRef | ParamIs | WarningLevel):
        yield field, value
    if isinstance(value, BaseModel):
        yield from _walk(value)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _walk_value(item, field)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _walk_value(item, field)


def _usages(pack: Pack) -> dict[str, str]:
    """How each parameter is used (the field that refers to it), for showing its value."""
    used: dict[str, str] = {}
    for rule in pack.rules:
        for field, ref in _walk(rule):
            if isinstance(ref, ParamRef):
                if isinstance(rule, DeductionRule) and field == "cap":
                    field = "points_cap"
                used.setdefault(ref.param, field)
            elif isinstance(ref, WarningLevel) and ref.param:
                used.setdefault(ref.param, "warning")
            elif isinstance(ref, ParamIs):
                for name in ref.param_is:
                    used.setdefault(name, "choice")
    scoring = pack.manifest.scoring
    for ref in (*scoring.composite.values(), scoring.basically_satisfied_weight):
        if isinstance(ref, ParamRef):
            used.setdefault(ref.param, "weight")
    if isinstance(scoring.returned_orders, ParamRef):
        used.setdefault(scoring.returned_orders.param, "choice")
    return used


def _value(pack: Pack, name: str, value: str | float | int | bool, lang: Language) -> str:
    """A parameter's value as an official reads it (2个工作日, 扣1分, 50%, 属地)."""
    parameter = pack.parameters.get(name)
    labels = {}
    if parameter is not None:
        labels = parameter.labels_zh if lang == "zh" else parameter.labels
        if lang == "zh" and not labels and parameter.labels:
            labels = {k: f"{UNTRANSLATED}{v}" for k, v in parameter.labels.items()}
    if str(value).lower() in labels or str(value) in labels:
        return labels.get(str(value), labels.get(str(value).lower(), str(value)))
    use = _usages(pack).get(name, "")
    if isinstance(value, bool):
        return pgettext("pack README", "yes") if value else pgettext("pack README", "no")
    if use == "warning" and isinstance(value, int | float):
        return f"{value:.0%}"
    if use == "points" and isinstance(value, int | float):
        return _points(float(value))
    if use == "points_cap" and isinstance(value, int | float):
        return pgettext("pack README", "at most {n} points").format(n=_number(value))
    if use == "weight" and isinstance(value, int | float):
        return pgettext("pack README", "weight {n}").format(n=_number(value))
    if use == "convention":
        return _convention(str(value))
    if use == "half_day":
        return _half_day(str(value))
    if use in ("assesses", "unit_kind"):
        return _unit_kinds(lang, str(value))
    if use == "ties":
        return {
            "all": pgettext("pack README", "every tied unit named"),
            "none": pgettext("pack README", "no tied unit named"),
        }.get(str(value), str(value))
    if use == "within" and value == "calendar_month":
        return pgettext("pack README", "within the calendar month")
    if use == "within" and isinstance(value, int):
        return (
            pgettext("pack README", "within {n} day")
            if value == 1
            else pgettext("pack README", "within {n} days")
        ).format(n=value)
    if isinstance(value, str):
        return _duration(value)
    return _number(value)


def _values(pack: Pack, name: str, lang: Language) -> str:
    """Every dated value of a parameter: the first, then each later one from its date."""
    parameter = pack.parameters[name]
    first, *later = parameter.values
    text = _value(pack, name, first.value, lang)
    for dated in later:
        text += pgettext("pack README", " ({value} from {date})").format(
            value=_value(pack, name, dated.value, lang), date=dated.from_
        )
    return text


def _amount(pack: Pack, spec: str | float | ParamRef, lang: Language) -> str:
    if isinstance(spec, ParamRef):
        return _values(pack, spec.param, lang)
    return _duration(spec) if isinstance(spec, str) else _number(spec)


def _start(lang: Language, start: EventRef | str) -> str:
    return _event(lang, "received" if isinstance(start, str) else start.event)


def _due_field(field: str, start: str | None = None) -> str:
    """The due instant a clock reads from a field, in words.

    ``start`` names the start event (in the README's language): another field of
    it is the deadline written on that event (a letter supervision's time limit).
    """
    names = {
        "reply_deadline": pgettext("pack README", "the deadline written on the order"),
        "committed_deadline": pgettext("pack README", "the deadline the unit committed to"),
    }
    if field in names:
        return names[field]
    if start is not None:
        return pgettext("pack README", "the deadline written on the {event}").format(event=start)
    return field.replace("_", " ")


def _clock(pack: Pack, rule: ClockRule, lang: Language, only: str | None = None) -> str:
    start = _start(lang, rule.start)
    for event in dict.fromkeys(other.event for other in rule.also_started_by):
        if _event(lang, event) != start:
            start = pgettext("pack README", "{a} or {b}").format(a=start, b=_event(lang, event))
    standins = [_event(lang, event) for event in dict.fromkeys(r.event for r in rule.start_else)]
    if standins:
        standin = standins[0]
        for other in standins[1:]:
            standin = pgettext("pack README", "{a} or {b}").format(a=standin, b=other)
        start = pgettext("pack README", "{a} (where there is none, {b})").format(a=start, b=standin)
    stop = _event(lang, rule.stop.event)
    if rule.also_stopped_by is not None:
        stop = pgettext("pack README", "{a} or {b}").format(
            a=stop, b=_event(lang, rule.also_stopped_by.event)
        )
    if rule.duration is not None:
        text = pgettext("pack README", "{stop} within {duration} of {start}").format(
            stop=stop, duration=_amount(pack, rule.duration, lang), start=start
        )
    else:
        text = pgettext("pack README", "{stop} by {due}, counted from {start}").format(
            stop=stop,
            due=_due_field(
                rule.due_field or "",
                None if isinstance(rule.start, str) else _event(lang, rule.start.event),
            ),
            start=start,
        )
    notes = [only] if only else []
    if rule.not_stopped_by is not None:
        kind = rule.not_stopped_by.where.get("kind")
        if isinstance(kind, str) and kind in ReplyKind._value2member_map_:
            reply = ReplyKind(kind)
            notes.append(
                pgettext("pack README", "a {kind} does not count").format(
                    kind=reply.zh
                    if lang == "zh"
                    else f"{reply.value.replace('_', ' ')} reply ({reply.zh})"
                )
            )
        else:
            notes.append(pgettext("pack README", "some of them do not count"))
    if rule.occurrence == "each":
        notes.append(pgettext("pack README", "a limit for each {event}").format(event=start))
    if rule.per_assignment:
        notes.append(pgettext("pack README", "each unit the order is sent to on its own"))
    if rule.for_unit_kind:
        notes.append(
            pgettext("pack README", "only for a unit that is {kinds}").format(
                kinds=_unit_kinds(lang, ",".join(rule.for_unit_kind))
            )
        )
    if rule.only_if_start == "after_hours":
        notes.append(
            pgettext("pack README", "only when it starts on a day off or out of office hours")
        )
    elif rule.only_if_start == "outside_office_hours":
        notes.append(pgettext("pack README", "only when it starts out of office hours"))
    elif rule.only_if_start == "inside_office_hours":
        notes.append(pgettext("pack README", "only when it starts in office hours"))
    if rule.extend is not None:
        notes.append(pgettext("pack README", "an approved extension moves the deadline"))
    if rule.cap is not None:
        notes.append(
            pgettext("pack README", "at most {cap} in all").format(
                cap=_amount(pack, rule.cap, lang)
            )
        )
    for first, until in rule.pause:
        notes.append(
            pgettext("pack README", "paused from {a} until {b}").format(
                a=_event(lang, first.event), b=_event(lang, until.event)
            )
        )
    if rule.no_later_than:
        notes.append(
            pgettext("pack README", "never due after {rules}").format(
                rules=_list(lang, list(rule.no_later_than))
            )
        )
    if notes:
        text += pgettext("pack README", " ({notes})").format(notes=_list(lang, notes))
    return text


def _what(pack: Pack, rule: Rule, lang: Language) -> str:
    """What a rule computes, in a sentence of ``lang`` with values, not parameter names.

    A rule that applies only from a date after the pack's (it reads a parameter whose
    first value takes effect then, or counts the findings of a rule that does) says so.
    """
    since = applies_from(pack.rules, pack.parameters, pack.manifest).get(rule.id)
    only = (
        pgettext("pack README", "applies only from {date}").format(date=_date(since))
        if since is not None
        else None
    )
    if isinstance(rule, ClockRule):
        return _clock(pack, rule, lang, only)
    text = _what_rule(pack, rule, lang)
    if only:
        text += pgettext("pack README", " ({notes})").format(notes=only)
    return text


def _what_rule(pack: Pack, rule: Rule, lang: Language) -> str:
    """:func:`_what` of a rule other than a clock, without the date it applies from."""
    if isinstance(rule, WindowRule):
        opens = _start(lang, rule.opens)
        return pgettext(
            "pack README", "{action} within {duration} of {opens} (late: {consequence})"
        ).format(
            action=_event(lang, rule.action.event),
            duration=_amount(pack, rule.duration, lang),
            opens=opens,
            consequence=rule.consequence,
        )
    if isinstance(rule, DeductionRule):
        if rule.points == "from_event":
            text = pgettext("pack README", "the points the notice gives")
        elif isinstance(rule.points, ParamRef):
            text = _values(pack, rule.points.param, lang)
        else:
            text = _points(rule.points)
        if rule.progression is not None:
            text += pgettext("pack README", ", doubling with each later occurrence")
        once = rule.counted_once_per
        if isinstance(once, ParamRef):
            text += pgettext("pack README", ", {how}").format(how=_values(pack, once.param, lang))
        elif once == "order":
            text += pgettext("pack README", ", once per order")
        elif once == "order_and_unit":
            text += pgettext("pack README", ", once per order for each unit charged")
        if rule.cap is not None:
            cap = (
                _values(pack, rule.cap.param, lang)
                if isinstance(rule.cap, ParamRef)
                else pgettext("pack README", "at most {n} points").format(n=_number(rule.cap))
            )
            text += pgettext("pack README", ", {cap} on one order").format(cap=cap)
        if rule.assesses is not None:
            kinds = (
                _values(pack, rule.assesses.param, lang)
                if isinstance(rule.assesses, ParamRef)
                else _unit_kinds(lang, rule.assesses)
            )
            text += pgettext("pack README", ", counted for: {kinds}").format(kinds=kinds)
        return text
    if isinstance(rule, RecordRule):
        if rule.when is not None:
            return pgettext("pack README", "recorded; computed: whether it was recorded")
        return pgettext("pack README", "recorded, not computed")
    if isinstance(rule, PeriodRule):
        return pgettext("pack README", "each {period}: {actions}").format(
            period=_period(rule.period),
            actions=" / ".join(_who(lang, t.action, t.actor, t.target) for t in rule.tiers),
        )
    if isinstance(rule, RankingRule):
        bottom = (
            _values(pack, rule.bottom.param, lang)
            if isinstance(rule.bottom, ParamRef)
            else str(rule.bottom)
        )
        return pgettext("pack README", "each {period}, the bottom {n} of {kinds}: {action}").format(
            period=_period(rule.period),
            n=bottom,
            kinds=_unit_kinds(lang, ",".join(rule.among)),
            action=_who(lang, rule.action, rule.actor, rule.target),
        )
    assert isinstance(rule, EscalationRule)
    text = _who(lang, rule.action, rule.actor, rule.target)
    if isinstance(rule.once_per, ParamRef):
        text += pgettext("pack README", ", {how}").format(
            how=_values(pack, rule.once_per.param, lang)
        )
    elif rule.once_per == "unit":
        text += pgettext("pack README", ", once for each unit concerned")
    if rule.for_unit_kind:
        text += pgettext("pack README", ", only where that unit is {kinds}").format(
            kinds=_unit_kinds(lang, ",".join(rule.for_unit_kind))
        )
    return text


def _party(lang: Language, party: Target) -> str:
    """Who acts or is acted on, as a reader names them: 承办单位部门负责人, 街道纪工委."""
    units = {
        "handling_unit": pgettext("pack README", "the handling unit"),
        "trigger_unit": pgettext("pack README", "the unit concerned"),
        "about_unit": pgettext("pack README", "the unit the callback rates"),
        "dispatch_centre": pgettext("pack README", "the dispatch centre"),
    }
    unit = units.get(party.unit, "")
    who = [_role(lang, party.role)] if party.role else []
    who += [party.body] if party.body else []
    if not who:
        return unit
    person = "、".join(who) if lang == "zh" else ", ".join(who)
    if not unit:
        return person
    return pgettext("pack README", "{person} of {unit}").format(person=person, unit=unit)


def _who(lang: Language, action: str, actor: Target, target: Target) -> str:
    """An action with who takes it and whom it is about."""
    by, on = _party(lang, actor), _party(lang, target)
    if by and on:
        return pgettext("pack README", "{action} (by {actor}; concerning {target})").format(
            action=action, actor=by, target=on
        )
    if by or on:
        return (
            pgettext("pack README", "{action} (by {actor})").format(action=action, actor=by)
            if by
            else pgettext("pack README", "{action} (concerning {target})").format(
                action=action, target=on
            )
        )
    return action


def _period(period: str) -> str:
    names = {
        "week": pgettext("pack README", "week"),
        "month": pgettext("pack README", "month"),
        "two_months": pgettext("pack README", "two months"),
        "quarter": pgettext("pack README", "quarter"),
        "half_year": pgettext("pack README", "half year"),
        "year": pgettext("pack README", "year"),
    }
    return names.get(period, period)


def _kind(kind: str) -> str:
    names = {
        "clock": pgettext("pack README", "time limit"),
        "window": pgettext("pack README", "deadline for an action"),
        "deduction": pgettext("pack README", "points"),
        "escalation": pgettext("pack README", "escalation"),
        "record": pgettext("pack README", "record"),
        "period": pgettext("pack README", "periodic report"),
        "ranking": pgettext("pack README", "ranking"),
    }
    return names.get(kind, kind)


def _level(level: str) -> str:
    names = {
        "yellow": pgettext("pack README", "yellow light"),
        "red": pgettext("pack README", "red light"),
        "breached": pgettext("pack README", "overdue"),
        "reminder": pgettext("pack README", "reminder"),
    }
    return names.get(level, level)


def _interpretation(i: Interpretation, lang: Language) -> tuple[str, list[str]]:
    """An interpretation's reading, and the lines under it: example, other reading."""
    lines = []
    example = _prose(lang, i.example, i.example_zh)
    if example:
        lines.append(pgettext("pack README", "  - Example: {text}").format(text=_cell(example)))
    alternative = _prose(lang, i.alternative, i.alternative_zh)
    if alternative:
        lines.append(
            pgettext("pack README", "  - Other reading: {text}").format(text=_cell(alternative))
        )
    return _cell(_prose(lang, i.reading, i.reading_zh)), lines


def _description(parameter: Parameter, lang: Language) -> str:
    return _cell(_prose(lang, parameter.description, parameter.description_zh))


def _where(dated: DatedValue, lang: Language) -> str:
    if dated.citation is not None:
        return dated.citation.clause
    return _prose(lang, dated.note, dated.note_zh)


def _join(lang: Language, first: str, second: str) -> str:
    """Two sentences one after the other (with a space between them in English)."""
    return (first + ("" if lang == "zh" else " ") + second).rstrip()


def _clause_order(key: str) -> tuple[str, int, str]:
    head, _sep, tail = key.partition("-")
    number = "".join(ch for ch in tail.split(".")[-1] if ch.isdigit())
    prefix = tail.split(".")[0] if "." in tail else ""
    return (head + prefix, int(number or 0), tail)


def _date(day: dt.date) -> str:
    return day.isoformat()


def render_readme(pack: Pack, lang: Language = "zh") -> str:
    """The README of a pack in Markdown: ``zh`` for ``README.md``, ``en`` for ``README.en.md``.

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> render_readme(find_pack("xiayang")).splitlines()[0]
        '# 夏阳街道12345市民服务热线工作管理办法'
        >>> render_readme(find_pack("xiayang"), "en").splitlines()[0]
        '# 夏阳街道12345市民服务热线工作管理办法 (xiayang)'
    """
    with language(lang):
        return _render(pack, lang)


def _render(pack: Pack, lang: Language) -> str:
    m = pack.manifest
    title = f"# {m.name}" if lang == "zh" else f"# {m.name} ({m.id})"
    out = [
        title,
        "",
        "<!-- "
        + pgettext(
            "pack README",
            "Generated from the pack's data by grievance-rules packs readme {id} --write; "
            "do not edit by hand.",
        ).format(id=m.id)
        + " -->",
        "",
        pgettext(
            "pack README",
            "Where it applies: {jurisdiction}. Revision {revision}, in force from {date}.",
        ).format(jurisdiction=m.jurisdiction, revision=m.revision, date=_date(m.effective_from)),
    ]
    if m.effective_until is not None:
        out.append(
            pgettext("pack README", "In force until {date}.").format(date=_date(m.effective_until))
        )
    out += ["", "## " + pgettext("pack README", "Source documents"), ""]
    for source in m.sources:
        details = _list(
            lang, [x for x in (source.number, _date(source.issued) if source.issued else "") if x]
        )
        line = f"- {source.title}"
        if details:
            line += f"（{details}）" if lang == "zh" else f" ({details})"
        line += pgettext("pack README", " (file {file})").format(file=f"`{source.file}`")
        out.append(line)
        out.extend(f"  - {annex}" for annex in source.annexes)

    cal = m.calendar
    hours = (
        _list(lang, cal.office_hours.split(","))
        if cal.office_hours
        else pgettext("pack README", "none")
    )
    basis = (
        pgettext("pack README", "assumption")
        if cal.basis == "assumption"
        else pgettext("pack README", "as the document sets")
    )
    note = _prose(lang, cal.note, cal.note_zh)
    out += [
        "",
        "## " + pgettext("pack README", "Calendar"),
        "",
        _join(
            lang,
            pgettext("pack README", "- Office hours: {hours} ({basis}).").format(
                hours=hours, basis=basis
            ),
            note,
        ),
        pgettext("pack README", "- Half a working day: {rule}.").format(
            rule=_half_day(cal.half_day)
        ),
        pgettext("pack README", "- Weeks start on {day}.").format(
            day=pgettext("pack README", "Monday")
            if m.week_starts == "monday"
            else pgettext("pack README", "Sunday")
        ),
    ]

    out += [
        "",
        "## " + pgettext("pack README", "Clauses and rules"),
        "",
        "| "
        + " | ".join(
            (
                pgettext("pack README", "checklist id"),
                pgettext("pack README", "clause"),
                pgettext("pack README", "rule"),
                pgettext("pack README", "kind"),
                pgettext("pack README", "what it computes"),
            )
        )
        + " |",
        "|---|---|---|---|---|",
    ]
    by_clause: dict[str, list[Rule]] = {}
    for rule in pack.rules:
        for clause in rule.clauses:
            by_clause.setdefault(clause, []).append(rule)
    for clause in sorted(by_clause, key=_clause_order):
        for rule in by_clause[clause]:
            out.append(
                f"| {clause} | {_cell(rule.citation.clause)} | `{rule.id}` | {_kind(rule.kind)} "
                f"| {_cell(_what(pack, rule, lang))} |"
            )

    out += ["", "## " + pgettext("pack README", "Rules, by the clause they quote"), ""]
    by_label: dict[str, list[Rule]] = {}
    for rule in pack.rules:
        by_label.setdefault(rule.citation.clause, []).append(rule)
    for label, rules in by_label.items():
        out += [f"### {label}", ""]
        quotes: list[str] = []
        for rule in rules:
            text = rule.citation.text.strip()
            if any(text in shown for shown in quotes):
                continue
            quotes = [q for q in quotes if q not in text] + [text]
        out += [f"> {quote}\n" for quote in quotes]
        for rule in rules:
            line = (
                f"- **`{rule.id}`** {rule.title}（{_kind(rule.kind)}）："
                if lang == "zh"
                else (f"- **`{rule.id}`** {rule.title} ({_kind(rule.kind)}): ")
            )
            line += _cell(_what(pack, rule, lang))
            line += "。" if lang == "zh" else "."
            if rule.topics:
                topics = _list(
                    lang,
                    [
                        t.zh if lang == "zh" else f"{t.value.replace('_', ' ')} ({t.zh})"
                        for t in rule.topics
                    ],
                )
                line = _join(
                    lang, line, pgettext("pack README", "Topics: {topics}.").format(topics=topics)
                )
            out.append(line)
        out.append("")

    out += [
        "## " + pgettext("pack README", "Values"),
        "",
        "| "
        + " | ".join(
            (
                pgettext("pack README", "what"),
                pgettext("pack README", "from"),
                pgettext("pack README", "value"),
                pgettext("pack README", "basis"),
                pgettext("pack README", "source"),
            )
        )
        + " |",
        "|---|---|---|---|---|",
    ]
    for name, parameter in pack.parameters.items():  # in the order the pack gives them
        for dated in parameter.values:
            if parameter.basis == "assumption":
                cited = pgettext("pack README", "assumption")
            elif parameter.interpretation is not None:
                # the value cites the clause it reads, but the reading is the pack's
                cited = pgettext("pack README", "reading (see Interpretations)")
            else:
                cited = pgettext("pack README", "cited")
            out.append(
                f"| {_description(parameter, lang)} | {_date(dated.from_)} "
                f"| {_cell(_value(pack, name, dated.value, lang))} | {cited} "
                f"| {_cell(_where(dated, lang))} |"
            )

    out += ["", "## " + pgettext("pack README", "Interpretations"), ""]
    readings = [(n, p) for n, p in sorted(pack.parameters.items()) if p.interpretation]
    if readings:
        out += [pgettext("pack README", "Readings the whole pack takes:"), ""]
    for name, parameter in readings:
        assert parameter.interpretation is not None
        reading, lines = _interpretation(parameter.interpretation, lang)
        what, values = _description(parameter, lang), _cell(_values(pack, name, lang))
        out.append(
            f"- **{what}**（{values}）：{reading}"
            if lang == "zh"
            else f"- **{what}** ({values}): {reading}"
        )
        out += lines
    interpreted = [rule for rule in pack.rules if rule.interpretation is not None]
    if readings and interpreted:
        out += ["", pgettext("pack README", "Readings of single rules:"), ""]
    if not interpreted and not readings and not m.notify.roles:
        out.append(pgettext("pack README", "None: every clause encoded reads one way."))
    for rule in interpreted:
        assert rule.interpretation is not None
        reading, lines = _interpretation(rule.interpretation, lang)
        out.append(
            f"- **`{rule.id}`**（{rule.citation.clause}）：{reading}"
            if lang == "zh"
            else f"- **`{rule.id}`** ({rule.citation.clause}): {reading}"
        )
        out += lines
    if m.notify.roles:
        roles = _list(
            lang,
            [
                pgettext("pack README", "{level}: {role}").format(
                    level=_level(level), role=_role(lang, role)
                )
                for level, role in m.notify.roles.items()
            ],
        )
        basis = (
            pgettext("pack README", "assumption")
            if m.notify.basis == "assumption"
            else pgettext("pack README", "as the document sets")
        )
        origin = (
            pgettext("pack README", " (file {file})").format(file=f"`{m.notify.source}`")
            if m.notify.source
            else ""
        )
        note = _cell(_prose(lang, m.notify.note, m.notify.note_zh))
        out.append(
            _join(
                lang,
                pgettext(
                    "pack README", "- **Warning notices (黄红灯)**{origin}, {basis}: {roles}."
                ).format(origin=origin, basis=basis, roles=roles),
                note,
            )
        )

    out += ["", "## " + pgettext("pack README", "Recorded, not computed"), ""]
    records = pack.rules_of(RecordRule)
    for rule in records:
        what = _cell(_prose(lang, rule.not_computed, rule.not_computed_zh))
        colon = "：" if lang == "zh" else ": "
        stop = "。" if lang == "zh" else "."
        out.append(f"- **`{rule.id}`** {rule.title}{colon}{what.rstrip('.。')}{stop}")
    if not records:
        out.append(pgettext("pack README", "None."))

    out += ["", "## " + pgettext("pack README", "Limitations"), ""]
    zh = m.limitations_zh or (None,) * len(m.limitations)
    out += [f"- {_cell(_prose(lang, en, z))}" for en, z in zip(m.limitations, zh, strict=True)]
    if not m.limitations:
        out.append(pgettext("pack README", "None recorded."))

    out += _analysts(pack, lang)
    return "\n".join(out) + "\n"


def _analysts(pack: Pack, lang: Language) -> list[str]:
    """The last section: parameter names and how to pick another value or reading."""
    out = [
        "",
        "## " + pgettext("pack README", "For analysts: parameter names"),
        "",
        pgettext(
            "pack README",
            "Each value above is a dated parameter; `pack.with_parameters({name: value})` or "
            "`grievance-rules what-if --set name=value` picks another.",
        ),
        "",
        "| {} | {} | {} |".format(
            pgettext("pack README", "parameter"),
            pgettext("pack README", "what"),
            pgettext("pack README", "other reading"),
        ),
        "|---|---|---|",
    ]
    switches: dict[str, dict[str, list[str]]] = {}  # parameter -> switch -> readings
    entries = [(n, p.interpretation) for n, p in pack.parameters.items()]
    entries += [(r.id, r.interpretation) for r in pack.rules]
    whole = pgettext("pack README", "the whole pack")
    for owner, i in entries:
        if i is not None and i.switch:
            names = _switched_parameters(i.switch)
            where = whole if owner in names else f"`{owner}`"
            for name in names:
                owners = switches.setdefault(name, {}).setdefault(i.switch, [])
                if where not in owners:  # (two parameters' readings may share a switch)
                    owners.append(where)
    comma, left, right = ("、", "（", "）") if lang == "zh" else (", ", " (", ")")
    for name, parameter in sorted(pack.parameters.items()):
        other = "；".join if lang == "zh" else "; ".join
        others = other(
            f"`{switch}`{left}{comma.join(owners)}{right}"
            for switch, owners in switches.get(name, {}).items()
        )
        what = _cell(_prose(lang, parameter.description, parameter.description_zh))
        out.append(f"| `{name}` | {what} | {others} |")
    return out


def _switched_parameters(switch: str) -> list[str]:
    """The parameters an interpretation's ``switch`` sets, in the order it names them.

    A switch is ``name: value``, or a flow mapping when the other reading moves several
    parameters together; it is listed under each of them in the analysts' table.

    Example:
        >>> _switched_parameters("half_day_rule: noon_cutoff")
        ['half_day_rule']
        >>> _switched_parameters("{warning_yellow: 0.6, warning_red: 0.8}")
        ['warning_yellow', 'warning_red']
    """
    try:
        parsed = yaml.safe_load(switch)
    except yaml.YAMLError:
        parsed = None
    if isinstance(parsed, dict) and parsed and all(isinstance(k, str) for k in parsed):
        return list(parsed)
    return [switch.split(":", 1)[0].strip()]


def untranslated_texts(pack: Pack) -> list[str]:
    """Where the pack gives prose only in English: ``rule id: field`` or ``file: field``.

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> untranslated_texts(find_pack("daye"))
        []
    """
    found = []
    m = pack.manifest
    if m.calendar.note and not m.calendar.note_zh:
        found.append("pack.yaml: calendar.note")
    if m.notify.note and not m.notify.note_zh:
        found.append("pack.yaml: notify.note")
    if m.scoring.note and not m.scoring.note_zh:
        found.append("pack.yaml: scoring.note")
    if m.limitations and not m.limitations_zh:
        found.append("pack.yaml: limitations")
    for name, parameter in sorted(pack.parameters.items()):
        if not parameter.description_zh:
            found.append(f"parameter {name}: description")
        for dated in parameter.values:
            if dated.note and not dated.note_zh:
                found.append(f"parameter {name}: note of the value from {dated.from_}")
        if parameter.labels and set(parameter.labels) - set(parameter.labels_zh):
            found.append(f"parameter {name}: labels")
        if parameter.interpretation is not None:
            found += [f"parameter {name}: {f}" for f in _untranslated(parameter.interpretation)]
    for rule in pack.rules:
        if rule.interpretation is not None:
            found += [f"{rule.id}: {f}" for f in _untranslated(rule.interpretation)]
        if isinstance(rule, RecordRule) and not rule.not_computed_zh:
            found.append(f"{rule.id}: not_computed")
    return found


def _untranslated(i: Interpretation) -> list[str]:
    fields = ("reading", "alternative", "example")
    return [f"interpretation.{f}" for f in fields if getattr(i, f) and not getattr(i, f"{f}_zh")]
