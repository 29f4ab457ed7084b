"""Deadlines explained in Chinese; the stored steps stay English."""

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.calendar import china
from grievance_rules.calendar.wording import duration_text, explain_deadline, step_text
from grievance_rules.i18n import language

HOURS = "09:00-12:00,13:30-17:30"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def office():
    return china(office_hours=HOURS, on_provisional="allow")


@pytest.fixture(scope="module")
def plain():
    return china(on_provisional="allow")


def test_civil_code_over_the_spring_festival_in_chinese(plain) -> None:
    d = plain.deadline(at("2026-02-13T15:00+08:00"), "2 working days", "civil_code")
    with language("zh"):
        lines = d.explain().splitlines()
    # 民法典 art. 201: the start day does not count; Sat 02-14 is a make-up working day
    # (the 1st), the Spring Festival runs 02-15..02-23, Tue 02-24 is the 2nd: the days
    # are listed in date order, the make-up day with the festival it is worked for
    assert lines[:5] == [
        "起算时刻  2026-02-13T15:00:00+08:00",
        "期限      2个工作日（按民法典的期间计算方法）",
        "  起算日 2026-02-13 不计入（民法典第二百零一条）",
        "  此后第 2 个工作日：2026-02-24",
        "  至最后一日 24:00 止",
    ]
    assert lines[5] == "  计入 2026-02-14 周六：调休上班（春节）"
    assert lines[6] == "  跳过 2026-02-15 周日：节假日（春节）"
    assert lines[14] == "  跳过 2026-02-23 周一：节假日（春节）"
    assert lines[15] == "到期      2026-02-25T00:00:00+08:00"
    assert len(lines) == 16


def test_the_steps_stored_stay_english_and_english_explain_is_unchanged(plain) -> None:
    start = at("2026-02-13T15:00+08:00")
    with language("zh"):
        chinese = plain.deadline(start, "2 working days", "civil_code")
    english = plain.deadline(start, "2 working days", "civil_code")
    assert (
        chinese.steps
        == english.steps
        == (
            "start day 2026-02-13 not counted (民法典 art. 201)",
            "2 working day(s) after it: 2026-02-24",
            "ends at 24:00 of the last day",
        )
    )
    with language("en"):
        text = english.explain()
    assert text.splitlines()[:2] == [
        "start     2026-02-13T15:00:00+08:00",
        "duration  2 working days (civil_code)",
    ]
    assert "  counted 2026-02-14 Sat: make-up working day (春节 调休)" in text


def test_noon_cutoff_and_after_hours_same_day_in_chinese(office) -> None:
    half = office.deadline(
        at("2026-02-13T15:00+08:00"), "半个工作日", "working_time", half_day="noon_cutoff"
    )
    with language("zh"):
        text = explain_deadline(half)
    assert text.splitlines() == [
        "起算时刻  2026-02-13T15:00:00+08:00",
        "期限      半个工作日（按工作时间计算，"
        "半个工作日：至其后第一个完整的上午或下午工作时段结束）",
        "工作时间  09:00-12:00,13:30-17:30",
        "  起算后第一个完整的半日工作时段：2026-02-14 上午",
        "  1 个半日工作时段至 2026-02-14T12:00:00+08:00 结束",
        "  计入 2026-02-14 周六：调休上班（春节）",
        "到期      2026-02-14T12:00:00+08:00",
    ]
    late = office.deadline(at("2026-03-06T18:00+08:00"), "当日", "civil_code")
    with language("zh"):
        lines = late.explain().splitlines()
    # after closing on Friday: the next working day is Monday 03-09, its closing time
    assert lines[3:6] == [
        "  当日办结：期间的最后一日即起算当日",
        "  下班后受理：顺延至下一个工作日",
        "  至最后一日下班时间止（有业务时间的，停止业务活动的时间为截止时间）",
    ]
    assert lines[-1] == "到期      2026-03-09T17:30:00+08:00"


def test_a_moved_last_day_and_provisional_days_in_chinese(plain) -> None:
    # 2027: no notice yet; 10-01..10-05 projected. 3 natural days from 09-28 end on 10-01,
    # not a working day: moved to 10-06 (民法典 art. 203)
    d = plain.deadline(at("2027-09-28T10:00+08:00"), "3 natural days", "civil_code")
    with language("zh"):
        lines = d.explain().splitlines()
    assert "  最后一日 2027-10-01 不是工作日：顺延至 2027-10-06（民法典第二百零三条）" in lines
    assert "  跳过 2027-10-01 周五：推算的法定节假日（国庆节），暂定" in lines
    assert lines[-1].startswith("暂定：涉及尚无通知确定的日期（")
    assert "、" in lines[-1]


def test_duration_text() -> None:
    with language("zh"):
        assert duration_text("2 working days") == "2个工作日"
        assert duration_text("0.5 working days") == "半个工作日"
        assert duration_text("1.5 working days") == "1.5个工作日"
        assert duration_text("same day") == "当日"
        assert duration_text("4 working hours") == "4个工作小时"
        assert duration_text("30 minutes") == "30分钟"
        assert duration_text("not a duration") == "not a duration"
    with language("en"):
        assert duration_text("2 working days") == "2 working days"


def test_an_unknown_step_is_shown_as_it_is() -> None:
    with language("zh"):
        assert step_text("something else") == "something else"


_LATIN = re.compile(r"[A-Za-z]")


@settings(max_examples=60, deadline=None)
@given(
    minute=st.integers(0, 60 * 24 * 400 - 1),
    duration=st.sampled_from(
        [
            ("2 working days", "civil_code", "half_minutes"),
            ("3 natural days", "civil_code", "half_minutes"),
            ("当日", "civil_code", "half_minutes"),
            ("当日", "working_time", "half_minutes"),
            ("1.5 working days", "working_time", "half_minutes"),
            ("1.5 working days", "working_time", "noon_cutoff"),
            ("4 working hours", "working_time", "half_minutes"),
            ("3 hours", "elapsed", "half_minutes"),
            ("当日", "elapsed", "half_minutes"),
        ]
    ),
    with_hours=st.booleans(),
)
def test_every_step_compute_deadline_writes_reads_in_chinese(
    minute: int, duration: tuple[str, str, str], with_hours: bool
) -> None:
    text, convention, rule = duration
    if convention == "working_time" and not with_hours:
        with_hours = True
    cal = china(office_hours=HOURS if with_hours else None, on_provisional="allow")
    start = at("2026-01-01T00:00+08:00") + dt.timedelta(minutes=minute)
    d = cal.deadline(start, text, convention, half_day=rule)
    with language("zh"):
        explained = d.explain()
    # no Latin letters but the instants' "T" and 民法典's article numbers written in Chinese
    for line in explained.splitlines():
        assert not _LATIN.search(re.sub(r"\d{4}-\d{2}-\d{2}T", "", line)), line


def test_a_long_list_of_provisional_days_is_cut_with_the_chinese_ellipsis(plain) -> None:
    # 2027 has no State Council notice yet: from Mon 2027-01-25, 5 working days touch
    # Mon 01-25 to Mon 02-01, more than the five days the line names
    d = plain.deadline(at("2027-01-25T10:00+08:00"), "5 working days", "civil_code")
    with language("zh"):
        last = d.explain().splitlines()[-1]
    assert last == (
        "暂定：涉及尚无通知确定的日期"
        "（2027-01-25、2027-01-26、2027-01-27、2027-01-28、2027-01-29……）"
    )
    with language("en"):
        english = d.explain().splitlines()[-1]
    assert english == (
        "PROVISIONAL: touches days no notice has set yet"
        " (2027-01-25, 2027-01-26, 2027-01-27, 2027-01-28, 2027-01-29…)"
    )
