"""The boundary cases' due instants are counted independently of calendar.deadline."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.packs import find_pack
from grievance_rules.testing._boundaries import independent_due
from grievance_rules.testing.strategies import edge_instants

CST = dt.timezone(dt.timedelta(hours=8))
CHENGDONG = find_pack("chengdong")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=CST)


@pytest.mark.parametrize(
    ("start", "duration", "convention", "half", "due"),
    [
        # Spring Festival 2024: 02-10..02-17 off, Sun 02-18 worked (hand-counted in
        # policies/chengdong/scenarios/reply_deadlines.yaml)
        ("2024-02-09T10:00", "2 working days", "working_time", "half_minutes", "2024-02-19T10:00"),
        # half a working day from 09:20: 160 minutes to noon, 50 after 13:30
        ("2026-03-02T09:20", "半个工作日", "working_time", "half_minutes", "2026-03-02T14:20"),
        # noon_cutoff: the first whole session starting at or after the instant
        ("2024-05-06T10:00", "半个工作日", "working_time", "noon_cutoff", "2024-05-06T17:30"),
        ("2024-05-06T15:00", "半个工作日", "working_time", "noon_cutoff", "2024-05-07T12:00"),
        # 当日 after closing: the next working day's closing
        ("2024-05-06T18:00", "当日", "working_time", "half_minutes", "2024-05-07T17:30"),
        # 3 natural days over 国庆 2024, the civil code's roll-forward
        ("2024-09-29T10:00", "3 natural days", "civil_code", "half_minutes", "2024-10-08T17:30"),
        ("2024-09-29T10:00", "3 natural days", "elapsed", "half_minutes", "2024-10-02T10:00"),
        # 「自交办之日起」1 working day before 中秋/国庆 2023: the make-up Saturday 10-07
        ("2023-09-28T10:00", "1 working day", "civil_code", "half_minutes", "2023-10-07T17:30"),
        ("2024-05-06T20:00", "1 hour", "elapsed", "half_minutes", "2024-05-06T21:00"),
    ],
)
def test_hand_counted_due_instants(start, duration, convention, half, due) -> None:
    assert independent_due(CHENGDONG, at(start), duration, convention, half) == at(due)


COMBINATIONS = [
    ("半个工作日", "working_time", "half_minutes"),
    ("半个工作日", "working_time", "noon_cutoff"),
    ("1 working day", "working_time", "half_minutes"),
    ("2 working days", "working_time", "half_minutes"),
    ("5 working days", "working_time", "half_minutes"),
    ("当日", "working_time", "half_minutes"),
    ("1 working day", "civil_code", "half_minutes"),
    ("5 working days", "civil_code", "half_minutes"),
    ("3 natural days", "civil_code", "half_minutes"),
    ("3 natural days", "elapsed", "half_minutes"),
    ("1 hour", "elapsed", "half_minutes"),
]


@settings(max_examples=200, deadline=None, database=None)
@given(
    start=edge_instants(CHENGDONG.calendar(), first=dt.date(2023, 1, 2), last=dt.date(2025, 12, 1)),
    combination=st.sampled_from(COMBINATIONS),
)
def test_the_calendar_agrees_with_the_independent_count(start, combination) -> None:
    duration, convention, half = combination
    expected = independent_due(CHENGDONG, start, duration, convention, half)
    got = CHENGDONG.calendar().deadline(start, duration, convention, half_day=half).due
    assert got == expected, (start, combination)
