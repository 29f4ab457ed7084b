"""Small packs and hand-written orders of two units, on daye's （八）「严禁…虚假回复」.

Shared by the tests of ``same_unit`` and of the target ``about_unit``: a one-file pack
written from its rules, and orders received Mon 2023-06-05 09:00 with the hotline
centre ``rx`` and two handling units, 罗家桥街道 ``ljq`` and 市住建局 ``zjj``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from grievance_rules.engine import evaluate
from grievance_rules.engine.matching import EngineName
from grievance_rules.engine.plan import PackPlan
from grievance_rules.model import WorkOrder
from tests.columnar.differential import assert_same

UNITS = [
    {"id": "rx", "name": "市12345公共热线服务中心", "kind": "dispatch_centre"},
    {"id": "ljq", "name": "罗家桥街道", "kind": "street_office"},
    {"id": "zjj", "name": "市住建局", "kind": "city_department"},
]
AS_OF = dt.datetime(2023, 6, 7, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
"""Wed 2023-06-07 12:00."""

Step = tuple[str, str, str | None, dict[str, Any]]
"""An event: its type, its instant in June 2023 (``05T09:30``), its unit, its other fields."""


def escalation(rule_id: str, title: str, when: str, target: str, once_per: str) -> str:
    """One escalation rule, as YAML under ``rules:``, citing the pack's one clause."""
    return (
        f"  - id: {rule_id}\n"
        "    kind: escalation\n"
        f"    title: {title}\n"
        "    clauses: [X-1]\n"
        "    topics: [false_reply]\n"
        "    citation: {source: demo.txt, clause: 一, text: 严禁在未联系诉求人的情况下虚假回复}\n"
        f"    when: {when}\n"
        "    action: 核查\n"
        "    actor: {unit: dispatch_centre}\n"
        f"    target: {target}\n"
        f"    once_per: {once_per}\n"
    )


def write_pack(tmp_path: Path, pack_id: str, name: str, rules: str) -> Path:
    """A pack of one rules file, with the source its rules cite."""
    pack = tmp_path / pack_id
    (pack / "rules").mkdir(parents=True)
    (pack / "pack.yaml").write_text(
        f"id: {pack_id}\n"
        f"name: {name}\n"
        "jurisdiction: 测试\n"
        'revision: "1"\n'
        "sources:\n"
        "  - {file: demo.txt, title: 测试}\n"
        "effective_from: 2023-01-01\n"
        'calendar: {office_hours: "09:00-12:00,13:30-17:30"}\n',
        encoding="utf-8",
    )
    (pack / "demo.txt").write_text("一、严禁在未联系诉求人的情况下虚假回复。\n", encoding="utf-8")
    (pack / "rules" / "r.yaml").write_text(rules, encoding="utf-8")
    return pack


def made_order(order_id: str, *events: Step) -> WorkOrder:
    """An order of :data:`UNITS` received Mon 2023-06-05 09:00, with these events."""
    return WorkOrder.model_validate(
        {
            "id": order_id,
            "channel": "12345",
            "category": "投诉",
            "received_at": "2023-06-05T09:00:00+08:00",
            "units": UNITS,
            "events": [
                {"type": kind, "at": f"2023-06-{at}:00+08:00", "unit": unit, **fields}
                for kind, at, unit, fields in events
            ],
        }
    )


def sent_to(unit: str) -> Step:
    """The centre's dispatch to ``unit``, Mon 09:30."""
    return ("dispatched", "05T09:30", "rx", {"to_unit": unit})


def escalations_found(
    plan: PackPlan, order: WorkOrder, engine: EngineName = "native"
) -> list[tuple[str, str, str]]:
    """The order's escalations at :data:`AS_OF`: (rule, unit, since as ``06-07 10:00``)."""
    found = evaluate(order, plan, AS_OF, engine=engine).escalations
    return sorted((e.rule_id, str(e.target_unit), e.since.strftime("%m-%d %H:%M")) for e in found)


def assert_columnar_finds(
    plan: PackPlan,
    orders: Sequence[WorkOrder],
    expected: Mapping[str, Sequence[tuple[str, str, str]]],
) -> None:
    """The columnar path finds what the engine finds, and that is ``expected``.

    ``expected``: each order's (rule, unit, since) findings.
    """
    result = assert_same(orders, plan, AS_OF)
    found = sorted((row[1], row[2], row[5]) for row in result.findings)
    assert found == sorted(
        (order_id, rule_id, unit)
        for order_id, findings in expected.items()
        for rule_id, unit, _since in findings
    )
