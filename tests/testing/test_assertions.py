"""Assertion helpers on real assessments: what they return and how they fail."""

import datetime as dt
import importlib.resources

import pytest

import grievance_rules.testing as testing
from grievance_rules.engine import evaluate
from grievance_rules.reading import read_orders
from grievance_rules.testing import (
    assert_deadline,
    assert_deduction,
    assert_escalation,
    assert_no_finding,
    assert_window,
)

SAMPLES = importlib.resources.files("grievance_rules") / "samples" / "orders.jsonl"
ORDERS = {order.id: order for order in read_orders(str(SAMPLES)).orders}


@pytest.fixture(scope="module")
def late():
    """S-0001 under chengdong: a provincial order replied after its 2 working days."""
    return evaluate(ORDERS["S-0001"], "chengdong")


@pytest.fixture(scope="module")
def redone():
    """S-0004 under chengdong: continuations missed, redone, supervised, an interview."""
    return evaluate(ORDERS["S-0004"], "chengdong")


def test_found_findings_are_returned(late, redone):
    clock = assert_deadline(late, "CD-5.provincial-urgent", state="breached", unit="c07")
    assert clock.due == dt.datetime.fromisoformat("2026-02-14T10:30:00+08:00")
    deduction = assert_deduction(late, "CD-A2.1.overdue", points=-1, unit="c07")
    assert deduction.points == -1.0
    escalation = assert_escalation(redone, "CD-7.interview-village", target_unit="c07")
    assert escalation.action == "约谈"
    second = assert_deadline(redone, "CD-7.continuation", occurrence=1)
    assert second.due.isoformat() == "2026-03-31T17:30:00+08:00"
    assert assert_deduction(redone, "CD-A2.7.redo-district", sequence=2).points == -2.0


def test_instants_compare_as_instants_whatever_their_zone(late):
    utc = "2026-02-14T02:30:00+00:00"
    assert assert_deadline(late, "CD-5.provincial-urgent", due=utc).unit == "c07"
    as_datetime = dt.datetime(2026, 2, 14, 2, 30, tzinfo=dt.UTC)
    assert assert_deadline(late, "CD-5.provincial-urgent", due=as_datetime).unit == "c07"
    with pytest.raises(ValueError, match="has no UTC offset"):  # a NaiveDatetimeError
        assert_deadline(late, "CD-5.provincial-urgent", due="2026-02-14T10:30:00")


def test_a_wrong_deadline_lists_the_clocks_found_with_citation_and_trace(late):
    with pytest.raises(AssertionError) as failure:
        assert_deadline(late, "CD-5.provincial-urgent", state="met")
    message = str(failure.value)
    assert message.startswith(
        "order S-0001 (chengdong@2024): no clock of CD-5.provincial-urgent with state=met; "
        "found instead:\n"
    )
    assert "clock CD-5.provincial-urgent #0: state=breached, due=2026-02-14T10:30:00+08:00" in (
        message
    )
    assert (
        "citation: 000_52d67764f2e06ee6.txt 三（五）按期回复制「省级热线、紧急件2个工作日内回复」"
        in (message)
    )
    assert "counted make-up day 2026-02-14" in message
    assert "stopped 2026-02-24T16:00:00+08:00 by event 3 (replied): breached" in message


def test_a_missing_deduction_lists_the_deductions_of_the_order(late, redone):
    with pytest.raises(AssertionError) as failure:
        assert_deduction(late, "CD-A2.3.process-unsatisfied", points=-1, unit="c07")
    message = str(failure.value)
    assert "no deduction of CD-A2.3.process-unsatisfied with points=-1, unit=c07" in message
    # none of that rule: every deduction of the order is shown instead
    assert "deduction CD-A2.1.overdue: points=-1, unit=c07" in message
    assert "charged to handling unit: c07" in message
    with pytest.raises(AssertionError, match=r"points=-3.*found instead:\n  deduction CD-A2\.7"):
        assert_deduction(redone, "CD-A2.7.redo-district", points=-3)


def test_nothing_of_the_kind_at_all(late):
    with pytest.raises(AssertionError, match="found no windows at all"):
        assert_window(late, "CD-2.return-window", state="late")
    with pytest.raises(AssertionError, match="found no escalations at all"):
        assert_escalation(late, "CD-7.interview-village")


def test_assert_no_finding(late):
    assert_no_finding(late, "CD-2.return-window")
    assert_no_finding(late, "CD-A2.1.overdue", kinds=["clocks", "escalations"])
    with pytest.raises(AssertionError) as failure:
        assert_no_finding(late, "CD-A2.1.overdue")
    message = str(failure.value)
    assert "expected no finding of CD-A2.1.overdue; found:" in message
    assert "deduction CD-A2.1.overdue: points=-1, unit=c07" in message
    assert "citation: " in message
    with pytest.raises(ValueError, match="unknown kind 'clock'"):
        assert_no_finding(late, "CD-A2.1.overdue", kinds=["clock"])


def test_the_helpers_are_exported_lazily():
    assert set(testing.__all__) >= {
        "assert_deadline",
        "assert_deduction",
        "assert_escalation",
        "assert_no_finding",
        "assert_window",
    }
    for name in testing.__all__:
        assert callable(getattr(testing, name))
    assert set(testing.__all__) <= set(dir(testing))
    with pytest.raises(AttributeError, match="no attribute 'assert_everything'"):
        testing.assert_everything  # noqa: B018


CD_CLOCKS = (
    "CD-1.emergency-feedback, CD-1.emergency-feedback-office, CD-5.provincial-urgent, "
    "CD-5.respond-at-once-completion, CD-5.respond-at-once-first-reply, "
    "CD-5.written-deadline, CD-7.continuation, CD-7.first-continuation-until-second"
)


def test_a_rule_the_pack_does_not_have_says_so(late):
    with pytest.raises(AssertionError) as failure:
        assert_deadline(late, "CD-5.provincial-urgnet", state="breached")
    assert str(failure.value) == (
        "order S-0001 (chengdong@2024): CD-5.provincial-urgnet is not a rule of pack "
        f"chengdong; its clock rules: {CD_CLOCKS}"
    )
    with pytest.raises(AssertionError) as failure:
        assert_deadline(late, "CD-A2.1.overdue")
    assert str(failure.value) == (
        "order S-0001 (chengdong@2024): CD-A2.1.overdue is a deduction rule of pack "
        f"chengdong, not a clock rule; its clock rules: {CD_CLOCKS}"
    )
    with pytest.raises(
        AssertionError,
        match=r"^order S-0001 \(chengdong@2024\): CD-2\.return "
        r"is not a rule of pack chengdong; its window rules: CD-2\.return-window$",
    ):
        assert_window(late, "CD-2.return")
    # asserting that a misspelt rule found nothing would pass whatever the pack does
    with pytest.raises(
        AssertionError,
        match=r"CD-A2\.1\.overdeu is not a rule of pack "
        r"chengdong; its rules: CD-1\.emergency-feedback, ",
    ):
        assert_no_finding(late, "CD-A2.1.overdeu")


def test_a_state_that_is_not_one_of_the_kind_says_so(late):
    with pytest.raises(AssertionError) as failure:
        assert_deadline(late, "CD-5.provincial-urgent", state="late")
    assert str(failure.value) == (
        "state='late' is not a state of a clock; its states: running, paused, met, breached"
    )
    with pytest.raises(AssertionError) as failure:
        assert_window(late, "CD-2.return-window", state="breached")
    assert str(failure.value) == (
        "state='breached' is not a state of a window; its states: within, late"
    )


def test_an_assessment_read_back_knows_its_built_in_pack(late):
    from grievance_rules.engine import Assessment

    again = Assessment.model_validate_json(late.model_dump_json())
    with pytest.raises(AssertionError, match="is not a rule of pack chengdong"):
        assert_deadline(again, "CD-5.nope")


def test_a_number_given_as_text_and_an_unknown_kind_are_refused_by_name(late):
    # points="-1" failed with "no deduction ... with points=-1; found instead: ... points=-1";
    # describe_finding("bogus", f) was an AttributeError
    from grievance_rules.errors import ArgumentError, ArgumentTypeError
    from grievance_rules.i18n import language
    from grievance_rules.testing.assertions import assert_deduction, describe_finding

    assessment = late
    deduction = assessment.deductions[0]
    with language("en"), pytest.raises(ArgumentTypeError, match=r"^points: a number, not '-1'$"):
        assert_deduction(assessment, deduction.rule_id, points="-1")  # type: ignore[arg-type]
    with language("en"), pytest.raises(ArgumentError, match=r"^kind: 'bogus' is not one of "):
        describe_finding("bogus", deduction)
    assert describe_finding("deductions", deduction).startswith(f"deduction {deduction.rule_id}")
