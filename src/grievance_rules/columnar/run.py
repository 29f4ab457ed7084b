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
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Literal

import numpy as np

from grievance_rules.calendar import to_shanghai
from grievance_rules.collector import paused
from grievance_rules.columnar import clocks as clock_kernel
from grievance_rules.columnar import conditions as condition_kernel
from grievance_rules.columnar import deductions, escalations, records
from grievance_rules.columnar import windows as window_kernel
from grievance_rules.columnar.batch import OrderBatch, OrderInput, prepare, to_orders
from grievance_rules.columnar.events import EventsTable, events_table
from grievance_rules.columnar.fallback import evaluate_per_order
from grievance_rules.columnar.findings import Block, FindingRows, Part, Row, as_rows
from grievance_rules.columnar.frame import Frame, build_frame, frame_of
from grievance_rules.columnar.periods import period_tally
from grievance_rules.columnar.prefilter import could_hold
from grievance_rules.columnar.read_columns import ReadAt
from grievance_rules.engine.assessment import Assessment, Rejection
from grievance_rules.engine.batch import ReadyOrder, ready_input
from grievance_rules.engine.matching import OrderView
from grievance_rules.engine.periods import PeriodTally
from grievance_rules.engine.plan import PackPlan, plan_for
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.engine.single import evaluate, instant_of, latest_listed
from grievance_rules.errors import ArgumentError
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder, ensure_coherent
from grievance_rules.packs import Pack
from grievance_rules.packs.schema import (
    ClockRule,
    Condition,
    DeductionRule,
    EscalationRule,
    RecordRule,
    Trigger,
)
from grievance_rules.reading.results import Accepted

__all__ = ["ColumnarResult", "RuleCount", "evaluate_columnar", "evaluate_columnar_each"]

_ORDER = attrgetter("order")
_HISTORY_CHECKED = attrgetter("history_checked")
_INTEGERS_FIT = attrgetter("integers_fit")
_COLUMNS = attrgetter("columns")


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
    batch: OrderBatch | None = field(default=None, repr=False)
    rejections: list[Rejection] = field(default_factory=list)
    """Inputs left out (``rejects="skip"``), each with its position and reasons."""
    positions: list[int] = field(default_factory=list)
    """The input position of each order in :attr:`orders`."""
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def period_tally(self, periods: frozenset[str] = frozenset()) -> PeriodTally:
        """The counts per unit and period the pack's period rules and rankings judge.

        Pass it to :func:`grievance_rules.engine.evaluate_periods` (as it is fed from
        assessments; see :mod:`grievance_rules.columnar.periods`).
        """
        return period_tally(self, periods)

    def events(self) -> EventsTable:
        """The batch's events table (kept events, codes, the plan's matches as columns)."""
        assert self.batch is not None
        return events_table(self.batch)

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


def _clock_deps(rule: ClockRule) -> tuple[str, ...]:
    """The clocks a clock reads: ``no_later_than`` and ``start_else_due_of``."""
    extra = (rule.start_else_due_of,) if rule.start_else_due_of else ()
    return (*rule.no_later_than, *extra)


def _clocks_in_order(plan: PackPlan) -> list[tuple[ClockRule, str]]:
    """The clock rules, each after the clocks it reads (else file order)."""
    done: list[tuple[ClockRule, str]] = []
    placed: set[str] = set()
    ids = {rule.id for rule, _ in plan.clock_rules}
    pending = list(plan.clock_rules)
    while pending:
        ready = [p for p in pending if all(o in placed or o not in ids for o in _clock_deps(p[0]))]
        if not ready:  # a cycle: the rest in file order (their kernels will refuse them)
            return done + pending
        for p in ready:
            done.append(p)
            placed.add(p[0].id)
            pending.remove(p)
    return done


class _RuleRows:
    """Rule id → every finding its kernel found, as rows, made from a block when first read.

    A kernel may give a rule's findings as a block of columns (a clock's); most are read
    by no other rule, so they are made into rows (:func:`~.findings.as_rows`) only when
    one asks for them.
    """

    def __init__(self) -> None:
        self._parts: dict[str, list[Part]] = {}
        self._rows: dict[str, list[Row]] = {}

    def add(self, rule_id: str, part: Part) -> None:
        """Add findings of ``rule_id`` (after those added before)."""
        self._parts.setdefault(rule_id, []).append(part)
        self._rows.pop(rule_id, None)

    def parts(self, rule_id: str) -> Sequence[Part]:
        """``rule_id``'s findings as added (blocks or rows), in the order added."""
        return self._parts.get(rule_id, ())

    def get(self, rule_id: str) -> list[Row] | None:
        """``rule_id``'s rows in the order added; ``None`` for a rule with none added."""
        rows = self._rows.get(rule_id)
        if rows is None:
            parts = self._parts.get(rule_id)
            if parts is None:
                return None
            rows = self._rows[rule_id] = [row for part in parts for row in as_rows(part)]
        return rows


@dataclass(frozen=True)
class _Computed:
    """What the kernels found so far (:class:`~grievance_rules.columnar.conditions.BatchFindings`).

    Attributes:
        on_order: a rule's rows on one order (``None``: it runs per order there).
        rows: rule id → every row its kernel found.
        sent: rule id → the orders it runs per order on.
    """

    on_order: Callable[[str, int], list[Row] | None]
    rows: _RuleRows
    sent: Mapping[str, set[int]]

    def __call__(self, rule_id: str, i: int) -> list[Row] | None:
        return self.on_order(rule_id, i)

    def of_rule(self, rule_id: str) -> tuple[Sequence[Row], Collection[int]]:
        return self.rows.get(rule_id) or (), self.sent.get(rule_id, frozenset())

    def parts_of_rule(self, rule_id: str) -> tuple[Sequence[Part], Collection[int]]:
        return self.rows.parts(rule_id), self.sent.get(rule_id, frozenset())


_ConditionKernel = Callable[..., tuple[Part, set[int]]]
"""A condition rule's kernel: ``(batch, rule, selector, findings, only)`` -> (its rows or a
block of columns (a record's; a deduction's without a cap); the orders left to the
per-order engine)."""

_CONDITION_KERNELS: dict[str, _ConditionKernel] = {
    "escalation": escalations.escalation_rows,
    "deduction": deductions.deduction_rows,
    "record": records.record_rows,
}


def evaluate_columnar(
    orders: Iterable[OrderInput],
    pack: PackPlan | Pack | str | Path,
    *,
    as_of: dt.datetime | None = None,
    judged_on: dt.date | None = None,
    repeats: RepeatIndex | None = None,
    check_history: bool = True,
    rejects: Literal["raise", "skip"] = "raise",
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
        rejects: ``raise`` on the first input that cannot be assessed, or ``skip`` it:
            it is left out of the batch and listed in ``result.rejections`` (the
            per-order batch's :class:`~grievance_rules.engine.Rejection`, with its
            position as ``#n``); ``result.positions`` maps the orders back to inputs.

    Returns:
        The findings (the same, finding for finding, as the per-order engine's) and
        per rule how many orders went columnar and how many per order.

    Raises:
        WorkOrderError: an input is not a valid work order (its position named).
        HistoryError: an order's history contradicts itself.
        FactValidationError: an event integer wider than 64 bits.
    """
    (result,) = evaluate_columnar_each(
        orders,
        [pack],
        as_of=as_of,
        judged_on=judged_on,
        repeats=repeats,
        check_history=check_history,
        rejects=rejects,
    )
    return result


def evaluate_columnar_each(
    orders: Iterable[OrderInput],
    packs: Sequence[PackPlan | Pack | str | Path],
    *,
    as_of: dt.datetime | None = None,
    judged_on: dt.date | None = None,
    repeats: RepeatIndex | None = None,
    check_history: bool = True,
    rejects: Literal["raise", "skip"] = "raise",
    views: Sequence[OrderView] | None = None,
    instants: Sequence[dt.datetime] | None = None,
    read: Sequence[ReadAt | None] | None = None,
) -> list[ColumnarResult]:
    """:func:`evaluate_columnar` under several packs; the orders validated and checked once.

    This is what ``compare`` and a Dask partition call: one result per pack, in order.
    ``views``: each order already cut to its assessment instant (``view_of``), its
    history checked and its integers checked (``check_integers``), as the scoring
    fold reads them; given, the orders are neither cut nor checked again here (with
    ``rejects="raise"`` and ``check_history=False`` only). ``instants``: with ``views``,
    the instant each was cut at (``instant_of(order, as_of)``, as the caller found it),
    so that it is not found again. ``read``: with ``views``, per order, its events as
    numbers as its reader gave them (:attr:`~grievance_rules.reading.Accepted.columns`,
    or ``None``), taken instead of reading each event's object again for them (a
    reader's record given as an input gives its own).

    Raises:
        WorkOrderError: an input is not a valid work order (its position named).
        HistoryError: an order's history contradicts itself.
        FactValidationError: an event integer wider than 64 bits.
        ArgumentError: ``views`` with ``rejects="skip"`` or ``check_history``, or
            ``instants`` or ``read`` without ``views`` (a ValueError).
    """
    plans = [p if isinstance(p, PackPlan) else plan_for(p) for p in packs]
    if views is not None and (rejects != "raise" or check_history):
        raise ArgumentError(
            _(
                "views= is for orders already checked: give it with rejects='raise' and "
                "check_history=False, not rejects={rejects} and check_history={check}"
            ).format(rejects=repr(rejects), check=check_history),
            parameter="views",
            value=views,
        )
    for name, value in (("instants", instants), ("read", read)):
        if value is not None and views is None:
            raise ArgumentError(
                _("{name}= is for the views= given: give views= with it").format(name=name),
                parameter=name,
                value=value,
            )
    with paused():
        rejections: list[Rejection] = []
        integers_fit = False  # (every input a reader's record vouching for its integers)
        if views is not None:
            order_list = [view.order for view in views]  # ``orders``: these views' orders
            positions = list(range(len(order_list)))
        elif rejects == "raise":
            inputs = orders if isinstance(orders, list) else list(orders)
            if inputs and set(map(type, inputs)) == {Accepted}:  # (a reader's records: read in C)
                order_list = list(map(_ORDER, inputs))
                in_time_order = list(map(_HISTORY_CHECKED, inputs))
                integers_fit = all(map(_INTEGERS_FIT, inputs))
                read = list(map(_COLUMNS, inputs))
            else:
                order_list = to_orders(inputs)
                # a reader's record had its history checked there, its integers maybe too
                in_time_order = [
                    isinstance(item, Accepted) and item.history_checked for item in inputs
                ]
                integers_fit = bool(inputs) and all(
                    isinstance(item, Accepted) and item.integers_fit for item in inputs
                )
                read = [item.columns if isinstance(item, Accepted) else None for item in inputs]
            positions = list(range(len(order_list)))
            if check_history:
                for order, checked in zip(order_list, in_time_order, strict=True):
                    if not checked:
                        ensure_coherent(order)
                in_time_order = [True] * len(order_list)  # each checked, here or by its reader
        else:  # each input cut to as_of as it is checked, once for every pack
            accepted, positions = _accepted(orders, as_of, check_history, rejections)
            order_list = [entry.order for entry in accepted]
            views = [entry.view for entry in accepted]
            instants = [entry.instant for entry in accepted]
        if views is None:
            # the orders cut to as_of once for every pack
            frame = build_frame(order_list, as_of, in_time_order, read)
        else:
            if instants is None:
                instants = (
                    list(map(_last_kept, views))
                    if as_of is None
                    else [instant_of(order, as_of) for order in order_list]
                )
            frame = frame_of(order_list, instants, views, read)
        results = [
            _evaluate(
                order_list,
                plan,
                as_of,
                judged_on,
                repeats,
                False,
                rejects == "raise" and n == 0 and views is None and not integers_fit,
                frame,
            )
            for n, plan in enumerate(plans)
        ]
    for result in results:
        result.rejections = rejections
        result.positions = positions
    return results


def _last_kept(view: OrderView) -> dt.datetime:
    """``instant_of(view.order, None)`` for a view cut there (every event kept, in time order)."""
    return latest_listed(view.kept, view.order.received_at)


def _accepted(
    inputs: Iterable[OrderInput],
    as_of: dt.datetime | None,
    check_history: bool,
    rejections: list[Rejection],
) -> tuple[list[ReadyOrder], list[int]]:
    """The inputs that can be assessed, cut to their instants, and their positions.

    By :func:`~grievance_rules.engine.batch.ready_input`, as the per-order batch reads
    them; the inputs that cannot be assessed are added to ``rejections``.
    """
    if as_of is not None:
        to_shanghai(as_of, what="as_of")  # a naive as_of fails the call, not each order
    accepted: list[ReadyOrder] = []
    positions: list[int] = []
    for position, item in enumerate(inputs):
        entry = ready_input(position, item, as_of, check_history=check_history)
        if isinstance(entry, Rejection):
            rejections.append(entry)
        else:
            accepted.append(entry)
            positions.append(position)
    return accepted, positions


def _evaluate(
    order_list: list[WorkOrder],
    plan: PackPlan,
    as_of: dt.datetime | None,
    judged_on: dt.date | None,
    repeats: RepeatIndex | None,
    check_history: bool,
    check_integers: bool = True,
    frame: Frame | None = None,
) -> ColumnarResult:
    batch = prepare(
        order_list,
        plan,
        as_of,
        judged_on,
        repeats=repeats,
        check_history=check_history,
        check_integers=check_integers,
        frame=frame,
    )
    findings = FindingRows()
    counts: list[RuleCount] = []
    per_order: dict[int, set[str]] = defaultdict(set)
    by_order: dict[str, dict[int, list[Row]]] = {}
    """rule id → order → its rows: indexed when a kernel first asks for the rule's rows."""
    n = len(order_list)

    def computed(rule_id: str, i: int) -> list[Row] | None:
        if rule_id in per_order.get(i, ()):
            return None
        index = by_order.get(rule_id)
        if index is None:
            rows = of_rule.get(rule_id)
            if rows is None:  # not evaluated (yet): nothing found
                return []
            index = by_order[rule_id] = {}
            for row in rows:
                found = index.get(row[0])
                if found is None:
                    index[row[0]] = [row]
                else:
                    found.append(row)
        return index.get(i, [])

    def known(rule_id: str, i: int) -> list[tuple[str, str]] | None:
        rows = computed(rule_id, i)
        return None if rows is None else [(row[6], row[10]) for row in rows]

    touched: dict[str, set[int]] = defaultdict(set)
    of_rule = _RuleRows()
    sent: dict[str, set[int]] = defaultdict(set)
    counted: dict[tuple[str, str, str | None, str | None, int | None], set[int]] = {}
    """rule id → orders with its findings or evaluated per order (where it may count)."""
    with_pattern: dict[tuple[str, int], set[int]] = {}

    def orders_with(pattern: str, least: int) -> set[int]:
        """The orders with at least ``least`` events the pattern matched."""
        found = with_pattern.get((pattern, least))
        if found is None:
            counts = np.bincount(batch.frame.order[batch.rows(pattern)], minlength=n)
            found = with_pattern[(pattern, least)] = set(
                np.flatnonzero(counts >= max(least, 1)).tolist()
            )
        return found

    def keep(part: Part, kind: str, rule_id: str) -> None:
        """Add one rule's findings (``rule_id``'s) to the table, and index its non-record ones."""
        if isinstance(part, Block):
            findings.extend_columns(part)
        else:
            findings.extend(part)
        if kind != "record" and (part.size if isinstance(part, Block) else len(part)):
            # (nothing reads a record's findings)
            of_rule.add(rule_id, part)
            touched[rule_id].update(
                part.columns["order"].tolist()
                if isinstance(part, Block)
                else map(itemgetter(0), part)
            )
            by_order.pop(rule_id, None)

    def send(count: RuleCount, orders_: Iterable[int]) -> None:
        for i in orders_:
            per_order[i].add(count.rule_id)
            touched[count.rule_id].add(i)
            sent[count.rule_id].add(i)
            count.per_order += 1
        count.columnar = n - count.per_order

    def orders_of(trigger: Trigger, least: int) -> set[int]:
        """Orders where a trigger may count ``least`` occurrences (a superset)."""
        found: set[int] = set()
        if trigger.event is not None:
            found |= orders_with(plan.pattern_of(trigger), least)
        for rule_id in trigger.clock:
            found |= counted_on(rule_id, "clock", trigger.state, trigger.level, trigger.occurrence)
        for rule_id in trigger.window:
            found |= counted_on(rule_id, "window", trigger.state, None, None)
        for rule_id in trigger.escalation:
            found |= touched.get(rule_id, set())
        return found

    def counted_on(
        rule_id: str, kind: str, state: str | None, level: str | None, occurrence: int | None
    ) -> set[int]:
        """Orders where a trigger may count a clock's or window's findings in a state.

        Those with such a finding, and those where the per-order engine evaluates the rule.
        """
        key = (rule_id, kind, state, level, occurrence)
        found = counted.get(key)
        if found is None:
            found = set(sent.get(rule_id, ()))
            clock = kind != "window"
            for part in of_rule.parts(rule_id):
                if isinstance(part, Block):  # (read as columns: no row made)
                    keep = np.ones(part.size, dtype=bool)
                    if state is not None:  # (None: reached a level, any state)
                        keep &= part.column("state") == state
                    if clock and level is not None:
                        keep &= part.column("level") == level
                    if clock and occurrence is not None:
                        keep &= part.columns["seq"] == occurrence
                    found.update(part.columns["order"][keep].tolist())
                    continue
                found.update(
                    row[0]
                    for row in part
                    if (state is None or row[6] == state)
                    and (not clock or level is None or row[10] == level)
                    and (not clock or occurrence is None or row[4] == occurrence)
                )
            counted[key] = found
        return found

    def candidates(cond: Condition | None) -> set[int] | None:
        """The orders where the condition could hold (``None``: all)."""
        return None if cond is None else condition_kernel.could_hold_on(cond, batch, orders_of)

    def applies(selector: str) -> list[int]:
        found: list[int] = np.flatnonzero(batch.selector_mask(selector)).tolist()
        return found

    kernelled: set[str] = set()
    found = _Computed(computed, of_rule, sent)

    def clock_findings(rule_id: str, i: int) -> list[Row] | None:
        return computed(rule_id, i) if rule_id in kernelled else None

    for rule, selector in _clocks_in_order(plan):
        why = clock_kernel.unsupported(rule)
        if why is None and any(other not in kernelled for other in _clock_deps(rule)):
            why = "no_later_than or start_else_due_of a clock without a kernel"
        count = RuleCount(rule.id, "clock", None if why else "clock", why)
        counts.append(count)
        if why is not None:
            send(count, applies(selector))
            continue
        rows, fallback = clock_kernel.clock_rows(batch, rule, selector, clock_findings)
        keep(rows, "clock", rule.id)
        send(count, sorted(fallback))
        kernelled.add(rule.id)
    for window, selector in plan.window_rules:
        count = RuleCount(window.id, "window", "window", None)
        counts.append(count)
        rows, fallback = window_kernel.window_rows(batch, window, selector)
        keep(rows, "window", window.id)
        send(count, sorted(fallback))
    rules: list[tuple[str, EscalationRule | DeductionRule | RecordRule, str]] = [
        *(("escalation", r, s) for r, s in plan.escalation_rules),
        *(("deduction", r, s) for r, s in plan.deduction_rules),
        *(("record", r, s) for r, s in plan.record_rules),
    ]
    for kind, rule_, selector in rules:
        why = condition_kernel.unsupported(rule_.when)
        count = RuleCount(rule_.id, kind, None if why else "condition", why)
        counts.append(count)
        if why is None:
            kernel = _CONDITION_KERNELS[kind]
            only = candidates(rule_.when)
            kernel_rows, fallback = kernel(batch, rule_, selector, found, only)
            keep(kernel_rows, kind, rule_.id)
            send(count, sorted(fallback))
        elif kind == "record" or rule_.when is None:
            send(count, applies(selector))
        else:
            send(count, [i for i in applies(selector) if could_hold(batch, i, rule_.when, known)])
    for i in sorted(per_order):
        findings.extend(evaluate_per_order(batch, i, frozenset(per_order[i]), repeats, judged_on))
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
        batch=batch,
    )
