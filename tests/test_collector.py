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


class _Node:
    """A tracked object that can hold a cycle."""

    def __init__(self) -> None:
        self.other: object = None


def _in_generation(obj: object, generation: int) -> bool:
    return any(found is obj for found in gc.get_objects(generation=generation))


def test_what_the_block_kept_goes_to_the_oldest_generation_unscanned(collector: None) -> None:
    gc.enable()
    with paused():
        kept = [_Node() for _ in range(1_000)]
        assert _in_generation(kept[0], 0)  # allocated young
    # moved as a whole: none of them left for a pass of the young generations
    assert _in_generation(kept[0], 2)
    assert _in_generation(kept[-1], 2)
    assert not _in_generation(kept[0], 0)
    assert gc.get_freeze_count() == 0  # (nothing left frozen)


def test_a_cycle_dropped_in_the_block_is_still_collected(collector: None) -> None:
    gc.enable()
    with paused():
        first, second = _Node(), _Node()
        first.other, second.other = second, first
        del first, second
    assert gc.collect() >= 2  # the cycle, now in the oldest generation, found by a full pass


def test_objects_the_caller_froze_stay_frozen(collector: None) -> None:
    gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with paused():
            young = _Node()
        assert gc.get_freeze_count() == frozen  # the caller's frozen objects untouched
        assert not _in_generation(young, 2)  # and nothing moved: the block left as it was
    finally:
        gc.unfreeze()
