import datetime as dt
import importlib.util
import os
from pathlib import Path
from typing import Any

import pytest

from grievance_rules.engine._durable import CompiledRuleset, DurableAdapter
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack, load_pack

HERE = Path(__file__).parent

DURABLE_INSTALLED = importlib.util.find_spec("durable") is not None
requires_durable = pytest.mark.skipif(
    not DURABLE_INSTALLED and not os.environ.get("GRIEVANCE_RULES_REQUIRE_DURABLE"),
    reason="durable-rules is not installed (pip install 'grievance-rules[durable]', "
    "Python 3.11-3.12); GRIEVANCE_RULES_REQUIRE_DURABLE=1 makes this a failure",
)
ENGINES = ["native", pytest.param("durable", marks=requires_durable)]
"""Both matching backends, as a parametrize list: durable only where it is installed."""
UNITS = [
    {"id": "ctr", "name": "党政办", "kind": "dispatch_centre"},
    {"id": "c07", "name": "东风社区", "kind": "village_community"},
    {"id": "c08", "name": "西湖村", "kind": "village_community"},
    {"id": "off", "name": "城管办", "kind": "street_office"},
]


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text if "+" in text else text + "+08:00")


def make_order(*events: dict[str, Any], **fields: Any) -> WorkOrder:
    record: dict[str, Any] = {
        "id": "T1",
        "channel": "12345",
        "category": "投诉",
        "received_at": "2024-05-06T09:00:00+08:00",
        "units": UNITS,
        "events": [{**e, "at": e["at"] if "+" in e["at"] else e["at"] + "+08:00"} for e in events],
    }
    record.update(fields)
    return WorkOrder.model_validate(record)


def dispatched(when: str, to: str = "c07") -> dict[str, Any]:
    return {"type": "dispatched", "at": when, "unit": "ctr", "to_unit": to}


def same_complaint(*days: str) -> list[WorkOrder]:
    """Orders of one complainant (p1) on one issue (road-12), one received on each day."""
    return [
        make_order(
            dispatched(f"{day}T10:00"),
            id=f"R{k}",
            complainant="p1",
            issue="road-12",
            received_at=f"{day}T09:00:00+08:00",
        )
        for k, day in enumerate(days)
    ]


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every session id the adapter closes during the test."""
    seen: list[str] = []
    close = DurableAdapter._close

    def recording_close(
        self: DurableAdapter, ruleset: CompiledRuleset, session: str, pending: Any
    ) -> None:
        seen.append(session)
        close(self, ruleset, session, pending)

    monkeypatch.setattr(DurableAdapter, "_close", recording_close)
    return seen


@pytest.fixture(scope="session")
def demo() -> Pack:
    return load_pack(HERE / "packs" / "demo")
