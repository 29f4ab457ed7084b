"""The engine on the demo pack: every kind of declaration."""

import functools
import json

import pytest

from grievance_rules.engine import RepeatIndex, evaluate_many
from grievance_rules.engine import evaluate as checked_evaluate
from grievance_rules.errors import NaiveDatetimeError

from .conftest import at, dispatched, make_order, requires_durable, same_complaint

# These tests build small histories to exercise one rule each (a callback with no
# reply before it, a return decided with no request ...); what the engine does with
# them is the point, so the history checks every entry point runs are skipped here.
# tests/engine/test_input_checks.py tests the checks themselves.
evaluate = functools.partial(checked_evaluate, check_history=False)


def clock(assessment, rule_id, occurrence=0):
    return next(c for c in assessment.clocks if c.rule_id == rule_id and c.occurrence == occurrence)


def points(assessment, rule_id):
    return [d.points for d in assessment.deductions if d.rule_id == rule_id]


# -- clocks ------------------------------------------------------------------------------


def test_clock_states_over_time(demo) -> None:
    # dispatched Monday 09:30; 2 working days civil_code -> Wednesday 17:30
    order = make_order(dispatched("2024-05-06T09:30"))
    assert clock(evaluate(order, demo, at("2024-05-06T12:00")), "D-reply").state == "running"
    mid = evaluate(order, demo, at("2024-05-08T09:00"))
    assert clock(mid, "D-reply").due == at("2024-05-08T17:30")
    assert clock(mid, "D-reply").warning_level == "yellow"
    assert clock(evaluate(order, demo, at("2024-05-08T16:00")), "D-reply").warning_level == "red"
    assert clock(evaluate(order, demo, at("2024-05-08T17:30")), "D-reply").state == "running"
    late = evaluate(order, demo, at("2024-05-08T17:31"))
    assert clock(late, "D-reply").state == "breached"
    assert points(late, "D-late") == [-1.0]


def test_clock_met_one_minute_before_and_breached_one_minute_after(demo) -> None:
    def state(reply: str) -> str:
        order = make_order(
            dispatched("2024-05-06T09:30"), {"type": "replied", "at": reply, "unit": "c07"}
        )
        return clock(evaluate(order, demo, at("2024-05-20T00:00")), "D-reply").state

    assert state("2024-05-08T17:29") == "met"
    assert state("2024-05-08T17:30") == "met"
    assert state("2024-05-08T17:31") == "breached"


def test_a_pending_return_pauses_the_clock(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "return_requested", "at": "2024-05-06T10:00", "unit": "c07", "reason": "x"},
    )
    paused = clock(evaluate(order, demo, at("2024-05-09T10:00")), "D-reply")
    assert paused.state == "paused"
    decided = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "return_requested", "at": "2024-05-06T10:00", "unit": "c07", "reason": "x"},
        {"type": "return_decided", "at": "2024-05-07T10:00", "unit": "ctr", "decision": "refused"},
    )
    # paused office time: Mon 10:00-17:30 less lunch (6h) + Tue 09:00-10:00 (1h) = 7h
    assert clock(evaluate(decided, demo, at("2024-05-07T11:00")), "D-reply").due == at(
        "2024-05-09T17:30"
    )


def test_an_extension_moves_the_due_instant_within_its_cap(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {
            "type": "extension_granted",
            "at": "2024-05-07T09:00",
            "unit": "ctr",
            "new_deadline": "2024-05-20T17:30:00+08:00",
        },
    )
    c = clock(evaluate(order, demo, at("2024-05-15T09:00")), "D-reply")
    assert c.due == at("2024-05-20T17:30")
    assert c.state == "running"
    far = make_order(
        dispatched("2024-05-06T09:30"),
        {
            "type": "extension_granted",
            "at": "2024-05-07T09:00",
            "unit": "ctr",
            "new_deadline": "2024-09-30T17:30:00+08:00",
        },
    )
    capped = clock(evaluate(far, demo, at("2024-05-15T09:00")), "D-reply")
    # 30 working days from Monday 2024-05-06 09:30 (civil_code): 2024-06-18 (端午 6-10 skipped)
    assert capped.due == at("2024-06-18T17:30")
    assert any("capped" in step for step in capped.trace)


def test_an_extension_granted_after_the_breach_does_not_count(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {
            "type": "extension_granted",
            "at": "2024-05-09T09:00",
            "unit": "ctr",
            "new_deadline": "2024-05-20T17:30:00+08:00",
        },
    )
    assert clock(evaluate(order, demo, at("2024-05-10T09:00")), "D-reply").state == "breached"


def test_one_clock_per_continuation_with_its_committed_deadline(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {
            "type": "continuation",
            "at": "2024-05-07T10:00",
            "unit": "c07",
            "committed_deadline": "2024-05-15T17:30:00+08:00",
        },
        {
            "type": "continuation",
            "at": "2024-05-16T10:00",
            "unit": "c07",
            "committed_deadline": "2024-05-24T17:30:00+08:00",
        },
        {"type": "closed", "at": "2024-05-20T10:00", "unit": "ctr"},
    )
    a = evaluate(order, demo, at("2024-05-21T00:00"))
    assert [c.state for c in a.clocks if c.rule_id == "D-continuation"] == ["breached", "met"]


def test_elapsed_hour_clock_applies_only_to_urgent_orders(demo) -> None:
    normal = make_order(dispatched("2024-05-06T09:30"))
    assert not [c for c in evaluate(normal, demo).clocks if c.rule_id == "D-urgent-hour"]
    urgent = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "replied", "at": "2024-05-06T09:59", "unit": "c07"},
        urgency="紧急",
    )
    assert clock(evaluate(urgent, demo), "D-urgent-hour").state == "met"  # received 09:00


def test_the_deadline_written_on_the_order(demo) -> None:
    order = make_order(dispatched("2024-05-06T09:30"), reply_deadline="2024-05-07T12:00:00+08:00")
    c = clock(evaluate(order, demo, at("2024-05-07T12:01")), "D-written")
    assert (c.due, c.state) == (at("2024-05-07T12:00"), "breached")
    without = make_order(dispatched("2024-05-06T09:30"))
    assert not [c for c in evaluate(without, demo).clocks if c.rule_id == "D-written"]


def test_dated_parameters_judge_an_order_by_its_receipt_date(demo) -> None:
    def due(received: str, dispatch: str):
        order = make_order(dispatched(dispatch), received_at=received + "+08:00")
        return clock(evaluate(order, demo, at("2024-07-30T00:00")), "D-reply").due

    assert due("2024-06-28T09:00:00", "2024-06-28T10:00") == at("2024-07-02T17:30")  # 2 WD
    assert due("2024-07-01T09:00:00", "2024-07-01T10:00") == at("2024-07-04T17:30")  # 3 WD
    order = make_order(dispatched("2024-07-01T10:00"), received_at="2024-07-01T09:00:00+08:00")
    old_rules = evaluate(order, demo, at("2024-07-30T00:00"), judged_on=at("2024-06-01").date())
    assert clock(old_rules, "D-reply").due == at("2024-07-03T17:30")


# -- windows -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_at", "state"),
    [("2024-05-06T14:29", "within"), ("2024-05-06T14:30", "within"), ("2024-05-06T14:31", "late")],
)
def test_return_window_half_a_working_day(demo, request_at: str, state: str) -> None:
    # 09:30 + 3h30 of office time = 14:30 (lunch 12:00-13:30 skipped)
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "return_requested", "at": request_at, "unit": "c07", "reason": "x"},
    )
    (window,) = evaluate(order, demo).windows
    assert window.closes_at == at("2024-05-06T14:30")
    assert window.state == state
    assert points(evaluate(order, demo), "D-late") == ([-1.0] if state == "late" else [])


def test_the_other_reading_of_half_a_day_is_one_parameter_away(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "return_requested", "at": "2024-05-06T16:00", "unit": "c07", "reason": "x"},
    )
    assert evaluate(order, demo).windows[0].state == "late"
    noon = demo.with_parameters({"half_day_rule": "noon_cutoff"})
    (window,) = evaluate(order, noon).windows
    assert window.closes_at == at("2024-05-06T17:30")  # the whole afternoon session
    assert window.state == "within"
    assert evaluate(order, noon).pack == "demo@1+half_day_rule=noon_cutoff"


# -- deductions --------------------------------------------------------------------------


def test_redo_progression_doubles(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        *[
            {
                "type": "redo_ordered",
                "at": f"2024-05-{d:02d}T10:00",
                "unit": "ctr",
                "level": "district",
            }
            for d in (7, 8, 9)
        ],
    )
    assert points(evaluate(order, demo), "D-redo-district") == [-1.0, -2.0, -4.0]


def test_redo_after_continuation_counts_only_after_one(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "redo_ordered", "at": "2024-05-07T10:00", "unit": "ctr", "level": "city"},
        {
            "type": "continuation",
            "at": "2024-05-08T10:00",
            "unit": "c07",
            "committed_deadline": "2024-05-15T17:30:00+08:00",
        },
        {"type": "redo_ordered", "at": "2024-05-09T10:00", "unit": "ctr", "level": "city"},
    )
    a = evaluate(order, demo)
    assert [d.occurrence for d in a.deductions if d.rule_id == "D-redo-after-continuation"] == [
        "event 3 (redo_ordered)"
    ]


def test_charges_handling_trigger_and_subject_units(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "replied", "at": "2024-05-06T11:00", "unit": "c07"},
        {"type": "proactive_handling", "at": "2024-05-06T12:00", "unit": "c08"},
        {
            "type": "external_deduction",
            "at": "2024-05-31T12:00",
            "unit": "ctr",
            "subject_unit": "c08",
            "points": -2.5,
            "source": "区通报2024-05",
        },
        {
            "type": "callback",
            "at": "2024-05-07T09:00",
            "unit": "ctr",
            "process_satisfaction": "不满意",
        },
    )
    a = evaluate(order, demo)
    got = {(d.rule_id, d.points, d.unit) for d in a.deductions}
    assert got == {
        ("D-no-evidence", -0.5, "c07"),
        ("D-proactive", 1.0, "c08"),
        ("D-external", -2.5, "c08"),
        ("D-process", -1.0, "c07"),
    }
    assert a.points == -3.0
    assert a.points_by_unit() == {"c07": -1.5, "c08": -1.5}


def test_escalation_triggered_deduction_with_cap(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        *[
            {
                "type": "continuation",
                "at": f"2024-05-{d:02d}T10:00",
                "unit": "c07",
                "committed_deadline": "2024-06-28T17:30:00+08:00",
            }
            for d in (7, 8, 9)
        ],
    )
    a = evaluate(order, demo, at("2024-05-10T00:00"))
    (interview,) = [e for e in a.escalations if e.rule_id == "D-interview"]
    assert interview.since == at("2024-05-08T10:00")
    assert interview.target_unit == "c07"
    assert interview.target_role == "leader_in_charge"
    assert points(a, "D-second-continuation") == [-3.0]


# -- escalations -------------------------------------------------------------------------


def test_two_returns_from_different_units(demo) -> None:
    def returns(*units: str):
        events = [dispatched("2024-05-06T09:30")]
        for i, unit in enumerate(units):
            events.append(
                {
                    "type": "return_requested",
                    "at": f"2024-05-06T1{i}:00",
                    "unit": unit,
                    "reason": "x",
                }
            )
        return [e.rule_id for e in evaluate(make_order(*events), demo).escalations]

    assert "D-sign-dispatch" not in returns("c07", "c07")
    assert "D-sign-dispatch" in returns("c07", "off")


def test_all_and_not(demo) -> None:
    tendency = {
        "type": "callback",
        "at": "2024-05-07T09:00",
        "unit": "ctr",
        "dissatisfaction_tendency": True,
    }
    struck = {"type": "struck_off", "at": "2024-05-08T09:00", "unit": "ctr"}
    warned = evaluate(make_order(dispatched("2024-05-06T09:30"), tendency), demo)
    assert [e.rule_id for e in warned.escalations] == ["D-warning-order"]
    assert warned.escalations[0].since == at("2024-05-07T09:00")
    spared = evaluate(make_order(dispatched("2024-05-06T09:30"), tendency, struck), demo)
    assert spared.escalations == ()


def test_repeat_across_orders(demo) -> None:
    orders = same_complaint("2024-05-06", "2024-05-13", "2024-05-20")
    index = RepeatIndex.from_orders(orders)
    fired = [[e.rule_id for e in evaluate(o, demo, repeats=index).escalations] for o in orders]
    assert fired == [[], [], ["D-on-site"]]
    alone = evaluate(orders[2], demo)
    assert alone.escalations == ()
    assert [w.code for w in alone.warnings] == ["repeat_needs_other_orders"]


# -- records, warnings, determinism -------------------------------------------------------


def test_records_say_what_was_computed(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "escalated", "at": "2024-05-07T09:00", "unit": "c07", "form_filed": True},
    )
    (record,) = evaluate(order, demo).records
    assert record.computed is True
    assert "meeting" in record.not_computed


def test_events_after_as_of_are_ignored_and_said(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"), {"type": "replied", "at": "2024-05-07T09:00", "unit": "c07"}
    )
    a = evaluate(order, demo, at("2024-05-06T12:00"))
    assert clock(a, "D-reply").state == "running"
    assert "events_after_as_of" in [w.code for w in a.warnings]


def test_as_of_defaults_to_the_last_recorded_instant(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"), {"type": "replied", "at": "2024-05-09T09:00", "unit": "c07"}
    )
    assert evaluate(order, demo).as_of == at("2024-05-09T09:00")


def test_naive_as_of_is_refused(demo) -> None:
    import datetime as dt

    with pytest.raises(NaiveDatetimeError):
        evaluate(make_order(), demo, dt.datetime(2024, 5, 6, 12))


def test_every_finding_carries_rule_citation_and_trace(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"), {"type": "replied", "at": "2024-05-09T09:00", "unit": "c07"}
    )
    a = evaluate(order, demo)
    findings = [*a.clocks, *a.windows, *a.deductions, *a.escalations]
    assert findings
    for finding in findings:
        assert finding.citation.source == "demo.txt"
        assert finding.citation.text
        assert finding.trace


def test_output_is_deterministic_to_the_byte(demo) -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"), {"type": "replied", "at": "2024-05-09T09:00", "unit": "c07"}
    )
    first = evaluate(order, demo).model_dump_json()
    assert all(evaluate(order, demo).model_dump_json() == first for _ in range(5))
    json.loads(first)


def test_evaluate_many_accounts_for_every_input(demo) -> None:
    good = make_order(dispatched("2024-05-06T09:30")).model_dump(mode="json")
    again = {**good, "id": "T2"}
    inputs = [good, {"id": "bad"}, json.dumps(again), "{not json", good]
    results = list(evaluate_many(inputs, demo))
    assert [r.position for r in results] == [0, 1, 2, 3, 4]
    assert [r.assessment is not None for r in results] == [True, False, True, False, False]
    assert results[4].rejection.reasons == ("id: duplicate order id 'T1' (first at #0)",)
    assert results[1].rejection.order_id == "bad"
    assert any("channel" in reason for reason in results[1].rejection.reasons)


def test_evaluate_many_over_two_processes_gives_the_same_answers(demo) -> None:
    orders = [
        make_order(
            dispatched(f"2024-05-{d:02d}T09:30"),
            id=f"P{d}",
            received_at=f"2024-05-{d:02d}T09:00:00+08:00",
        ).model_dump(mode="json")
        for d in range(6, 18)
    ]
    one = [r.assessment.model_dump_json() for r in evaluate_many(orders, demo)]
    two = [
        r.assessment.model_dump_json()
        for r in evaluate_many(orders, demo, processes=2, chunk_size=3)
    ]
    assert one == two


def test_duplicates_are_told_apart_alike_over_two_processes(demo) -> None:
    # the workers send each order's id with its assessment; the parent's duplicate
    # check must reject exactly what one process rejects (ids with quotes and CJK too)
    ids = ["D1", 'D"2', "工单-3", "D1", 'D"2', "D4", "工单-3"]
    orders = [
        make_order(
            dispatched("2024-05-06T09:30"),
            id=order_id,
            received_at="2024-05-06T09:00:00+08:00",
        ).model_dump(mode="json")
        for order_id in ids
    ]
    orders.insert(2, {"id": "D1"})  # invalid: rejected, and it does not claim D1

    def outcome(processes: int) -> list[tuple[bytes | None, tuple[str, ...] | None]]:
        return [
            (r.to_json(), None if r.rejection is None else r.rejection.reasons)
            for r in evaluate_many(orders, demo, processes=processes, chunk_size=2)
        ]

    one = outcome(1)
    assert one == outcome(2)
    reasons = [r for _, r in one]
    assert reasons[4] == ("id: duplicate order id 'D1' (first at #0)",)
    assert reasons[5] == ("id: duplicate order id 'D\"2' (first at #1)",)
    assert reasons[7] == ("id: duplicate order id '工单-3' (first at #3)",)
    assert [r is None for r in reasons] == [True, True, False, True, False, False, True, False]


def test_an_assessment_is_the_same_bytes_in_every_language() -> None:
    # a deadline the calendar refuses (2150 is past its end, 2060-12-31) becomes a data
    # warning; the calendar says its refusals in the chosen language, the assessment
    # in English whatever it is (the service promises the same bytes for zh and en)
    from grievance_rules.i18n import language

    order = make_order(
        dispatched("2150-05-06T09:30"), id="Y2150", received_at="2150-05-06T09:00:00+08:00"
    )
    with language("zh"):
        chinese = checked_evaluate(order, "xiayang").model_dump_json()
    with language("en"):
        english = checked_evaluate(order, "xiayang")
    assert chinese == english.model_dump_json()
    refused = [w for w in english.warnings if w.code == "deadline_not_computable"]
    assert refused[0].message.startswith(
        "XY-1.accept: 2150-05-06 is outside the calendar 'china', which covers 2004-01-01 "
        "to 2060-12-31"
    )


def test_a_dict_or_json_text_is_refused_by_evaluate_with_what_to_do(demo) -> None:
    # evaluate_many validates dicts and JSON itself; evaluate takes a WorkOrder and says so
    # (it used to fail with AttributeError: 'dict' object has no attribute '__dict__')
    from grievance_rules.errors import WorkOrderError
    from grievance_rules.i18n import language

    order = make_order(dispatched("2024-05-06T09:30"))
    for given in (order.model_dump(mode="json"), order.model_dump_json()):
        with pytest.raises(WorkOrderError, match=r"evaluate takes a WorkOrder, not a (dict|str)"):
            checked_evaluate(given, demo)  # type: ignore[arg-type]
    with language("zh"), pytest.raises(WorkOrderError, match="evaluate 需要一个 WorkOrder"):
        checked_evaluate(order.model_dump(), demo)  # type: ignore[arg-type]


def test_a_bad_as_of_or_engine_is_said_in_chinese_too(demo) -> None:
    from grievance_rules.errors import CalendarError, EngineError
    from grievance_rules.i18n import language

    order = make_order(dispatched("2024-05-06T09:30"))
    with language("zh"):
        with pytest.raises(CalendarError, match="as_of 须为 datetime"):
            checked_evaluate(order, demo, "2024-05-08T09:00+08:00")  # type: ignore[arg-type]
        with pytest.raises(EngineError, match="未知的引擎 'drools'"):
            checked_evaluate(order, demo, engine="drools")  # type: ignore[arg-type]


@pytest.mark.parametrize("engine", ["native", pytest.param("durable", marks=requires_durable)])
def test_a_paused_clock_lights_on_its_running_time(demo, engine) -> None:
    # D-reply: 2 working days (civil_code) from Monday 2024-05-06 09:30, due Wednesday
    # 17:30: 20.5 h of office time (Mon 09:30-12:00 and 13:30-17:30 6.5 h, Tue 7 h, Wed 7 h).
    # Paused Monday 10:00-15:00 (10:00-12:00 and 13:30-15:00: 3.5 h of office time), so due
    # moves to Thursday 14:00. While paused the clock stands still: the share of the period
    # is running time (paused time left out) over the 20.5 h.
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "return_requested", "at": "2024-05-06T10:00", "unit": "c07", "reason": "x"},
        {"type": "return_decided", "at": "2024-05-06T15:00", "unit": "ctr", "decision": "refused"},
    )

    def seen(as_of: str):
        return clock(evaluate(order, demo, at(as_of), engine=engine), "D-reply")

    # Tuesday 12:00: Mon 09:30-10:00 and 15:00-17:30 (3 h), Tue 09:00-12:00 (3 h): 6 / 20.5
    assert seen("2024-05-07T12:00").elapsed_fraction == 0.292683
    # yellow (0.5) at 10.25 h: Tue 17:30 makes 10 h, then Wed 09:00-09:15
    assert seen("2024-05-08T09:14:59").warning_level is None
    assert seen("2024-05-08T09:15").warning_level == "yellow"
    # red (0.75) at 15.375 h: Wed 09:00-12:00 makes 13 h, then 2 h 22.5 min from 13:30
    assert seen("2024-05-08T15:52:29").warning_level == "yellow"
    assert seen("2024-05-08T15:52:30").warning_level == "red"
    # at the due instant the whole period has run
    due = seen("2024-05-09T14:00")
    assert (due.due, due.state, due.elapsed_fraction) == (at("2024-05-09T14:00"), "running", 1.0)
