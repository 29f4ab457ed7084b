"""The mix of a few thousand orders is the one the documented rates say."""

import math

import pytest

from grievance_rules.model import UnitKind, WorkOrder
from grievance_rules.samples import Mix, generate_orders

MIX = Mix()
N = 4000


@pytest.fixture(scope="module")
def orders() -> list[WorkOrder]:
    return list(generate_orders(N, seed=21))


def share(hits: int, total: int, expected: float) -> None:
    """Within 4 standard errors (and one point) of the documented rate."""
    observed = hits / total
    tolerance = 4 * math.sqrt(expected * (1 - expected) / total) + 0.01
    assert abs(observed - expected) <= tolerance, (observed, expected, total)


def weight(table: tuple[tuple[str, float], ...], key: str) -> float:
    return dict(table)[key] / sum(w for _, w in table)


def types(order: WorkOrder) -> list[str]:
    return [e.type for e in order.events]


def test_intake(orders: list[WorkOrder]) -> None:
    first = [o for o in orders if "repeat" not in o.flags]
    share(
        sum(o.channel == "provincial_hotline" for o in orders),
        N,
        weight(MIX.channels, "provincial_hotline"),
    )
    share(
        sum(o.channel == "hotline_12345" for o in orders), N, weight(MIX.channels, "hotline_12345")
    )
    share(sum(o.urgency == "urgent" for o in orders), N, weight(MIX.urgencies, "urgent"))
    share(
        sum(o.category == "complaint" for o in first),
        len(first),
        weight(MIX.categories, "complaint"),
    )
    share(sum("respond_at_once" in o.special_kinds for o in orders), N, MIX.respond_at_once)
    share(sum(o.complainant is None for o in first), len(first), MIX.anonymous)
    asked = [o for o in first if o.category in ("consultation", "suggestion")]
    share(sum("answered_online" in o.flags for o in asked), len(asked), MIX.online_answer)
    assert 0 < sum("repeat" in o.flags for o in orders) < N // 5


def test_receipt_times(orders: list[WorkOrder]) -> None:
    from grievance_rules.calendar import china

    calendar = china()
    working = [o for o in orders if calendar.is_working_day(o.received_at.date())]
    late = sum(not 8 <= o.received_at.hour < 18 for o in working)
    share(late, len(working), MIX.received_off_hours)
    rest = len(orders) - len(working)
    assert 0.1 < rest / len(orders) < 0.3  # weekends and holidays, at about half the volume


def test_handling(orders: list[WorkOrder]) -> None:
    dispatched = [o for o in orders if "dispatched" in types(o)]
    first = [o for o in dispatched if "repeat" not in o.flags]
    by_street = sum(
        next(e for e in o.events if e.type == "dispatched").unit == "dzb" for o in first
    )
    # city departments are dispatched by the city centre; every other unit by the street
    share(by_street, len(first), 1 - weight(MIX.handler_kinds, UnitKind.CITY_DEPARTMENT.value))
    share(
        sum("return_requested" in types(o) for o in dispatched), len(dispatched), MIX.return_request
    )
    requests = [e for o in dispatched for e in o.events if e.type == "return_requested"]
    share(sum(e.reason == "" for e in requests), len(requests), MIX.return_without_reason)
    share(
        sum("continuation" in types(o) for o in dispatched if o.urgency != "immediate"),
        sum(o.urgency != "immediate" for o in dispatched),
        MIX.continuation,
    )
    first_replies = [
        next(e for e in o.events if e.type == "replied")
        for o in dispatched
        if "replied" in types(o)
    ]
    share(
        sum(not e.evidence for e in first_replies), len(first_replies), MIX.reply_without_evidence
    )
    closed = [o for o in dispatched if "closed" in types(o)]
    share(sum("excluded" in types(o) for o in closed), len(closed), MIX.excluded)
    assert all("excluded_from_assessment" in o.flags for o in closed if "excluded" in types(o))


def test_first_callbacks(orders: list[WorkOrder]) -> None:
    verdicts = []
    for order in orders:
        if "continuation" in types(order):
            continue  # its outcome sets the verdict
        callbacks = [e for e in order.events if e.type == "callback" and e.unit in ("dzb", "shi")]
        if callbacks:
            verdicts.append(callbacks[0])
    total = len(verdicts)
    share(
        sum(e.reached is False for e in verdicts), total, weight(MIX.first_verdicts, "not_reached")
    )
    satisfied = sum(e.result_satisfaction == "satisfied" for e in verdicts)
    share(satisfied, total, weight(MIX.first_verdicts, "satisfied"))
