from typing import Any

import pytest
from hypothesis import given, settings

from grievance_rules.errors import GrievanceRulesError, HistoryError
from grievance_rules.model import (
    ISSUE_SEVERITY,
    IssueCode,
    Severity,
    WorkOrder,
    check_history,
    ensure_coherent,
)
from grievance_rules.testing.strategies import work_orders
from tests.model.samples import record


def _issues(rec: dict[str, Any]) -> list[tuple[str, str]]:
    return [(i.code.value, i.field) for i in check_history(WorkOrder.model_validate(rec))]


def _event(rec: dict[str, Any], index: int) -> dict[str, Any]:
    ev: dict[str, Any] = rec["events"][index]
    return ev


def test_every_code_has_a_severity():
    assert set(ISSUE_SEVERITY) == set(IssueCode)


def test_event_before_received():
    rec = record()
    rec["received_at"] = "2024-05-06T09:35:00+08:00"
    rec["dispatched_at"] = None
    assert _issues(rec) == [("event_before_received", "events[0].at")]


def test_out_of_order():
    rec = record()
    _event(rec, 5)["at"] = "2024-05-06T10:00:00+08:00"  # first contact before the reassignment
    assert ("out_of_order", "events[5].at") in _issues(rec)


def test_one_event_dated_too_late_is_named_alone():
    # the sample's first event dated a year late: every later event used to be "out of
    # order"; taking that one out leaves the rest in order, so it alone is named
    rec = record()
    count = len(rec["events"])
    _event(rec, 0)["at"] = "2025-05-06T09:30:00+08:00"
    issues = check_history(WorkOrder.model_validate(rec))
    late = [i for i in issues if i.code is IssueCode.OUT_OF_ORDER]
    assert [(i.event_index, i.field) for i in late] == [(0, "events[0].at")]
    assert late[0].message.startswith(
        f"event at 2025-05-06T09:30:00+08:00 comes after all {count - 1} events after it"
    )


def test_the_misdated_event_is_said_in_event_order_before_the_orders_own_later_issues():
    # the misdated first event (the dispatch) also no longer matches dispatched_at, an
    # issue the check finds after the events: the event's issue comes first, as the
    # issues of events always do
    rec = record()
    _event(rec, 0)["at"] = "2025-05-06T09:30:00+08:00"
    assert _issues(rec) == [
        ("out_of_order", "events[0].at"),
        ("dispatched_at_mismatch", "dispatched_at"),
    ]


def test_two_events_dated_too_late_are_each_out_of_order_as_before():
    rec = record()
    _event(rec, 0)["at"] = "2025-05-06T09:30:00+08:00"
    _event(rec, 2)["at"] = "2025-05-07T09:30:00+08:00"
    fields = [f for code, f in _issues(rec) if code == "out_of_order"]
    assert len(fields) >= 2
    assert "events[0].at" not in fields


def test_equal_instants_are_in_order():
    rec = record()
    _event(rec, 4)["at"] = _event(rec, 3)["at"]
    assert _issues(rec) == []


def test_callback_before_reply():
    rec = record()
    rec["events"][6:9] = []  # drop the replies and the continuation
    assert _issues(rec) == [
        ("callback_before_reply", "events[6]"),
        ("callback_before_reply", "events[7]"),
    ]


def test_return_decided_without_request():
    rec = record()
    del rec["events"][2]
    assert _issues(rec) == [("return_decided_without_request", "events[2].requester")]
    _event(rec, 2)["requester"] = None
    assert _issues(rec) == [("return_decided_without_request", "events[2]")]


def test_second_decision_on_one_request():
    rec = record()
    rec["events"].insert(4, dict(_event(rec, 3), decision="refused"))
    assert ("return_decided_without_request", "events[4].requester") in _issues(rec)


def test_ambiguous_return_decision():
    rec = record()
    rec["events"].insert(
        2, {"type": "return_requested", "at": "2024-05-06T10:00:00+08:00", "unit": "s02"}
    )
    _event(rec, 4)["requester"] = None
    assert ("ambiguous_return_decision", "events[4].requester") in _issues(rec)


def test_unit_not_reached():
    rec = record()
    del rec["events"][4]  # no reassignment to c07
    codes = _issues(rec)
    assert ("unit_not_reached", "events[4].unit") in codes
    assert all(code == "unit_not_reached" for code, _ in codes)


def test_proactive_handling_reaches_the_unit():
    rec = record()
    rec["events"][4] = {"type": "proactive_handling", "at": "2024-05-06T10:31:00+08:00",
                        "unit": "c07"}  # fmt: skip
    assert _issues(rec) == []


def test_upstream_units_need_not_be_reached():
    rec = record()
    rec["events"].insert(
        0,
        {"type": "supervision", "at": "2024-05-06T09:20:00+08:00", "unit": "qzx",
         "level": "district", "mode": "phone"},
    )  # fmt: skip
    assert _issues(rec) == []


def test_unknown_unit():
    rec = record()
    _event(rec, 0)["to_unit"] = "nowhere"
    issues = _issues(rec)
    assert issues[0] == ("unknown_unit", "events[0].to_unit")


def test_duplicate_unit_and_event_id():
    rec = record()
    rec["units"].append({"id": "c07", "kind": "other"})
    _event(rec, 0)["id"] = "e1"
    _event(rec, 1)["id"] = "e1"
    assert _issues(rec) == [
        ("duplicate_unit", "units[4].id"),
        ("duplicate_event_id", "events[1].id"),
    ]


def test_deadlines_before_their_event_or_receipt():
    rec = record()
    _event(rec, 7)["committed_deadline"] = "2024-05-07T08:00:00+08:00"
    rec["reply_deadline"] = "2024-05-06T09:00:00+08:00"
    assert _issues(rec) == [
        ("deadline_before_received", "reply_deadline"),
        ("deadline_before_event", "events[7].committed_deadline"),
    ]


def test_dispatched_before_received_and_mismatch():
    rec = record()
    rec["dispatched_at"] = "2024-05-06T09:00:00+08:00"
    assert _issues(rec) == [
        ("dispatched_before_received", "dispatched_at"),
        ("dispatched_at_mismatch", "dispatched_at"),
    ]


def test_warnings():
    rec = record()
    rec["dispatched_at"] = "2024-05-06T09:31:00+08:00"
    rec["special_kinds"] = ["respond_at_once", "接诉即办件"]
    rec["events"].append(
        {"type": "extension_granted", "at": "2024-05-12T10:00:00+08:00", "unit": "qzx",
         "new_deadline": "2024-05-20T10:00:00+08:00"}
    )  # fmt: skip
    rec["events"].append({"type": "replied", "at": "2024-05-12T11:00:00+08:00", "unit": "c07"})
    issues = check_history(WorkOrder.model_validate(rec))
    assert [i.code.value for i in issues] == [
        "duplicate_value",
        "extension_without_request",
        "event_after_closed",
        "dispatched_at_mismatch",
    ]
    assert {i.severity for i in issues} == {Severity.WARNING}
    order = WorkOrder.model_validate(rec)
    assert ensure_coherent(order) == issues
    with pytest.raises(HistoryError) as caught:
        ensure_coherent(order, strict=True)
    assert caught.value.issues == issues


def test_redo_after_close_reopens():
    rec = record()
    rec["events"] += [
        {"type": "redo_ordered", "at": "2024-05-12T10:00:00+08:00", "unit": "qzx",
         "level": "city", "to_unit": "c07"},
        {"type": "replied", "at": "2024-05-13T10:00:00+08:00", "unit": "c07", "round": 2},
    ]  # fmt: skip
    assert _issues(rec) == []


def test_extension_granted_for_named_unit():
    rec = record()
    rec["events"][8:8] = [
        {"type": "extension_requested", "at": "2024-05-08T10:00:00+08:00", "unit": "c07"},
        {"type": "extension_granted", "at": "2024-05-08T11:00:00+08:00", "unit": "qzx",
         "new_deadline": "2024-05-20T10:00:00+08:00", "for_unit": "c07"},
    ]  # fmt: skip
    assert _issues(rec) == []


def test_ensure_coherent_raises_on_errors_with_every_error():
    rec = record()
    rec["received_at"] = "2024-05-06T09:35:00+08:00"
    rec["dispatched_at"] = None
    del rec["events"][4]
    order = WorkOrder.model_validate(rec)
    with pytest.raises(GrievanceRulesError) as caught:
        ensure_coherent(order)
    assert isinstance(caught.value, HistoryError)
    assert caught.value.order_id == rec["id"]
    assert {i.code for i in caught.value.issues} == {
        IssueCode.EVENT_BEFORE_RECEIVED,
        IssueCode.UNIT_NOT_REACHED,
    }


def test_issue_to_dict_and_str():
    rec = record()
    del rec["events"][2]
    issue = check_history(WorkOrder.model_validate(rec))[0]
    assert issue.to_dict() == {
        "code": "return_decided_without_request",
        "severity": "error",
        "event_index": 2,
        "field": "events[2].requester",
        "message": (
            "return decided for 's02' (城市管理办公室), which has no undecided return request"
        ),
    }
    assert str(issue).endswith("[return_decided_without_request]")


def test_check_does_not_change_the_order():
    rec = record()
    del rec["events"][4]
    order = WorkOrder.model_validate(rec)
    before = order.model_dump_json()
    check_history(order)
    assert order.model_dump_json() == before


@settings(max_examples=60, deadline=None, database=None)
@given(work_orders())
def test_generated_histories_are_coherent(order):
    assert check_history(order) == ()
    assert ensure_coherent(order, strict=True) == ()


@settings(max_examples=60, deadline=None, database=None)
@given(work_orders())
def test_generated_orders_round_trip_through_json(order):
    assert WorkOrder.model_validate_json(order.model_dump_json()) == order
    assert WorkOrder.model_validate(order.to_fact()) == order


def test_an_issue_is_said_with_the_colon_of_the_language():
    # a batch's history rejections read "events[0]: 尚无回复即已回访" (an ASCII colon in
    # Chinese) where the reader's problems read "：" (see tests/test_i18n.py)
    from grievance_rules.i18n import language
    from grievance_rules.model.history import HistoryIssue, IssueCode

    issue = HistoryIssue(IssueCode.CALLBACK_BEFORE_REPLY, 0, "events[0]", "尚无回复即已回访")
    with language("zh"):
        assert str(issue) == "events[0]：尚无回复即已回访 [callback_before_reply]"
    with language("en"):
        assert str(issue) == "events[0]: 尚无回复即已回访 [callback_before_reply]"


def test_a_unit_the_order_names_is_said_by_id_and_name():
    # c07 is 东风社区 in the order's units, and nothing sent the order there: it acts
    # unreached; an official reads the unit by name, not by its id alone
    from grievance_rules.i18n import language

    rec = record()
    rec["events"].insert(2, {"type": "first_contact", "at": "2024-05-06T09:50:00+08:00",
                             "unit": "c07", "method": "phone"})  # fmt: skip
    order = WorkOrder.model_validate(rec)
    (issue,) = (i for i in check_history(order) if i.code.value == "unit_not_reached")
    assert issue.message == (
        "unit 'c07' (东风社区) acts (first_contact) but the order never reached it"
    )
    with language("zh"):
        (issue,) = (i for i in check_history(order) if i.code.value == "unit_not_reached")
    assert issue.message == "单位 'c07'（东风社区） 有办理动作（先行联系），但工单从未派给该单位"


def test_history_error_counts_its_issues_with_the_noun_in_number():
    from grievance_rules.i18n import language
    from grievance_rules.model import HistoryIssue

    first = HistoryIssue(IssueCode.OUT_OF_ORDER, 3, "events[3].at", "first")
    second = HistoryIssue(IssueCode.OUT_OF_ORDER, 4, "events[4].at", "second")
    with language("en"):
        assert str(HistoryError("A1", (first,))) == (
            "order A1: 1 history issue: events[3].at: first [out_of_order]"
        )
        assert str(HistoryError("A1", (first, second))) == (
            "order A1: 2 history issues: events[3].at: first [out_of_order]; "
            "events[4].at: second [out_of_order]"
        )
    with language("zh"):
        assert str(HistoryError("A1", (first,))).startswith("工单 A1：流转记录有 1 处问题：")
