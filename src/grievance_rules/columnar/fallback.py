"""The per-order engine for what no kernel evaluates: a plan cut down to those rules.

A rule (or an order) a kernel cannot evaluate exactly is evaluated by
:func:`grievance_rules.engine.evaluate` under a plan holding only the rules asked
for and the rules they read (the clocks, windows and escalations their conditions
count, and every deduction when one deduction is asked for: deductions may count
each other). Only the findings of the rules asked for are kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Iterable

from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.findings import Row, rows_of_assessment
from grievance_rules.engine.plan import PackPlan
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.engine.single import evaluate
from grievance_rules.packs.schema import (
    ClockRule,
    DeductionRule,
    EscalationRule,
    RecordRule,
    iter_triggers,
)

__all__ = ["evaluate_per_order", "needed_rules", "restricted_plan"]


def _reads(plan: PackPlan, rule_id: str) -> set[str]:
    """The rule ids one rule's evaluation reads."""
    rule = plan.pack.rule(rule_id)
    found: set[str] = set()
    if isinstance(rule, ClockRule):
        if rule.start_else_due_of:
            found.add(rule.start_else_due_of)
        found.update(rule.no_later_than)
    when = getattr(rule, "when", None)
    if isinstance(rule, DeductionRule | EscalationRule | RecordRule) and when is not None:
        for trigger in iter_triggers(when):
            found.update(trigger.clock, trigger.window, trigger.escalation, trigger.deduction)
    if isinstance(rule, DeductionRule):
        found.update(rule.same_occurrence_as)
        found.update(r.id for r, _ in plan.deduction_rules)
    return found


def needed_rules(plan: PackPlan, rule_ids: Iterable[str]) -> frozenset[str]:
    """The rules asked for and every rule they read, transitively."""
    pending = list(rule_ids)
    seen: set[str] = set()
    while pending:
        rule_id = pending.pop()
        if rule_id in seen:
            continue
        seen.add(rule_id)
        pending.extend(_reads(plan, rule_id) - seen)
    return frozenset(seen)


_LOCK = threading.Lock()


def restricted_plan(plan: PackPlan, rule_ids: frozenset[str]) -> PackPlan:
    """The plan with only ``rule_ids`` and what they read (kept in the plan's memo)."""
    key = ("columnar-restricted", rule_ids)
    with _LOCK:
        found = plan.memo.get(key)
    if isinstance(found, PackPlan):
        return found
    keep = needed_rules(plan, rule_ids)
    cut = dataclasses.replace(
        plan,
        clock_rules=tuple(p for p in plan.clock_rules if p[0].id in keep),
        window_rules=tuple(p for p in plan.window_rules if p[0].id in keep),
        escalation_rules=tuple(p for p in plan.escalation_rules if p[0].id in keep),
        deduction_rules=tuple(p for p in plan.deduction_rules if p[0].id in keep),
        record_rules=tuple(p for p in plan.record_rules if p[0].id in keep),
        memo={},
    )
    with _LOCK:
        plan.memo[key] = cut
    return cut


def evaluate_per_order(
    batch: OrderBatch,
    i: int,
    rule_ids: frozenset[str],
    repeats: RepeatIndex | None,
    judged_on: dt.date | None,
) -> list[Row]:
    """The rows of ``rule_ids`` on order ``i``, by the per-order engine."""
    plan = restricted_plan(batch.plan, rule_ids)
    assessment = evaluate(
        batch.orders[i],
        plan,
        batch.instants[i],
        judged_on=judged_on,
        repeats=repeats,
        check_history=False,
    )
    return rows_of_assessment(i, assessment, rule_ids, "per_order")
