import datetime as dt
import json

import pytest
from pydantic import ValidationError

from grievance_rules.calendar import SHANGHAI
from grievance_rules.model import (
    EVENT_CLASSES,
    Callback,
    Dispatched,
    Replied,
    Unit,
    UnitKind,
    WorkOrder,
    check_history,
)
from tests.model.samples import minimal, record


def _plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool)


def test_sample_is_coherent():
    order = WorkOrder.model_validate(record())
    assert check_history(order) == ()
    assert [type(e) for e in order.events[:1]] == [Dispatched]
    assert len(order.events_of(Callback)) == 2
    assert order.unit("c07").kind is UnitKind.VILLAGE_COMMUNITY


def test_model_json_model_round_trip():
    order = WorkOrder.model_validate(record())
    again = WorkOrder.model_validate_json(order.model_dump_json())
    assert again == order
    assert WorkOrder.model_validate(order.to_fact()) == order


def test_fact_is_plain_json_with_stable_key_order():
    fact = WorkOrder.model_validate(record()).to_fact()
    assert _plain(fact)
    assert list(fact) == list(WorkOrder.model_fields)
    assert list(fact["events"][0])[:5] == ["type", "at", "unit", "id", "note"]
    assert fact["events"][0]["type"] == "dispatched"
    text = json.dumps(fact, ensure_ascii=False)
    assert json.dumps(WorkOrder.model_validate(record()).to_fact(), ensure_ascii=False) == text


def test_fact_instants_are_shanghai_time():
    rec = minimal()
    rec["received_at"] = "2024-05-06T01:00:00Z"
    fact = WorkOrder.model_validate(rec).to_fact()
    assert fact["received_at"] == "2024-05-06T09:00:00+08:00"


def test_fact_leaders_in_role_order():
    unit = Unit(id="c", kind="属地", leaders={"instructor": None, "main_leader": "张"})
    assert list(unit.model_dump(mode="json")["leaders"]) == ["main_leader", "instructor"]


def test_frozen():
    order = WorkOrder.model_validate(minimal())
    with pytest.raises(ValidationError):
        order.id = "X"  # type: ignore[misc]


def test_naive_datetime_rejected():
    rec = minimal()
    rec["received_at"] = "2024-05-06T09:00:00"
    with pytest.raises(ValidationError, match="timezone"):
        WorkOrder.model_validate(rec)
    rec["received_at"] = dt.datetime(2024, 5, 6, 9)
    with pytest.raises(ValidationError, match="timezone"):
        WorkOrder.model_validate(rec)


@pytest.mark.parametrize("number", [1714957200, 1714957200000, 45418.5])
def test_numbers_are_not_instants(number):
    rec = minimal()
    rec["received_at"] = number
    with pytest.raises(ValidationError, match="numbers are not read as instants"):
        WorkOrder.model_validate(rec)
    with pytest.raises(ValidationError, match="numbers are not read as instants"):
        WorkOrder.model_validate_json(json.dumps(rec))


def test_aware_datetime_objects_accepted():
    rec = minimal()
    rec["received_at"] = dt.datetime(2024, 5, 6, 9, tzinfo=SHANGHAI)
    assert WorkOrder.model_validate(rec).received_at.utcoffset() == dt.timedelta(hours=8)


def test_unknown_fields_rejected():
    rec = minimal()
    rec["colour"] = "red"
    with pytest.raises(ValidationError, match="colour"):
        WorkOrder.model_validate(rec)


def test_nan_rejected():
    rec = minimal()
    rec["location"] = {"latitude": float("nan")}
    with pytest.raises(ValidationError):
        WorkOrder.model_validate(rec)


@pytest.mark.parametrize("field", ["latitude", "longitude"])
def test_a_coordinate_of_true_is_refused_not_taken_as_1(field):
    # pydantic's lax float takes true as 1.0; a coordinate is a number, from JSON or Python
    rec = minimal()
    rec["location"] = {field: True}
    with pytest.raises(ValidationError) as refused:
        WorkOrder.model_validate_json(json.dumps(rec, default=str))
    assert [(e["loc"], e["type"]) for e in refused.value.errors()] == [
        (("location", field), "float_type")
    ]
    with pytest.raises(ValidationError):
        WorkOrder.model_validate(rec)
    rec["location"] = {field: 30}
    assert getattr(WorkOrder.model_validate(rec).location, field) == 30.0


def test_chinese_terms_accepted_on_input_english_on_output():
    rec = minimal()
    rec.update(channel="互联网+监督", category="举报", urgency="紧急", special_kinds=["随身拍"])
    fact = WorkOrder.model_validate(rec).to_fact()
    assert (fact["channel"], fact["category"], fact["urgency"], fact["special_kinds"]) == (
        "internet_supervision",
        "report",
        "urgent",
        ["snapshot"],
    )


def test_event_types_are_unique_snake_case_and_have_a_chinese_term():
    assert len(EVENT_CLASSES) == len(set(EVENT_CLASSES))
    for name, cls in EVENT_CLASSES.items():
        assert name == name.lower()
        assert cls.zh
        assert set(cls.unit_fields) <= set(cls.model_fields)
        assert set(cls.instant_fields) <= set(cls.model_fields)


def test_events_of_and_unit_lookup():
    order = WorkOrder.model_validate(record())
    assert [r.kind.value for r in order.events_of(Replied)] == ["preliminary", "substantive"]
    with pytest.raises(KeyError):
        order.unit("nowhere")


def test_reply_without_evidence_is_representable():
    order = WorkOrder.model_validate(record())
    assert order.events_of(Replied)[0].evidence == ()


@pytest.mark.parametrize(
    "text", ["1899-12-31T23:59:59Z", "2200-01-01T00:00:00Z", "9999-12-31T23:00:00-12:00"]
)
def test_absurd_years_rejected(text):
    rec = minimal()
    rec["received_at"] = text
    with pytest.raises(ValidationError, match="outside the years 1900-2199"):
        WorkOrder.model_validate(rec)


def test_booleans_are_not_instants():
    rec = minimal()
    rec["received_at"] = True
    with pytest.raises(ValidationError, match="True is not an instant"):
        WorkOrder.model_validate(rec)


@pytest.mark.parametrize("value", ["2024-05-06", dt.date(2024, 5, 6)])
def test_bare_dates_are_not_instants(value):
    rec = minimal()
    rec["received_at"] = value
    with pytest.raises(ValidationError, match="is a date, not an instant"):
        WorkOrder.model_validate(rec)


@pytest.mark.parametrize(("points", "accepted"), [(-2.0, True), (1000.0, True), (-1000.0, True),
                                                   (1000.5, False), (1e308, False)])  # fmt: skip
def test_an_external_deduction_carries_at_most_a_thousand_points(points, accepted):
    # 1e308 was accepted, and two of them made a scorecard's points inf (JSON null)
    data = minimal()
    data["units"] = [
        {"id": "c", "kind": "village_community"},
        {"id": "q", "kind": "district_centre"},
    ]
    data["events"] = [
        {"type": "external_deduction", "at": "2024-05-07T09:00:00+08:00", "unit": "q",
         "subject_unit": "c", "points": points},
    ]  # fmt: skip
    if accepted:
        assert WorkOrder.model_validate(data).events[0].points == points
        return
    with pytest.raises(ValidationError) as caught:
        WorkOrder.model_validate(data)
    (error,) = caught.value.errors()
    assert error["loc"][-1] == "points"
    assert error["type"] in {"less_than_equal", "greater_than_equal"}
