"""Accepted and Rejected as a type checker sees them."""

from __future__ import annotations

import typing
from pathlib import Path

import pytest

from grievance_rules.reading.results import Accepted, Rejected

ROOT = Path(__file__).resolve().parents[2]


def test_ok_is_a_literal_class_constant_so_checking_it_narrows_the_result():
    # `ok = True` was inferred as bool, so `if result.ok: result.order` (docs/model.md)
    # failed mypy --strict: 'Item "Rejected" of "Accepted | Rejected" has no attribute "order"'
    assert typing.get_type_hints(Accepted)["ok"] == typing.ClassVar[typing.Literal[True]]
    assert typing.get_type_hints(Rejected)["ok"] == typing.ClassVar[typing.Literal[False]]
    assert (Accepted.ok, Rejected.ok) == (True, False)
    assert "ok" not in Accepted.__slots__  # a class constant, not a field
    assert "ok" not in Rejected.__slots__


@pytest.mark.slow
def test_the_documented_loop_over_iter_orders_type_checks_strictly(tmp_path):
    api = pytest.importorskip("mypy.api")
    script = tmp_path / "consumer.py"
    script.write_text(
        "from grievance_rules.reading import iter_orders\n"
        "from grievance_rules.model import WorkOrder\n"
        "from grievance_rules.reading import RecordProblem, SourceLocation\n"
        "def use(order: WorkOrder) -> str:\n"
        "    return order.id\n"
        "for result in iter_orders('orders.jsonl'):\n"
        "    if result.ok:\n"
        "        use(result.order)\n"
        "    else:\n"
        "        problems: tuple[RecordProblem, ...] = result.problems\n"
        "        where: SourceLocation = result.location\n",
        encoding="utf-8",
    )
    out, err, status = api.run(
        ["--strict", "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache"), str(script)]
    )
    assert status == 0, out + err
