"""The escalation pre-check agrees with the full count on every trigger it decides."""

from __future__ import annotations

from typing import Any

import pytest

from grievance_rules.engine import conditions, evaluate_many
from grievance_rules.packs import find_pack
from grievance_rules.samples import generate_lines


@pytest.mark.parametrize("pack_name", ["chengdong", "xiayang", "daye"])
def test_occurs_is_whether_occurrences_finds_any(
    pack_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[bool] = []
    fast = conditions._occurs

    def both(ev: Any, trigger: Any) -> bool:
        answer = fast(ev, trigger)
        assert answer == bool(conditions.occurrences(ev, trigger)), trigger
        checked.append(answer)
        return answer

    monkeypatch.setattr(conditions, "_occurs", both)
    results = list(evaluate_many(generate_lines(300, seed=11), find_pack(pack_name)))
    assert all(r.assessment is not None for r in results)
    assert len(checked) > 300  # every order had triggers decided
    assert True in checked
    assert False in checked
