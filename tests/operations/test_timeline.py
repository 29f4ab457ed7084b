import datetime as dt

from grievance_rules.engine import evaluate
from grievance_rules.operations import assessment_at, timeline
from grievance_rules.packs import find_pack
from grievance_rules.reading import read_orders
from tests.operations.conftest import at, dispatched, order

SAMPLES = "src/grievance_rules/samples/orders.jsonl"


def test_assessment_at_is_evaluate_at_each_instant_byte_for_byte() -> None:
    orders = [r.order for r in read_orders(SAMPLES).accepted]
    for name in ("chengdong", "daye", "xiayang"):
        pack = find_pack(name)
        for o in orders:
            instants = sorted({o.received_at, *(e.at for e in o.events)})
            instants.append(instants[-1] + dt.timedelta(days=30))
            replayed = assessment_at(o, pack, instants)
            assert [a.model_dump_json() for a in replayed] == [
                evaluate(o, pack, t).model_dump_json() for t in instants
            ]


def test_timeline_steps_through_events_and_light_changes() -> None:
    # CD-5.provincial-urgent from Fri 2024-06-14 15:30 (see test_watch): yellow Mon
    # 17 June 15:30 and red Tue 18 June 10:30 (to the microsecond); the reply at
    # Tue 11:00 stops it in time.
    o = order(
        "T1",
        "2024-06-14T15:00",
        dispatched("2024-06-14T15:30"),
        {"type": "replied", "at": "2024-06-18T11:00", "unit": "c07"},
    )
    pack = find_pack("chengdong")
    steps = timeline(o, pack)
    whats = [(s.cause, s.what) for s in steps]
    assert whats[0] == ("received", "received")
    assert ("event", "dispatched") in whats
    assert whats[-1] == ("event", "replied")
    lights = [s for s in steps if s.what.startswith("CD-5.provincial-urgent")]
    assert [s.what for s in lights] == [
        "CD-5.provincial-urgent#0 turns yellow",
        "CD-5.provincial-urgent#0 turns red",
    ]
    assert [s.at for s in lights] == [at("2024-06-17T15:30"), at("2024-06-18T10:30")]
    assert [s.at for s in steps] == sorted(s.at for s in steps)
    for step in steps:
        assert step.assessment.model_dump_json() == evaluate(o, pack, step.at).model_dump_json()
    final = steps[-1].assessment
    clock = next(c for c in final.clocks if c.rule_id == "CD-5.provincial-urgent")
    assert clock.state == "met"
