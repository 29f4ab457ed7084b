"""The watch list, against instants worked out by hand from the calendar and the rules.

The chengdong clock CD-5.provincial-urgent (三（五）「省级热线、紧急件2个工作日内
回复」) runs 2 working days of office time (convention working_time) from the
dispatch; the pack's office hours are 09:00-12:00 and 13:30-17:30, 7 h a day, so
the period is 14 h = 50,400 s. Yellow comes at 50 %, red at 75 % (the rule's
warnings). A level comes on at the exact instant its share of the period has run
(the share reported is rounded to six decimals; the lights are not judged on it):
at 7 h and 10.5 h of office time, to the microsecond.
"""

import datetime as dt

import pytest

from grievance_rules.engine import evaluate
from grievance_rules.operations import level_change_instant, watch
from grievance_rules.packs import find_pack, load_pack
from tests.operations.conftest import DEMO_PACK, at, dispatched, order

ONE_US = dt.timedelta(microseconds=1)


def _level(o, pack, instant, rule_id):  # type: ignore[no-untyped-def]
    for clock in evaluate(o, pack, instant).clocks:
        if clock.rule_id == rule_id:
            return "breached" if clock.state == "breached" else clock.warning_level or "none"
    raise AssertionError(rule_id)


def test_yellow_at_half_of_two_working_days_across_a_weekend() -> None:
    # Dispatched Friday 2024-06-14 15:30. Office time: Fri 15:30-17:30 = 2 h; the
    # weekend 15-16 June does not run; Mon 17 June 09:00-12:00 = 3 h (5 h so far);
    # half the period is 7 h, so 2 h more from 13:30: Mon 15:30.
    # Due: 14 h = Fri 2 h + Mon 7 h + Tue 5 h -> Tue 2024-06-18 15:30.
    pack = find_pack("chengdong")
    o = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    as_of = at("2024-06-15T10:00")  # Saturday morning: 2 h of 14 h have run
    listed = watch([o], pack, as_of, within=dt.timedelta(days=3))
    item = next(i for i in listed.items if i.rule_id == "CD-5.provincial-urgent")
    assert item.due == at("2024-06-18T15:30")
    assert item.level == "none"
    assert item.unit == "c07"
    assert item.unit_name == "东风社区"
    assert item.citation.clause == "三（五）按期回复制"
    # 12 h of office time left (Mon 7 h + Tue 5 h); natural: Sat 10:00 -> Tue 15:30
    assert item.working_seconds_left == 12 * 3600
    assert item.natural_seconds_left == (3 * 24 + 5.5) * 3600
    yellow = at("2024-06-17T15:30")
    assert [c.level for c in item.changes] == ["yellow"]  # red (Tue 10:30) is past the horizon
    assert item.changes[0].at == yellow
    assert item.changes[0].notify is not None
    assert (item.changes[0].notify.role_zh, item.changes[0].notify.name) == ("分管领导", "李四")
    # the clock's own level, one second before and at the instant
    change = item.changes[0].at
    assert _level(o, pack, change - dt.timedelta(seconds=1), item.rule_id) == "none"
    assert _level(o, pack, change - ONE_US, item.rule_id) == "none"
    assert _level(o, pack, change, item.rule_id) == "yellow"


def test_red_over_a_holiday() -> None:
    # Dispatched Friday 2024-06-07 09:00 (before 端午节, Monday 10 June). Fri 7 h run
    # by 17:30 (yellow at 7 h, 17:30). Red at 10.5 h: Sat 8, Sun 9 and
    # Mon 10 June (holiday) do not run; Tue 11 June 09:00-12:00 = 3 h (10 h),
    # 0.5 h more from 13:30: Tue 14:00.
    pack = find_pack("chengdong")
    o = order("R1", "2024-06-07T08:30", dispatched("2024-06-07T09:00"))
    as_of = at("2024-06-08T09:00")  # Saturday: yellow already
    listed = watch([o], pack, as_of, within=dt.timedelta(days=4))
    item = next(i for i in listed.items if i.rule_id == "CD-5.provincial-urgent")
    assert item.level == "yellow"
    assert item.notify is not None
    assert item.notify.name == "李四"
    assert [c.level for c in item.changes] == ["red"]
    red = at("2024-06-11T14:00")
    assert item.changes[0].at == red
    assert item.changes[0].notify is not None
    assert (item.changes[0].notify.role, item.changes[0].notify.name) == ("main_leader", "张三")
    change = item.changes[0].at
    assert _level(o, pack, change - dt.timedelta(seconds=1), item.rule_id) == "yellow"
    assert _level(o, pack, change, item.rule_id) == "red"
    # due 14 h: Fri 7 h + Tue 7 h -> Tue 11 June 17:30
    assert item.due == at("2024-06-11T17:30")
    summary = {s.unit: s for s in listed.summary()}
    assert summary["c07"].yellow >= 1
    assert summary["c07"].turning_red >= 1


def test_a_horizon_too_short_lists_no_change() -> None:
    pack = find_pack("chengdong")
    o = order("R1", "2024-06-07T08:30", dispatched("2024-06-07T09:00"))
    # red at Tue 11 June 13:59:59.97; a horizon ending Tue 13:00 does not reach it
    listed = watch([o], pack, at("2024-06-08T09:00"), within=dt.timedelta(days=3, hours=4))
    item = next(i for i in listed.items if i.rule_id == "CD-5.provincial-urgent")
    assert item.changes == ()


def test_a_paused_clock_is_not_listed() -> None:
    # demo pack: D-reply pauses from a return request until its decision
    pack = load_pack(DEMO_PACK)
    paused = order(
        "P1",
        "2024-05-06T09:00",
        dispatched("2024-05-06T09:30"),
        {"type": "return_requested", "at": "2024-05-06T10:00", "unit": "c07", "reason": "x"},
        channel="12345",
    )
    running = order("P2", "2024-05-06T09:00", dispatched("2024-05-06T09:30"), channel="12345")
    as_of = at("2024-05-06T15:00")
    states = {c.rule_id: c.state for c in evaluate(paused, pack, as_of).clocks}
    assert states["D-reply"] == "paused"
    listed = watch([paused, running], pack, as_of)
    clocks = [(i.order_id, i.rule_id) for i in listed.items if i.kind == "clock"]
    assert ("P1", "D-reply") not in clocks
    assert ("P2", "D-reply") in clocks


def test_breached_clocks_are_listed_and_stopped_ones_are_not() -> None:
    pack = find_pack("chengdong")
    late = order("L1", "2024-06-07T08:30", dispatched("2024-06-07T09:00"))
    done = order(
        "D1",
        "2024-06-07T08:30",
        dispatched("2024-06-07T09:00"),
        {"type": "replied", "at": "2024-06-07T11:00", "unit": "c07"},
    )
    # due Tue 11 June 17:30 (see above); at Wed 12 June 10:00 one office hour
    # (09:00-10:00) and 16.5 natural hours have passed since
    listed = watch([late, done], pack, at("2024-06-12T10:00"))
    item = next(i for i in listed.items if i.rule_id == "CD-5.provincial-urgent")
    assert (item.order_id, item.level) == ("L1", "breached")
    assert item.working_seconds_left == -3600
    assert item.natural_seconds_left == -16.5 * 3600
    assert item.notify is None  # the packs name nobody for "breached"
    assert not [i for i in listed.items if i.order_id == "D1" and i.kind == "clock"]
    dues = [i.due for i in listed.items]
    assert dues == sorted(dues)


def test_later_events_are_not_read() -> None:
    # a reply recorded after as_of does not stop the clock on the morning list
    pack = find_pack("chengdong")
    o = order(
        "F1",
        "2024-06-14T15:00",
        dispatched("2024-06-14T15:30"),
        {"type": "replied", "at": "2024-06-18T10:00", "unit": "c07"},
    )
    listed = watch([o], pack, at("2024-06-17T08:00"))
    item = next(i for i in listed.items if i.rule_id == "CD-5.provincial-urgent")
    assert item.changes[0].at == at("2024-06-17T15:30")


def test_level_change_instant() -> None:
    o = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    red = level_change_instant(
        o, "chengdong", at("2024-06-14T16:00"), "CD-5.provincial-urgent", 0, "red"
    )
    # red at 10.5 h: Fri 2 h + Mon 7 h + Tue 1.5 h -> Tue 18 June 10:30
    assert red is not None
    assert red == at("2024-06-18T10:30")
    # a level the rule has not is refused by name (it answered None, as if never reached)
    with pytest.raises(ValueError, match=r"'purple' is not a warning level"):
        level_change_instant(
            o, "chengdong", at("2024-06-14T16:00"), "CD-5.provincial-urgent", 0, "purple"
        )


def test_open_return_window_is_listed_until_it_closes() -> None:
    # CD-2.return-window: 半个工作日 (half_minutes: 3.5 h of office time) from the
    # dispatch at Fri 2024-06-14 15:30: Fri 2 h, Mon 09:00 + 1.5 h -> Mon 10:30.
    pack = find_pack("chengdong")
    o = order("W1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    listed = watch([o], pack, at("2024-06-17T09:00"))
    windows = [i for i in listed.items if i.kind == "window"]
    assert [(w.rule_id, w.due) for w in windows] == [("CD-2.return-window", at("2024-06-17T10:30"))]
    assert windows[0].working_seconds_left == 1.5 * 3600
    later = watch([o], pack, at("2024-06-17T11:00"))
    assert not [i for i in later.items if i.kind == "window"]


def test_naive_as_of_and_negative_horizon_are_refused() -> None:
    from grievance_rules.errors import NaiveDatetimeError

    o = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    with pytest.raises(NaiveDatetimeError):
        watch([o], "chengdong", dt.datetime(2024, 6, 15))
    with pytest.raises(ValueError, match="within"):
        watch([o], "chengdong", at("2024-06-15T10:00"), within=dt.timedelta(hours=-1))


def test_a_window_whose_action_was_taken_is_not_listed() -> None:
    pack = find_pack("chengdong")
    o = order(
        "W2",
        "2024-06-14T15:00",
        dispatched("2024-06-14T15:30"),
        {"type": "return_requested", "at": "2024-06-14T16:00", "unit": "c07", "reason": "x"},
    )
    listed = watch([o], pack, at("2024-06-17T09:00"))
    assert not [i for i in listed.items if i.kind == "window"]


def test_the_yellow_fraction_is_the_packs_parameter() -> None:
    # warning_yellow set to 0.4: 0.4 x 14 h = 5.6 h = 5 h 36 min of office time from
    # Fri 2024-06-14 15:30: Fri 2 h, Mon 09:00-12:00 3 h (5 h), then 36 min from 13:30:
    # Mon 14:06.
    pack = find_pack("chengdong").with_parameters({"warning_yellow": 0.4})
    o = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
    listed = watch([o], pack, at("2024-06-15T10:00"), within=dt.timedelta(days=3))
    item = next(i for i in listed.items if i.rule_id == "CD-5.provincial-urgent")
    assert item.changes[0].at == at("2024-06-17T14:06")
    assert _level(o, pack, item.changes[0].at, item.rule_id) == "yellow"
    assert _level(o, pack, item.changes[0].at - ONE_US, item.rule_id) == "none"


def test_a_clock_that_was_paused_turns_yellow_when_the_engine_says() -> None:
    # demo pack D-reply pauses from the return request to its decision; the clock
    # stands still while paused, and the watch list reads its pauses from the clock's
    # fields. Checked against the engine itself.
    from grievance_rules.operations.watch_list import _computed_instant

    pack = load_pack(DEMO_PACK)
    o = order(
        "P3",
        "2024-05-06T09:00",
        dispatched("2024-05-06T09:30"),
        {"type": "return_requested", "at": "2024-05-06T10:00", "unit": "c07", "reason": "x"},
        {"type": "return_decided", "at": "2024-05-06T15:00", "unit": "ctr", "decision": "refused"},
        channel="12345",
    )
    as_of = at("2024-05-06T16:00")
    clock = next(c for c in evaluate(o, pack, as_of).clocks if c.rule_id == "D-reply")
    assert clock.state == "running"
    assert any(line.startswith("paused from event") for line in clock.trace)
    listed = watch([o], pack, as_of, within=dt.timedelta(days=10))
    item = next(i for i in listed.items if i.rule_id == "D-reply")
    assert [c.level for c in item.changes] == ["yellow", "red"]
    for change in item.changes:
        assert _level(o, pack, change.at, "D-reply") == change.level
        assert _level(o, pack, change.at - ONE_US, "D-reply") != change.level
    yellow = next(w.at for w in pack.rule("D-reply").warnings if w.level == "yellow")  # type: ignore[union-attr]
    assert _computed_instant(pack, clock, yellow) == item.changes[0].at  # no fallback needed


def test_the_pauses_a_clock_carries_set_its_level_changes_not_its_trace() -> None:
    # demo pack D-reply, 2 working days (civil_code) from Monday 2024-05-06 09:30: due
    # Wednesday 17:30, 20.5 h of office time (Mon 6.5 h, Tue 7 h, Wed 7 h). Paused Monday
    # 10:00-15:00: 3.5 h of office time, due moves to Thursday 14:00 (24 h from the start).
    # The clock stands still while paused: its lights count the 20.5 h of running time.
    # Yellow (0.5): 10.25 h run (Mon 09:30-10:00 and 15:00-17:30, Tue 7 h), Wednesday
    # 09:15; red (0.75): 15.375 h run, Wednesday 09:00-12:00 and 13:30-15:52:30.
    from grievance_rules.operations.watch_list import _computed_instant

    pack = load_pack(DEMO_PACK)
    o = order(
        "P4",
        "2024-05-06T09:00",
        dispatched("2024-05-06T09:30"),
        {"type": "return_requested", "at": "2024-05-06T10:00", "unit": "c07", "reason": "x"},
        {"type": "return_decided", "at": "2024-05-06T15:00", "unit": "ctr", "decision": "refused"},
        channel="12345",
    )
    as_of = at("2024-05-06T16:00")
    listed = watch([o], pack, as_of, within=dt.timedelta(days=10))
    item = next(i for i in listed.items if i.rule_id == "D-reply")
    assert item.due == at("2024-05-09T14:00")
    assert [(c.level, c.at) for c in item.changes] == [
        ("yellow", at("2024-05-08T09:15")),
        ("red", at("2024-05-08T15:52:30")),
    ]
    clock = next(c for c in evaluate(o, pack, as_of).clocks if c.rule_id == "D-reply")
    wordless = clock.model_copy(update={"trace": ()})  # the fields alone say the pauses
    assert _computed_instant(pack, wordless, 0.5) == at("2024-05-08T09:15")
    assert _computed_instant(pack, wordless, 0.75) == at("2024-05-08T15:52:30")


def test_watch_refuses_what_evaluate_refuses_and_takes_a_pack_as_every_call_does(
    tmp_path,
):  # type: ignore[no-untyped-def]
    # a history read backwards was listed (evaluate raised HistoryError on it), an id twice
    # was listed twice, None or a number for as_of and within were AttributeError and
    # TypeError, a folder or a plan for the pack AttributeError
    import datetime as dt
    import json
    from importlib import resources
    from pathlib import Path

    import pytest

    from grievance_rules.engine import compile_pack
    from grievance_rules.errors import ArgumentTypeError, HistoryError, WorkOrderError
    from grievance_rules.model import WorkOrder
    from grievance_rules.operations import watch
    from grievance_rules.packs import find_pack
    from grievance_rules.reading import read_orders

    sample = resources.files("grievance_rules") / "samples" / "orders.jsonl"
    orders = list(read_orders(str(sample)).orders)
    as_of = dt.datetime.fromisoformat("2026-03-20T13:00+08:00")
    record = json.loads(orders[1].model_dump_json())
    record["events"] = record["events"][::-1]
    backwards = WorkOrder.model_validate(record)
    with pytest.raises(HistoryError, match="order S-0002"):
        watch([backwards], "daye", as_of)
    with pytest.raises(WorkOrderError, match=r"orders\[1\]: order id 'S-0002' again"):
        watch([orders[1], orders[1]], "daye", as_of)
    with pytest.raises(ArgumentTypeError, match="as_of: a timezone-aware datetime, not None"):
        watch(orders, "daye", None)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match="within: a timedelta, not 1"):
        watch(orders, "daye", as_of, within=1)  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"orders\[0\]: a WorkOrder, not dict"):
        watch([record], "daye", as_of)  # type: ignore[list-item]
    daye = find_pack("daye")
    expected = watch(orders, daye, as_of).model_dump_json()
    folder = Path(__file__).resolve().parents[2] / "policies" / "daye"
    for given in ("daye", folder, compile_pack(daye)):
        assert watch(orders, given, as_of).model_dump_json() == expected


# An order sent at once to 新华社区 (c02) and 市水务局 (swj) under daye; swj signs at Thu
# 2025-02-13 15:50, c02 never does. DY-8b.reply (五个工作日, 2,100 minutes of office time,
# 09:00-12:00 and 13:30-17:30, 420 a day) runs for swj from 15:50: yellow at half, 1,050
# minutes: Thu 100 + Fri 420 + Mon 420 + Tue 110 → Tue 02-18 10:50; red at three quarters,
# 1,575: Thu 100 + Fri, Mon, Tue 420 each (1,360) + Wed 180 to noon + 35 → Wed 02-19 14:05.
# c02's clock starts when its sign-off falls due (Fri 17:30, no event) and, numbered first
# among the rule's clocks, took swj's occurrence: swj's light times were c02's.
JOINT = {
    "id": "J1",
    "channel": "hotline_12345",
    "category": "投诉",
    "received_at": "2025-02-13T14:46:00+08:00",
    "units": [
        {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
        {"id": "shi", "name": "市热线中心", "kind": "city_centre"},
        {"id": "c02", "name": "新华社区", "kind": "village_community"},
        {"id": "swj", "name": "市水务局", "kind": "city_department"},
    ],
    "events": [
        {"type": "dispatched", "at": "2025-02-13T15:13:00+08:00", "unit": "dzb", "to_unit": "c02"},
        {"type": "dispatched", "at": "2025-02-13T15:13:00+08:00", "unit": "shi", "to_unit": "swj"},
        {"type": "signed_for", "at": "2025-02-13T15:50:00+08:00", "unit": "swj"},
        {"type": "replied", "at": "2025-02-21T10:00:00+08:00", "unit": "swj"},
    ],
}


def test_a_clock_s_light_times_are_its_own_when_another_unit_s_clock_starts_later() -> None:
    from grievance_rules.model import WorkOrder

    joint = WorkOrder.model_validate(JOINT)
    listed = watch([joint], "daye", at("2025-02-13T16:00"), within=dt.timedelta(days=10))
    (reply,) = [i for i in listed.items if i.rule_id == "DY-8b.reply"]
    assert reply.unit == "swj"
    assert [(c.level, c.at) for c in reply.changes] == [
        ("yellow", at("2025-02-18T10:50")),
        ("red", at("2025-02-19T14:05")),
    ]


def test_the_timeline_shows_each_unit_s_light_changes() -> None:
    # c02's own DY-8b.reply clock from Fri 17:30 (its sign-off due): yellow Wed 02-19 14:00,
    # red Thu 02-20 15:45 (the engine at each instant agrees): it started without an event
    # between two steps of the timeline, and its changes were left out
    from grievance_rules.model import WorkOrder
    from grievance_rules.operations import timeline

    joint = WorkOrder.model_validate(JOINT)
    steps = timeline(joint, "daye")
    changes = {
        (step.at, step.what)
        for step in steps
        if step.cause == "level" and step.what.startswith("DY-8b.reply")
    }
    units = {
        step.at: next(
            c.unit
            for c in step.assessment.clocks
            if f"{c.rule_id}#{c.occurrence}" == step.what.split(" turns ")[0]
        )
        for step in steps
        if step.cause == "level" and step.what.startswith("DY-8b.reply")
    }
    assert sorted((at_, what.split(" turns ")[1], units[at_]) for at_, what in changes) == [
        (at("2025-02-18T10:50"), "yellow", "swj"),
        (at("2025-02-19T14:00"), "yellow", "c02"),
        (at("2025-02-19T14:05"), "red", "swj"),
        (at("2025-02-20T15:45"), "red", "c02"),
    ]


def test_an_as_of_of_pendulum_s_datetime_class_is_searched_as_any() -> None:
    # the command line's --as-of was pendulum's DateTime: subtracting gave pendulum's
    # interval, which a timedelta cannot divide (watch's search crashed with a traceback)
    import pendulum

    from grievance_rules.cli._options import parse_instant
    from grievance_rules.operations.watch_list import _micros

    parsed = parse_instant("2025-02-13T16:00+08:00", None)
    assert type(parsed) is dt.datetime
    assert parsed == at("2025-02-13T16:00")
    instant = pendulum.datetime(2025, 2, 13, 8, 0, 0, 5, tz="UTC")
    assert _micros(instant) == 1_739_433_600_000_005  # 2025-02-13T08:00:00.000005Z


def test_an_order_that_stands_closed_is_not_watched() -> None:
    # J1 closed Fri 02-14 10:00 with 新华社区's reply clock still running (it never signed):
    # the list is of open orders; most items of a year's sample were closed orders
    from grievance_rules.model import WorkOrder

    closing = {"type": "closed", "at": "2025-02-14T10:00:00+08:00", "unit": "dzb"}
    events = [*JOINT["events"][:3], closing]
    closed = WorkOrder.model_validate({**JOINT, "events": events})
    assert evaluate(closed, "daye", at("2025-02-17T09:00")).clocks  # the engine's clocks run
    assert watch([closed], "daye", at("2025-02-17T09:00")).items == ()
    # a redo after it puts the order back in hand: watched again
    redo = {"type": "redo_ordered", "at": "2025-02-14T11:00:00+08:00", "unit": "dzb",
            "to_unit": "swj", "level": "street"}  # fmt: skip
    reopened = WorkOrder.model_validate({**JOINT, "events": [*events, redo]})
    assert watch([reopened], "daye", at("2025-02-17T09:00")).items != ()


def test_the_operations_refuse_what_they_cannot_use_by_name() -> None:
    # a naive until was a TypeError; an unknown rule a bare KeyError('NOPE'); an unknown
    # level answered None (as if never reached); one order for the list "orders[0]: a
    # WorkOrder, not tuple" (its fields walked as orders)
    from grievance_rules.errors import ArgumentError, NaiveDatetimeError, WorkOrderError
    from grievance_rules.model import WorkOrder
    from grievance_rules.operations import timeline

    joint = WorkOrder.model_validate(JOINT)
    with pytest.raises(NaiveDatetimeError, match=r"^until 2025-03-05T10:00:00 has no timezone"):
        timeline(joint, "daye", dt.datetime(2025, 3, 5, 10))
    as_of = at("2025-02-13T16:00")
    with pytest.raises(ArgumentError, match=r"pack daye has no clock rule 'NOPE'; its clock"):
        level_change_instant(joint, "daye", as_of, "NOPE", 0, "yellow")
    with pytest.raises(ArgumentError, match=r"'purple' is not a warning level of DY-8b.reply"):
        level_change_instant(joint, "daye", as_of, "DY-8b.reply", 0, "purple")
    with pytest.raises(WorkOrderError, match=r"watch takes an iterable of orders"):
        watch(joint, "daye", as_of)  # type: ignore[arg-type]


def test_each_unit_of_a_joint_order_has_its_return_window_listed() -> None:
    # 大冶 （七）「不属于本单位职责范围的,应当在2个工作日内退单」: J1 sent to 新华社区 and
    # 市水务局 at Thu 02-13 15:13; for each, the start day not counted, Fri 02-14 and Mon
    # 02-17, closing at 17:30 (office hours). Only the unit last sent to (市水务局) was listed.
    from grievance_rules.model import WorkOrder

    joint = WorkOrder.model_validate(JOINT)
    listed = watch([joint], "daye", at("2025-02-13T16:00"))
    windows = sorted((i.unit, i.rule_id, i.due) for i in listed.items if i.kind == "window")
    assert windows == [
        ("c02", "DY-7b.return-window", at("2025-02-17T17:30")),
        ("swj", "DY-7b.return-window", at("2025-02-17T17:30")),
    ]
