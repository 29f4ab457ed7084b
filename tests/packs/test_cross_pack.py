"""One realistic history under all three packs, and why the answers differ.

A complaint reaches 南湖村 on Monday 2026-03-02 09:20. The village asks to return
it at 16:40 the same day without giving a reason; the return is refused the next
morning; the village signs for it, contacts the complainant at 10:00 on
Tuesday and replies on Friday 03-06 without attaching evidence. The callback on
Monday 03-09 finds the process 不满意 with a dissatisfaction tendency.
"""

import datetime as dt

from grievance_rules.engine import evaluate
from grievance_rules.model import WorkOrder

CST = dt.timezone(dt.timedelta(hours=8))
ORDER = WorkOrder.model_validate(
    {
        "id": "X-1",
        "channel": "12345",
        "category": "投诉",
        "received_at": "2026-03-02T09:10:00+08:00",
        "units": [
            {"id": "ctr", "kind": "dispatch_centre"},
            {"id": "c11", "kind": "village_community"},
        ],
        "events": [
            {
                "type": "dispatched",
                "at": "2026-03-02T09:20:00+08:00",
                "unit": "ctr",
                "to_unit": "c11",
            },
            {
                "type": "return_requested",
                "at": "2026-03-02T16:40:00+08:00",
                "unit": "c11",
                "reason": "",
            },
            {
                "type": "return_decided",
                "at": "2026-03-03T09:00:00+08:00",
                "unit": "ctr",
                "decision": "refused",
            },
            {"type": "signed_for", "at": "2026-03-03T09:30:00+08:00", "unit": "c11"},
            {"type": "first_contact", "at": "2026-03-03T10:00:00+08:00", "unit": "c11"},
            {"type": "replied", "at": "2026-03-06T15:00:00+08:00", "unit": "c11"},
            {
                "type": "callback",
                "at": "2026-03-09T10:00:00+08:00",
                "unit": "ctr",
                "process_satisfaction": "dissatisfied",
                "result_satisfaction": "basically_satisfied",
                "resolved": True,
                "dissatisfaction_tendency": True,
            },
        ],
    }
)
AS_OF = dt.datetime(2026, 3, 31, 18, 0, tzinfo=CST)


def test_the_same_history_under_the_three_packs() -> None:
    cd, xy, dy = (evaluate(ORDER, name, AS_OF) for name in ("chengdong", "xiayang", "daye"))

    # The return: 城东 allows half a working day (3 h 30 of office time from 09:20,
    # closing 14:20 after the lunch break); 夏阳 and 大冶 allow two working days.
    assert [(w.rule_id, w.state) for w in cd.windows] == [("CD-2.return-window", "late")]
    assert cd.windows[0].closes_at == dt.datetime(2026, 3, 2, 14, 20, tzinfo=CST)
    assert [(w.rule_id, w.state) for w in xy.windows] == [("XY-5.return-window", "within")]
    assert [(w.rule_id, w.state) for w in dy.windows] == [("DY-7b.return-window", "within")]

    # Points: only 城东's annex 2 deducts — late return (超期件), no reason (无理由退件),
    # process 不满意. 夏阳's document sets no points; 大冶's quarterly assessment
    # weighs rates, not per-order points.
    assert sorted((d.rule_id, d.points) for d in cd.deductions) == [
        ("CD-A2.1.overdue", -1.0),
        ("CD-A2.2.return-without-reason", -1.0),
        ("CD-A2.3.process-unsatisfied", -1.0),
    ]
    assert xy.deductions == ()
    assert dy.deductions == ()

    # Accepting: 夏阳 and 大冶 both want it within 1 working day of dispatch. 夏阳 counts
    # office time from the dispatch instant (due Tuesday 09:20): the village, signing at
    # 09:30, is ten minutes late. 大冶 counts days 「自交办之日起」 (the day of 交办 not
    # counted): due at closing time on Tuesday, 17:30, so the same sign-off is in time.
    assert {c.rule_id: c.state for c in xy.clocks}["XY-1.accept"] == "breached"
    signoff = next(c for c in dy.clocks if c.rule_id == "DY-7a.signoff")
    assert (signoff.state, signoff.due) == ("met", dt.datetime(2026, 3, 3, 17, 30, tzinfo=CST))

    # The reply: 夏阳's 5 working days run from the dispatch, 大冶's 5 from the
    # sign-off; both are met on Friday. 城东 has no limit for an ordinary 12345 order
    # without a written deadline, so no reply clock runs.
    assert {c.rule_id: c.state for c in xy.clocks}["XY-2.first-handling"] == "met"
    assert {c.rule_id: c.state for c in dy.clocks}["DY-8b.reply"] == "met"
    assert not [c for c in cd.clocks if c.rule_id.startswith("CD-5")]

    # The unsatisfied callback: 城东 deducts (above); 夏阳 makes it a warning order
    # with three working days for a second handling, which nobody did (breached);
    # 大冶 assigns it in writing (书面交办).
    assert "XY-3.warning-order" in {e.rule_id for e in xy.escalations}
    assert {c.rule_id: c.state for c in xy.clocks}["XY-4.second-handling"] == "breached"
    assert "DY-11.written-assignment" in {e.rule_id for e in dy.escalations}

    # A reply without evidence: only 城东's 高效办理制 requires evidence.
    assert "CD-4.reply-evidence" in {e.rule_id for e in cd.escalations}
    assert not any("evidence" in e.rule_id for e in [*xy.escalations, *dy.escalations])
