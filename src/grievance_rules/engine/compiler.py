"""A pack's event references and selectors as named patterns (durable-rules' JSON).

The patterns are the identity both matching backends share: the native matcher
compiles the same references to predicates (:mod:`grievance_rules.engine.matching`)
and names them as here; the durable backend registers :attr:`PatternSet.definition`.

Every event reference of a pack (a clock's start, stop, pauses and extension; a
window's action and opening; every event trigger of a deduction, escalation or
record rule, and its ``after``) and every rule's ``applies_to`` selector becomes
one durable-rules rule over a single fact. The engine runs the ruleset once per
order and reads which facts each pattern matched; time arithmetic and counting
then happen in Python, on the calendar.

Patterns are identified by their canonical JSON, so two rules that refer to the
same event with the same filter share one durable rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from grievance_rules.errors import RuleDefinitionError
from grievance_rules.i18n import gettext as _
from grievance_rules.packs import Pack
from grievance_rules.packs.schema import (
    ClockRule,
    Condition,
    DeductionRule,
    EscalationRule,
    EventRef,
    RecordRule,
    Selector,
    Trigger,
    WindowRule,
    iter_triggers,
)

__all__ = ["PatternSet", "compile_patterns", "event_key", "selector_key"]


def _where(field: str, value: Any) -> dict[str, Any]:
    if value is None:
        return {"$nex": {field: 1}}
    if isinstance(value, list):
        return {"$or": [_where(field, item) for item in value]}
    if isinstance(value, dict):
        ((op, operand),) = value.items()
        if op == "exists":
            return {"$ex" if operand else "$nex": {field: 1}}
        if op in ("ne", "gte", "lte", "gt", "lt"):
            name = {"ne": "$neq"}.get(op, f"${op}")
            return {name: {field: operand}}
        raise RuleDefinitionError(
            _("unknown operator {op} for {field}").format(op=repr(op), field=repr(field))
        )
    return {field: value}


def event_pattern(ref: EventRef | Trigger) -> dict[str, Any]:
    """The durable-rules pattern of an event reference."""
    terms: list[dict[str, Any]] = [{"fact": "event"}, {"type": ref.event}]
    terms += [_where(field, value) for field, value in sorted(ref.where.items())]
    return {"$and": terms}


def selector_pattern(selector: Selector) -> dict[str, Any]:
    """The durable-rules pattern of an ``applies_to`` selector over the order fact."""
    terms: list[dict[str, Any]] = [{"fact": "order"}]
    for name in ("channel", "category", "urgency"):
        values = getattr(selector, name)
        if values:
            terms.append(_where(name, list(values)))
    if selector.special_kind:
        terms.append({"$or": [{f"sk_{v}": True} for v in selector.special_kind]})
    for value in selector.not_special_kind:
        terms.append({"$nex": {f"sk_{value}": 1}})
    if selector.unit_kind:
        terms.append(_where("handling_unit_kind", list(selector.unit_kind)))
    if selector.flag:
        terms.append({"$or": [{f"flag_{v}": True} for v in selector.flag]})
    for name in selector.has:
        terms.append({"$ex": {f"has_{name}": 1}})
    if selector.any_of:
        terms.append({"$or": [selector_pattern(inner) for inner in selector.any_of]})
    return {"$and": terms} if len(terms) > 1 else terms[0]


def _canonical(pattern: dict[str, Any]) -> str:
    return json.dumps(pattern, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def event_key(ref: EventRef | Trigger) -> str:
    """The identity of an event reference: its canonical pattern."""
    return _canonical(event_pattern(ref))


def selector_key(selector: Selector) -> str:
    """The identity of a selector: its canonical pattern."""
    return _canonical(selector_pattern(selector))


def _condition_refs(cond: Condition) -> Iterator[Trigger | EventRef]:
    for trigger in iter_triggers(cond):
        if trigger.event is not None:
            yield trigger
        if trigger.after is not None:
            yield trigger.after
        if trigger.unless_after is not None:
            yield trigger.unless_after


def _rule_refs(pack: Pack) -> Iterator[Trigger | EventRef]:
    for rule in pack.rules:
        if isinstance(rule, ClockRule):
            if isinstance(rule.start, EventRef):
                yield rule.start
            yield rule.stop
            for begin, end in rule.pause:
                yield begin
                yield end
            if rule.extend is not None:
                yield rule.extend
        elif isinstance(rule, WindowRule):
            yield rule.action
            if isinstance(rule.opens, EventRef):
                yield rule.opens
        elif isinstance(rule, DeductionRule | EscalationRule | RecordRule) and rule.when:
            yield from _condition_refs(rule.when)


@dataclass(frozen=True)
class PatternSet:
    """A pack's patterns, named for durable-rules.

    Attributes:
        namespace: ``id@revision`` of the pack; the adapter prefixes ruleset names with it.
        definition: durable-rules' JSON ruleset (rule name → pattern), no actions.
        event_rules: event-reference key → durable rule name.
        selector_rules: selector key → durable rule name.
        digest: a short hash of the definition.
        by_object: ``id()`` of each reference and selector object of the pack → its
            durable rule name, so that evaluation looks names up without re-serialising.
        refs: every event reference of the pack's rules, in rule order.
    """

    namespace: str
    definition: dict[str, Any]
    event_rules: dict[str, str]
    selector_rules: dict[str, str]
    digest: str
    by_object: dict[int, str]
    refs: tuple[EventRef | Trigger, ...]


def compile_patterns(pack: Pack) -> PatternSet:
    """Compile (once per pack revision and rule set) the pack's patterns.

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> compiled = compile_patterns(find_pack("xiayang"))
        >>> compiled.namespace
        'xiayang@2022-06-08'
    """
    event_patterns: dict[str, dict[str, Any]] = {}
    refs = list(_rule_refs(pack))
    for ref in refs:
        event_patterns.setdefault(event_key(ref), event_pattern(ref))
    selector_patterns: dict[str, dict[str, Any]] = {}
    for rule in pack.rules:
        selector_patterns.setdefault(
            selector_key(rule.applies_to), selector_pattern(rule.applies_to)
        )
    definition: dict[str, Any] = {}
    event_rules: dict[str, str] = {}
    selector_rules: dict[str, str] = {}
    for n, (key, pattern) in enumerate(sorted(event_patterns.items())):
        name = f"e{n}"
        event_rules[key] = name
        definition[name] = {"all": [{"m": pattern}]}
    for n, (key, pattern) in enumerate(sorted(selector_patterns.items())):
        name = f"s{n}"
        selector_rules[key] = name
        definition[name] = {"all": [{"m": pattern}]}
    digest = hashlib.sha256(_canonical(definition).encode()).hexdigest()[:12]
    namespace = f"{pack.id}@{pack.revision}"
    by_object = {id(ref): event_rules[event_key(ref)] for ref in refs}
    by_object.update(
        {id(rule.applies_to): selector_rules[selector_key(rule.applies_to)] for rule in pack.rules}
    )
    return PatternSet(
        namespace, definition, event_rules, selector_rules, digest, by_object, tuple(refs)
    )
