"""The escalation pre-check agrees with the full count on every trigger it decides."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from grievance_rules.engine import conditions, evaluate, evaluate_many
from grievance_rules.engine.plan import compile_pack
from grievance_rules.packs import find_pack, load_pack
from grievance_rules.samples import generate_lines

from .conftest import HERE, at, dispatched, make_order


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


def test_occurs_decides_escalation_and_window_triggers_as_the_full_count_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No built-in pack has an escalation over another escalation: a copy of the demo does."""
    shutil.copytree(HERE / "packs" / "demo", tmp_path / "demo")
    rules = tmp_path / "demo" / "rules" / "escalations.yaml"
    rules.write_text(
        rules.read_text(encoding="utf-8")
        + """  - id: D-after-interview
    kind: escalation
    title: 约谈后仍超期
    clauses: [D-12]
    citation: {source: demo.txt, clause: 十二, text: 约谈第一责任人}
    when:
      all:
        - {escalation: D-interview}
        - any:
            - {clock: D-reply, state: breached}
            - {window: D-return-window, state: late}
    action: 提级
    actor: {unit: none, role: main_leader}
""",
        encoding="utf-8",
    )
    pack = load_pack(tmp_path / "demo")
    decided: list[tuple[str, bool]] = []
    fast = conditions._occurs

    def both(ev: Any, trigger: Any) -> bool:
        answer = fast(ev, trigger)
        assert answer == bool(conditions.occurrences(ev, trigger)), trigger
        kind = "escalation" if trigger.escalation else "window" if trigger.window else "other"
        decided.append((kind, answer))
        return answer

    monkeypatch.setattr(conditions, "_occurs", both)
    orders = []
    for n in range(4):  # 0 to 3 continuations: D-interview from the second
        continuations = [
            {
                "type": "continuation",
                "at": f"2024-05-{7 + d:02d}T10:00",
                "unit": "c07",
                "committed_deadline": "2024-06-28T17:30:00+08:00",
            }
            for d in range(n)
        ]
        late_return = {
            "type": "return_requested",
            "at": "2024-05-06T16:30",
            "unit": "c07",
            "reason": "非本单位职责",
        }
        orders.append(make_order(dispatched("2024-05-06T09:30"), *continuations, id=f"S{n}"))
        orders.append(
            make_order(dispatched("2024-05-06T09:30"), late_return, *continuations, id=f"L{n}")
        )
        reply = {"type": "replied", "at": "2024-05-07T09:00", "unit": "c07"}
        orders.append(make_order(dispatched("2024-05-06T09:30"), reply, *continuations, id=f"R{n}"))
    # every rule judged (the plan's needs would skip an escalation over one that did not
    # fire before _occurs is asked), then as the engine runs: the same escalations
    every_rule = dataclasses.replace(compile_pack(pack), needs={}, record_needs={})
    fired = {}
    for order in orders:
        escalations = evaluate(order, every_rule, at("2024-05-20T00:00")).escalations
        fired[order.id] = sorted(e.rule_id for e in escalations)
        assert evaluate(order, pack, at("2024-05-20T00:00")).escalations == escalations
    assert ("escalation", True) in decided
    assert ("escalation", False) in decided
    assert ("window", True) in decided
    assert ("window", False) in decided
    assert fired["S1"] == []
    assert fired["L2"] == ["D-after-interview", "D-interview"]
    assert fired["R2"] == ["D-interview"]  # replied in time, returned in time: no 提级
