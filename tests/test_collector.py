"""grievance_rules.collector.paused: the collector off in the block, as it was after it."""

from __future__ import annotations

import gc

import pytest

from grievance_rules.collector import paused
from grievance_rules.samples import generate_lines
from grievance_rules.scoring.tables import table_stream


def test_off_inside_and_on_again_after(collector: None) -> None:
    gc.enable()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_a_failure(collector: None) -> None:
    gc.enable()
    with pytest.raises(ZeroDivisionError), paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled(collector: None) -> None:
    gc.disable()
    with paused():
        pass
    assert not gc.isenabled()


def test_the_columnar_scoring_path_gives_each_order_back_with_the_collector_on(
    collector: None,
) -> None:
    gc.enable()
    seen = [gc.isenabled() for _ in table_stream(list(generate_lines(30, seed=2)), ["daye"])]
    assert seen == [True] * 30
