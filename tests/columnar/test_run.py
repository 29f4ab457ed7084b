"""The entry point: hand-computed findings, the summary, fallbacks, errors, Arrow."""

from __future__ import annotations

import datetime as dt

import pytest

from grievance_rules.columnar import COLUMNS, evaluate_columnar
from grievance_rules.engine import evaluate
from grievance_rules.engine.plan import compile_pack
from grievance_rules.errors import WorkOrderError
from grievance_rules.model import WorkOrder
from grievance_rules.packs import find_pack

UNITS = [
    {"id": "ctr", "kind": "dispatch_centre"},
    {"id": "dept", "kind": "street_office"},
]


def _order(oid: str, *events: dict[str, object]) -> WorkOrder:
    return WorkOrder.model_validate(
        {
            "id": oid,
            "channel": "12345",
            "category": "投诉",
            "received_at": "2024-05-06T09:12:00+08:00",
            "units": UNITS,
            "events": [
                {
                    "type": "dispatched",
                    "at": "2024-05-06T09:30:00+08:00",
                    "unit": "ctr",
                    "to_unit": "dept",
                },
                *events,
            ],
        }
    )


def _clock(result, rule_id: str):  # type: ignore[no-untyped-def]
    (row,) = [r for r in result.findings if r[2] == rule_id]
    return dict(zip(COLUMNS, row, strict=True))


def _us(text: str) -> int:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return (dt.datetime.fromisoformat(text) - epoch) // dt.timedelta(microseconds=1)


def test_first_contact_clock_by_hand():
    # 夏阳 二、1: first contact within 1 working day of the dispatch. Office hours
    # 09:00-12:00 and 13:30-17:30 (420 minutes): from Mon 09:30, 150 + 240 minutes on
    # Monday and 30 on Tuesday: due Tue 2024-05-07 09:30.
    order = _order("H-1")
    due = _us("2024-05-07T09:30+08:00")
    at_nine = evaluate_columnar(
        [order], "xiayang", as_of=dt.datetime.fromisoformat("2024-05-07T09:00+08:00")
    )
    clock = _clock(at_nine, "XY-1.first-contact")
    # 390 of 420 minutes run: 0.928571 >= 0.75, the red light
    assert (clock["state"], clock["unit"], clock["due_us"]) == ("running", "dept", due)
    assert (clock["level"], clock["fraction"]) == ("red", 0.928571)
    early = evaluate_columnar(
        [order], "xiayang", as_of=dt.datetime.fromisoformat("2024-05-06T13:45+08:00")
    )
    clock = _clock(early, "XY-1.first-contact")  # 165 of 420 minutes: no light yet
    assert (clock["state"], clock["level"], clock["fraction"]) == ("running", "", 0.392857)
    late = evaluate_columnar(
        [order], "xiayang", as_of=dt.datetime.fromisoformat("2024-05-07T09:31+08:00")
    )
    assert _clock(late, "XY-1.first-contact")["state"] == "breached"
    contacted = _order(
        "H-2", {"type": "first_contact", "at": "2024-05-07T09:30:00+08:00", "unit": "dept"}
    )  # at the due minute: in time
    met = evaluate_columnar([contacted], "xiayang")
    clock = _clock(met, "XY-1.first-contact")
    assert (clock["state"], clock["stop_us"]) == ("met", due)
    assert clock["path"] == "columnar"


@pytest.mark.parametrize(
    ("as_of", "level", "fraction"),
    [
        # 夏阳's first contact from Mon 09:30, 420 office minutes; the lights at half
        # (210 minutes: 150 by 12:00, 60 from 13:30: 14:30) and three quarters (315
        # minutes: 165 from 13:30: 16:15). A microsecond before either, the light is
        # not on yet, though the share reported (rounded to 6 decimals) already reads
        # 0.5 or 0.75.
        ("2024-05-06T14:29:59.999999+08:00", "", 0.5),
        ("2024-05-06T14:30:00+08:00", "yellow", 0.5),
        ("2024-05-06T16:14:59.999999+08:00", "yellow", 0.75),
        ("2024-05-06T16:15:00+08:00", "red", 0.75),
        # the old rounding put the yellow light 12.6 ms early (0.0000005 x 25,200 s)
        ("2024-05-06T14:29:59.987401+08:00", "", 0.5),
    ],
)
def test_a_light_comes_on_at_its_exact_share_on_both_paths(
    as_of: str, level: str, fraction: float
) -> None:
    order = _order("L-1")
    instant = dt.datetime.fromisoformat(as_of)
    clock = _clock(evaluate_columnar([order], "xiayang", as_of=instant), "XY-1.first-contact")
    assert (clock["state"], clock["level"], clock["fraction"]) == ("running", level, fraction)
    (engine,) = [
        c for c in evaluate(order, "xiayang", instant).clocks if c.rule_id == "XY-1.first-contact"
    ]
    assert (engine.warning_level or "", engine.elapsed_fraction) == (level, fraction)


def test_an_extension_is_counted_by_the_kernel():
    # 大冶 DY-8b.reply may be extended: the kernel moves the due instant itself
    order = _order(
        "E-1",
        {"type": "signed_for", "at": "2024-05-06T10:00:00+08:00", "unit": "dept"},
        {
            "type": "extension_granted",
            "at": "2024-05-08T10:00:00+08:00",
            "unit": "ctr",
            "new_deadline": "2024-05-20T17:30:00+08:00",
        },
    )
    signed = {"type": "signed_for", "at": "2024-05-06T10:00:00+08:00", "unit": "dept"}
    result = evaluate_columnar([order, _order("E-2", signed)], "daye")
    counts = result.summary()["rules"]["DY-8b.reply"]  # type: ignore[index]
    assert (counts["kernel"], counts["columnar"], counts["per_order"]) == ("clock", 2, 0)
    reply = [r for r in result.findings if r[2] == "DY-8b.reply" and r[1] == "E-1"]
    assert [(r[13], r[8]) for r in reply] == [("columnar", _us("2024-05-20T17:30+08:00"))]
    assert result.per_order_orders == 0


def test_return_window_by_hand():
    # 夏阳 二、2: a return within two working days of the dispatch. From Monday 09:30,
    # 840 office minutes: the window closes Wednesday 2024-05-08 09:30
    def returned(oid: str, at: str) -> WorkOrder:
        return _order(oid, {"type": "return_requested", "at": at, "unit": "dept"})

    result = evaluate_columnar(
        [
            returned("W-1", "2024-05-08T09:30:00+08:00"),
            returned("W-2", "2024-05-08T09:31:00+08:00"),
        ],
        "xiayang",
    )
    windows = [r for r in result.findings if r[2] == "XY-5.return-window"]
    closes = _us("2024-05-08T09:30+08:00")
    assert [(r[1], r[5], r[6], r[7], r[8], r[13]) for r in windows] == [
        ("W-1", "dept", "within", _us("2024-05-06T09:30+08:00"), closes, "columnar"),
        ("W-2", "dept", "late", _us("2024-05-06T09:30+08:00"), closes, "columnar"),
    ]
    counts = result.summary()["rules"]["XY-5.return-window"]  # type: ignore[index]
    assert (counts["kernel"], counts["columnar"], counts["per_order"]) == ("window", 2, 0)


def test_assessment_for_is_the_per_order_assessment():
    order = _order(
        "A-1", {"type": "first_contact", "at": "2024-05-06T10:00:00+08:00", "unit": "dept"}
    )
    as_of = dt.datetime.fromisoformat("2024-05-08T09:00+08:00")
    result = evaluate_columnar([order], "xiayang", as_of=as_of)
    assessment = result.assessment_for("A-1")
    assert assessment.model_dump_json() == evaluate(order, "xiayang", as_of).model_dump_json()
    assert assessment.clocks[0].trace  # citations and traces are there
    with pytest.raises(KeyError):
        result.assessment_for("nope")


def test_json_lines_and_a_bad_record():
    line = _order("J-1").model_dump_json()
    result = evaluate_columnar([line, line.encode()], "xiayang")
    assert [o.id for o in result.orders] == ["J-1", "J-1"]
    with pytest.raises(WorkOrderError, match=r"record 1 \(id X\)"):
        evaluate_columnar([line, {"id": "X", "channel": "12345"}], "xiayang")


def test_findings_as_arrow():
    pa = pytest.importorskip("pyarrow")
    table = evaluate_columnar([_order("T-1")], "xiayang").findings.to_arrow()
    assert table.column_names[:4] == ["order", "order_id", "rule_id", "kind"]
    assert table.schema.field("due").type == pa.timestamp("us", tz="UTC")
    assert set(table.column("path").to_pylist()) == {"columnar"}


def test_a_provisional_deadline_goes_per_order():
    # the calendar's notices end 2026-12-24: a clock dispatched on the 24th at 16:00
    # is due on a day no notice has set yet, so the kernel leaves it to the engine
    order = WorkOrder.model_validate(
        {
            "id": "P-1",
            "channel": "12345",
            "category": "投诉",
            "received_at": "2026-12-24T15:00:00+08:00",
            "units": UNITS,
            "events": [
                {"type": "dispatched", "at": "2026-12-24T16:00:00+08:00", "unit": "ctr",
                 "to_unit": "dept"},
            ],
        }
    )  # fmt: skip
    as_of = dt.datetime.fromisoformat("2026-12-24T17:00+08:00")
    result = evaluate_columnar([order, _order("P-2")], "xiayang", as_of=as_of)
    counts = result.summary()["rules"]["XY-1.first-contact"]  # type: ignore[index]
    assert (counts["columnar"], counts["per_order"]) == (1, 1)
    (clock,) = [r for r in result.findings if r[1] == "P-1" and r[2] == "XY-1.first-contact"]
    reference = evaluate(order, "xiayang", as_of)
    (expected,) = [c for c in reference.clocks if c.rule_id == "XY-1.first-contact"]
    assert expected.provisional
    assert (clock[6], clock[8], clock[13]) == (
        "running",
        _us(expected.due.isoformat()),
        "per_order",
    )


def test_the_events_table_by_hand():
    order = _order(
        "T-2", {"type": "first_contact", "at": "2024-05-06T10:00:00+08:00", "unit": "dept"}
    )
    table = evaluate_columnar([order], "xiayang").events()
    assert len(table) == 2
    assert [table.types[t] for t in table.type] == ["dispatched", "first_contact"]
    assert table.at_us.tolist() == [_us("2024-05-06T09:30+08:00"), _us("2024-05-06T10:00+08:00")]
    # the acting units, and who held the order after each event: dept both times
    assert [table.units[u] for u in table.unit] == ["ctr", "dept"]
    assert [table.units[u] for u in table.handling] == ["dept", "dept"]
    assert table.event.tolist() == [0, 1]
    # the dispatch to dept (a unit that is not upstream) starts 夏阳's clocks: some
    # pattern selects event 0 and not event 1, and the first contact is selected too
    assert any(col.tolist() == [True, False] for col in table.patterns.values())
    assert any(col.tolist() == [False, True] for col in table.patterns.values())


def test_skipped_inputs_are_rejections_like_the_per_order_batch():
    from grievance_rules.engine import evaluate_each

    good = _order("S-1").model_dump_json()
    bad = '{"id": "S-2", "channel": "12345"}'
    backwards = _order(
        "S-3", {"type": "first_contact", "at": "2024-05-06T09:00:00+08:00", "unit": "dept"}
    ).model_dump_json()  # contact before the dispatch reached dept: an incoherent history
    inputs = [bad, good, backwards]
    result = evaluate_columnar(inputs, "xiayang", rejects="skip")
    assert [o.id for o in result.orders] == ["S-1"]
    assert result.positions == [1]
    per_order = [row[0] for row in evaluate_each(inputs, ["xiayang"])]
    expected = [r.rejection for r in per_order if r.rejection is not None]
    assert result.rejections == expected
    assert [r.source for r in result.rejections] == ["#0", "#2"]


def test_deduction_ties_at_one_instant_are_taken_as_the_engine_takes_them():
    # 城东 附件2 二、3 「过程不满意件：每件扣1分」, charged to the handling unit, under the
    # reading that counts an order once whatever units it passed (annex2_once_per: order).
    # Two such callbacks at 10:00 with a reassignment between them: the engine
    # orders occurrences at one instant by their labels, so "event 11 (callback)" (held
    # by comm2 after the reassignment) comes before "event 9 (callback)" (held by comm).
    at = "2024-05-08T10:00:00+08:00"
    events: list[dict[str, object]] = [
        {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "ctr",
         "to_unit": "comm"},
        {"type": "replied", "at": "2024-05-07T09:00:00+08:00", "unit": "comm"},
    ]  # fmt: skip
    for hour in range(10, 17):  # events 2-8: satisfied callbacks
        events.append(
            {"type": "callback", "at": f"2024-05-07T{hour}:00:00+08:00", "unit": "ctr",
             "process_satisfaction": "satisfied"}
        )  # fmt: skip
    events += [
        {"type": "callback", "at": at, "unit": "ctr", "process_satisfaction": "dissatisfied"},
        {"type": "reassigned", "at": at, "unit": "ctr", "to_unit": "comm2"},
        {"type": "callback", "at": at, "unit": "ctr", "process_satisfaction": "dissatisfied"},
    ]
    order = WorkOrder.model_validate(
        {
            "id": "TIE-1",
            "channel": "12345",
            "category": "投诉",
            "received_at": "2024-05-06T09:12:00+08:00",
            "units": [
                {"id": "ctr", "kind": "dispatch_centre"},
                {"id": "comm", "kind": "village_community"},
                {"id": "comm2", "kind": "village_community"},
            ],
            "events": events,
        }
    )
    rule = "CD-A2.3.process-unsatisfied"
    once = compile_pack(find_pack("chengdong").with_parameters({"annex2_once_per": "order"}))
    (engine,) = [d for d in evaluate(order, once).deductions if d.rule_id == rule]
    (row,) = [r for r in evaluate_columnar([order], once).findings if r[2] == rule]
    assert (engine.unit, engine.points) == ("comm2", -1.0)
    found = dict(zip(COLUMNS, row, strict=True))
    assert (found["unit"], found["points"], found["start_us"]) == ("comm2", -1.0, _us(at))
    # the pack's reading (once for each unit charged): each village's own 过程不满意件, in
    # the same order on both paths (comm2's label first)
    engine_found = [
        (d.unit, d.points) for d in evaluate(order, "chengdong").deductions if d.rule_id == rule
    ]
    rows = [r for r in evaluate_columnar([order], "chengdong").findings if r[2] == rule]
    assert engine_found == [("comm2", -1.0), ("comm", -1.0)]
    assert [(r[5], r[12]) for r in rows] == engine_found


def _extended_order(oid: str, granted_at: str, new_deadline: str) -> WorkOrder:
    return WorkOrder.model_validate(
        {
            "id": oid,
            "channel": "12345",
            "category": "投诉",
            "urgency": "normal",
            "received_at": "2024-03-04T08:50:00+08:00",
            "units": [
                {"id": "ctr", "kind": "dispatch_centre"},
                {"id": "town", "kind": "township"},
            ],
            "events": [
                {
                    "type": "dispatched",
                    "at": "2024-03-04T09:00:00+08:00",
                    "unit": "ctr",
                    "to_unit": "town",
                },
                {"type": "signed_for", "at": "2024-03-04T10:00:00+08:00", "unit": "town"},
                {
                    "type": "extension_granted",
                    "at": granted_at,
                    "unit": "ctr",
                    "new_deadline": new_deadline,
                },
            ],
        }
    )


def test_extensions_by_hand_on_the_columnar_path():
    # 大冶 （八） 5 working days from the sign-off (Mon 2024-03-04 10:00, office time):
    # due Mon 03-11 10:00. （九） an extension moves it to its new deadline, at most 30
    # working days from the sign-off: 21 working days to 04-03 (Mar 5-29: 19, Apr 1-3),
    # Sun 04-07 a make-up working day (清明 04-04 to 04-06 off), 04-08 to 04-12, 04-15,
    # 04-16: the cap is Tue 2024-04-16 10:00. An extension granted after the due
    # instant (03-12) does not count.
    orders = [
        _extended_order("EXT-1", "2024-03-08T10:00:00+08:00", "2024-03-20T17:30:00+08:00"),
        _extended_order("EXT-2", "2024-03-08T10:00:00+08:00", "2024-04-30T17:30:00+08:00"),
        _extended_order("EXT-3", "2024-03-12T10:00:00+08:00", "2024-03-20T17:30:00+08:00"),
    ]
    as_of = dt.datetime.fromisoformat("2024-03-15T20:00+08:00")
    result = evaluate_columnar(orders, "daye", as_of=as_of)
    assert result.per_order_orders == 0  # no order left to the engine for its extension
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in result.findings if r[2] == "DY-8b.reply"]
    assert [(r["order_id"], r["due_us"], r["state"], r["path"]) for r in rows] == [
        ("EXT-1", _us("2024-03-20T17:30+08:00"), "running", "columnar"),
        ("EXT-2", _us("2024-04-16T10:00+08:00"), "running", "columnar"),
        ("EXT-3", _us("2024-03-11T10:00+08:00"), "breached", "columnar"),
    ]
    for order, row in zip(orders, rows, strict=True):  # the engine agrees
        (clock,) = [
            c for c in evaluate(order, "daye", as_of=as_of).clocks if c.rule_id == "DY-8b.reply"
        ]
        assert (_us(clock.due.isoformat()), clock.state) == (row["due_us"], row["state"])


@pytest.mark.parametrize("pack", ["daye", "chengdong", "xiayang"])
def test_calendar_deadlines_around_closing_time_equal_the_engines(pack: str):
    # deadlines counted in days by the calendar are found once per start date and
    # "after closing time" (17:30 under every pack here): dispatches a minute before,
    # at and after closing on one day, and on the next, each equal to the engine's
    orders = [
        WorkOrder.model_validate(
            {
                "id": f"C-{n}",
                "channel": "12345",
                "category": "投诉",
                "received_at": "2024-05-06T09:12:00+08:00",
                "units": UNITS,
                "events": [{"type": "dispatched", "at": at, "unit": "ctr", "to_unit": "dept"}],
            }
        )
        for n, at in enumerate(
            [
                "2024-05-07T17:29:00+08:00",
                "2024-05-07T17:30:00+08:00",
                "2024-05-07T17:31:00+08:00",
                "2024-05-07T23:59:59+08:00",
                "2024-05-08T00:00:00+08:00",
                "2024-05-07T09:31:00Z",  # 17:31 in Shanghai, written in UTC
            ]
        )
    ]
    as_of = dt.datetime.fromisoformat("2024-05-09T12:00+08:00")
    result = evaluate_columnar(orders, pack, as_of=as_of)
    found = {(r[1], r[2], r[4]): (r[8], r[6]) for r in result.findings if r[3] == "clock"}
    expected = {
        (order.id, c.rule_id, c.occurrence): (_us(c.due.isoformat()), c.state)
        for order in orders
        for c in evaluate(order, pack, as_of=as_of).clocks
        if c.due is not None
    }
    assert found == expected
    if pack == "daye":  # （七） 1 working day from the day of 交办 (that day not counted):
        # closing time of the next working day, whatever the hour of the dispatch
        signoff = [found[(f"C-{n}", "DY-7a.signoff", 0)][0] for n in range(6)]
        next_day, day_after = _us("2024-05-08T17:30+08:00"), _us("2024-05-09T17:30+08:00")
        assert signoff == [next_day] * 4 + [day_after, next_day]


def test_last_kept_is_the_engines_instant():
    from grievance_rules.columnar.run import _last_kept
    from grievance_rules.engine.matching import view_of
    from grievance_rules.engine.single import instant_of
    from grievance_rules.samples.generator import generate_orders

    orders = list(generate_orders(300, seed=4))
    # ties at the last instant written in two zones: the first listed is the instant
    base = orders[0].model_dump()
    last = max(e["at"] for e in base["events"])
    utc = last.astimezone(dt.UTC)
    tied = {**base, "events": [*base["events"], {**base["events"][-1], "at": utc}]}
    early = {**base, "received_at": last + dt.timedelta(days=1)}  # nothing after the receipt
    bare = {**base, "events": []}
    for order in [*orders, *map(WorkOrder.model_validate, (tied, early, bare))]:
        instant = instant_of(order, None)
        found = _last_kept(view_of(order, instant))
        assert found == instant, order.id
        assert found.tzinfo is instant.tzinfo, order.id


def test_a_period_longer_than_the_calendar_goes_per_order_with_the_engines_warning():
    # 夏阳 first contact set to 99,999,999,999 working days: more office time than 64-bit
    # positions hold (the columnar path overflowed) and more days than Python's dates
    # (the per-order engine raised OverflowError). Each clock is now the calendar's
    # refusal, judged per order: a deadline_not_computable warning, as past the end of
    # the calendar (2060-12-31).
    from grievance_rules.engine.plan import plan_for
    from grievance_rules.packs import find_pack

    from .differential import assert_same

    pack = find_pack("xiayang").with_parameters({"first_contact_time": "99999999999 working days"})
    orders = [_order("O-1"), _order("O-2")]
    result = assert_same(orders, plan_for(pack))
    counts = result.summary()["rules"]["XY-1.first-contact"]
    assert (counts["columnar"], counts["per_order"]) == (0, 2)
    warnings = [w for w in evaluate(orders[0], pack).warnings if w.rule_id == "XY-1.first-contact"]
    assert [w.message for w in warnings] == [
        "XY-1.first-contact: the result is past the calendar's end 2060-12-31"
    ]
