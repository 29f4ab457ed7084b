"""Every entry to the engine checks the history and accounts for every input.

Issue 15, items 1-3: an order the engine cannot judge is rejected with its id and
reason while the batch goes on; a history that contradicts itself is refused by
``evaluate``, ``evaluate_many`` and ``score`` as ``grievance-rules read`` refuses it
(a flag skips the check); a second order with an id already assessed is rejected.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from grievance_rules.engine import evaluate, evaluate_each, evaluate_many
from grievance_rules.errors import (
    CalendarError,
    CalendarRangeError,
    FactValidationError,
    HistoryError,
    NaiveDatetimeError,
    WorkOrderError,
)
from grievance_rules.scoring import compare, score

from .conftest import dispatched, make_order

OUT_OF_ORDER = (
    dispatched("2024-05-06T09:30"),
    {"type": "replied", "at": "2024-05-09T10:00", "unit": "c07"},
    {"type": "signed_for", "at": "2024-05-07T09:00", "unit": "c07"},
)


def test_evaluate_refuses_a_history_out_of_time_order_naming_the_event():
    order = make_order(*OUT_OF_ORDER, id="S1")
    with pytest.raises(HistoryError) as caught:
        evaluate(order, "daye")
    assert caught.value.order_id == "S1"
    (issue,) = caught.value.issues
    assert issue.field == "events[2].at"  # type: ignore[attr-defined]
    assert "events must be in time order" in str(caught.value)
    evaluate(order, "daye", check_history=False)  # a caller that checked may skip it


def test_a_batch_rejects_the_broken_history_and_goes_on():
    good = make_order(dispatched("2024-05-06T09:30"), id="G1")
    bad = make_order(*OUT_OF_ORDER, id="S1")
    results = list(evaluate_many([good, bad, good.model_copy(update={"id": "G2"})], "daye"))
    assert [r.assessment is not None for r in results] == [True, False, True]
    rejection = results[1].rejection
    assert rejection is not None
    assert (rejection.source, rejection.order_id) == ("#1", "S1")
    assert rejection.reasons[0].startswith("events[2].at: event at 2024-05-07T09:00:00+08:00")
    assert rejection.reasons[0].endswith("[out_of_order]")
    skipped = list(evaluate_many([bad], "daye", check_history=False))
    assert skipped[0].assessment is not None


def test_an_order_the_engine_cannot_take_is_rejected_alone():
    huge = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "replied", "at": "2024-05-07T09:00", "unit": "c07", "round": 2**64},
        id="BIG",
    )
    good = make_order(dispatched("2024-05-06T09:30"), id="G1")
    results = list(evaluate_many([good, huge, good.model_copy(update={"id": "G2"})], "daye"))
    assert [r.assessment is not None for r in results] == [True, False, True]
    rejection = results[1].rejection
    assert rejection is not None
    assert (rejection.source, rejection.order_id) == ("#1", "BIG")
    assert rejection.reasons == (
        f"fact 2, key 'round': {2**64} is wider than the engine's 64-bit integers",
    )


def test_evaluate_refuses_an_integer_the_engine_cannot_take():
    huge = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "replied", "at": "2024-05-07T09:00", "unit": "c07", "round": 2**63},
        id="BIG",
    )
    with pytest.raises(FactValidationError) as caught:
        evaluate(huge, "daye")
    assert str(caught.value) == (
        f"fact 2, key 'round': {2**63} is wider than the engine's 64-bit integers"
    )
    assert caught.value.field == "events[1].round"
    fits = huge.model_copy(
        update={
            "events": [*huge.events[:1], huge.events[1].model_copy(update={"round": 2**63 - 1})]
        }
    )
    assert evaluate(fits, "daye").order_id == "BIG"


def test_a_second_order_with_the_same_id_is_rejected_naming_the_first():
    one = make_order(dispatched("2024-05-06T09:30"), id="D1")
    results = list(evaluate_each([one, one.model_dump(mode="json"), one], ["daye", "xiayang"]))
    assert [[r.assessment is not None for r in row] for row in results] == [
        [True, True],
        [False, False],
        [False, False],
    ]
    assert results[1][0].rejection is not None
    assert results[1][0].rejection.reasons == ("id: duplicate order id 'D1' (first at #0)",)
    allowed = list(evaluate_many([one, one], "daye", duplicates="allow"))
    assert all(r.assessment is not None for r in allowed)


def test_duplicates_are_found_across_worker_processes():
    orders = [make_order(dispatched("2024-05-06T09:30"), id=f"P{k % 5}") for k in range(9)]
    results = list(evaluate_many(orders, "daye", processes=2, chunk_size=2))
    assert [r.assessment is not None for r in results] == [True] * 5 + [False] * 4
    assert results[7].rejection is not None
    assert results[7].rejection.reasons == ("id: duplicate order id 'P2' (first at #2)",)


def test_score_counts_every_input_once():
    good = make_order(dispatched("2024-05-06T09:30"), id="G1")
    bad = make_order(*OUT_OF_ORDER, id="S1")
    card = score([good, bad, good, {"id": "x"}], "daye")
    assert (card.inputs, card.assessed, card.rejected) == (4, 1, 3)
    assert [r.order_id for r in card.rejections] == ["S1", "G1", "x"]
    assert card.rejections[1].reasons == ("id: duplicate order id 'G1' (first at #0)",)


def test_the_last_order_of_an_id_can_replace_the_earlier_ones():
    first = make_order(dispatched("2024-05-06T09:30"), id="D1")
    later = make_order(dispatched("2024-05-07T09:30"), id="D1")
    other = make_order(dispatched("2024-05-06T09:30"), id="D2")
    results = list(evaluate_many([first, other, later], "daye", duplicates="last"))
    assert [r.assessment is not None for r in results] == [False, True, True]
    assert results[0].rejection is not None
    assert results[0].rejection.reasons == ("id: order id 'D1' replaced by a later input (#2)",)
    kept = results[2].assessment
    assert kept is not None
    assert kept == evaluate(later, "daye")  # the later record, not the first, is judged
    with pytest.raises(TypeError, match="needs the inputs as a sequence"):
        list(evaluate_many(iter([first, later]), "daye", duplicates="last"))
    card = score([first, other, later], "daye", duplicates="last")
    assert (card.inputs, card.assessed, card.rejected) == (3, 2, 1)


BAD_DICT = {
    "id": "X1",
    "channel": "12345",
    "category": "投诉",
    "received_at": "2024-05-06T09:00:00",
    "units": [],
    "events": [{"type": "teleported", "at": "2024-05-06T09:00:00+08:00"}],
}


def test_an_invalid_input_is_rejected_as_the_reader_says_it_in_each_language():
    from grievance_rules.i18n import language

    with language("en"):
        (english,) = evaluate_many([BAD_DICT], "daye")
    with language("zh"):
        (chinese,) = evaluate_many([BAD_DICT], "daye")
    assert english.rejection.order_id == chinese.rejection.order_id == "X1"
    # one reason a field (the instant's two validation paths are one), no internal tags
    assert english.rejection.reasons == (
        # an input to the engine has no zone option: the offset is asked for, no --tz
        "received_at: naive timestamp '2024-05-06T09:00:00' has no UTC offset; add one "
        "(e.g. +08:00): no timezone is guessed [timezone_aware]",
        "events[0]: unknown event type 'teleported'; expected one of dispatched, "
        "signed_for, ... [union_tag_invalid]",
    )
    assert chinese.rejection.reasons == (
        "受理时间（received_at）：时间 '2024-05-06T09:00:00' 未注明时区；请补上时差（如 +08:00）："
        "程序不会猜测时区 [timezone_aware]",
        "events[0]：未知的流转环节类型 'teleported'；应为 dispatched、signed_for 等 "
        "[union_tag_invalid]",
    )


@pytest.mark.parametrize(
    ("judged_on", "kind"),
    [
        (dt.datetime(2024, 6, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), "datetime"),
        ("2024-06-01", "str"),
    ],
)
def test_judged_on_that_is_not_a_date_is_refused_naming_it(judged_on, kind):
    # a datetime is a date subclass, so the type hint lets it through; it used to fail
    # deep in the parameter table with "can't compare datetime.datetime to datetime.date"
    order = make_order(dispatched("2024-05-06T09:30"), id="J1")
    with pytest.raises(CalendarError) as caught:
        evaluate(order, "daye", judged_on=judged_on)
    assert str(caught.value) == f"judged_on must be a date, got {kind}"


def test_judged_on_as_a_date_is_the_date_applied():
    order = make_order(dispatched("2024-05-06T09:30"), id="J2")
    assert evaluate(order, "daye", judged_on=dt.date(2024, 6, 1)).judged_on == dt.date(2024, 6, 1)


def _one_order_in_three_forms():
    order = make_order(dispatched("2024-05-06T09:30"), id="O1")
    record = order.model_dump(mode="json")
    return [("WorkOrder", order), ("dict", record), ("str", json.dumps(record))]


@pytest.mark.parametrize(("kind", "one"), _one_order_in_three_forms())
def test_a_batch_given_one_order_instead_of_an_iterable_of_orders_is_refused(kind, one):
    # a dict, a JSON string and a WorkOrder are iterable themselves: each key,
    # character or (field, value) pair used to be rejected as an input of its own
    for function, call in [
        ("evaluate_many", lambda: list(evaluate_many(one, "daye"))),
        ("evaluate_each", lambda: list(evaluate_each(one, ["daye", "xiayang"]))),
    ]:
        with pytest.raises(WorkOrderError) as caught:
            call()
        assert str(caught.value) == (
            f"{function} takes an iterable of orders, not a single {kind}: "
            "put the one order in a list ([order])"
        )
    (result,) = evaluate_many([one], "daye")
    assert result.rejection is None


NAIVE = dt.datetime(2024, 5, 20, 9, 0)
FAR = dt.datetime(2300, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.parametrize(
    ("as_of", "error", "message"),
    [
        (
            NAIVE,
            NaiveDatetimeError,
            "as_of 2024-05-20T09:00:00 has no timezone; give an offset such as +08:00 "
            "(no timezone is guessed)",
        ),
        (dt.date(2024, 5, 20), CalendarError, "as_of must be a datetime, got date"),
        (FAR, CalendarRangeError, "as_of 2300-01-01T00:00:00+08:00 is outside the years 1900-2199"),
    ],
)
def test_a_batch_refuses_an_as_of_no_order_can_be_assessed_at_before_reading_any(
    as_of, error, message
):
    # it used to reject every input with the same reason, the caller's mistake
    # counted against each order (a scorecard of N inputs, N rejected)
    orders = [make_order(dispatched("2024-05-06T09:30"), id=f"N{k}") for k in range(3)]
    for call in [
        lambda: list(evaluate_many(orders, "daye", as_of=as_of)),
        lambda: list(evaluate_each(orders, ["daye", "xiayang"], as_of=as_of)),
        lambda: score(orders, "daye", as_of=as_of),
        lambda: score(orders * 200, "daye", as_of=as_of, path="columnar", duplicates="allow"),
        lambda: compare(orders, ["daye", "xiayang"], as_of=as_of),
    ]:
        with pytest.raises(error) as caught:
            call()
        assert str(caught.value) == message


def test_an_order_received_after_the_batch_as_of_is_still_rejected_alone():
    early = make_order(dispatched("2024-05-06T09:30"), id="E1")
    late = make_order(id="L1", received_at="2024-05-21T09:00:00+08:00")
    as_of = dt.datetime(2024, 5, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    results = list(evaluate_many([early, late], "daye", as_of=as_of))
    assert results[0].rejection is None
    assert results[1].rejection is not None
    assert results[1].rejection.reasons == (
        "order L1: received_at 2024-05-21T09:00:00+08:00 is after the assessment instant "
        "(as_of) 2024-05-20T09:00:00+08:00: the order was not yet received then",
    )
