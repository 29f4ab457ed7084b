"""RepeatIndex.from_inputs and merge: the orders a batch keeps, counted as by hand."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.calendar import SHANGHAI
from grievance_rules.engine import RepeatIndex

START = dt.datetime(2024, 4, 20, 9, 0, tzinfo=SHANGHAI)

_rows = st.lists(
    st.tuples(
        st.integers(0, 60 * 24),  # hours after START: about two months
        st.sampled_from(["c1", "c2", "c3"]),
        st.sampled_from(["i1", "i2"]),
    ),
    max_size=25,
)


def _order(n: int, hours: int, complainant: str, issue: str) -> dict[str, object]:
    return {
        "id": f"O{n}",
        "channel": "12345",
        "category": "投诉",
        "received_at": (START + dt.timedelta(hours=hours)).isoformat(),
        "units": [],
        "events": [],
        "complainant": complainant,
        "issue": issue,
    }


def _by_hand(rows: list[tuple[int, str, str]], key: str, who: str, issue: str, at: dt.datetime):
    """The calendar month of ``at`` up to ``at``, counted from the rows themselves."""
    begin = at.replace(day=1, hour=0, minute=0)
    inside = [
        (person, what)
        for hours, person, what in rows
        if begin <= START + dt.timedelta(hours=hours) <= at and what == issue
    ]
    if key == "complainant":
        return sum(person == who for person, _ in inside)
    return len({person for person, _ in inside})


@settings(max_examples=60, deadline=None)
@given(_rows, st.integers(0, 25))
def test_counts_are_the_calendar_month_up_to_the_order(rows, cut) -> None:
    orders = [_order(n, *row) for n, row in enumerate(rows)]
    index = RepeatIndex.from_inputs(orders)
    halves = RepeatIndex.from_inputs(orders[:cut]).merge(RepeatIndex.from_inputs(orders[cut:]))
    for hours, person, issue in rows:
        at = START + dt.timedelta(hours=hours)
        for key in ("complainant", "issue"):
            expected = _by_hand(rows, key, person, issue, at)
            assert index.count(key, person, issue, at) == expected
            assert halves.count(key, person, issue, at) == expected


def test_rejected_duplicate_replaced_and_later_inputs_are_left_out() -> None:
    a, b = _order(1, 0, "c1", "i1"), _order(2, 24, "c1", "i1")
    late = _order(3, 48, "c1", "i1")
    at = START + dt.timedelta(days=5)
    # a second record of O1 (a day later) is rejected by the batch: not indexed
    assert (
        RepeatIndex.from_inputs([a, {**a, "received_at": b["received_at"]}, b]).count(
            "complainant", "c1", "i1", at
        )
        == 2
    )
    # with duplicates="last" the first O1 is replaced: only the later record counts
    moved = {**a, "received_at": late["received_at"]}
    last = RepeatIndex.from_inputs([a, b, moved], duplicates="last")
    assert last.count("complainant", "c1", "i1", START + dt.timedelta(hours=30)) == 1  # O2
    assert last.count("complainant", "c1", "i1", at) == 2  # O2 and the last O1
    # an invalid record, JSON that does not parse, an incoherent history: none indexed
    broken = {k: v for k, v in b.items() if k != "channel"}
    backwards = {
        **_order(4, 24, "c1", "i1"),
        "units": [{"id": "u", "kind": "street_office"}],
        "events": [{"type": "signed_for", "at": START.isoformat(), "unit": "u"}],
    }
    assert (
        RepeatIndex.from_inputs([a, broken, "{no", backwards]).count("complainant", "c1", "i1", at)
        == 1
    )
    # with as_of, an order received after it is not known yet
    known = RepeatIndex.from_inputs([a, b, late], as_of=START + dt.timedelta(hours=30))
    assert known.count("complainant", "c1", "i1", at) == 2


def test_from_inputs_refuses_what_the_batch_refuses():
    import pytest

    from grievance_rules.errors import EngineError, NaiveDatetimeError, WorkOrderError

    one = _order(1, 0, "c1", "i1")
    # a single dict was walked key by key (nothing indexed, no word); "keep_last" was
    # taken for "allow" (every record indexed: the batch took it for "reject"); a naive
    # as_of failed comparing with "can't compare offset-naive and offset-aware datetimes"
    for call, error, message in [
        (
            lambda: RepeatIndex.from_inputs(one),
            WorkOrderError,
            "RepeatIndex.from_inputs takes an iterable of orders, not a single dict: "
            "put the one order in a list ([order])",
        ),
        (
            lambda: RepeatIndex.from_inputs([one, one], duplicates="keep_last"),  # type: ignore[arg-type]
            EngineError,
            "unknown duplicates 'keep_last'; one of: reject, last, allow",
        ),
        (
            lambda: RepeatIndex.from_inputs([one], as_of=dt.datetime(2024, 5, 1)),
            NaiveDatetimeError,
            "as_of 2024-05-01T00:00:00 has no timezone; give an offset such as +08:00 "
            "(no timezone is guessed)",
        ),
    ]:
        with pytest.raises(error) as caught:
            call()
        assert str(caught.value) == message
    # one order received 2024-04-20 09:00 (its second record not indexed): counted once
    # in April, up to the 30th
    index = RepeatIndex.from_inputs([one, one], as_of=dt.datetime(2024, 5, 1, tzinfo=SHANGHAI))
    assert index.count("complainant", "c1", "i1", dt.datetime(2024, 4, 30, tzinfo=SHANGHAI)) == 1
