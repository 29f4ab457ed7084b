"""Mutated orders never escape the batch: each input is assessed or rejected, counts add up.

Valid sample orders are mutated at random (fields dropped, values of the wrong type,
events shuffled, duplicated or cut, integers beyond 64 bits, instants far off, ids
repeated, text that is not JSON) and fed to ``evaluate_many``, ``evaluate_each`` and
``score``: nothing but a result per input comes back, and every rejection names its
position and reasons.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.engine import evaluate_each, evaluate_many
from grievance_rules.samples import generate_orders
from grievance_rules.scoring import score

BASE = [order.model_dump(mode="json") for order in generate_orders(6, seed=5, months=2)]
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
SEEN: set[str] = set()
"""What the mutated inputs came to: both must be seen (checked by the last test)."""
ODD_VALUES = st.sampled_from(
    [
        None,
        "",
        "x",
        -1,
        2**64,
        1.5,
        float("inf"),
        [],
        {},
        True,
        "2999-01-01T00:00:00+08:00",
        "1901-01-01T00:00:00+08:00",
        "2024-05-06T09:00:00",
        "not a date",
        "\u0000",
    ]
)


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """One input: a sample order mutated a little, or something that is no order at all."""
    record = copy.deepcopy(draw(st.sampled_from(BASE)))
    for _ in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["drop", "set", "event_set", "shuffle", "cut", "dup_event"]))
        events = record.get("events")
        if how == "drop" and record:
            record.pop(draw(st.sampled_from(sorted(record))))
        elif how == "set":
            key = draw(st.sampled_from(sorted(record) or ["id"]))
            record[key] = draw(ODD_VALUES)
        elif how == "event_set" and isinstance(events, list) and events:
            event = draw(st.sampled_from(events))
            if isinstance(event, dict) and event:
                event[draw(st.sampled_from(sorted(event)))] = draw(ODD_VALUES)
        elif how == "shuffle" and isinstance(events, list):
            record["events"] = draw(st.permutations(events))
        elif how == "cut" and isinstance(events, list):
            record["events"] = events[: draw(st.integers(0, len(events)))]
        elif how == "dup_event" and isinstance(events, list) and events:
            events.append(copy.deepcopy(draw(st.sampled_from(events))))
    form = draw(st.sampled_from(["dict", "json", "garbled"]))
    if form == "json":
        return json.dumps(record, ensure_ascii=False, default=str)
    if form == "garbled":
        text = json.dumps(record, ensure_ascii=False, default=str)
        return text[: draw(st.integers(0, len(text)))]
    return record


@SETTINGS
@given(inputs=st.lists(mutated(), min_size=1, max_size=8), chunk=st.integers(1, 4))
def test_every_mutated_input_is_assessed_or_rejected(inputs: list[Any], chunk: int) -> None:
    results = list(evaluate_many(inputs, "chengdong", chunk_size=chunk))
    SEEN.update("assessed" if r.assessment is not None else "rejected" for r in results)
    assert [r.position for r in results] == list(range(len(inputs)))
    for result in results:
        assert (result.assessment is None) != (result.rejection is None)
        if result.rejection is not None:
            assert result.rejection.source == f"#{result.position}"
            assert result.rejection.reasons
            assert all(isinstance(reason, str) and reason for reason in result.rejection.reasons)


@SETTINGS
@given(inputs=st.lists(mutated(), min_size=1, max_size=6))
def test_under_several_packs_and_in_scorecards_the_counts_add_up(inputs: list[Any]) -> None:
    rows = list(evaluate_each(inputs, ["xiayang", "daye"]))
    assert len(rows) == len(inputs)
    for position, row in enumerate(rows):
        assert [r.position for r in row] == [position, position]
        assert all((r.assessment is None) != (r.rejection is None) for r in row)
    card = score(inputs, "daye")
    assert card.inputs == len(inputs)
    assert card.assessed + card.excluded + card.rejected == card.inputs


def test_the_mutations_gave_both_assessments_and_rejections() -> None:
    test_every_mutated_input_is_assessed_or_rejected()
    assert {"assessed", "rejected"} == SEEN
