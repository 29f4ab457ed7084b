"""One realistic history under all three packs, and why the answers differ.

A complaint reaches 南湖村 on Monday 2026-03-02 09:20. The village asks to return
it at 16:40 the same day without giving a reason; the return is refused the next
morning; the village signs for it, contacts the complainant at 10:00 on
Tuesday and replies on Friday 03-06 without attaching evidence. The callback on
Monday 03-09 finds the process 不满意 with a dissatisfaction tendency.
"""

import datetime as dt

from grievance_rules.engine import evaluate, evaluate_periods
from grievance_rules.model import WorkOrder
from grievance_rules.packs import find_pack

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


def _order(
    order_id: str, units: list[dict[str, str]], events: list[dict[str, object]]
) -> WorkOrder:
    return WorkOrder.model_validate(
        {
            "id": order_id,
            "channel": "provincial_hotline",
            "category": "投诉",
            "received_at": "2026-03-02T09:10:00+08:00",
            "units": units,
            "events": events,
        }
    )


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CST)


_UNITS = [
    {"id": "ctr", "kind": "dispatch_centre"},
    {"id": "c11", "kind": "village_community"},
    {"id": "c12", "kind": "village_community"},
]

# 南湖村 (c11) gets a 省级热线 order on Monday 2026-03-02 09:20, asks to return it at
# 11:00 (with reason, evidence and two signatures); the return is approved at 15:00 and
# the centre re-dispatches it to 北湖村 (c12) at 16:00 — recorded the one way
# (docs/model.md): return_decided approved, then reassigned. 北湖村 signs on Tuesday
# 09:00, contacts the complainant at 09:30 and replies on Monday 03-09 15:00.
REDISPATCHED = _order(
    "X-2",
    _UNITS,
    [
        {"type": "dispatched", "at": "2026-03-02T09:20:00+08:00", "unit": "ctr", "to_unit": "c11"},
        {
            "type": "return_requested",
            "at": "2026-03-02T11:00:00+08:00",
            "unit": "c11",
            "reason": "不属本村辖区",
            "evidence": [{"kind": "photo"}],
            "suggested_unit": "北湖村",
            "signatures": ["leader_in_charge", "main_leader"],
        },
        {
            "type": "return_decided",
            "at": "2026-03-02T15:00:00+08:00",
            "unit": "ctr",
            "decision": "approved",
            "requester": "c11",
        },
        {
            "type": "reassigned",
            "at": "2026-03-02T16:00:00+08:00",
            "unit": "ctr",
            "from_unit": "c11",
            "to_unit": "c12",
        },
        {"type": "signed_for", "at": "2026-03-03T09:00:00+08:00", "unit": "c12"},
        {"type": "first_contact", "at": "2026-03-03T09:30:00+08:00", "unit": "c12"},
        {
            "type": "replied",
            "at": "2026-03-09T15:00:00+08:00",
            "unit": "c12",
            "evidence": [{"kind": "photo"}],
        },
    ],
)


def _clocks(assessment: object, rule_id: str) -> dict[str | None, tuple[str, dt.datetime]]:
    clocks = getattr(assessment, "clocks")  # noqa: B009
    return {c.unit: (c.state, c.due) for c in clocks if c.rule_id == rule_id}


def test_a_redispatched_order_under_the_three_packs() -> None:
    cd, xy, dy = (evaluate(REDISPATCHED, name, AS_OF) for name in ("chengdong", "xiayang", "daye"))

    # Every pack gives 北湖村 its own limits from its own assignment (16:00 Monday) and
    # stops charging 南湖村 once its return is approved (15:00): 南湖村's clocks end met.
    # 城东 三（五）「省级热线…2个工作日内回复」: 840 office minutes from Mon 16:00 — Mon 90,
    # Tue 420, Wed 09:00-12:00 180 and 13:30-16:00 150 → Wed 03-04 16:00. The reply on
    # Monday 03-09 is late: 附件2 二、1 −1, charged to 北湖村, not to 南湖村.
    assert _clocks(cd, "CD-5.provincial-urgent") == {
        "c11": ("met", _at("2026-03-04T09:20")),
        "c12": ("breached", _at("2026-03-04T16:00")),
    }
    assert [(d.rule_id, d.unit, d.points) for d in cd.deductions] == [
        ("CD-A2.1.overdue", "c12", -1.0)
    ]
    # 夏阳 二、1「5个工作日内进行工单处置并提交」from its own dispatch: Mon 90, Tue-Fri
    # 1,680, Mon 03-09 09:00-12:00 180 and 13:30-16:00 150 → Mon 03-09 16:00: met.
    assert _clocks(xy, "XY-2.first-handling") == {
        "c11": ("met", _at("2026-03-09T09:20")),
        "c12": ("met", _at("2026-03-09T16:00")),
    }
    # 先行接单 within 1 working day of its own dispatch (Mon 90 + Tue 330 → Tue 16:00).
    assert _clocks(xy, "XY-1.accept")["c12"] == ("met", _at("2026-03-03T16:00"))
    # 大冶 （七） by days (「自交办之日起」): 北湖村's sign-off is due at closing on Tuesday;
    # its reply, 5 working days from its own sign-off (Tue 09:00), Mon 03-09 17:30: met.
    assert _clocks(dy, "DY-7a.signoff") == {
        "c11": ("met", _at("2026-03-03T17:30")),
        "c12": ("met", _at("2026-03-03T17:30")),
    }
    assert _clocks(dy, "DY-8b.reply") == {"c12": ("met", _at("2026-03-09T17:30"))}
    # The return windows are 南湖村's own, from its own dispatch: 城东 half a working day
    # (closing 14:20), 夏阳 two working days (Wed 09:20), 大冶 two days (Wed 17:30).
    assert [(w.rule_id, w.unit, w.state, w.closes_at) for w in cd.windows] == [
        ("CD-2.return-window", "c11", "within", _at("2026-03-02T14:20"))
    ]
    assert [(w.unit, w.closes_at) for w in xy.windows] == [("c11", _at("2026-03-04T09:20"))]
    assert [(w.unit, w.closes_at) for w in dy.windows] == [("c11", _at("2026-03-04T17:30"))]
    # One unit held the order at a time: no 会议督办 (大冶 （十二）「需要多个部门协商解决」).
    assert "DY-12.meeting" not in {e.rule_id for e in dy.escalations}


def test_a_township_forward_starts_no_clock_of_its_own() -> None:
    # 大冶: a township passing the order to its own village is a forward inside its
    # assignment (docs/model.md): the township's sign-off runs on; the village gets none.
    units = [
        {"id": "rx", "kind": "city_centre"},
        {"id": "ljq", "kind": "township"},
        {"id": "hpc", "kind": "village_community", "parent": "ljq"},
    ]
    order = _order(
        "X-4",
        units,
        [
            {
                "type": "dispatched",
                "at": "2026-03-02T09:20:00+08:00",
                "unit": "rx",
                "to_unit": "ljq",
            },
            {"type": "signed_for", "at": "2026-03-02T10:00:00+08:00", "unit": "ljq"},
            {
                "type": "dispatched",
                "at": "2026-03-02T10:30:00+08:00",
                "unit": "ljq",
                "to_unit": "hpc",
            },
        ],
    )
    daye = evaluate(order, "daye", AS_OF)
    assert _clocks(daye, "DY-7a.signoff") == {"ljq": ("met", _at("2026-03-03T17:30"))}


# 南湖村 gets a 省级热线 order on Monday 2026-03-02 09:20, signs at 09:40, calls the
# complainant at 10:00 and sends a 初步回复 at 16:00; its reply with a result comes on
# Tuesday 03-10 10:00.
PRELIMINARY = _order(
    "X-3",
    _UNITS,
    [
        {"type": "dispatched", "at": "2026-03-02T09:20:00+08:00", "unit": "ctr", "to_unit": "c11"},
        {"type": "signed_for", "at": "2026-03-02T09:40:00+08:00", "unit": "c11"},
        {"type": "first_contact", "at": "2026-03-02T10:00:00+08:00", "unit": "c11"},
        {
            "type": "replied",
            "at": "2026-03-02T16:00:00+08:00",
            "unit": "c11",
            "kind": "preliminary",
            "evidence": [{"kind": "audio"}],
        },
        {
            "type": "replied",
            "at": "2026-03-10T10:00:00+08:00",
            "unit": "c11",
            "evidence": [{"kind": "photo"}],
        },
    ],
)


def test_a_preliminary_reply_under_the_three_packs() -> None:
    cd, xy, dy = (evaluate(PRELIMINARY, name, AS_OF) for name in ("chengdong", "xiayang", "daye"))
    # No pack lets the 初步回复 meet its main limit (issue 14 item 1): 城东 三（五） keeps
    # 初步回复 apart from 回复; 夏阳 二、1 asks for 「工单处置并提交」; 大冶 （八） for 「答复」.
    # So the limits are judged at the reply of 03-10, late under all three:
    # 城东 2 working days (省级热线) from Mon 09:20 → Wed 03-04 09:20;
    # 夏阳 5 working days from the dispatch → Mon 03-09 09:20;
    # 大冶 5 working days from the sign-off (Mon 09:40) → Mon 03-09 09:40.
    assert _clocks(cd, "CD-5.provincial-urgent") == {"c11": ("breached", _at("2026-03-04T09:20"))}
    assert _clocks(xy, "XY-2.first-handling") == {"c11": ("breached", _at("2026-03-09T09:20"))}
    assert _clocks(dy, "DY-8b.reply") == {"c11": ("breached", _at("2026-03-09T09:40"))}
    # What follows differs by pack: 城东 deducts 1 point (附件2 二、1 超期件); 夏阳 asks a
    # written explanation in its bimonthly report (五、2 逾期工单); 大冶 supervises by phone
    # (（十二）电话督办).
    assert [(d.rule_id, d.points) for d in cd.deductions] == [("CD-A2.1.overdue", -1.0)]
    xiayang = find_pack("xiayang")
    explained = evaluate_periods([xy], xiayang, unit_kinds={"c11": "village_community"})
    assert [(f.rule_id, f.unit, f.period) for f in explained] == [
        ("XY-12.written-explanation", "c11", "2026-03/04")  # once, for the bimonthly report
    ]
    assert "DY-12.phone" in {e.rule_id for e in dy.escalations}
    # The other reading (preliminary_reply_stops: true) is one switch away in each pack:
    # the 初步回复 at Mon 16:00 then meets every limit.
    for name, rule_id in (
        ("chengdong", "CD-5.provincial-urgent"),
        ("xiayang", "XY-2.first-handling"),
        ("daye", "DY-8b.reply"),
    ):
        pack = find_pack(name).with_parameters({"preliminary_reply_stops": True})
        assert _clocks(evaluate(PRELIMINARY, pack, AS_OF), rule_id)["c11"][0] == "met", name
