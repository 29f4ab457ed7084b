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
    # the orders received by as_of (a later one is refused: it did not exist then)
    orders = [o for o in generate_orders(240, seed=16) if o.received_at <= as_of]
    assert len(orders) > 100
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


@pytest.mark.slow
def test_the_stream_answers_a_line_before_the_body_has_ended() -> None:
    """JSON Lines out while JSON Lines still come in: the body is never held whole."""
    import socket

    order = next(iter(generate_orders(1, seed=3)))
    line = order.model_dump_json().encode() + b"\n"
    expected = evaluate(order, find_pack("daye")).model_dump_json().encode()
    again = order.model_copy(
        update={"id": f"{order.id}-2"}
    )  # (a second record of an id is refused)
    line2 = again.model_dump_json().encode() + b"\n"
    expected2 = evaluate(again, find_pack("daye")).model_dump_json().encode()
    with running_server() as port, socket.create_connection(("127.0.0.1", port), 30) as sock:
        sock.sendall(
            b"POST /v1/evaluate/stream?pack=daye HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        sock.sendall(b"%x\r\n%s\r\n" % (len(line), line))
        received = b""
        while expected not in received:  # the answer to line 1, with the body still open
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
        sock.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(line2), line2))
        while b'"counts"' not in received:
            chunk = sock.recv(65536)
            assert chunk, received
            received += chunk
    assert received.count(expected) == 1
    assert received.count(expected2) == 1
    assert b'{"counts": {"inputs": 2, "assessed": 2, "rejected": 0}}' in received
