"""Hypothesis strategies for work orders, events, calendars and rule boundaries.

Every order drawn validates and :func:`~grievance_rules.model.check_history`
finds no issue in it: a dispatch centre dispatches to a handling unit, which
signs for it, contacts the complainant, may ask to return it, replies, is called
back, may be sent back for redo, put under supervision, granted an extension,
and so on, in time order. Use it to test code that must work on any valid
order (a policy pack, the engine, a writer).

* orders and events: :func:`work_orders`, :func:`work_order_records`,
  :func:`events`, :func:`units`, :func:`instants`;
* calendars and instants near their edges: :func:`calendars`,
  :func:`holiday_eves`, :func:`last_working_days_before_holidays`,
  :func:`makeup_days`, :func:`first_working_days_after_holidays`,
  :func:`office_hour_edges`, :func:`edge_instants`;
* a pack's time limits just met and just missed: :func:`boundary_cases`.

Installing grievance-rules also registers these with ``st.from_type`` (through
hypothesis' entry point), so ``st.from_type(WorkOrder)`` draws :func:`work_orders`.
Each strategy's docstring says what it shrinks to.

Example:
    >>> from hypothesis import given, settings
    >>> from grievance_rules.model import check_history
    >>> @settings(max_examples=5, database=None)
    ... @given(work_orders())
    ... def test(order):
    ...     assert check_history(order) == ()
    >>> test()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st

from grievance_rules.calendar import SHANGHAI
from grievance_rules.errors import ArgumentError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.model import (
    CallbackMethod,
    Category,
    Channel,
    ClosureOutcome,
    ContactMethod,
    EscalationReason,
    EvidenceKind,
    LeaderRole,
    OrderFlag,
    RedoLevel,
    ReplyKind,
    Satisfaction,
    SpecialKind,
    StrikeScope,
    SupervisionLevel,
    SupervisionMode,
    SupervisionReason,
    Trust,
    Unit,
    UnitKind,
    Urgency,
    WorkOrder,
)
from grievance_rules.model.events import EVENT_CLASSES, EVENT_TYPES, EventBase
from grievance_rules.testing._boundaries import BoundaryCase, boundary_cases
from grievance_rules.testing._calendar_edges import (
    ZONES,
    calendars,
    edge_instants,
    first_working_days_after_holidays,
    holiday_eves,
    last_working_days_before_holidays,
    makeup_days,
    office_hour_edges,
)

__all__ = [
    "BoundaryCase",
    "boundary_cases",
    "calendars",
    "edge_instants",
    "events",
    "first_working_days_after_holidays",
    "holiday_eves",
    "instants",
    "last_working_days_before_holidays",
    "makeup_days",
    "office_hour_edges",
    "units",
    "work_order_records",
    "work_orders",
]

_EPOCH = dt.datetime(2020, 1, 1, tzinfo=SHANGHAI)
_HANDLING_KINDS = [k for k in UnitKind if not k.is_upstream]
_UPSTREAM_KINDS = [k for k in UnitKind if k.is_upstream]
_ZONES = list(ZONES)
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)


def instants(
    start: dt.datetime = _EPOCH, span: dt.timedelta = dt.timedelta(days=3650)
) -> st.SearchStrategy[dt.datetime]:
    """Timezone-aware instants in ``[start, start + span]``, whole seconds, in assorted zones.

    Shrinks to ``start`` itself, in Asia/Shanghai (2020-01-01 00:00+08:00 by default).
    """
    seconds = int(span.total_seconds())
    return st.builds(
        lambda offset, tz: (start + dt.timedelta(seconds=offset)).astimezone(tz),
        st.integers(0, seconds),
        st.sampled_from(_ZONES),
    )


@st.composite
def units(draw: st.DrawFn, unit_id: str | None = None, upstream: bool | None = None) -> Unit:
    """One unit: upstream (a centre) or a handling unit, either if ``upstream`` is None.

    ``unit_id`` None draws an id (``u`` and digits). Shrinks to an upstream
    ``dispatch_centre`` (or a ``street_office`` when ``upstream=False``) named
    ``"0"``, with no leaders, and id ``u0`` when the id is drawn.
    """
    if upstream is None:
        upstream = draw(st.booleans().map(lambda b: not b))
    if unit_id is None:
        unit_id = draw(st.from_regex(r"u[0-9]{1,4}", fullmatch=True))
    kind = draw(st.sampled_from(_UPSTREAM_KINDS if upstream else _HANDLING_KINDS))
    roles = draw(st.lists(st.sampled_from(list(LeaderRole)), max_size=3, unique=True))
    leaders = {role: draw(st.none() | _TEXT) for role in roles}
    return Unit(id=unit_id, name=draw(_TEXT), kind=kind, leaders=leaders)


def _maybe(draw: st.DrawFn, values: Iterable[Any]) -> Any:
    return draw(st.none() | st.sampled_from(list(values)))


def _evidence(draw: st.DrawFn, ref: bool) -> list[dict[str, Any]]:
    kinds = draw(st.lists(st.sampled_from(list(EvidenceKind)), max_size=3 if ref else 2))
    return [{"kind": k, "ref": None} if ref else {"kind": k} for k in kinds]


def _event_fields(
    draw: st.DrawFn, kind: str, at: dt.datetime, centre: str, current: str
) -> dict[str, Any]:
    """The fields of one event of ``kind`` (besides ``type`` and ``at``).

    ``centre`` is the dispatching centre, ``current`` the unit handling the order.
    Deadlines written on an event are at or after it.
    """

    def later() -> dt.datetime:
        return at + dt.timedelta(hours=draw(st.integers(0, 30 * 24)))

    if kind in {"signed_for", "proactive_handling"}:
        return {"unit": current}
    if kind == "dispatched":
        return {"unit": centre, "to_unit": current}
    if kind == "first_contact":
        return {"unit": current, "method": _maybe(draw, ContactMethod)}
    if kind == "return_requested":
        return {
            "unit": current,
            "reason": draw(_TEXT),
            "evidence": _evidence(draw, ref=False),
            "signatures": draw(st.lists(st.sampled_from(list(LeaderRole)), max_size=2)),
        }
    if kind == "return_decided":
        return {"unit": centre, "decision": draw(st.sampled_from(["approved", "refused"]))}
    if kind == "reassigned":
        return {"unit": centre, "from_unit": current, "to_unit": current}
    if kind == "replied":
        return {
            "unit": current,
            "kind": draw(st.sampled_from(list(ReplyKind))),
            "round": draw(st.integers(1, 3)),
            "evidence": _evidence(draw, ref=True),
        }
    if kind == "callback":
        return {
            "unit": draw(st.sampled_from([centre, current])),
            "round": draw(st.integers(1, 3)),
            "reached": draw(st.none() | st.booleans()),
            "contacted": draw(st.none() | st.booleans()),
            "resolved": draw(st.none() | st.booleans()),
            "process_satisfaction": _maybe(draw, Satisfaction),
            "result_satisfaction": _maybe(draw, Satisfaction),
            "trust": _maybe(draw, Trust),
            "method": _maybe(draw, CallbackMethod),
            "about_unit": current,
        }
    if kind == "redo_ordered":
        return {"unit": centre, "level": draw(st.sampled_from(list(RedoLevel))), "to_unit": current}
    if kind == "supervision":
        return {
            "unit": centre,
            "level": draw(st.sampled_from(list(SupervisionLevel))),
            "mode": _maybe(draw, SupervisionMode),
            "reason": _maybe(draw, SupervisionReason),
            "to_unit": current,
            "deadline": draw(st.none() | st.just(later())),
        }
    if kind == "continuation":
        return {"unit": current, "committed_deadline": later()}
    if kind == "extension_requested":
        return {"unit": current, "requested_deadline": later()}
    if kind == "extension_granted":
        return {"unit": centre, "new_deadline": later(), "for_unit": current}
    if kind == "escalated":
        return {"unit": current, "reason": _maybe(draw, EscalationReason)}
    if kind == "excluded":
        return {"unit": centre, "approved_by": centre}
    if kind == "struck_off":
        return {
            "unit": centre,
            "scope": draw(st.sampled_from(list(StrikeScope))),
            "requested_by": current,
        }
    if kind == "buck_passing_found":
        return {"unit": centre, "subject_unit": current}
    if kind == "external_deduction":
        return {
            "unit": centre,
            "subject_unit": current,
            "points": draw(st.sampled_from([-3.0, -2.0, -1.0, -0.5, 1.0])),
            "source": "区通报",
        }
    if kind == "reply_reviewed":
        return {"unit": centre, "approved": draw(st.booleans())}
    if kind in {"referred", "closed"}:
        extra = {"outcome": _maybe(draw, ClosureOutcome)} if kind == "closed" else {}
        return {"unit": centre, **extra}
    raise ValueError(f"no event type {kind!r}")  # pragma: no cover - EVENT_TYPES is closed


@st.composite
def _history(
    draw: st.DrawFn, received: dt.datetime, centre: str, handlers: list[str]
) -> list[dict[str, Any]]:
    """A coherent sequence of events, as dicts."""
    events: list[dict[str, Any]] = []
    now = received

    def tick() -> dt.datetime:
        nonlocal now
        now = now + dt.timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        return now.astimezone(draw(st.sampled_from(_ZONES)))

    def others() -> list[str]:
        return [h for h in handlers if h not in holding]

    def hand_over(unit: str) -> str:
        """The order taken from ``unit`` and given to a unit not holding it (drawn)."""
        new = draw(st.sampled_from(others()))
        holding[holding.index(unit)] = new
        return new

    first = tick()
    holding = [handlers[0]]
    if draw(st.integers(0, 9)) == 9:  # 主动承办: the unit takes it on, undispatched (1 in 10;
        # the shrink target, 0, is the dispatch)
        events.append({"type": "proactive_handling", "at": first, "unit": holding[0]})
    else:
        events.append({"type": "dispatched", "at": first, "unit": centre, "to_unit": holding[0]})
    if len(handlers) > 1 and draw(st.booleans()):  # two units handle it together
        holding.append(handlers[1])
        events.append({"type": "dispatched", "at": first, "unit": centre, "to_unit": holding[1]})
    current = holding[0]
    replied = closed = False
    open_return = open_extension = False
    steps = draw(st.integers(0, 10))
    for _step in range(steps):
        at = tick()
        # the unit acting this step: one of those holding the order (returns and
        # extensions are the requesting unit's until decided)
        if not (open_return or open_extension):
            current = draw(st.sampled_from(holding))
        options = ["supervision", "redo_ordered", "external_deduction", "buck_passing_found"]
        if not closed:
            options += ["signed_for", "first_contact", "replied", "continuation", "escalated"]
            options += ["return_decided" if open_return else "return_requested"]
            options += ["extension_granted" if open_extension else "extension_requested"]
            options += ["closed", "excluded", "struck_off", "reply_reviewed", "referred"]
            if not (open_return or open_extension) and others():
                options.append("reassigned")  # the centre moves it from one unit to another
        if replied:
            options.append("callback")
        kind = draw(st.sampled_from(options))
        event: dict[str, Any] = {
            "type": kind,
            "at": at,
            **_event_fields(draw, kind, at, centre, current),
        }
        if kind == "reassigned":
            current = event["to_unit"] = hand_over(current)
        elif kind == "callback":  # the unit it rates (评价单位): the one acting, another, or none
            rated = [current, None, *(h for h in handlers if h != current)]
            event["about_unit"] = draw(st.sampled_from(rated))
        events.append(event)
        if kind == "return_requested":
            open_return = True
        elif kind == "return_decided":
            open_return = False
            if event["decision"] == "approved" and others():
                new = hand_over(current)
                events.append(
                    {"type": "reassigned", "at": tick(), "unit": centre, "from_unit": current,
                     "to_unit": new}
                )  # fmt: skip
                current = new
                # an extension the unit given up had asked for lapses with its turn: a
                # grant now would be for the new unit, which asked for none (the history
                # check warns extension_without_request)
                open_extension = False
        elif kind == "replied":
            replied = True
        elif kind in {"redo_ordered", "supervision"}:
            closed = False
        elif kind == "extension_requested":
            open_extension = True
        elif kind == "extension_granted":
            open_extension = False
        elif kind == "closed":
            closed = True
    return events


def events(kind: str | None = None) -> st.SearchStrategy[EventBase]:
    """One valid event of type ``kind`` (any type when None), as its model class.

    The acting and target units are ``centre`` (the dispatching centre) and
    ``u0`` (the handling unit); an order using the event needs both. Shrinks to
    the first type (``dispatched`` when ``kind`` is None) at 2020-01-01
    00:00+08:00 with its optional fields unset.

    Raises:
        ArgumentError: ``kind`` is not an event type (a ValueError).
    """
    if kind is not None and kind not in EVENT_CLASSES:
        raise ArgumentError(
            _("events(kind={value}): not an event type; one of: {types}").format(
                value=repr(kind), types=join_list(EVENT_TYPES)
            ),
            parameter="kind",
            value=kind,
        )
    kinds = st.just(kind) if kind is not None else st.sampled_from(list(EVENT_TYPES))
    return kinds.flatmap(_event_of)


@st.composite
def _event_of(draw: st.DrawFn, kind: str) -> EventBase:
    at = draw(instants())
    fields = _event_fields(draw, kind, at, "centre", "u0")
    return EVENT_CLASSES[kind].model_validate({"type": kind, "at": at, **fields})


@st.composite
def work_order_records(draw: st.DrawFn) -> dict[str, Any]:
    """Valid orders as plain records (dicts of Python values, datetimes as objects).

    One to three handling units: the order may be sent to two of them together, moved
    by the centre from one to another (``reassigned``), or returned and sent on; each
    step is taken by one of the units holding it then.

    Shrinks to order ``000000`` (12345 hotline, consultation, normal urgency)
    received 2020-01-01 00:00+08:00 with units ``centre`` and ``u0`` and one
    event: ``centre`` dispatches it to ``u0`` at the same instant.
    """
    received = draw(instants())
    centre = "centre"
    handlers = [f"u{i}" for i in range(draw(st.integers(1, 3)))]
    unit_list = [draw(units(centre, upstream=True))] + [
        draw(units(h, upstream=False)) for h in handlers
    ]
    events = draw(_history(received, centre, handlers))
    reply_deadline = draw(
        st.none() | st.just(received + dt.timedelta(days=draw(st.integers(0, 30))))
    )
    return {
        "id": draw(st.from_regex(r"[0-9A-Z]{6,14}", fullmatch=True)),
        "channel": draw(st.sampled_from(list(Channel))),
        "category": draw(st.sampled_from(list(Category))),
        "urgency": draw(st.sampled_from(list(Urgency))),
        "special_kinds": draw(
            st.lists(st.sampled_from(list(SpecialKind)), max_size=2, unique=True)
        ),
        "response_level": draw(st.none() | st.integers(1, 4)),
        "received_at": received,
        "dispatched_at": events[0]["at"] if draw(st.booleans()) else None,
        "reply_deadline": reply_deadline,
        "complainant": draw(st.none() | st.from_regex(r"p[0-9]{1,6}", fullmatch=True)),
        "issue": draw(st.none() | st.from_regex(r"i[0-9]{1,6}", fullmatch=True)),
        "summary": draw(st.none() | _TEXT),
        "location": draw(
            st.none()
            | st.fixed_dictionaries(
                {"address": _TEXT, "area": st.none() | _TEXT},
                optional={
                    "latitude": st.floats(-90, 90, allow_nan=False),
                    "longitude": st.floats(-180, 180, allow_nan=False),
                },
            )
        ),
        "flags": draw(st.lists(st.sampled_from(list(OrderFlag)), max_size=2, unique=True)),
        "units": [u.model_dump() for u in unit_list],
        "events": events,
    }


def work_orders() -> st.SearchStrategy[WorkOrder]:
    """Valid :class:`~grievance_rules.model.WorkOrder` objects with coherent histories.

    Shrinks as :func:`work_order_records` does: order ``000000``, received
    2020-01-01 00:00+08:00, dispatched by ``centre`` to ``u0`` and nothing else.
    """
    return work_order_records().map(WorkOrder.model_validate)
