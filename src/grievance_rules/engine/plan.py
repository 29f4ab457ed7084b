"""A pack compiled once into a plan: what the engine runs, apart from what the pack says.

A :class:`~grievance_rules.packs.Pack` is what a pack *says* (its declarations,
validated); a :class:`PackPlan` is how it *runs*: every event reference compiled to
a predicate on the event and indexed by event type, every ``applies_to`` selector
compiled to a predicate on the order, the rules grouped by kind (escalations in
dependency order), which rules need the cross-order repeat index, and the
parameters resolved per date segment. :func:`compile_pack` builds one, explicitly;
nothing is attached to the pack.

:func:`plan_for` finds the plan of a pack object or of a pack name or directory,
and keeps the plans it built (up to :data:`PLAN_CACHE_SIZE`): evaluating by name
reloads nothing while the pack's files are unchanged, and a pack whose files
changed is loaded again and compiled once per content (its
:attr:`~grievance_rules.packs.Pack.content_hash`).

Example:
    >>> from grievance_rules.packs import find_pack
    >>> plan = compile_pack(find_pack("xiayang"))
    >>> plan.key, len(plan.clock_rules) > 0
    ('xiayang@2022-06-08', True)
    >>> plan_for("xiayang") is plan_for("xiayang")
    True
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from grievance_rules.calendar import WorkingCalendar
from grievance_rules.engine.compiler import PatternSet, compile_patterns, event_key, selector_key
from grievance_rules.engine.condition_tree import ConditionNode, compile_condition
from grievance_rules.engine.matching import (
    EventPredicate,
    OrderPredicate,
    event_predicate,
    selector_predicate,
)
from grievance_rules.errors import ArgumentTypeError
from grievance_rules.i18n import gettext as _
from grievance_rules.packs import Pack, find_pack
from grievance_rules.packs.pack import remember_rule_kinds
from grievance_rules.packs.parameters import ParameterTable
from grievance_rules.packs.schema import (
    AllOf,
    AnyOf,
    ClockRule,
    Condition,
    CountOf,
    DeductionRule,
    EscalationRule,
    EventRef,
    PeriodRule,
    RecordRule,
    Selector,
    Trigger,
    WindowRule,
    iter_triggers,
)

__all__ = [
    "PLAN_CACHE_SIZE",
    "Clause",
    "Need",
    "PackPlan",
    "ParameterTable",
    "compile_pack",
    "plan_for",
]

PLAN_CACHE_SIZE = 64
"""How many plans :func:`plan_for` keeps (least recently used first out)."""

_R = TypeVar("_R", ClockRule, WindowRule, EscalationRule, DeductionRule, RecordRule)

Need = tuple[str, str, str | None]
"""One thing a trigger cannot count without: ``("event", pattern name, None)`` (an event
the pattern matched), ``("clock", rule id, state)`` (a clock of that rule in that state;
``None``: in any state, for a trigger on the level a clock reached), ``("window", rule
id, state)``, ``("escalation", rule id, None)`` (that escalation due)."""

Clause = tuple[frozenset[str], tuple[Need, ...]]
"""One clause of what a rule needs, met by any of its needs: the names of the event
patterns among them (one that matched an event meets it), and the others."""


@dataclass(frozen=True)
class PackPlan:
    """A pack compiled for evaluation; build with :func:`compile_pack`.

    Attributes:
        pack: the pack it was compiled from.
        calendar: the pack's working calendar.
        patterns: every event reference and selector as a named pattern (the
            durable-rules definition; names are shared by both backends).
        event_predicates: event type → (pattern name, predicate on the event), each
            pattern once.
        selector_predicates: (pattern name, predicate on the order), each selector once.
        clock_rules, window_rules, deduction_rules, record_rules: the rules of each
            kind in file order, each with its selector's pattern name.
        escalation_rules: likewise, in dependency order (an escalation counted by
            another comes first).
        repeat_rules: ids of the rules whose condition has a ``repeat`` (they need
            the cross-order repeat index and are evaluated whole).
        parameters: the parameters per date segment.
        conditions: every condition of the pack compiled once into a tree
            (:mod:`grievance_rules.engine.condition_tree`), judged on an order or on a
            unit's counts in a period.
        memo: immutable findings reused across orders (see ``evaluate_record``) and
            deadline trace texts; a cache, not state: dropping it changes no result.
    """

    pack: Pack
    calendar: WorkingCalendar
    patterns: PatternSet
    event_predicates: Mapping[str, tuple[tuple[str, EventPredicate], ...]]
    selector_predicates: tuple[tuple[str, OrderPredicate], ...]
    clock_rules: tuple[tuple[ClockRule, str], ...]
    window_rules: tuple[tuple[WindowRule, str], ...]
    escalation_rules: tuple[tuple[EscalationRule, str], ...]
    deduction_rules: tuple[tuple[DeductionRule, str], ...]
    record_rules: tuple[tuple[RecordRule, str], ...]
    repeat_rules: frozenset[str]
    parameters: ParameterTable
    conditions: Mapping[int, ConditionNode] = field(repr=False)
    """``id()`` of each rule's ``when`` and each period tier's ``when`` → its compiled tree."""
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)
    needs: Mapping[str, tuple[Clause, ...]] = field(default_factory=dict, repr=False)
    """Rule id → what must be on the order for the rule's condition to hold, as clauses
    (one of each clause's needs), for the deduction and escalation rules whose
    condition cannot hold where nothing it counts occurs: when a clause has none of
    its needs on the order, the rule finds nothing and is not evaluated. A rule not
    listed is always evaluated."""
    record_needs: Mapping[str, Clause] = field(default_factory=dict, repr=False)
    """Rule id → what must be on the order for any trigger of a record rule's condition
    to count something (the rules with a condition and no ``repeat``): when none of it
    is there, the rule's finding depends only on the parameters in force (its *quiet*
    finding, see ``evaluate_record``) and is taken from :attr:`quiet_records`."""
    quiet_records: dict[tuple[str, int], Any] = field(
        default_factory=dict, repr=False, compare=False
    )
    """(rule id, parameter segment) → the record rule's quiet finding, once found: a
    cache, not state (at most one entry per record rule and date segment)."""
    excluding_records: frozenset[str] = frozenset()
    """The record rules whose holding excludes an order from assessment (``excludes``):
    with none, any ``excluded`` event does."""
    selector_fields: tuple[str, ...] = ()
    """The order fields the selectors' ``has`` test (besides channel, category, urgency,
    special kinds, flags and the first handler's kind, which every selector may read)."""
    selectors_met: dict[tuple[Any, ...], frozenset[str]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """What the selectors read of an order → the selectors it meets: a cache (the
    matcher's), not state."""

    @property
    def key(self) -> str:
        """The pack's ``id@revision`` (and overrides)."""
        return self.pack.key

    def pattern_of(self, ref: EventRef | Trigger) -> str:
        """The pattern name of an event reference of this pack."""
        name = self.patterns.by_object.get(id(ref))
        return name if name is not None else self.patterns.event_rules[event_key(ref)]

    def selector_of(self, rule_selector: Any) -> str:
        """The pattern name of a selector of this pack."""
        name = self.patterns.by_object.get(id(rule_selector))
        return (
            name if name is not None else self.patterns.selector_rules[selector_key(rule_selector)]
        )

    def value(self, ref: Any, on: dt.date) -> Any:
        """A literal or a parameter's value on a date (:meth:`ParameterTable.value`)."""
        return self.parameters.value(ref, on)

    def condition(self, cond: Condition) -> ConditionNode:
        """The compiled tree of a condition of this pack (compiled now for another one)."""
        tree = self.conditions.get(id(cond))
        return tree if tree is not None else compile_condition(cond)


def compile_pack(pack: Pack) -> PackPlan:
    """Compile a pack into its plan: once; the plan is frozen and the pack untouched.

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> plan = compile_pack(find_pack("daye"))
        >>> sorted(plan.event_predicates)[:2]
        ['buck_passing_found', 'callback']
    """
    if not isinstance(pack, Pack):  # (a name: plan_for loads and compiles it, once)
        raise ArgumentTypeError(
            _(
                "compile_pack takes a loaded Pack, not {value}; for a name or folder use plan_for"
            ).format(value=repr(pack)),
            parameter="pack",
            value=pack,
        )
    remember_rule_kinds(pack)  # for the assertion helpers: which rules the pack has
    patterns = compile_patterns(pack)
    by_type: dict[str, dict[str, EventPredicate]] = {}
    for ref in patterns.refs:
        assert ref.event is not None
        name = patterns.event_rules[event_key(ref)]
        by_type.setdefault(ref.event, {}).setdefault(name, event_predicate(ref))
    selectors: dict[str, OrderPredicate] = {}
    for rule in pack.rules:
        name = patterns.selector_rules[selector_key(rule.applies_to)]
        selectors.setdefault(name, selector_predicate(rule.applies_to))

    def paired(rules: Iterable[_R]) -> tuple[tuple[_R, str], ...]:
        return tuple(
            (rule, patterns.selector_rules[selector_key(rule.applies_to)]) for rule in rules
        )

    def of_kind(kind: type[_R]) -> tuple[_R, ...]:
        return tuple(rule for rule in pack.rules if isinstance(rule, kind))

    conditions: dict[int, ConditionNode] = {}
    repeat_rules = set()
    for rule in pack.rules:
        whens: list[Condition] = []
        if isinstance(rule, DeductionRule | EscalationRule | RecordRule) and rule.when:
            whens.append(rule.when)
        elif isinstance(rule, PeriodRule):
            whens.extend(tier.when for tier in rule.tiers)
        for when in whens:
            tree = conditions[id(when)] = compile_condition(when)
            if tree.has_repeat:
                repeat_rules.add(rule.id)
    needs: dict[str, tuple[Clause, ...]] = {}
    record_needs: dict[str, Clause] = {}
    for rule in pack.rules:
        if isinstance(rule, DeductionRule | EscalationRule):
            found = _needs(rule.when, patterns)
            if found is not None:
                needs[rule.id] = tuple(_clause(c) for c in dict.fromkeys(found))
        elif isinstance(rule, RecordRule) and rule.when is not None:
            tree = conditions[id(rule.when)]
            if not tree.has_repeat:  # each trigger's needs: what any of them counts
                record_needs[rule.id] = _clause(
                    need
                    for trigger in tree.triggers
                    for clause in _needs(trigger, patterns) or ()
                    for need in clause
                )
    return PackPlan(
        pack=pack,
        calendar=pack.calendar(),
        patterns=patterns,
        event_predicates={
            event: tuple(sorted(named.items())) for event, named in sorted(by_type.items())
        },
        selector_predicates=tuple(sorted(selectors.items())),
        clock_rules=paired(of_kind(ClockRule)),
        window_rules=paired(of_kind(WindowRule)),
        escalation_rules=paired(_escalation_order(of_kind(EscalationRule))),
        deduction_rules=paired(of_kind(DeductionRule)),
        record_rules=paired(of_kind(RecordRule)),
        repeat_rules=frozenset(repeat_rules),
        parameters=ParameterTable.of(pack),
        conditions=conditions,
        needs=needs,
        record_needs=record_needs,
        excluding_records=frozenset(
            r.id for r in pack.rules if isinstance(r, RecordRule) and r.excludes
        ),
        selector_fields=tuple(sorted({name for r in pack.rules for name in _has(r.applies_to)})),
    )


def _clause(needs: Iterable[Need]) -> Clause:
    """Needs as a :data:`Clause`: the event patterns apart, the others in order."""
    found = tuple(dict.fromkeys(needs))
    events = frozenset(name for kind, name, _ in found if kind == "event")
    return events, tuple(need for need in found if need[0] != "event")


def _has(selector: Selector) -> set[str]:
    """The fields a selector's ``has`` (and its alternatives') test."""
    return {*selector.has, *(name for inner in selector.any_of for name in _has(inner))}


def _needs(cond: Condition, patterns: PatternSet) -> list[tuple[Need, ...]] | None:
    """What must occur for a condition to hold, as clauses; ``None``: it may hold on nothing.

    The condition can hold only if every clause has one of its needs on the order. A
    trigger needs one of the things it counts (one clause); a count with a literal
    threshold of at least 1 needs what its trigger needs; ``all`` needs every clause
    of its parts that have any; ``any`` of parts that all need something needs one of
    their needs (one clause). A count whose threshold is a parameter or 0, ``not``,
    ``repeat`` and ``param_is`` may hold on nothing: ``None``.
    """
    if isinstance(cond, Trigger):
        if cond.event is not None:
            name = patterns.by_object.get(id(cond))
            return [(("event", name or patterns.event_rules[event_key(cond)], None),)]
        return [
            (
                *(("clock", rule_id, cond.state) for rule_id in cond.clock),
                *(("window", rule_id, cond.state) for rule_id in cond.window),
                *(("escalation", rule_id, None) for rule_id in cond.escalation),
            )
        ]  # a deduction trigger counts nothing on one order: it needs what never is
    if isinstance(cond, CountOf):
        threshold = cond.at_least if cond.at_least is not None else cond.equals
        if isinstance(threshold, int) and threshold >= 1:
            return _needs(cond.count, patterns)
        return None
    if isinstance(cond, AllOf):
        clauses = [c for part in cond.all for c in _needs(part, patterns) or ()]
        return clauses or None
    if isinstance(cond, AnyOf):
        parts = [_needs(part, patterns) for part in cond.any]
        if not parts or any(part is None for part in parts):
            return None
        return [tuple(dict.fromkeys(n for part in parts for c in part or () for n in c))]
    return None


def _escalation_refs(cond: Condition) -> set[str]:
    return {rule_id for trigger in iter_triggers(cond) for rule_id in trigger.escalation}


def _escalation_order(rules: tuple[EscalationRule, ...]) -> list[EscalationRule]:
    done: list[EscalationRule] = []
    placed: set[str] = set()
    pending = list(rules)
    while pending:
        progress = False
        for rule in list(pending):
            if _escalation_refs(rule.when) <= placed:
                done.append(rule)
                placed.add(rule.id)
                pending.remove(rule)
                progress = True
        if not progress:  # a cycle: evaluate the rest in file order
            done.extend(pending)
            break
    return done


# -- finding plans ---------------------------------------------------------------------

_LOCK = threading.Lock()
_BUILDING = threading.RLock()
"""Held while a plan not in the caches is loaded and compiled: one thread does it, the
others then find it (compiling takes tens of milliseconds; the caches' lock is not held)."""
_BY_OBJECT: OrderedDict[int, PackPlan] = OrderedDict()
"""``id(pack)`` → its plan (the plan holds the pack, so the id stays its own)."""
_BY_CONTENT: OrderedDict[tuple[str, str, str], PackPlan] = OrderedDict()
"""(content hash, key, directory) → plan, for packs found again by name."""
_BY_NAME: OrderedDict[str, tuple[tuple[str, ...], tuple[tuple[int, int], ...], PackPlan]] = (
    OrderedDict()
)
"""``name:<name>`` or ``path:<absolute directory>`` → (the pack files' fingerprint, plan)."""


def _remember(cache: OrderedDict[Any, PackPlan], key: Any, plan: PackPlan) -> None:
    cache[key] = plan
    cache.move_to_end(key)
    while len(cache) > PLAN_CACHE_SIZE:
        cache.popitem(last=False)


def _pack_paths(pack: Pack) -> tuple[str, ...]:
    """The files a pack was loaded from and their folders (a new rule file changes one)."""
    root = pack.directory
    paths = {root / "pack.yaml", root / pack.manifest.parameters_file, root}
    paths |= {root / name for name in pack.rule_files.values()}
    paths |= {path.parent for path in list(paths)}
    return tuple(sorted(str(path) for path in paths))


def _fingerprint(paths: tuple[str, ...]) -> tuple[tuple[int, int], ...]:
    """What says the files are unchanged: each path's modification time and size."""
    found = []
    for path in paths:
        try:
            stat = os.stat(path)
        except OSError:
            found.append((-1, -1))
        else:
            found.append((stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def plan_for(pack: Pack | str | Path | PackPlan) -> PackPlan:
    """The plan of a pack object, or of a pack name or directory, compiled at most once.

    A plan is its own plan.

    A pack object's plan is kept while it is among the :data:`PLAN_CACHE_SIZE` most
    recently used. A name or directory is loaded again only when its files changed
    (their modification times and sizes), and compiled again only when their content
    did (:attr:`~grievance_rules.packs.Pack.content_hash`).

    Raises:
        PackNotFoundError: no pack of that name and no such directory.
        PackError: the pack is broken.
    """
    if isinstance(pack, PackPlan):
        return pack
    if isinstance(pack, Pack):
        with _LOCK:
            plan = _BY_OBJECT.get(id(pack))
            if plan is None or plan.pack is not pack:
                plan = _BY_CONTENT.get((pack.content_hash, pack.key, str(pack.directory)))
            if plan is None or plan.pack is not pack:
                plan = next((p for _, _, p in _BY_NAME.values() if p.pack is pack), None)
            if plan is not None and plan.pack is pack:
                _remember(_BY_OBJECT, id(pack), plan)
                return plan
        with _BUILDING:  # threads asking for it at once compile it once
            with _LOCK:
                plan = _BY_OBJECT.get(id(pack))
            if plan is None or plan.pack is not pack:
                plan = compile_pack(pack)
                with _LOCK:
                    _remember(_BY_OBJECT, id(pack), plan)
        return plan
    text = str(pack)
    if isinstance(pack, Path) or "/" in text or os.sep in text:  # a directory, as find_pack
        name = f"path:{Path(pack).resolve()}"
    else:  # a built-in or installed pack's name
        name = f"name:{text}"
    with _LOCK:
        known = _BY_NAME.get(name)
    if known is not None and _fingerprint(known[0]) == known[1]:
        return known[2]
    with _BUILDING:  # threads asking for it at once load and compile it once
        with _LOCK:
            known = _BY_NAME.get(name)
        if known is not None and _fingerprint(known[0]) == known[1]:
            return known[2]
        return _load_and_compile(pack, name)


def loaded_pack(pack: Pack | PackPlan | str | Path) -> Pack:
    """The pack itself: a pack object as it is, a plan's pack, a name or folder loaded once.

    A name or folder is found through :func:`plan_for`, which keeps it: loading a pack
    by name on every call took 20 times what the work did (a watch list of a few orders
    by name: 72 ms, with the loaded pack 3.3 ms).

    Raises:
        PackNotFoundError: no pack of that name, or no pack in that folder.
        ArgumentTypeError: neither a pack, a plan, a name nor a folder.
    """
    if isinstance(pack, Pack):
        return pack
    if isinstance(pack, PackPlan):
        return pack.pack
    return plan_for(pack).pack


def _load_and_compile(pack: str | Path, name: str) -> PackPlan:
    """:func:`plan_for` of a name or directory not known yet (or whose files changed)."""
    loaded = find_pack(pack)
    content = (loaded.content_hash, loaded.key, str(loaded.directory))
    with _LOCK:
        plan = _BY_CONTENT.get(content)
    if plan is None or not loaded.content_hash:
        plan = compile_pack(loaded)
    with _LOCK:
        _remember(_BY_CONTENT, content, plan)
        _remember(_BY_OBJECT, id(plan.pack), plan)
        paths = _pack_paths(plan.pack)
        _BY_NAME[name] = (paths, _fingerprint(paths), plan)
        while len(_BY_NAME) > PLAN_CACHE_SIZE:
            _BY_NAME.popitem(last=False)
    return plan
