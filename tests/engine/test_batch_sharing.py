"""Chunks shared between the worker processes and the calling process.

With ``processes > 1`` the calling process assesses a chunk itself whenever the next
one in order is not done and some chunk in flight has not been started by a worker
(``engine.batch._shared``). Whoever assesses a chunk, the results must come out
once each, in input order, equal to one process's; these tests drive the sharing
with futures whose states they set, then through real worker processes with the
sharing on and off.
"""

from __future__ import annotations

from concurrent.futures import Future

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.engine import BatchResult, evaluate_many
from grievance_rules.engine import batch as batch_module
from grievance_rules.engine.batch import _shared

from .conftest import dispatched, make_order

# a worker's future: left pending (a worker would start it later: cancellable),
# running until this process next assesses a chunk, or done when submitted
STATES = st.sampled_from(["pending", "running", "done"])


def _sent(chunk: list[tuple[int, object]]) -> list[tuple[int, str, tuple[bytes], tuple[None]]]:
    return [(position, f"id{position}", (b"{}",), (None,)) for position, _ in chunk]


class _Running(Future):  # type: ignore[type-arg]
    """A chunk a worker is on: it finishes when this process waits for it."""

    def __init__(self, chunk: list[tuple[int, object]]) -> None:
        super().__init__()
        self.chunk = chunk
        assert self.set_running_or_notify_cancel()

    def result(self, timeout: float | None = None) -> object:
        if not self.done():
            self.set_result(_sent(self.chunk))
        return super().result(timeout)


class _Unstarted(Future):  # type: ignore[type-arg]
    """A chunk no worker has started (and none will, here): waiting for it would hang."""

    def result(self, timeout: float | None = None) -> object:
        assert self.done(), "waited for a chunk no worker had started"
        return super().result(timeout)


@settings(max_examples=300, deadline=None, database=None)
@given(
    states=st.lists(STATES, min_size=0, max_size=30),
    size=st.integers(1, 4),
    in_flight=st.integers(1, 7),
)
def test_every_input_comes_out_once_in_order_whoever_assessed_it(
    states: list[str], size: int, in_flight: int
) -> None:
    count = len(states) * size
    chunks = [[(p, None) for p in range(k, k + size)] for k in range(0, count, size)]
    running: list[_Running] = []
    assessed_here: list[int] = []

    def submit(chunk: list[tuple[int, object]]) -> Future[object]:
        state = states[chunk[0][0] // size]
        if state == "running":
            running.append(_Running(chunk))
            return running[-1]
        future: Future[object] = _Unstarted()
        if state == "done":
            assert future.set_running_or_notify_cancel()
            future.set_result(_sent(chunk))
        return future

    def here(chunk: list[tuple[int, object]]) -> list[tuple[str | None, tuple[BatchResult, ...]]]:
        assessed_here.append(chunk[0][0])
        if running:  # a worker finished a chunk meanwhile
            running.pop(0).result()
        return [(f"id{p}", (BatchResult(p),)) for p, _ in chunk]

    rows = list(_shared(iter(chunks), submit, here, in_flight))
    assert [row[1][0].position for row in rows] == list(range(count))
    assert [row[0] for row in rows] == [f"id{p}" for p in range(count)]
    # each chunk assessed here once, in order, and only one no worker had started
    assert assessed_here == sorted(set(assessed_here))
    assert all(states[first // size] == "pending" for first in assessed_here)
    # every chunk left pending is assessed here: this process never waits on it
    assert [k * size for k, state in enumerate(states) if state == "pending"] == assessed_here
    # and what a worker sent came back as its JSON
    sent = [row[1][0].assessment_json is not None for row in rows]
    assert sent == [states[p // size] != "pending" for p in range(count)]


def test_a_worker_that_has_not_started_is_never_waited_for() -> None:
    # every future stays pending (no worker ever starts): this process does it all
    chunks = [[(p, None)] for p in range(5)]
    rows = list(
        _shared(
            iter(chunks),
            lambda chunk: _Unstarted(),
            lambda chunk: [(None, (BatchResult(chunk[0][0]),))],
            in_flight=3,
        )
    )
    assert [row[1][0].position for row in rows] == [0, 1, 2, 3, 4]


def _orders() -> list[dict[str, object]]:
    return [
        make_order(
            dispatched(f"2024-05-{d % 28 + 1:02d}T09:30"),
            {"type": "replied", "at": f"2024-05-{d % 28 + 1:02d}T15:00", "unit": "c07"},
            id=f"S{d}",
            received_at=f"2024-05-{d % 28 + 1:02d}T09:00:00+08:00",
        ).model_dump(mode="json")
        for d in range(40)
    ]


@pytest.mark.parametrize("sharing", [True, False], ids=["shared", "workers-only"])
@pytest.mark.parametrize("processes", [2, 3])
def test_worker_processes_give_one_process_bytes(
    demo, monkeypatch: pytest.MonkeyPatch, sharing: bool, processes: int
) -> None:
    if not sharing:  # this process never takes a chunk back: the workers do every one
        monkeypatch.setattr(batch_module, "_take_back", lambda pending, here: False)
    one = [r.to_json() for r in evaluate_many(_orders(), demo)]
    results = list(evaluate_many(_orders(), demo, processes=processes, chunk_size=3))
    assert [r.to_json() for r in results] == one
    if not sharing:
        assert all(isinstance(r.assessment_json, bytes) for r in results)
