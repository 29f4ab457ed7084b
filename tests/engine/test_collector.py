"""The batch pauses the cyclic garbage collector while it judges a chunk, and restores it."""

from __future__ import annotations

import gc
from typing import Any

import pytest

from grievance_rules.engine import batch, evaluate_many
from grievance_rules.samples import generate_lines


def test_paused_while_judging_and_on_again_for_the_caller(
    collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.enable()
    seen: list[bool] = []
    judge = batch._judge

    def watched(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return judge(*args)

    monkeypatch.setattr(batch, "_judge", watched)
    lines = list(generate_lines(30, seed=2))
    for result in evaluate_many(lines, "daye", chunk_size=10):
        assert gc.isenabled()  # the caller's code runs with the collector on
        assert result.assessment is not None
    assert seen == [False, False, False]  # one chunk of 10 at a time, each judged paused
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled(collector: None) -> None:
    gc.disable()
    results = list(evaluate_many(list(generate_lines(5, seed=2)), "xiayang"))
    assert len(results) == 5
    assert not gc.isenabled()


def test_restored_when_judging_fails(collector: None, monkeypatch: pytest.MonkeyPatch) -> None:
    gc.enable()

    def broken(*args: Any) -> Any:
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(batch, "_judge", broken)
    with pytest.raises(RuntimeError, match="a bug in a rule"):
        list(evaluate_many(list(generate_lines(3, seed=2)), "chengdong"))
    assert gc.isenabled()
