"""The columnar path takes a reader's records as they come, and trusts what they vouch for.

A reader's :class:`~grievance_rules.reading.results.Accepted` record says its order's
history was checked there (``history_checked``) and, from Parquet's signed integer
columns, that its event integers fit 64 bits (``integers_fit``).
``evaluate_columnar`` / ``evaluate_columnar_each`` take such records beside models,
dicts and JSON lines: a vouched history is not checked again (and its events, known
in time order, are cut to ``as_of`` from the end), vouched integers are not checked
again; what a record made by hand does not vouch for is checked as before. The
findings are those of the same orders given as models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import grievance_rules.columnar.run as run
import grievance_rules.engine.batch as engine_batch
from grievance_rules.columnar import evaluate_columnar, evaluate_columnar_each
from grievance_rules.errors import FactValidationError, HistoryError, WorkOrderError
from grievance_rules.model import WorkOrder
from grievance_rules.reading import iter_orders
from grievance_rules.reading.parquet import iter_parquet_orders
from grievance_rules.reading.parquet_export import write_parquet
from grievance_rules.reading.results import Accepted, Rejected, SourceLocation
from grievance_rules.samples import generate_orders

PACKS = ("chengdong", "xiayang", "daye")
AS_OF = dt.datetime(2025, 3, 3, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[Accepted]:
    folder = tmp_path_factory.mktemp("records") / "d"
    write_parquet(list(generate_orders(120, seed=29, months=2)), folder)
    read = list(iter_parquet_orders(folder))
    assert all(isinstance(r, Accepted) and r.history_checked and r.integers_fit for r in read)
    return [r for r in read if isinstance(r, Accepted)]


def _tables(results: list[Any]) -> list[Any]:
    return [result.findings.to_arrow() for result in results]


@pytest.mark.parametrize("as_of", [None, AS_OF], ids=["last instant", "as_of"])
@pytest.mark.parametrize("rejects", ["raise", "skip"])
def test_records_give_the_findings_of_their_orders(
    records: list[Accepted], as_of: dt.datetime | None, rejects: Any
) -> None:
    orders = [r.order for r in records]
    if as_of is not None:  # some orders are cut: their later events left out
        assert any(e.at > as_of for order in orders for e in order.events)
    of_orders = evaluate_columnar_each(orders, PACKS, as_of=as_of, rejects=rejects)
    of_records = evaluate_columnar_each(records, PACKS, as_of=as_of, rejects=rejects)
    for mine, theirs in zip(_tables(of_records), _tables(of_orders), strict=True):
        assert mine.num_rows > 0
        assert mine.equals(theirs)
    assert of_records[0].positions == list(range(len(records)))


@pytest.mark.parametrize("rejects", ["raise", "skip"])
def test_a_vouched_history_is_not_checked_again(
    records: list[Accepted], history_checks: Callable[[ModuleType], list[str]], rejects: Any
) -> None:
    # the checks of both paths: the batch's own, and each input's (``ready_input``)
    watched = [history_checks(run), history_checks(engine_batch)]
    evaluate_columnar(records[:20], "daye", rejects=rejects)
    assert [order_id for checked in watched for order_id in checked] == []
    by_hand = [Accepted(location=r.location, order=r.order) for r in records[:20]]
    evaluate_columnar(by_hand, "daye", rejects=rejects)
    # nothing vouched: each checked, once
    assert [order_id for checked in watched for order_id in checked] == [
        r.order.id for r in records[:20]
    ]


def _tangled(order: WorkOrder) -> WorkOrder:
    """The order with its last two events swapped: a history listed out of time order."""
    events = list(order.events)
    events[-2], events[-1] = events[-1], events[-2]
    return order.model_copy(update={"events": events})


def test_a_record_made_by_hand_is_checked_as_a_model_is(records: list[Accepted]) -> None:
    source = next(r for r in records if len(r.order.events) >= 3)
    tangled = _tangled(source.order)
    record = Accepted(location=SourceLocation(file="hand.jsonl", record=1), order=tangled)
    with pytest.raises(HistoryError):
        evaluate_columnar([record], "daye")
    (result,) = evaluate_columnar_each([record, *records[:5]], ["daye"], rejects="skip")
    assert [r.source for r in result.rejections] == [str(record.location)]  # its place
    assert result.positions == [1, 2, 3, 4, 5]


def test_integers_are_checked_unless_every_record_vouches(
    records: list[Accepted], monkeypatch: pytest.MonkeyPatch
) -> None:
    import grievance_rules.columnar.batch as batch

    checks: list[bool] = []
    match = batch.match_flat

    def spied(*args: Any, check: bool = True, **kwargs: Any) -> Any:
        checks.append(check)
        return match(*args, check=check, **kwargs)

    monkeypatch.setattr(batch, "match_flat", spied)
    evaluate_columnar(records[:10], "daye")
    assert checks == [False]  # the reader vouched for every one
    by_hand = Accepted(location=records[0].location, order=records[0].order)
    evaluate_columnar([by_hand, *records[1:10]], "daye")
    assert checks == [False, True]
    evaluate_columnar([r.order for r in records[:10]], "daye")
    assert checks == [False, True, True]


def test_a_wide_integer_in_a_record_made_by_hand_is_refused(records: list[Accepted]) -> None:
    source = next(
        r for r in records if any(getattr(e, "round", None) is not None for e in r.order.events)
    )
    events = [
        e.model_copy(update={"round": 2**64}) if getattr(e, "round", None) is not None else e
        for e in source.order.events
    ]
    wide = source.order.model_copy(update={"events": events})
    record = Accepted(location=source.location, order=wide, history_checked=True)
    with pytest.raises(FactValidationError):
        evaluate_columnar([record], "daye")


def test_an_order_not_yet_received_is_rejected_though_its_record_vouches(
    records: list[Accepted],
) -> None:
    latest = max(records, key=lambda r: r.order.received_at)
    early = latest.order.received_at - dt.timedelta(minutes=1)
    (result,) = evaluate_columnar_each(records, ["daye"], as_of=early, rejects="skip")
    assert [r.order_id for r in result.rejections] == [latest.order.id]
    assert len(result.positions) == len(records) - 1


def test_a_record_its_reader_rejected_is_rejected_for_its_reasons(tmp_path: Path) -> None:
    source = tmp_path / "orders.jsonl"
    good = list(generate_orders(2, seed=5))
    bad = '{"id": "BAD-1", "channel": "12345", "category": "投诉"}'
    source.write_text(
        f"{good[0].model_dump_json()}\n{bad}\n{good[1].model_dump_json()}\n", encoding="utf-8"
    )
    read = list(iter_orders(source))
    assert [type(r) for r in read] == [Accepted, Rejected, Accepted]
    (result,) = evaluate_columnar_each(read, ["daye"], rejects="skip")
    assert result.positions == [0, 2]
    (rejection,) = result.rejections
    assert rejection.source == f"{source}:2"  # the file and line of the record
    assert rejection.order_id == "BAD-1"
    assert any(reason.startswith("received_at") for reason in rejection.reasons)
    with pytest.raises(WorkOrderError, match=r"record 1 \(.*orders\.jsonl:2\) was rejected"):
        evaluate_columnar(read, "daye")
