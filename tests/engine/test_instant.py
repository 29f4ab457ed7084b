"""The instant of an assessment: ``as_of``, never before the receipt; else the last recorded one.

With the history checked (its events in time order), the engine finds it from the end
of the list instead of comparing every event: the same object as :func:`max` over the
receipt and the events gives, ties (one instant written at two offsets) included.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings

from grievance_rules.engine import evaluate
from grievance_rules.engine.batch import evaluate_each
from grievance_rules.engine.matching import view_of
from grievance_rules.engine.single import instant_of
from grievance_rules.errors import NotYetReceivedError, WorkOrderError
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder, ensure_coherent
from grievance_rules.scoring import score
from grievance_rules.testing.strategies import work_orders

UTC = dt.UTC
PLUS8 = dt.timezone(dt.timedelta(hours=8))
PLUS530 = dt.timezone(dt.timedelta(hours=5, minutes=30))


def _order(received: str, ats: list[str]) -> WorkOrder:
    events: list[dict[str, object]] = (
        [{"type": "dispatched", "at": ats[0], "unit": "ctr", "to_unit": "u"}] if ats else []
    )
    events += [{"type": "signed_for", "at": at, "unit": "u"} for at in ats[1:]]
    return WorkOrder.model_validate(
        {
            "id": "T1",
            "channel": "12345",
            "category": "投诉",
            "received_at": received,
            "units": [{"id": "ctr", "kind": "dispatch_centre"}, {"id": "u", "kind": "township"}],
            "events": events,
        }
    )


def _max_of(order: WorkOrder) -> dt.datetime:
    # the reference: the builtin max over the receipt and every event
    return max([order.received_at, *(event.at for event in order.events)])


def test_ties_at_two_offsets_give_the_first_as_max_does() -> None:
    # 10:00+08:00 and 02:00Z are one instant; max keeps the first of them, 10:00+08:00
    order = _order(
        "2024-05-06T09:00:00+08:00",
        ["2024-05-06T09:30:00+08:00", "2024-05-06T10:00:00+08:00", "2024-05-06T02:00:00Z"],
    )
    ensure_coherent(order)
    found = instant_of(order, None, in_time_order=True)
    assert found.isoformat() == "2024-05-06T10:00:00+08:00"
    assert found is order.events[1].at is _max_of(order)


def test_events_at_the_receipt_give_the_receipt() -> None:
    # every event at the receipt instant (written in UTC): max keeps the receipt itself
    order = _order("2024-05-06T09:00:00+08:00", ["2024-05-06T01:00:00Z", "2024-05-06T01:00:00Z"])
    ensure_coherent(order)
    assert instant_of(order, None, in_time_order=True) is order.received_at
    assert _max_of(order) is order.received_at


def test_no_events_give_the_receipt() -> None:
    order = _order("2024-05-06T09:00:00+05:30", [])
    assert instant_of(order, None, in_time_order=True) is order.received_at


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(order=work_orders())
def test_a_checked_history_gives_what_max_gives(order: WorkOrder) -> None:
    ensure_coherent(order)
    found = instant_of(order, None, in_time_order=True)
    expected = _max_of(order)
    assert found is expected
    assert instant_of(order, None) is expected
    # and the view keeps the same events either way
    plain, known = view_of(order, found), view_of(order, found, in_time_order=True)
    assert list(known.indices) == list(plain.indices)
    assert known.kept == plain.kept


def test_an_as_of_outside_the_years_an_order_may_hold_is_refused() -> None:
    # an order's instants are 1900-2199 (the model's Instant); so is as_of, in both
    # languages, before anything converts it (9999-12-31 -08:00 is year 10000 in UTC)
    import pytest

    from grievance_rules.engine import evaluate
    from grievance_rules.errors import CalendarRangeError
    from grievance_rules.i18n import language

    order = _order("2024-05-06T09:00:00+08:00", ["2024-05-06T09:30:00+08:00"])
    for text in (
        "9999-12-31T23:59:59-08:00",
        "0001-01-01T00:00:00+08:00",
        "2200-01-01T08:00:00+08:00",
    ):
        as_of = dt.datetime.fromisoformat(text)
        with language("en"), pytest.raises(CalendarRangeError) as caught:
            evaluate(order, "xiayang", as_of)
        assert str(caught.value) == f"as_of {text} is outside the years 1900-2199"
        with language("zh"), pytest.raises(CalendarRangeError) as caught:
            instant_of(order, as_of)
        assert str(caught.value) == f"as_of {text} 不在1900年至2199年之间"
    # the last instant an order may hold is still an as_of
    last = dt.datetime.fromisoformat("2200-01-01T07:59:59.999999+08:00")
    assert instant_of(order, last) == last


# --- an as_of before the receipt: the order did not exist then -------------------------

RECEIVED = "2024-05-06T09:00:00+08:00"  # Monday; the dispatch at 09:30 the same morning


def test_as_of_before_the_receipt_is_refused_naming_both_instants() -> None:
    order = _order(RECEIVED, ["2024-05-06T09:30:00+08:00"])
    # 00:59 UTC is 08:59 Shanghai: one minute before the receipt
    with pytest.raises(NotYetReceivedError) as caught:
        evaluate(order, "chengdong", as_of=dt.datetime(2024, 5, 6, 0, 59, tzinfo=UTC))
    assert str(caught.value) == (
        "order T1: received_at 2024-05-06T09:00:00+08:00 is after the assessment instant "
        "(as_of) 2024-05-06T08:59:00+08:00: the order was not yet received then"
    )
    assert isinstance(caught.value, WorkOrderError)
    # at the receipt itself the order exists, with nothing yet dispatched
    at_receipt = evaluate(order, "chengdong", as_of=dt.datetime(2024, 5, 6, 1, 0, tzinfo=UTC))
    assert at_receipt.as_of.isoformat() == "2024-05-06T09:00:00+08:00"
    assert at_receipt.clocks == ()


def test_as_of_before_the_receipt_in_chinese() -> None:
    order = _order(RECEIVED, [])
    with language("zh"), pytest.raises(NotYetReceivedError) as caught:
        evaluate(order, "xiayang", as_of=dt.datetime(2024, 5, 5, 23, 0, tzinfo=PLUS8))
    assert str(caught.value) == (
        "工单 T1：受理时间（received_at）2024-05-06T09:00:00+08:00 晚于测评时点（as_of）"
        "2024-05-05T23:00:00+08:00，该时点尚未受理，不能测评"
    )


@pytest.mark.parametrize("path", ["per-order", "columnar"])
def test_a_batch_rejects_orders_received_after_as_of_and_the_counts_add_up(path: str) -> None:
    early = _order(RECEIVED, ["2024-05-06T09:30:00+08:00"]).model_copy(update={"id": "A"})
    late = _order("2024-05-08T10:00:00+08:00", ["2024-05-08T10:30:00+08:00"])
    late = late.model_copy(update={"id": "B"})
    as_of = dt.datetime(2024, 5, 7, 17, 0, tzinfo=PLUS8)
    card = score([early, late], "chengdong", as_of=as_of, path=path)  # type: ignore[arg-type]
    assert (card.inputs, card.assessed, card.excluded, card.rejected) == (2, 1, 0, 1)
    (rejection,) = card.rejections
    assert rejection.order_id == "B"
    assert rejection.reasons == (
        "order B: received_at 2024-05-08T10:00:00+08:00 is after the assessment instant "
        "(as_of) 2024-05-07T17:00:00+08:00: the order was not yet received then",
    )
    results = [row[0] for row in evaluate_each([early, late], ["chengdong"], as_of)]
    assert [r.assessment is not None for r in results] == [True, False]
