"""Evaluate a whole pack over a batch of orders: kernels where exact, the engine elsewhere.

:func:`evaluate_columnar` is the entry point. For each rule of the plan, in the
engine's order (clocks, windows, escalations, deductions, records):

* a rule with a kernel (:mod:`.clocks`, :mod:`.conditions`) is computed over the
  whole batch; the orders its kernel cannot evaluate exactly are named by it;
* a rule without one is evaluated per order, but only on the orders where it could
  find something (:mod:`.prefilter`): a window with no action event, a deduction or
  escalation none of whose triggers occurred, finds nothing;
* every order left over is evaluated once by the per-order engine under a plan cut
  down to the rules it needs there (:mod:`.fallback`), and those findings are merged.

The summary counts, per rule, how many orders went each way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grievance_rules.columnar import clocks as clock_kernel
from grievance_rules.columnar import conditions as condition_kernel
from grievance_rules.columnar.batch import OrderInput, prepare, to_orders
from grievance_rules.columnar.fallback import evaluate_per_order
from grievance_rules.columnar.findings import FindingRows, Row
from grievance_rules.columnar.prefilter import Known, could_hold
from grievance_rules.engine.assessment import Assessment
from grievance_rules.engine.plan import PackPlan, plan_for
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.engine.single import evaluate
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack
from grievance_rules.packs.schema import ClockRule

__all__ = ["ColumnarResult", "RuleCount", "evaluate_columnar"]


@dataclass
class RuleCount:
    """How one rule was evaluated over the batch.

    Attributes:
        rule_id: the rule.
        kind: clock, window, escalation, deduction or record.
        kernel: the kernel that evaluated it, or ``None`` (per order where needed).
        reason: why the rule has no kernel (``None`` if it has one).
        columnar: orders decided without the per-order engine (by the kernel, by the
            rule's selector, or because the rule provably finds nothing there).
        per_order: orders the per-order engine evaluated this rule on.
    """

    rule_id: str
    kind: str
    kernel: str | None
    reason: str | None
    columnar: int = 0
    per_order: int = 0


@dataclass
class ColumnarResult:
    """Findings of a pack over a batch, as a table, and how they were computed.

    Attributes:
        plan: the plan evaluated.
        orders: the orders, in input order.
        findings: one row per finding (:mod:`grievance_rules.columnar.findings`).
        rules: per rule, how many orders went columnar and how many per order.
        per_order_orders: how many orders the per-order engine evaluated (any rule).
    """

    plan: PackPlan
    orders: Sequence[WorkOrder]
    findings: FindingRows
    rules: list[RuleCount]
    per_order_orders: int
    as_of: dt.datetime | None = None
    judged_on: dt.date | None = None
    repeats: RepeatIndex | None = None
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def summary(self) -> dict[str, object]:
        """The run's counts: orders, findings, and per rule columnar vs per order."""
        return {
            "pack": self.plan.key,
            "orders": len(self.orders),
            "findings": len(self.findings),
            "per_order_orders": self.per_order_orders,
            "rules": {
                c.rule_id: {
                    "kind": c.kind,
                    "kernel": c.kernel,
                    "reason": c.reason,
                    "columnar": c.columnar,
                    "per_order": c.per_order,
                }
                for c in self.rules
            },
        }

    def assessment_for(self, order_id: str) -> Assessment:
        """The full per-order :class:`Assessment` of one order (citations, traces, warnings).

        Re-runs the per-order engine on that order with the same plan, ``as_of``,
        ``judged_on`` and repeat index (the first order of that id).

        Raises:
            KeyError: no order of that id in the batch.
        """
        if not self._index:
            for i, order in enumerate(self.orders):
                self._index.setdefault(order.id, i)
        order = self.orders[self._index[order_id]]
        return evaluate(
            order,
            self.plan,
            self.as_of,
            judged_on=self.judged_on,
            repeats=self.repeats,
            check_history=False,
        )


def _known_from(
    rows: dict[tuple[str, int], list[tuple[str, str]]], per_order: dict[int, set[str]]
) -> Known:
    def known(rule_id: str, i: int) -> list[tuple[str, str]] | None:
        if rule_id in per_order.get(i, ()):
            return None
        return rows.get((rule_id, i), [])

    return known


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _clocks_in_order(plan: PackPlan) -> list[tuple[ClockRule, str]]:
    """The clock rules, each after those its ``no_later_than`` names (else file order)."""
    done: list[tuple[ClockRule, str]] = []
    placed: set[str] = set()
    ids = {rule.id for rule, _ in plan.clock_rules}
    pending = list(plan.clock_rules)
    while pending:
        ready = [p for p in pending if all(o in placed or o not in ids for o in p[0].no_later_than)]
        if not ready:  # a cycle: the rest in file order (their kernels will refuse them)
            return done + pending
        for p in ready:
            done.append(p)
            placed.add(p[0].id)
            pending.remove(p)
    return done


def evaluate_columnar(
    orders: Iterable[OrderInput],
    pack: PackPlan | Pack | str | Path,
    *,
    as_of: dt.datetime | None = None,
    judged_on: dt.date | None = None,
    repeats: RepeatIndex | None = None,
    check_history: bool = True,
) -> ColumnarResult:
    """Evaluate a pack over a batch of orders; findings as a table.

    Args:
        orders: work orders (models, dicts or JSON lines), e.g. one partition.
        pack: the compiled plan (or a pack, name or directory: :func:`plan_for`).
        as_of: the instant of every assessment; ``None``: each order's last instant.
        judged_on: the date whose parameter values apply; by default each order's
            receipt (as :func:`grievance_rules.engine.evaluate`).
        repeats: the cross-order repeat index, for rules with ``repeat`` conditions.
        check_history: refuse an order whose history contradicts itself.

    Returns:
        The findings (the same, finding for finding, as the per-order engine's) and
        per rule how many orders went columnar and how many per order.

    Raises:
        WorkOrderError: an input is not a valid work order (its position named).
        HistoryError: an order's history contradicts itself.
    """
    plan = pack if isinstance(pack, PackPlan) else plan_for(pack)
    order_list = to_orders(orders)
    batch = prepare(order_list, plan, as_of, judged_on, check_history=check_history)
    findings = FindingRows()
    counts: list[RuleCount] = []
    per_order: dict[int, set[str]] = defaultdict(set)
    known_rows: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    known = _known_from(known_rows, per_order)
    n = len(order_list)

    def keep(rows: list[Row]) -> None:
        findings.extend(rows)
        for row in rows:
            known_rows[(row[2], row[0])].append((row[6], row[10]))

    def send(count: RuleCount, orders_: Iterable[int]) -> None:
        for i in orders_:
            per_order[i].add(count.rule_id)
            count.per_order += 1
        count.columnar = n - count.per_order

    def applies(selector: str) -> list[int]:
        return [i for i, m in enumerate(batch.matches) if selector in m.selectors]

    dues: dict[tuple[str, int], dt.datetime] = {}
    kernelled: set[str] = set()

    def first_due(rule_id: str, i: int) -> dt.datetime | None:
        if rule_id not in kernelled or rule_id in per_order.get(i, ()):
            raise LookupError(rule_id)
        return dues.get((rule_id, i))

    for rule, selector in _clocks_in_order(plan):
        why = clock_kernel.unsupported(rule)
        if why is None and any(other not in kernelled for other in rule.no_later_than):
            why = "no_later_than a clock without a kernel"
        count = RuleCount(rule.id, "clock", None if why else "clock", why)
        counts.append(count)
        if why is not None:
            send(count, applies(selector))
            continue
        rows, fallback = clock_kernel.clock_rows(batch, rule, selector, first_due)
        keep(rows)
        send(count, sorted(fallback))
        kernelled.add(rule.id)
        for row in rows:
            if (rule.id, row[0]) not in dues:
                dues[(rule.id, row[0])] = _EPOCH + dt.timedelta(microseconds=row[8])
    for window, selector in plan.window_rules:
        count = RuleCount(window.id, "window", None, "no window kernel yet")
        counts.append(count)
        action = plan.pattern_of(window.action)
        send(count, [i for i in applies(selector) if batch.positions(i, action)])
    for escalation, selector in plan.escalation_rules:
        why = condition_kernel.unsupported(escalation.when)
        if escalation.id in plan.repeat_rules:
            why = "a repeat condition"
        count = RuleCount(escalation.id, "escalation", None if why else "condition", why)
        counts.append(count)
        if why is None:
            rows, fallback = condition_kernel.escalation_rows(batch, escalation, selector)
            keep(rows)
            send(count, sorted(fallback))
            continue
        send(
            count,
            [
                i
                for i in applies(selector)
                if escalation.id in plan.repeat_rules
                or could_hold(batch, i, escalation.when, known)
            ],
        )
    for deduction, selector in plan.deduction_rules:
        count = RuleCount(deduction.id, "deduction", None, "no deduction kernel yet")
        counts.append(count)
        send(count, [i for i in applies(selector) if could_hold(batch, i, deduction.when, known)])
    for record, selector in plan.record_rules:
        why = condition_kernel.unsupported(record.when)
        if record.id in plan.repeat_rules:
            why = "a repeat condition"
        count = RuleCount(record.id, "record", None if why else "condition", why)
        counts.append(count)
        if why is None:
            rows, fallback = condition_kernel.record_rows(batch, record, selector)
            keep(rows)
            send(count, sorted(fallback))
            continue
        send(count, applies(selector))
    for i in sorted(per_order):
        findings.extend(
            evaluate_per_order(batch, i, frozenset(per_order[i]), repeats, judged_on is not None)
        )
    findings.sort()
    return ColumnarResult(
        plan=plan,
        orders=order_list,
        findings=findings,
        rules=counts,
        per_order_orders=len(per_order),
        as_of=as_of,
        judged_on=judged_on,
        repeats=repeats,
    )
