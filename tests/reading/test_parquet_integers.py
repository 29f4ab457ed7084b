"""The Parquet reader says when an order's event integers all fit 64 bits.

``Accepted.integers_fit`` lets evaluation skip the engine's 64-bit check of an
order's events (``engine.matching.check_integers``) for records the Parquet reader
read from a column of signed integers, which cannot hold a wider value. A foreign
file's column of another type (unsigned, text) leaves the check where it was: its
too-wide value is still rejected, with the same reason as before.
"""

from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from grievance_rules.model import EVENT_CLASSES
from grievance_rules.reading.parquet import (
    events_schema,
    iter_parquet_orders,
    orders_schema,
    units_schema,
)
from grievance_rules.reading.parquet_export import write_parquet
from grievance_rules.reading.parquet_layout import INTEGER_FIELDS
from grievance_rules.reading.results import Accepted
from grievance_rules.samples import generate_orders
from grievance_rules.scoring import score

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
_AT = dt.datetime(2024, 5, 6, 9, 30, tzinfo=SHANGHAI)


def test_every_integer_field_of_an_event_is_an_integer_column() -> None:
    # found here from the model's annotations, not by the engine's integer_fields
    found = set()
    for cls in EVENT_CLASSES.values():
        for name, info in cls.model_fields.items():
            if info.annotation is int or int in typing.get_args(info.annotation):
                found.add(name)
    assert found == set(INTEGER_FIELDS) == {"round"}


def test_a_partition_the_library_wrote_vouches_for_its_integers(tmp_path: Path) -> None:
    orders = list(generate_orders(40, seed=11))
    write_parquet(orders, tmp_path / "d")
    results = list(iter_parquet_orders(tmp_path / "d"))
    assert len(results) == 40
    assert all(isinstance(r, Accepted) and r.integers_fit for r in results)


def _foreign(folder: Path, round_type: pa.DataType, value: object) -> None:
    """One order, dispatched then replied with ``round`` in a column of ``round_type``."""
    folder.mkdir(parents=True)
    order = {
        "id": "F1",
        "channel": "12345",
        "category": "complaint",
        "received_at": dt.datetime(2024, 5, 6, 9, 12, tzinfo=SHANGHAI),
    }
    pq.write_table(pa.Table.from_pylist([order], schema=orders_schema()), folder / "orders.parquet")
    schema = events_schema()
    schema = schema.set(schema.get_field_index("round"), pa.field("round", round_type))
    events = [
        {"order_id": "F1", "type": "dispatched", "at": _AT, "unit": "ctr", "to_unit": "c07"},
        {
            "order_id": "F1",
            "type": "replied",
            "at": _AT + dt.timedelta(days=1),
            "unit": "c07",
            "round": value,
        },
    ]
    pq.write_table(pa.Table.from_pylist(events, schema=schema), folder / "events.parquet")
    units = [
        {"order_id": "F1", "id": "ctr", "kind": "dispatch_centre"},
        {"order_id": "F1", "id": "c07", "kind": "village_community"},
    ]
    pq.write_table(pa.Table.from_pylist(units, schema=units_schema()), folder / "units.parquet")


@pytest.mark.parametrize(
    ("round_type", "value", "fits"),
    [
        (pa.int64(), 3, True),
        (pa.int8(), 3, True),
        (pa.uint64(), 3, False),
        (pa.string(), "3", False),
    ],
)
def test_only_a_signed_integer_column_vouches(
    tmp_path: Path, round_type: pa.DataType, value: object, fits: bool
) -> None:
    _foreign(tmp_path / "d", round_type, value)
    (result,) = iter_parquet_orders(tmp_path / "d")
    assert isinstance(result, Accepted), result
    assert result.order.events[1].round == 3
    assert result.integers_fit is fits


def test_a_value_wider_than_64_bits_is_still_rejected_from_an_unsigned_column(
    tmp_path: Path,
) -> None:
    _foreign(tmp_path / "d", pa.uint64(), 2**63 + 7)
    (result,) = iter_parquet_orders(tmp_path / "d")
    assert isinstance(result, Accepted)
    assert not result.integers_fit
    for path in ("columnar", "per-order"):
        card = score(iter_parquet_orders(tmp_path / "d"), "daye", path=path)
        assert card.assessed == 0
        (rejection,) = card.rejections
        assert rejection.reasons == (
            f"fact 2, key 'round': {2**63 + 7} is wider than the engine's 64-bit integers",
        ), path


def test_scoring_skips_the_check_only_for_records_that_vouch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import grievance_rules.engine.batch as engine_batch  # where each input is checked

    checked: list[str] = []
    check = engine_batch.check_integers

    def counted(view: typing.Any) -> None:
        checked.append(view.order.id)
        check(view)

    monkeypatch.setattr(engine_batch, "check_integers", counted)
    write_parquet(list(generate_orders(12, seed=3)), tmp_path / "d")
    card = score(iter_parquet_orders(tmp_path / "d"), "daye", path="columnar")
    assert card.inputs == 12
    assert card.rejected == 0
    assert checked == []
    _foreign(tmp_path / "e", pa.uint64(), 3)
    card = score(iter_parquet_orders(tmp_path / "e"), "daye", path="columnar")
    assert (card.inputs, card.rejected) == (1, 0)
    assert checked == ["F1"]
