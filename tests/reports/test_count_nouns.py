"""The reports count in English with the noun in number (1 item, 2 items), in Chinese as before.

Expected strings written by hand: English for 1 and for 2, Chinese for 1.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import pytest

from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.operations import WatchList, watch
from grievance_rules.packs import load_pack
from grievance_rules.reading import read_orders
from grievance_rules.reports.markdown import comparison_counts_sentence, examples_intro
from grievance_rules.reports.watch import watch_text
from grievance_rules.scoring import compare
from tests.operations.conftest import DEMO_PACK, at, dispatched, order

SAMPLE = resources.files("grievance_rules") / "samples" / "orders.jsonl"
Y1 = order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30"))
S1 = order("S1", "2024-06-14T15:00", dispatched("2024-06-14T15:40", to="off"))


def _watch(orders: list[WorkOrder], as_of: str) -> WatchList:
    # the demo pack: a reply clock and a return window from the dispatch; by 06-17 11:00
    # the window has closed, only the reply is open
    return watch(orders, load_pack(DEMO_PACK), at(as_of), within=dt.timedelta(days=1))


def _lines(watch_list: WatchList, lang: str) -> list[str]:
    with language(lang):
        return watch_text(watch_list).splitlines()


def test_the_watch_lists_heading_counts_items_and_orders() -> None:
    one = _watch([Y1], "2024-06-17T11:00")
    two = _watch([Y1, S1], "2024-06-17T11:00")
    mixed = _watch([Y1], "2024-06-15T10:00")
    head = "demo@1 as of 2024-06-17 11:00:00, horizon to 2024-06-18 11:00:00: "
    assert _lines(one, "en")[0] == head + "1 item of 1 order"
    assert _lines(two, "en")[0] == head + "2 items of 2 orders"
    assert _lines(mixed, "en")[0] == (
        "demo@1 as of 2024-06-15 10:00:00, horizon to 2024-06-16 10:00:00: 2 items of 1 order"
    )
    assert _lines(one, "zh")[0] == (
        "demo@1，截至2024-06-17 11:00:00，预警至2024-06-18 11:00:00：1件工单中共1项"
    )


def test_the_watch_lists_unit_lines_count_items() -> None:
    one = _watch([Y1], "2024-06-17T11:00")
    two = _watch([Y1], "2024-06-15T10:00")
    assert _lines(one, "en")[-1] == (
        "东风社区: 1 item, yellow 0, red 0, breached 0; turning yellow 1, turning red 0"
    )
    assert _lines(two, "en")[-1] == (
        "东风社区: 2 items, yellow 0, red 0, breached 0; turning yellow 0, turning red 0"
    )
    assert _lines(one, "zh")[-1] == "东风社区：共1项，黄灯 0，红灯 0，超期 0；将变黄 1，将变红 0"


def test_the_comparisons_examples_intro() -> None:
    rest = (
        " on which the packs diverge: each topic with every pack's outcome, the rules "
        "behind it and the clauses they cite."
    )
    with language("en"):
        assert examples_intro(1) == "The first 1 order" + rest
        assert examples_intro(2) == "The first 2 orders" + rest
    with language("zh"):
        assert examples_intro(1) == (
            "各考核办法结果不一致的前1件工单：逐项列出各考核办法的结果、依据的规则及所引条款。"
        )


@pytest.fixture(scope="module")
def orders() -> list[WorkOrder]:
    return list(read_orders(SAMPLE).orders)


def test_the_comparisons_counts_sentence(orders: list[WorkOrder]) -> None:
    one = compare(orders[:1], ["chengdong", "daye"])
    two = compare(orders[:2], ["chengdong", "daye"])
    with language("en"):
        assert comparison_counts_sentence(one) == (
            "Inputs 1 = assessed 1 + excluded from assessment 0 + rejected 0; the packs "
            "diverge on 1 of the 1 order not rejected (those excluded from assessment "
            "included)."
        )
        assert comparison_counts_sentence(two) == (
            "Inputs 2 = assessed 2 + excluded from assessment 0 + rejected 0; the packs "
            "diverge on 2 of the 2 orders not rejected (those excluded from assessment "
            "included)."
        )
    with language("zh"):
        assert comparison_counts_sentence(one) == (
            "输入记录 1 = 已测评 1 + 不纳入测评 0 + 拒收 0；在未被拒收的 1 件工单"
            "（含不纳入测评的）中，各考核办法对 1 件的结果不一致。"
        )
