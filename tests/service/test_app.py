"""Every endpoint and every error of the service, over HTTP on 127.0.0.1.

Each application (its packs, its limits, its token) is a module-scoped fixture: started
once, when a test first asks for it, on a real uvicorn server on 127.0.0.1
(``tests.service.loopback.served_client``); the tests talk to it with httpx.
"""

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from grievance_rules.engine import RepeatIndex, evaluate, evaluate_many
from grievance_rules.model import WorkOrder, instant_text
from grievance_rules.operations import watch
from grievance_rules.packs import find_pack
from grievance_rules.reading import read_orders
from grievance_rules.reading.problems import zone_option_named
from grievance_rules.reading.results import SourceLocation
from grievance_rules.service import Limits, create_app
from grievance_rules.service.inputs import record_result
from tests.service.loopback import served_client

SAMPLES = "src/grievance_rules/samples/orders.jsonl"
AS_OF = "2026-03-03T08:00:00+08:00"


@pytest.fixture(scope="module")
def orders() -> list[WorkOrder]:
    return list(read_orders(SAMPLES).orders)


@pytest.fixture(scope="module")
def records(orders: list[WorkOrder]) -> list[dict[str, Any]]:
    return [json.loads(o.model_dump_json()) for o in orders]


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with served_client(create_app(["chengdong", "daye", "xiayang"])) as served:
        yield served


@pytest.fixture(scope="module")
def guarded() -> Iterator[httpx.Client]:
    """daye only, every /v1 request needing the token ``s3cret``."""
    with served_client(create_app(["daye"], token="s3cret")) as served:
        yield served


@pytest.fixture(scope="module")
def small() -> Iterator[httpx.Client]:
    """daye only, bodies up to 2,000 bytes and batches up to 2 orders."""
    limits = Limits(max_body_bytes=2_000, max_batch=2)
    with served_client(create_app(["daye"], limits=limits)) as served:
        yield served


@pytest.fixture(scope="module")
def short_lines() -> Iterator[httpx.Client]:
    """daye only, bodies (and a stream's lines) up to 1,500 bytes."""
    with served_client(create_app(["daye"], limits=Limits(max_body_bytes=1_500))) as served:
        yield served


def test_healthz_and_packs(client: httpx.Client) -> None:
    assert client.get("/healthz").json()["packs"] == ["chengdong", "daye", "xiayang"]
    listed = client.get("/v1/packs").json()
    assert [p["key"] for p in listed] == ["chengdong@2024", "daye@2023-05-19", "xiayang@2022-06-08"]
    detail = client.get("/v1/packs/daye").json()
    pack = find_pack("daye")
    assert [r["id"] for r in detail["rules"]] == [r.id for r in pack.rules]
    assert detail["rules"][0]["citation"]["source"] == pack.rules[0].citation.source
    assert set(detail["parameters"]) == set(pack.parameters)
    assert detail["manifest"]["notify"]["roles"] == {
        "yellow": "leader_in_charge",
        "red": "main_leader",
    }
    readme = client.get("/v1/packs/daye/readme")
    assert readme.headers["content-type"].startswith("text/markdown")
    assert readme.text == (pack.directory / "README.md").read_text(encoding="utf-8")


def test_unknown_pack_is_404(client: httpx.Client, records: list[dict[str, Any]]) -> None:
    for response in (
        client.get("/v1/packs/nowhere?lang=en"),
        client.get("/v1/packs/nowhere/readme?lang=en"),
        client.post("/v1/evaluate?pack=nowhere&lang=en", json=records[0]),
    ):
        assert response.status_code == 404
        assert "unknown pack 'nowhere'" in response.json()["error"]
    # in Chinese by default
    response = client.get("/v1/packs/nowhere")
    assert response.status_code == 404
    assert response.json()["error"] == "未知规则包 'nowhere'；本服务提供：chengdong、daye、xiayang"


def test_evaluate_one_order_is_the_library_json_byte_for_byte(
    client: httpx.Client, orders: list[WorkOrder], records: list[dict[str, Any]]
) -> None:
    as_of = dt.datetime.fromisoformat(AS_OF)
    for name in ("chengdong", "daye", "xiayang"):
        for o, record in zip(orders, records, strict=True):
            response = client.post(
                f"/v1/evaluate?pack={name}&as_of={AS_OF.replace('+', '%2B')}&lang=en", json=record
            )
            if o.received_at > as_of:  # not yet received then: refused, as the library does
                assert response.status_code == 422
                assert response.json()["error"] == "1 of 1 record cannot be assessed"
                (rejection,) = response.json()["rejections"]
                assert rejection["problems"] == [
                    {
                        "field": "received_at",
                        "problem": f"order {o.id}: received_at {instant_text(o.received_at)} is "
                        "after the assessment instant (as_of) 2026-03-03T08:00:00+08:00: the "
                        "order was not yet received then",
                        "code": "not_yet_received",
                    }
                ]
                continue
            assert response.status_code == 200
            assert (
                response.content == evaluate(o, find_pack(name), as_of).model_dump_json().encode()
            )
        # no as_of: the order's last recorded instant, as in the library
        response = client.post(f"/v1/evaluate?pack={name}", json=records[0])
        assert response.content == evaluate(orders[0], find_pack(name)).model_dump_json().encode()


def test_evaluate_a_batch_keeps_input_order(
    client: httpx.Client, orders: list[WorkOrder], records: list[dict[str, Any]]
) -> None:
    response = client.post("/v1/evaluate?pack=daye&lang=en", json=records[::-1])
    assert response.status_code == 200
    assert response.headers["content-language"] == "en"
    # as the library assesses a batch (and the command line a file): daye's repeat
    # rules count among the batch's orders
    batch = orders[::-1]
    repeats = RepeatIndex.from_orders(batch)
    expected = [
        r.assessment.model_dump_json()
        for r in evaluate_many(batch, "daye", repeats=repeats)
        if r.assessment is not None
    ]
    assert len(expected) == len(batch)
    assert response.content == ("[" + ",".join(expected) + "]").encode()


def test_a_bad_record_is_422_naming_record_field_and_problem(
    client: httpx.Client, records: list[dict[str, Any]]
) -> None:
    bad = {**records[1], "category": "抱怨"}
    response = client.post("/v1/evaluate?pack=daye", json=[records[0], bad, 7])
    assert response.status_code == 422
    body = response.json()
    assert (body["inputs"], body["assessed"], body["rejected"]) == (3, 1, 2)
    assert body["inputs"] == body["assessed"] + body["rejected"]
    # the valid record is assessed, byte for byte as the library would (a batch of the
    # valid orders, daye's repeat rules counted among them)
    valid = [WorkOrder.model_validate(records[0])]
    (assessment,) = evaluate_many(valid, "daye", repeats=RepeatIndex.from_orders(valid))
    assert assessment.assessment is not None
    expected = assessment.assessment.model_dump_json()
    assert response.content.endswith(b',"assessments":[' + expected.encode() + b"]}")
    first, second = body["rejections"]
    assert (first["record"], first["order_id"]) == (1, records[1]["id"])
    assert first["problems"][0]["field"] == "category"
    assert "抱怨" in first["problems"][0]["problem"]
    assert second["record"] == 2
    # one order alone: the same answer, for a batch of one
    alone = client.post("/v1/evaluate?pack=daye", json=bad).json()
    assert (alone["inputs"], alone["assessed"], alone["rejected"]) == (1, 0, 1)
    assert alone["rejections"][0]["problems"][0]["field"] == "category"
    assert alone["assessments"] == []


def test_bad_json_bad_query_and_bad_shape(client: httpx.Client) -> None:
    response = client.post("/v1/evaluate?pack=daye&lang=en", content=b"{not json")
    assert response.status_code == 400
    assert response.json()["error"] == (
        "body is not JSON: a property name in double quotes was expected at line 1, column 2"
    )
    response = client.post("/v1/evaluate?pack=daye", content=b"{not json")
    assert response.json()["error"] == "请求体不是 JSON：第 1 行第 2 列处应为带双引号的属性名"
    # a number longer than Python reads (4300 digits) is named, not its English error
    response = client.post("/v1/score?pack=daye", content=b"[" + b"1" * 5000 + b"]")
    assert response.status_code == 400
    assert response.json()["error"] == "请求体不是本服务可读的 JSON：有超过 4300 位的数字"
    assert client.post("/v1/evaluate?pack=daye", content=b'"text"').status_code == 400
    response = client.post("/v1/evaluate?pack=daye&as_of=2026-03-03T08:00&lang=en", json={})
    assert response.status_code == 422
    assert "no UTC offset" in response.json()["error"]
    assert client.post("/v1/evaluate?pack=daye&lang=fr", json={}).status_code == 422
    # several packs and none named
    assert client.post("/v1/evaluate", json={}).status_code == 422


def test_limits_are_413(small: httpx.Client, records: list[dict[str, Any]]) -> None:
    response = small.post("/v1/evaluate?lang=en", json=records[:1] * 30)
    assert response.status_code == 413
    assert "over the limit" in response.json()["error"]
    response = small.post("/v1/evaluate?lang=en", json=[{"id": "x"}] * 3)
    assert response.status_code == 413
    assert "batch of 3" in response.json()["error"]
    response = small.post("/v1/evaluate", json=[{"id": "x"}] * 3)
    assert response.json()["error"] == "一批 3 件工单，超过上限 2 件"
    # one pack served: pack may be left out
    assert small.post("/v1/evaluate", json=records[0]).status_code == 200


def test_token(guarded: httpx.Client, records: list[dict[str, Any]]) -> None:
    assert guarded.get("/healthz").status_code == 200
    assert guarded.get("/v1/packs").status_code == 401
    assert guarded.get("/v1/packs", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert guarded.get("/v1/packs", headers={"Authorization": "Basic s3cret"}).status_code == 401
    ok = guarded.post("/v1/evaluate", json=records[0], headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200


def test_stream_answers_line_by_line(
    client: httpx.Client, orders: list[WorkOrder], records: list[dict[str, Any]]
) -> None:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    lines.insert(2, "{not json")
    body = ("\n".join(lines) + "\n").encode()
    response = client.post("/v1/evaluate/stream?pack=xiayang", content=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    out = response.content.decode().splitlines()
    expected = [evaluate(o, "xiayang").model_dump_json() for o in orders]
    assert out[:2] == expected[:2]
    assert json.loads(out[2])["rejected"]["record"] == 2
    assert out[3:-1] == expected[2:]
    assert json.loads(out[-1]) == {
        "counts": {"inputs": len(lines), "assessed": len(orders), "rejected": 1}
    }


def test_watch_score_compare(
    client: httpx.Client, orders: list[WorkOrder], records: list[dict[str, Any]]
) -> None:
    from grievance_rules.scoring import compare, score

    as_of = dt.datetime.fromisoformat(AS_OF)
    response = client.post(
        f"/v1/watch?pack=daye&as_of={AS_OF.replace('+', '%2B')}&within_hours=48", json=records
    )
    assert response.status_code == 200
    listed = watch(orders, "daye", as_of, within=dt.timedelta(hours=48))
    body = response.json()
    assert body["items"] == json.loads(listed.model_dump_json())["items"]
    assert body["summary"] == [json.loads(s.model_dump_json()) for s in listed.summary()]
    assert client.post("/v1/watch?pack=daye", json=records).status_code == 422  # no as_of
    # a date alone is 00:00 Shanghai, as on the command line
    by_date = client.post("/v1/watch?pack=daye&as_of=2026-03-03", json=records).json()
    midnight = dt.datetime(2026, 3, 3, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert (
        by_date["items"] == json.loads(watch(orders, "daye", midnight).model_dump_json())["items"]
    )
    assert client.post("/v1/score?pack=daye&period=fortnight", json=records).status_code == 422
    # daye's repeat rules counted among the request's orders, as the command line does
    repeats = RepeatIndex.from_orders(orders)
    response = client.post("/v1/score?pack=daye", json={"orders": records})
    assert response.content == score(orders, "daye", repeats=repeats).model_dump_json().encode()
    response = client.post("/v1/compare?packs=chengdong,daye", json=records)
    expected = compare(orders, ["chengdong", "daye"], repeats=repeats)
    assert response.content == expected.model_dump_json().encode()
    assert client.post("/v1/compare?packs=daye", json=records).status_code == 422
    refused = client.post("/v1/score?pack=daye", json=[records[0], {"id": 1}]).json()
    assert (refused["inputs"], refused["valid"], refused["rejected"]) == (2, 1, 1)
    # a valid order the engine will not assess, or a second record of an id, refuses the
    # batch too (nothing computed), named by field and code as on /v1/evaluate
    later = next(r for r, o in zip(records, orders, strict=True) if o.received_at > as_of)
    for endpoint in ("score?pack=daye", "compare?packs=chengdong,daye"):
        answer = client.post(
            f"/v1/{endpoint}&as_of={AS_OF.replace('+', '%2B')}&lang=en",
            json=[records[0], later, records[0]],
        )
        assert answer.status_code == 422
        body = answer.json()
        assert body["error"] == "2 of 3 records cannot be assessed; nothing computed"
        assert (body["inputs"], body["valid"], body["rejected"]) == (3, 1, 2)
        assert [(r["record"], r["problems"][0]["field"], r["problems"][0]["code"])
                for r in body["rejections"]] == [
            (1, "received_at", "not_yet_received"),
            (2, "id", "duplicate_id"),
        ]  # fmt: skip


def test_calendar(client: httpx.Client) -> None:
    # 2024-06-10 is 端午节; 2024-06-07 is a Friday: 1 working day on is Tuesday 11 June
    day = client.get("/v1/calendar/is-workday?date=2024-06-10&pack=daye").json()
    assert (day["is_working_day"], day["kind"]) == (False, "holiday")
    added = client.get("/v1/calendar/add?date=2024-06-07&days=1&pack=daye").json()
    assert added["result"] == "2024-06-11"
    # (7 June, 14 June]: 11, 12, 13, 14 June
    assert (
        client.get("/v1/calendar/between?start=2024-06-07&end=2024-06-14&pack=daye").json()[
            "working_days"
        ]
        == 4
    )
    explained = client.get(
        "/v1/calendar/explain",
        params={"start": "2024-06-07T09:00:00+08:00", "duration": "2 working days", "pack": "daye"},
    )
    assert explained.status_code == 200
    # 14 h of office time: Fri 7 h, Tue 11 June 7 h -> 17:30
    assert explained.json()["due"] == "2024-06-11T17:30:00+08:00"
    assert client.get("/v1/calendar/is-workday?date=june&pack=daye").status_code == 422
    bad = client.get("/v1/calendar/add?date=2024-06-07&days=abc&pack=daye")
    assert bad.status_code == 422
    assert bad.json()["problems"][0]["field"] == "days"
    for query in ("convention=bogus", "half_day=bogus", "duration=nonsense"):
        params = {"start": "2024-06-07T09:00:00+08:00", "duration": "1 day", "pack": "daye"}
        key, value = query.split("=")
        params[key] = value
        refused = client.get("/v1/calendar/explain", params=params)
        assert refused.status_code == 422, query
        assert refused.json()["error"]


def test_schemas_and_openapi(client: httpx.Client) -> None:
    order_schema = client.get("/v1/schema/order").json()
    assert "received_at" in order_schema["properties"]
    pack_schema = client.get("/v1/schema/pack").json()
    assert set(pack_schema) == {"pack.yaml", "rules/*.yaml", "parameters.yaml"}
    spec = client.get("/openapi.json").json()
    for path in (
        "/v1/evaluate",
        "/v1/evaluate/stream",
        "/v1/watch",
        "/v1/score",
        "/v1/compare",
        "/v1/packs",
        "/v1/packs/{name}",
        "/v1/packs/{name}/readme",
        "/v1/calendar/is-workday",
        "/v1/calendar/add",
        "/v1/calendar/between",
        "/v1/calendar/explain",
        "/v1/schema/order",
        "/v1/schema/pack",
        "/healthz",
    ):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 200


def test_requests_read_no_files(
    client: httpx.Client, records: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins
    import pathlib

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"file opened: {args[:1]}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(pathlib.Path, "open", refuse)
    monkeypatch.setattr(pathlib.Path, "read_text", refuse)
    monkeypatch.setattr(pathlib.Path, "read_bytes", refuse)
    assert client.post("/v1/evaluate?pack=daye", json=records[0]).status_code == 200
    assert client.get("/v1/packs/daye/readme").status_code == 200
    assert client.get("/v1/packs/daye").status_code == 200


# -- what a platform may send by mistake (found by a smoke run over HTTP) -----------------


def _wide(record: dict[str, Any], order_id: str) -> dict[str, Any]:
    """The record under another id, its first event with a ``round`` set wider than 64 bits."""
    events = [dict(e) for e in record["events"]]
    first = next(e for e in events if isinstance(e.get("round"), int))
    first["round"] = 2**64
    return {**record, "id": order_id, "events": events}


def test_out_of_range_instants_and_horizons_are_422_not_500(
    client: httpx.Client, records: list[dict[str, Any]]
) -> None:
    # a bare date too: it skipped the check, and came back as every record rejected
    # (as_of 1800-01-01T00:00:00+08:05:43) or, on the stream, a 200
    dates = ("as_of=1800-01-01", "as_of=2300-01-01")
    for query in ("as_of=9999-12-31T23:59:59-08:00", "as_of=0001-01-01T00:00:00%2B08:00", *dates):
        for path in ("/v1/evaluate?pack=daye", "/v1/score?pack=daye", "/v1/watch?pack=daye"):
            response = client.post(f"{path}&{query}&lang=en", json=[records[0]])
            assert response.status_code == 422, (path, query)
            assert "as_of: '" in response.json()["error"]
            assert "is outside the years 1900-2199" in response.json()["error"]
    response = client.post(
        "/v1/evaluate?pack=daye&as_of=9999-12-31T23:59:59-08:00", json=records[0]
    )
    assert response.json()["error"] == "as_of：'9999-12-31T23:59:59-08:00' 不在1900年至2199年之间"
    for hours in ("inf", "1e300", "1e9"):
        response = client.post(
            f"/v1/watch?pack=daye&as_of=2026-03-02T13:00:00%2B08:00&within_hours={hours}&lang=en",
            json=[records[0]],
        )
        assert response.status_code == 422, hours
        assert response.json()["error"].startswith("within_hours: ")
    response = client.post(  # it said "nan reaches past 2199"
        "/v1/watch?pack=daye&as_of=2026-03-02T13:00:00%2B08:00&within_hours=nan&lang=en",
        json=[records[0]],
    )
    assert response.json()["error"] == "within_hours: must be a number of hours"
    response = client.get(
        "/v1/calendar/explain?start=2024-06-07T09:00:00%2B08:00"
        "&duration=99999999999%20working%20days&pack=daye&lang=en"
    )
    assert response.status_code == 422
    assert response.json()["error"] == "the result is past the calendar's end 2060-12-31"


def test_a_body_nested_too_deeply_is_400(client: httpx.Client) -> None:
    response = client.post(
        "/v1/evaluate?pack=daye&lang=en", content=b"[" * 100_000 + b"]" * 100_000
    )
    assert response.status_code == 400
    assert response.json()["error"] == "body is not JSON this service reads: nested too deeply"


def test_a_broken_character_in_a_record_is_named_not_lost(
    client: httpx.Client, records: list[dict[str, Any]]
) -> None:
    # "\ud800" is a lone surrogate: valid JSON text, no valid Unicode character
    body = json.dumps([{**records[0], "id": "\ud800"}, records[1]]).encode()
    response = client.post("/v1/evaluate?pack=daye&lang=en", content=body)
    assert response.status_code == 422
    answer = json.loads(response.content.decode("utf-8"))  # valid UTF-8, valid JSON
    assert (answer["inputs"], answer["assessed"], answer["rejected"]) == (2, 1, 1)
    (rejection,) = answer["rejections"]
    assert (rejection["record"], rejection["order_id"]) == (0, "\ud800")
    assert [(p["field"], p["code"]) for p in rejection["problems"]] == [("id", "string_unicode")]


def test_an_order_the_engine_refuses_is_rejected_alone(
    client: httpx.Client, records: list[dict[str, Any]]
) -> None:
    wide = _wide(records[1], "WIDE-1")
    batch = [records[0], wide, records[2]]
    response = client.post("/v1/evaluate?pack=daye&lang=en", json=batch)
    assert response.status_code == 422
    answer = response.json()
    assert (answer["inputs"], answer["assessed"], answer["rejected"]) == (3, 2, 1)
    (rejection,) = answer["rejections"]
    assert (rejection["record"], rejection["order_id"]) == (1, "WIDE-1")
    assert rejection["problems"][0]["code"] == "integer_range"
    assert str(2**64) in rejection["problems"][0]["problem"]
    # the field named as the record has it (it was "": the engine's "fact 5" alone)
    index = next(n for n, e in enumerate(wide["events"]) if e.get("round") == 2**64)
    assert rejection["problems"][0]["field"] == f"events[{index}].round"
    assert [a["order_id"] for a in answer["assessments"]] == [records[0]["id"], records[2]["id"]]
    # the stream: an answer per line, the refused one named, then the counts
    lines = "\n".join(json.dumps(r) for r in batch).encode()
    streamed = client.post("/v1/evaluate/stream?pack=daye&lang=en", content=lines)
    answers = [json.loads(line) for line in streamed.text.splitlines()]
    assert [
        sorted(a)[0] if "rejected" in a or "counts" in a else a["order_id"] for a in answers
    ] == [
        records[0]["id"],
        "rejected",
        records[2]["id"],
        "counts",
    ]
    assert answers[1]["rejected"]["record"] == 1
    assert answers[-1]["counts"] == {"inputs": 3, "assessed": 2, "rejected": 1}
    # the watch list needs the whole batch: nothing computed, the record named (as of
    # an instant after the event: the engine reads only the events up to as_of)
    response = client.post(
        "/v1/watch?pack=daye&as_of=2026-03-10T09:00:00%2B08:00&lang=en", json=batch
    )
    assert response.status_code == 422
    assert [(r["record"], r["order_id"]) for r in response.json()["rejections"]] == [(1, "WIDE-1")]


def test_repeat_rules_count_among_the_requests_orders_as_on_the_command_line(
    client: httpx.Client, records: list[dict[str, Any]]
) -> None:
    # 大冶 （十二） 五是现场督办: 「一个月内1名诉求人反映同一问题3次(含)以上」, read as the
    # calendar month of the receipt, counted up to the order. One complainant's three
    # orders on one issue, received a minute apart: the third is the third of the
    # month (the rule fires on it alone); the first two are the first and second.
    base = records[0]
    received = dt.datetime.fromisoformat(base["received_at"])
    assert received.day < 28
    assert all(
        dt.datetime.fromisoformat(e["at"]) > received + dt.timedelta(minutes=2)
        for e in base["events"]
    )
    same = [
        {
            **base,
            "id": f"R{k}",
            "complainant": "P-same",
            "issue": "I-same",
            "received_at": (received + dt.timedelta(minutes=k)).isoformat(),
        }
        for k in range(3)
    ]
    response = client.post("/v1/evaluate?pack=daye", json=same)
    assert response.status_code == 200
    fired = [
        [e["rule_id"] for e in a["escalations"] if e["rule_id"] == "DY-12.on-site-one-complainant"]
        for a in response.json()
    ]
    assert fired == [[], [], ["DY-12.on-site-one-complainant"]]
    # a second record of an id is rejected, as by the command line
    response = client.post("/v1/evaluate?pack=daye&lang=en", json=[same[0], same[0]])
    answer = response.json()
    assert (answer["assessed"], answer["rejected"]) == (1, 1)
    problem = answer["rejections"][0]["problems"][0]
    assert (problem["field"], problem["code"]) == ("id", "duplicate_id")
    assert problem["problem"] == "id: duplicate order id 'R0' (first at #0)"


def test_a_bad_choice_or_a_missing_query_value_is_named_in_the_language(
    client: httpx.Client,
) -> None:
    explain = "/v1/calendar/explain?start=2024-06-07T09:00:00%2B08:00&duration=2%20working%20days"
    response = client.get(f"{explain}&pack=daye&convention=bogus")
    assert response.status_code == 422
    assert response.json()["error"] == (
        "convention：'bogus' 不是以下之一：civil_code、working_time、elapsed"
    )
    response = client.get(f"{explain}&pack=daye&half_day=evening&lang=en")
    assert response.json()["error"] == (
        "half_day: 'evening' is not one of half_minutes, noon_cutoff"
    )
    response = client.get("/v1/calendar/is-workday?pack=daye")
    assert response.status_code == 422
    assert response.json()["problems"] == [{"field": "date", "problem": "必填项缺失"}]


def test_openapi_says_what_the_body_endpoints_take_and_give(guarded: httpx.Client) -> None:
    # the endpoints that read their raw body (evaluate, stream, watch, score, compare) had
    # no request body and empty answers in /openapi.json; a client generator saw nothing
    spec = guarded.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    paths = spec["paths"]
    order = {"$ref": "#/components/schemas/WorkOrder"}
    evaluate_op = paths["/v1/evaluate"]["post"]
    body = evaluate_op["requestBody"]["content"]["application/json"]["schema"]
    assert body["oneOf"][0] == order
    answer = evaluate_op["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["oneOf"][0] == {"$ref": "#/components/schemas/Assessment"}
    stream = paths["/v1/evaluate/stream"]["post"]
    assert list(stream["requestBody"]["content"]) == ["application/x-ndjson"]
    assert list(stream["responses"]["200"]["content"]) == ["application/x-ndjson"]
    readme = paths["/v1/packs/{name}/readme"]["get"]["responses"]["200"]["content"]
    assert list(readme) == ["text/markdown"]
    for path, answer_model in (
        ("/v1/score", "Scorecard"),
        ("/v1/compare", "Comparison"),
    ):
        op = paths[path]["post"]
        content = op["responses"]["200"]["content"]["application/json"]["schema"]
        assert content == {"$ref": f"#/components/schemas/{answer_model}"}
    # every /v1 operation: lang, the refusals in the service's own shape, the token
    for path, item in paths.items():
        for op in item.values():
            if not path.startswith("/v1"):
                continue
            assert "lang" in [p["name"] for p in op["parameters"]], path
            assert op["responses"]["422"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Refusal"
            }
            assert op["security"] == [{"bearer": []}]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    # every reference resolves, and the order schema is the model's own
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    missing = {r for r in refs if r.removeprefix("#/components/schemas/") not in schemas}
    assert missing == set()
    assert set(schemas["WorkOrder"]["required"]) == {
        name for name, field in WorkOrder.model_fields.items() if field.is_required()
    }


def test_openapi_gives_a_clocks_pauses_and_a_warnings_event_type(guarded: httpx.Client) -> None:
    schemas = guarded.get("/openapi.json").json()["components"]["schemas"]
    pauses = schemas["ClockFinding"]["properties"]["pauses"]
    assert pauses["items"] == {"$ref": "#/components/schemas/ClockPause"}
    pause = schemas["ClockPause"]
    assert list(pause["properties"]) == ["begin", "begin_event", "end", "end_event"]
    assert pause["properties"]["begin"] == {
        "format": "date-time", "title": "Begin", "type": "string"
    }  # fmt: skip
    assert set(pause["required"]) == {"begin", "begin_event", "end", "end_event"}
    event_type = schemas["DataWarning"]["properties"]["event_type"]
    assert event_type["anyOf"] == [{"type": "string"}, {"type": "null"}]


def test_language_tags_and_accept_language_choose_the_language(client: httpx.Client) -> None:
    # lang=zh-CN was refused (422) and Accept-Language ignored
    english = "unknown pack 'nowhere'; this service has: chengdong, daye, xiayang"
    chinese = "未知规则包 'nowhere'；本服务提供：chengdong、daye、xiayang"
    for query, headers, expected, tag in (
        ("?lang=zh-CN", {}, chinese, "zh-Hans"),
        ("?lang=zh-Hans", {}, chinese, "zh-Hans"),
        ("?lang=en-US", {}, english, "en"),
        ("", {"Accept-Language": "en-US,en;q=0.9,zh;q=0.8"}, english, "en"),
        ("", {"Accept-Language": "fr, en;q=0.2, zh-CN;q=0.5"}, chinese, "zh-Hans"),
        ("", {"Accept-Language": "fr"}, chinese, "zh-Hans"),
        ("?lang=zh", {"Accept-Language": "en"}, chinese, "zh-Hans"),  # lang wins
    ):
        response = client.get(f"/v1/packs/nowhere{query}", headers=headers)
        assert (response.json()["error"], response.headers["content-language"]) == (
            expected,
            tag,
        ), (query, headers)
    assert client.get("/v1/packs/nowhere?lang=fr").status_code == 422


def test_evaluate_takes_a_batch_wrapped_as_the_other_endpoints_take_it(
    client: httpx.Client, records: list[dict[str, Any]]
) -> None:
    plain = client.post("/v1/evaluate?pack=xiayang", json=records[:3])
    wrapped = client.post("/v1/evaluate?pack=xiayang", json={"orders": records[:3]})
    assert wrapped.status_code == plain.status_code == 200
    assert wrapped.content == plain.content


def test_a_stream_line_over_the_limit_is_rejected_and_the_lines_after_it_answered(
    short_lines: httpx.Client, records: list[dict[str, Any]]
) -> None:
    # (a line was measured only while it was still being received); the stream stopped
    # there with an error line: the lines after it were lost, the counts left them out
    line = json.dumps(records[0]).encode()
    assert len(line) > 1_500
    small = json.dumps({"id": "x1"}).encode()
    body = line + b"\n" + small + b"\n" + line + b"\n" + small
    answer = short_lines.post("/v1/evaluate/stream?pack=daye&lang=en", content=body)
    assert answer.status_code == 200
    answers = [json.loads(text) for text in answer.text.splitlines()]
    over = {"field": "", "problem": "a line over 1500 bytes", "code": "line_too_long"}
    assert answers[0] == {
        "rejected": {"record": 0, "line": 1, "order_id": None, "problems": [over]}
    }
    assert answers[1]["rejected"]["record"] == 1
    assert answers[1]["rejected"]["order_id"] == "x1"
    assert answers[2] == {
        "rejected": {"record": 2, "line": 3, "order_id": None, "problems": [over]}
    }
    assert answers[3]["rejected"]["line"] == 4
    assert answers[4] == {"counts": {"inputs": 4, "assessed": 0, "rejected": 4}}


def test_a_stream_past_the_batch_limit_rejects_each_record_over_it(
    records: list[dict[str, Any]],
) -> None:
    # a 200 with two answers, then {"error": "more than 2 lines; stopped"} and counts of 2
    # inputs, though 5 were sent: three records lost without a word
    with served_client(create_app(["daye"], limits=Limits(max_batch=2))) as served:
        body = "".join(json.dumps(r) + "\n" for r in records[:5]).encode()
        answer = served.post("/v1/evaluate/stream?pack=daye&lang=en", content=body)
    assert answer.status_code == 200
    answers = [json.loads(text) for text in answer.text.splitlines()]
    assert [sorted(a) for a in answers[:2]] != [["rejected"], ["rejected"]]
    over = {
        "field": "",
        "problem": "over the limit of 2 records a request",
        "code": "batch_too_large",
    }
    assert answers[2:5] == [
        {"rejected": {"record": n, "line": n + 1, "order_id": None, "problems": [over]}}
        for n in (2, 3, 4)
    ]
    assert answers[5]["counts"]["inputs"] == 5
    assert answers[5]["counts"]["rejected"] == 3 + sum("rejected" in a for a in answers[:2])


def test_refusals_count_the_records_with_the_noun_in_number(
    client: httpx.Client, orders: list[WorkOrder], records: list[dict[str, Any]]
) -> None:
    as_of = dt.datetime.fromisoformat(AS_OF)
    query = f"as_of={AS_OF.replace('+', '%2B')}"
    later = [r for r, o in zip(records, orders, strict=True) if o.received_at > as_of]
    bad: list[dict[str, Any]] = [{"id": "x1"}, {"id": "x2"}]

    def error(path: str, body: list[dict[str, Any]], lang: str) -> str:
        response = client.post(f"/v1/{path}&{query}&lang={lang}", json=body)
        assert response.status_code == 422
        said: str = response.json()["error"]
        return said

    # not valid orders: the count of the bad ones decides the verb, the batch's its noun
    assert error("evaluate?pack=daye", bad[:1], "en") == "1 of 1 record is not a valid order"
    assert error("evaluate?pack=daye", bad, "en") == "2 of 2 records are not valid orders"
    assert error("evaluate?pack=daye", bad[:1], "zh") == "1 条记录中有 1 条不是有效工单"
    assert error("score?pack=daye", bad[:1], "en") == (
        "1 of 1 record is not a valid order; nothing computed"
    )
    assert error("score?pack=daye", bad, "en") == (
        "2 of 2 records are not valid orders; nothing computed"
    )
    assert error("score?pack=daye", bad[:1], "zh") == "1 条记录中有 1 条不是有效工单；未作任何计算"
    # valid, but not to be assessed then (received after as_of, a second record of an id)
    assert error("evaluate?pack=daye", later[:1], "en") == "1 of 1 record cannot be assessed"
    assert error("evaluate?pack=daye", later[:1] * 2, "en") == "2 of 2 records cannot be assessed"
    assert error("evaluate?pack=daye", later[:1], "zh") == "1 条记录中有 1 条不能测评"
    assert error("score?pack=daye", later[:1], "en") == (
        "1 of 1 record cannot be assessed; nothing computed"
    )
    assert error("score?pack=daye", later[:1] * 2, "en") == (
        "2 of 2 records cannot be assessed; nothing computed"
    )
    assert error("score?pack=daye", later[:1], "zh") == "1 条记录中有 1 条不能测评；未作任何计算"


def test_score_and_compare_refuse_a_batch_with_a_record_the_engine_will_not_assess(
    client: httpx.Client, records: list[dict[str, Any]]
) -> None:
    # as of 2150 one order's clock runs past the calendar (to 2060): the answer was a 200
    # scorecard of the others, its rejection in the library's shape, its text in the
    # request's language; the docs say 422, nothing computed, the record named
    query = "as_of=2150-01-01T00:00:00%2B08:00&lang=en"
    for path in ("/v1/score?pack=daye", "/v1/compare?packs=daye,xiayang"):
        response = client.post(f"{path}&{query}", json=records[:5])
        assert response.status_code == 422, path
        body = response.json()
        assert body["error"].endswith("cannot be assessed; nothing computed")
        assert body["inputs"] == 5
        assert body["valid"] + body["rejected"] == 5
        assert body["rejected"] >= 1
        (first, *_others) = body["rejections"]
        assert isinstance(first["record"], int)
        assert records[first["record"]]["id"] == first["order_id"]
        assert first["problems"][0]["code"] == "not_assessable"
        assert "outside the calendar" in first["problems"][0]["problem"]


def test_liveness_answers_while_a_batch_is_being_assessed(
    records: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the handlers assessed on the event loop: /healthz waited 7.3 s behind a batch of
    # 6,000 orders (a proxy's health check would take the server for dead). Here the
    # assessment (in the same process) holds until /healthz has answered: on the loop,
    # /healthz could never answer, and the batch would time out
    import threading

    from grievance_rules.service import app as service_app
    from tests.service.loopback import http_client, serving

    begun, answered = threading.Event(), threading.Event()
    real = service_app.assessed_json

    def held(*args: Any, **kwargs: Any) -> Any:
        begun.set()
        assert answered.wait(30), "/healthz did not answer while the batch was assessed"
        return real(*args, **kwargs)

    monkeypatch.setattr(service_app, "assessed_json", held)
    outcome: list[int] = []
    with serving(create_app(["daye"])) as port:

        def assess() -> None:
            with http_client(port) as worker:
                outcome.append(worker.post("/v1/evaluate?pack=daye", json=records[:3]).status_code)

        thread = threading.Thread(target=assess)
        thread.start()
        try:
            assert begun.wait(30)
            with http_client(port) as probe:
                assert probe.get("/healthz", timeout=10).status_code == 200
            answered.set()
        finally:
            answered.set()
            thread.join()
    assert outcome == [200]


def test_a_body_declared_as_no_json_is_415_and_unknown_paths_are_said_in_the_language(
    client: httpx.Client, records: list[dict[str, Any]]
) -> None:
    # a form (curl --data without the header) and plain text were assessed as JSON; 404 and
    # 405 came back as Starlette's English words under the default zh
    body = json.dumps(records[0]).encode()
    for declared in ("application/x-www-form-urlencoded", "text/plain"):
        response = client.post(
            "/v1/evaluate?pack=daye&lang=en", content=body, headers={"Content-Type": declared}
        )
        assert response.status_code == 415
        assert response.json()["error"] == (
            f"Content-Type '{declared}' is not JSON: send application/json "
            "(a stream: application/x-ndjson)"
        )
    streamed = client.post(
        "/v1/evaluate/stream?pack=daye", content=body, headers={"Content-Type": "text/csv"}
    )
    assert streamed.status_code == 415
    for declared in ("application/json; charset=utf-8", None):
        headers = {"Content-Type": declared} if declared else {}
        ok = client.post("/v1/evaluate?pack=daye", content=body, headers=headers)
        assert ok.status_code == 200, declared
    assert client.get("/v1/nope").json() == {"error": "没有这个路径：/v1/nope"}
    assert client.get("/v1/nope?lang=en").json() == {"error": "no such path: /v1/nope"}
    refused = client.delete("/v1/evaluate?lang=en")
    assert refused.status_code == 405
    assert refused.json() == {"error": "DELETE is not a method of /v1/evaluate"}
    assert "POST" in refused.headers["allow"]


def test_the_readme_is_in_the_language_asked_for(client: httpx.Client) -> None:
    # ?lang=en gave the Chinese README, labelled en
    from grievance_rules.packs.readme import render_readme

    pack = find_pack("daye")
    english = client.get("/v1/packs/daye/readme?lang=en")
    assert english.text == render_readme(pack, "en")
    assert english.headers["content-language"] == "en"
    assert client.get("/v1/packs/daye/readme").text == render_readme(pack, "zh")


def test_the_contract_says_what_the_endpoints_take() -> None:
    # /v1/evaluate's body omitted {"orders": [...]}, its lang had no values (it declares
    # lang itself), and no endpoint listed 415
    spec = create_app(["daye"]).openapi()
    evaluate_op = spec["paths"]["/v1/evaluate"]["post"]
    shapes = evaluate_op["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert {
        "type": "object",
        "properties": {"orders": {"type": "array", "items": shapes[0]}},
        "required": ["orders"],
    } in shapes
    (lang,) = [p for p in evaluate_op["parameters"] if p["name"] == "lang"]
    assert {"zh", "en", "zh-CN", "en-US"} <= set(lang["schema"]["enum"])
    for path, item in spec["paths"].items():
        if path.startswith("/v1") and "post" in item:
            assert "415" in item["post"]["responses"], path


def test_a_naive_timestamp_asks_for_an_offset_not_an_option(
    client: httpx.Client, records: list[dict[str, Any]]
) -> None:
    # a record sent here cannot be given a zone: no --tz (an option of the command line)
    # nor assume_tz (the reader's) is named, whatever the process that serves it
    naive = {**records[0], "received_at": "2024-05-06T09:00:00"}
    expected = (
        "naive timestamp '2024-05-06T09:00:00' has no UTC offset; add one (e.g. +08:00): "
        "no timezone is guessed"
    )
    batch = client.post("/v1/evaluate?pack=daye&lang=en", json=[naive]).json()
    (problem,) = batch["rejections"][0]["problems"]
    assert (problem["field"], problem["code"]) == ("received_at", "timezone_aware")
    assert problem["problem"] == expected
    body = (json.dumps(naive, ensure_ascii=False) + "\n").encode()
    streamed = client.post("/v1/evaluate/stream?pack=daye&lang=en", content=body)
    line = json.loads(streamed.content.decode().splitlines()[0])
    assert line["rejected"]["problems"][0]["problem"] == expected
    # as `grievance-rules serve` runs it: in the command line's context, which names --tz
    with zone_option_named("--tz"):
        result = record_result(naive, SourceLocation("<body>", 1))
    assert not result.ok
    assert "--tz" not in str(result.problems[0])
