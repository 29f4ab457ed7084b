import datetime as dt
import itertools
import random
from pathlib import Path

import pytest

from grievance_rules.calendar import china
from grievance_rules.errors import CalendarRangeError
from grievance_rules.model import WorkOrder, check_history
from grievance_rules.reading import Accepted, read_orders
from grievance_rules.samples import (
    OFFICE_HOURS,
    Mix,
    SampleConfigError,
    default_registry,
    generate_lines,
    generate_orders,
    order_line,
    rate_table,
)
from grievance_rules.samples.clock import OfficeClock

DOCS = Path(__file__).parents[2] / "docs" / "model.md"
START = dt.date(2025, 3, 1)


def lines(count: int, seed: int, **options: object) -> list[str]:
    return list(generate_lines(count, seed=seed, start=START, months=3, **options))  # type: ignore[arg-type]


def test_same_seed_same_bytes_other_seed_other_orders() -> None:
    first = "\n".join(lines(400, seed=3)).encode()
    again = "\n".join(lines(400, seed=3)).encode()
    other = "\n".join(lines(400, seed=4)).encode()
    assert first == again
    assert first != other
    assert len(first.splitlines()) == 400


def test_global_random_state_is_neither_read_nor_changed() -> None:
    random.seed(1)
    state = random.getstate()
    with_one = lines(100, seed=8)
    assert random.getstate() == state
    random.seed(2)
    assert lines(100, seed=8) == with_one


def test_lines_are_what_order_line_writes() -> None:
    orders = list(generate_orders(300, seed=5, start=START, months=3))
    assert [order_line(o) for o in orders] == lines(300, seed=5)


def test_count_ids_and_receipt_window() -> None:
    orders = list(generate_orders(500, seed=6, start=START, months=2))
    assert len(orders) == 500
    assert len({o.id for o in orders}) == 500
    received = [o.received_at for o in orders]
    assert received == sorted(received)
    assert received[0].date() >= START
    assert received[-1].date() < dt.date(2025, 5, 1)
    assert all(o.id.startswith(o.received_at.strftime("%y%m%d")) for o in orders)


def test_streams_lazily() -> None:
    # a million orders are not made up front: the first ones come at once
    first = list(itertools.islice(generate_orders(1_000_000, seed=1), 3))
    assert len(first) == 3


def test_generated_file_reads_back_with_no_rejection_and_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(lines(1500, seed=9)) + "\n", encoding="utf-8")
    report = read_orders(path)
    assert report.records == 1500
    assert len(report.rejected) == 0
    assert all(isinstance(r, Accepted) and r.warnings == () for r in report.accepted)
    assert list(report.orders) == list(generate_orders(1500, seed=9, start=START, months=3))


def test_snapshot_cuts_histories_and_stays_coherent() -> None:
    as_of = dt.datetime(2025, 5, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    cut = list(generate_orders(600, seed=10, start=START, months=2, as_of=as_of))
    whole = list(generate_orders(600, seed=10, start=START, months=2))
    assert [o.id for o in cut] == [o.id for o in whole]
    assert all(e.at <= as_of for o in cut for e in o.events)
    assert any(len(c.events) < len(w.events) for c, w in zip(cut, whole, strict=True))
    assert all(check_history(o) == () for o in cut)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"count": -1}, "count: -1 is not a whole number"),
        ({"count": True}, "count: True"),
        ({"seed": "7"}, "seed: '7' is not an integer"),
        ({"months": 0}, "months: 0 is not a whole number from 1 to 600"),
        ({"start": dt.date(2003, 6, 1)}, "receipts must fall between 2004-01-01"),
        ({"start": dt.datetime(2025, 1, 1)}, "start: datetime.datetime(2025, 1, 1, 0, 0)"),
        ({"as_of": dt.datetime(2025, 6, 1)}, "as_of: datetime.datetime(2025, 6, 1, 0, 0) is not"),
        (
            {"as_of": dt.datetime(2025, 6, 1, tzinfo=dt.UTC)},
            "is before the end of the receipt window (2026-01-01",
        ),
    ],
)
def test_bad_arguments_are_refused_at_the_call(options: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"count": 5, "seed": 1, **options}
    with pytest.raises(SampleConfigError) as caught:
        generate_orders(**arguments)  # type: ignore[arg-type]
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("late_reply", -0.1, "Mix.late_reply: -0.1 is not a probability"),
        ("urgencies", (("urgent", 1.0), ("soon", 1.0)), "Mix.urgencies: 'soon' is not one of"),
        ("urgencies", (("urgent", float("nan")),), "weight nan of 'urgent' is not >= 0"),
        ("redo_levels", (("none", 0.0),), "Mix.redo_levels: no positive weight"),
        ("max_rounds", 0, "Mix.max_rounds: 0 is not an integer >= 1"),
    ],
)
def test_bad_rates_are_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(SampleConfigError) as caught:
        Mix(**{field: value})  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_a_rate_changes_what_is_generated() -> None:
    never = Mix(return_request=0.0, continuation=0.0)
    always = Mix(return_request=1.0, continuation=1.0)
    kinds = [
        {e.type for e in o.events}
        for o in generate_orders(200, seed=2, start=START, months=1, mix=never)
    ]
    assert not any({"return_requested", "continuation"} & k for k in kinds)
    dispatched = [
        o
        for o in generate_orders(200, seed=2, start=START, months=1, mix=always)
        if any(e.type == "dispatched" for e in o.events)
    ]
    office = china(office_hours=OFFICE_HOURS)

    def night_duty(order: WorkOrder) -> bool:  # urgent after hours: handled at once, no return
        first = next(e for e in order.events if e.type == "dispatched")
        return order.urgency == "urgent" and not office.in_office_hours(first.at)

    assert all(
        any(e.type == "return_requested" for e in o.events) for o in dispatched if not night_duty(o)
    )
    assert sum(any(e.type == "continuation" for e in o.events) for o in dispatched) > 150


def test_docs_carry_the_rate_table() -> None:
    assert rate_table() in DOCS.read_text(encoding="utf-8")


def test_every_unit_an_order_names_is_a_registry_unit() -> None:
    registry = default_registry()
    assert len(registry.villages) == 17
    for order in generate_orders(300, seed=12, start=START, months=2):
        for unit in order.units:
            assert registry[unit.id] == unit


def test_office_clock_agrees_with_the_calendar() -> None:
    calendar = china(office_hours=OFFICE_HOURS)
    clock = OfficeClock(calendar, dt.date(2024, 12, 1), dt.date(2026, 6, 30))
    rng = random.Random(0)
    cst = dt.timezone(dt.timedelta(hours=8))
    for _ in range(3000):
        start = dt.datetime(2025, 1, 1, tzinfo=cst) + dt.timedelta(minutes=rng.randrange(525_600))
        minutes = rng.choice((1, 180, 210, 420, 840, rng.randrange(1, 5000)))
        expected = calendar.add_working_time(start, dt.timedelta(minutes=minutes))
        assert clock.add(start, minutes) == expected, (start, minutes)
        end = start + dt.timedelta(minutes=rng.randrange(20_000))
        assert (
            clock.between(start, end) * 60
            == calendar.working_time_between(start, end).total_seconds()
        )
        assert clock.in_office_hours(start) == calendar.in_office_hours(start)
        days = rng.randrange(1, 30)
        assert clock.closing(start.date(), days).date() == calendar.add_working_days(
            start.date(), days
        )


def test_orders_validate_as_work_orders() -> None:
    for line in lines(200, seed=13):
        assert check_history(WorkOrder.model_validate_json(line)) == ()


def test_office_clock_refuses_what_it_does_not_cover() -> None:
    clock = OfficeClock(china(), dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    cst = dt.timezone(dt.timedelta(hours=8))
    with pytest.raises(CalendarRangeError, match="2025-02-01 is outside the office clock's range"):
        clock.position(dt.datetime(2025, 2, 1, 10, 0, tzinfo=cst))
    with pytest.raises(CalendarRangeError, match="office minute"):
        clock.add(dt.datetime(2025, 1, 31, 10, 0, tzinfo=cst), 420 * 3)
    with pytest.raises(CalendarRangeError, match="30 working days after 2025-01-20"):
        clock.closing(dt.date(2025, 1, 20), 30)
