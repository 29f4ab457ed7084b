"""A call given an argument it cannot take raises an error of the library's hierarchy.

Each mistake here raised a plain ``ValueError`` or ``TypeError`` before, most of them in
English only: now an :class:`~grievance_rules.errors.ArgumentError` (still a
``ValueError``; :class:`~grievance_rules.errors.ArgumentTypeError` still a
``TypeError``) or a :class:`~grievance_rules.errors.NaiveDatetimeError`, naming the
parameter, the value and what it takes, in English and in Chinese. The expected
messages are written by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from importlib import resources
from types import SimpleNamespace
from typing import Any

import pytest

from grievance_rules.errors import (
    ArgumentError,
    ArgumentTypeError,
    GrievanceRulesError,
    NaiveDatetimeError,
)
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.reading import read_orders

SAMPLE = resources.files("grievance_rules") / "samples" / "orders.jsonl"
PERIODS = "day, week, month, two_months, quarter, half_year, year"
PERIODS_ZH = "day、week、month、two_months、quarter、half_year、year"


@pytest.fixture(scope="module")
def orders() -> list[WorkOrder]:
    return list(read_orders(SAMPLE).orders)


def _refused(call: Callable[[], object], kind: type[BaseException]) -> tuple[str, str, Any]:
    """The English and the Chinese of what ``call`` raises, and the error (English)."""
    said = []
    for lang in ("en", "zh"):
        with language(lang), pytest.raises(kind) as caught:
            call()
        assert isinstance(caught.value, GrievanceRulesError)
        said.append((str(caught.value), caught.value))
    (english, error), (chinese, _error) = said
    return english, chinese, error


# --- scoring -----------------------------------------------------------------------------


def test_score_with_an_unknown_period(orders: list[WorkOrder]) -> None:
    from grievance_rules.scoring import score

    english, chinese, error = _refused(
        lambda: score(orders, "daye", period="monthly"), ArgumentError
    )
    assert english == f"period: unknown kind of period 'monthly'; one of {PERIODS}"
    assert chinese == f"period：未知的周期类型 'monthly'；应为以下之一：{PERIODS_ZH}"
    assert isinstance(error, ValueError)
    assert (error.parameter, error.value) == ("period", "monthly")


def test_period_of_with_an_unknown_kind_or_month_start() -> None:
    from grievance_rules.engine.periods import period_of

    day = dt.date(2024, 5, 8)
    english, chinese, error = _refused(lambda: period_of(day, "fortnight"), ArgumentError)
    assert english == f"kind: unknown kind of period 'fortnight'; one of {PERIODS}"
    assert chinese == f"kind：未知的周期类型 'fortnight'；应为以下之一：{PERIODS_ZH}"
    assert error.parameter == "kind"
    english, chinese, error = _refused(
        lambda: period_of(day, "month", month_starts_on=29), ArgumentError
    )
    assert english == "month_starts_on must be 1 to 28, not 29"
    assert chinese == "month_starts_on 须为 1 至 28，实际为 29"
    assert (error.parameter, error.value) == ("month_starts_on", 29)


def test_score_with_an_unknown_path(orders: list[WorkOrder]) -> None:
    from grievance_rules.scoring import score

    english, chinese, error = _refused(
        lambda: score(orders, "daye", path="fast"),  # type: ignore[arg-type]
        ArgumentError,
    )
    assert english == "unknown path 'fast'; one of: auto, per-order, columnar"
    assert chinese == "未知的评判方式（path）'fast'；可选：auto、per-order、columnar"
    assert isinstance(error, ValueError)
    assert (error.parameter, error.value) == ("path", "fast")


def test_score_on_the_columnar_path_with_what_it_cannot_do(orders: list[WorkOrder]) -> None:
    from grievance_rules.scoring import score

    english, chinese, _error = _refused(
        lambda: score(orders, "daye", path="columnar", engine="durable"), ArgumentError
    )
    assert english == (
        "path 'columnar' uses the native matcher, not engine 'durable': with it, give path "
        "'per-order' or 'auto'"
    )
    assert chinese == (
        "path 'columnar' 使用 native 匹配器，不能用 engine 'durable'："
        "用该引擎时请改用 path 'per-order' 或 'auto'"
    )
    english, chinese, _error = _refused(
        lambda: score(orders, "daye", path="columnar", processes=2), ArgumentError
    )
    assert english == (
        "path 'columnar' runs in one process, not processes=2: give path 'per-order' or "
        "'auto', or for the columnar path on several, use grievance_rules.distributed (Dask)"
    )
    assert chinese == (
        "path 'columnar' 只在一个进程中运行，不能用 processes=2：请改用 path 'per-order' 或 "
        "'auto'；若要在多个进程上整批评判，请用 grievance_rules.distributed（Dask）"
    )


def test_merging_parts_that_do_not_go_together(orders: list[WorkOrder]) -> None:
    from grievance_rules.packs import find_pack
    from grievance_rules.scoring import (
        compare_partial,
        merge_comparisons,
        merge_scorecards,
        score_partial,
    )

    english, chinese, error = _refused(lambda: merge_scorecards([]), ArgumentError)
    assert english == "no partial scorecards to merge: parts is empty"
    assert chinese == "没有可合并的部分计分表：parts 为空"
    assert error.parameter == "parts"
    daye = score_partial(orders[:1], "daye")
    xiayang = score_partial(orders[1:2], "xiayang", period="year")
    english, chinese, error = _refused(lambda: merge_scorecards([daye, xiayang]), ArgumentError)
    assert english == (
        "cannot merge a scorecard of daye@2023-05-19, period=month, as_of=None with one of "
        "xiayang@2022-06-08, period=year, as_of=None: parts merge only under one pack, kind "
        "of period and as_of"
    )
    assert chinese == (
        "无法合并 daye@2023-05-19, period=month, as_of=None 的计分表与 xiayang@2022-06-08, "
        "period=year, as_of=None 的计分表：只有考核办法、周期类型和 as_of 都相同的部分才能合并"
    )
    assert error.parameter == "other"
    english, chinese, error = _refused(lambda: daye.book(find_pack("xiayang")), ArgumentError)
    assert english == "the part was scored under daye@2023-05-19, not under xiayang@2022-06-08"
    assert chinese == "该部分是按 daye@2023-05-19 计分的，不是按 xiayang@2022-06-08"
    assert (error.parameter, error.value) == ("pack", "xiayang@2022-06-08")
    english, chinese, _error = _refused(lambda: merge_comparisons([]), ArgumentError)
    assert english == "no partial comparisons to merge: parts is empty"
    assert chinese == "没有可合并的部分对比：parts 为空"
    some = compare_partial(orders[:1], ["daye", "xiayang"])
    fewer = compare_partial(orders[1:2], ["daye", "xiayang"], examples=5)
    english, chinese, _error = _refused(lambda: merge_comparisons([some, fewer]), ArgumentError)
    assert english == (
        "cannot merge a comparison of daye@2023-05-19 + xiayang@2022-06-08, limit=20 with one "
        "of daye@2023-05-19 + xiayang@2022-06-08, limit=5: parts merge only under the same "
        "packs, with the same limit of examples"
    )
    assert chinese == (
        "无法合并 daye@2023-05-19 + xiayang@2022-06-08, limit=20 的对比与 daye@2023-05-19 + "
        "xiayang@2022-06-08, limit=5 的对比：只有考核办法相同、示例上限也相同的部分才能合并"
    )


# --- inputs read twice, batches ----------------------------------------------------------


def test_duplicates_last_with_inputs_that_cannot_be_read_twice(orders: list[WorkOrder]) -> None:
    from grievance_rules.engine import RepeatIndex, evaluate_many

    english, chinese, error = _refused(
        lambda: list(evaluate_many(iter(orders), "daye", duplicates="last")), ArgumentTypeError
    )
    assert english == (
        "duplicates='last' needs the inputs as a sequence (a list), not list_iterator: "
        "they are read twice"
    )
    assert chinese == (
        "duplicates='last' 要求输入为序列（如列表），而不是 list_iterator：输入要读两遍"
    )
    assert isinstance(error, TypeError)
    assert isinstance(error, ArgumentError)
    assert (error.parameter, error.value) == ("duplicates", "last")
    english, chinese, _error = _refused(
        lambda: RepeatIndex.from_inputs(iter(orders), duplicates="last"), ArgumentTypeError
    )
    assert english == (
        "duplicates='last' needs the inputs as a sequence (a list), not list_iterator: "
        "they are read twice; or give last= from a first pass"
    )
    assert chinese == (
        "duplicates='last' 要求输入为序列（如列表），而不是 list_iterator：输入要读两遍；"
        "或用 last= 给出第一遍的结果"
    )


def test_duplicate_ids_with_a_size_that_is_no_positive_integer() -> None:
    from grievance_rules.engine.duplicates import DuplicateIds

    english, chinese, error = _refused(lambda: DuplicateIds("reject", capacity=0), ArgumentError)
    assert english == "DuplicateIds: capacity must be a positive integer, not 0"
    assert chinese == "DuplicateIds：capacity 须为正整数，实际为 0"
    assert (error.parameter, error.value) == ("capacity", 0)


def test_columnar_views_without_what_they_need(orders: list[WorkOrder]) -> None:
    from grievance_rules.columnar import evaluate_columnar_each

    english, chinese, error = _refused(
        lambda: evaluate_columnar_each(orders, ["daye"], views=[], rejects="skip"), ArgumentError
    )
    assert english == (
        "views= is for orders already checked: give it with rejects='raise' and "
        "check_history=False, not rejects='skip' and check_history=True"
    )
    assert chinese == (
        "views= 用于已检查过的工单：须同时给出 rejects='raise' 和 check_history=False，"
        "而不是 rejects='skip' 和 check_history=True"
    )
    assert error.parameter == "views"
    english, chinese, error = _refused(
        lambda: evaluate_columnar_each(orders, ["daye"], instants=[]), ArgumentError
    )
    assert english == "instants= is for the views= given: give views= with it"
    assert chinese == "instants= 只用于给出的 views=：请同时给出 views="


# --- operations, reports, Parquet, distributed -------------------------------------------


def test_watch_with_a_negative_horizon_or_a_naive_as_of(orders: list[WorkOrder]) -> None:
    from grievance_rules.operations import watch

    as_of = dt.datetime.fromisoformat("2026-03-03T08:00:00+08:00")
    english, chinese, error = _refused(
        lambda: watch(orders, "daye", as_of, within=dt.timedelta(hours=-1)), ArgumentError
    )
    assert english == "within must not be negative, not datetime.timedelta(days=-1, seconds=82800)"
    assert chinese == "within 不能为负，实际为 datetime.timedelta(days=-1, seconds=82800)"
    assert (error.parameter, error.value) == ("within", dt.timedelta(hours=-1))
    naive = dt.datetime(2026, 3, 3, 8)
    english, chinese, _error = _refused(lambda: watch(orders, "daye", naive), NaiveDatetimeError)
    assert english == (
        "as_of 2026-03-03T08:00:00 has no timezone; give an offset such as +08:00 "
        "(no timezone is guessed)"
    )
    assert (
        chinese == "as_of 2026-03-03T08:00:00 未注明时区；请给出时差，如 +08:00（程序不会猜测时区）"
    )


def test_a_scorecard_table_that_is_none(orders: list[WorkOrder]) -> None:
    import io

    from grievance_rules.reports import write_scorecard_csv
    from grievance_rules.scoring import score

    card = score(orders, "daye")
    english, chinese, error = _refused(
        lambda: write_scorecard_csv(card, io.StringIO(), table="unit"), ArgumentError
    )
    assert english == (
        "unknown scorecard table 'unit'; one of counts, units, findings, rates, rejections"
    )
    assert chinese == (
        "未知的计分表数据表 'unit'；应为以下之一：counts、units、findings、rates、rejections"
    )
    assert (error.parameter, error.value) == ("table", "unit")


def test_parquet_partitions_of_no_orders(orders: list[WorkOrder], tmp_path) -> None:
    from grievance_rules.reading.parquet_export import write_parquet

    english, chinese, error = _refused(
        lambda: write_parquet(orders, tmp_path / "out", partition_size=0), ArgumentError
    )
    assert english == "partition_size must be at least 1, not 0"
    assert chinese == "partition_size 至少为 1，实际为 0"
    assert (error.parameter, error.value) == ("partition_size", 0)


def test_distributed_inputs_of_the_wrong_kind() -> None:
    from grievance_rules.distributed import _items_of, evaluate_dataset

    frame = SimpleNamespace(columns=["id", "text"])
    english, chinese, error = _refused(lambda: _items_of(frame), ArgumentTypeError)
    assert english == (
        "a data frame of orders has one column (or a column 'order') of orders as JSON text "
        "or dicts; this one has the columns id, text"
    )
    assert chinese == (
        "工单数据框应只有一列（或有一列名为 'order'），每格为 JSON 文本或字典形式的工单；"
        "此数据框的列为：id、text"
    )
    assert isinstance(error, TypeError)
    bag = SimpleNamespace(to_delayed=lambda: [], npartitions=1)

    def first() -> Iterator[object]:
        return next(evaluate_dataset(bag, "daye"))  # type: ignore[arg-type, no-any-return]

    english, chinese, _error = _refused(first, ArgumentTypeError)
    assert english == (
        "evaluate_dataset reads a Parquet dataset, not a Dask bag; score or compare a bag "
        "(score_dataset, compare_dataset)"
    )
    assert chinese == (
        "evaluate_dataset 读取 Parquet 数据集，不接受 Dask bag；"
        "bag 可以计分或对比（score_dataset、compare_dataset）"
    )


# --- the testing toolkit -----------------------------------------------------------------


@pytest.fixture(scope="module")
def assessment(orders: list[WorkOrder]) -> Any:
    from grievance_rules.engine import evaluate

    return evaluate(orders[0], "chengdong")


def test_assert_deadline_with_a_naive_or_unreadable_due(assessment: Any) -> None:
    from grievance_rules.testing import assert_deadline

    rule = "CD-5.provincial-urgent"
    naive = dt.datetime(2026, 2, 14, 10, 30)
    english, chinese, error = _refused(
        lambda: assert_deadline(assessment, rule, due=naive), NaiveDatetimeError
    )
    assert english == "due: 2026-02-14T10:30:00 has no UTC offset (add one, e.g. +08:00)"
    assert chinese == "due：2026-02-14T10:30:00 没有 UTC 偏移（请加上，例如 +08:00）"
    assert isinstance(error, ValueError)
    english, chinese, _error = _refused(
        lambda: assert_deadline(assessment, rule, due="2026-02-14T10:30:00"), NaiveDatetimeError
    )
    assert english == "due: '2026-02-14T10:30:00' has no UTC offset (add one, e.g. +08:00)"
    assert chinese == "due：'2026-02-14T10:30:00' 没有 UTC 偏移（请加上，例如 +08:00）"
    english, chinese, error = _refused(
        lambda: assert_deadline(assessment, rule, due="tomorrow"), ArgumentError
    )
    assert english == "due: 'tomorrow' is not an ISO 8601 date-time"
    assert chinese == "due：'tomorrow' 不是 ISO 8601 日期时间"
    assert (error.parameter, error.value) == ("due", "tomorrow")


def test_assert_window_and_escalation_with_a_naive_instant(assessment: Any) -> None:
    from grievance_rules.testing import assert_escalation, assert_window

    naive = dt.datetime(2026, 2, 14, 10, 30)
    english, chinese, _error = _refused(
        lambda: assert_window(assessment, "CD-2.return-window", closes_at=naive),
        NaiveDatetimeError,
    )
    assert english == "closes_at: 2026-02-14T10:30:00 has no UTC offset (add one, e.g. +08:00)"
    assert chinese == "closes_at：2026-02-14T10:30:00 没有 UTC 偏移（请加上，例如 +08:00）"
    english, chinese, _error = _refused(
        lambda: assert_escalation(assessment, "CD-7.interview-village", since=naive),
        NaiveDatetimeError,
    )
    assert english == "since: 2026-02-14T10:30:00 has no UTC offset (add one, e.g. +08:00)"
    assert chinese == "since：2026-02-14T10:30:00 没有 UTC 偏移（请加上，例如 +08:00）"


def test_assert_no_finding_with_an_unknown_kind(assessment: Any) -> None:
    from grievance_rules.testing import assert_no_finding

    english, chinese, error = _refused(
        lambda: assert_no_finding(assessment, "CD-2.return-window", kinds=["clock"]),
        ArgumentError,
    )
    assert english == (
        "assert_no_finding: unknown kind 'clock' in kinds; one of: clocks, windows, "
        "deductions, escalations, records"
    )
    assert chinese == (
        "assert_no_finding：kinds 中的结果类别 'clock' 未知；"
        "可选：clocks、windows、deductions、escalations、records"
    )
    assert (error.parameter, error.value) == ("kinds", "clock")


def test_events_of_an_unknown_type() -> None:
    from grievance_rules.testing.strategies import events

    english, chinese, error = _refused(lambda: events("flying"), ArgumentError)
    assert english.startswith(
        "events(kind='flying'): not an event type; one of: dispatched, signed_for, "
    )
    assert chinese.startswith(
        "events(kind='flying')：不是流转环节类型；可选：dispatched、signed_for、"
    )
    assert (error.parameter, error.value) == ("kind", "flying")


# --- the language itself -----------------------------------------------------------------


def test_an_unknown_language_is_said_in_the_language_in_use() -> None:
    # a plain ValueError: grievance_rules.i18n is the lowest layer, below errors
    from grievance_rules.i18n import use_language

    with (
        language("en"),
        pytest.raises(ValueError, match=r"^unknown language 'fr': use one of zh, en$"),
    ):
        use_language("fr")
    with language("zh"), pytest.raises(ValueError, match=r"^未知的语言 'fr'：可选 zh、en$"):
        use_language("fr")
