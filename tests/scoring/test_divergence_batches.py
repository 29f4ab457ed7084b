"""A batch's divergences found at once are those of its orders one at a time.

``DivergenceTally.add_batch`` compares the packs' outcomes of a whole batch as arrays
(``_RowDivergences.of_batch``); the reference here goes order by order, as the tally's
docstring says: each order's outcomes under each pack, every (kind, topic) compared,
and the diverging ones counted with the first orders' tags.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from grievance_rules.engine.plan import plan_for
from grievance_rules.packs import find_pack, load_pack
from grievance_rules.packs.schema import ClockRule, DeductionRule, EscalationRule, WindowRule
from grievance_rules.samples import generate_lines
from grievance_rules.scoring import compare, comparison
from grievance_rules.scoring.comparison import _NONE, DivergenceTally, _outcomes, _PackKeys

ROOT = Path(__file__).resolve().parents[2]
CHENGDONG, XIAYANG, DAYE = (find_pack(name) for name in ("chengdong", "xiayang", "daye"))
PACK_SETS = (
    (CHENGDONG, XIAYANG, DAYE),
    (XIAYANG, DAYE),
    (DAYE, XIAYANG, DAYE),  # a pack twice: alike orders do not diverge
    (XIAYANG, XIAYANG),
)
_KINDS = {
    ClockRule: "clock",
    WindowRule: "window",
    DeductionRule: "deduction",
    EscalationRule: "escalation",
}
_OUTCOMES = {
    "clock": st.sampled_from(["met", "breached", "running", "running (yellow)", "paused"]),
    "window": st.sampled_from(["open", "met", "breached"]),
    "deduction": st.sampled_from([-2.0, -1.0, -0.5, 0.0, -1.5]),
    "escalation": st.just("triggered"),  # (an escalation's outcome is its rule's action)
    "record": st.just("true"),  # (left out of the outcomes)
}


def _rules(pack: Any) -> list[tuple[str, str]]:
    """Each of a pack's rules a finding row names: (kind, rule id)."""
    found = [(kind, rule.id) for cls, kind in _KINDS.items() for rule in pack.rules_of(cls)]
    return [*found, ("record", "a record")]  # (a record's rule is never looked up)


@st.composite
def _signature(draw: st.DrawFn, pack: Any) -> tuple[tuple[str, str, Any], ...]:
    """One order's findings under a pack as a signature: (kind, rule, outcome) of each row."""
    rows = draw(st.lists(st.sampled_from(_rules(pack)), max_size=4))
    return tuple((kind, rule, draw(_OUTCOMES[kind])) for kind, rule in rows)


def _signed(signatures: list[Any]) -> SimpleNamespace:
    """A pack's rows of a batch as the divergences read them: each order's signature,
    and the distinct ones in order of first sighting with each order's number among them."""
    distinct: list[Any] = []
    for signature in signatures:
        if signature not in distinct:
            distinct.append(signature)
    numbers = np.array([distinct.index(s) for s in signatures], dtype=np.int64)
    return SimpleNamespace(signatures=signatures, numbered=(distinct, numbers))


@st.composite
def _batches(draw: st.DrawFn) -> tuple[tuple[Any, ...], list[SimpleNamespace]]:
    """Packs, and batches of orders drawn from a few signatures per pack (so orders tie).

    An order may be alike under a pack given twice (the same signature); some orders of
    a batch are not folded (rejected after they were judged).
    """
    packs = draw(st.sampled_from(PACK_SETS))
    pools = {
        id(pack): draw(st.lists(_signature(pack), min_size=1, max_size=4, unique=True))
        for pack in packs
    }
    batches = []
    position = 0
    for _ in range(draw(st.integers(1, 3))):
        size = draw(st.integers(0, 10))
        signed: list[list[Any]] = [[] for _pack in packs]
        for _order in range(size):
            alike = draw(st.integers(0, 3))  # each pack its own signature, or the same
            for n, pack in enumerate(packs):
                pool = pools[id(pack)]
                signed[n].append(
                    pool[min(alike, len(pool) - 1)] if alike else draw(st.sampled_from(pool))
                )
        accepted = [i for i in range(size) if draw(st.booleans()) or draw(st.booleans())]
        batches.append(
            SimpleNamespace(
                packs=[_signed(signatures) for signatures in signed],
                accepted=accepted,
                orders=[f"order {position + i}" for i in range(size)],
                positions=list(range(position, position + size)),
            )
        )
        position += size + 1  # (a rejected input between batches)
    return packs, batches


def _tag(order: str, position: int) -> tuple[int, str]:
    return position, order


def _one_at_a_time(
    packs: tuple[Any, ...], batches: list[SimpleNamespace], examples: int
) -> tuple[int, list[Any], list[Any], list[Any]]:
    """The tally order by order: diverging orders, patterns' counts and tags, kept tags."""
    keys = [_PackKeys(pack) for pack in packs]
    diverging = 0
    counts: dict[Any, int] = {}
    tags: dict[Any, list[Any]] = {}
    kept: list[Any] = []
    for batch in batches:
        for i in batch.accepted:
            outcomes = [
                _outcomes(rows.signatures[i], pack_keys)
                for rows, pack_keys in zip(batch.packs, keys, strict=True)
            ]
            topics = sorted({key for outcome in outcomes for key in outcome})
            patterns = [(k, t, tuple(o.get((k, t), _NONE) for o in outcomes)) for k, t in topics]
            found = [pattern for pattern in patterns if len(set(pattern[2])) > 1]
            if not found:
                continue
            diverging += 1
            tag = _tag(batch.orders[i], batch.positions[i])
            if len(kept) < examples:
                kept.append(tag)
            for pattern in found:
                counts[pattern] = counts.get(pattern, 0) + 1
                shown = tags.setdefault(pattern, [])
                if len(shown) < min(examples, 5):
                    shown.append(tag)
    return diverging, list(counts.items()), list(tags.items()), kept


def _at_once(
    packs: tuple[Any, ...], batches: list[SimpleNamespace], examples: int
) -> tuple[int, list[Any], list[Any], list[Any]]:
    tally: DivergenceTally[tuple[int, str]] = DivergenceTally(examples, later=True)
    for batch in batches:
        tally.add_batch(batch, packs, None, None, _tag)  # type: ignore[arg-type]
    kept = [tag for tag, _example in tally.kept]
    return tally.diverging, list(tally.patterns.items()), list(tally.pattern_examples.items()), kept


_NO_ROWS = SimpleNamespace(
    packs=[_signed([]) for _pack in PACK_SETS[0]],
    accepted=[],
    orders=[],
    positions=[],
)


@settings(max_examples=300, deadline=None, database=None)
@given(_batches(), st.integers(0, 7), st.sampled_from([comparison._WIDEST, 1]), st.booleans())
@example((PACK_SETS[0], [_NO_ROWS]), 3, comparison._WIDEST, False)  # no rows
def test_a_batch_at_once_counts_as_its_orders_one_at_a_time(batches, examples, widest, forget):
    """Counts, patterns in order of first showing, examples: the same as order by order.

    ``widest``: 1 numbers the patterns anew at every step (as when the packs' outcomes
    are too many for one 64-bit number); ``forget``: the numbers are forgotten between
    batches (as past ``_SEEN`` signatures).
    """
    packs, found = batches
    expected = _one_at_a_time(packs, found, examples)
    saved = comparison._WIDEST, comparison._SEEN
    comparison._WIDEST, comparison._SEEN = widest, 1 if forget else comparison._SEEN
    try:
        assert _at_once(packs, found, examples) == expected
    finally:
        comparison._WIDEST, comparison._SEEN = saved


def test_every_order_diverging_with_ties_counts_each_order_once():
    """Orders that all diverge, in patterns they share: counted, tagged in input order."""
    late = (("deduction", "CD-A2.1.overdue", -2.0),)  # (topic: late)
    met = (("clock", "DY-7a.signoff", "met"),)  # (topic: sign_off)
    breached = (("clock", "DY-7a.signoff", "breached"),)
    batch = SimpleNamespace(
        packs=[
            _signed([late, (), late, late]),
            _signed([met, breached, met, met]),
        ],
        accepted=[0, 1, 2, 3],
        orders=["a", "b", "c", "d"],
        positions=[4, 5, 6, 7],
    )
    packs = (CHENGDONG, DAYE)
    found = _at_once(packs, [batch], 2)
    signed_off = ("clock", "sign_off", (_NONE, "met"))
    overdue = ("deduction", "late", ("-2", _NONE))
    refused = ("clock", "sign_off", (_NONE, "breached"))
    a, b, c = (4, "a"), (5, "b"), (6, "c")
    assert found == (
        4,
        [(signed_off, 3), (overdue, 3), (refused, 1)],  # in order of first showing
        [(signed_off, [a, c]), (overdue, [a, c]), (refused, [b])],
        [a, b],
    )
    assert found == _one_at_a_time(packs, [batch], 2)


@pytest.mark.parametrize("path", ["columnar", "per-order"])
def test_a_comparison_under_one_pack_finds_no_divergence(path):
    """One pack: its orders are not signed, each is counted one at a time (none diverges)."""
    lines = list(generate_lines(40, seed=8))
    result = compare(lines, ["xiayang"], path=path)
    assert result.orders_diverging == 0
    assert result.divergences == ()
    assert result.assessed == 40


def test_a_second_comparison_reads_the_outcomes_kept_beside_the_packs_plans(monkeypatch):
    """Each signature's outcomes are found once per pack (plan), not once per comparison."""
    lines = list(generate_lines(120, seed=12))
    packs = [load_pack(ROOT / "policies" / name) for name in ("chengdong", "daye")]
    first = compare(lines, packs, path="columnar").model_dump_json()
    assert all(plan_for(pack).memo["outcomes by signature"] for pack in packs)
    found: list[object] = []

    def counted(*args):
        found.append(args)
        return _outcomes(*args)

    monkeypatch.setattr(comparison, "_outcomes", counted)
    assert compare(lines, packs, path="columnar").model_dump_json() == first
    assert found == []  # (all kept)
    for pack in packs:
        plan_for(pack).memo["outcomes by signature"].clear()
    assert compare(lines, packs, path="columnar").model_dump_json() == first
    assert found  # (found again)
