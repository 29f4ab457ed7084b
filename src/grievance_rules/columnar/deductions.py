"""The deduction rules' kernel: the points each order's events and findings cost or earn.

What a deduction's triggers count (:mod:`.conditions`), charged to the unit the rule
names, with the rule's progression, cap and scope. A rule without a cap whose
triggers the batch can count (events, windows, escalations, clocks) is booked over
the whole batch at once; a capped rule with one trigger on events alone, event by
event over the batch; any other, order by order.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.conditions import (
    BatchFindings,
    CountedOccurrence,
    UnsupportedError,
    applying_orders,
    clock_columns,
    occurrences,
    trigger_event_rows,
)
from grievance_rules.columnar.findings import Block, Coded, Part, Row, block, first_seen_codes
from grievance_rules.columnar.frame import first_of_runs
from grievance_rules.columnar.instants import to_us
from grievance_rules.engine.conditions import (
    about_unit,
    charged_unit,
    counted_once,
    deduction_points,
)
from grievance_rules.packs.schema import DeductionRule, ParamRef, Trigger

__all__ = ["deduction_rows"]

_NAN = float("nan")
Int64s = npt.NDArray[np.int64]


def deduction_rows(
    batch: OrderBatch,
    rule: DeductionRule,
    selector: str,
    findings: BatchFindings,
    only: set[int] | None = None,
) -> tuple[Part, set[int]]:
    """The deductions and additions of one rule over the batch (progression, cap, scope).

    ``only``: the orders where a trigger could occur (all when ``None``).
    """
    rows: list[Row] = []
    fallback: set[int] = set()
    if rule.runs_if is not None:  # only the orders judged on a date the reading is on
        switched = set(np.flatnonzero(batch.param_is_on(rule.runs_if)).tolist())
        only = switched if only is None else only & switched
    triggers = [rule.when] if isinstance(rule.when, Trigger) else list(rule.when.any)
    alike = [t for t in triggers if isinstance(t, Trigger) and _counted_over_batch(t)]
    if rule.cap is None and len(alike) == len(triggers):
        return _booked_over_batch(
            batch, rule, alike, applying_orders(batch, selector, only), findings
        )
    if len(triggers) == 1 and isinstance(triggers[0], Trigger) and _events_alone(triggers[0]):
        return _event_deductions(batch, rule, triggers[0], selector, only), fallback
    for i in applying_orders(batch, selector, only):
        found: list[CountedOccurrence] = []
        try:
            for trigger in triggers:
                assert isinstance(trigger, Trigger)
                found.extend(occurrences(batch, i, trigger, findings))
        except UnsupportedError:
            fallback.add(i)
            continue
        if not found:
            continue
        if len(triggers) > 1:
            found.sort(key=lambda o: (o.at, o.label))
        once = rule.counted_once_per
        if once is not None and len(found) > 1:
            found = counted_once(
                found, batch.value(once, i), lambda o: charged_unit(o, rule.charge)
            )
        rows.extend(_deductions(batch, i, rule, found))
    return rows, fallback


def _events_alone(trigger: Trigger) -> bool:
    """Whether a trigger counts the events its reference matched and nothing else."""
    return (
        trigger.event is not None
        and not trigger.assigns
        and trigger.after is None
        and trigger.unless_after is None
        and not (trigger.clock or trigger.window or trigger.escalation or trigger.deduction)
    )


def _counted_over_batch(trigger: Trigger) -> bool:
    """Whether :func:`_booked_over_batch` counts what a trigger counts.

    Its matched events (with ``after``, ``unless_after``, ``assigns``: :func:`trigger_event_rows`),
    and other rules' findings but deductions and a clock's level reached.
    """
    return not trigger.deduction and (
        not trigger.clock or (trigger.level is None and trigger.reached is None)
    )


class _Charge(NamedTuple):
    """A finding counted as :func:`charged_unit` reads it (no subject, no rated unit)."""

    unit: str | None
    handling: str | None
    subject: None = None
    about: None = None


def _booked_over_batch(
    batch: OrderBatch,
    rule: DeductionRule,
    triggers: list[Trigger],
    orders: list[int],
    findings: BatchFindings,
) -> tuple[Block, set[int]]:
    """:func:`deduction_rows` of a rule without a cap, for the whole batch at once.

    What :func:`occurrences` counts on each of ``orders``, from each trigger's global
    rows and each rule's rows at once: the events its reference matched
    (:func:`trigger_event_rows`), a clock's rows in the trigger's state and occurrence (dated
    as :func:`~.conditions._clock_counted` dates them), a window's in its state (at its action), an
    escalation's (at its instant); each order's in time order, ties by their labels and
    then as counted, as the engine sorts them (:func:`_in_time_order`), each charging
    the unit :func:`charged_unit` says. An order where a rule counted runs per order
    goes there (as the loop's ``UnsupportedError``).
    """
    frame = batch.frame
    wanted = np.zeros(len(batch.orders), dtype=bool)
    wanted[orders] = True
    fallback: set[int] = set()
    for trigger in triggers:
        for rule_id in (*trigger.clock, *trigger.window, *trigger.escalation):
            fallback.update(i for i in findings.parts_of_rule(rule_id)[1] if wanted[i])
    wanted[list(fallback)] = False
    owners: list[Int64s] = []
    instants: list[Int64s] = []
    labels: list[Callable[[], str]] = []  # (made only for occurrences tied at an instant)
    charged: list[str | None] = []
    own: list[Any] = []  # each occurrence's event's own points (a finding's: none)

    def found(
        owner: Sequence[int] | Int64s,
        at: Sequence[int] | Int64s,
        label: list[Callable[[], str]],
        units: list[Any],
        points: list[Any] | None = None,
    ) -> None:
        owners.append(np.asarray(owner, dtype=np.int64))
        instants.append(np.asarray(at, dtype=np.int64))
        labels.extend(label)
        charged.extend(units)
        own.extend([None] * len(units) if points is None else points)

    for trigger in triggers:
        if trigger.event is not None:
            rows = trigger_event_rows(batch, trigger)
            rows = rows[wanted[frame.order[rows]]]
            owner, names = frame.order[rows], list(frame.type_codes)
            found(
                owner,
                frame.at_us[rows],
                [
                    functools.partial("event {} ({})".format, index, names[kind])
                    for index, kind in zip(
                        frame.index[rows].tolist(), frame.type[rows].tolist(), strict=True
                    )
                ],
                _charged_units(batch, rule, rows, owner),
                frame.values_at(rows.tolist(), "points") if rule.points == "from_event" else None,
            )
        for rule_id in trigger.clock:
            clock = clock_columns(batch, rule_id, findings)
            if not clock.order:
                continue
            owner = np.asarray(clock.order, dtype=np.int64)
            chosen = np.flatnonzero(clock.counted(trigger) & wanted[owner])
            units = [clock.units[k] for k in chosen.tolist()]
            found(
                owner[chosen],
                np.asarray(clock.at, dtype=np.int64)[chosen],
                [
                    functools.partial("clock {}#{} {}".format, rule_id, occurrence, state)
                    for occurrence, state in zip(
                        clock.occurrence[chosen].tolist(),
                        clock.state[chosen].tolist(),
                        strict=True,
                    )
                ],
                [charged_unit(_Charge(unit, unit), rule.charge) for unit in units],
            )
        for rule_id in trigger.window:
            counted = [
                r for r in findings.of_rule(rule_id)[0] if r[6] == trigger.state and wanted[r[0]]
            ]
            found(
                [r[0] for r in counted],
                [r[9] for r in counted],
                [
                    functools.partial("window {} event {} {}".format, rule_id, r[14], r[6])
                    for r in counted
                ],
                [
                    charged_unit(
                        _Charge(r[5] or None, batch.frame.handling_at(r[0], r[9])), rule.charge
                    )
                    for r in counted
                ],
            )
        for rule_id in trigger.escalation:
            counted = [r for r in findings.of_rule(rule_id)[0] if wanted[r[0]]]
            found(
                [r[0] for r in counted],
                [r[7] for r in counted],
                [functools.partial(str, f"escalation {rule_id}")] * len(counted),
                [charged_unit(_Charge(r[5] or None, r[5] or None), rule.charge) for r in counted],
            )
    owner = np.concatenate([np.zeros(0, dtype=np.int64), *owners])
    at = np.concatenate([np.zeros(0, dtype=np.int64), *instants])
    order = _in_time_order(owner, at, lambda k: labels[k]())
    return (
        _booked(
            batch,
            rule,
            owner[order],
            at[order],
            [charged[k] for k in order.tolist()],
            [own[k] for k in order.tolist()] if rule.points == "from_event" else None,
        ),
        fallback,
    )


def _event_deductions(
    batch: OrderBatch, rule: DeductionRule, trigger: Trigger, selector: str, only: set[int] | None
) -> Part:
    """:func:`deduction_rows` of a rule with a cap whose one trigger counts matched events alone.

    (Without a cap such a rule is booked by :func:`_booked_over_batch`.)

    The same rows as the loop over :func:`occurrences`, from the pattern's global rows
    of the batch: each order's matched events in time order (ties in the order of
    their labels, as :func:`occurrences` sorts them), each booked as
    :func:`~grievance_rules.engine.conditions.deduction_points` says. The unit each
    event charges is read for all of them at once (:func:`_charged_units`), and the
    rule's parameters once per judged date, not once per order.
    """
    frame = batch.frame
    matched = batch.rows(batch.plan.pattern_of(trigger))
    if not len(matched):
        return []
    owner = frame.order[matched]
    wanted = batch.selector_mask(selector)[owner]
    if only is not None:
        allowed = np.zeros(len(frame), dtype=bool)
        allowed[np.fromiter(only, dtype=np.int64, count=len(only))] = True
        wanted &= allowed[owner]
    matched, owner = matched[wanted], owner[wanted]
    if not len(matched):
        return []
    rows_l = matched.tolist()
    at_l = frame.at_us[matched].tolist()
    index_l = frame.index[matched].tolist()
    charged = _charged_units(batch, rule, matched, owner)
    own = frame.values_at(rows_l, "points") if rule.points == "from_event" else None
    rows: list[Row] = []
    occurrences_: list[tuple[int, int, str | None, int]] = []  # (at, row, charged unit, index)
    owners = owner.tolist()
    day_l = batch.judged_groups()[1][owner].tolist()
    terms = _terms_of_days(batch, rule, dict.fromkeys(day_l))
    for n, i in enumerate(owners):
        occurrences_.append((at_l[n], n, charged[n], index_l[n]))
        if n + 1 < len(owners) and owners[n + 1] == i:
            continue
        if len(occurrences_) > 1 and len({o[0] for o in occurrences_}) < len(occurrences_):
            kind = trigger.event
            occurrences_.sort(key=lambda o: (o[0], f"event {o[3]} ({kind})"))
        rows.extend(_event_booked(batch, i, rule, occurrences_, own, terms[day_l[n]]))
        occurrences_ = []
    return rows


def _in_time_order(owner: Int64s, at: Int64s, label: Callable[[int], str]) -> Int64s:
    """The places of occurrences (as counted) in the order the engine books them.

    By order, then instant; occurrences of an order at one instant by their labels
    (``label`` of a place, asked only for those), then as counted: as
    :func:`occurrences` and :func:`deduction_rows` sort an order's (a stable sort by
    instant and label).

    Example:
        >>> import numpy as np
        >>> names = ["event 9 (x)", "event 10 (x)", "event 1 (x)"]
        >>> _in_time_order(np.array([0, 0, 0]), np.array([5, 5, 1]), names.__getitem__).tolist()
        [2, 1, 0]
    """
    places = np.lexsort((np.arange(len(owner)), at, owner))
    if len(places) < 2:
        return places
    tied = (owner[places][1:] == owner[places][:-1]) & (at[places][1:] == at[places][:-1])
    if not tied.any():
        return places
    # each run of occurrences at one instant of an order: by label, then as counted
    ordered = places.tolist()
    first = np.flatnonzero(tied & ~np.concatenate(([False], tied[:-1]))).tolist()
    last = np.flatnonzero(tied & ~np.concatenate((tied[1:], [False]))).tolist()
    for start, end in zip(first, last, strict=True):
        run = ordered[start : end + 2]
        ordered[start : end + 2] = sorted(run, key=lambda k: (label(k), k))
    return np.asarray(ordered, dtype=np.int64)


def _booked(
    batch: OrderBatch,
    rule: DeductionRule,
    owner: Int64s,
    at: Int64s,
    units: list[str | None],
    own: list[Any] | None,
) -> Block:
    """The deductions a rule without a cap books over the batch, as :func:`_deductions` does.

    ``owner``, ``at`` (µs) and ``units`` (the unit each charges) are the occurrences the
    rule counts, grouped by order in increasing order, each order's in the engine's
    order; ``own``: their events' own points (``from_event``). Each order's occurrences
    are counted once as ``once_per`` says, worth the rule's points (doubled per earlier
    one under a progression), every one booked (no cap cuts one to nothing), and those
    whose unit is not of a kind the rule ``assesses`` count 0, as
    :func:`~grievance_rules.engine.conditions.deduction_points` and
    :func:`_deduction_row` say it for one order. The parameters are read once per
    judged date, for the dates whose orders read them per order.
    """
    frame = batch.frame
    day = batch.judged_groups()[1][owner]
    terms = _terms_of_days(batch, rule, dict.fromkeys(day.tolist()))
    numbers, unit_codes = first_seen_codes(units)
    starts = first_of_runs(owner)
    keep = np.ones(len(owner), dtype=bool)
    if rule.counted_once_per is not None and len(owner):
        run = np.cumsum(starts) - 1
        several = np.bincount(run)[run] > 1  # (an order's only occurrence is counted)
        asked = day[several].tolist()
        by_order = {d: terms[d].once == "order" for d in dict.fromkeys(asked)}
        once_order = np.zeros(len(owner), dtype=bool)
        once_order[several] = [by_order[d] for d in asked]
        first_of_unit = np.zeros(len(owner), dtype=bool)
        first_of_unit[np.unique(owner * len(numbers) + unit_codes, return_index=True)[1]] = True
        keep = ~several | np.where(once_order, starts, first_of_unit)
    owner, at, unit_codes, day = owner[keep], at[keep], unit_codes[keep], day[keep]
    kept = np.flatnonzero(keep).tolist()
    starts = first_of_runs(owner)
    sequence = np.arange(len(owner)) - np.maximum.accumulate(
        np.where(starts, np.arange(len(owner)), 0)
    )
    if own is None:
        base_of_day = np.zeros(max(terms, default=-1) + 1, dtype=np.float64)
        base_of_day[list(terms)] = [t.base for t in terms.values()]
        base = base_of_day[day]
    else:
        base = np.asarray([float(own[k] or 0.0) for k in kept], dtype=np.float64)
    # (an event's own points are not doubled: ``deduction_points``)
    points = base * 2.0**sequence if rule.progression is not None and own is None else base
    words = [unit or "" for unit in numbers]
    if rule.assesses is not None:
        owner_l, day_l, code_l = owner.tolist(), day.tolist(), unit_codes.tolist()
        charged = list(numbers)  # (each code's unit, None for none)
        allowed: dict[int, set[str] | None] = {}  # (None: every kind)
        # the kinds of an order's units (the first of an id), by the identity of its
        # tuple of units (a reader's orders naming the same units share one, alive while
        # the batch is), shared by every rule and pack
        units_of: dict[int, dict[str, str]] = batch.frame.remember("unit-kinds", dict)
        for k in np.flatnonzero(points != 0).tolist():
            d = day_l[k]
            if d not in allowed:
                scope = terms[d].scope
                allowed[d] = None if scope == "all" else set(scope.split(","))
            kinds = allowed[d]
            if kinds is None:
                continue
            listed = batch.orders[owner_l[k]].units
            kind_of = units_of.get(id(listed))
            if kind_of is None:  # (as _deduction_row reads a unit's kind)
                kind_of = units_of[id(listed)] = {u.id: u.kind._value_ for u in reversed(listed)}
            if kind_of.get(charged[code_l[k]]) not in kinds:
                points[k] = 0.0
    return block(
        owner,
        frame.ids,
        rule.id,
        "deduction",
        seq=sequence.astype(np.int64),
        unit=Coded(unit_codes, np.asarray(words, dtype=object)),
        start_us=at.astype(np.int64),
        points=points,
    )


def _terms_of_days(
    batch: OrderBatch, rule: DeductionRule, wanted: Iterable[int]
) -> dict[int, _Terms]:
    """A rule's :class:`_Terms` on each of the judged dates ``wanted`` (their indices).

    The dates of one parameter segment share one, read on the first of them, where the
    segment has a value of every parameter the rule reads (equal segments: equal
    values); a date of a segment without one has its own, so that reading it fails as
    it fails on that date.
    """
    days = batch.judged_groups()[0]
    table = batch.plan.parameters
    names = [
        ref.param
        for ref in (rule.points, rule.cap, rule.counted_once_per, rule.assesses)
        if isinstance(ref, ParamRef)
    ]
    shared: dict[int, _Terms] = {}
    found: dict[int, _Terms] = {}
    for d in wanted:
        segment = table.segment_of(days[d])
        if all(name in table.values[segment] for name in names):
            terms = shared.get(segment)
            if terms is None:
                terms = shared[segment] = _Terms(batch, rule, days[d])
        else:
            terms = _Terms(batch, rule, days[d])
        found[d] = terms
    return found


class _Terms:
    """A deduction rule's parameters on one judged date (as :meth:`OrderBatch.value` reads them).

    Each read when first asked, as the per-order code asks it: ``points`` and ``cap``
    for every order booked, ``once_per`` for one with several occurrences, ``assesses``
    for a row with points (so a parameter without a value on the date fails the same
    orders).
    """

    def __init__(self, batch: OrderBatch, rule: DeductionRule, day: dt.date) -> None:
        self._value = functools.partial(batch.plan.value, on=day)
        self._rule = rule
        self.base = None if rule.points == "from_event" else float(self._value(rule.points))
        self.cap = None if rule.cap is None else float(self._value(rule.cap))

    @functools.cached_property
    def once(self) -> Any:
        """The ``once_per`` value (the rule has one)."""
        return self._value(self._rule.counted_once_per)

    @functools.cached_property
    def scope(self) -> str:
        """The ``assesses`` value (the rule has one)."""
        return str(self._value(self._rule.assesses))


def _event_booked(
    batch: OrderBatch,
    i: int,
    rule: DeductionRule,
    found: list[tuple[int, int, str | None, int]],
    own: list[Any] | None,
    terms: _Terms,
) -> list[Row]:
    """The rows one order's matched events book (as :func:`_deductions` books them).

    ``found``: (instant, place among the rule's matched events, charged unit, index) of
    each; ``own``: the matched events' own points (``from_event``).
    """
    if rule.counted_once_per is not None and len(found) > 1:
        found = counted_once(found, terms.once, itemgetter(2))
    points_of = [None] * len(found) if own is None else [own[o[1]] for o in found]
    booked = deduction_points(
        points_of, terms.base, doubling=rule.progression is not None, cap=terms.cap
    )
    rows: list[Row] = []
    for seq, (sequence, _raw, points, _capped) in enumerate(booked):
        at, _n, unit, _index = found[sequence - 1]
        rows.append(_deduction_row(batch, i, rule, seq, unit, at, points, terms))
    return rows


def _charged_units(
    batch: OrderBatch, rule: DeductionRule, rows: Int64s, owner: Int64s
) -> list[str | None]:
    """The unit a deduction charges for each matched event (at global ``rows``).

    As :func:`charged_unit` says it for the engine's occurrences: the unit holding the
    order after the event (else the order's first handling unit), the event's acting or
    subject unit, or a callback's rated unit (else the holder).
    """
    frame = batch.frame
    if rule.charge == "trigger_unit":
        return frame.values_at(rows.tolist(), "unit")
    if rule.charge == "subject_unit":
        return frame.values_at(rows.tolist(), "subject_unit")
    codes = frame.handling[rows]
    codes = np.where(codes >= 0, codes, frame.first_handling[owner])
    # each code's unit, -1 (the last) none: looked up in numpy, not a Python step a row
    names = np.fromiter([*frame.unit_names, None], dtype=object, count=len(frame.unit_names) + 1)
    holders: list[str | None] = names[codes].tolist()
    if rule.charge == "handling_unit":
        return holders
    return [
        charged_unit(_MatchedEvent(frame.event(g), holder), rule.charge)
        for g, holder in zip(rows.tolist(), holders, strict=True)
    ]


class _MatchedEvent:
    """A matched event as :func:`charged_unit` reads an occurrence (each field when asked)."""

    __slots__ = ("_event", "handling")

    def __init__(self, event: Any, handling: str | None) -> None:
        self._event = event
        self.handling = handling

    @property
    def unit(self) -> str | None:
        unit: str | None = self._event.unit
        return unit

    @property
    def subject(self) -> str | None:
        return getattr(self._event, "subject_unit", None)

    @property
    def about(self) -> str | None:
        return about_unit(self._event, self.handling)


def _deduction_row(
    batch: OrderBatch,
    i: int,
    rule: DeductionRule,
    seq: int,
    unit: str | None,
    at: int,
    points: float,
    terms: _Terms | None = None,
) -> Row:
    """One booked deduction's row; points outside the rule's ``assesses`` scope count 0.

    ``terms``: the rule's parameters on the order's judged date, if at hand.
    """
    order = batch.orders[i]
    if rule.assesses is not None and points != 0:
        scope = terms.scope if terms is not None else str(batch.value(rule.assesses, i))
        kind = next((u.kind._value_ for u in order.units if u.id == unit), None)  # (.value)
        if scope != "all" and kind not in scope.split(","):
            points = 0.0
    return (
        i, order.id, rule.id, "deduction", seq, unit or "", "", at, -1, -1, "", _NAN, points,
        "columnar", -1,
    )  # fmt: skip


def _deductions(
    batch: OrderBatch, i: int, rule: DeductionRule, found: list[CountedOccurrence]
) -> list[Row]:
    base = None if rule.points == "from_event" else float(batch.value(rule.points, i))
    cap = None if rule.cap is None else float(batch.value(rule.cap, i))
    rows: list[Row] = []
    booked = deduction_points(
        [o.points for o in found], base, doubling=rule.progression is not None, cap=cap
    )
    for seq, (sequence, _raw, points, _capped) in enumerate(booked):
        occurrence = found[sequence - 1]
        unit = charged_unit(occurrence, rule.charge)
        rows.append(_deduction_row(batch, i, rule, seq, unit, to_us(occurrence.at), points))
    return rows
