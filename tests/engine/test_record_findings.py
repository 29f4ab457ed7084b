"""Record findings shared across orders, and those that are an order's own."""

from __future__ import annotations

from grievance_rules.engine import evaluate_many
from grievance_rules.engine.plan import compile_pack
from grievance_rules.packs import find_pack
from grievance_rules.samples import generate_lines


def test_a_record_whose_trace_names_instants_is_not_kept_for_other_orders() -> None:
    plan = compile_pack(find_pack("xiayang"))  # a plan of its own: an empty memo
    lines = list(generate_lines(400, seed=5))
    assessments = [r.assessment for r in evaluate_many(lines, plan)]
    # XY-3.callback counts a callback after a reply: its trace says which reply, and when
    noted = [
        finding
        for assessment in assessments
        if assessment is not None
        for finding in assessment.records
        if any(line.startswith("after event ") for line in finding.trace)
    ]
    assert len(noted) > 100  # (the orders exercise it)
    kept = [
        entry for key, entry in plan.memo.items() if isinstance(key, tuple) and key[0] == "record"
    ]
    assert not any(line.startswith("after event ") for finding in kept for line in finding.trace)
    # the findings every order shares are still kept once: far fewer than the orders
    assert 0 < len(kept) < 50
