"""The HTML reports as a person sees them: opened in headless Chromium through selenium.

Uses the system's Chromium and chromedriver (Debian packages ``chromium`` and
``chromium-driver``); selenium is pointed at them explicitly so it never tries to
download a driver. Without them the tests are skipped, unless the environment
sets ``GRIEVANCE_RULES_REQUIRE_BROWSER=1`` (as CI does): then they fail.

The browser is also told to resolve no host name and to use a proxy that does not
exist, so that even a page that tried could send nothing off this machine; the
tests check from the browser's own network log that it tried nothing.

Each page is opened in English and in 简体中文 (``lang``); the Chinese page must
show no English frame text (headings, table headings, captions, sentences, chart
labels and legends), a list of allowed terms aside: pack names, rule, order and
unit ids, dates and numbers (:func:`tests.reports.conftest.english_words`).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from grievance_rules.reports import comparison_html, scorecard_html
from grievance_rules.scoring import Comparison, Scorecard
from tests.reports.conftest import HOSTILE_UNIT, english_words, sample_orders

NAMES = {unit.id: unit.name for order in sample_orders() for unit in order.units}
"""The sample's units by name, as its orders give them (c07: 东风社区)."""

HEADINGS = {
    "en": {
        "comparison": "Comparison: {packs}",
        "scorecard": "Scorecard: {pack}, by month",
        "unit_scores": ["period", "unit", "kind of unit"],
        "spread": "spread",
        "rank": "{rank} of {peers}",
        "kinds": {"village_community": "village (community)"},
    },
    "zh": {
        "comparison": "考核办法对比：{packs}",
        "scorecard": "考核计分表：{pack}，按月",
        "unit_scores": ["考核周期", "单位", "单位类型"],
        "spread": "极差",
        "rank": "第{rank}名（共{peers}个）",
        "kinds": {"village_community": "村（社区）"},
    },
}
"""What each language's page says, written out by hand."""

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
REQUIRED = os.environ.get("GRIEVANCE_RULES_REQUIRE_BROWSER") == "1"


def _unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"GRIEVANCE_RULES_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason} (install the Debian packages chromium and chromium-driver)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        _unavailable(f"no {' or '.join(missing)}")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (pip install -e '.[test]')")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--window-size=1280,1000",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _open(driver: Any, path: Path) -> None:
    driver.get_log("performance")  # drop what earlier pages logged
    driver.get_log("browser")
    driver.get(path.as_uri())


_CHART_MARKS = """
const svg = document.getElementById(arguments[0]);
const box = svg.getBoundingClientRect();
const style = getComputedStyle(svg);
const marks = Array.from(svg.querySelectorAll(arguments[1])).map(function (mark) {
  const r = mark.getBoundingClientRect();
  return [r.width, r.height];
});
return {width: box.width, height: box.height, visible: style.display !== "none"
        && style.visibility !== "hidden", marks: marks};
"""

_TABLE = """
const table = document.getElementById(arguments[0]);
const box = table.getBoundingClientRect();
return {
  width: box.width,
  head: Array.from(table.tHead.rows[0].cells).map(c => c.textContent),
  rows: Array.from(table.tBodies[0].rows).map(r => Array.from(r.cells).map(c => c.textContent)),
};
"""

_RESOURCES = """
return {
  images: Array.from(document.images).map(i => i.complete && i.naturalWidth > 0),
  links: document.querySelectorAll("link[href]").length,
  scripts: document.querySelectorAll("script[src]").length,
  frames: document.querySelectorAll("iframe, object, embed").length,
  resources: performance.getEntriesByType("resource").map(e => e.name),
};
"""


def _chart(driver: Any, chart_id: str, marks: str) -> list[list[float]]:
    chart = driver.execute_script(_CHART_MARKS, chart_id, marks)
    assert chart["visible"], chart_id
    assert chart["width"] > 100, (chart_id, chart)
    assert chart["height"] > 50, (chart_id, chart)
    assert all(w > 0 and h > 0 for w, h in chart["marks"]), chart_id
    return chart["marks"]


def _requests(driver: Any) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _assert_nothing_loaded(driver: Any, page: Path) -> None:
    assert _requests(driver) == [page.as_uri()]
    found = driver.execute_script(_RESOURCES)
    assert all(found["images"])
    assert found["resources"] == []
    assert (found["links"], found["scripts"], found["frames"]) == (0, 0, 0)
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []  # a blocked style or script would be reported here


def _number(score: float | None) -> str:
    return "—" if score is None else f"{score:g}"


@pytest.fixture(scope="module", params=["en", "zh"])
def lang(request: Any) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def comparison_page(sample_comparison: Comparison, tmp_path_factory: Any, lang: str) -> Path:
    path = tmp_path_factory.mktemp("report") / f"comparison-{lang}.html"
    path.write_text(comparison_html(sample_comparison, lang=lang), encoding="utf-8")
    return path


def _panels(card: Scorecard) -> int:
    """A pack with points: one panel of scores; without (xiayang, daye): one per rate with a
    value, and one for its composite."""
    if any(row.points for row in card.rows):
        return 1
    rates = ("on_time_sign_off", "first_contact", "completion", "on_time_completion")
    rates += ("resolution", "satisfaction")
    shown = sum(any(row.rates[name].value is not None for row in card.rows) for name in rates)
    return shown + any(row.composite is not None for row in card.rows)


def test_comparison_page_shows_its_charts_and_tables(
    browser, comparison_page, sample_comparison, lang
):
    cmp = sample_comparison
    words = HEADINGS[lang]
    _open(browser, comparison_page)
    assert browser.title == words["comparison"].format(packs=" · ".join(cmp.packs))
    periods = {row.period for card in cmp.scorecards for row in card.rows}
    cells = _chart(browser, "chart-scores", "rect.cell")
    assert _panels(cmp.scorecards[0]) == 1  # chengdong sets points
    assert len(cells) == sum(
        _panels(card) * len(card.units()) * len(periods) for card in cmp.scorecards
    )
    segments = _chart(browser, "chart-deadlines", "rect.bar")
    assert len(segments) == sum(1 for o in cmp.outcomes for n in o.clocks.values() if n)
    bars = _chart(browser, "chart-divergences", "rect.bar")
    totals: dict[tuple[str, str], int] = {}
    for count in cmp.divergences:
        totals[(count.kind, count.topic)] = totals.get((count.kind, count.topic), 0) + count.orders
    assert len(bars) == len(totals)
    widths = [w for w, _h in bars]
    assert widths == sorted(widths, reverse=True)  # most diverging topic first, on one scale
    assert max(widths) == pytest.approx(max(totals.values()) / min(totals.values()) * min(widths))

    table = browser.execute_script(_TABLE, "unit-scores")
    assert table["head"] == [*words["unit_scores"], *cmp.packs, words["spread"]]
    expected = cmp.unit_scores()
    assert [row[:2] for row in table["rows"]] == [[e["period"], NAMES[e["unit"]]] for e in expected]
    assert table["rows"][0][2] == words["kinds"]["village_community"]  # 东风社区 is a 社区
    for row, entry in zip(table["rows"], expected, strict=True):
        assert row[3:-1] == [_number(entry.get(pack)) for pack in cmp.packs]
    _assert_nothing_loaded(browser, comparison_page)


def test_sorting_a_table_by_a_click_on_its_heading(browser, comparison_page, sample_comparison):
    _open(browser, comparison_page)
    pack = sample_comparison.packs[0]
    heading = browser.execute_script(
        "return Array.from(document.querySelectorAll('#unit-scores th'))"
        ".find(th => th.textContent === arguments[0]);",
        pack,
    )
    heading.click()
    column = 3
    table = browser.execute_script(_TABLE, "unit-scores")
    values = [float(row[column]) for row in table["rows"]]
    assert values == sorted(values)
    assert heading.get_attribute("aria-sort") == "ascending"
    heading.click()
    values = [float(row[column]) for row in browser.execute_script(_TABLE, "unit-scores")["rows"]]
    assert values == sorted(values, reverse=True)


def test_scorecard_page_shows_the_heat_map_and_the_scores(
    browser, sample_card: Scorecard, tmp_path: Path, lang: str
):
    words = HEADINGS[lang]
    page = tmp_path / "scorecard.html"
    page.write_text(scorecard_html(sample_card, lang=lang), encoding="utf-8")
    _open(browser, page)
    assert browser.title == words["scorecard"].format(pack=sample_card.pack)
    cells = _chart(browser, "chart-scores", "rect.cell")
    assert len(cells) == len(sample_card.units()) * len(sample_card.periods())
    labels = browser.execute_script(
        "return Array.from(document.querySelectorAll('#chart-scores text.axis'))"
        ".map(t => t.textContent);"
    )
    assert {"东风社区", "南湖村", "城管办公室"} <= set(labels)  # units by name
    assert not {"c07", "c11", "cgb"} & set(labels)
    table = browser.execute_script(_TABLE, "unit-scores")
    assert [(r[0], r[1], r[6], r[7]) for r in table["rows"]] == [
        (
            row.period,
            NAMES[row.unit],
            _number(row.score),
            words["rank"].format(rank=row.rank, peers=row.peers),
        )
        for row in sample_card.rows
    ]
    _assert_nothing_loaded(browser, page)


_FRAME = """
const parts = [document.title];
const selector = "h1, h2, h3, th, p, figcaption, nav a, .figures span, svg text, svg title";
document.querySelectorAll(selector).forEach(function (element) {
  if (!element.closest("td")) { parts.push(element.textContent); }
});
document.querySelectorAll("svg[aria-label]").forEach(function (svg) {
  parts.push(svg.getAttribute("aria-label"));
});
return parts;
"""


def test_the_chinese_page_has_no_english_frame_text(
    browser, sample_comparison, hostile_card, lang, tmp_path
):
    pages = {
        "comparison": comparison_html(sample_comparison, lang=lang),
        "scorecard": scorecard_html(hostile_card, lang=lang),  # with period findings
    }
    for name, text in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        _open(browser, path)
        shown = [part.replace(HOSTILE_UNIT, "") for part in browser.execute_script(_FRAME)]
        assert len(shown) > 50, name
        left = sorted({word for part in shown for word in english_words(part)})
        if lang == "zh":
            assert left == [], (name, left)
            assert browser.execute_script("return document.documentElement.lang") == "zh-CN"
            assert "测评时点：各工单以其最后一个环节的时间为准。" in shown
        else:  # the English page is English
            assert {"Counts", "Period findings", "Inputs rejected"} <= set(shown)


_GLYPHS = """
const font = getComputedStyle(document.body).fontFamily;
function draw(text) {
  const canvas = document.createElement("canvas");
  canvas.width = 48; canvas.height = 48;
  const context = canvas.getContext("2d");
  context.font = "36px " + font;
  context.fillStyle = "#000";
  context.fillText(text, 4, 40);
  return Array.from(context.getImageData(0, 0, 48, 48).data).join(",");
}
return {han: draw("签") !== draw("收"), unassigned: draw("\\ue000") !== draw("\\ue001")};
"""


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def test_chinese_text_renders_as_glyphs_not_boxes(browser, comparison_page):
    if not _has_cjk_font():
        _unavailable("no font with Chinese glyphs (install the Debian package fonts-noto-cjk)")
    _open(browser, comparison_page)
    glyphs = browser.execute_script(_GLYPHS)
    # two characters without glyphs draw the same box; two Han characters differ
    assert glyphs == {"han": True, "unassigned": False}


_PIXELS = """
const done = arguments[arguments.length - 1];
const image = new Image();
image.onload = function () {
  const canvas = document.createElement("canvas");
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const data = context.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set();
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) {
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    if (data[i] + data[i + 1] + data[i + 2] < 600) { ink += 1; }
  }
  done({width: image.width, height: image.height, colours: colours.size,
        ink: ink / (data.length / 4)});
};
image.onerror = function () { done(null); };
image.src = "data:image/png;base64," + arguments[0];
"""


def test_screenshot_of_the_charts_is_not_blank(browser, comparison_page, tmp_path_factory):
    _open(browser, comparison_page)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    charts = browser.execute_script(
        "return document.getElementById('figure-divergences').getBoundingClientRect().bottom"
    )
    # the three charts are in the first 6000 pixels of the page (xiayang's and daye's
    # rates take a panel each)
    assert charts < 6000
    browser.set_window_size(1280, min(height, 6000))
    try:
        png = browser.get_screenshot_as_png()
    finally:
        browser.set_window_size(1280, 1000)
    shot = tmp_path_factory.mktemp("screenshots") / "comparison.png"
    shot.write_bytes(png)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    browser.get("about:blank")
    pixels = browser.execute_async_script(_PIXELS, base64.b64encode(png).decode())
    assert pixels is not None, f"{shot} is not a PNG the browser can read"
    assert pixels["width"] == 1280, pixels
    assert pixels["height"] >= charts, pixels
    # a blank page has one colour and no ink; the charts bring many colours
    assert pixels["colours"] >= 20, pixels
    assert 0.01 < pixels["ink"] < 0.9, pixels
