"""A worker process dying mid-batch: the inputs before it keep their results, then an error.

A batch never loses a record silently: the results already judged are given in input
order, and the first input left without one is named (:class:`WorkerProcessError`).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from grievance_rules.engine import batch
from grievance_rules.errors import EngineError, WorkerProcessError
from grievance_rules.i18n import language
from grievance_rules.samples import generate_lines

_REAL_WORKER = batch._worker


def _dying_worker(chunk: list[tuple[int, Any]]) -> Any:
    """The worker, except that the chunk starting at input #256 kills its process."""
    if chunk[0][0] == 256:
        os._exit(3)
    return _REAL_WORKER(chunk)


def test_a_dead_worker_stops_the_batch_after_the_results_before_it(monkeypatch) -> None:
    lines = list(generate_lines(400, seed=5))
    expected = [r.to_json() for r in batch.evaluate_many(lines[:256], "daye")]
    monkeypatch.setattr(batch, "_worker", _dying_worker)
    got: list[bytes | None] = []

    def judge_all() -> None:
        for result in batch.evaluate_many(lines, "daye", processes=2, chunk_size=64):
            got.append(result.to_json())

    with pytest.raises(WorkerProcessError) as caught:
        judge_all()
    # chunks of 64, at most 4 in flight: #256 is sent once #0-63 were given, so those
    # are given for sure; a chunk still being judged when #256 kills its worker is lost
    # with the pool, so the results given are #0-63, #0-127, #0-191 or #0-255, in
    # order, and the error names the first one missing
    assert len(got) in (64, 128, 192, 256)
    assert got == expected[: len(got)]
    assert caught.value.first_unassessed == len(got)
    assert isinstance(caught.value, EngineError)
    assert str(caught.value) == (
        f"a worker process ended abruptly (killed, or out of memory) while input #{len(got)}"
        f" and the next ones were assessed: the {len(got)} inputs before it have their"
        " results, it and every input after it have none; run again with fewer processes,"
        " or one"
    )


def test_the_error_in_chinese() -> None:
    with language("zh"):
        error = WorkerProcessError(64)
    assert str(error) == (
        "一个工作进程意外终止（被终止或内存不足），当时正在测评记录 #64 及其后的记录："
        "此前的 64 条记录已有结果，记录 #64 及其后的记录均无结果；请减少进程数或改用单进程重新运行"
    )
