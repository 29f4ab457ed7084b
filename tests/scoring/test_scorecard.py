"""Hand-computed scorecards: each period rule and each rate, counted by hand."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from grievance_rules.model import WorkOrder
from grievance_rules.packs import find_pack
from grievance_rules.scoring import score
from tests.scoring.orders import answered_online, handled_by_the_centre, order, undispatched

MONDAY = dt.date(2024, 5, 6)  # a working Monday; the week runs to Sunday 12 May


def _week_findings(orders, unit):
    card = score(orders, "chengdong", period="week")
    row = card.row(unit, "week of 2024-05-06")
    # (the month's ranking, 三（十）, is on this row too: the first week of May with orders)
    return row, [f.tier_id for f in row.findings if f.rule_id == "CD-9.weekly"]


def test_week_with_exactly_one_process_unsatisfied_order_is_an_oral_explanation():
    orders = [
        order("p1", "c01", MONDAY, process="dissatisfied"),
        order("ok", "c01", MONDAY + dt.timedelta(days=1)),
    ]
    row, tiers = _week_findings(orders, "c01")
    assert tiers == ["CD-9.oral-explanation"]
    assert row.points == -1.0
    assert row.counts["deduction:CD-A2.3.process-unsatisfied"] == 1
    finding = row.findings[0]
    assert finding.citation.clause == "三（九）末位约谈制"
    assert "过程不满意1件" in finding.citation.text
    assert finding.trace[0].startswith("deduction:CD-A2.3.process-unsatisfied: 1 (== 1: yes)")


def test_week_with_two_process_unsatisfied_orders_is_an_interview_replacing_the_explanation():
    orders = [
        order("p1", "c01", MONDAY, process="dissatisfied"),
        order("p2", "c01", MONDAY + dt.timedelta(days=1), process="dissatisfied"),
    ]
    row, tiers = _week_findings(orders, "c01")
    assert tiers == ["CD-9.interview"]
    assert row.points == -2.0
    assert row.findings[0].actor_role == "main_leader"


def test_week_with_two_result_unsatisfied_orders_is_an_oral_explanation_three_an_interview():
    two = [order(f"r{k}", "c02", MONDAY, result="dissatisfied") for k in range(2)]
    row, tiers = _week_findings(two, "c02")
    assert tiers == ["CD-9.oral-explanation"]
    assert row.points == -1.0  # 2 × −0.5
    three = [*two, order("r2", "c02", MONDAY, result="dissatisfied")]
    row, tiers = _week_findings(three, "c02")
    assert tiers == ["CD-9.interview"]


def test_a_process_unsatisfied_order_in_the_next_week_does_not_count_in_this_one():
    orders = [
        order("p1", "c01", MONDAY, process="dissatisfied"),
        # received on Friday 10 May, replied on Sunday, called back on Monday 13 May:
        # the deduction occurs at the callback, in the next week
        order("p2", "c01", dt.date(2024, 5, 10), process="dissatisfied", reply_days=2),
    ]
    card = score(orders, "chengdong", period="week")
    for week in ("week of 2024-05-06", "week of 2024-05-13"):
        weekly = [f.tier_id for f in card.row("c01", week).findings if f.rule_id == "CD-9.weekly"]
        assert weekly == ["CD-9.oral-explanation"], week


def test_a_community_ranked_third_last_of_the_month_explains_and_the_fourth_does_not():
    # points in May 2024: c01 −3, c02 −2, c03 −1, c04 0, c05 0 (process-unsatisfied: −1 each)
    orders = []
    for unit, bad in (("c01", 3), ("c02", 2), ("c03", 1), ("c04", 0), ("c05", 0)):
        for k in range(3):
            day = MONDAY + dt.timedelta(days=7 * k)
            process = "dissatisfied" if k < bad else "satisfied"
            orders.append(order(f"{unit}-{k}", unit, day, process=process))
    card = score(orders, "chengdong", period="month")
    ranks = {unit: card.row(unit, "2024-05").rank for unit in ("c01", "c02", "c03", "c04", "c05")}
    assert ranks == {"c04": 1, "c05": 1, "c03": 3, "c02": 4, "c01": 5}
    assert {card.row(u, "2024-05").peers for u in ranks} == {5}
    third_last = card.row("c03", "2024-05")
    assert third_last.score == -1.0
    # (its week of 6 May's one 过程不满意 is on the row too: an oral explanation, 三（九）)
    monthly = [f for f in third_last.findings if f.rule_id != "CD-9.weekly"]
    assert {f.rule_id for f in monthly} == {
        "CD-10.bottom-three-secretary",
        "CD-10.bottom-three-liaison",
    }
    assert monthly[0].trace[0].startswith("3 of the 3 lowest of 5 units")
    assert [(f.tier_id, f.period) for f in third_last.findings if f not in monthly] == [
        ("CD-9.oral-explanation", "week of 2024-05-06")
    ]
    assert card.row("c04", "2024-05").findings == ()
    # the street office ranks among street offices only
    assert card.row("cgb", "2024-05").peers == 1


def _quarter_orders():
    q2 = dt.date(2024, 4, 8)
    return [
        order("o1", "c02", q2, process="satisfied", result="satisfied", resolved=True),
        order("o2", "c02", q2, result="basically_satisfied", resolved=True),
        order("o3", "c02", q2, result="dissatisfied", resolved=False, contact=False),
        order("o4", "c02", q2, result="dissatisfied", resolved=False, struck_off=True),
        order("o5", "c02", q2, reply_days=7, deadline_days=5),  # replied late
        order("o6", "c02", q2, excluded=True),  # not assessed: counts only as excluded
    ]


def test_a_quarters_rates_with_numerator_and_denominator_written_out():
    card = score(_quarter_orders(), "chengdong", period="quarter")
    row = card.row("c02", "2024-Q2")
    assert (row.orders, row.excluded) == (5, 1)
    rates = row.rates
    # 办结率: o1..o5 replied / o1..o5 dispatched
    assert (rates["completion"].numerator, rates["completion"].denominator) == (5, 5)
    # 按时办结率: o5's written deadline was breached: 4 of 5 decided reply clocks met
    assert (rates["on_time_completion"].numerator, rates["on_time_completion"].denominator) == (
        4,
        5,
    )
    # 先行联系率: o3 has no first contact and its callback does not record one
    assert (rates["first_contact"].numerator, rates["first_contact"].denominator) == (4, 5)
    # 解决率: resolved o1, o2, o5 / recorded o1..o5
    assert (rates["resolution"].numerator, rates["resolution"].denominator) == (3, 5)
    # 满意率: o4's 不满意 is struck off (核减); rated o1, o2, o3, o5;
    # satisfied o1, o5 + 1 × basically satisfied o2 = 3
    assert (rates["satisfaction"].numerator, rates["satisfaction"].denominator) == (3, 4)
    assert rates["satisfaction"].value == 0.75
    # chengdong sets no sign-off or first-contact time limit: 响应率 and 三率 are undefined
    assert rates["response"].value is None
    assert rates["three_rates"].value is None
    assert str(rates["response"]) == "响应率 n/a (0 orders)"
    assert (card.inputs, card.assessed, card.excluded) == (6, 5, 1)


def test_the_weight_of_basically_satisfied_is_a_pack_setting():
    pack = find_pack("chengdong")
    manifest = pack.manifest.model_copy(
        update={
            "scoring": pack.manifest.scoring.model_copy(update={"basically_satisfied_weight": 0.5})
        }
    )
    half = dataclasses.replace(pack, manifest=manifest)
    rates = score(_quarter_orders(), half, period="quarter").row("c02", "2024-Q2").rates
    assert (rates["satisfaction"].numerator, rates["satisfaction"].denominator) == (2.5, 4)


def test_three_rates_under_a_pack_with_a_sign_off_limit():
    card = score(_quarter_orders(), "daye", period="quarter")
    rates = card.row("c02", "2024-Q2").rates
    # daye: sign for within 1 working day; every order signed after an hour
    assert (rates["on_time_sign_off"].numerator, rates["on_time_sign_off"].denominator) == (5, 5)
    assert rates["response"].value == 1.0
    expected = (1.0 + 3 / 5 + 3 / 4) / 3
    assert rates["three_rates"].value == pytest.approx(expected)


def test_every_input_is_assessed_excluded_or_rejected():
    good = order("g", "c01", MONDAY)
    other = order("h", "c01", MONDAY)
    inputs = [good, {"id": "x"}, "not json", other.model_dump_json(), good.model_dump_json()]
    card = score(inputs, "xiayang")
    assert card.inputs == 5
    assert (card.assessed, card.excluded, card.rejected) == (2, 0, 3)
    reasons = [r.reasons[0] for r in card.rejections]
    assert reasons[0].startswith("channel: field required [missing]")
    assert "Invalid JSON" in reasons[1]
    assert reasons[2] == "id: duplicate order id 'g' (first at #0)"


def test_an_assessment_month_starting_on_the_26th_is_named_after_the_month_it_ends_in():
    pack = find_pack("chengdong")
    shifted = dataclasses.replace(
        pack, manifest=pack.manifest.model_copy(update={"month_starts_on": 26})
    )
    late_may = order("m", "c01", dt.date(2024, 5, 27), process="dissatisfied")
    card = score([late_may], shifted, period="month")
    row = card.row("c01", "2024-06")
    assert (row.period_start, row.period_end) == (dt.date(2024, 5, 26), dt.date(2024, 6, 26))
    assert row.points == -1.0
    assert score([late_may], pack, period="month").row("c01", "2024-05").points == -1.0


def test_unknown_period_is_refused():
    with pytest.raises(ValueError, match="unknown kind of period 'fortnight'"):
        score([], "chengdong", period="fortnight")


def test_dayes_quarterly_composite_weighs_its_three_rates_by_dated_parameters():
    card = score(_quarter_orders(), "daye", period="quarter")
    row = card.row("c02", "2024-Q2")
    sign_off, completion = row.rates["on_time_sign_off"], row.rates["completion"]
    satisfaction = row.rates["satisfaction"]
    # equal weights (an assumption: the document gives none): (5/5 + 5/5 + 3/4) / 3
    assert (sign_off.value, completion.value, satisfaction.value) == (1.0, 1.0, 0.75)
    assert row.composite == pytest.approx((1 + 1 + 0.75) / 3)
    weighted = find_pack("daye").with_parameters({"weight_satisfaction": 2})
    row = score(_quarter_orders(), weighted, period="quarter").row("c02", "2024-Q2")
    assert row.composite == pytest.approx((1 + 1 + 2 * 0.75) / 4)
    assert score(_quarter_orders(), "chengdong", period="quarter").rows[0].composite is None


def test_a_composite_naming_an_unknown_rate_or_parameter_is_refused(tmp_path):
    import shutil

    from grievance_rules.errors import PackError
    from grievance_rules.packs import load_pack

    pack_dir = tmp_path / "daye"
    shutil.copytree(find_pack("daye").directory, pack_dir)
    manifest = pack_dir / "pack.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("{param: weight_completion}", "{param: nope}"), "utf-8")
    with pytest.raises(PackError, match=r"scoring.composite.completion: unknown parameter 'nope'"):
        load_pack(pack_dir)
    manifest.write_text(text.replace("    completion: {param", "    speed: {param"), "utf-8")
    with pytest.raises(PackError, match=r"unknown rate 'speed'"):
        load_pack(pack_dir)


def test_a_closure_found_lawful_strikes_off_daye_s_dissatisfied_rating_only():
    """大冶 （十一）: 「…作办结处理,从不满意工单中予以核减」; the other packs say no such thing."""
    q2 = dt.date(2024, 4, 8)
    rated = order("u1", "c02", q2, result="dissatisfied", resolved=False)
    closed = rated.model_copy(
        update={
            "events": (
                *rated.events,
                *WorkOrder.model_validate(
                    {
                        "id": "x",
                        "channel": "12345",
                        "category": "投诉",
                        "received_at": rated.received_at.isoformat(),
                        "events": [
                            {
                                "type": "closed",
                                "at": "2024-04-12T09:00:00+08:00",
                                "unit": "dzb",
                                "outcome": "handled_lawfully",
                            }
                        ],
                    }
                ).events,
            )
        }
    )
    happy = order("s1", "c02", q2)
    # by hand: daye strikes u1's 不满意 off: rated s1 only, satisfied 1 -> 1/1;
    # chengdong keeps it: rated s1, u1, satisfied s1 -> 1/2
    for pack, expected in (("daye", (1, 1)), ("chengdong", (1, 2))):
        rates = score([closed, happy], pack, period="quarter").row("c02", "2024-Q2").rates
        got = rates["satisfaction"]
        assert (got.numerator, got.denominator) == expected, pack


def test_a_pack_naming_an_unknown_closure_outcome_is_refused():
    from pydantic import ValidationError

    from grievance_rules.packs.schema import Scoring

    with pytest.raises(ValidationError, match="unknown closure outcome 'forgiven'"):
        Scoring(strike_off_closures=("forgiven",))


@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_a_weeks_interview_is_on_the_row_of_the_period_the_week_begins_in(period):
    # the week of Mon 6 May 2024 (not the first of a month): one 过程不满意 rating on
    # 8 May (the callback the day after a reply on 7 May) is an oral explanation in it
    card = score([order("p1", "c01", MONDAY, process="dissatisfied")], "chengdong", period=period)
    label = {"month": "2024-05", "quarter": "2024-Q2", "year": "2024"}[period]
    row = card.row("c01", label)
    weekly = [(f.tier_id, f.period) for f in row.findings if f.rule_id == "CD-9.weekly"]
    assert weekly == [("CD-9.oral-explanation", "week of 2024-05-06")]


def test_a_two_month_finding_is_kept_on_a_month_with_nothing_else():
    # Sent to 市政所 on Thu 8 February 2024 and signed for only on the 19th: 五、1 reports
    # the late acceptance, and with no 先行联系 by 31 March, 五、2 asks for a written
    # explanation, both for January-February. Nothing happened in January; the
    # monthly card still carries both, on February's row (the first month of the two
    # that the card has), and makes no empty January
    xiayang = [
        {"id": "cyzx", "name": "夏阳街道城运中心", "kind": "dispatch_centre"},
        {"id": "szs", "name": "夏阳街道市政所", "kind": "street_office"},
    ]
    late = WorkOrder.model_validate(
        {
            "id": "XY-late",
            "channel": "hotline_12345",
            "category": "投诉",
            "received_at": "2024-02-08T09:00:00+08:00",
            "units": xiayang,
            "events": [
                {
                    "type": "dispatched",
                    "at": "2024-02-08T09:30:00+08:00",
                    "unit": "cyzx",
                    "to_unit": "szs",
                },
                {"type": "signed_for", "at": "2024-02-19T09:00:00+08:00", "unit": "szs"},
            ],
        }
    )
    as_of = dt.datetime.fromisoformat("2024-03-31T12:00:00+08:00")
    two = score([late], "xiayang", period="two_months", as_of=as_of)
    month = score([late], "xiayang", period="month", as_of=as_of)
    wanted = [
        ("XY-11.late-acceptance", "2024-01/02", "szs"),
        ("XY-12.written-explanation", "2024-01/02", "szs"),
    ]
    assert [(f.rule_id, f.period, f.unit) for f in two.findings()] == wanted
    assert [(f.rule_id, f.period, f.unit) for f in month.findings()] == wanted
    assert [(row.unit, row.period) for row in month.rows] == [("szs", "2024-02")]
    assert month.row("szs", "2024-02").findings == two.row("szs", "2024-01/02").findings


def test_score_and_compare_take_a_pack_as_evaluate_does():
    # by name, object, compiled plan or directory (text or a path): the same scorecard
    from pathlib import Path

    from grievance_rules.engine import compile_pack
    from grievance_rules.scoring import compare

    orders = [order("p1", "c01", MONDAY, process="dissatisfied")]
    pack = find_pack("chengdong")
    by_name = score(orders, "chengdong").model_dump_json()
    for given in (pack, compile_pack(pack), Path(pack.directory), str(pack.directory)):
        assert score(orders, given).model_dump_json() == by_name, type(given)
    plans = [compile_pack(find_pack(name)) for name in ("chengdong", "daye")]
    assert (
        compare(orders, plans).model_dump_json()
        == compare(orders, ["chengdong", "daye"]).model_dump_json()
    )


def test_a_comparison_of_packs_whose_months_begin_on_other_days_dates_its_rows(tmp_path):
    # chengdong against a copy whose month runs from the 26th: two rows called 2024-05
    # for a unit are told apart by their dates (they were alike, each with one pack blank)
    import shutil

    from grievance_rules.packs import load_pack
    from grievance_rules.scoring import compare

    copy = tmp_path / "cd26"
    shutil.copytree(find_pack("chengdong").directory, copy)
    manifest = copy / "pack.yaml"
    text = manifest.read_text(encoding="utf-8").replace("id: chengdong", "id: cd26", 1)
    manifest.write_text(text + "\nmonth_starts_on: 26\n", encoding="utf-8")
    orders = [order("p1", "c01", MONDAY, process="dissatisfied")]
    cmp = compare(orders, [find_pack("chengdong"), load_pack(copy)])
    labels = sorted({row["period"] for row in cmp.unit_scores() if row["unit"] == "c01"})
    assert labels == ["2024-05 (2024-04-26–2024-05-25)", "2024-05 (2024-05-01–2024-05-31)"]


@pytest.mark.parametrize("as_text", [False, True])
def test_scoring_one_order_instead_of_an_iterable_of_orders_is_refused(as_text):
    from grievance_rules.errors import WorkOrderError
    from grievance_rules.scoring import compare, what_if

    record = order("O1", "c01", MONDAY).model_dump(mode="json")
    one = json.dumps(record) if as_text else record
    kind = "str" if as_text else "dict"
    # a dict's keys (a string's characters) were scored as 6 (hundreds of) rejected inputs
    for function, call in [
        ("score", lambda: score(one, "daye")),
        ("compare", lambda: compare(one, ["daye", "xiayang"])),
        ("what_if", lambda: what_if(one, "chengdong", {"points_overdue": -2})),
    ]:
        with pytest.raises(WorkOrderError) as caught:
            call()
        assert str(caught.value) == (
            f"{function} takes an iterable of orders, not a single {kind}: "
            "put the one order in a list ([order])"
        )
    card = score([one], "daye")
    assert (card.inputs, card.assessed, card.rejected) == (1, 1, 0)


def test_the_weight_of_basically_satisfied_is_a_dated_parameter_of_daye():
    # daye's （十五） 满意率 grades no 基本满意: its weight is the parameter
    # basically_satisfied_weight (1.0, as 满意). The quarter above, by hand: rated o1, o2,
    # o3, o5 (o4's 不满意 struck off); satisfied o1, o5, basically satisfied o2.
    daye = find_pack("daye")
    as_satisfied = score(_quarter_orders(), daye, period="quarter").row("c02", "2024-Q2")
    assert as_satisfied.rates["satisfaction"].numerator == 3  # 2 + 1 × 1
    half = daye.with_parameters({"basically_satisfied_weight": 0.5})
    halved = score(_quarter_orders(), half, period="quarter").row("c02", "2024-Q2")
    assert halved.rates["satisfaction"].numerator == 2.5  # 2 + 1 × 0.5
    assert halved.rates["satisfaction"].value == 0.625
    # the composite moves with it, equal weights: (on-time sign-off 5/5 + completion 5/5 +
    # satisfaction) / 3
    assert as_satisfied.composite == pytest.approx((1 + 1 + 0.75) / 3)
    assert halved.composite == pytest.approx((1 + 1 + 0.625) / 3)


def test_a_weight_of_basically_satisfied_above_one_is_refused():
    from grievance_rules.errors import PackError
    from grievance_rules.i18n import language

    with language("en"), pytest.raises(PackError) as refused:
        find_pack("daye").with_parameters({"basically_satisfied_weight": 1.5})
    assert "scoring.basically_satisfied_weight" in str(refused.value)
    assert "a weight must be a number from 0 to 1, got 1.5" in str(refused.value)


def _notice_order(order_id: str, unit: str, points: list[float]) -> WorkOrder:
    """A 计划性办结工单 of May 2024 carrying the district notice's deductions (附件2 第11项)."""
    day = "2024-05-06T{}:00+08:00"
    events = [
        {"type": "dispatched", "at": day.format("09:30"), "unit": "dzb", "to_unit": unit},
        {"type": "signed_for", "at": day.format("10:00"), "unit": unit},
        {"type": "replied", "at": day.format("15:00"), "unit": unit,
         "evidence": [{"kind": "photo", "ref": "p"}]},
    ] + [
        {"type": "external_deduction", "at": f"2024-05-10T09:0{k}:00+08:00", "unit": "dzb",
         "subject_unit": unit, "points": p, "source": "区通报"}
        for k, p in enumerate(points)
    ]  # fmt: skip
    units = [{"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"}] + [
        {"id": f"c0{k}", "name": f"村{k}", "kind": "village_community"} for k in range(1, 6)
    ]
    return WorkOrder.model_validate(
        {"id": order_id, "channel": "12345", "category": "投诉", "units": units,
         "received_at": day.format("09:00"), "special_kinds": ["planned_completion"],
         "events": events}
    )  # fmt: skip


def test_points_equal_in_decimal_tie_whatever_their_binary_sums():
    # c01 −0.1 three times, c02 −0.3 once, c03 −0.1 and −0.2 on one order, c04 −0.2 and
    # −0.1: each −0.3 in decimal (as floats −0.1 + −0.2 is −0.30000000000000004). By hand:
    # the four tie in second place behind c05 (0), and the month's bottom three (三（十）)
    # name all four, a tied group crossing the boundary being named whole (the default)
    orders = [
        _notice_order("e1", "c01", [-0.1]),
        _notice_order("e2", "c01", [-0.1]),
        _notice_order("e3", "c01", [-0.1]),
        _notice_order("e4", "c02", [-0.3]),
        _notice_order("e5", "c03", [-0.1, -0.2]),
        _notice_order("e6", "c04", [-0.2]),
        _notice_order("e7", "c04", [-0.1]),
    ]
    for path in ("per-order", "columnar"):
        card = score(orders, "chengdong", period="month", path=path)
        rows = {u: card.row(u, "2024-05") for u in ("c01", "c02", "c03", "c04", "c05")}
        assert {u: (r.points, r.rank) for u, r in rows.items()} == {
            "c01": (-0.3, 2), "c02": (-0.3, 2), "c03": (-0.3, 2), "c04": (-0.3, 2),
            "c05": (0.0, 1),
        }, path  # fmt: skip
        bottom = "CD-10.bottom-three-secretary"
        named = {u for u, r in rows.items() if any(f.rule_id == bottom for f in r.findings)}
        assert named == {"c01", "c02", "c03", "c04"}, path


def test_a_month_folded_from_parts_gives_the_same_points_as_at_once():
    from grievance_rules.scoring.merge import merge_scorecards, score_partial

    # −0.1, −0.2, −0.3 in one sum is −0.6000000000000001 as floats, −0.1 then (−0.2 −0.3)
    # is −0.6: the card says −0.6 either way (by hand: 0.1 + 0.2 + 0.3)
    orders = [
        _notice_order("e1", "c01", [-0.1]),
        _notice_order("e2", "c01", [-0.2]),
        _notice_order("e3", "c01", [-0.3]),
    ]
    whole = score(orders, "chengdong", period="month")
    parts = merge_scorecards(
        [
            score_partial(orders[:1], "chengdong", key=(0,), period="month"),
            score_partial(orders[1:], "chengdong", key=(1,), period="month"),
        ]
    ).scorecard()
    assert whole.row("c01", "2024-05").points == -0.6
    assert parts.model_dump_json() == whole.model_dump_json()


def _moved_order(order_id: str, events: list[tuple[str, str, str, dict[str, str]]]) -> WorkOrder:
    """An order of April 2024 between two villages, ``c01`` and ``c02``."""
    units = [{"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"}] + [
        {"id": f"c0{k}", "name": f"村{k}", "kind": "village_community"} for k in (1, 2)
    ]
    return WorkOrder.model_validate(
        {"id": order_id, "channel": "12345", "category": "投诉", "units": units,
         "received_at": "2024-04-08T09:00:00+08:00",
         "events": [{"type": kind, "at": f"2024-04-{at}:00+08:00", "unit": unit, **fields}
                    for kind, at, unit, fields in events]}
    )  # fmt: skip


def test_after_a_reassignment_the_new_unit_is_judged_on_its_own_clocks_and_contact():
    # r1 (daye): sent to c01 Mon 04-08 09:30, never signed; moved to c02 Thu 04-11 09:30,
    # which signs at 10:00, calls at 11:00 and replies Fri. The order counts for c02 (its
    # last unit): by hand its sign-off (from Thu 09:30, due Fri 17:30) was met, so 按时签收率
    # and 响应率 1/1; c01's breached sign-off is c01's, not c02's.
    # f1: c01 calls the complainant, then the order moves to c02, which signs and replies
    # but never calls: 先行联系率 counts the handling unit's contact, so c02's is 0/1.
    r1 = _moved_order(
        "r1",
        [
            ("dispatched", "08T09:30", "dzb", {"to_unit": "c01"}),
            ("reassigned", "11T09:30", "dzb", {"from_unit": "c01", "to_unit": "c02"}),
            ("signed_for", "11T10:00", "c02", {}),
            ("first_contact", "11T11:00", "c02", {}),
            ("replied", "12T10:00", "c02", {}),
        ],
    )
    f1 = _moved_order(
        "f1",
        [
            ("dispatched", "08T09:30", "dzb", {"to_unit": "c01"}),
            ("signed_for", "08T10:00", "c01", {}),
            ("first_contact", "08T11:00", "c01", {}),
            ("reassigned", "09T09:30", "dzb", {"from_unit": "c01", "to_unit": "c02"}),
            ("signed_for", "09T10:00", "c02", {}),
            ("replied", "10T10:00", "c02", {}),
        ],
    )
    for path in ("per-order", "columnar"):
        moved = score([r1], "daye", period="month", path=path).row("c02", "2024-04").rates
        assert (moved["on_time_sign_off"].numerator, moved["on_time_sign_off"].denominator) == (
            1,
            1,
        ), path
        assert (moved["response"].numerator, moved["response"].denominator) == (1, 1), path
        contact = score([f1], "daye", period="month", path=path).row("c02", "2024-04").rates
        assert (contact["first_contact"].numerator, contact["first_contact"].denominator) == (
            0,
            1,
        ), path


def test_a_strike_off_of_the_whole_order_takes_it_out_of_assessment():
    # 核减 of the whole order (struck_off, scope assessment): counted nowhere but in
    # `excluded` (docs/scoring.md). By hand, April 2024, c01: a1 satisfied; a2 rated 不满意
    # on its result and unresolved, then struck off whole: orders 1, excluded 1, 满意率 1/1,
    # 解决率 1/1, and under chengdong no point (a2's −0.5 and −0.5 go with it)
    day = dt.date(2024, 4, 8)
    a1 = order("a1", "c01", day)
    data = order("a2", "c01", day, result="dissatisfied", resolved=False).model_dump(mode="json")
    data["events"].append(
        {"type": "struck_off", "at": "2024-04-10T13:00:00+08:00", "unit": "dzb",
         "scope": "assessment", "approved_by": "dzb"}
    )  # fmt: skip
    a2 = WorkOrder.model_validate(data)
    for path in ("per-order", "columnar"):
        card = score([a1, a2], "chengdong", period="month", path=path)
        row = card.row("c01", "2024-04")
        assert (card.assessed, card.excluded) == (1, 1), path
        assert (row.orders, row.excluded, row.points) == (1, 1, 0.0), path
        rates = row.rates
        assert (rates["satisfaction"].numerator, rates["satisfaction"].denominator) == (1, 1)
        assert (rates["resolution"].numerator, rates["resolution"].denominator) == (1, 1)


# ---- orders in no unit's row: counted, by reason and period -------------------------------

_AT = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize("path", ["per-order", "columnar"])
def test_an_order_answered_online_and_one_the_centre_handled_are_counted_in_no_row(path):
    orders = [
        order("u1", "c01", MONDAY),
        order("u2", "c02", MONDAY + dt.timedelta(days=1)),
        answered_online("online", MONDAY),
        handled_by_the_centre("centre", MONDAY + dt.timedelta(days=2)),
    ]
    card = score(orders, "chengdong", period="month", path=path)
    assert (card.inputs, card.assessed, card.excluded, card.rejected) == (4, 4, 0, 0)
    assert "dzb" not in card.units()  # the centre has no row, by design
    assert sum(row.orders for row in card.rows) == 2  # u1 at c01, u2 at c02
    found = card.unattributed
    assert (found.orders, found.excluded) == (2, 0)
    assert found.reasons == {
        "answered_online": 1,
        "transferred_out": 0,
        "not_accepted": 0,
        "handled_by_centre": 1,
        "returned": 0,
        "other": 0,
    }
    [may] = found.periods
    assert (may.period, may.period_kind, may.period_start, may.period_end) == (
        "2024-05",
        "month",
        dt.date(2024, 5, 1),
        dt.date(2024, 6, 1),
    )
    assert (may.orders, may.reasons, may.excluded) == (2, found.reasons, 0)
    dumped = json.loads(card.model_dump_json())["unattributed"]
    assert dumped["orders"] == 2
    assert dumped["reasons"]["answered_online"] == dumped["reasons"]["handled_by_centre"] == 1
    assert dumped["periods"][0]["period"] == "2024-05"


@pytest.mark.parametrize("path", ["per-order", "columnar"])
def test_every_reason_and_the_excluded_orders_in_no_row_add_up_in_each_month(path):
    june = dt.date(2024, 6, 3)
    orders = [
        # May: one order at c01; answered online, transferred out, not accepted
        order("u1", "c01", MONDAY),
        answered_online("online", MONDAY),
        undispatched("out", MONDAY, flags=("transferred_out",)),
        undispatched(
            "refused",
            MONDAY,
            events=((0.2, {"type": "closed", "unit": "dzb", "outcome": "not_accepted"}),),
        ),
        # June: one order at c02, one at c03 excluded from assessment; one the centre
        # handled, one not dispatched yet (nothing says why), one never dispatched and
        # excluded from assessment; and one handed back by an approved return and not
        # sent again, which counts for its last unit, c04 (chengdong's
        # returned_order_counts_for: last_unit)
        order("u2", "c02", june),
        order("u3", "c03", june, excluded=True),
        handled_by_the_centre("centre", june),
        undispatched("waiting", june),
        undispatched(
            "returned",
            june,
            events=(
                (0.5, {"type": "dispatched", "unit": "dzb", "to_unit": "c04"}),
                (1, {"type": "return_requested", "unit": "c04"}),
                (2, {"type": "return_decided", "unit": "dzb", "decision": "approved"}),
            ),
        ),
        undispatched(
            "left-out",
            june,
            events=((1, {"type": "excluded", "unit": "dzb", "approved_by": "dzb"}),),
        ),
    ]
    card = score(orders, "chengdong", period="month", path=path)
    assert (card.inputs, card.assessed, card.excluded, card.rejected) == (10, 8, 2, 0)
    found = card.unattributed
    assert found.reasons == {
        **dict.fromkeys(
            ("answered_online", "transferred_out", "not_accepted", "handled_by_centre"), 1
        ),
        "returned": 0,
        "other": 1,
    }
    assert (found.orders, found.excluded) == (5, 1)
    by_month = {p.period: (p.orders, p.excluded) for p in found.periods}
    assert by_month == {"2024-05": (3, 0), "2024-06": (2, 1)}
    june_reasons = found.periods[1].reasons
    assert [r for r, n in june_reasons.items() if n] == ["handled_by_centre", "other"]
    rows = {p: [r for r in card.rows if r.period == p] for p in by_month}
    assert {p: sum(r.orders for r in rows[p]) for p in rows} == {"2024-05": 1, "2024-06": 2}
    assert card.row("c04", "2024-06").orders == 1  # the returned order
    assert {p: sum(r.excluded for r in rows[p]) for p in rows} == {"2024-05": 0, "2024-06": 1}
    # the invariants, in the card and in each period
    assert sum(r.orders for r in card.rows) + found.orders == card.assessed
    assert sum(r.excluded for r in card.rows) + found.excluded == card.excluded


_SAMPLE: list[WorkOrder] = []


def _sample() -> list[WorkOrder]:
    if not _SAMPLE:
        from grievance_rules.samples import generate_orders

        _SAMPLE.extend(generate_orders(3000, seed=7, months=3))
    return _SAMPLE


@pytest.mark.parametrize("pack", ["chengdong", "xiayang", "daye"])
def test_the_samples_assessed_orders_are_each_in_a_row_or_counted_in_no_row(pack):
    orders = _sample()
    # what the generator settles at the hotline (flagged, never dispatched), by its flags:
    # 119 answered online, 37 transferred out, 28 not accepted (184 of 2,945 assessed)
    flagged = {"answered_online": 0, "transferred_out": 0, "not_accepted": 0}
    for o in orders:
        for flag in o.flags:
            if flag.value in flagged:
                flagged[flag.value] += 1
    assert flagged == {"answered_online": 119, "transferred_out": 37, "not_accepted": 28}
    cards = {p: score(orders, pack, period="quarter", path=p) for p in ("per-order", "columnar")}
    assert cards["per-order"].model_dump_json() == cards["columnar"].model_dump_json()
    card = cards["columnar"]
    assert (card.assessed, card.excluded) == (2945, 55)
    assert sum(row.orders for row in card.rows) == 2761
    assert card.unattributed.orders == 184
    assert card.unattributed.reasons == {
        **flagged,
        "handled_by_centre": 0,
        "returned": 0,
        "other": 0,
    }
    assert card.unattributed.excluded == 0
    for period in card.unattributed.periods:
        rows = [row for row in card.rows if row.period == period.period]
        received = [
            o
            for o in orders
            if period.period_start <= o.received_at.astimezone(_AT).date() < period.period_end
        ]
        assessed = sum(
            1 for o in received if not any(f.value == "excluded_from_assessment" for f in o.flags)
        )
        assert sum(row.orders for row in rows) + period.orders == assessed, period.period
        assert sum(period.reasons.values()) == period.orders
    assert sum(p.orders for p in card.unattributed.periods) == 184
