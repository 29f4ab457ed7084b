"""Proofs that a rule finds nothing on an order, so the order need not go per order.

A window reports one finding per action event: without one it reports nothing. A
deduction counts its triggers and an escalation holds only if its condition does;
a condition built of triggers with ``any``, ``all`` and ``count ... at_least`` (n ≥ 1)
cannot hold when none of its triggers occurs. Whether a trigger occurs is known
from the matched events and from the findings the kernels already computed on the
order; anything not known (a rule evaluated per order, a ``not``, a repeat) counts as
possibly occurring, so a rule is skipped only when it provably finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.packs.schema import AllOf, AnyOf, Condition, CountOf, Trigger

__all__ = ["Known", "could_hold"]

Known = Callable[[str, int], list[tuple[str, str]] | None]
"""(rule id, order) → the (state, level) of the rule's findings on the order computed by a
kernel, or ``None`` when they are not known (the rule runs per order there)."""


def _occurs(batch: OrderBatch, i: int, trigger: Trigger, known: Known) -> bool:
    plan = batch.plan
    if trigger.event is not None and batch.positions(i, plan.pattern_of(trigger)):
        return True
    if trigger.deduction:
        return True
    for rule_id in trigger.clock:
        found = known(rule_id, i)
        if found is None:
            return True
        if any(  # (no state: a trigger on the level a clock reached, in any state now)
            (trigger.state is None or state == trigger.state)
            and (trigger.level is None or level == trigger.level)
            for state, level in found
        ):
            return True
    for rule_id in trigger.window:
        found = known(rule_id, i)
        if found is None or any(state == trigger.state for state, _ in found):
            return True
    for rule_id in trigger.escalation:
        found = known(rule_id, i)
        if found is None or found:
            return True
    return False


def could_hold(batch: OrderBatch, i: int, cond: Condition, known: Known) -> bool:
    """``False`` only if the condition cannot hold on order ``i``."""
    if isinstance(cond, Trigger):
        return _occurs(batch, i, cond, known)
    if isinstance(cond, AnyOf):
        return any(could_hold(batch, i, part, known) for part in cond.any)
    if isinstance(cond, AllOf):
        return all(could_hold(batch, i, part, known) for part in cond.all)
    if isinstance(cond, CountOf) and cond.equals is None and cond.at_least is not None:
        least = batch.value(cond.at_least, i)
        if isinstance(least, int | float) and least >= 1:
            return _occurs(batch, i, cond.count, known)
    return True
