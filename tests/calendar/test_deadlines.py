"""Deadlines under each counting convention, at the boundaries."""

import datetime as dt

import pytest

from grievance_rules.calendar import (
    Deadline,
    Duration,
    LocalOverlay,
    OfficeHours,
    china,
    compute_deadline,
)
from grievance_rules.errors import (
    CalendarError,
    DurationError,
    NaiveDatetimeError,
    ProvisionalCalendarWarning,
)

HOURS = "09:00-12:00,13:30-17:30"
CST = dt.timezone(dt.timedelta(hours=8))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def office():
    return china(office_hours=HOURS)


@pytest.fixture
def plain():
    return china()


# -- working_time -------------------------------------------------------------------------


def test_one_working_day_from_friday_afternoon_ends_monday_same_time(office) -> None:
    d = office.deadline(at("2026-03-06T15:00+08:00"), "1 working day", "working_time")
    assert d.due == at("2026-03-09T15:00+08:00")
    assert [s.date for s in d.skipped_days] == [dt.date(2026, 3, 7), dt.date(2026, 3, 8)]


def test_working_time_skips_the_spring_festival_and_counts_the_make_up_day(office) -> None:
    d = office.deadline(at("2026-02-13T15:00+08:00"), "2 working days", "working_time")
    # Fri 15:00 -> Sat 14 (make-up) 15:00 -> Tue 24 15:00
    assert d.due == at("2026-02-24T15:00+08:00")
    assert d.makeup_days_counted == (dt.date(2026, 2, 14),)
    assert len(d.skipped_days) == 9


def test_a_deadline_on_an_interval_end_is_that_end(office) -> None:
    d = office.deadline(at("2026-03-09T09:00+08:00"), "1 working day", "working_time")
    assert d.due == at("2026-03-09T17:30+08:00")
    d = office.deadline(at("2026-03-09T09:00+08:00"), "3 working hours", "working_time")
    assert d.due == at("2026-03-09T12:00+08:00")


def test_received_after_office_hours_starts_at_next_opening(office) -> None:
    d = office.deadline(at("2026-03-09T20:00+08:00"), "2 working hours", "working_time")
    assert d.due == at("2026-03-10T11:00+08:00")


def test_received_on_a_holiday_evening(office) -> None:
    # 2026-10-01 is National Day; first working day after the holiday is 10-08 (Thu)
    d = office.deadline(at("2026-10-01T20:15+08:00"), "1 working day", "working_time")
    assert d.due == at("2026-10-08T17:30+08:00")
    assert {s.date for s in d.skipped_days} >= {dt.date(2026, 10, 1), dt.date(2026, 10, 7)}


def test_working_time_from_another_timezone(office) -> None:
    utc = dt.datetime(2026, 3, 6, 7, 0, tzinfo=dt.UTC)  # 15:00 in Shanghai
    assert office.add_working_time(utc, dt.timedelta(hours=7)) == at("2026-03-09T15:00+08:00")


def test_working_time_between_inverts_adding(office) -> None:
    start = at("2026-02-12T11:20+08:00")
    for minutes in (1, 40, 211, 420, 1000, 5000):
        end = office.add_working_time(start, dt.timedelta(minutes=minutes))
        assert office.working_time_between(start, end) == dt.timedelta(minutes=minutes)


def test_in_office_hours(office) -> None:
    assert office.in_office_hours(at("2026-03-09T10:00+08:00"))
    assert not office.in_office_hours(at("2026-03-09T12:30+08:00"))
    assert not office.in_office_hours(at("2026-03-07T10:00+08:00"))  # Saturday
    assert office.in_office_hours(at("2026-02-14T10:00+08:00"))  # make-up Saturday


# -- half a working day -----------------------------------------------------------------------


def test_half_day_as_half_the_minutes(office) -> None:
    d = office.deadline(at("2026-03-09T10:00+08:00"), "半个工作日", "working_time")
    assert d.due == at("2026-03-09T15:00+08:00")  # 2h morning + 1.5h afternoon


def test_half_day_as_noon_cutoff(office) -> None:
    def due(start: str) -> dt.datetime:
        return office.deadline(
            at(start), "0.5 working days", "working_time", half_day="noon_cutoff"
        ).due

    assert due("2026-03-09T08:00+08:00") == at("2026-03-09T12:00+08:00")
    assert due("2026-03-09T09:00+08:00") == at("2026-03-09T12:00+08:00")
    assert due("2026-03-09T10:00+08:00") == at("2026-03-09T17:30+08:00")
    assert due("2026-03-09T12:30+08:00") == at("2026-03-09T17:30+08:00")
    assert due("2026-03-09T15:00+08:00") == at("2026-03-10T12:00+08:00")
    assert due("2026-03-06T15:00+08:00") == at("2026-03-09T12:00+08:00")  # Fri -> Mon


def test_one_and_a_half_days_under_noon_cutoff(office) -> None:
    d = office.deadline(
        at("2026-03-09T10:00+08:00"), "1.5 working days", "working_time", half_day="noon_cutoff"
    )
    assert d.due == at("2026-03-10T17:30+08:00")


def test_noon_cutoff_needs_two_sessions() -> None:
    cal = china(office_hours="09:00-17:00")
    with pytest.raises(DurationError, match="two sessions"):
        cal.deadline(
            at("2026-03-09T10:00+08:00"), "半个工作日", "working_time", half_day="noon_cutoff"
        )


# -- civil_code -------------------------------------------------------------------------------


def test_civil_code_start_day_not_counted_ends_at_midnight(plain) -> None:
    d = plain.deadline(at("2026-03-09T23:59+08:00"), "2 working days", "civil_code")
    assert d.due == at("2026-03-12T00:00+08:00")  # 24:00 of Wednesday 11th
    assert d.last_day == dt.date(2026, 3, 11)


def test_civil_code_with_office_hours_ends_at_closing(office) -> None:
    d = office.deadline(at("2026-03-09T08:00+08:00"), "2 working days", "civil_code")
    assert d.due == at("2026-03-11T17:30+08:00")


def test_civil_code_natural_days_move_off_a_holiday(plain) -> None:
    # 随身拍: 3 natural days from 2026-09-28 end on 10-01 (National Day): moves to 10-08
    d = plain.deadline(at("2026-09-28T10:00+08:00"), "3个自然日", "civil_code")
    assert d.last_day == dt.date(2026, 10, 8)
    assert any("民法典 art. 203" in step for step in d.steps)


def test_civil_code_natural_days_ending_on_a_make_up_day_stay(plain) -> None:
    d = plain.deadline(at("2026-02-11T10:00+08:00"), "3 natural days", "civil_code")
    assert d.last_day == dt.date(2026, 2, 14)


def test_civil_code_refuses_fractions_and_hours(plain) -> None:
    with pytest.raises(DurationError, match="whole days"):
        plain.deadline(at("2026-03-09T10:00+08:00"), "半个工作日", "civil_code")
    with pytest.raises(DurationError, match="hours or minutes"):
        plain.deadline(at("2026-03-09T10:00+08:00"), "1 hour", "civil_code")


def test_same_day(office, plain) -> None:
    assert plain.deadline(at("2026-03-09T20:00+08:00"), "当日", "civil_code").due == at(
        "2026-03-10T00:00+08:00"
    )
    assert office.deadline(at("2026-03-09T10:00+08:00"), "当日", "civil_code").due == at(
        "2026-03-09T17:30+08:00"
    )
    # after closing: the next working day
    assert office.deadline(at("2026-03-09T18:00+08:00"), "same day", "civil_code").due == at(
        "2026-03-10T17:30+08:00"
    )
    # on a holiday: the next working day
    assert office.deadline(at("2026-10-03T10:00+08:00"), "same day", "working_time").due == at(
        "2026-10-08T17:30+08:00"
    )


# -- elapsed ------------------------------------------------------------------------------------


def test_elapsed_hour_runs_through_nights_and_holidays(office) -> None:
    d = office.deadline(at("2026-10-01T23:30+08:00"), "1 hour", "elapsed")
    assert d.due == at("2026-10-02T00:30+08:00")
    d = office.deadline(at("2026-10-01T23:30+08:00"), "90 minutes", "elapsed")
    assert d.due == at("2026-10-02T01:00+08:00")


def test_elapsed_refuses_working_days(plain) -> None:
    with pytest.raises(DurationError, match="working_time"):
        plain.deadline(at("2026-03-09T10:00+08:00"), "1 working day", "elapsed")


# -- errors ----------------------------------------------------------------------------------------


def test_naive_start_is_refused(office) -> None:
    with pytest.raises(NaiveDatetimeError, match="no timezone"):
        office.deadline(dt.datetime(2026, 3, 9, 10), "1 working day", "working_time")
    with pytest.raises(NaiveDatetimeError):
        office.add_working_time(dt.datetime(2026, 3, 9, 10), dt.timedelta(hours=1))


def test_working_time_needs_office_hours(plain) -> None:
    with pytest.raises(DurationError, match="office hours"):
        plain.deadline(at("2026-03-09T10:00+08:00"), "1 working day", "working_time")


def test_explanation_names_skipped_days_and_make_up_days(office) -> None:
    text = office.deadline(at("2026-02-13T15:00+08:00"), "2 working days", "civil_code").explain()
    assert "skipped 2026-02-17 Tue: holiday 春节" in text
    assert "counted 2026-02-14 Sat: make-up working day" in text
    assert "due       2026-02-24T17:30:00+08:00" in text


def test_a_local_working_day_is_explained_as_the_overlay_names_it(plain) -> None:
    # Sat 2026-03-07 opened by a local overlay: counted as its entry says, not as a
    # State Council make-up day, and listed before Sun 03-08, which is skipped
    local = plain.with_overlay(LocalOverlay("demo", working_days={dt.date(2026, 3, 7): "防汛值守"}))
    d = local.deadline(at("2026-03-06T10:00+08:00"), "2 working days", "civil_code")
    lines = d.explain().splitlines()
    assert lines[5:8] == [
        "  counted 2026-03-07 Sat: local workday (防汛值守)",
        "  skipped 2026-03-08 Sun: weekend",
        "due       2026-03-10T00:00:00+08:00",
    ]


def test_a_deadline_stored_without_the_make_up_days_reasons_explains_in_date_order(
    plain,
) -> None:
    d = plain.deadline(at("2026-02-12T10:00+08:00"), "3 working days", "civil_code")
    stored = d.model_dump(mode="json")
    stored.pop("makeup_days", None)  # as written before the reasons were kept
    lines = Deadline.model_validate(stored).explain().splitlines()
    assert lines[5:7] == [
        "  counted 2026-02-14 Sat: make-up working day (调休)",
        "  skipped 2026-02-15 Sun: holiday 春节",
    ]


def test_provisional_deadline_says_so(office) -> None:
    with pytest.warns(ProvisionalCalendarWarning) as caught:
        d = compute_deadline(
            office, at("2027-01-29T10:00+08:00"), Duration.parse("5 working days"), "civil_code"
        )
    assert len(caught) == 1  # one warning for the whole computation
    assert d.provisional
    assert "PROVISIONAL" in d.explain()


def test_deadline_is_json_serialisable_and_deterministic(office) -> None:
    a = office.deadline(at("2026-02-13T15:00+08:00"), "2 working days", "civil_code")
    b = office.deadline(at("2026-02-13T15:00+08:00"), "2 working days", "civil_code")
    assert a.model_dump_json() == b.model_dump_json()
    assert '"due":"2026-02-24T17:30:00+08:00"' in a.model_dump_json()


def test_office_hours_parse_errors() -> None:
    from grievance_rules.errors import CalendarError

    with pytest.raises(CalendarError, match="HH:MM-HH:MM"):
        OfficeHours.parse("9-12")
    with pytest.raises(CalendarError, match="overlap"):
        OfficeHours.parse("09:00-12:00,11:00-13:00")


@pytest.mark.parametrize("text", ["09:75-12:00", "25:00-26:00", "08:30-24:30"])
def test_office_hours_refuse_a_clock_no_day_has(text: str) -> None:
    # 09:75 was read as 10:15 without a word
    with pytest.raises(CalendarError, match=r"is no time of day"):
        OfficeHours.parse(text)


def test_an_interval_that_ends_before_it_begins_is_said_in_hours() -> None:
    with pytest.raises(CalendarError, match=r"interval 17:30-09:00 is not valid"):
        OfficeHours.parse("17:30-09:00")


@pytest.mark.parametrize(
    ("duration", "convention"),
    [
        ("2 working days", "civil_code"),
        ("1.5 working days", "working_time"),
        ("3 hours", "elapsed"),
    ],
)
def test_a_computed_deadline_is_what_validation_would_build(office, duration, convention) -> None:
    # built without validation: the same fields, in the declared order, all of them set
    start = dt.datetime.fromisoformat("2026-02-13T15:20+08:00")
    d = compute_deadline(office, start, duration, convention)
    again = type(d).model_validate(d.model_dump())
    assert list(d.__dict__) == list(type(d).model_fields)
    assert d.model_fields_set == set(type(d).model_fields)
    assert d == again
    assert d.model_dump_json() == again.model_dump_json()
