"""Batches over a real server on 127.0.0.1: the numbers the command line gives."""

import http.client
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from grievance_rules.engine import RepeatIndex
from grievance_rules.model import WorkOrder
from grievance_rules.scoring import compare, score
from tests.service.loopback import running_server

pytestmark = pytest.mark.slow

ONE = "escalation:DY-12.on-site-one-complainant"
MANY = "escalation:DY-12.on-site-many-complainants"


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with running_server("--pack", "chengdong", "--pack", "xiayang", "--pack", "daye") as found:
        yield found


def _post(port: int, path: str, body: bytes, kind: str = "application/json") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": kind})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _order(order_id: str, day: str, hour: int, complainant: str, issue: str) -> dict[str, Any]:
    """A 投诉 handled within the day by 东风社区 (c07): signed, contacted, replied, closed."""

    def at(hours: int, minutes: int = 0) -> str:
        return f"2024-{day}T{hour + hours:02d}:{minutes:02d}:00+08:00"

    return {
        "id": order_id,
        "channel": "12345",
        "category": "投诉",
        "received_at": at(0),
        "complainant": complainant,
        "issue": issue,
        "units": [
            {"id": "ctr", "kind": "dispatch_centre"},
            {"id": "c07", "kind": "village_community"},
        ],
        "events": [
            {"type": "dispatched", "at": at(0, 20), "unit": "ctr", "to_unit": "c07"},
            {"type": "signed_for", "at": at(0, 40), "unit": "c07"},
            {"type": "first_contact", "at": at(1), "unit": "c07", "method": "phone"},
            {"type": "replied", "at": at(3), "unit": "c07"},
            {
                "type": "callback",
                "at": at(4),
                "unit": "ctr",
                "round": 1,
                "process_satisfaction": "satisfied",
                "result_satisfaction": "satisfied",
                "resolved": True,
                "method": "manual",
            },
            {"type": "closed", "at": at(5), "unit": "ctr"},
        ],
    }


# 大冶 （十二）跟踪督办 五是现场督办 (002_cc7cbe507f08239f.txt): 「一个月内1名诉求人反映同一
# 问题3次(含)以上或3名(含)以上诉求人反映同一问题等情形,组织相关部门现场督办」; the pack
# reads 「一个月内」 as a rolling month, the 30 natural days up to the receipt, this order
# included (on_site_within: 30).
REPEATS = [
    # P1 on I1 in May: up to R3 (from 04-20 09:00) three orders, up to R4 four: 3次(含)以上
    _order("R1", "05-06", 9, "P1", "I1"),
    _order("R2", "05-13", 9, "P1", "I1"),
    _order("R3", "05-20", 9, "P1", "I1"),
    _order("R4", "05-27", 9, "P1", "I1"),
    # I2 in May from P2, P3, P4: the third complainant (Q3, window from 04-21) is 3名(含)以上
    _order("Q1", "05-07", 10, "P2", "I2"),
    _order("Q2", "05-14", 10, "P3", "I2"),
    _order("Q3", "05-21", 10, "P4", "I2"),
    # P1 on I1 in June: a new calendar month, but the 30 days up to R5 (from 05-04 09:00)
    # hold R1-R5, five, and up to R6 (from 05-05) R1-R6, six: both 3次(含)以上
    _order("R5", "06-03", 9, "P1", "I1"),
    _order("R6", "06-04", 9, "P1", "I1"),
]


def test_score_and_compare_count_daye_repeats_among_the_batch(port: int) -> None:
    body = json.dumps(REPEATS, ensure_ascii=False).encode()
    status, scored = _post(port, "/v1/score?pack=daye&period=month", body)
    assert status == 200, scored
    card = json.loads(scored)
    on_site: dict[str, Counter[str]] = {}
    for row in card["rows"]:
        counts = on_site.setdefault(row["period"], Counter())
        counts.update({k: v for k, v in row["counts"].items() if "DY-12.on-site" in k})
    assert on_site == {"2024-05": Counter({ONE: 2, MANY: 1}), "2024-06": Counter({ONE: 2})}
    # every order is handled within the day, contacted first and closed: the five
    # 现场督办 are daye's only escalations
    status, answer = _post(port, "/v1/compare?packs=chengdong,xiayang,daye", body)
    assert status == 200, answer
    outcomes = {o["pack"]: o for o in json.loads(answer)["outcomes"]}
    assert outcomes["daye@2023-05-19"]["escalations"] == 5
    # and the same bytes as the library given the batch's repeat index (as the CLI does)
    orders = [WorkOrder.model_validate(r) for r in REPEATS]
    index = RepeatIndex.from_orders(orders)
    assert scored == score(orders, "daye", period="month", repeats=index).model_dump_json().encode()
    expected = compare(orders, ["chengdong", "xiayang", "daye"], repeats=index)
    assert answer == expected.model_dump_json().encode()


def test_the_stream_rejects_a_second_record_of_an_id_naming_record_and_line(port: int) -> None:
    first, second = (json.dumps(r, ensure_ascii=False) for r in REPEATS[:2])
    # line 1 R1, line 2 blank, line 3 not JSON, line 4 R1 again, line 5 R2
    body = "\n".join([first, "", "not json", first, second]).encode()
    for lang, problem in (
        ("en", "id: duplicate order id 'R1' (first at #0)"),
        ("zh", "id：工单编号 'R1' 重复（首次出现于 #0）"),
    ):
        status, answer = _post(
            port, f"/v1/evaluate/stream?pack=daye&lang={lang}", body, "application/x-ndjson"
        )
        assert status == 200, answer
        lines = [json.loads(line) for line in answer.decode().splitlines()]
        assert len(lines) == 5
        assert [lines[0]["order_id"], lines[3]["order_id"]] == ["R1", "R2"]
        broken = lines[1]["rejected"]
        assert (broken["record"], broken["line"], broken["order_id"]) == (1, 3, None)
        assert broken["problems"][0]["code"] == "json_invalid"
        assert lines[2] == {
            "rejected": {
                "record": 2,
                "line": 4,
                "order_id": "R1",
                "problems": [{"field": "id", "problem": problem, "code": "duplicate_id"}],
            }
        }
        assert lines[4] == {"counts": {"inputs": 4, "assessed": 2, "rejected": 2}}


@pytest.mark.parametrize(
    ("raw", "zh", "en"),
    [
        # the tester's body: a value missing after "id": (char 7, the 8th column)
        (
            b'{"id": }',
            "请求体不是 JSON：第 1 行第 8 列处应为一个值",
            "body is not JSON: a value was expected at line 1, column 8",
        ),
        # line 2 is '  {"id": "中' and a broken character: two spaces, 8 characters, 中
        (
            b'[\n  {"id": "\xe4\xb8\xad\xe6"}]',
            "请求体不是 JSON：第 2 行第 12 列处有不是 UTF-8 编码的字节",
            "body is not JSON: a byte that is not UTF-8 at line 2, column 12",
        ),
        (
            b'[{"id": "A"}\n{"id": "B"}]',
            "请求体不是 JSON：第 2 行第 1 列处应为逗号 ','",
            "body is not JSON: ',' was expected at line 2, column 1",
        ),
    ],
)
def test_a_body_that_is_not_json_is_400_naming_line_and_column_in_the_language(
    port: int, raw: bytes, zh: str, en: str
) -> None:
    for lang, expected in (("zh", zh), ("en", en)):
        status, answer = _post(port, f"/v1/evaluate?pack=daye&lang={lang}", raw)
        assert status == 400
        assert json.loads(answer) == {"error": expected}
