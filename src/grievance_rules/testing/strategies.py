"""Hypothesis strategies for valid work orders with coherent histories.

Every order drawn validates and :func:`~grievance_rules.model.check_history`
finds no issue in it: a dispatch centre dispatches to a handling unit, which
signs for it, contacts the complainant, may ask to return it, replies, is called
back, may be sent back for redo, put under supervision, granted an extension,
and so on, in time order. Use it to test code that must work on any valid
order (a policy pack, the engine, a writer).

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

__all__ = ["instants", "units", "work_order_records", "work_orders"]

_EPOCH = dt.datetime(2020, 1, 1, tzinfo=SHANGHAI)
_HANDLING_KINDS = [k for k in UnitKind if not k.is_upstream]
_UPSTREAM_KINDS = [k for k in UnitKind if k.is_upstream]
_ZONES = [SHANGHAI, dt.UTC, dt.timezone(dt.timedelta(hours=8))]
_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)


def instants(
    start: dt.datetime = _EPOCH, span: dt.timedelta = dt.timedelta(days=3650)
) -> st.SearchStrategy[dt.datetime]:
    """Timezone-aware instants in ``[start, start + span]``, whole seconds, in assorted zones."""
    seconds = int(span.total_seconds())
    return st.builds(
        lambda offset, tz: (start + dt.timedelta(seconds=offset)).astimezone(tz),
        st.integers(0, seconds),
        st.sampled_from(_ZONES),
    )


@st.composite
def units(draw: st.DrawFn, unit_id: str, upstream: bool) -> Unit:
    """One unit with this id, upstream (a centre) or a handling unit."""
    kind = draw(st.sampled_from(_UPSTREAM_KINDS if upstream else _HANDLING_KINDS))
    roles = draw(st.lists(st.sampled_from(list(LeaderRole)), max_size=3, unique=True))
    leaders = {role: draw(st.none() | _TEXT) for role in roles}
    return Unit(id=unit_id, name=draw(_TEXT), kind=kind, leaders=leaders)


def _maybe(draw: st.DrawFn, values: Iterable[Any]) -> Any:
    return draw(st.none() | st.sampled_from(list(values)))


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

    def later(at: dt.datetime) -> dt.datetime:
        return at + dt.timedelta(hours=draw(st.integers(0, 30 * 24)))

    current = handlers[0]
    events.append({"type": "dispatched", "at": tick(), "unit": centre, "to_unit": current})
    replied = closed = False
    open_return = open_extension = False
    steps = draw(st.integers(0, 10))
    for _ in range(steps):
        at = tick()
        options = ["supervision", "redo_ordered", "external_deduction", "buck_passing_found"]
        if not closed:
            options += ["signed_for", "first_contact", "replied", "continuation", "escalated"]
            options += ["return_decided" if open_return else "return_requested"]
            options += ["extension_granted" if open_extension else "extension_requested"]
            options += ["closed", "excluded", "struck_off", "reply_reviewed", "referred"]
        if replied:
            options.append("callback")
        kind = draw(st.sampled_from(options))
        event: dict[str, Any] = {"type": kind, "at": at}
        if kind in {"signed_for", "first_contact", "continuation", "return_requested"}:
            event["unit"] = current
        if kind == "first_contact":
            event["method"] = _maybe(draw, ContactMethod)
        elif kind == "return_requested":
            open_return = True
            event["reason"] = draw(_TEXT)
            event["evidence"] = [
                {"kind": k} for k in draw(st.lists(st.sampled_from(list(EvidenceKind)), max_size=2))
            ]
            event["signatures"] = draw(st.lists(st.sampled_from(list(LeaderRole)), max_size=2))
        elif kind == "return_decided":
            open_return = False
            approved = draw(st.booleans())
            event.update(unit=centre, decision="approved" if approved else "refused")
            events.append(event)
            if approved and len(handlers) > 1:
                new = draw(st.sampled_from([h for h in handlers if h != current]))
                events.append(
                    {"type": "reassigned", "at": tick(), "unit": centre, "from_unit": current,
                     "to_unit": new}
                )  # fmt: skip
                current = new
            continue
        elif kind == "replied":
            replied = True
            event.update(
                unit=current,
                kind=draw(st.sampled_from(list(ReplyKind))),
                round=draw(st.integers(1, 3)),
                evidence=[{"kind": k, "ref": None} for k in draw(
                    st.lists(st.sampled_from(list(EvidenceKind)), max_size=3))],
            )  # fmt: skip
        elif kind == "callback":
            event.update(
                unit=draw(st.sampled_from([centre, current])),
                round=draw(st.integers(1, 3)),
                reached=draw(st.none() | st.booleans()),
                contacted=draw(st.none() | st.booleans()),
                resolved=draw(st.none() | st.booleans()),
                process_satisfaction=_maybe(draw, Satisfaction),
                result_satisfaction=_maybe(draw, Satisfaction),
                trust=_maybe(draw, Trust),
                method=_maybe(draw, CallbackMethod),
                about_unit=current,
            )
        elif kind == "redo_ordered":
            closed = False
            event.update(unit=centre, level=draw(st.sampled_from(list(RedoLevel))), to_unit=current)
        elif kind == "supervision":
            closed = False
            event.update(
                unit=centre,
                level=draw(st.sampled_from(list(SupervisionLevel))),
                mode=_maybe(draw, SupervisionMode),
                reason=_maybe(draw, SupervisionReason),
                to_unit=current,
                deadline=draw(st.none() | st.just(later(at))),
            )
        elif kind == "continuation":
            event["committed_deadline"] = later(at)
        elif kind == "extension_requested":
            open_extension = True
            event.update(unit=current, requested_deadline=later(at))
        elif kind == "extension_granted":
            open_extension = False
            event.update(unit=centre, new_deadline=later(at), for_unit=current)
        elif kind == "escalated":
            event.update(unit=current, reason=_maybe(draw, EscalationReason))
        elif kind == "excluded":
            event.update(unit=centre, approved_by=centre)
        elif kind == "struck_off":
            event.update(
                unit=centre, scope=draw(st.sampled_from(list(StrikeScope))), requested_by=current
            )
        elif kind == "buck_passing_found":
            event.update(unit=centre, subject_unit=current)
        elif kind == "external_deduction":
            event.update(
                unit=centre,
                subject_unit=current,
                points=draw(st.sampled_from([-3.0, -2.0, -1.0, -0.5, 1.0])),
                source="区通报",
            )
        elif kind == "reply_reviewed":
            event.update(unit=centre, approved=draw(st.booleans()))
        elif kind == "referred":
            event.update(unit=centre)
        elif kind == "closed":
            closed = True
            event.update(unit=centre, outcome=_maybe(draw, ClosureOutcome))
        events.append(event)
    return events


@st.composite
def work_order_records(draw: st.DrawFn) -> dict[str, Any]:
    """Valid orders as plain records (dicts of Python values, datetimes as objects)."""
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
    """Valid :class:`~grievance_rules.model.WorkOrder` objects with coherent histories."""
    return work_order_records().map(WorkOrder.model_validate)
