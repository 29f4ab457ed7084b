"""Single-order evaluation: one order under a pack's plan.

``evaluate(order, pack, as_of=None)`` returns an :class:`Assessment`: every
clock with its due instant and state at ``as_of``, every window result, every
deduction and addition with the unit charged, every escalation with who acts,
every recorded-only clause, and every warning about the data. ``as_of`` is
never read from the wall clock: when it is not given, the assessment is as of
the order's last recorded instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from grievance_rules.calendar import SHANGHAI, to_shanghai
from grievance_rules.engine._context import Evaluation
from grievance_rules.engine.assessment import Assessment, trusted
from grievance_rules.engine.clocks import evaluate_clock, evaluate_window
from grievance_rules.engine.conditions import (
    evaluate_deduction,
    evaluate_escalation,
    evaluate_record,
)
from grievance_rules.engine.matching import (
    EngineName,
    Match,
    OrderView,
    check_integers,
    get_matcher,
    view_of,
)
from grievance_rules.engine.plan import Clause, PackPlan, plan_for
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.errors import (
    CalendarError,
    CalendarRangeError,
    NotYetReceivedError,
    WorkOrderError,
)
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder, ensure_coherent, in_shanghai
from grievance_rules.model.base import EARLIEST, LATEST, instant_text
from grievance_rules.model.events import EventBase
from grievance_rules.model.handling import excluded_by_flag, excluded_from_assessment
from grievance_rules.packs import Pack

__all__ = ["as_of_instant", "assess", "evaluate", "instant_of", "latest_listed"]


def latest_listed(events: Sequence[EventBase], received: dt.datetime) -> dt.datetime:
    """The latest of a receipt and events listed in time order: the first of the last ones.

    What :func:`max` gives over the receipt and the events' instants (the first of
    equals), found from the end of the list.
    """
    if not events:
        return received
    last = events[-1].at
    if not last > received:
        return received
    k = len(events) - 1
    while k and events[k - 1].at == last:
        k -= 1
    found: dt.datetime = events[k].at
    return found


def _last_instant(order: WorkOrder, in_time_order: bool = False) -> dt.datetime:
    """The latest of the receipt and the events (the first such, as :func:`max` gives).

    ``in_time_order``: the events are known to be listed in time order, none before
    the receipt (a history :func:`~grievance_rules.model.ensure_coherent` accepted):
    the latest are the last ones, the first of them found from the end.
    """
    events = order.events
    received = order.received_at
    if in_time_order:
        return latest_listed(events, received)
    latest = received
    for event in events:
        at = event.at
        if at > latest:
            latest = at
    return latest


def as_of_instant(as_of: dt.datetime) -> dt.datetime:
    """``as_of`` in Shanghai time, a plain datetime, or refused: no order is assessed then.

    What a batch checks once, before its first order (an ``as_of`` that is wrong for one
    order is wrong for all of them).

    Raises:
        CalendarError: ``as_of`` is not a datetime.
        NaiveDatetimeError: ``as_of`` has no timezone.
        CalendarRangeError: ``as_of`` is outside the years 1900-2199.

    Example:
        >>> as_of_instant(dt.datetime(2026, 2, 13, 2, 30, tzinfo=dt.timezone.utc)).isoformat()
        '2026-02-13T10:30:00+08:00'
    """
    if (
        isinstance(as_of, dt.datetime)
        and as_of.utcoffset() is not None
        and not EARLIEST <= as_of < LATEST
    ):
        raise CalendarRangeError(
            _("as_of {instant} is outside the years 1900-2199").format(instant=as_of.isoformat())
        )
    instant = to_shanghai(as_of, what="as_of")
    if type(instant) is not dt.datetime:  # a subclass (pendulum's) does its own arithmetic
        instant = dt.datetime(*instant.timetuple()[:6], instant.microsecond, instant.tzinfo)
    return instant


def instant_of(
    order: WorkOrder, as_of: dt.datetime | None, *, in_time_order: bool = False
) -> dt.datetime:
    """The instant of the assessment: ``as_of`` in Shanghai time, else the last recorded.

    ``in_time_order``: the order's events are known to be listed in time order, none
    before its receipt (its history was checked), which spares comparisons.

    Raises:
        NaiveDatetimeError: ``as_of`` has no timezone.
        CalendarRangeError: ``as_of`` is outside the years 1900-2199 (as any instant of
            an order).
        NotYetReceivedError: ``as_of`` is before the order's receipt (it did not exist
            then: an assessment at that instant would count an order nobody had yet).
    """
    if as_of is not None:
        instant = as_of_instant(as_of)
        if order.received_at > instant:
            raise NotYetReceivedError(
                order.id, instant_text(order.received_at), instant_text(instant)
            )
        return instant
    return _last_instant(order, in_time_order)


def evaluate(
    order: WorkOrder,
    pack: Pack | PackPlan | str | Path,
    as_of: dt.datetime | None = None,
    *,
    judged_on: dt.date | None = None,
    repeats: RepeatIndex | None = None,
    engine: EngineName = "native",
    check_history: bool = True,
) -> Assessment:
    """Assess one order under a pack at ``as_of``.

    Args:
        order: the work order and its history.
        pack: a loaded pack, its compiled plan, or a pack name or directory (the plan
            is compiled once and kept: see :func:`~grievance_rules.engine.plan.plan_for`).
        as_of: the instant the assessment speaks for (timezone-aware); events after
            it are ignored. ``None``: the order's last recorded instant.
        judged_on: the date whose parameter values apply (a date, not a datetime); by
            default the date the order was received (the revision in force then).
        repeats: other orders' keys, for repeat conditions across orders.
        engine: the matching backend, ``native`` (the default, everywhere) or
            ``durable`` (durable-rules, ``pip install 'grievance-rules[durable]'``);
            both give the same findings.
        check_history: refuse an order whose history contradicts itself (events out
            of time order, a unit never reached ...), as the readers do; ``False``
            for a caller that has checked it already.

    Raises:
        WorkOrderError: ``order`` is not a :class:`WorkOrder` (a dict or JSON text).
        HistoryError: the history contradicts itself (every error-severity issue named).
        NaiveDatetimeError: ``as_of`` has no timezone.
        CalendarError: ``as_of`` is not a datetime, or ``judged_on`` is not a date (a
            datetime is refused: its date depends on the zone it is read in).
        EngineError: an unknown engine, or durable-rules is missing or failed.
        FactValidationError: an event's integer does not fit 64 bits.

    Example:
        >>> import datetime as dt
        >>> from grievance_rules.model import WorkOrder, ensure_coherent
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
        >>> a.engine
        'native'
    """
    if not isinstance(order, WorkOrder):
        raise WorkOrderError(
            _(
                "evaluate takes a WorkOrder, not a {kind}: validate a dict with "
                "WorkOrder.model_validate, JSON with WorkOrder.model_validate_json, or read "
                "a file with read_orders (which names every problem); evaluate_many takes "
                "dicts and JSON as they are"
            ).format(kind=type(order).__name__)
        )
    if judged_on is not None and (
        not isinstance(judged_on, dt.date) or isinstance(judged_on, dt.datetime)
    ):
        raise CalendarError(
            _("{what} must be a date, got {kind}").format(
                what="judged_on", kind=type(judged_on).__name__
            )
        )
    plan = pack if isinstance(pack, PackPlan) else plan_for(pack)
    matcher = get_matcher(engine)
    if check_history:
        ensure_coherent(order)  # (so the events are in time order)
    instant = instant_of(order, as_of, in_time_order=check_history)
    view = view_of(order, instant, in_time_order=check_history)
    check_integers(view)  # (both backends refuse what durable-rules cannot hold)
    (match,) = matcher.match(plan, [view])
    return assess(plan, view, match, instant, engine, judged_on, repeats)


def _there(ev: Evaluation, present: frozenset[str], clause: Clause) -> bool:
    """Whether one of a clause's needs (:attr:`PackPlan.needs`) is on the order.

    ``present``: the event patterns that matched an event of the order.
    """
    events, others = clause
    if not present.isdisjoint(events):
        return True
    for kind, name, state in others:
        if kind == "clock":
            for clock in ev.clocks.get(name, ()):
                if state is None or clock.state == state:  # (None: a clock in any state)
                    return True
        elif kind == "window":
            for window in ev.windows.get(name, ()):
                if window.state == state:
                    return True
        elif ev.escalations.get(name):
            return True
    return False


def _all_there(ev: Evaluation, present: frozenset[str], need: tuple[Clause, ...]) -> bool:
    """Whether each of a rule's needs is on the order (:func:`_there` for every clause)."""
    for clause in need:  # noqa: SIM110 (a hot path: no generator a call)
        if not _there(ev, present, clause):
            return False
    return True


def assess(
    plan: PackPlan,
    view: OrderView,
    match: Match,
    instant: dt.datetime,
    engine: EngineName,
    judged_on: dt.date | None = None,
    repeats: RepeatIndex | None = None,
) -> Assessment:
    """The assessment of one order, given what its events and order matched.

    ``instant`` is the assessment's, as :func:`instant_of` gives it: never before the
    order's receipt (an order assessed before it was received is refused there).
    """
    pack = plan.pack
    order = view.order
    judged = judged_on or order.received_at.astimezone(SHANGHAI).date()
    early = judged < pack.manifest.effective_from
    if early:
        judged = pack.manifest.effective_from
    selectors = match.selectors
    ev = Evaluation(
        order=order,
        plan=plan,
        pack=pack,
        calendar=plan.calendar,
        facts=view,
        as_of=instant,
        judged_on=judged,
        matched=match.events,
        selectors=selectors,
        repeats=repeats,
        shared=plan.memo,
    )
    if early:
        ev.warn(
            "before_pack_in_force",
            f"the order was received before {pack.key} took effect "
            f"({pack.manifest.effective_from}); judged by the values in force on that date",
        )
    if view.ignored_after_as_of:
        ev.warn(
            "events_after_as_of",
            f"{view.ignored_after_as_of} event(s) after as_of were not considered",
        )
    clocks = []
    for clock, selector in plan.clock_rules:
        if selector in selectors:
            timed = ev.clocks[clock.id] = evaluate_clock(ev, clock)
            clocks.extend(timed)
    windows = []
    for window, selector in plan.window_rules:
        if selector in selectors:
            kept_in = ev.windows[window.id] = evaluate_window(ev, window)
            windows.extend(kept_in)
    needs = plan.needs
    present = frozenset([name for name, found in match.events.items() if found])
    escalations = []
    for escalation, selector in plan.escalation_rules:
        if selector in selectors:
            rule_id = escalation.id
            need = needs.get(rule_id)
            if need is not None and not _all_there(ev, present, need):
                ev.escalations[rule_id] = []  # nothing it counts: it cannot hold
                continue
            found = ev.escalations[rule_id] = evaluate_escalation(ev, escalation)
            escalations.extend(found)
    deductions = []
    for deduction, selector in plan.deduction_rules:
        if selector in selectors:
            need = needs.get(deduction.id)
            if need is not None and not _all_there(ev, present, need):
                continue  # nothing it counts: no finding
            deductions.extend(evaluate_deduction(ev, deduction))
    records = []
    record_needs = plan.record_needs
    segment = None
    for rule, selector in plan.record_rules:
        if selector not in selectors or not ev.switched_on(rule.runs_if):
            continue
        rule_id = rule.id
        counted = record_needs.get(rule_id)
        if counted is None or _there(ev, present, counted):
            records.append(evaluate_record(ev, rule))
            continue
        # none of its triggers counts anything: its quiet finding (per parameter segment)
        if segment is None:
            segment = plan.parameters.segment_of(ev.judged_on)
        quiet = plan.quiet_records.get((rule_id, segment))
        if quiet is None:
            quiet = plan.quiet_records[(rule_id, segment)] = evaluate_record(ev, rule)
        records.append(quiet)
    excluding = plan.excluding_records
    if excluding:  # the pack says which exclusions count (夏阳: approved upstream)
        excluded = excluded_by_flag(order) or any(
            r.computed for r in records if r.rule_id in excluding
        )
    else:
        excluded = excluded_from_assessment(order, view.kept)
    # every field is of its declared type here: constructed without re-validation
    return trusted(
        Assessment,
        {
            "order_id": order.id,
            "pack": pack.key,
            "pack_hash": pack.content_hash,
            "pack_origin": pack.origin,
            "engine": engine,
            "as_of": in_shanghai(instant),
            "judged_on": ev.judged_on,
            "excluded_from_assessment": excluded,
            "clocks": tuple(clocks),
            "windows": tuple(windows),
            "deductions": tuple(
                sorted(deductions, key=lambda d: (d.occurred_at, d.rule_id, d.occurrence))
            ),
            "escalations": tuple(escalations),
            "records": tuple(records),
            "warnings": tuple(ev.warnings),
        },
    )
