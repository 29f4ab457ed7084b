"""HTML reports, read as text: self-contained, escaped, deterministic, charts with every mark."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re

import pytest

from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.packs import find_pack
from grievance_rules.packs.diff import diff_packs
from grievance_rules.packs.schema import RATE_NAMES
from grievance_rules.reports import comparison_html, scorecard_html
from grievance_rules.scoring import compare, score
from tests.reports.conftest import HOSTILE_UNIT, PACKS, english_words, sample_orders
from tests.scoring.orders import answered_online, handled_by_the_centre
from tests.scoring.orders import order as scored_order

_REFERENCE = re.compile(
    r"""\b(?P<attr>src|href|srcset|action|poster|data|xlink:href|formaction)\s*=\s*["']?(?P<value>[^"'\s>]*)""",
    re.IGNORECASE,
)
_URL = re.compile(r"url\(\s*['\"]?(?P<value>[^'\")]*)", re.IGNORECASE)


def _svg(page: str, chart_id: str) -> str:
    return re.search(rf'<svg id="{chart_id}".*?</svg>', page, re.S).group(0)


def _assert_self_contained(page: str) -> None:
    for match in _REFERENCE.finditer(page):
        # data-* attributes of the charts hold values, not addresses
        if match.group("attr").lower() == "href":
            assert match.group("value").startswith("#"), match.group(0)
        else:
            raise AssertionError(f"loads something: {match.group(0)}")
    assert not _URL.search(page)
    for address in ("http://", "https://", "<link", "@import"):
        assert address not in page
    assert len(re.findall(r"<script\b", page)) == 1
    assert "<script>" in page  # the one inline script, without src


@pytest.fixture(scope="module")
def sample_orders_daye():
    return score(sample_orders(), "daye", period="month")


def test_pages_load_nothing_from_anywhere(sample_card, sample_comparison):
    _assert_self_contained(scorecard_html(sample_card))
    _assert_self_contained(comparison_html(sample_comparison))


def test_content_security_policy_admits_exactly_the_inline_style_and_script(sample_comparison):
    page = comparison_html(sample_comparison)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src &#x27;none&#x27;" in policy
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    for text in (style, script):
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"sha256-{digest}" in policy


def test_hostile_text_is_escaped_everywhere(hostile_card, hostile_comparison):
    for page in (scorecard_html(hostile_card), comparison_html(hostile_comparison)):
        assert HOSTILE_UNIT not in page
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; | *bold*" in page
        _assert_self_contained(page)


def test_charts_have_a_mark_for_every_unit_period_pack_and_topic(sample_comparison):
    cmp = sample_comparison
    page = comparison_html(cmp)
    periods = {row.period for card in cmp.scorecards for row in card.rows}
    cells = _svg(page, "chart-scores").count('<rect class="cell')
    panels = {card.pack: 1 for card in cmp.scorecards}
    for card in cmp.scorecards[1:]:  # xiayang and daye set no points: a panel per rate
        assert all(row.points == 0 for row in card.rows)
        panels[card.pack] = _rated(card)
    assert panels["chengdong@2024"] == 1
    assert cells == sum(
        panels[card.pack] * len(card.units()) * len(periods) for card in cmp.scorecards
    )
    segments = _svg(page, "chart-deadlines").count('<rect class="bar"')
    assert segments == sum(1 for o in cmp.outcomes for n in o.clocks.values() if n)
    topics = {(d.kind, d.topic) for d in cmp.divergences}
    assert _svg(page, "chart-divergences").count('<rect class="bar"') == len(topics)


def _rated(card):
    """How many rate panels a pack without points gets: each rate with a value, and its
    composite when it has one."""
    names = [name for name in RATE_NAMES if name not in ("response", "three_rates")]
    shown = sum(any(row.rates[n].value is not None for row in card.rows) for n in names)
    return shown + any(row.composite is not None for row in card.rows)


def test_a_pack_without_points_shows_its_rates_by_unit_name(sample_orders_daye):
    card = sample_orders_daye
    svg = _svg(scorecard_html(card), "chart-scores")
    titles = re.findall(r'<text x="8" [^>]*class="panel-title"[^>]*>([^<]*)</text>', svg)
    assert titles[0] == "daye@2023-05-19 · on-time sign-off rate"
    assert "daye@2023-05-19 · satisfaction rate" in titles
    assert "no points under this pack: its rates are shown instead of its scores" in svg
    assert len(titles) == _rated(card)
    # 东风社区 (c07) in 2026-03 under daye: one order, S-0004, dispatched Monday 03-09 09:15 and
    # signed for 03-10 16:00, before DY-7a's limit (the next working day, 17:30): 1/1, 100.0%
    first = svg.split('class="panel-title"')[1]
    cell = re.search(r'data-row="c07" data-column="2026-03" data-value="([^"]*)"', first)
    assert cell.group(1) == "1"
    assert 'data-column="2026-03" data-value="1"><title>' in first
    assert "on-time sign-off rate 100.0% (1/1)</title>" in first
    assert ">100.0%</text>" in first
    assert ">东风社区</text>" in svg
    assert ">南湖村</text>" in svg
    assert ">c07</text>" not in svg
    with language("zh"):
        chinese = _svg(scorecard_html(card), "chart-scores")
    assert "daye@2023-05-19 · 按时签收率" in chinese
    assert "本考核办法下无扣分加分：以下显示各项比率，而非得分" in chinese


def test_scorecard_heat_map_cells_carry_the_scores(sample_card):
    svg = _svg(scorecard_html(sample_card), "chart-scores")
    cells = re.findall(r'data-row="([^"]*)" data-column="([^"]*)" data-value="([^"]*)"', svg)
    assert len(cells) == len(sample_card.rows)
    for unit, period, value in cells:
        assert float(value) == sample_card.row(unit, period).score


def test_as_of_is_the_only_time_in_the_page_and_the_same_input_gives_the_same_bytes():

    as_of = dt.datetime.fromisoformat("2026-05-01T00:00+08:00")
    first = comparison_html(compare(sample_orders(), list(PACKS), as_of=as_of))
    second = comparison_html(compare(sample_orders(), list(PACKS), as_of=as_of))
    assert first.encode() == second.encode()
    assert "Assessed at: 2026-05-01T00:00:00+08:00." in first


def test_pack_diff_section_shows_each_row_of_the_static_comparison(sample_comparison):
    diff = diff_packs(*(find_pack(name) for name in PACKS))
    page = comparison_html(sample_comparison, pack_diff=diff)
    section = re.search(r'<section id="rules">.*?</section>', page, re.S).group(0)
    assert section.count("<tr>") == len(diff.rows) + 1
    assert 'id="rules"' not in comparison_html(sample_comparison)
    _assert_self_contained(page)


_DATA = re.compile(r"<style>.*?</style>|<script>.*?</script>|<td.*?</td>|<meta[^>]*>", re.S)


def test_chinese_pages_have_no_english_frame_text_with_the_rules_side_by_side(
    sample_comparison, hostile_card
):
    diff = diff_packs(*(find_pack(name) for name in PACKS))
    pages = [
        comparison_html(sample_comparison, pack_diff=diff, lang="zh"),
        scorecard_html(hostile_card, lang="zh").replace(html.escape(HOSTILE_UNIT), ""),
    ]
    for page in pages:
        frame = html.unescape(re.sub(r"<[^>]+>", " ", _DATA.sub("", page)))
        assert english_words(frame) == []
        assert '<html lang="zh-CN">' in page
    assert "<h2>规则对照</h2>" in pages[0]
    assert '<th scope="col">比较结果</th>' in pages[0]
    assert "<title>考核计分表：chengdong@2024，按月</title>" in pages[1]


def test_a_rate_cell_says_what_it_is_of_when_pointed_at() -> None:
    # 100 % of one order is not 100 % of twenty: each rate cell's tooltip gives its
    # numerator and denominator, as the Markdown tables do
    card = score(sample_orders(), "xiayang")
    text = html.unescape(scorecard_html(card))
    tips = re.findall(r"<title>([^<]*on-time sign-off rate[^<]*)</title>", text)
    assert tips
    names = {u.id: u.name for o in sample_orders() for u in o.units}
    for row in card.rows:
        rate = row.rates["on_time_sign_off"]
        if rate.value is None and not any(names.get(row.unit, row.unit) in t for t in tips):
            continue
        wanted = f"· {row.period}: on-time sign-off rate"
        mine = [t for t in tips if f"· {names.get(row.unit, row.unit)} " in t and wanted in t]
        assert mine, (row.unit, row.period)
        assert mine[0].endswith(f"({rate.numerator:g}/{rate.denominator})")


def test_units_sharing_a_name_are_labelled_by_id_and_name_as_the_tables_write_them():
    # two units named 村1 (c01 and c02), the others by their own names: the heat map tells
    # the two 村1 apart as evaluate's table and the traces write a unit, 'c01 村1', not
    # '村1 (c01)'
    monday = dt.date(2024, 5, 6)
    orders = [
        WorkOrder.model_validate_json(
            scored_order(order_id, unit, monday).model_dump_json().replace('"村2"', '"村1"')
        )
        for order_id, unit in (("T-1", "c01"), ("T-2", "c02"), ("T-3", "c03"))
    ]
    names = {u.id: u.name for u in orders[0].units}
    assert (names["c01"], names["c02"], names["c03"]) == ("村1", "村1", "村3")
    svg = _svg(scorecard_html(score(orders, "chengdong", period="month")), "chart-scores")
    labels = set(re.findall(r">([^<>]*村[^<>]*)</text>", svg))
    assert labels == {"c01 村1", "c02 村1", "村3", "村4", "村5"}  # (c04, c05: no orders)


def test_the_rules_side_by_side_are_in_chinese_in_a_chinese_report():
    # the demo's 规则对照 said "1 working day (working_time)", "-1 per order and unit
    # charged (counted once each)", "recorded, not computed" and the kinds period,
    # ranking and record in English
    from importlib import resources

    from grievance_rules.packs import find_pack
    from grievance_rules.packs.diff import diff_packs
    from grievance_rules.reading import read_orders
    from grievance_rules.reports.html import comparison_html
    from grievance_rules.scoring import compare

    packs = [find_pack(name) for name in ("chengdong", "xiayang", "daye")]
    orders = read_orders(
        str(resources.files("grievance_rules") / "samples" / "orders.jsonl")
    ).orders
    page = comparison_html(compare(orders, packs), pack_diff=diff_packs(*packs), lang="zh")
    rules = page[page.index('id="rules"') :]
    for english in (
        "working day",
        "per order",
        "recorded, not computed",
        ">period<",
        ">ranking<",
        ">record<",
        "per two_months",
    ):
        assert english not in rules, english
    assert re.search(r"XY-1\.accept: 1个工作日", rules)
    assert ">定期通报<" in rules
    assert ">记录<" in rules


def test_the_heat_map_legend_says_the_scale_its_panels_are_coloured_on():
    # rates are coloured on one fixed scale (0 % red, 100 % green); the legend said
    # "lowest … highest, within each panel" over them
    from importlib import resources

    from grievance_rules.reading import read_orders
    from grievance_rules.reports.html import scorecard_html
    from grievance_rules.scoring import score

    orders = read_orders(
        str(resources.files("grievance_rules") / "samples" / "orders.jsonl")
    ).orders
    rates = scorecard_html(score(orders, "xiayang"), lang="en")
    scores = scorecard_html(score(orders, "chengdong"), lang="en")
    assert "highest, within each panel" not in rates
    assert ">0%<" in rates and ">100%<" in rates  # noqa: PT018
    assert "highest, within each panel" in scores


def test_the_counts_say_how_many_orders_count_for_no_unit():
    may = dt.date(2024, 5, 6)
    card = score(
        [
            scored_order("u1", "c01", may),
            answered_online("online", may),
            handled_by_the_centre("centre", may),
        ],
        "chengdong",
    )
    page = scorecard_html(card, lang="en")
    assert (
        "Of the assessed, 2 count for no unit (answered online by the operator 1, "
        "handled by a centre 1)."
    ) in html.unescape(page)
    chinese = html.unescape(scorecard_html(card, lang="zh"))
    said = "已测评的工单中，2 件不计入任何单位（话务员在线答复 1 件、中心自行办理 1 件）。"
    assert said in chinese
    assert "已测评但不计入任何单位" in chinese  # among the figures
