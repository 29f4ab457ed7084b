"""The watch list's HTML page in headless Chromium: grouped by unit, nothing loaded."""

import datetime as dt
from pathlib import Path
from typing import Any

from grievance_rules.operations import watch
from grievance_rules.packs import find_pack
from grievance_rules.reports.watch import watch_html
from tests.operations.conftest import at, dispatched, order
from tests.reports.test_html_browser import _TABLE, _assert_nothing_loaded, _open, browser

__all__ = ["browser"]


def test_watch_page_groups_items_by_unit(browser: Any, tmp_path: Path) -> None:
    orders = [
        order("Y1", "2024-06-14T15:00", dispatched("2024-06-14T15:30")),
        order("R1", "2024-06-07T08:30", dispatched("2024-06-07T09:00")),
        order("S1", "2024-06-14T15:00", dispatched("2024-06-14T15:40", to="off")),
    ]
    listed = watch(
        orders,
        find_pack("chengdong"),
        at("2024-06-15T10:00"),
        within=dt.timedelta(days=3),
    )
    page = tmp_path / "watch.html"
    page.write_text(watch_html(listed), encoding="utf-8")
    _open(browser, page)
    assert browser.title == "Daily watch list"
    headings = browser.execute_script(
        "return Array.from(document.querySelectorAll('section h2')).map(h => h.textContent);"
    )
    assert headings == ["东风社区", "城管办"]  # one section per unit, by name
    summaries = browser.execute_script(
        "return Array.from(document.querySelectorAll('p.summary')).map(p => p.textContent);"
    )
    assert "breached 1" in summaries[0]
    expected = {s.unit_name: s.items for s in listed.summary()}
    for n, name in enumerate(headings):
        table = browser.execute_script(_TABLE, f"unit-{n}")
        assert len(table["rows"]) == expected[name]
        assert all(row[6] == name for row in table["rows"])
        assert table["head"][0] == "due"
        assert table["width"] > 300
    _assert_nothing_loaded(browser, page)
