"""The service's messages in the language each request asks for, over a real server.

The expected Chinese is written by hand from the catalogue's intent (the reader's
"必填项缺失" for a missing field, as the command line prints it), never produced by
the code under test.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from grievance_rules.engine import evaluate
from grievance_rules.samples import generate_orders
from tests.service.loopback import running_server, served_client

BAD = json.dumps({"id": "x"}).encode()


def _post(port: int, path: str, body: bytes, token: str | None = None) -> tuple[int, Any, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    connection.request("POST" if body else "GET", path, body=body or None, headers=headers)
    response = connection.getresponse()
    raw = response.read()
    language = response.getheader("Content-Language") or ""
    connection.close()
    return response.status, raw, language


@pytest.mark.slow
def test_each_request_s_messages_are_in_its_own_language(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("t0ken\n", encoding="utf-8")
    order = next(iter(generate_orders(1, seed=4)))
    good = order.model_dump_json().encode()
    expected = evaluate(order, "daye").model_dump_json().encode()
    batch = b"[" + good + b"," + BAD + b"]"
    with running_server(token_file=token) as port:
        # a rejected record: the error and the problems in Chinese by default
        status, raw, language = _post(port, "/v1/evaluate?pack=daye", BAD, "t0ken")
        body = json.loads(raw)
        assert (status, language) == (422, "zh-Hans")
        assert body["error"] == "1 条记录中有 1 条不是有效工单"
        assert [p["problem"] for p in body["rejections"][0]["problems"]] == ["必填项缺失"] * 3
        # and in English with lang=en
        status, raw, language = _post(port, "/v1/evaluate?pack=daye&lang=en", BAD, "t0ken")
        body = json.loads(raw)
        assert (status, language) == (422, "en")
        assert body["error"] == "1 of 1 record is not a valid order"
        assert [p["problem"] for p in body["rejections"][0]["problems"]] == ["field required"] * 3
        # an assessment is the same bytes in both
        for lang in ("zh", "en"):
            status, raw, language = _post(
                port, f"/v1/evaluate?pack=daye&lang={lang}", good, "t0ken"
            )
            assert (status, raw) == (200, expected)
            assert language == ("zh-Hans" if lang == "zh" else "en")
        # an endpoint that needs the whole batch, and the token refused, in both
        status, raw, _language = _post(port, "/v1/score?pack=daye", batch, "t0ken")
        assert status == 422
        assert json.loads(raw)["error"] == "2 条记录中有 1 条不是有效工单；未作任何计算"
        status, raw, _language = _post(port, "/v1/score?pack=daye&lang=en", batch, "t0ken")
        assert json.loads(raw)["error"] == "1 of 2 records is not a valid order; nothing computed"
        assert json.loads(_post(port, "/v1/packs", b"", "wrong")[1]) == {
            "error": "缺少令牌或令牌错误"
        }
        assert json.loads(_post(port, "/v1/packs?lang=en", b"", "wrong")[1]) == {
            "error": "missing or wrong bearer token"
        }
        # a language the service does not speak: refused on any /v1 path, in Chinese
        status, raw, _language = _post(port, "/v1/packs?lang=fr", b"", "t0ken")
        assert (status, json.loads(raw)) == (422, {"error": "lang：'fr' 不是 zh 或 en"})

        # requests in the two languages at once: each answered in its own
        def one(k: int) -> tuple[str, str, str]:
            lang = ("zh", "en")[k % 2]
            status, raw, language = _post(
                port, f"/v1/evaluate?pack=daye&lang={lang}", batch, "t0ken"
            )
            assert status == 422
            return lang, language, json.loads(raw)["error"]

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(one, range(64)))
    wanted = {
        "zh": ("zh-Hans", "2 条记录中有 1 条不是有效工单"),
        "en": ("en", "1 of 2 records is not a valid order"),
    }
    assert [(language, error) for lang, language, error in answers] == [
        wanted[lang] for lang, _language, _error in answers
    ]


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """The application serving daye and xiayang, on uvicorn on 127.0.0.1."""
    from grievance_rules.service import create_app

    with served_client(create_app(["daye", "xiayang"])) as served:
        yield served


def test_query_values_and_library_refusals_are_in_the_language_too(client: httpx.Client) -> None:
    explain = "/v1/calendar/explain?start=2024-06-07T09:00:00%2B08:00&duration=bogus&pack=daye"
    cases = [
        ("GET", explain, "无法理解时长 'bogus'；可用单位：",
         "duration 'bogus' not understood; units: "),
        ("GET", "/v1/calendar/add?date=2024-06-07&days=x&pack=daye", "days: 应为整数",
         "days: Input should be a valid integer"),
        ("POST", "/v1/score?pack=daye&period=fortnight",
         "period：未知的周期类型 'fortnight'；应为以下之一：day、week",
         "period: unknown kind of period 'fortnight'; one of day, week"),
        ("POST", "/v1/compare?packs=daye,xiayang&period=fortnight",
         "period：未知的周期类型 'fortnight'；应为以下之一：day、week",
         "period: unknown kind of period 'fortnight'; one of day, week"),
        ("POST", "/v1/watch?pack=daye", "as_of：必填（服务不读取系统时钟）",
         "as_of: required (the service reads no clock)"),
        ("GET", "/v1/calendar/add?date=2024-06-07&days=0&pack=daye",
         "工作日数必须至少为 1，而不是 0", "the number of working days must be at least 1, not 0"),
        ("GET", "/v1/calendar/add?date=2124-06-07&days=3&pack=daye",
         "2124-06-07 不在日历 'china' 的范围内：该日历涵盖 2004-01-01 至 2060-12-31",
         "2124-06-07 is outside the calendar 'china', which covers 2004-01-01 to 2060-12-31"),
        ("POST", "/v1/compare?packs=daye,daye", "同一规则包给了两次：daye@",
         "the same pack given twice: daye@"),
    ]  # fmt: skip
    for method, path, chinese, english in cases:
        for lang, expected in (("zh", chinese), ("en", english)):
            response = client.request(method, f"{path}&lang={lang}", json=[])
            assert response.status_code == 422, (path, lang)
            assert response.json()["error"].startswith(expected), (path, lang)
