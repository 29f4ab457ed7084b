"""A pack's conditions compiled once into trees, judged in an order context or a period one.

A condition of a pack (``all``, ``any``, ``not``, ``count``, ``repeat``,
``param_is`` over triggers) is compiled once (:func:`compile_condition`) into a
tree of nodes. The same tree answers in two contexts:

* **an order** (:class:`OrderContext`: a deduction, escalation or record rule on
  one order): :meth:`ConditionNode.holds` says whether it holds, since when, and
  which occurrences made it hold; :meth:`ConditionNode.decides` says only whether,
  short-circuited and without building occurrences (most conditions do not hold);
* **a period** (:class:`PeriodContext`: a period rule's tier on a unit's counts in
  a week or a month): :meth:`ConditionNode.holds_in_period`, writing each count
  and threshold it read into the context's notes.

What a tree needs from its context (the occurrences of a trigger, a parameter's
value, the other orders for a repeat) is the context's; what the condition says
is the tree's. :attr:`ConditionNode.has_repeat` is known at compile time.

Example:
    >>> from grievance_rules.packs.schema import CountOf, Trigger
    >>> tree = compile_condition(CountOf(count=Trigger(deduction=("D-1",)), at_least=2))
    >>> notes: list[str] = []
    >>> class Week:
    ...     notes = notes
    ...     def count(self, trigger): return 3
    ...     def label(self, trigger): return "deduction:D-1"
    ...     def value(self, ref): return ref
    >>> tree.holds_in_period(Week()), notes
    (True, ['deduction:D-1: 3 (>= 2: yes)'])
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, Protocol

from grievance_rules.errors import RuleDefinitionError
from grievance_rules.i18n import gettext as _
from grievance_rules.packs.schema import (
    AllOf,
    AnyOf,
    Condition,
    CountOf,
    NotOf,
    ParamIs,
    ParamRef,
    RepeatOf,
    Trigger,
)

__all__ = [
    "ConditionNode",
    "Holding",
    "OrderContext",
    "PeriodContext",
    "compile_condition",
    "count_threshold",
    "parameter_note",
]


class Counted(Protocol):
    """One counted thing (an event, a clock in a state ...), as the order context makes it."""

    @property
    def at(self) -> dt.datetime:
        """When it happened (or was so)."""
        ...


class Holding(NamedTuple):
    """Whether a condition holds, since when, and what made it hold.

    (A named tuple: built for most conditions judged, where a frozen dataclass's
    ``__init__`` costs a call of ``object.__setattr__`` per field.)
    """

    holds: bool
    since: dt.datetime | None
    counted: tuple[Any, ...] = ()
    notes: tuple[str, ...] = ()


_NOT_HOLDING = Holding(False, None)


class OrderContext(Protocol):
    """What a condition reads on one order (``engine.conditions`` gives it)."""

    @property
    def received_at(self) -> dt.datetime:
        """When the order was received."""
        ...

    def occurrences(self, trigger: Trigger) -> Sequence[Counted]:
        """Everything the trigger counts on the order, in time order."""
        ...

    def occurs(self, trigger: Trigger) -> bool:
        """Whether the trigger counts anything (without building the occurrences)."""
        ...

    def distinct_key(self, occurrence: Any, name: str) -> object:
        """The value of field ``name`` of what an occurrence is about."""
        ...

    def value(self, ref: Any) -> Any:
        """A literal, or a parameter's value on the judged date."""
        ...

    def repeats(self, cond: RepeatOf, within: Any, rule_id: str) -> int | None:
        """How many orders the repeat finds within ``within``; ``None`` without the index."""
        ...


class PeriodContext(Protocol):
    """What a period rule's tier reads: a unit's counts in one period."""

    notes: list[str]

    def count(self, trigger: Trigger) -> int:
        """How many times the trigger's findings occurred in the period."""
        ...

    def label(self, trigger: Trigger) -> str:
        """How a note names what the trigger counts (``deduction:CD-9``)."""
        ...

    def value(self, ref: Any) -> Any:
        """A literal, or a parameter's value on the day the period is judged by."""
        ...


def parameter_note(ref: object) -> str:
    """How a trace names a value that came from a dated parameter (empty for a literal).

    Example:
        >>> parameter_note(ParamRef(param="repeat_threshold")), parameter_note(3)
        (', parameter repeat_threshold', '')
    """
    return f", parameter {ref.param}" if isinstance(ref, ParamRef) else ""


def count_threshold(cond: CountOf, value: Callable[[Any], Any]) -> tuple[bool, int, str]:
    """A count's threshold: whether it is ``at_least``, its number, its trace text.

    ``at_least`` false means ``equals``. The number is read through ``value`` (a
    literal as it is, a dated parameter on the date being judged).

    Example:
        >>> cond = CountOf(count=Trigger(event="continuation"), at_least=ParamRef(param="n"))
        >>> count_threshold(cond, lambda ref: 2)
        (True, 2, '>= 2, parameter n')
    """
    if cond.at_least is not None:
        least = int(value(cond.at_least))
        return True, least, f">= {least}{parameter_note(cond.at_least)}"
    equals = int(value(cond.equals))
    return False, equals, f"== {equals}{parameter_note(cond.equals)}"


class ConditionNode:
    """One node of a compiled condition; see the module docstring."""

    has_repeat: bool = False
    triggers: tuple[Trigger, ...] = ()
    """Every trigger the condition counts (known at compile time)."""

    def holds(self, ctx: OrderContext, rule_id: str) -> Holding:
        """Whether it holds on the order, since when, and what counted."""
        raise NotImplementedError

    def decides(self, ctx: OrderContext, rule_id: str) -> bool:
        """Whether it holds on the order: :meth:`holds`, short-circuited."""
        return self.holds(ctx, rule_id).holds

    def holds_in_period(self, ctx: PeriodContext) -> bool:
        """Whether it holds on a unit's counts in a period (notes written to ``ctx``)."""
        return False


class _TriggerNode(ConditionNode):
    def __init__(self, trigger: Trigger) -> None:
        self.trigger = trigger
        self.triggers = (trigger,)

    def holds(self, ctx: OrderContext, rule_id: str) -> Holding:
        found = ctx.occurrences(self.trigger)
        return Holding(True, found[0].at, tuple(found)) if found else _NOT_HOLDING

    def decides(self, ctx: OrderContext, rule_id: str) -> bool:
        return ctx.occurs(self.trigger)

    def holds_in_period(self, ctx: PeriodContext) -> bool:
        return ctx.count(self.trigger) > 0


class _CountNode(ConditionNode):
    def __init__(self, cond: CountOf) -> None:
        self.cond = cond
        self.triggers = (cond.count,)

    def holds(self, ctx: OrderContext, rule_id: str) -> Holding:
        cond = self.cond
        found = list(ctx.occurrences(cond.count))
        if cond.distinct is not None:
            seen: set[object] = set()
            distinct = []
            for occurrence in found:
                key = ctx.distinct_key(occurrence, cond.distinct)
                if key not in seen:
                    seen.add(key)
                    distinct.append(occurrence)
            found = distinct
        at_least, number, threshold = count_threshold(cond, ctx.value)
        if at_least:
            ok = len(found) >= number
            since = found[number - 1].at if ok else None
        else:
            ok = len(found) == number
            since = (found[-1].at if found else ctx.received_at) if ok else None
        what = f"distinct by {cond.distinct}" if cond.distinct else "occurrences"
        return Holding(ok, since, tuple(found), (f"{len(found)} {what} ({threshold})",))

    def holds_in_period(self, ctx: PeriodContext) -> bool:
        n = ctx.count(self.cond.count)
        at_least, number, threshold = count_threshold(self.cond, ctx.value)
        ok = n >= number if at_least else n == number
        verdict = "yes" if ok else "no"
        ctx.notes.append(f"{ctx.label(self.cond.count)}: {n} ({threshold}: {verdict})")
        return ok


def _once_each(counted: Iterable[Any]) -> tuple[Any, ...]:
    """What several parts counted, each thing once, in order of its last mention.

    One callback dissatisfied on all three counts is counted by each of daye's three
    DY-11 branches; the trace names it once. The last thing counted stays last (the
    unit an escalation goes to may be the last counted one's). A thing two triggers
    counted with different trace notes (one with ``after``, one without) is the same
    thing: it is named once, with the notes of every mention.
    """
    found = tuple(counted)
    if len(found) < 2:
        return found
    if not any(getattr(item, "notes", ()) for item in found):
        return tuple(reversed(dict.fromkeys(reversed(found))))
    notes: dict[Any, dict[str, None]] = {}
    bare = []
    for item in found:
        said = getattr(item, "notes", ())
        if said:
            item = item._replace(notes=())
            notes.setdefault(item, {}).update(dict.fromkeys(said))
        bare.append(item)
    return tuple(
        item._replace(notes=tuple(notes[item])) if item in notes else item
        for item in reversed(dict.fromkeys(reversed(bare)))
    )


class _AllNode(ConditionNode):
    def __init__(self, parts: list[ConditionNode]) -> None:
        self.parts = parts
        self.has_repeat = any(part.has_repeat for part in parts)
        self.triggers = tuple(t for part in parts for t in part.triggers)

    def holds(self, ctx: OrderContext, rule_id: str) -> Holding:
        parts = [part.holds(ctx, rule_id) for part in self.parts]
        ok = all(p.holds for p in parts)
        since = max((p.since for p in parts if p.since is not None), default=None) if ok else None
        return Holding(
            ok,
            since,
            _once_each(o for p in parts for o in p.counted),
            tuple(n for p in parts for n in p.notes),
        )

    def decides(self, ctx: OrderContext, rule_id: str) -> bool:
        for part in self.parts:  # noqa: SIM110 (a hot path: no generator a call)
            if not part.decides(ctx, rule_id):
                return False
        return True

    def holds_in_period(self, ctx: PeriodContext) -> bool:
        return all([part.holds_in_period(ctx) for part in self.parts])  # every note written


class _AnyNode(ConditionNode):
    def __init__(self, parts: list[ConditionNode]) -> None:
        self.parts = parts
        self.has_repeat = any(part.has_repeat for part in parts)
        self.triggers = tuple(t for part in parts for t in part.triggers)

    def holds(self, ctx: OrderContext, rule_id: str) -> Holding:
        parts = [part.holds(ctx, rule_id) for part in self.parts]
        holding = [p for p in parts if p.holds]
        since = min((p.since for p in holding if p.since is not None), default=None)
        return Holding(
            bool(holding),
            since,
            _once_each(o for p in holding for o in p.counted),
            tuple(n for p in holding for n in p.notes),
        )

    def decides(self, ctx: OrderContext, rule_id: str) -> bool:
        for part in self.parts:  # noqa: SIM110 (a hot path: no generator a call)
            if part.decides(ctx, rule_id):
                return True
        return False

    def holds_in_period(self, ctx: PeriodContext) -> bool:
        return any([part.holds_in_period(ctx) for part in self.parts])  # every note written


class _NotNode(ConditionNode):
    def __init__(self, inner: ConditionNode) -> None:
        self.inner = inner
        self.has_repeat = inner.has_repeat
        self.triggers = inner.triggers

    def holds(self, ctx: OrderContext, rule_id: str) -> Holding:
        inner = self.inner.holds(ctx, rule_id)
        return Holding(not inner.holds, None, (), (f"not ({len(inner.counted)} occurrences)",))

    def decides(self, ctx: OrderContext, rule_id: str) -> bool:
        return not self.inner.decides(ctx, rule_id)

    def holds_in_period(self, ctx: PeriodContext) -> bool:
        return not self.inner.holds_in_period(ctx)


class _RepeatNode(ConditionNode):
    has_repeat = True

    def __init__(self, cond: RepeatOf) -> None:
        self.cond = cond

    def holds(self, ctx: OrderContext, rule_id: str) -> Holding:
        cond = self.cond
        within = ctx.value(cond.within)
        n = ctx.repeats(cond, within, rule_id)
        if n is None:  # no index of the other orders (the context warned)
            return _NOT_HOLDING
        least = int(ctx.value(cond.at_least))
        note = (
            f"{n} orders by this complainant on this issue"
            if cond.repeat == "complainant"
            else f"{n} complainants on this issue"
        ) + f" within {within}{parameter_note(cond.within)}"
        if isinstance(cond.at_least, ParamRef):
            note += f" (>= {least}{parameter_note(cond.at_least)})"
        ok = n >= least
        return Holding(ok, ctx.received_at if ok else None, (), (note,))


class _ParamIsNode(ConditionNode):
    def __init__(self, cond: ParamIs) -> None:
        ((self.name, self.wanted),) = cond.param_is.items()
        self.ref = ParamRef(param=self.name)

    def holds(self, ctx: OrderContext, rule_id: str) -> Holding:
        value = ctx.value(self.ref)
        ok = bool(value == self.wanted)
        return Holding(ok, ctx.received_at if ok else None, (), (self._note(value, ok),))

    def holds_in_period(self, ctx: PeriodContext) -> bool:
        value = ctx.value(self.ref)
        ok = bool(value == self.wanted)
        ctx.notes.append(self._note(value, ok))
        return ok

    def _note(self, value: Any, ok: bool) -> str:
        return f"parameter {self.name}: {value} ({'yes' if ok else 'no'})"


def compile_condition(cond: Condition) -> ConditionNode:
    """A condition as a tree of nodes (built once per rule, by the pack's plan).

    Raises:
        TypeError: not a condition of the pack schema.
    """
    if isinstance(cond, Trigger):
        return _TriggerNode(cond)
    if isinstance(cond, CountOf):
        return _CountNode(cond)
    if isinstance(cond, AllOf):
        return _AllNode([compile_condition(inner) for inner in cond.all])
    if isinstance(cond, AnyOf):
        return _AnyNode([compile_condition(inner) for inner in cond.any])
    if isinstance(cond, NotOf):
        return _NotNode(compile_condition(cond.not_))
    if isinstance(cond, RepeatOf):
        return _RepeatNode(cond)
    if isinstance(cond, ParamIs):
        return _ParamIsNode(cond)
    raise RuleDefinitionError(_("not a condition: {kind}").format(kind=type(cond).__name__))
