"""evaluate_periods takes assessments under the pack it is given, and says so."""

from __future__ import annotations

import pytest

from grievance_rules.engine import PeriodTally, evaluate, evaluate_periods
from grievance_rules.errors import EngineError
from grievance_rules.packs import find_pack

from .conftest import dispatched, make_order


def _assessments(pack: str):
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "replied", "at": "2024-05-20T10:00", "unit": "c07"},
        id="P1",
        reply_deadline="2024-05-10T17:30:00+08:00",
    )
    return [evaluate(order, pack)]


def test_assessments_under_another_pack_are_refused_naming_the_order_and_both_packs():
    # they used to count for nothing: chengdong's period rules count chengdong's rule
    # ids, so xiayang's assessments gave no finding, and no word of why
    chengdong = find_pack("chengdong")
    with pytest.raises(EngineError) as caught:
        evaluate_periods(_assessments("xiayang"), chengdong)
    assert str(caught.value) == (
        "the assessment of order P1 is under xiayang@2022-06-08, not chengdong@2024: "
        "evaluate_periods takes assessments under the pack it is given"
    )
    tally = PeriodTally(find_pack("daye"))
    with pytest.raises(EngineError, match=r"^the tally is under daye@2023-05-19, not chengdong"):
        evaluate_periods(tally, chengdong)


def test_other_parameter_values_of_the_same_revision_are_taken():
    # a what-if of the period rules' thresholds: the rule ids are the pack's
    chengdong = find_pack("chengdong")
    lenient = chengdong.with_parameters({"points_overdue": -2})
    assert lenient.key != chengdong.key
    assert evaluate_periods(_assessments("chengdong"), lenient) == evaluate_periods(
        _assessments("chengdong"), chengdong
    )


def test_assessments_under_the_pack_given_are_folded_as_a_tally_of_them_is():
    chengdong = find_pack("chengdong")
    assessments = _assessments("chengdong")
    tally = PeriodTally(chengdong)
    for assessment in assessments:
        tally.add(assessment)
    assert evaluate_periods(assessments, chengdong) == evaluate_periods(tally, chengdong)
