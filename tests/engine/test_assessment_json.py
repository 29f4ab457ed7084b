"""The assessment's JSON as the batch gives it, and findings built without validation.

``assessment_json`` splices each shared record finding's JSON into the rest of the
assessment's; ``trusted`` builds a model as ``model_construct`` does. Both are checked
against pydantic's own output, byte for byte.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from grievance_rules.engine import evaluate_many
from grievance_rules.engine.assessment import (
    Assessment,
    ClockFinding,
    DataWarning,
    RecordFinding,
    assessment_json,
    trusted,
)
from grievance_rules.packs.schema import Citation
from grievance_rules.samples import generate_lines

CITE = Citation(
    source="市12345热线管理办法.md", clause="第七条", text="承办单位应当在规定时限内办结。"
)
AS_OF = dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _record(text: str, computed: bool | None = None) -> RecordFinding:
    return RecordFinding(
        rule_id="R-1", title=text, citation=CITE, not_computed=text, computed=computed
    )


def _assessment(**fields: object) -> Assessment:
    return Assessment.model_validate(
        {
            "order_id": "A1",
            "pack": "p@1",
            "as_of": AS_OF,
            "judged_on": dt.date(2024, 5, 6),
            "excluded_from_assessment": False,
            **fields,
        }
    )


@pytest.mark.parametrize("pack", ["chengdong", "xiayang", "daye"])
def test_equals_model_dump_json_for_generated_orders(pack: str) -> None:
    lines = list(generate_lines(150, seed=3))
    results = list(evaluate_many(lines, pack))
    assert all(r.assessment is not None for r in results)
    with_records = [r for r in results if r.assessment is not None and r.assessment.records]
    assert with_records  # the splice is exercised
    for result in results:
        assert result.assessment is not None
        expected = result.assessment.model_dump_json().encode()
        assert result.to_json() == expected
        assert assessment_json(result.assessment) == expected


def test_a_warning_that_quotes_the_records_key_does_not_move_them() -> None:
    tricky = ',"warnings":[ "records":[] }'
    warning = DataWarning(code="c", message=tricky, rule_id=tricky)
    record = _record(tricky, computed=True)
    a = _assessment(records=(record, record), warnings=(warning, warning))
    raw = a.model_dump_json().encode()
    assert assessment_json(a) == raw
    assert raw.count(b'"records":[') == 1  # the key once, the text escaped


def test_no_records_and_no_warnings() -> None:
    a = _assessment()
    assert assessment_json(a) == a.model_dump_json().encode()
    b = _assessment(records=(_record("x"),))
    assert assessment_json(b) == b.model_dump_json().encode()
    assert assessment_json(b).endswith(b'"warnings":[]}')


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.text(min_size=1, max_size=12), min_size=0, max_size=4),
    messages=st.lists(st.text(max_size=12), max_size=3),
    computed=st.sampled_from([None, True, False]),
)
def test_property_equals_model_dump_json(
    texts: list[str], messages: list[str], computed: bool | None
) -> None:
    records = tuple(_record(t, computed) for t in texts)
    warnings = tuple(DataWarning(code="w", message=m) for m in messages)
    a = _assessment(records=records + records[:1], warnings=warnings)
    assert assessment_json(a) == a.model_dump_json().encode()


def _clock_values() -> dict[str, object]:
    return {
        "rule_id": "CD-1",
        "title": "签收",
        "citation": CITE,
        "trace": ("started", "stopped"),
        "occurrence": 0,
        "start": AS_OF,
        "start_event": 0,
        "due": AS_OF + dt.timedelta(hours=2),
        "stopped_at": None,
        "stop_event": None,
        "state": "running",
        "warning_level": None,
        "elapsed_fraction": 0.5,
        "unit": "dept",
        "provisional": False,
        "skipped_days": (),
        "pauses": (),
    }


def test_trusted_builds_what_model_construct_builds() -> None:
    values = _clock_values()
    reordered = dict(reversed(list(values.items())))  # the declared order wins
    built = trusted(ClockFinding, reordered)
    reference = ClockFinding.model_construct(**values)
    assert list(built.__dict__) == list(ClockFinding.model_fields)
    assert built.__dict__ == reference.__dict__
    assert built.model_fields_set == reference.model_fields_set
    assert built == reference
    assert built.model_dump_json() == reference.model_dump_json()
    assert built.model_dump_json() == ClockFinding.model_validate(values).model_dump_json()
    with pytest.raises(ValidationError):  # frozen, as a validated one
        built.state = "met"  # type: ignore[misc]


def test_trusted_refuses_a_missing_field() -> None:
    values = _clock_values()
    del values["skipped_days"]
    with pytest.raises(KeyError, match="skipped_days"):
        trusted(ClockFinding, values)


def test_models_built_without_validation_share_a_fields_set_no_copy_changes() -> None:
    # the findings of a class share one set of their fields (all of them): a copy with
    # an update, or a deep copy, gets its own, and the others keep theirs as they were
    fields = {"code": "c", "message": "m", "rule_id": None, "event_type": None}
    first = trusted(DataWarning, dict(fields))
    second = trusted(DataWarning, dict(fields))
    changed = first.model_copy(update={"message": "other"})
    deep = second.model_copy(deep=True)
    every = {"code", "message", "rule_id", "event_type"}
    assert first.model_fields_set == second.model_fields_set == every
    assert changed.model_fields_set == deep.model_fields_set == every
    assert changed.model_fields_set is not first.model_fields_set
    assert deep.model_fields_set is not second.model_fields_set
    assert (first.message, changed.message) == ("m", "other")
    assert first == DataWarning.model_construct(**fields)


@pytest.mark.parametrize("pack", ["chengdong", "xiayang", "daye"])
def test_findings_built_without_validation_are_what_validation_makes(pack: str) -> None:
    # every finding the engine builds without validation (clocks, windows, records,
    # escalations, pauses) is equal, field by field and in each field's type, to the
    # one pydantic validates from the same values
    results = list(evaluate_many(list(generate_lines(150, seed=4)), pack))
    seen: set[str] = set()
    for result in results:
        assert result.assessment is not None
        a = result.assessment
        pauses = [p for c in a.clocks for p in c.pauses]
        for finding in (*a.clocks, *a.windows, *a.records, *a.escalations, *pauses):
            values = dict(finding.__dict__)
            again = type(finding).model_validate(values)
            assert again == finding
            assert list(again.__dict__) == list(finding.__dict__)
            assert [type(v) for v in again.__dict__.values()] == [
                type(v) for v in values.values()
            ], finding
            seen.add(type(finding).__name__)
    assert {"ClockFinding", "RecordFinding", "EscalationFinding"} <= seen
