"""Markdown reports: every row of the model is in the tables, escaped, and the counts add up."""

from __future__ import annotations

import datetime as dt
import re

from grievance_rules.i18n import language
from grievance_rules.reports import comparison_markdown, scorecard_markdown
from grievance_rules.reports.markdown import counts_sentence, escape, unattributed_sentence
from grievance_rules.scoring import RATES, compare, score
from tests.reports.conftest import HOSTILE_UNIT, PACKS, english_words, sample_orders
from tests.scoring.orders import answered_online, handled_by_the_centre, order, undispatched

NAMES = {unit.id: unit.name for order in sample_orders() for unit in order.units}
"""The sample's units by name, as its orders give them (c07: 东风社区)."""
KINDS = {"village_community": "village (community)", "street_office": "street office (centre)"}

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _section(text: str, heading: str) -> list[str]:
    """The table lines of one ``## heading`` section."""
    part = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in part.splitlines() if line.startswith("|")]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in _UNESCAPED_PIPE.split(line)[1:-1]]


def _rate(rate):
    if rate.value is None:
        return f"— ({rate.numerator:g}/{rate.denominator})"
    return f"{rate.value:.1%} ({rate.numerator:g}/{rate.denominator})"


def test_scorecard_tables_hold_every_unit_and_period_with_score_rank_and_rates(sample_card):
    text = scorecard_markdown(sample_card)
    lines = _section(text, "Scores, ranks and key rates")
    header = _cells(lines[0])
    assert header[:8] == [
        "period",
        "unit",
        "kind of unit",
        "orders",
        "excluded",
        "points",
        "score",
        "rank",
    ]
    assert header[8:] == ["on-time sign-off rate", "on-time completion rate", "satisfaction rate"]
    rows = [_cells(line) for line in lines[2:]]
    assert len(rows) == len(sample_card.rows)
    for cells, row in zip(rows, sample_card.rows, strict=True):
        assert cells[:3] == [row.period, NAMES[row.unit], KINDS[row.unit_kind]]
        assert float(cells[5]) == row.points
        assert float(cells[6]) == row.score
        assert cells[7] == f"{row.rank} of {row.peers}"
        assert int(cells[3]) == row.orders
        assert cells[8] == _rate(row.rates["on_time_sign_off"])
        assert cells[9] == _rate(row.rates["on_time_completion"])
        assert cells[10] == _rate(row.rates["satisfaction"])


def test_scorecard_matrix_is_units_by_periods(sample_card):
    lines = _section(scorecard_markdown(sample_card), "Score by unit and period")
    assert _cells(lines[0]) == ["unit", "kind of unit", *sample_card.periods()]
    by_name = {NAMES[unit]: unit for unit in sample_card.units()}
    matrix = {by_name[_cells(line)[0]]: _cells(line)[2:] for line in lines[2:]}
    assert sorted(matrix) == sample_card.units() == ["c07", "c11", "cgb"]
    assert sorted(by_name) == sorted(["东风社区", "南湖村", "城管办公室"])
    for unit, scores in matrix.items():
        for period, cell in zip(sample_card.periods(), scores, strict=True):
            assert float(cell) == sample_card.row(unit, period).score


def test_every_rate_is_shown_with_numerator_and_denominator_and_defined(sample_card):
    text = scorecard_markdown(sample_card)
    lines = _section(text, "Rates")
    assert _cells(lines[0])[2:] == [
        "on-time sign-off rate",
        "first-contact rate",
        "completion rate",
        "on-time completion rate",
        "response rate",
        "resolution rate",
        "satisfaction rate",
        "three rates (response, resolution, satisfaction)",
    ]
    first = _cells(lines[2])
    row = sample_card.rows[0]
    assert first[2:-1] == [_rate(row.rates[d.name]) for d in RATES[:-1]]
    definitions = _section(text, "Rates: what they count")
    assert [_cells(line)[0] for line in definitions[2:]] == _cells(lines[0])[2:]
    for definition in RATES:
        assert escape(definition.denominator) in text
    with language("zh"):
        chinese = scorecard_markdown(sample_card)
    header = _cells(_section(chinese, "各项比率")[0])
    assert header[:2] == ["考核周期", "单位"]
    assert header[2:] == [definition.zh for definition in RATES]
    zh_definitions = _section(chinese, "各项比率的计算口径")
    assert [_cells(line)[0] for line in zh_definitions[2:]] == [d.zh for d in RATES]
    assert "已派给承办单位的工单" in chinese


def test_period_findings_carry_rule_clause_and_quoted_text(hostile_card):
    # (the sample ranks two villages only: nobody is "bottom three", issue 14 item 6;
    # the hostile card has a weekly 三（九） finding)
    findings = hostile_card.findings()
    assert findings, "the scorecard has period findings"
    lines = _section(scorecard_markdown(hostile_card), "Period findings")
    rows = [_cells(line) for line in lines[2:]]
    assert len(rows) == len(findings)
    for cells, finding in zip(rows, findings, strict=True):
        assert cells[2] == finding.rule_id
        # the source file, the clause, the text quoted in 「」 and how it was found (the
        # quote was bare, the source and the reasons left out)
        assert cells[5] == escape(finding.citation.source)
        assert cells[6] == escape(finding.citation.clause)
        assert cells[7] == escape(f"「{finding.citation.text}」")
        assert re.search(r"[\u4e00-\u9fff]", cells[7])
        assert cells[8] not in ("", "—")


def test_counts_add_up_and_rejections_give_their_reasons(hostile_card):
    text = scorecard_markdown(hostile_card)
    assert "Inputs 3 = assessed 2 + excluded from assessment 0 + rejected 1." in text
    rows = [_cells(line) for line in _section(text, "Inputs rejected")[2:]]
    assert len(rows) == 1
    assert rows[0][1] == "BAD-1"
    assert "received\\_at" in rows[0][2] or "received_at" in rows[0][2]


def test_hostile_unit_id_is_escaped_and_breaks_no_table(hostile_card, hostile_comparison):
    for text in (scorecard_markdown(hostile_card), comparison_markdown(hostile_comparison)):
        assert "<script>" not in text
        assert escape(HOSTILE_UNIT) in text
        tables: list[list[str]] = [[]]
        for line in text.splitlines():
            if line.startswith("|"):
                tables[-1].append(line)
            elif tables[-1]:
                tables.append([])
        for table in filter(None, tables):
            widths = {len(_UNESCAPED_PIPE.findall(line)) for line in table}
            assert len(widths) == 1, table


def test_comparison_shows_outcomes_patterns_and_both_sides_with_citations(sample_comparison):
    cmp = sample_comparison
    text = comparison_markdown(cmp)
    assert text.splitlines()[0] == "# Comparison: " + " · ".join(cmp.packs)
    outcomes = [_cells(line) for line in _section(text, "Outcomes by pack")[2:]]
    assert [row[0] for row in outcomes] == list(cmp.packs)
    for row, outcome in zip(outcomes, cmp.outcomes, strict=True):
        assert int(row[2]) == outcome.clocks.get("met", 0)
        assert int(row[3]) == outcome.clocks.get("breached", 0)
        assert float(row[-3]) == outcome.points
    patterns = [_cells(line) for line in _section(text, "Where the packs diverge")[2:]]
    assert len(patterns) == len(cmp.divergences)
    kinds = {"clock": "time limit", "window": "window"}
    for row, count in zip(patterns, cmp.divergences, strict=True):
        assert row[0] == kinds.get(count.kind, count.kind)
        assert row[2 : 2 + len(cmp.packs)] == [escape(p) for p in count.pattern]
        assert int(row[2 + len(cmp.packs)]) == count.orders
        assert row[-1] == ", ".join(count.examples)
    examples = text.split("## Diverging orders\n", 1)[1].split("\n## ", 1)[0]
    for example in cmp.examples:
        assert f"### Order {example.order_id} (points:" in examples
        for divergence in example.divergences:
            for side in divergence.sides:
                for rule_id, citation in zip(side.rule_ids, side.citations, strict=True):
                    assert rule_id in examples
                    assert escape(f"{citation.clause}：「{citation.text}」") in examples


def test_comparison_unit_scores_and_counts_per_pack(sample_comparison):
    cmp = sample_comparison
    text = comparison_markdown(cmp)
    rows = [_cells(line) for line in _section(text, "Unit scores under each pack")[2:]]
    expected = cmp.unit_scores()
    assert len(rows) == len(expected)
    for cells, entry in zip(rows, expected, strict=True):
        assert cells[:3] == [entry["period"], NAMES[entry["unit"]], KINDS[entry["unit_kind"]]]
        for cell, pack in zip(cells[3:-1], cmp.packs, strict=True):
            assert cell == ("—" if pack not in entry else f"{entry[pack]:g}")
    counts = [_cells(line) for line in _section(text, "Counts")[2:]]
    for cells, card in zip(counts, cmp.scorecards, strict=True):
        inputs, assessed, excluded, rejected, unattributed = (int(c) for c in cells[1:])
        assert (inputs, assessed, excluded, rejected, unattributed) == (
            card.inputs,
            card.assessed,
            card.excluded,
            card.rejected,
            card.unattributed.orders,
        )
        assert inputs == assessed + excluded + rejected
        assert assessed == sum(row.orders for row in card.rows) + unattributed


def test_same_orders_give_the_same_markdown(sample_comparison):
    again = compare(sample_orders(), list(PACKS))
    assert comparison_markdown(again) == comparison_markdown(sample_comparison)


def _frame(text: str) -> str:
    """Headings, sentences and table headers: what the report says, not the data it shows."""
    lines = text.splitlines()
    kept = []
    for number, line in enumerate(lines):
        if not line.startswith("|") or (number and not lines[number - 1].startswith("|")):
            kept.append(line)
    return "\n".join(kept)


def test_chinese_reports_have_no_english_frame_text(sample_card, sample_comparison, hostile_card):
    with language("zh"):
        texts = [
            scorecard_markdown(sample_card),
            comparison_markdown(sample_comparison),
            scorecard_markdown(hostile_card).replace(escape(HOSTILE_UNIT), ""),
        ]
    for text in texts:
        assert english_words(_frame(text)) == []
    first = texts[0]
    assert first.splitlines()[0] == "# 考核计分表：chengdong@2024，按月"
    assert "| 东风社区 | 村（社区） |" in first  # the matrix: units by name and kind
    assert "## 各单位各周期得分矩阵" in first
    assert "输入记录 5 = 已测评 5 + 不纳入测评 0 + 拒收 0。" in first
    assert "c07" not in _frame(first)
    assert "village_community" not in first
    english = scorecard_markdown(sample_card, lang="en")
    assert english.splitlines()[0] == "# Scorecard: chengdong@2024, by month"
    assert "| 东风社区 | village (community) |" in english


def test_lang_keyword_does_not_change_the_current_language(sample_card):
    from grievance_rules.i18n import current_language

    before = current_language()
    assert scorecard_markdown(sample_card, lang="zh").startswith("# 考核计分表")
    assert current_language() == before == "en"


def test_a_packs_composite_is_among_the_key_figures_where_it_has_one():
    # daye weighs 按时签收率, 办结率 and 满意率 equally ((十五)). The sample's 2026-Q1, by
    # hand: 东风社区 signed 2 of 2 in time, completed 1 of 2, 1 of 1 satisfied:
    # (1 + 0.5 + 1) / 3 = 83.3 %; 南湖村 all three 100 %: 100.0 %; 城管办公室 had no rated
    # callback, so its 满意率 and composite are undefined (—)
    from grievance_rules.scoring import score

    card = score(sample_orders(), "daye", period="quarter")
    with language("zh"):
        text = scorecard_markdown(card)
    lines = _section(text, "得分、排名和主要比率")
    assert _cells(lines[0])[-1] == "综合考核（按考核办法权重）"
    shown = {cells[1]: cells[-1] for cells in map(_cells, lines[2:])}
    assert shown == {"东风社区": "83.3%", "南湖村": "100.0%", "城管办公室": "—"}


def test_no_composite_column_for_a_pack_without_one(sample_card):
    header = _cells(_section(scorecard_markdown(sample_card), "Scores, ranks and key rates")[0])
    assert "composite (pack weights)" not in header


def test_a_comparisons_counts_add_up_with_the_orders_excluded_from_assessment():
    # the five sample orders, one more excluded from assessment (不纳入测评) and one
    # unreadable input: 7 = 5 assessed + 1 excluded + 1 rejected, under every pack
    import datetime as dt

    from tests.scoring.orders import order as made_order

    excluded = made_order("X-1", "c01", dt.date(2024, 5, 6), excluded=True)
    cmp = compare([*sample_orders(), excluded, "{not json"], list(PACKS))
    assert {(c.assessed, c.excluded, c.rejected) for c in cmp.scorecards} == {(5, 1, 1)}
    text = comparison_markdown(cmp)
    assert "Inputs 7 = assessed 5 + excluded from assessment 1 + rejected 1;" in text
    with language("zh"):
        chinese = comparison_markdown(cmp)
    assert "输入记录 7 = 已测评 5 + 不纳入测评 1 + 拒收 1；" in chinese


def test_a_comparison_says_which_packs_gave_no_points_in_these_orders():
    # the sample's five orders: chengdong deducts points (S-0001's late 省级热线 reply, 附件2
    # 二、1, and more), xiayang and daye set no points at all; their 0s are not "no cost"
    cmp = compare(sample_orders(), list(PACKS))
    text = _section_text(comparison_markdown(cmp), "Unit scores under each pack")
    assert f"No unit got a point under {cmp.packs[1]}, {cmp.packs[2]} in these orders" in text
    assert cmp.packs[0] not in text.split("\n\n")[0]
    with language("zh"):
        chinese = comparison_markdown(cmp)
    assert f"在 {cmp.packs[1]}、{cmp.packs[2]} 下，这些工单没有使任何单位被扣分或加分" in chinese
    # every input rejected: no unit, nothing to say of any pack
    nothing = compare(["{not json"], list(PACKS))
    assert "No unit got a point" not in comparison_markdown(nothing)


def _section_text(text: str, heading: str) -> str:
    return text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_a_chinese_report_says_a_parameters_value_by_its_label():
    # 参数 weekly_other_deductions：any（是）, though the pack labels any 附件2的任何其他扣分
    from grievance_rules.samples import generate_orders
    from grievance_rules.scoring import score

    card = score(list(generate_orders(300, seed=11)), "chengdong")
    assert card.parameter_labels["weekly_other_deductions"]["any"] == "附件2的任何其他扣分"
    with language("zh"):
        text = scorecard_markdown(card)
    assert "weekly_other_deductions：any（附件2的任何其他扣分）" in text
    assert "weekly_other_deductions：any（是）" not in text


def test_a_what_if_of_a_composite_weight_shows_each_composite_it_moved_before_and_after():
    # the Markdown said nothing of a weight's what-if (HTML, CSV, xlsx and JSON show the
    # composites). daye's (十五) composite of the sample's 2026-Q1, by hand: 东风社区 signed
    # 2 of 2 in time, completed 1 of 2, 1 of 1 satisfied: (1 + 0.5 + 1) / 3 = 83.3 %, with
    # the 满意率 weighed 2: (1 + 0.5 + 2 × 1) / 4 = 87.5 %, 4.2 points more; 南湖村 has all
    # three at 100 % (100 % either way), 城管办公室 no rated callback (— either way)
    from grievance_rules.scoring import what_if

    cmp = what_if(sample_orders(), "daye", {"weight_satisfaction": 2}, period="quarter")
    base, changed = cmp.packs
    text = comparison_markdown(cmp, lang="en")
    part = _section_text(text, "Composite scores under each pack")
    assert "differs between the packs for 1 of the 3 units and periods" in part
    lines = _section(text, "Composite scores under each pack")
    assert _cells(lines[0]) == ["period", "unit", "kind of unit", base, changed, "change"]
    assert [_cells(line) for line in lines[2:]] == [
        ["2026-Q1", "东风社区", "village (community)", "83.3%", "87.5%", "4.2%"]
    ]
    chinese = comparison_markdown(cmp, lang="zh")
    lines = _section(chinese, "各考核办法下的综合考核得分")
    assert _cells(lines[0]) == ["考核周期", "单位", "单位类型", base, changed, "变化"]
    assert [_cells(line) for line in lines[2:]] == [
        ["2026-Q1", "东风社区", "村（社区）", "83.3%", "87.5%", "4.2%"]
    ]
    assert "共 3 项" in _section_text(chinese, "各考核办法下的综合考核得分")
    # (the changed pack's key names the parameter: data, not the report's words)
    assert english_words(_frame(chinese).replace(changed, "")) == []


def test_a_what_if_that_moves_no_composite_says_so_and_a_pack_without_one_says_nothing():
    # chengdong weighs no rates into a composite: no section; daye's points of a parameter
    # that moves no rate: every composite the same, said in a sentence, no table
    from grievance_rules.scoring import what_if

    plain = what_if(sample_orders(), "chengdong", {"points_process_unsatisfied": -2})
    assert "## Composite scores under each pack" not in comparison_markdown(plain, lang="en")
    same = what_if(sample_orders(), "daye", {"weight_satisfaction": 1}, period="quarter")
    part = _section_text(comparison_markdown(same, lang="en"), "Composite scores under each pack")
    assert "is the same under every pack for each of the 3 units and periods" in part
    assert "|" not in part


def _card_with_orders_in_no_row():
    """One order at c01; two answered online, one the centre handled; one excluded, never
    dispatched: 5 inputs, 4 assessed of which 3 in no row, 1 excluded in no row."""
    may = dt.date(2024, 5, 6)
    return score(
        [
            order("u1", "c01", may),
            answered_online("online-1", may),
            answered_online("online-2", may),
            handled_by_the_centre("centre", may),
            undispatched(
                "left-out",
                may,
                events=((1, {"type": "excluded", "unit": "dzb", "approved_by": "dzb"}),),
            ),
        ],
        "chengdong",
    )


def test_the_counts_say_how_many_orders_count_for_no_unit_and_why():
    card = _card_with_orders_in_no_row()
    english = scorecard_markdown(card, lang="en")
    assert (
        "Inputs 5 = assessed 4 + excluded from assessment 1 + rejected 0. Of the assessed, "
        "3 count for no unit (answered online by the operator 2, handled by a centre 1). "
        "Of those excluded from assessment, 1 counts for no unit."
    ) in english
    chinese = scorecard_markdown(card, lang="zh")
    assert (
        "输入记录 5 = 已测评 4 + 不纳入测评 1 + 拒收 0。已测评的工单中，3 件不计入任何单位"
        "（话务员在线答复 2 件、中心自行办理 1 件）。不纳入测评的工单中，1 件不计入任何单位。"
    ) in chinese


def test_one_order_in_no_row_is_said_in_the_singular_and_none_is_not_said(hostile_card):
    card = score([answered_online("online", dt.date(2024, 5, 6))], "chengdong")
    assert unattributed_sentence(card.unattributed) == (
        "Of the assessed, 1 counts for no unit (answered online by the operator 1)."
    )
    with language("zh"):
        assert unattributed_sentence(card.unattributed) == (
            "已测评的工单中，1 件不计入任何单位（话务员在线答复 1 件）。"
        )
    # every order of the hostile card is in a unit's row: the counts say nothing more
    assert hostile_card.unattributed.orders == hostile_card.unattributed.excluded == 0
    assert unattributed_sentence(hostile_card.unattributed) == ""
    assert counts_sentence(3, 2, 0, 1, unattributed=hostile_card.unattributed) == (
        "Inputs 3 = assessed 2 + excluded from assessment 0 + rejected 1."
    )


def test_a_what_if_of_a_parameter_the_rates_read_shows_each_rate_it_moved():
    # the Markdown showed no rate, so a what-if of basically_satisfied_weight (or of whom
    # a returned order counts for) read as "no difference". Two orders of 村1 in May 2024,
    # one rated 满意, one 基本满意: daye's 满意率 (1 + w × 1) / 2 is 100 % at w = 1 (its
    # value) and 75 % at w = 0.5; its 三率 (响应率 100 %, 解决率 100 %, 满意率) / 3 moves from
    # 100 % to (1 + 1 + 0.75) / 3 = 91.7 %. The card lists the 6 units of the orders.
    from grievance_rules.scoring import what_if

    may = dt.date(2024, 5, 6)
    orders = [
        order("A", "c01", may, overall="satisfied"),
        order("B", "c01", may, overall="basically_satisfied"),
    ]
    cmp = what_if(orders, "daye", {"basically_satisfied_weight": 0.5})
    base, changed = cmp.packs
    text = comparison_markdown(cmp, lang="en")
    assert "A rate differs between the packs for 1 of the 6 units and periods" in text
    lines = _section(text, "Rates under each pack")
    assert _cells(lines[0]) == ["period", "unit", "kind of unit", "rate", base, changed]
    assert [_cells(line) for line in lines[2:]] == [
        ["2024-05", "村1", "village (community)", "satisfaction rate", "100.0% (2/2)",
         "75.0% (1.5/2)"],
        ["2024-05", "村1", "village (community)",
         "three rates (response, resolution, satisfaction)", "100.0%", "91.7%"],
    ]  # fmt: skip
    chinese = comparison_markdown(cmp, lang="zh")
    lines = _section(chinese, "各考核办法下的各项比率")
    assert _cells(lines[2])[3:] == [
        "满意率",
        "100.0% (2/2)",
        "75.0% (1.5/2)",
    ]
    # between different packs most rates differ: no such section (HTML and CSV give them)
    assert "Rates under each pack" not in comparison_markdown(
        compare(orders, ["chengdong", "daye"]), lang="en"
    )
