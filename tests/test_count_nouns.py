"""Errors that count something say the noun in number in English (1 input, 2 inputs).

Expected strings written by hand: English for 1 and for 2, Chinese for 1.
"""

from __future__ import annotations

import datetime as dt

import pytest

from grievance_rules.calendar import china
from grievance_rules.distributed import _refuse_shared
from grievance_rules.errors import CalendarRangeError, ReadError, WorkerProcessError
from grievance_rules.i18n import language


def test_a_worker_process_that_ended_counts_the_inputs_before_it() -> None:
    rest = "it and every input after it have none; run again with fewer processes, or one"
    with language("en"):
        assert str(WorkerProcessError(1)) == (
            "a worker process ended abruptly (killed, or out of memory) while input #1 and "
            "the next ones were assessed: the 1 input before it has its result, " + rest
        )
        assert str(WorkerProcessError(2)) == (
            "a worker process ended abruptly (killed, or out of memory) while input #2 and "
            "the next ones were assessed: the 2 inputs before it have their results, " + rest
        )
    with language("zh"):
        assert str(WorkerProcessError(1)) == (
            "一个工作进程意外终止（被终止或内存不足），当时正在测评记录 #1 及其后的记录："
            "此前的 1 条记录已有结果，记录 #1 及其后的记录均无结果；"
            "请减少进程数或改用单进程重新运行"
        )


@pytest.mark.parametrize(
    ("hashed", "lang", "expected"),
    [
        ([[7, 8], [8, 9]], "en", "order id 'A1' is in partitions a and b (1 id shared in all)"),
        ([[7, 8], [7, 8]], "en", "order id 'A1' is in partitions a and b (2 ids shared in all)"),
        ([[7, 8], [8, 9]], "zh", "工单编号 'A1' 同时出现在分区 a 和 b（共有 1 个编号跨分区重复）"),
    ],
)
def test_partitions_sharing_ids_count_them(
    hashed: list[list[int]], lang: str, expected: str
) -> None:
    with language(lang), pytest.raises(ReadError) as refused:
        _refuse_shared(hashed, lambda index, value: {"A1"}, ["a", "b"])
    assert str(refused.value).startswith(expected)


def test_working_days_past_the_calendars_end() -> None:
    cal = china()
    last = dt.date(2060, 12, 31)
    with language("en"):
        with pytest.raises(CalendarRangeError) as one:
            cal.add_working_days(last, 1)
        assert (
            str(one.value) == "1 working day after 2060-12-31 is past the calendar's end 2060-12-31"
        )
        with pytest.raises(CalendarRangeError) as two:
            cal.add_working_days(last, 2)
        assert str(two.value) == (
            "2 working days after 2060-12-31 is past the calendar's end 2060-12-31"
        )
    with language("zh"), pytest.raises(CalendarRangeError) as zh:
        cal.add_working_days(last, 1)
    assert str(zh.value) == "2060-12-31 之后第 1 个工作日超出了日历的终点 2060-12-31"
