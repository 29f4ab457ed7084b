"""Evaluating orders under a pack: one order, or a stream of them.

``evaluate(order, pack, as_of=None)`` returns an :class:`Assessment`: every
clock with its due instant and state at ``as_of``, every window result, every
deduction and addition with the unit charged, every escalation with who acts,
every recorded-only clause, and every warning about the data. ``as_of`` is
never read from the wall clock: when it is not given, the assessment is as of
the order's last recorded instant.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from grievance_rules.calendar import SHANGHAI, to_shanghai
from grievance_rules.engine._context import Evaluation
from grievance_rules.engine._durable import get_adapter
from grievance_rules.engine.assessment import Assessment, Rejection
from grievance_rules.engine.clocks import evaluate_clock, evaluate_window
from grievance_rules.engine.compiler import CompiledPack, compile_pack
from grievance_rules.engine.conditions import (
    evaluate_deduction,
    evaluate_escalation,
    evaluate_record,
)
from grievance_rules.engine.facts import build_facts
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack, find_pack
from grievance_rules.packs.schema import (
    ClockRule,
    Condition,
    DeductionRule,
    EscalationRule,
    RecordRule,
    WindowRule,
    iter_triggers,
)

__all__ = ["BatchResult", "evaluate", "evaluate_many"]


def _compiled(pack: Pack) -> tuple[CompiledPack, Any]:
    cached = pack.__dict__.get("_compiled")
    if cached is None:
        compiled = compile_pack(pack)
        ruleset = get_adapter().compile(
            f"{compiled.namespace}#{compiled.digest}", compiled.definition
        )
        cached = (compiled, ruleset)
        object.__setattr__(pack, "_compiled", cached)
    return cached


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


def _last_instant(order: WorkOrder) -> dt.datetime:
    return max([order.received_at, *(event.at for event in order.events)])


def evaluate(
    order: WorkOrder,
    pack: Pack | str,
    as_of: dt.datetime | None = None,
    *,
    judged_on: dt.date | None = None,
    repeats: RepeatIndex | None = None,
) -> Assessment:
    """Assess one order under a pack at ``as_of``.

    Args:
        order: the work order and its history.
        pack: a loaded pack, or a pack name or directory.
        as_of: the instant the assessment speaks for (timezone-aware); events after
            it are ignored. ``None``: the order's last recorded instant.
        judged_on: the date whose parameter values apply; by default the date the
            order was received (the revision in force then).
        repeats: other orders' keys, for repeat conditions across orders.

    Raises:
        NaiveDatetimeError: ``as_of`` has no timezone.
        EngineError: durable-rules failed.

    Example:
        >>> import datetime as dt
        >>> from grievance_rules.model import WorkOrder
        >>> order = WorkOrder.model_validate({
        ...     "id": "A1", "channel": "12345", "category": "投诉",
        ...     "received_at": "2024-05-06T09:12:00+08:00",
        ...     "units": [{"id": "ctr", "kind": "dispatch_centre"},
        ...               {"id": "dept", "kind": "street_office"}],
        ...     "events": [{"type": "dispatched", "at": "2024-05-06T09:30:00+08:00",
        ...                 "unit": "ctr", "to_unit": "dept"}]})
        >>> a = evaluate(order, "xiayang", dt.datetime.fromisoformat("2024-05-08T09:00+08:00"))
        >>> [(c.rule_id, c.state) for c in a.clocks][:1]
        [('XY-1.accept', 'breached')]
    """
    if isinstance(pack, str):
        pack = find_pack(pack)
    compiled, ruleset = _compiled(pack)
    instant = to_shanghai(as_of, what="as_of") if as_of is not None else _last_instant(order)
    facts = build_facts(order, instant)
    activations = get_adapter().run(ruleset, [facts.order, *facts.events])
    position = {fact["id"]: k for k, fact in enumerate(facts.events)}
    # durable-rules fires an "$or" pattern once per branch that holds: a fact may come
    # back several times for one pattern, so matches are collected as sets
    found: dict[str, set[int]] = {}
    selectors: set[str] = set()
    for activation in activations:
        fact = activation.facts.get("m", {})
        if fact.get("fact") == "order":
            selectors.add(activation.rule)
        elif fact.get("id") in position:
            found.setdefault(activation.rule, set()).add(position[fact["id"]])
    matched = {rule: sorted(values) for rule, values in found.items()}
    judged = judged_on or order.received_at.astimezone(SHANGHAI).date()
    early = judged < pack.manifest.effective_from
    if early:
        judged = pack.manifest.effective_from
    ev = Evaluation(
        order=order,
        pack=pack,
        compiled=compiled,
        calendar=pack.calendar(),
        facts=facts,
        as_of=instant,
        judged_on=judged,
        matched=matched,
        selectors=selectors,
        repeats=repeats,
    )
    if early:
        ev.warn(
            "before_pack_in_force",
            f"the order was received before {pack.key} took effect "
            f"({pack.manifest.effective_from}); judged by the values in force on that date",
        )
    if facts.ignored_after_as_of:
        ev.warn(
            "events_after_as_of",
            f"{facts.ignored_after_as_of} event(s) after as_of were not considered",
        )
    if instant < order.received_at:
        ev.warn("as_of_before_receipt", "as_of is before the order was received")
    clocks = []
    for rule in pack.rules_of(ClockRule):
        if ev.applies(rule.applies_to):
            ev.clocks[rule.id] = evaluate_clock(ev, rule)
            clocks.extend(ev.clocks[rule.id])
    windows = []
    for rule in pack.rules_of(WindowRule):
        if ev.applies(rule.applies_to):
            ev.windows[rule.id] = evaluate_window(ev, rule)
            windows.extend(ev.windows[rule.id])
    escalations = []
    for rule in _escalation_order(pack.rules_of(EscalationRule)):
        if ev.applies(rule.applies_to):
            ev.escalations[rule.id] = evaluate_escalation(ev, rule)
            escalations.extend(ev.escalations[rule.id])
    deductions = []
    for rule in pack.rules_of(DeductionRule):
        if ev.applies(rule.applies_to):
            deductions.extend(evaluate_deduction(ev, rule))
    records = [
        evaluate_record(ev, rule)
        for rule in pack.rules_of(RecordRule)
        if ev.applies(rule.applies_to)
    ]
    excluded = any(flag.value == "excluded_from_assessment" for flag in order.flags) or any(
        event.type == "excluded" for event in facts.kept
    )
    return Assessment(
        order_id=order.id,
        pack=pack.key,
        as_of=instant,
        judged_on=ev.judged_on,
        excluded_from_assessment=excluded,
        clocks=tuple(clocks),
        windows=tuple(windows),
        deductions=tuple(
            sorted(deductions, key=lambda d: (d.occurred_at, d.rule_id, d.occurrence))
        ),
        escalations=tuple(escalations),
        records=tuple(records),
        warnings=tuple(ev.warnings),
    )


@dataclass(frozen=True)
class BatchResult:
    """One input of a batch: assessed, or rejected with its reasons."""

    position: int
    assessment: Assessment | None = None
    rejection: Rejection | None = None


def _one(args: tuple[int, Any, Pack, dt.datetime | None, RepeatIndex | None]) -> BatchResult:
    position, item, pack, as_of, repeats = args
    source = f"#{position}"
    order_id = None
    try:
        if isinstance(item, WorkOrder):
            order = item
        elif isinstance(item, str | bytes):
            order = WorkOrder.model_validate_json(item)
        else:
            order = WorkOrder.model_validate(item)
        order_id = order.id
        return BatchResult(position, assessment=evaluate(order, pack, as_of, repeats=repeats))
    except ValidationError as exc:
        reasons = tuple(
            f"{'.'.join(str(p) for p in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors()
        )
        if order_id is None and isinstance(item, Mapping):
            order_id = str(item.get("id")) if item.get("id") is not None else None
        return BatchResult(
            position, rejection=Rejection(source=source, order_id=order_id, reasons=reasons)
        )
    except (GrievanceRulesError, json.JSONDecodeError) as exc:
        return BatchResult(
            position, rejection=Rejection(source=source, order_id=order_id, reasons=(str(exc),))
        )


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for position, item in enumerate(items):
        chunk.append((position, item))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_WORKER_PACKS: dict[tuple[str, tuple[tuple[str, Any], ...]], Pack] = {}


def _worker(
    args: tuple[
        list[tuple[int, Any]], str, Mapping[str, Any], dt.datetime | None, RepeatIndex | None
    ],
) -> list[BatchResult]:
    chunk, directory, overrides, as_of, repeats = args
    key = (directory, tuple(sorted(overrides.items())))
    pack = _WORKER_PACKS.get(key)
    if pack is None:  # loaded once per worker process, not once per chunk
        pack = find_pack(directory)
        if overrides:
            pack = pack.with_parameters(overrides)
        _WORKER_PACKS[key] = pack
    return [_one((position, item, pack, as_of, repeats)) for position, item in chunk]


def evaluate_many(
    orders: Iterable[WorkOrder | Mapping[str, Any] | str | bytes],
    pack: Pack | str,
    as_of: dt.datetime | None = None,
    *,
    repeats: RepeatIndex | None = None,
    processes: int = 1,
    chunk_size: int = 256,
) -> Iterator[BatchResult]:
    """Assess a stream of orders in bounded memory; every input is accounted for.

    Each input (a :class:`WorkOrder`, a dict, or a JSON string) yields one
    :class:`BatchResult` in input order: an assessment, or a rejection with its
    reasons. With ``processes > 1`` chunks are assessed in worker processes;
    at most ``2 × processes`` chunks are in flight, so memory stays flat.

    Example:
        >>> results = list(evaluate_many([{"id": "x"}], "daye"))
        >>> results[0].rejection.reasons[0]
        'channel: Field required'
    """
    if isinstance(pack, str):
        pack = find_pack(pack)
    if processes <= 1:
        for position, item in enumerate(orders):
            yield _one((position, item, pack, as_of, repeats))
        return
    with ProcessPoolExecutor(max_workers=processes) as pool:
        pending: list[Any] = []
        for chunk in _chunks(orders, chunk_size):
            pending.append(
                pool.submit(
                    _worker, (chunk, str(pack.directory), dict(pack.overrides), as_of, repeats)
                )
            )
            if len(pending) >= 2 * processes:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()
