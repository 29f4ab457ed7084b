"""The batch engine checks a chunk's ids at once: the same results as one at a time.

``evaluate_each`` asks :meth:`DuplicateIds.reasons` once per judged chunk. Whatever
the chunk size, each input's result is what the rule says, worked out here by hand
from the inputs alone: an input the engine rejects (an invalid record, a history out
of time order) claims no id; the first judged record of an id is assessed; with
``duplicates="reject"`` a later one is rejected naming the first's position; with
``"last"`` every record but the last input of its id is rejected as replaced.
"""

from __future__ import annotations

from typing import Any, Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.engine import evaluate_many

from .conftest import dispatched, make_order

_GOOD = (dispatched("2024-05-06T09:30"),)
_OUT_OF_ORDER = (
    dispatched("2024-05-06T09:30"),
    {"type": "signed_for", "at": "2024-05-06T09:00", "unit": "c07"},
)


def _input(order_id: str, kind: str) -> Any:
    if kind == "invalid":  # no channel: refused before it is judged, its id read
        record = make_order(*_GOOD, id=order_id).model_dump(mode="json")
        del record["channel"]
        return record
    return make_order(*(_GOOD if kind == "good" else _OUT_OF_ORDER), id=order_id)


def _expected(records: list[tuple[str, str]], duplicates: str) -> list[tuple[bool, str | None]]:
    """(assessed, the id reason) of each input, from the rule as the docs state it."""
    last = {order_id: k for k, (order_id, _kind) in enumerate(records)}
    first: dict[str, int] = {}
    out: list[tuple[bool, str | None]] = []
    for k, (order_id, kind) in enumerate(records):
        if kind != "good":
            out.append((False, None))  # rejected for itself; its id not claimed
        elif duplicates == "last" and last[order_id] != k:
            out.append(
                (False, f"id: order id {order_id!r} replaced by a later input (#{last[order_id]})")
            )
        elif order_id in first:
            out.append(
                (False, f"id: duplicate order id {order_id!r} (first at #{first[order_id]})")
            )
        else:
            first[order_id] = k
            out.append((True, None))
    return out


@settings(max_examples=40, deadline=None)
@given(
    records=st.lists(
        st.tuples(
            st.sampled_from(["A1", "A2", "B-07", "工单-9"]),
            st.sampled_from(["good", "good", "good", "invalid", "out_of_order"]),
        ),
        max_size=14,
    ),
    chunk_size=st.integers(min_value=1, max_value=6),
    duplicates=st.sampled_from(["reject", "last"]),
)
def test_chunked_id_check_gives_what_the_rule_says(
    records: list[tuple[str, str]], chunk_size: int, duplicates: Literal["reject", "last"]
) -> None:
    inputs = [_input(order_id, kind) for order_id, kind in records]
    results = list(evaluate_many(inputs, "daye", chunk_size=chunk_size, duplicates=duplicates))
    assert [r.position for r in results] == list(range(len(records)))
    got = []
    for result, (_order_id, kind) in zip(results, records, strict=True):
        if result.assessment is not None:
            got.append((True, None))
        else:
            assert result.rejection is not None
            reasons = result.rejection.reasons
            id_reasons = [r for r in reasons if r.startswith("id: ")]
            if kind != "good":
                assert not id_reasons, reasons
                got.append((False, None))
            else:
                assert len(reasons) == 1, reasons
                got.append((False, reasons[0]))
    assert got == _expected(records, duplicates)


def test_a_chunk_across_two_worker_processes_checks_its_ids_in_input_order() -> None:
    records = [("W1", "good"), ("W2", "invalid"), ("W2", "good"), ("W1", "good"), ("W2", "good")]
    inputs = [_input(order_id, kind) for order_id, kind in records]
    results = list(evaluate_many(inputs, "daye", processes=2, chunk_size=2))
    assert [r.assessment is not None for r in results] == [True, False, True, False, False]
    assert results[3].rejection is not None
    assert results[3].rejection.reasons == ("id: duplicate order id 'W1' (first at #0)",)
    assert results[4].rejection is not None
    assert results[4].rejection.reasons == ("id: duplicate order id 'W2' (first at #2)",)
