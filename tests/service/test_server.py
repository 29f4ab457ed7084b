"""A real uvicorn server on 127.0.0.1, hit by a bounded load: 0 errors, every answer exact."""

import datetime as dt
from pathlib import Path

import pytest

from grievance_rules.engine import evaluate
from grievance_rules.packs import find_pack
from grievance_rules.samples import generate_orders
from tests.service.loopback import run_load, running_server

AS_OF = "2025-07-01T08:00:00+08:00"


@pytest.mark.slow
def test_two_thousand_requests_from_sixteen_clients(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("load-test-token\n", encoding="utf-8")
    as_of = dt.datetime.fromisoformat(AS_OF)
    orders = list(generate_orders(120, seed=16))
    cases = []
    for name in ("chengdong", "daye", "xiayang"):
        pack = find_pack(name)
        for order in orders:
            expected = evaluate(order, pack, as_of).model_dump_json().encode()
            path = f"/v1/evaluate?pack={name}&as_of={AS_OF.replace('+', '%2B')}"
            cases.append((path, order.model_dump_json().encode(), expected))
    with running_server(token_file=token) as port:
        refused = run_load(port, cases[:1], total=1, clients=1)
        assert refused.errors
        assert "HTTP 401" in refused.errors[0]
        result = run_load(
            port,
            cases,
            total=2_000,
            clients=16,
            headers={"Authorization": "Bearer load-test-token"},
        )
    assert result.errors == []
    assert result.requests == 2_000
    assert result.mismatches == 0
