"""Partial scorecards merge: any split of the orders, merged in any order, gives the same bytes."""

import datetime as dt
import io
import itertools
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules import reports
from grievance_rules.engine import RepeatIndex
from grievance_rules.reading import read_orders
from grievance_rules.samples import generate_lines
from grievance_rules.scoring import compare, score
from grievance_rules.scoring.comparison import ExampleOrder
from grievance_rules.scoring.merge import (
    PartialScorecard,
    compare_partial,
    merge_comparisons,
    merge_scorecards,
    score_partial,
)
from tests.scoring.orders import answered_online, handled_by_the_centre, order, undispatched


def _inputs():
    """60 sample orders read as JSON Lines, with three bad records among them."""
    lines = list(generate_lines(60, seed=17))
    broken = json.loads(lines[9])
    del broken["channel"]
    lines[9] = json.dumps(broken, ensure_ascii=False)
    lines[30] = "{not json"
    odd = json.loads(lines[47])
    odd["category"] = "抱怨"
    lines[47] = json.dumps(odd, ensure_ascii=False)
    data = ("\n".join(lines) + "\n").encode()
    report = read_orders(io.BytesIO(data), format="jsonl")
    results = sorted((*report.accepted, *report.rejected), key=lambda r: r.location.record)
    assert len(report.rejected) == 3
    return results


INPUTS = _inputs()


def _split(items, cuts):
    edges = [0, *sorted(cuts), len(items)]
    return [items[a:b] for a, b in itertools.pairwise(edges)]


def _merge_randomly(parts, rng, merge):
    parts = list(parts)
    while len(parts) > 1:
        i, j = sorted(rng.sample(range(len(parts)), 2))
        merged = merge([parts[i], parts[j]] if rng.random() < 0.5 else [parts[j], parts[i]])
        parts = [p for k, p in enumerate(parts) if k not in (i, j)] + [merged]
    return parts[0]


@settings(max_examples=12, deadline=None)
@given(
    cuts=st.lists(st.integers(0, len(INPUTS)), max_size=5),
    seed=st.integers(0, 10_000),
    pack=st.sampled_from(["chengdong", "xiayang", "daye"]),
    period=st.sampled_from(["month", "week", "quarter"]),
)
def test_split_and_merged_in_any_order_equals_scoring_at_once(cuts, seed, pack, period):
    whole = score(INPUTS, pack, period=period)
    parts = [
        score_partial(part, pack, key=(index,), period=period)
        for index, part in enumerate(_split(INPUTS, cuts))
    ]
    rng = random.Random(seed)
    rng.shuffle(parts)
    merged = _merge_randomly(parts, rng, merge_scorecards).scorecard()
    assert merged.model_dump_json(indent=2) == whole.model_dump_json(indent=2)
    assert reports.scorecard_markdown(merged) == reports.scorecard_markdown(whole)
    assert merged.inputs == len(INPUTS)
    assert merged.rejected == 3


@settings(max_examples=6, deadline=None)
@given(cuts=st.lists(st.integers(0, len(INPUTS)), max_size=4), seed=st.integers(0, 10_000))
def test_comparisons_split_and_merged_equal_comparing_at_once(cuts, seed):
    packs = ["chengdong", "xiayang", "daye"]
    whole = compare(INPUTS, packs, examples=3)
    parts = [
        compare_partial(part, packs, key=(index,), examples=3)
        for index, part in enumerate(_split(INPUTS, cuts))
    ]
    rng = random.Random(seed)
    rng.shuffle(parts)
    merged = _merge_randomly(parts, rng, merge_comparisons).comparison()
    assert merged.model_dump_json() == whole.model_dump_json()
    assert reports.comparison_markdown(merged) == reports.comparison_markdown(whole)


@settings(max_examples=4, deadline=None)
@given(cuts=st.lists(st.integers(0, len(INPUTS)), max_size=3), seed=st.integers(0, 10_000))
def test_columnar_parts_compare_their_examples_once_merged_as_comparing_at_once(cuts, seed):
    # the parts judged as columns keep their examples as orders (with the part of the repeat
    # index each reads) and compare in full only those the merge keeps: the same bytes
    # (with 10 examples, some read the repeat index: without it they are other examples)
    packs = ["chengdong", "xiayang", "daye"]
    repeats = RepeatIndex.from_inputs(INPUTS)
    whole = compare(INPUTS, packs, examples=10, repeats=repeats, path="per-order")
    parts = [
        compare_partial(part, packs, key=(index,), examples=10, repeats=repeats, path="columnar")
        for index, part in enumerate(_split(INPUTS, cuts))
    ]
    kept = [example for part in parts for _key, example in part.examples]
    assert kept
    assert all(isinstance(example, ExampleOrder) for example in kept)
    rng = random.Random(seed)
    rng.shuffle(parts)
    merged = _merge_randomly(parts, rng, merge_comparisons).comparison()
    assert merged.model_dump_json() == whole.model_dump_json()


def test_counts_add_and_rates_are_recomputed_from_the_merged_counts():
    # three orders of the sample handled by the same unit, split 1 + 2
    orders = [r for r in INPUTS if getattr(r, "order", None) is not None][:3]
    a = score_partial(orders[:1], "xiayang", key=(0,))
    b = score_partial(orders[1:], "xiayang", key=(1,))
    merged = b.merge(a)
    assert merged.inputs == a.inputs + b.inputs == 3
    for slot in set(a.rates) | set(b.rates):
        expected = (a.rates[slot].orders if slot in a.rates else 0) + (
            b.rates[slot].orders if slot in b.rates else 0
        )
        assert merged.rates[slot].orders == expected
    assert merged.scorecard() == score(orders, "xiayang")


def test_a_unit_is_known_by_its_earliest_sighting_whatever_the_merge_order():
    a = PartialScorecard("p@1", "month", None, units={"c07": ((1, 0), "street_office")})
    b = PartialScorecard("p@1", "month", None, units={"c07": ((0, 5), "village_community")})
    assert a.merge(b).units == b.merge(a).units == {"c07": ((0, 5), "village_community")}


def test_parts_of_different_packs_do_not_merge():
    a = PartialScorecard("xiayang@2022-06-08", "month", None)
    b = PartialScorecard("daye@2023-05-19", "month", None)
    with pytest.raises(ValueError, match="cannot merge"):
        a.merge(b)
    with pytest.raises(ValueError, match="no partial scorecards"):
        merge_scorecards([])


@pytest.mark.parametrize("path", ["per-order", "columnar"])
def test_the_orders_in_no_row_merge_whatever_the_order_of_the_parts(path):
    may, june = dt.date(2024, 5, 6), dt.date(2024, 6, 3)
    first = [order("u1", "c01", may), answered_online("online", may)]
    second = [
        handled_by_the_centre("centre", june),
        undispatched("out", june, flags=("transferred_out",)),
        undispatched(
            "left-out",
            june,
            events=((1, {"type": "excluded", "unit": "dzb", "approved_by": "dzb"}),),
        ),
    ]
    a = score_partial(first, "chengdong", key=(0,), path=path)
    b = score_partial(second, "chengdong", key=(1,), path=path)
    # by hand: May, one answered online; June, one the centre handled (its unit has no
    # row: counted when the card is made), one transferred out, one excluded
    assert dict(a.unattributed) == {(dt.date(2024, 5, 1), "answered_online"): 1}
    assert dict(b.unattributed) == {(dt.date(2024, 6, 1), "transferred_out"): 1}
    assert dict(b.unattributed_excluded) == {dt.date(2024, 6, 1): 1}
    ab = a.merge(b).scorecard().model_dump_json(indent=2)
    ba = b.merge(a).scorecard().model_dump_json(indent=2)
    assert ab == ba == score([*first, *second], "chengdong").model_dump_json(indent=2)
    found = json.loads(ab)["unattributed"]
    assert (found["orders"], found["excluded"]) == (3, 1)
    assert found["reasons"] == {
        "answered_online": 1,
        "transferred_out": 1,
        "not_accepted": 0,
        "handled_by_centre": 1,
        "returned": 0,
        "other": 0,
    }
    assert [(p["period"], p["orders"], p["excluded"]) for p in found["periods"]] == [
        ("2024-05", 1, 0),
        ("2024-06", 2, 1),
    ]
