"""The matcher remembers which selectors each kind of order meets: orders alike meet the same.

What a selector reads of an order (channel, category, urgency, special kinds, flags,
the first handler's kind, and whether each field its ``has`` names is set) is the
key; an order that differs in any of it is judged afresh.
"""

from __future__ import annotations

import dataclasses

import pytest

from grievance_rules.engine import evaluate, evaluate_many
from grievance_rules.engine.plan import compile_pack
from grievance_rules.packs import find_pack, load_pack
from grievance_rules.samples import generate_lines

from .conftest import HERE, make_order


def test_has_is_part_of_what_is_remembered() -> None:
    plan = compile_pack(load_pack(HERE / "packs" / "demo"))
    assert plan.selector_fields == ("reply_deadline",)
    without = make_order()
    written = make_order(reply_deadline="2024-05-08T09:00:00+08:00")
    # the same kind of order but for the written deadline: judged first without it
    first = evaluate(without, plan)
    second = evaluate(written, plan)
    assert "D-written" not in {c.rule_id for c in first.clocks}
    assert "D-written" in {c.rule_id for c in second.clocks}
    assert len(plan.selectors_met) == 2


@pytest.mark.parametrize("pack_name", ["chengdong", "xiayang", "daye"])
def test_remembered_selectors_change_no_assessment(pack_name: str) -> None:
    plan = compile_pack(find_pack(pack_name))
    lines = list(generate_lines(300, seed=9))
    remembered = [r.to_json() for r in evaluate_many(lines, plan)]
    assert 0 < len(plan.selectors_met) < 300  # orders alike share an entry
    afresh = []
    for line in lines:  # a new plan (an empty memory) per order
        (result,) = evaluate_many([line], dataclasses.replace(plan, selectors_met={}))
        afresh.append(result.to_json())
    assert remembered == afresh
