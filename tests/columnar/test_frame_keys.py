"""What the frame finds once per order for every pack's matcher, worked out by hand.

The first handler's kind, what selectors read of each order, the unset order
fields ``has`` reads, the 64-bit integer check, and a field's values as codes; and
the batch matcher that reads them, held to the native matcher (with ``has``
selectors, which the shipped packs do not use, and with views that are not the
frame's own).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from grievance_rules.columnar.batch import prepare
from grievance_rules.columnar.frame import build_frame
from grievance_rules.columnar.matching import match_flat
from grievance_rules.engine.matching import ABSENT, get_matcher, value_reader, view_of
from grievance_rules.engine.plan import compile_pack, plan_for
from grievance_rules.errors import FactValidationError
from grievance_rules.model import WorkOrder
from grievance_rules.model.events import Callback, ExtensionGranted, Replied
from grievance_rules.samples.generator import generate_orders

UNITS = [
    {"id": "ctr", "kind": "dispatch_centre"},
    {"id": "d1", "kind": "street_office"},
    {"id": "b1", "kind": "district_department"},
]
AS_OF = dt.datetime.fromisoformat("2024-05-09T12:00+08:00")


def _order(oid: str, events: list[dict[str, object]], **fields: object) -> WorkOrder:
    record: dict[str, object] = {
        "id": oid,
        "channel": "12345",
        "category": "投诉",
        "received_at": "2024-05-06T09:00:00+08:00",
        "units": UNITS,
        "events": events,
    }
    record.update(fields)
    return WorkOrder.model_validate(record)


def _sent(unit: str, at: str = "2024-05-06T09:30+08:00") -> dict[str, object]:
    return {"type": "dispatched", "at": at, "unit": "ctr", "to_unit": unit}


def _reply(round_: int, at: str = "2024-05-07T10:00+08:00") -> dict[str, object]:
    return {"type": "replied", "at": at, "unit": "d1", "round": round_}


A = _order("A", [_sent("d1"), _reply(1)])
B = _order("B", [])  # never sent: no handler
C = _order("C", [_sent("b1")], reply_deadline="2024-05-10T18:00:00+08:00")
D = _order("D", [_sent("d1"), _reply(2)], category="求助")
E = _order("E", [_sent("d1")], reply_deadline="2024-05-10T18:00:00+08:00")


def test_handler_kinds_and_selector_keys_by_hand():
    frame = build_frame([A, B, C, D, E], AS_OF)
    # A, D, E were first sent to d1 (a street office), C to b1, B nowhere
    assert frame.handler_kinds() == [
        "street_office",
        None,
        "district_department",
        "street_office",
        "street_office",
    ]
    codes, first, keys = frame.selector_keys()
    # A and E are alike (12345, 投诉, d1); B, C, D each differ (no handler, b1, 求助)
    assert codes.tolist() == [0, 1, 2, 3, 0]
    assert first == [0, 1, 2, 3]
    assert [(k[0].value, k[1].value, k[3], k[4], k[5]) for k in keys] == [
        ("hotline_12345", "complaint", (), (), "street_office"),
        ("hotline_12345", "complaint", (), (), None),
        ("hotline_12345", "complaint", (), (), "district_department"),
        ("hotline_12345", "help_request", (), (), "street_office"),
    ]
    assert frame.unset("reply_deadline").tolist() == [True, True, False, True, False]


def test_value_codes_by_hand():
    frame = build_frame([A, B, C, D, E], AS_OF)
    read = value_reader("round", Replied.model_fields)
    # the replies of A (round 1) and D (round 2), in row order
    assert frame.read("replied", "round", read, plain=True) == [1, 2]
    codes, distinct = frame.value_codes("replied", "round", read, plain=True) or ((), [])
    assert codes.tolist() == [0, 1]
    assert distinct == [1, 2]
    assert frame.value_codes("closed", "kind", read) is not None  # no closures: no codes
    assert frame.remember("x", lambda: 7) == 7
    assert frame.remember("x", lambda: 8) == 7  # made once


def test_check_integers_names_the_first_order_and_fact():
    wide = _order("W", [_sent("d1"), _reply(2**63)])
    fine = _order("F", [_sent("d1"), _reply(2**63 - 1)])
    build_frame([A, fine], AS_OF).check_integers()  # the widest 64-bit value passes
    frame = build_frame([A, fine, wide, wide], AS_OF)
    # W's reply is its 2nd kept fact; 2**63 = 9223372036854775808
    message = "fact 2, key 'round': 9223372036854775808 is wider than the engine's 64-bit integers"
    with pytest.raises(FactValidationError) as caught:
        frame.check_integers()
    assert str(caught.value) == message
    with pytest.raises(FactValidationError):
        match_flat(plan_for("chengdong"), frame.views, frame=frame)
    match_flat(plan_for("chengdong"), frame.views, frame=frame, check=False)


def _with_has(name: str):  # type: ignore[no-untyped-def]
    """A pack's plan whose rules also require ``reply_deadline`` (every other rule) set."""
    pack = plan_for(name).pack
    rules = []
    for n, rule in enumerate(pack.rules):
        if n % 2:
            selector = rule.applies_to.model_copy(update={"has": ("reply_deadline",)})
            rule = rule.model_copy(update={"applies_to": selector})
        rules.append(rule)
    return compile_pack(dataclasses.replace(pack, rules=tuple(rules)))


def _same(plan, views, frame=None):  # type: ignore[no-untyped-def]
    native = get_matcher("native").match(plan, views)
    flat = match_flat(plan, views, frame=frame)
    for view, a, b in zip(views, native, flat.matches, strict=True):
        assert a.selectors == b.selectors, view.order.id
        assert dict(a.events) == dict(b.events), view.order.id
    for name, _test in plan.selector_predicates:
        expected = [name in m.selectors for m in native]
        assert flat.selector_mask(name).tolist() == expected, name


@pytest.mark.parametrize("name", ["chengdong", "xiayang", "daye"])
def test_has_selectors_match_the_native_matcher(name: str):
    plan = _with_has(name)
    assert any(s.has for rule in plan.pack.rules for s in [rule.applies_to])
    orders = [A, B, C, D, E, *generate_orders(200, seed=11)]
    as_of = max(max([o.received_at, *(e.at for e in o.events)]) for o in orders)
    frame = build_frame(orders, as_of)
    with_deadline = [frame.orders[i].reply_deadline is not None for i in range(len(orders))]
    assert any(with_deadline)
    assert not all(with_deadline)
    _same(plan, frame.views, frame)
    _same(plan, list(frame.views), frame)  # a copy of the frame's views: the same orders
    _same(plan, frame.views)  # no frame: built from the views


@pytest.mark.parametrize("name", ["chengdong", "daye"])
def test_views_that_are_not_the_frames(name: str):
    plan = _with_has(name)
    orders = [A, B, C, D, E, *generate_orders(60, seed=3)]
    as_of = max(max([o.received_at, *(e.at for e in o.events)]) for o in orders)
    frame = build_frame(orders, as_of)
    views = [view_of(o, as_of) for o in reversed(orders)]  # other views, other order
    native = get_matcher("native").match(plan, views)
    flat = match_flat(plan, views, frame=build_frame(list(reversed(orders)), as_of))
    for a, b in zip(native, flat.matches, strict=True):
        assert a.selectors == b.selectors
    # a frame of other views: selectors judged from the views themselves
    flat = match_flat(plan, views, frame=frame, check=False)
    assert [m.selectors for m in flat.matches] == [m.selectors for m in native]


def test_judged_dates_and_groups_by_hand():
    # received (Shanghai dates): 2024-05-06; 2024-05-05T20:00Z is 2024-05-06 04:00 in
    # Shanghai; 2023-12-31T17:00Z is 2024-01-01 01:00; 2023-06-01 is before chengdong's
    # effective_from (2024-01-01) and after xiayang's (2022-06-08)
    received = [
        "2024-05-06T09:00:00+08:00",
        "2024-05-05T20:00:00Z",
        "2023-12-31T17:00:00Z",
        "2023-06-01T10:00:00+08:00",
        "2024-05-06T09:00:00+08:00",
    ]
    orders = [_order(f"R{n}", [], received_at=at) for n, at in enumerate(received)]
    frame = build_frame(orders, AS_OF)
    chengdong = prepare(orders, plan_for("chengdong"), AS_OF, frame=frame)
    day = dt.date
    # before 2024-01-01 the pack's first day is judged
    assert list(chengdong.judged) == [
        day(2024, 5, 6),
        day(2024, 5, 6),
        day(2024, 1, 1),
        day(2024, 1, 1),
        day(2024, 5, 6),
    ]
    groups, codes = chengdong.judged_groups()
    assert groups == [day(2024, 5, 6), day(2024, 1, 1)]
    assert codes.tolist() == [0, 0, 1, 1, 0]
    xiayang = prepare(orders, plan_for("xiayang"), AS_OF, frame=frame)
    assert list(xiayang.judged) == [
        day(2024, 5, 6),
        day(2024, 5, 6),
        day(2024, 1, 1),
        day(2023, 6, 1),
        day(2024, 5, 6),
    ]
    groups, codes = xiayang.judged_groups()
    assert groups == [day(2024, 5, 6), day(2024, 1, 1), day(2023, 6, 1)]
    assert codes.tolist() == [0, 0, 1, 2, 0]
    fixed = prepare(orders, plan_for("xiayang"), AS_OF, day(2022, 1, 1), frame=frame)
    assert list(fixed.judged) == [day(2022, 6, 8)] * 5  # judged_on before effective_from
    assert fixed.judged_groups()[0] == [day(2022, 6, 8)]
    assert fixed.judged_groups()[1].tolist() == [0] * 5


def test_judged_dates_at_shanghai_midnight_and_before_1992():
    # 16:00Z is midnight in Shanghai (UTC+8); in the summer of 1988 Shanghai kept
    # daylight saving time (UTC+9): 23:30+08:00 on 1 June was 00:30 on 2 June there
    received = [
        "2024-05-05T16:00:00Z",
        "2024-05-05T15:59:59.999999Z",
        "2024-05-06T00:00:00+08:00",
    ]
    orders = [_order(f"M{n}", [], received_at=at) for n, at in enumerate(received)]
    plan = plan_for("xiayang")
    batch = prepare(orders, plan, AS_OF, frame=build_frame(orders, AS_OF))
    assert list(batch.judged) == [dt.date(2024, 5, 6), dt.date(2024, 5, 5), dt.date(2024, 5, 6)]
    assert batch.judged_groups()[1].tolist() == [0, 1, 0]
    old = _order("O", [], received_at="1988-06-01T23:30:00+08:00")
    with_old = [*orders, old]
    batch = prepare(with_old, plan, AS_OF, frame=build_frame(with_old, AS_OF))
    # before xiayang's effective_from (2022-06-08): that day is judged; but its
    # receipt day is found on the Shanghai clock of 1988
    assert batch.judged[3] == dt.date(2022, 6, 8)
    frame = build_frame(with_old, AS_OF)
    prepare(with_old, plan, AS_OF, frame=frame)
    days, codes = frame.remember("received-days", list)
    assert days == [dt.date(2024, 5, 6), dt.date(2024, 5, 5), dt.date(1988, 6, 2)]
    assert codes == [0, 1, 0, 2]


def test_a_field_of_one_kind_of_value_is_read_once_a_value_by_hand():
    # callbacks rating the process 满意, 不满意, not at all, 满意 again, and a
    # reassignment deadline given at +08:00 and the same instant at UTC: each value
    # is read as the engine reads it (the enumeration's value; an instant as JSON
    # writes it, on Shanghai time, whatever zone it was given in)
    def callback(at: str, rating: str | None) -> dict[str, object]:
        found: dict[str, object] = {"type": "callback", "at": at, "unit": "ctr"}
        if rating is not None:
            found["process_satisfaction"] = rating
        return found

    def granted(at: str, deadline: str) -> dict[str, object]:
        return {"type": "extension_granted", "at": at, "unit": "ctr", "new_deadline": deadline}

    first = _order(
        "R1",
        [
            _sent("d1"),
            callback("2024-05-07T10:00+08:00", "满意"),
            callback("2024-05-07T11:00+08:00", "不满意"),
            granted("2024-05-07T12:00+08:00", "2024-05-10T18:00+08:00"),
        ],
    )
    second = _order(
        "R2",
        [
            _sent("d1"),
            callback("2024-05-07T10:00+08:00", None),
            callback("2024-05-07T11:00+08:00", "满意"),
            granted("2024-05-07T12:00+08:00", "2024-05-10T10:00Z"),
        ],
    )
    frame = build_frame([first, second], AS_OF)

    rating = value_reader("process_satisfaction", Callback.model_fields)
    # (no rating: the engine's ABSENT, which no test but "absent" passes)
    assert frame.read("callback", "process_satisfaction", rating, plain=True) == [
        "satisfied",
        "dissatisfied",
        ABSENT,
        "satisfied",
    ]
    deadline = value_reader("new_deadline", ExtensionGranted.model_fields)
    assert frame.read("extension_granted", "new_deadline", deadline, plain=True) == [
        "2024-05-10T18:00:00+08:00",
        "2024-05-10T18:00:00+08:00",
    ]
