"""The engine's fast path: facts cut down to what the rules read, many orders' facts in
one durable-rules session, equal facts posted once, assessments sent back as JSON.

Each shortcut is checked against the plain path it replaces: full facts, one session
per order, the reference matcher, the assessment model itself.
"""

import datetime as dt
import itertools
import json
import multiprocessing
import random
import subprocess
import sys
import threading
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grievance_rules.engine import BatchResult, evaluate, evaluate_many
from grievance_rules.engine._durable import get_adapter
from grievance_rules.engine.facts import DurableMatcher, build_facts
from grievance_rules.engine.matching import get_matcher, view_of
from grievance_rules.engine.plan import plan_for
from grievance_rules.engine.single import _last_instant
from grievance_rules.errors import FactValidationError, NotYetReceivedError, RuleDefinitionError
from grievance_rules.model import WorkOrder
from grievance_rules.packs import find_pack
from grievance_rules.testing.strategies import work_orders

from .conftest import ENGINES, dispatched, make_order, requires_durable
from .reference_matcher import ReferenceAdapter

PACKS = {name: find_pack(name) for name in ("chengdong", "xiayang", "daye")}
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
_NAMES = itertools.count()


# --- projected facts ----------------------------------------------------------------------


@requires_durable
@SETTINGS
@given(order=work_orders(), data=st.data())
def test_projected_facts_are_the_full_facts_cut_down(order: WorkOrder, data: st.DataObject) -> None:
    as_of = data.draw(st.sampled_from([order.received_at, _last_instant(order)]))
    full = build_facts(order, as_of)
    every_key = {key for fact in (full.order, *full.events) for key in fact}
    wanted = data.draw(
        st.sampled_from(
            [
                every_key,
                *(DurableMatcher._ruleset(plan_for(pack)).properties for pack in PACKS.values()),
            ]
        )
    )
    wanted = wanted | {"no_such_property", "evidence_count", "at", "ts", "event_id"}
    cut = build_facts(order, as_of, wanted)
    assert cut.order == {k: v for k, v in full.order.items() if k in wanted}
    assert cut.events == [{k: v for k, v in f.items() if k in wanted} for f in full.events]
    assert (cut.kept, cut.indices, cut.handling) == (full.kept, full.indices, full.handling)


@requires_durable
def test_an_integer_durable_cannot_hold_is_refused_as_the_full_facts_are() -> None:
    order = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "replied", "at": "2024-05-07T09:00", "unit": "c07", "round": 2**64},
    )
    full = build_facts(order, _last_instant(order))
    ruleset = DurableMatcher._ruleset(plan_for(PACKS["daye"]))
    # every property of every fact, but the 'id' match_facts gives the facts itself
    every = [{k: v for k, v in f.items() if k != "id"} for f in (full.order, *full.events)]
    with pytest.raises(FactValidationError) as plain:
        get_adapter().match_facts(ruleset, every)
    with pytest.raises(FactValidationError) as cut:
        build_facts(order, _last_instant(order), {"type"})  # 'round' not even asked for
    assert (
        str(cut.value)
        == str(plain.value)
        == (f"fact 2, key 'round': {2**64} is wider than the engine's 64-bit integers")
    )


# --- one session for many facts ---------------------------------------------------------------


SINGLE_FACT_RULES: dict[str, Any] = {
    "replied": {"all": [{"m": {"type": "replied"}}]},
    "late_or_urgent": {
        "all": [{"m": {"$or": [{"$gt": {"at": "2024-05-10"}}, {"urgency": "urgent"}]}}]
    },
    "no_evidence": {"all": [{"m": {"$and": [{"type": "replied"}, {"$nex": {"evidence": 1}}]}}]},
    "nested": {"all": [{"m": {"$lt": {"meta.rank": 3}}}]},
}


@requires_durable
def test_a_ruleset_says_what_it_reads_and_refuses_what_facts_could_not_share_a_session() -> None:
    adapter = get_adapter()
    single = adapter.compile(f"batch@{next(_NAMES)}", SINGLE_FACT_RULES)
    assert single.properties == {"type", "at", "urgency", "evidence", "meta"}
    join = {
        "two": {
            "all": [
                {"first": {"type": "replied"}},
                {"second": {"$and": [{"type": "closed"}, {"$gt": {"at": {"first": "at"}}}]}},
            ]
        }
    }
    with pytest.raises(RuleDefinitionError, match="rule 'two': 'all' of 2 patterns"):
        adapter.compile(f"batch@{next(_NAMES)}", join)
    with pytest.raises(RuleDefinitionError, match="rule 'one': reads 'id'"):
        adapter.compile(f"batch@{next(_NAMES)}", {"one": {"all": [{"m": {"id": "e1"}}]}})


@requires_durable
def test_match_facts_gives_what_one_fact_per_session_gives(sessions: list[str]) -> None:
    adapter = get_adapter()
    ruleset = adapter.compile(f"batch@{next(_NAMES)}", SINGLE_FACT_RULES)
    rng = random.Random(7)
    facts = [
        {
            "type": rng.choice(["replied", "closed", "callback"]),
            "at": f"2024-05-{rng.randrange(1, 20):02d}",
            **({"urgency": "urgent"} if rng.random() < 0.3 else {}),
            **({"evidence": rng.randrange(3)} if rng.random() < 0.5 else {}),
            **({"meta": {"rank": rng.randrange(6)}} if rng.random() < 0.5 else {}),
        }
        for _ in range(300)
    ]
    together = adapter.match_facts(ruleset, facts)
    assert len(sessions) == 1
    alone = [adapter.match_facts(ruleset, [f])[0] for f in facts]
    assert len(sessions) == 1 + len(facts)
    assert together == alone
    assert set(together) > {()}  # some facts match, some do not
    assert all(not adapter._session_exists(ruleset, session) for session in sessions)


@requires_durable
def test_match_facts_leaves_no_session_even_when_it_fails(sessions: list[str]) -> None:
    adapter = get_adapter()
    ruleset = adapter.compile(f"batch@{next(_NAMES)}", SINGLE_FACT_RULES)
    for _ in range(1100):  # beyond durable-rules' 1,024 live sessions
        assert adapter.match_facts(ruleset, [{"type": "replied"}, {"type": "x"}]) == [
            ("replied", "no_evidence"),
            (),
        ]
    with pytest.raises(FactValidationError, match="fact 1, key 'id': match_facts numbers"):
        adapter.match_facts(ruleset, [{"type": "replied"}, {"type": "x", "id": 3}])
    with pytest.raises(FactValidationError, match="fact 0, key 'n'"):
        adapter.match_facts(ruleset, [{"type": "replied", "n": 2**70}])
    assert len(sessions) == 1100
    assert not any(adapter._session_exists(ruleset, session) for session in sessions[-3:])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(PACKS))
@SETTINGS
@given(orders=st.lists(work_orders(), min_size=1, max_size=6))
def test_orders_matched_together_match_what_the_reference_reading_matches(
    name: str, engine: str, orders: list[WorkOrder]
) -> None:
    plan = plan_for(PACKS[name])
    views = [view_of(o, _last_instant(o)) for o in orders]
    shared = get_matcher(engine).match(plan, views)
    reference = ReferenceAdapter()
    for order, match in zip(orders, shared, strict=True):
        selectors, matched = match.selectors, match.events
        full = build_facts(order, _last_instant(order))
        found = reference.run(plan.patterns.definition, [full.order, *full.events])
        position = {fact["id"]: k for k, fact in enumerate(full.events)}
        expected: dict[str, set[int]] = {}
        for activation in found:
            if activation.facts["m"]["fact"] == "event":
                expected.setdefault(activation.rule, set()).add(
                    position[activation.facts["m"]["id"]]
                )
        assert selectors == {a.rule for a in found if a.facts["m"]["fact"] == "order"}
        assert matched == {rule: sorted(ks) for rule, ks in expected.items()}


# --- batches -------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(PACKS))
@SETTINGS
@given(
    orders=st.lists(work_orders(), min_size=1, max_size=8),
    chunk=st.integers(1, 5),
    hours=st.integers(0, 24 * 40),
)
def test_a_batch_gives_byte_for_byte_what_each_order_alone_gives(
    name: str, engine: str, orders: list[WorkOrder], chunk: int, hours: int
) -> None:
    # generated histories are arbitrary and their ids may repeat: what is compared here
    # is the batch against the single path, with the input checks off on both
    as_of = min(o.received_at for o in orders) + dt.timedelta(hours=hours)

    def alone(order: WorkOrder) -> bytes | str:
        try:
            found = evaluate(order, PACKS[name], as_of, engine=engine, check_history=False)
        except NotYetReceivedError as exc:  # received after as_of: refused alone and in a batch
            return str(exc)
        return found.model_dump_json().encode()

    batch = evaluate_many(
        orders,
        PACKS[name],
        as_of,
        chunk_size=chunk,
        engine=engine,
        check_history=False,
        duplicates="allow",
    )
    assert [r.to_json() if r.rejection is None else r.rejection.reasons[0] for r in batch] == list(
        map(alone, orders)
    )


@pytest.mark.parametrize("engine", ENGINES)
def test_an_order_that_spoils_its_chunk_is_rejected_alone(demo, engine) -> None:
    good = make_order(dispatched("2024-05-06T09:30")).model_dump(mode="json")
    bad = make_order(
        dispatched("2024-05-06T09:30"),
        {"type": "replied", "at": "2024-05-07T09:00", "unit": "c07", "round": 2**64},
        id="BIG",
    ).model_dump(mode="json")
    again = {**good, "id": "T2"}
    results = list(evaluate_many([good, bad, again, "{no"], demo, chunk_size=4, engine=engine))
    assert [r.assessment is not None for r in results] == [True, False, True, False]
    assert results[1].rejection is not None
    assert results[1].rejection.order_id == "BIG"
    assert results[1].rejection.reasons == (
        f"fact 2, key 'round': {2**64} is wider than the engine's 64-bit integers",
    )
    assert (results[0].to_json() or b"").replace(b'"T1"', b'"T2"') == results[2].to_json()


def test_results_from_workers_arrive_as_json_and_rebuild_on_demand(demo) -> None:
    orders = [
        make_order(
            dispatched(f"2024-05-{d:02d}T09:30"),
            {"type": "replied", "at": f"2024-05-{d + 3:02d}T09:00", "unit": "c07"},
            id=f"W{d}",
            received_at=f"2024-05-{d:02d}T09:00:00+08:00",
        ).model_dump(mode="json")
        for d in range(6, 16)
    ]
    here = list(evaluate_many(orders, demo))
    there = list(evaluate_many(orders, demo, processes=2, chunk_size=3))
    assert all(r.assessment_json is None for r in here)
    assert all(isinstance(r.assessment_json, bytes) for r in there)
    assert [r.to_json() for r in there] == [r.to_json() for r in here]
    for mine, theirs in zip(here, there, strict=True):
        assert theirs.assessment == mine.assessment  # rebuilt from the JSON
        assert theirs.assessment is theirs.assessment  # once
        assert theirs == mine
    assert json.loads(there[0].to_json() or b"")["order_id"] == "W6"


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_workers_started_without_fork_compile_the_packs_with_their_overrides(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python 3.14 starts workers with forkserver by default on Linux (spawn on macOS and
    # Windows): the workers then inherit nothing and load each pack from its directory,
    # with the what-if overrides sent along; the bytes are one process's
    import grievance_rules.engine.batch as batch

    start = multiprocessing.get_context(method)
    monkeypatch.setattr(batch.multiprocessing, "get_context", lambda: start)
    lines = [
        make_order(
            dispatched(f"2024-05-{d:02d}T09:30"),
            {"type": "replied", "at": f"2024-05-{d + 4:02d}T09:00", "unit": "c07"},
            {
                "type": "callback",
                "at": f"2024-05-{d + 5:02d}T10:00",
                "unit": "ctr",
                "process_satisfaction": "dissatisfied",
            },
            id=f"F{d}",
            received_at=f"2024-05-{d:02d}T09:00:00+08:00",
        ).model_dump_json()
        for d in range(6, 12)
    ]
    pack = PACKS["chengdong"]
    changed = pack.with_parameters({"points_process_unsatisfied": -2})
    here = [r.to_json() for r in evaluate_many(lines, changed)]
    there = [r.to_json() for r in evaluate_many(lines, changed, processes=2, chunk_size=2)]
    assert there == here
    assert here != [r.to_json() for r in evaluate_many(lines, pack)]  # the override counted


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the platform does not fork by default"
)
def test_workers_are_not_forked_from_a_process_running_threads() -> None:
    import grievance_rules.engine.batch as batch

    if not batch._threads_started_since_import():  # (an earlier test may have left one)
        assert batch._worker_context().get_start_method() == "fork"
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        assert batch._worker_context().get_start_method() == "forkserver"
    finally:
        stop.set()
        waiting.join()


# In a fresh process, as a fork server counts its preload list from its start: with a
# thread running, the workers come from a fork server that imported the engine first, so
# a worker has it before it is sent anything of the engine's (eval, a builtin, is sent).
_FORKSERVER_PRELOAD = """
import threading
from concurrent.futures import ProcessPoolExecutor

if __name__ == "__main__":
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
    from grievance_rules.engine import batch

    context = batch._worker_context()
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        asked = "'grievance_rules.engine.batch' in __import__('sys').modules"
        print(context.get_start_method(), pool.submit(eval, asked).result())
    stop.set()
"""


@pytest.mark.skipif(
    "forkserver" not in multiprocessing.get_all_start_methods(), reason="no fork server here"
)
def test_a_fork_server_imports_the_engine_before_it_starts_a_worker() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", _FORKSERVER_PRELOAD], capture_output=True, text=True, check=True
    )
    assert ran.stdout.split() == ["forkserver", "True"]


# In a fresh process: pyarrow's pools, started by writing and reading a Parquet file, are
# native threads threading does not see. Forking past them is what Python 3.12 and later
# warn of (a DeprecationWarning, counted here: os.fork drops it when it is made an
# error); the workers come from a fork server.
_AFTER_PARQUET = """
import sys, warnings
from grievance_rules.engine import batch, evaluate_many
from grievance_rules.samples import generate_lines

if __name__ == "__main__":
    before = batch._worker_context().get_start_method()
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"a": [1, 2]}), sys.argv[1])
    pq.read_table(sys.argv[1])
    after = batch._worker_context().get_start_method()
    lines = list(generate_lines(40, seed=4))
    here = [r.to_json() for r in evaluate_many(lines, "daye")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        there = [r.to_json() for r in evaluate_many(lines, "daye", processes=2, chunk_size=8)]
    forks = [w for w in caught if "fork" in str(w.message)]
    print(before, after, there == here, len(here), len(forks))
"""


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork"
    or "forkserver" not in multiprocessing.get_all_start_methods()
    or not sys.platform.startswith("linux"),
    reason="the platform does not fork by default, or does not count a process's threads",
)
def test_workers_are_not_forked_past_the_threads_pyarrow_started(tmp_path) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", _AFTER_PARQUET, str(tmp_path / "t.parquet")],
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["fork", "forkserver", "True", "40", "0"]


def test_a_batch_result_is_still_built_as_before(demo) -> None:
    assessment = evaluate(make_order(dispatched("2024-05-06T09:30")), demo)
    result = BatchResult(3, assessment=assessment)
    assert (result.position, result.assessment, result.rejection) == (3, assessment, None)
    assert result.to_json() == assessment.model_dump_json().encode()
    assert BatchResult(4).assessment is None
    assert BatchResult(4).to_json() is None
    with pytest.raises(AttributeError):
        result.position = 5  # type: ignore[misc]


# --- the chunks sent to worker processes ---------------------------------------------


def test_worker_chunks_shrink_towards_the_end_of_a_known_number_of_inputs() -> None:
    from grievance_rules.engine.batch import _worker_chunks

    sizes = [len(chunk) for chunk in _worker_chunks(list(range(12_000)), None, 2)]
    # worked by hand: 256 while a quarter of a worker's share of what remains
    # (remaining // 8) is 256 or more, i.e. while 2,048 or more remain after a chunk
    assert sizes[:3] == [256, 256, 256]
    full = 0
    remaining = 12_000
    while remaining // 8 >= 256:
        remaining -= 256
        full += 1
    assert sizes[:full] == [256] * full
    assert sizes[full] < 256
    assert sizes[-2] == 64  # the last chunks at the smallest size, the very last what is left
    assert 0 < sizes[-1] <= 64
    assert sum(sizes) == 12_000


def test_a_stream_of_unknown_length_is_cut_as_a_list_is() -> None:
    from grievance_rules.engine.batch import _worker_chunks

    # 1,000 orders read from a file (a generator): by hand, a quarter of a worker's
    # share of what remains (remaining // 8), between 64 and 256: 1000 // 8 = 125,
    # 875 // 8 = 109, 766 // 8 = 95, 671 // 8 = 83, 588 // 8 = 73, then 64s and 11
    lines = (f"o{i}" for i in range(1_000))
    sizes = [len(chunk) for chunk in _worker_chunks(lines, None, 2)]
    assert sizes == [125, 109, 95, 83, 73, *[64] * 8, 3]
    assert sizes == [len(c) for c in _worker_chunks([f"o{i}" for i in range(1_000)], None, 2)]


def test_reading_ahead_is_bounded() -> None:
    from grievance_rules.engine.batch import WORKER_CHUNK_SIZE, _worker_chunks

    read = 0

    def counted():
        nonlocal read
        for i in range(100_000):
            read += 1
            yield i

    chunks = _worker_chunks(counted(), None, 2)
    first = next(chunks)
    assert len(first) == WORKER_CHUNK_SIZE
    assert read == 4 * 2 * WORKER_CHUNK_SIZE  # 2,048 read ahead, not the whole stream


def test_worker_chunks_of_a_given_size() -> None:
    from grievance_rules.engine.batch import _worker_chunks

    assert [len(c) for c in _worker_chunks(list(range(10)), 3, 2)] == [3, 3, 3, 1]


@given(
    st.integers(min_value=0, max_value=5_000),
    st.integers(min_value=2, max_value=8),
    st.booleans(),
)
@settings(max_examples=60, deadline=None, database=None)
def test_worker_chunks_send_every_input_once_in_order(
    count: int, processes: int, streamed: bool
) -> None:
    from grievance_rules.engine.batch import (
        SMALLEST_WORKER_CHUNK,
        WORKER_CHUNK_SIZE,
        _worker_chunks,
    )

    inputs = [f"o{i}" for i in range(count)]
    chunks = list(_worker_chunks(iter(inputs) if streamed else inputs, None, processes))
    sent = [pair for chunk in chunks for pair in chunk]
    assert sent == [(i, f"o{i}") for i in range(count)]
    assert all(0 < len(chunk) <= WORKER_CHUNK_SIZE for chunk in chunks)
    assert all(len(chunk) >= SMALLEST_WORKER_CHUNK for chunk in chunks[:-1])
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[:-1] == sorted(sizes[:-1], reverse=True)  # never larger again
