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
import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from pydantic import ValidationError

from grievance_rules.calendar import SHANGHAI, to_shanghai
from grievance_rules.engine._context import Evaluation
from grievance_rules.engine._durable import CompiledRuleset, get_adapter
from grievance_rules.engine.assessment import Assessment, Rejection
from grievance_rules.engine.clocks import evaluate_clock, evaluate_window
from grievance_rules.engine.compiler import CompiledPack, compile_pack, selector_key
from grievance_rules.engine.conditions import (
    evaluate_deduction,
    evaluate_escalation,
    evaluate_record,
)
from grievance_rules.engine.facts import OrderFacts, build_facts
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

__all__ = [
    "INPUT_ERRORS",
    "BatchResult",
    "evaluate",
    "evaluate_many",
    "input_rejection",
    "order_of_input",
]

_R = TypeVar("_R", ClockRule, WindowRule, EscalationRule, DeductionRule, RecordRule)


@dataclass(frozen=True)
class _PackEngine:
    """What evaluating under one pack needs, worked out once per pack object.

    Each rule list pairs a rule with the durable rule name of its ``applies_to``.
    """

    compiled: CompiledPack
    ruleset: CompiledRuleset
    properties: frozenset[str]
    """The fact properties the pack's patterns read: the facts carry only these."""
    clock_rules: tuple[tuple[ClockRule, str], ...]
    window_rules: tuple[tuple[WindowRule, str], ...]
    escalation_rules: tuple[tuple[EscalationRule, str], ...]
    """In dependency order (an escalation counted by another comes first)."""
    deduction_rules: tuple[tuple[DeductionRule, str], ...]
    record_rules: tuple[tuple[RecordRule, str], ...]
    shared: dict[Any, Any]
    """Immutable findings reused across orders (``Evaluation.shared``)."""


def _engine(pack: Pack) -> _PackEngine:
    cached = pack.__dict__.get("_engine")
    if cached is None:
        compiled = compile_pack(pack)
        ruleset = get_adapter().compile(
            f"{compiled.namespace}#{compiled.digest}", compiled.definition
        )

        def paired(rules: Iterable[_R]) -> tuple[tuple[_R, str], ...]:
            return tuple(
                (rule, compiled.selector_rules[selector_key(rule.applies_to)]) for rule in rules
            )

        cached = _PackEngine(
            compiled=compiled,
            ruleset=ruleset,
            properties=ruleset.properties,
            clock_rules=paired(pack.rules_of(ClockRule)),
            window_rules=paired(pack.rules_of(WindowRule)),
            escalation_rules=paired(_escalation_order(pack.rules_of(EscalationRule))),
            deduction_rules=paired(pack.rules_of(DeductionRule)),
            record_rules=paired(pack.rules_of(RecordRule)),
            shared={},
        )
        object.__setattr__(pack, "_engine", cached)
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


def _instant(order: WorkOrder, as_of: dt.datetime | None) -> dt.datetime:
    """The instant of the assessment: ``as_of`` in Shanghai time, else the last recorded."""
    return to_shanghai(as_of, what="as_of") if as_of is not None else _last_instant(order)


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
    engine = _engine(pack)
    instant = _instant(order, as_of)
    facts = build_facts(order, instant, engine.properties)
    ((selectors, matched),) = _match(engine, [facts])
    return _assess(
        pack,
        engine,
        order,
        instant,
        facts,
        selectors,
        matched,
        judged_on=judged_on,
        repeats=repeats,
    )


def _match(
    engine: _PackEngine, orders: list[OrderFacts]
) -> list[tuple[set[str], dict[str, list[int]]]]:
    """What each order's facts matched: (selector rules, event rule → positions).

    Every pattern of a pack tests one fact, so what a fact matches depends on that
    fact alone: the orders' facts share one durable-rules session, and equal facts
    (the same properties, of the same types) are asserted once.
    """
    slots: dict[tuple[tuple[tuple[str, Any], ...], tuple[type, ...]], int] = {}
    distinct: list[dict[str, Any]] = []
    order_slots: list[list[int]] = []
    for facts in orders:
        taken = []
        for fact in (facts.order, *facts.events):
            key = (tuple(fact.items()), tuple(map(type, fact.values())))
            slot = slots.get(key)
            if slot is None:
                slot = slots[key] = len(distinct)
                distinct.append(fact)
            taken.append(slot)
        order_slots.append(taken)
    names = get_adapter().match_facts(engine.ruleset, distinct)
    results = []
    for taken in order_slots:
        selectors = set(names[taken[0]])
        matched: dict[str, list[int]] = {}
        for position, slot in enumerate(taken[1:]):
            for rule in names[slot]:
                matched.setdefault(rule, []).append(position)
        results.append((selectors, matched))
    return results


def _assess(
    pack: Pack,
    engine: _PackEngine,
    order: WorkOrder,
    instant: dt.datetime,
    facts: OrderFacts,
    selectors: set[str],
    matched: dict[str, list[int]],
    *,
    judged_on: dt.date | None,
    repeats: RepeatIndex | None,
) -> Assessment:
    """The assessment of one order, given what its facts matched."""
    judged = judged_on or order.received_at.astimezone(SHANGHAI).date()
    early = judged < pack.manifest.effective_from
    if early:
        judged = pack.manifest.effective_from
    ev = Evaluation(
        order=order,
        pack=pack,
        compiled=engine.compiled,
        calendar=pack.calendar(),
        facts=facts,
        as_of=instant,
        judged_on=judged,
        matched=matched,
        selectors=selectors,
        repeats=repeats,
        shared=engine.shared,
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
    for clock, selector in engine.clock_rules:
        if selector in selectors:
            ev.clocks[clock.id] = evaluate_clock(ev, clock)
            clocks.extend(ev.clocks[clock.id])
    windows = []
    for window, selector in engine.window_rules:
        if selector in selectors:
            ev.windows[window.id] = evaluate_window(ev, window)
            windows.extend(ev.windows[window.id])
    escalations = []
    for escalation, selector in engine.escalation_rules:
        if selector in selectors:
            ev.escalations[escalation.id] = evaluate_escalation(ev, escalation)
            escalations.extend(ev.escalations[escalation.id])
    deductions = []
    for deduction, selector in engine.deduction_rules:
        if selector in selectors:
            deductions.extend(evaluate_deduction(ev, deduction))
    records = [
        evaluate_record(ev, rule) for rule, selector in engine.record_rules if selector in selectors
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


class _LazyAssessment:
    """The ``assessment`` field of :class:`BatchResult`.

    Holds the assessment given, or rebuilds it on first access from the JSON a worker
    process sent.
    """

    @overload
    def __get__(self, result: None, owner: Any) -> None: ...

    @overload
    def __get__(self, result: BatchResult, owner: Any) -> Assessment | None: ...

    def __get__(self, result: BatchResult | None, owner: Any = None) -> Assessment | None:
        if result is None:
            return None  # the field's default
        held: Assessment | None = result.__dict__.get("_assessment")
        if held is None and result.assessment_json is not None:
            held = Assessment.model_validate_json(result.assessment_json)
            result.__dict__["_assessment"] = held
        return held

    def __set__(self, result: BatchResult, value: Assessment | None) -> None:
        result.__dict__["_assessment"] = value


@dataclass(frozen=True)
class BatchResult:
    """One input of a batch: assessed, or rejected with its reasons.

    Attributes:
        position: the input's position in the batch (0-based).
        assessment: the assessment, or ``None`` for a rejection. Results from worker
            processes arrive as JSON (:attr:`assessment_json`); the model is rebuilt
            from it on first access (equal to the one the worker made; its datetimes
            carry fixed UTC offsets).
        rejection: why the input was not assessed, or ``None``.
        assessment_json: the assessment as ``model_dump_json()`` gives it, UTF-8, when
            it came from a worker process; else ``None``. :meth:`to_json` gives it either way.
    """

    position: int
    assessment: _LazyAssessment = _LazyAssessment()
    rejection: Rejection | None = None
    assessment_json: bytes | None = field(default=None, repr=False, compare=False)

    def to_json(self) -> bytes | None:
        """The assessment's JSON (``model_dump_json()``, UTF-8); ``None`` for a rejection.

        Without rebuilding the model when a worker process sent it as JSON.

        Example:
            >>> order = {"id": "A1", "channel": "12345", "category": "投诉",
            ...          "received_at": "2024-05-06T09:12:00+08:00", "units": [], "events": []}
            >>> (result,) = evaluate_many([order], "xiayang")
            >>> result.to_json() == result.assessment.model_dump_json().encode()
            True
        """
        if self.assessment_json is not None:
            return self.assessment_json
        assessment = self.assessment
        if assessment is None:
            return None
        return assessment.model_dump_json().encode()


INPUT_ERRORS = (ValidationError, GrievanceRulesError, json.JSONDecodeError)
"""What reading or assessing one input may raise, making it a rejection, not a failure."""


def order_of_input(item: WorkOrder | Mapping[str, Any] | str | bytes) -> WorkOrder:
    """A batch input as a work order: an order as it is, a dict or JSON text validated.

    Raises:
        pydantic.ValidationError: the input is no valid work order.
    """
    if isinstance(item, WorkOrder):
        return item
    if isinstance(item, str | bytes):
        return WorkOrder.model_validate_json(item)
    return WorkOrder.model_validate(item)


def input_rejection(source: str, item: Any, order_id: str | None, exc: Exception) -> Rejection:
    """Why an input could not be assessed: one reason per validation error (field: message)."""
    if isinstance(exc, ValidationError):
        reasons = tuple(
            f"{'.'.join(str(p) for p in e['loc']) or '(record)'}: {e['msg']}" for e in exc.errors()
        )
        if order_id is None and isinstance(item, Mapping):
            order_id = str(item.get("id")) if item.get("id") is not None else None
    else:
        reasons = (str(exc),)
    return Rejection(source=source, order_id=order_id, reasons=reasons)


def _rejection(position: int, item: Any, order_id: str | None, exc: Exception) -> BatchResult:
    """The result of an input that could not be assessed."""
    return BatchResult(position, rejection=input_rejection(f"#{position}", item, order_id, exc))


def _one(
    position: int, item: Any, pack: Pack, as_of: dt.datetime | None, repeats: RepeatIndex | None
) -> BatchResult:
    """One input, on its own."""
    order_id = None
    try:
        order = order_of_input(item)
        order_id = order.id
        return BatchResult(position, assessment=evaluate(order, pack, as_of, repeats=repeats))
    except INPUT_ERRORS as exc:
        return _rejection(position, item, order_id, exc)


def _assess_chunk(
    chunk: list[tuple[int, Any]],
    pack: Pack,
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
) -> list[BatchResult]:
    """A chunk of inputs, their facts matched in one durable-rules session."""
    engine = _engine(pack)
    results: list[BatchResult | None] = [None] * len(chunk)
    ready: list[tuple[int, WorkOrder, dt.datetime, OrderFacts]] = []
    for k, (position, item) in enumerate(chunk):
        order_id = None
        try:
            order = order_of_input(item)
            order_id = order.id
            instant = _instant(order, as_of)
            ready.append((k, order, instant, build_facts(order, instant, engine.properties)))
        except INPUT_ERRORS as exc:
            results[k] = _rejection(position, item, order_id, exc)
    try:
        matches = _match(engine, [facts for _, _, _, facts in ready])
    except GrievanceRulesError:  # some order's facts spoil the session: one at a time
        return [_one(position, item, pack, as_of, repeats) for position, item in chunk]
    for (k, order, instant, facts), (selectors, matched) in zip(ready, matches, strict=True):
        position, item = chunk[k]
        try:
            assessment = _assess(
                pack,
                engine,
                order,
                instant,
                facts,
                selectors,
                matched,
                judged_on=None,
                repeats=repeats,
            )
        except INPUT_ERRORS as exc:
            results[k] = _rejection(position, item, order.id, exc)
        else:
            results[k] = BatchResult(position, assessment=assessment)
    return [result for result in results if result is not None]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for position, item in enumerate(items):
        chunk.append((position, item))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_WORKER: dict[str, Any] = {}
"""A worker process's pack, ``as_of`` and repeat index, set once when it starts."""


def _start_worker(
    source: Pack | tuple[str, Mapping[str, Any]],
    as_of: dt.datetime | None,
    repeats: RepeatIndex | None,
) -> None:
    """Set up a worker: the pack itself (forked) or its directory and overrides."""
    if isinstance(source, Pack):
        pack = source
    else:
        directory, overrides = source
        pack = find_pack(directory)
        if overrides:
            pack = pack.with_parameters(overrides)
    _WORKER.update(pack=pack, as_of=as_of, repeats=repeats)


def _worker(
    chunk: list[tuple[int, Any]],
) -> list[tuple[int, bytes | None, Rejection | None]]:
    """A chunk assessed in a worker process; assessments travel back as JSON bytes."""
    results = _assess_chunk(chunk, _WORKER["pack"], _WORKER["as_of"], _WORKER["repeats"])
    return [(r.position, r.to_json(), r.rejection) for r in results]


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
    reasons. Inputs are taken ``chunk_size`` at a time; a chunk's facts are matched
    in one durable-rules session. With ``processes > 1`` chunks are assessed in
    worker processes, which send each assessment back as JSON
    (:attr:`BatchResult.assessment_json`; the model is rebuilt only when asked for);
    at most ``2 × processes`` chunks are in flight, so memory stays flat.

    Example:
        >>> results = list(evaluate_many([{"id": "x"}], "daye"))
        >>> results[0].rejection.reasons[0]
        'channel: Field required'
    """
    if isinstance(pack, str):
        pack = find_pack(pack)
    if processes <= 1:
        for chunk in _chunks(orders, chunk_size):
            yield from _assess_chunk(chunk, pack, as_of, repeats)
        return
    context = multiprocessing.get_context()
    source: Pack | tuple[str, Mapping[str, Any]]
    if context.get_start_method() == "fork":
        # forked workers inherit the pack with its compiled rules and calendar
        _engine(pack)
        pack.calendar()
        source = pack
    else:  # the pack is loaded again in each worker
        source = (str(pack.directory), dict(pack.overrides))
    with ProcessPoolExecutor(
        max_workers=processes,
        mp_context=context,
        initializer=_start_worker,
        initargs=(source, as_of, repeats),
    ) as pool:
        pending: deque[Future[list[tuple[int, bytes | None, Rejection | None]]]] = deque()
        for chunk in _chunks(orders, chunk_size):
            pending.append(pool.submit(_worker, chunk))
            if len(pending) >= 2 * processes:
                yield from _received(pending.popleft().result())
        while pending:
            yield from _received(pending.popleft().result())


def _received(sent: list[tuple[int, bytes | None, Rejection | None]]) -> Iterator[BatchResult]:
    for position, encoded, rejection in sent:
        yield BatchResult(position, rejection=rejection, assessment_json=encoded)
