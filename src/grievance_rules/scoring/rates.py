"""The rates the offices report, each defined once, with its numerator and denominator.

Every rate is a share of a unit's assessed orders in a period: orders excluded
from assessment (不纳入测评, or struck from the assessment by 核减) are left out of
both numerator and denominator and counted as excluded. A rate with an empty
denominator is undefined (``None``), never 0 or 100 %.

Time-limit rates read the pack's own clocks, found by their topics: a clock is
*decided* when it is met or breached at ``as_of`` (a running or paused clock is
not counted yet), and an order is *on time* when all its decided clocks of the
topic were met.

| rate | 中文 | numerator | denominator |
|---|---|---|---|
| `on_time_sign_off` | 按时签收率 | orders whose `sign_off` clocks were all met | orders with a decided `sign_off` clock |
| `first_contact` | 先行联系率 | orders whose handling unit reached the complainant (a `first_contact` event of that unit, or a callback recording `contacted`) | orders dispatched to a handling unit |
| `completion` | 办结率 | orders completed by `as_of` (a reply other than a preliminary one, or a `closed` event) | orders dispatched to a handling unit |
| `on_time_completion` | 按时办结率 | orders whose `reply` clocks were all met | orders with a decided `reply` clock |
| `response` | 响应率 | orders whose `sign_off` and `first_contact` clocks were all met | orders with a decided `sign_off` or `first_contact` clock |
| `resolution` | 解决率 | orders whose last callback recording `resolved` says resolved | orders with a callback recording `resolved` |
| `satisfaction` | 满意率 | satisfied + *w* × basically satisfied (the last rating: overall, else result, else process) | orders rated, less dissatisfied ratings struck off (核减不满意工单) |
| `three_rates` | 三率 | *w_r* × 响应率 + *w_s* × 解决率 + *w_m* × 满意率 | — (undefined when one of the three is) |

*w* (the weight of 基本满意) and the 三率 weights are the pack's ``scoring``
parameters (:class:`~grievance_rules.packs.schema.Scoring`).

Example:
    >>> from grievance_rules.scoring.rates import RATES
    >>> [(r.name, r.zh) for r in RATES][:3]
    [('on_time_sign_off', '按时签收率'), ('first_contact', '先行联系率'), ('completion', '办结率')]
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from grievance_rules.calendar import SHANGHAI
from grievance_rules.engine.assessment import Assessment
from grievance_rules.engine.plan import plan_for
from grievance_rules.errors import ArgumentError
from grievance_rules.i18n import N_
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder
from grievance_rules.model.enums import (
    ClosureOutcome,
    OrderFlag,
    ReplyKind,
    Satisfaction,
    StrikeScope,
)
from grievance_rules.model.events import (
    Callback,
    Closed,
    EventBase,
    FirstContact,
    Replied,
    StruckOff,
)
from grievance_rules.model.handling import about_unit, event_indices_as_of, handling_units
from grievance_rules.packs import Pack
from grievance_rules.packs.schema import RATE_NAMES, ParamRef, Scoring, Topic

__all__ = [
    "RATES",
    "UNATTRIBUTED_REASONS",
    "EventFacts",
    "FactValues",
    "OrderOutcome",
    "Rate",
    "RateCounts",
    "RateDefinition",
    "count_outcomes",
    "event_fact_values",
    "event_facts",
    "last_handling_unit",
    "order_outcome",
    "outcome_from",
    "outcome_of",
    "rate_table",
    "returned_counted",
    "scoring_setting",
    "timed_clock_ids",
    "unattributed_reason",
    "unit_kind_of",
]


class RateDefinition(BaseModel):
    """What a rate counts: its name, Chinese name, numerator and denominator."""

    model_config = ConfigDict(frozen=True)

    name: str
    zh: str
    numerator: str
    denominator: str


RATES: tuple[RateDefinition, ...] = (
    RateDefinition(
        name="on_time_sign_off",
        zh="按时签收率",
        numerator=N_("orders whose sign_off clocks were all met"),
        denominator=N_("orders with a decided (met or breached) sign_off clock"),
    ),
    RateDefinition(
        name="first_contact",
        zh="先行联系率",
        numerator=N_(
            "orders whose handling unit reached the complainant "
            "(a first_contact event of that unit, or a callback recording contacted)"
        ),
        denominator=N_("orders dispatched to a handling unit"),
    ),
    RateDefinition(
        name="completion",
        zh="办结率",
        numerator=N_(
            "orders completed by as_of (a reply other than a preliminary one, or a closed event)"
        ),
        denominator=N_("orders dispatched to a handling unit"),
    ),
    RateDefinition(
        name="on_time_completion",
        zh="按时办结率",
        numerator=N_("orders whose reply clocks were all met"),
        denominator=N_("orders with a decided reply clock"),
    ),
    RateDefinition(
        name="response",
        zh="响应率",
        numerator=N_("orders whose sign_off and first_contact clocks were all met"),
        denominator=N_("orders with a decided sign_off or first_contact clock"),
    ),
    RateDefinition(
        name="resolution",
        zh="解决率",
        numerator=N_("orders whose last callback recording 'resolved' says resolved"),
        denominator=N_("orders with a callback recording 'resolved'"),
    ),
    RateDefinition(
        name="satisfaction",
        zh="满意率",
        numerator=N_(
            "satisfied + w × basically satisfied, by the last rating "
            "(overall, else result, else process); w = scoring.basically_satisfied_weight"
        ),
        denominator=N_("orders rated, less dissatisfied ratings struck off (核减不满意工单)"),
    ),
    RateDefinition(
        name="three_rates",
        zh="三率",
        numerator=N_(
            "weighted sum of response, resolution and satisfaction (scoring.three_rates_weights)"
        ),
        denominator=N_("— (undefined when one of the three rates is undefined)"),
    ),
)
_BY_NAME = {definition.name: definition for definition in RATES}
if tuple(_BY_NAME) != RATE_NAMES:  # the pack vocabulary names the same rates, in order
    raise AssertionError(f"packs.schema.RATE_NAMES {RATE_NAMES} != {tuple(_BY_NAME)}")


class Rate(BaseModel):
    """A rate's value for one unit and period, with what it was computed from."""

    model_config = ConfigDict(frozen=True)

    name: str
    zh: str
    numerator: float
    denominator: int
    value: float | None
    """``numerator / denominator``; ``None`` when the denominator is 0."""

    def __str__(self) -> str:
        if self.value is None:
            return f"{self.zh} n/a (0 orders)"
        return f"{self.zh} {self.value:.1%} ({self.numerator:g}/{self.denominator})"


@dataclass(frozen=True, slots=True)
class OrderOutcome:
    """What one order contributes to its unit's rates and counts (small: one per order).

    ``None`` in a time-limit field means the order has no decided clock of that
    topic; in ``resolved`` or ``satisfaction``, that no callback recorded it.
    """

    order_id: str
    received_on: dt.date
    unit: str | None
    """The handling unit at ``as_of`` (or the last one, if the order was handed back)."""
    unit_kind: str | None
    excluded: bool
    sign_off_on_time: bool | None
    first_contact_on_time: bool | None
    contacted: bool
    completed: bool
    completed_on_time: bool | None
    resolved: bool | None
    satisfaction: Satisfaction | None
    """The last rating of its unit (by a callback rating that unit: its ``about_unit``,
    else the unit holding the order then); ``None`` if unrated or struck off from the
    dissatisfied count."""
    unattributed: str | None = None
    """Why the order has no handling unit (one of :data:`UNATTRIBUTED_REASONS`), when it
    has none (``unit`` is ``None``); ``None`` otherwise."""


UNATTRIBUTED_REASONS: tuple[str, ...] = (
    "answered_online",
    "transferred_out",
    "not_accepted",
    "handled_by_centre",
    "returned",
    "other",
)
"""Why an assessed order counts for no handling unit's row, as the order says it.

``answered_online``: flagged 话务员在线答复 (the operator answered it, never dispatched);
``transferred_out``: flagged 在线转接 (sent on to another hotline); ``not_accepted``:
flagged 不予受理 or closed as such; ``handled_by_centre``: the unit it counts for is a
centre (a unit of an upstream kind, :data:`~grievance_rules.model.enums.UPSTREAM_UNIT_KINDS`,
which has no row: it took the order on itself, 主动承办); ``returned``: handed back by
an approved return (退单, 回退) and not dispatched again by ``as_of``, where the pack
counts such an order for no unit (``scoring.returned_orders: none``; with
``last_unit``, the three packs' reading, it counts for the unit that returned it);
``other``: none of these (not dispatched, and nothing says why: not yet, or closed by
the centre unflagged).
"""

_FLAG_REASONS = (
    (OrderFlag.ANSWERED_ONLINE, "answered_online"),
    (OrderFlag.TRANSFERRED_OUT, "transferred_out"),
    (OrderFlag.NOT_ACCEPTED, "not_accepted"),
)
_NOT_ACCEPTED = ClosureOutcome.NOT_ACCEPTED.value


def unattributed_reason(
    order: WorkOrder, closures: frozenset[str], handed_back: bool = False
) -> str:
    """Why an order with no handling unit has none, as its flags and closures say.

    ``returned`` when it was ``handed_back`` (an approved return, not dispatched again:
    it had a unit); else the first of its flags 话务员在线答复, 在线转接, 不予受理 (in that
    order), else a closure as 不予受理 (``closures``: the outcomes of its closures up to
    ``as_of``), else ``other``. (``handled_by_centre`` is found by the scorecard: that order has a
    unit.)

    Example:
        >>> order = WorkOrder.model_validate({"id": "1", "channel": "12345",
        ...     "category": "咨询", "received_at": "2024-05-06T09:12:00+08:00",
        ...     "flags": ["在线答复"]})
        >>> unattributed_reason(order, frozenset()), unattributed_reason(
        ...     order.model_copy(update={"flags": ()}), frozenset({"not_accepted"}))
        ('answered_online', 'not_accepted')
    """
    if handed_back:  # it had a unit (a flag says why an order never had one)
        return "returned"
    flags = order.flags
    if flags:
        for flag, reason in _FLAG_REASONS:
            if flag in flags:
                return reason
    if _NOT_ACCEPTED in closures:
        return "not_accepted"
    return "other"


_TIMED = (Topic.SIGN_OFF, Topic.FIRST_CONTACT, Topic.REPLY)


def timed_clock_ids(pack: Pack) -> tuple[frozenset[str], ...]:
    """The clock rules of each topic the rates time (sign-off, first contact, reply).

    Found once per compiled pack (kept in its plan's memo).
    """
    plan = plan_for(pack)
    memo = plan.memo  # a cache beside the compiled pack, not on the pack
    ids: tuple[frozenset[str], ...] | None = memo.get("clock rules of timed topics")
    if ids is None:
        ids = tuple(
            frozenset(rule.id for rule, _ in plan.clock_rules if topic in rule.topics)
            for topic in _TIMED
        )
        memo["clock rules of timed topics"] = ids
    return ids


def _rating(fields: Mapping[str, Any]) -> Satisfaction | None:
    """A callback's rating, from its fields: its satisfaction, else its result's or process's."""
    found: Satisfaction | None = (
        fields["satisfaction"] or fields["result_satisfaction"] or fields["process_satisfaction"]
    )
    return found


def order_outcome(order: WorkOrder, assessment: Assessment, pack: Pack) -> OrderOutcome:
    """Reduce an order and its assessment to what the rates count.

    Events after ``assessment.as_of`` are ignored, as the engine ignores them.
    """
    events: list[EventBase] = [
        order.events[i] for i in event_indices_as_of(order, assessment.as_of)
    ]
    return outcome_of(
        order,
        event_facts(events, handling_units(events, order.upstream_unit_ids())),
        excluded=assessment.excluded_from_assessment,
        clocks=[(clock.rule_id, clock.state, clock.unit) for clock in assessment.clocks],
        pack=pack,
    )


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What an order's events up to ``as_of`` tell the rates, whatever the pack.

    Found once per order (:func:`event_facts`) and read under each pack by
    :func:`outcome_of`.
    """

    unit: str | None
    """The last handling unit."""
    contacted: bool
    completed: bool
    resolved: bool | None
    rating: Satisfaction | None
    """The last rating of :attr:`unit` (callbacks rating another unit are not read)."""
    struck_off: bool
    """Struck from the dissatisfied count by a 核减 event."""
    closures: frozenset[str]
    """The outcomes of its closures (a pack may strike some off: 大冶's 依法办理办结)."""
    handed_back: bool = False
    """No unit holds it at ``as_of``, one did: an approved return handed it back and it
    was not dispatched again. :attr:`unit` is then the unit that returned it; a pack
    may count the order for no unit (``scoring.returned_orders``)."""


_FACT_EVENTS: tuple[type[EventBase], ...] = (FirstContact, Replied, Closed, Callback, StruckOff)
"""The kinds of event the rates read, in the order :func:`event_facts` asks for them."""

_FACT_KINDS: dict[type[EventBase], int] = {}
"""An event class → the first of :data:`_FACT_EVENTS` it is (from 1), or 0: once per class."""


def _fact_kind(cls: type[EventBase]) -> int:
    """Which of :data:`_FACT_EVENTS` an event class is (as ``isinstance`` asks), found once."""
    kind = _FACT_KINDS.get(cls)
    if kind is None:
        found = [k for k, base in enumerate(_FACT_EVENTS, start=1) if issubclass(cls, base)]
        kind = _FACT_KINDS[cls] = found[0] if found else 0
    return kind


def event_facts(events: Sequence[EventBase], handling: Sequence[str | None]) -> EventFacts:
    """What an order's events tell the rates (see :class:`EventFacts`).

    Args:
        events: its events up to the assessment's ``as_of``, in time order.
        handling: the handling unit after each of those events
            (:func:`~grievance_rules.model.handling.handling_units`).
    """
    return EventFacts(*event_fact_values(events, handling))


FactValues = tuple[
    str | None, bool, bool, bool | None, Satisfaction | None, bool, frozenset[str], bool
]
"""An :class:`EventFacts`' fields as a tuple, in field order (no object made per order)."""


def last_handling_unit(handling: Sequence[str | None]) -> str | None:
    """The last handling unit of an order's history: the unit its rates count for."""
    for held in reversed(handling):
        if held is not None:
            return held
    return None


def event_fact_values(events: Sequence[EventBase], handling: Sequence[str | None]) -> FactValues:
    """:func:`event_facts`, as a tuple of its fields in field order (for many orders at once).

    Each event's kind is found by its class (:func:`_fact_kind`, once per class), so
    the events the rates do not read (most) cost one look-up each.
    """
    unit = last_handling_unit(handling)
    contacted = False
    completed = False
    resolved: bool | None = None
    rating: Satisfaction | None = None
    struck = False
    closures: set[str] = set()
    kinds = _FACT_KINDS
    for position, event in enumerate(events):
        kind = kinds.get(type(event))  # (type(): no attribute look-up on the model)
        if kind is None:
            kind = _fact_kind(event.__class__)
        if not kind:
            continue
        if kind == 1:  # FirstContact: by the unit the order counts for (or by no unit named)
            contacted = contacted or event.unit is None or event.unit == unit
        elif kind == 2:  # Replied
            assert isinstance(event, Replied)
            completed = completed or event.kind is not ReplyKind.PRELIMINARY
        elif kind == 3:  # Closed
            assert isinstance(event, Closed)
            completed = True
            if event.outcome is not None:
                closures.add(event.outcome._value_)  # (.value, without enum's property)
        elif kind == 4:  # Callback
            assert isinstance(event, Callback)
            # its fields read from the model's dict: one slow look-up on the model, not five
            # (a pydantic model's attributes each take the slow path: it has __getattr__)
            fields = event.__dict__
            # a callback counts for the unit it rates (its 评价单位, else the unit holding
            # the order then): another unit's rating is not this unit's (a joint order's
            # other unit; the unit the order was taken from); none holding it then, the
            # order's own
            judged = about_unit(event, handling[position])
            if judged is not None and judged != unit:
                continue
            contacted = contacted or bool(fields["contacted"])
            if fields["resolved"] is not None:
                resolved = fields["resolved"]
            rated = _rating(fields)
            if rated is not None:
                rating = rated
        else:  # StruckOff
            assert isinstance(event, StruckOff)
            if event.scope is StrikeScope.DISSATISFIED_COUNT:
                struck = True
    handed_back = unit is not None and bool(handling) and handling[-1] is None
    return unit, contacted, completed, resolved, rating, struck, frozenset(closures), handed_back


def outcome_of(
    order: WorkOrder,
    facts: EventFacts,
    *,
    excluded: bool,
    clocks: Sequence[tuple[str, str, str | None]],
    pack: Pack,
    timed: tuple[frozenset[str], ...] | None = None,
) -> OrderOutcome:
    """What an order contributes to the rates under a pack: its event facts and clocks.

    The reduction behind :func:`order_outcome` (from an assessment) and the columnar
    path (from a findings table), by :func:`outcome_from`.

    Args:
        order: the order.
        facts: what its events tell (:func:`event_facts`).
        excluded: whether the order is excluded from assessment.
        clocks: each clock finding's rule id, state and unit (a unit's rates count only
            its own clocks, and the order's clocks of no unit).
        pack: the pack judged under.
        timed: the pack's clock rules of the timed topics (sign-off, first contact,
            reply), when the caller found them once for many orders
            (:func:`timed_clock_ids`); found here otherwise.
    """
    if timed is None:
        timed = timed_clock_ids(pack)
    received_on = order.received_at.astimezone(SHANGHAI).date()
    return outcome_from(
        order,
        facts,
        excluded=excluded,
        on_time=_all_on_time(clocks, timed, facts.unit),
        received_on=received_on,
        unit_kind=unit_kind_of(order, facts.unit),
        strike_off=pack.manifest.scoring.strike_off_closures,
        returned_counted=returned_counted(pack, received_on),
    )


def outcome_from(
    order: WorkOrder,
    facts: EventFacts,
    *,
    excluded: bool,
    on_time: Sequence[bool | None],
    received_on: dt.date,
    unit_kind: str | None,
    strike_off: Iterable[str],
    returned_counted: bool = True,
) -> OrderOutcome:
    """The one reduction of :func:`outcome_of`, given what it finds per order and pack.

    For a caller that found those once for many orders (the columnar fold).

    Args:
        order: the order.
        facts: what its events tell (:func:`event_facts`).
        excluded: whether the order is excluded from assessment.
        on_time: whether the decided clocks of sign-off, first contact and reply were
            all met (``None``: none decided).
        received_on: the day it was received, in Shanghai.
        unit_kind: the kind of its last handling unit (:func:`unit_kind_of`).
        strike_off: the closures the pack counts as 核减 (``scoring.strike_off_closures``).
        returned_counted: whether an order an approved return handed back (and not
            dispatched again) counts for the unit that returned it
            (:func:`returned_counted`); else for none.
    """
    unit = facts.unit
    if facts.handed_back and not returned_counted:
        unit = unit_kind = None
    rating = facts.rating
    # a closure the pack counts as 核减 (大冶: 依法办理办结) strikes the rating off too
    struck = facts.struck_off or not facts.closures.isdisjoint(strike_off)
    if struck and rating is Satisfaction.DISSATISFIED:
        rating = None
    sign_off, first_contact, reply = on_time
    return OrderOutcome(
        order_id=order.id,
        received_on=received_on,
        unit=unit,
        unit_kind=unit_kind,
        excluded=excluded,
        sign_off_on_time=sign_off,
        first_contact_on_time=first_contact,
        contacted=facts.contacted,
        completed=facts.completed,
        completed_on_time=reply,
        resolved=facts.resolved,
        satisfaction=rating,
        unattributed=(
            None
            if unit is not None
            else unattributed_reason(order, facts.closures, facts.handed_back)
        ),
    )


def scoring_setting(pack: Pack, setting: Any, on: dt.date) -> Any:
    """A ``scoring`` setting of ``pack`` as in force ``on``.

    A literal as it is, a dated parameter's value then (its first value before it), or
    the value given over it.
    """
    if isinstance(setting, ParamRef) and setting.param not in pack.overrides:
        on = max(on, pack.parameters[setting.param].values[0].from_)
    return plan_for(pack).value(setting, on)


def returned_counted(pack: Pack, on: dt.date) -> bool:
    """Whether a handed-back order counts for the unit that returned it, under ``pack``.

    An order received ``on`` that an approved return (退单获批) handed back, and not
    dispatched again: for the unit that returned it (``scoring.returned_orders:
    last_unit``), or for no unit (``none``), as in force ``on`` (:func:`scoring_setting`).
    """
    return bool(scoring_setting(pack, pack.manifest.scoring.returned_orders, on) == "last_unit")


def unit_kind_of(order: WorkOrder, unit: str | None) -> str | None:
    """The kind of one of the order's units (the last listed of that id), else ``None``."""
    kind = None
    if unit is not None:
        for u in order.units:  # the last unit of that id, as a dict of them would keep
            if u.id == unit:
                kind = u.kind.value
    return kind


def _all_on_time(
    clocks: Iterable[tuple[str, str, str | None]],
    timed: tuple[frozenset[str], ...],
    unit: str | None,
) -> list[bool | None]:
    """For each set of rule ids in ``timed``: whether ``unit``'s decided clocks were all met.

    The clocks of ``unit`` (the unit the order counts for) and those of no unit: after a
    reassignment another unit's breach is not the new unit's. ``None`` where none was
    decided; one pass over the clocks.
    """
    found: list[bool | None] = [None] * len(timed)
    for rule_id, state, owner in clocks:
        if state != "met" and state != "breached":
            continue
        if owner and owner != unit:
            continue
        met = state == "met"
        for k, rule_ids in enumerate(timed):
            if rule_id in rule_ids:
                found[k] = met and found[k] is not False
    return found


def _both(a: bool | None, b: bool | None) -> bool | None:
    if a is None:
        return b
    if b is None:
        return a
    return a and b


@dataclass(slots=True)
class RateCounts:
    """Running numerators and denominators of every rate (fed one outcome at a time).

    Example:
        >>> counts = RateCounts()
        >>> counts.resolution_n, counts.resolution_d = 3, 4
        >>> counts.rates(Scoring())["resolution"].value
        0.75
    """

    orders: int = 0
    on_time_sign_off_n: int = 0
    on_time_sign_off_d: int = 0
    first_contact_n: int = 0
    completion_n: int = 0
    dispatched: int = 0
    on_time_completion_n: int = 0
    on_time_completion_d: int = 0
    response_n: int = 0
    response_d: int = 0
    resolution_n: int = 0
    resolution_d: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    rated: int = 0

    def add(self, outcome: OrderOutcome) -> None:
        """Count one assessed (not excluded) order."""
        self.orders += 1
        if outcome.unit is not None:
            self.dispatched += 1
            self.first_contact_n += outcome.contacted
            self.completion_n += outcome.completed
        if outcome.sign_off_on_time is not None:
            self.on_time_sign_off_d += 1
            self.on_time_sign_off_n += outcome.sign_off_on_time
        if outcome.completed_on_time is not None:
            self.on_time_completion_d += 1
            self.on_time_completion_n += outcome.completed_on_time
        response = _both(outcome.sign_off_on_time, outcome.first_contact_on_time)
        if response is not None:
            self.response_d += 1
            self.response_n += response
        if outcome.resolved is not None:
            self.resolution_d += 1
            self.resolution_n += outcome.resolved
        if outcome.satisfaction is not None:
            self.rated += 1
            self.satisfied += outcome.satisfaction is Satisfaction.SATISFIED
            self.basically_satisfied += outcome.satisfaction is Satisfaction.BASICALLY_SATISFIED

    def add_counts(self, counts: Sequence[int]) -> None:
        """Count many orders at once: what :meth:`add` counts of them, field by field.

        ``counts``: one number per field, in field order (``orders`` ... ``rated``).
        """
        for name, value in zip(self.__slots__, counts, strict=True):
            setattr(self, name, getattr(self, name) + value)

    def merge(self, other: RateCounts) -> None:
        """Add another counter's counts to this one (a month's into its year)."""
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def rates(self, scoring: Scoring, basically_satisfied: float | None = None) -> dict[str, Rate]:
        """Every rate of :data:`RATES`, by name.

        ``basically_satisfied``: how much a 基本满意 rating counts towards 满意率, as in
        force for the period; by default ``scoring.basically_satisfied_weight``, which must
        then be a number (a dated parameter is resolved by the caller).
        """
        weight = scoring.basically_satisfied_weight
        if basically_satisfied is not None:
            weight = basically_satisfied
        if not isinstance(weight, int | float):
            message = _(
                "basically_satisfied: the weight of 基本满意 is parameter {name}; give its "
                "value for the period"
            )
            raise ArgumentError(
                message.format(name=repr(weight.param)), parameter="basically_satisfied", value=None
            )
        parts: dict[str, tuple[float, int]] = {
            "on_time_sign_off": (self.on_time_sign_off_n, self.on_time_sign_off_d),
            "first_contact": (self.first_contact_n, self.dispatched),
            "completion": (self.completion_n, self.dispatched),
            "on_time_completion": (self.on_time_completion_n, self.on_time_completion_d),
            "response": (self.response_n, self.response_d),
            "resolution": (self.resolution_n, self.resolution_d),
            "satisfaction": (self.satisfied + weight * self.basically_satisfied, self.rated),
        }
        result = {name: _rate(name, n, d) for name, (n, d) in parts.items()}
        three = [result[name].value for name in ("response", "resolution", "satisfaction")]
        if any(value is None for value in three):
            composite = None
        else:
            composite = sum(
                scoring.three_rates_weights[name] * (result[name].value or 0.0)
                for name in ("response", "resolution", "satisfaction")
            )
        definition = _BY_NAME["three_rates"]
        result["three_rates"] = Rate(
            name="three_rates",
            zh=definition.zh,
            numerator=composite or 0.0,
            denominator=1 if composite is not None else 0,
            value=composite,
        )
        return result


def _rate(name: str, numerator: float, denominator: int) -> Rate:
    definition = _BY_NAME[name]
    return Rate(
        name=name,
        zh=definition.zh,
        numerator=numerator,
        denominator=denominator,
        value=numerator / denominator if denominator else None,
    )


def count_outcomes(outcomes: Iterable[OrderOutcome]) -> RateCounts:
    """One counter over many outcomes (excluded orders are skipped)."""
    counts = RateCounts()
    for outcome in outcomes:
        if not outcome.excluded:
            counts.add(outcome)
    return counts


def rate_table(rates: Mapping[str, Rate]) -> list[tuple[str, str, str]]:
    """``(name, 中文, "value (n/d)")`` rows in the order of :data:`RATES`."""
    return [(name, rates[name].zh, str(rates[name])) for name in _BY_NAME if name in rates]
