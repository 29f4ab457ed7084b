"""Properties of scorecards: a year is the sum of its months; reading order does not matter."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.packs import find_pack
from grievance_rules.scoring import compare, score
from grievance_rules.scoring.scorecard import merge_counts
from tests.scoring.orders import order

RATING = st.sampled_from(["satisfied", "basically_satisfied", "dissatisfied"])


@st.composite
def order_sets(draw):
    count = draw(st.integers(min_value=1, max_value=8))
    orders = []
    for k in range(count):
        day = dt.date(2024, 1, 2) + dt.timedelta(days=draw(st.integers(0, 360)))
        orders.append(
            order(
                f"o{k}",
                draw(st.sampled_from(["c01", "c02", "c03", "cgb"])),
                day,
                process=draw(RATING),
                result=draw(RATING),
                resolved=draw(st.booleans()),
                reply_days=draw(st.integers(0, 9)),
                contact=draw(st.booleans()),
            )
        )
    return orders


PACKS = st.sampled_from(["chengdong", "xiayang", "daye"])
SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(orders=order_sets(), pack=PACKS)
def test_the_annual_score_is_the_sum_of_the_monthly_scores(orders, pack):
    loaded = find_pack(pack)
    months = score(orders, loaded, period="month")
    years = score(orders, loaded, period="year")
    for row in years.rows:
        monthly = [m for m in months.rows if m.unit == row.unit and m.period.startswith(row.period)]
        assert row.points == sum(m.points for m in monthly)
        assert row.counts == merge_counts(monthly)
        assert row.orders == sum(m.orders for m in monthly)
        assert row.rates["completion"].numerator == sum(
            m.rates["completion"].numerator for m in monthly
        )


@SETTINGS
@given(orders=order_sets(), pack=PACKS, seed=st.randoms(use_true_random=False))
def test_totals_do_not_depend_on_the_order_in_which_orders_are_read(orders, pack, seed):
    shuffled = list(orders)
    seed.shuffle(shuffled)
    first = score(orders, pack, period="quarter")
    second = score(shuffled, pack, period="quarter")
    assert first.model_dump_json(exclude={"rejections"}) == second.model_dump_json(
        exclude={"rejections"}
    )


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orders=order_sets())
def test_a_comparison_holds_each_packs_own_scorecard(orders):
    result = compare(orders, ["chengdong", "daye"], period="month")
    for card in result.scorecards:
        alone = score(orders, card.pack.split("@")[0], period="month")
        assert card.model_dump_json() == alone.model_dump_json()
    assert result.inputs == result.assessed + result.rejected == len(orders)
