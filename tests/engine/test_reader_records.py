"""The per-order batch takes a reader's records as they come.

``evaluate_many`` / ``evaluate_each`` over what a reader yields: an
:class:`~grievance_rules.reading.Accepted` record is assessed as its order is (its
history not checked again when the reader checked it), and a rejection of it names
the record's place in its file; a :class:`~grievance_rules.reading.Rejected` record
comes out rejected for the problems its reader found. Every input is accounted for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import grievance_rules.engine.batch as batch
from grievance_rules.engine import evaluate_each, evaluate_many
from grievance_rules.reading import Accepted, Rejected, iter_orders
from grievance_rules.reading.parquet import iter_parquet_orders
from grievance_rules.reading.parquet_export import write_parquet
from grievance_rules.samples import generate_orders


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[Accepted]:
    folder = tmp_path_factory.mktemp("records") / "d"
    write_parquet(list(generate_orders(60, seed=41, months=2)), folder)
    read = [r for r in iter_parquet_orders(folder) if isinstance(r, Accepted)]
    assert len(read) == 60
    assert all(r.history_checked for r in read)
    return read


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize("pack", ["xiayang", "daye"])
def test_records_are_assessed_as_their_orders(
    records: list[Accepted], pack: str, processes: int
) -> None:
    of_records = list(evaluate_many(records, pack, processes=processes, chunk_size=16))
    of_orders = list(evaluate_many([r.order for r in records], pack))
    assert [r.position for r in of_records] == list(range(len(records)))
    assert [r.to_json() for r in of_records] == [r.to_json() for r in of_orders]
    assert all(r.rejection is None for r in of_records)


def test_a_vouched_history_is_not_checked_again(
    records: list[Accepted], history_checks: Callable[[ModuleType], list[str]]
) -> None:
    checked = history_checks(batch)
    list(evaluate_each(records[:10], ["daye"]))
    assert checked == []
    by_hand = [Accepted(location=r.location, order=r.order) for r in records[:10]]
    list(evaluate_each(by_hand, ["daye"]))
    assert checked == [r.order.id for r in records[:10]]


def test_vouched_integers_are_not_checked_again(
    records: list[Accepted], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the Parquet reader read the event integers from 64-bit columns (integers_fit);
    # neither the batch nor the matcher checks them again; a record made by hand is
    # checked once, as the batch reads it
    assert all(r.integers_fit for r in records)
    checked: list[str] = []
    check = batch.check_integers

    def counted(view: Any) -> None:
        checked.append(view.order.id)
        check(view)

    monkeypatch.setattr(batch, "check_integers", counted)
    list(evaluate_each(records[:10], ["daye", "xiayang"]))
    assert checked == []
    by_hand = [Accepted(location=r.location, order=r.order) for r in records[:10]]
    list(evaluate_each(by_hand, ["daye", "xiayang"]))
    assert checked == [r.order.id for r in records[:10]]


def test_a_rejected_record_comes_out_rejected_for_its_reasons(tmp_path: Path) -> None:
    source = tmp_path / "orders.jsonl"
    good = list(generate_orders(2, seed=5))
    source.write_text(
        good[0].model_dump_json()
        + "\n"
        + '{"id": "BAD-1", "channel": "12345", "category": "投诉"}\n'
        + good[1].model_dump_json()
        + "\n",
        encoding="utf-8",
    )
    read = list(iter_orders(source))
    assert [type(r) for r in read] == [Accepted, Rejected, Accepted]
    results = list(evaluate_many(read, "daye"))
    assert [r.position for r in results] == [0, 1, 2]
    assert results[0].assessment is not None
    assert results[2].assessment is not None
    rejection = results[1].rejection
    assert rejection is not None
    assert rejection.source == f"{source}:2"  # the file and line of the record
    assert rejection.order_id == "BAD-1"
    assert any(reason.startswith("received_at") for reason in rejection.reasons), rejection


def test_a_rejection_of_a_record_names_its_place(records: list[Accepted]) -> None:
    latest = max(records, key=lambda r: r.order.received_at)
    early = latest.order.received_at - dt.timedelta(minutes=1)
    results = list(evaluate_many(records, "daye", as_of=early))
    rejected = [r for r in results if r.rejection is not None]
    assert [r.rejection.order_id for r in rejected if r.rejection] == [latest.order.id]
    assert rejected[0].rejection is not None
    assert rejected[0].rejection.source == str(latest.location)
    assert len(results) == len(records)
