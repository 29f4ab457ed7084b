"""A thing several branches of one condition count is named once in the finding's trace."""

from __future__ import annotations

from grievance_rules.engine import evaluate

from .conftest import dispatched, make_order


def test_one_callback_dissatisfied_on_all_three_counts_is_named_once() -> None:
    # daye DY-11.written-assignment holds on a callback with satisfaction, result or
    # process rated 不满意 (any of three branches); this one is rated so on all three
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "signed_for", "at": "2024-05-06T10:00", "unit": "c07"},
        {"type": "replied", "at": "2024-05-07T10:00", "unit": "c07"},
        {
            "type": "callback",
            "at": "2024-05-08T10:00",
            "unit": "ctr",
            "satisfaction": "dissatisfied",
            "result_satisfaction": "dissatisfied",
            "process_satisfaction": "dissatisfied",
        },
    )
    found = evaluate(order, "daye")
    (escalation,) = [e for e in found.escalations if e.rule_id == "DY-11.written-assignment"]
    assert escalation.trace == ("counted event 3 (callback) at 2024-05-08T10:00:00+08:00",)
    assert escalation.since.isoformat() == "2024-05-08T10:00:00+08:00"
