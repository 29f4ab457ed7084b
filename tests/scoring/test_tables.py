"""The columnar path of scoring gives the per-order scorecards and comparisons, byte for byte.

The per-order path (each order's :class:`Assessment` folded in) is the reference:
every test here scores or compares the same inputs both ways and compares the JSON.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from grievance_rules.calendar import SHANGHAI as SHANGHAI_ZONE
from grievance_rules.columnar.findings import FindingRows
from grievance_rules.columnar.frame import frame_of
from grievance_rules.engine import Rejection, RepeatIndex
from grievance_rules.engine.matching import view_of
from grievance_rules.model.handling import excluded_from_assessment
from grievance_rules.packs import load_pack
from grievance_rules.samples import generate_lines
from grievance_rules.scoring import compare, score, tables, what_if
from grievance_rules.scoring.comparison import (
    _NONE,
    DivergenceTally,
    _diverging,
    judged_divergences,
    row_divergences,
)
from grievance_rules.scoring.folds import add_to_book
from grievance_rules.scoring.merge import compare_partial, score_partial
from grievance_rules.scoring.rates import outcome_of
from grievance_rules.scoring.scorecard import ScoreBook
from grievance_rules.scoring.stream import resolve_packs
from grievance_rules.scoring.tables import (
    COLUMNAR_FROM,
    _engine_order,
    _pack_rows,
    choose_path,
    table_stream,
)
from grievance_rules.testing.strategies import work_orders

ROOT = Path(__file__).resolve().parents[2]
PACKS = ("chengdong", "xiayang", "daye")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _shifted(line: str, year: int) -> str:
    """An order moved to another year (outside the calendar, or its deadline before receipt)."""
    order = json.loads(line)
    order["received_at"] = f"{year}{order['received_at'][4:]}"
    for event in order["events"]:
        event["at"] = f"{year}{event['at'][4:]}"
    return json.dumps(order, ensure_ascii=False)


def _mixed_inputs() -> list[str]:
    """400 generated orders as JSON lines, with bad records of every kind among them."""
    lines = list(generate_lines(400, seed=29))
    lines[4] = _shifted(lines[4], 1985)  # outside the calendar: fails inside the engine
    lines[7] = _shifted(lines[7], 2090)  # reply deadline before receipt: the history check
    lines[9] = lines[3]  # a second record of an id
    lines[11] = "{not json"
    broken = json.loads(lines[13])
    del broken["channel"]
    lines[13] = json.dumps(broken, ensure_ascii=False)
    lines[250] = lines[200]
    return lines


INPUTS = _mixed_inputs()


def _both(function, *args, **kwargs) -> tuple[str, str]:
    per_order = function(*args, path="per-order", **kwargs).model_dump_json()
    columnar = function(*args, path="columnar", **kwargs).model_dump_json()
    return per_order, columnar


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 37 orders, so the inputs cross many batch edges."""
    monkeypatch.setattr(tables, "BATCH_SIZE", 37)


@pytest.mark.parametrize("pack", PACKS)
@pytest.mark.parametrize("period", ["month", "week", "quarter"])
def test_scorecards_are_the_same_bytes_both_ways(pack, period, small_batches):
    per_order, columnar = _both(score, INPUTS, pack, period=period)
    assert columnar == per_order
    card = json.loads(columnar)
    assert card["inputs"] == 400
    assert card["rejected"] >= 5  # the bad records were rejected, not lost
    assert card["assessed"] + card["excluded"] + card["rejected"] == card["inputs"]
    # orders in no unit's row (answered online ...) are among them, compared too
    unattributed = card["unattributed"]
    assert unattributed["orders"] > 0
    assert sum(row["orders"] for row in card["rows"]) + unattributed["orders"] == card["assessed"]
    assert sum(p["orders"] for p in unattributed["periods"]) == unattributed["orders"]


@pytest.mark.parametrize("pack", PACKS)
def test_scorecards_at_one_instant_with_repeats(pack, small_batches):
    as_of = dt.datetime(2025, 3, 15, 12, tzinfo=SHANGHAI)
    repeats = RepeatIndex.from_inputs(INPUTS)
    per_order, columnar = _both(score, INPUTS, pack, as_of=as_of, repeats=repeats)
    assert columnar == per_order


def test_pack_directories_score_the_same_both_ways(small_batches):
    for pack in (
        load_pack(ROOT / "docs" / "example-pack"),
        load_pack(ROOT / "tests" / "engine" / "packs" / "demo"),
    ):
        per_order, columnar = _both(score, INPUTS, pack)
        assert columnar == per_order


def test_comparisons_are_the_same_bytes_both_ways(small_batches):
    per_order, columnar = _both(compare, INPUTS, list(PACKS), examples=7)
    assert columnar == per_order
    result = json.loads(columnar)
    assert result["orders_diverging"] > 0
    assert len(result["examples"]) == 7
    assert result["assessed"] + result["rejected"] == result["inputs"] == 400


def test_comparison_at_one_instant_keeping_the_last_of_each_id(small_batches):
    as_of = dt.datetime(2025, 6, 1, tzinfo=SHANGHAI)
    per_order, columnar = _both(
        compare, INPUTS, ["daye", "xiayang"], as_of=as_of, duplicates="last", period="week"
    )
    assert columnar == per_order
    reasons = [r["reasons"] for r in json.loads(columnar)["rejections"]]
    first = json.loads(INPUTS[3])["id"]
    assert [f"id: order id '{first}' replaced by a later input (#9)"] in reasons


def test_what_if_is_the_same_both_ways(small_batches):
    per_order, columnar = _both(
        what_if, INPUTS, "xiayang", {"return_window": "1 working day"}, examples=3
    )
    assert columnar == per_order


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(orders=st.lists(work_orders(), min_size=1, max_size=6), pack=st.sampled_from(PACKS))
def test_hypothesis_orders_score_the_same_both_ways(orders, pack):
    per_order, columnar = _both(score, orders, pack, duplicates="allow")
    assert columnar == per_order
    card = json.loads(columnar)
    in_rows = sum(row["orders"] for row in card["rows"])
    assert in_rows + card["unattributed"]["orders"] == card["assessed"]
    excluded_in_rows = sum(row["excluded"] for row in card["rows"])
    assert excluded_in_rows + card["unattributed"]["excluded"] == card["excluded"]


def test_each_input_comes_out_once_in_input_order(small_batches):
    out = list(table_stream(INPUTS, [load_pack(ROOT / "policies" / "daye")]))
    assert len(out) == len(INPUTS)
    sources = [getattr(entry, "source", None) for entry in out]
    assert sources[11] == "#11"  # the line that is not JSON, rejected where it stood
    positions = [entry.position for entry in out if hasattr(entry, "position")]
    assert positions == sorted(positions)


def test_auto_takes_the_columnar_path_from_the_threshold_on():
    small = INPUTS[:10]
    assert choose_path(small, "auto", "native", 1)[0] == "per-order"
    big = INPUTS * (COLUMNAR_FROM // len(INPUTS) + 1)
    assert choose_path(big, "auto", "native", 1)[0] == "columnar"
    assert choose_path(big, "auto", "durable", 1)[0] == "per-order"
    assert choose_path(big, "auto", "native", 2)[0] == "per-order"


def test_auto_on_a_stream_keeps_every_input():
    big = INPUTS * (COLUMNAR_FROM // len(INPUTS) + 1)
    chosen, items = choose_path(iter(big), "auto", "native", 1)
    assert chosen == "columnar"
    assert list(items) == big
    chosen, items = choose_path(iter(INPUTS), "auto", "native", 1)
    assert chosen == "per-order"
    assert list(items) == INPUTS


def test_the_columnar_path_refuses_what_it_cannot_do():
    with pytest.raises(ValueError, match="durable"):
        choose_path(INPUTS, "columnar", "durable", 1)
    with pytest.raises(ValueError, match="Dask"):
        choose_path(INPUTS, "columnar", "native", 2)
    with pytest.raises(ValueError, match="unknown path"):
        choose_path(INPUTS, "fast", "native", 1)  # type: ignore[arg-type]


@settings(max_examples=15, deadline=None, database=None)
@given(
    size=st.integers(1, 60),
    start=st.integers(0, 300),
    pack=st.sampled_from(PACKS),
    duplicates=st.sampled_from(["reject", "last"]),
)
def test_any_batch_size_gives_the_same_scorecard(size, start, pack, duplicates):
    """Where the batches are cut changes nothing: a property over batch sizes and windows."""
    inputs = INPUTS[start : start + 100]
    reference = score(inputs, pack, path="per-order", duplicates=duplicates).model_dump_json()
    loaded = load_pack(ROOT / "policies" / pack)
    book = ScoreBook(loaded, period="month")
    for entry in table_stream(inputs, [loaded], batch_size=size, duplicates=duplicates):
        if isinstance(entry, Rejection):
            book.reject(entry)
        else:
            add_to_book(book, entry, entry.findings[0])
    assert book.scorecard().model_dump_json() == reference


@pytest.mark.parametrize("size", [1, 5, 64])
def test_an_order_the_engine_failed_does_not_make_its_id_seen(size):
    """A record the engine fails is rejected for that, and its id is not taken by it.

    A later record of the same id is then the id's first judged record, not a duplicate,
    on both paths and wherever the batches are cut (the batch's ids are checked at once,
    for the orders the engine judged only).
    """
    lines = list(INPUTS[:60])
    good = list(generate_lines(400, seed=29))[4]  # line 4 as generated
    assert json.loads(good)["id"] == json.loads(lines[4])["id"]
    lines.append(good)  # the same id as line 4 (in 1985: the engine fails it), valid
    lines.append(good)  # and once more: now a duplicate of the record before
    loaded = load_pack(ROOT / "policies" / "chengdong")
    entries = list(table_stream(lines, [loaded], batch_size=size))
    assert len(entries) == len(lines)
    failed, later, again = entries[4], entries[-2], entries[-1]
    assert isinstance(failed, Rejection)
    assert "is outside the calendar 'china'" in failed.reasons[0]
    assert not isinstance(later, Rejection)
    assert isinstance(again, Rejection)
    assert again.reasons == (
        f"id: duplicate order id {json.loads(good)['id']!r} (first at #{len(lines) - 2})",
    )
    per_order, columnar = _both(score, lines, "chengdong")
    assert columnar == per_order


def test_what_the_batch_finds_for_the_fold_is_what_each_orders_rows_say():
    """The fold's inputs found for a whole batch from the columns equal those of the rows.

    The rows are the reference: the on-time flags are those ``outcome_of`` finds from the
    clock rows, the tally entries count as the rows would (``add_to_book`` without them),
    and the signature is each row's kind, rule and state (points for a deduction; a
    clock's warning level with its state).
    """
    packs = [load_pack(ROOT / "policies" / name) for name in PACKS]
    by_entries = [ScoreBook(pack, period="week") for pack in packs]
    by_rows = [ScoreBook(pack, period="week") for pack in packs]
    seen = 0
    for entry in table_stream(INPUTS, packs, batch_size=37):
        if isinstance(entry, Rejection):
            continue
        # the batch holding the order outside the calendar (#4) is judged per order:
        # its entries have rows only, and are folded from them
        batched = entry.received_on is not None
        seen += batched
        if batched:
            assert entry.received_on == entry.order.received_at.astimezone(SHANGHAI).date()
        for pack, found, book, reference in zip(
            packs, entry.findings, by_entries, by_rows, strict=True
        ):
            assert all(row[3] != "record" for row in found.rows)
            clocks = [(row[2], row[6], row[5]) for row in found.rows if row[3] == "clock"]
            outcome = outcome_of(
                entry.order, entry.facts, excluded=found.excluded, clocks=clocks, pack=pack
            )
            assert add_to_book(book, entry, found) == outcome
            bare = tables.OrderRows(found.rows, found.excluded)  # the rows alone
            assert add_to_book(reference, entry, bare) == outcome
            if not batched:
                assert (found.signature, found.on_time, found.counted) == (None, None, None)
                continue
            # (a clock's warning level with its state: running (yellow))
            assert found.signature == tuple(
                (
                    r[3],
                    r[2],
                    r[12]
                    if r[3] == "deduction"
                    else f"{r[6]} ({r[10]})"
                    if r[3] == "clock" and r[10]
                    else r[6],
                )
                for r in found.rows
            )
            expected = (
                outcome.sign_off_on_time,
                outcome.first_contact_on_time,
                outcome.completed_on_time,
            )
            assert found.on_time == expected
            assert found.counted is not None
            assert [unit for _key, (_day, unit), _points in found.counted] == [
                row[5] for row in found.rows if row[5]
            ]
    assert seen > 300
    for book, reference in zip(by_entries, by_rows, strict=True):
        assert book.tally.counts == reference.tally.counts
        assert book.tally.points == reference.tally.points
        assert book.scorecard().model_dump_json() == reference.scorecard().model_dump_json()


def test_divergences_found_once_per_signature_are_those_of_each_order():
    packs = [load_pack(ROOT / "policies" / name) for name in PACKS]
    tally: DivergenceTally[str] = DivergenceTally(3)
    orders = 0
    for entry in table_stream(list(generate_lines(400, seed=29)), packs):
        if isinstance(entry, Rejection):
            continue
        orders += 1
        tally.add(entry, packs, None, None, entry.order.id)
        cached = judged_divergences(entry, packs, None, None, tally._known)[0]
        assert cached == row_divergences(packs, entry)  # found anew, no cache
    assert tally._known is not None
    assert 0 < len(tally._known.seen) < orders  # orders shared signatures


def _diverging_reference(outcomes):
    """The divergences as first written: every key's pattern, kept where the packs differ."""
    keys = sorted({key for outcome in outcomes for key in outcome})
    patterns = [(key, tuple(outcome.get(key, _NONE) for outcome in outcomes)) for key in keys]
    return [(key[0], key[1], p) for key, p in patterns if len(set(p)) > 1]


_OUTCOME_KEYS = st.tuples(st.sampled_from(["clock", "deduction", "window"]), st.sampled_from("abc"))
_OUTCOME_VALUES = st.sampled_from(["met", "breached", "-1", "0", _NONE, "met, breached"])


@given(st.lists(st.dictionaries(_OUTCOME_KEYS, _OUTCOME_VALUES, max_size=5), max_size=4))
def test_divergences_compared_key_by_key_are_those_of_every_pattern(outcomes):
    # (_NONE is also what a pack without the key shows: alike, no divergence)
    assert _diverging(outcomes) == _diverging_reference(outcomes)


def test_scoring_calls_fold_with_the_collector_paused_and_restore_it(collector, monkeypatch):
    """score, compare and the partial ones fold with the collector off, and turn it back on."""
    gc.enable()
    lines = list(generate_lines(60, seed=3))
    during: list[bool] = []

    def progress(_n: int) -> None:
        during.append(gc.isenabled())

    score(lines, "daye", path="columnar", progress=progress)
    assert gc.isenabled()
    compare(lines, ["daye", "xiayang"], path="columnar", progress=progress)
    assert gc.isenabled()
    assert during == [False] * 120
    score_partial(lines, "daye", path="columnar")
    compare_partial(lines, ["daye", "xiayang"], path="columnar")
    assert gc.isenabled()

    def fails(_n: int) -> None:
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        compare(lines, ["daye", "xiayang"], path="columnar", progress=fails)
    assert gc.isenabled()
    gc.disable()  # a collector the caller paused stays paused
    score(lines, "daye", path="columnar")
    assert not gc.isenabled()


@pytest.mark.parametrize("call", ["score", "compare", "score_partial", "compare_partial"])
def test_a_stream_is_read_with_the_collector_paused_also_while_auto_chooses_the_path(
    collector, call
):
    """On ``auto`` the first inputs of a stream are read to choose the path: inside the fold."""
    gc.enable()
    lines = list(generate_lines(tables.COLUMNAR_FROM + 20, seed=5))
    pulled: list[bool] = []

    def stream():
        for line in lines:
            pulled.append(gc.isenabled())
            yield line

    calls = {
        "score": lambda: score(stream(), "daye"),
        "compare": lambda: compare(stream(), ["daye", "xiayang"]),
        "score_partial": lambda: score_partial(stream(), "daye"),
        "compare_partial": lambda: compare_partial(stream(), ["daye", "xiayang"]),
    }
    calls[call]()
    assert len(pulled) == len(lines)
    assert not any(pulled)  # none read while the collector could run
    assert gc.isenabled()


@pytest.mark.parametrize("judge", ["judge_stream", "judge_batches"])
def test_nothing_is_read_before_the_first_next(judge):
    lines = list(generate_lines(tables.COLUMNAR_FROM + 20, seed=5))
    pulled: list[int] = []

    def stream():
        for k, line in enumerate(lines):
            pulled.append(k)
            yield line

    judged = getattr(tables, judge)(stream(), resolve_packs(["daye"]))
    assert pulled == []  # the path (auto) is not chosen yet
    next(judged)
    assert len(pulled) >= tables.COLUMNAR_FROM  # auto read the first inputs to choose
    list(judged)
    assert pulled == list(range(len(lines)))


def test_folding_collects_every_so_many_inputs_unless_the_caller_paused_it(collector, monkeypatch):
    monkeypatch.setattr(tables, "FOLD_COLLECT_EVERY", 25)
    passes: list[int] = []
    monkeypatch.setattr(tables.gc, "collect", lambda *a: passes.append(1) or 0)
    gc.enable()
    score(list(generate_lines(60, seed=3)), "daye", path="columnar")
    assert len(passes) == 2  # after the 25th and the 50th input
    gc.disable()
    score(list(generate_lines(60, seed=3)), "daye", path="columnar")
    assert len(passes) == 2


def test_a_readers_checked_history_is_not_checked_again(tmp_path: Path, history_checks):
    # a return decided with no return request is an error-severity history issue
    # (return_decided_without_request): the reader rejects it; an Accepted made by
    # hand holding it is checked here and rejected the same way
    from grievance_rules.model import WorkOrder
    from grievance_rules.reading import Accepted, iter_orders
    from grievance_rules.reading.results import SourceLocation

    record = {
        "id": "H-1", "channel": "app", "category": "求助",
        "received_at": "2024-05-06T09:00:00+08:00",
        "events": [{"type": "return_decided", "at": "2024-05-06T10:00:00+08:00",
                    "decision": "refused"}],
    }  # fmt: skip
    good = dict(record, id="H-2", events=[])
    path = tmp_path / "orders.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    read = list(iter_orders(path))
    assert [type(r).__name__ for r in read] == ["Rejected", "Accepted"]
    assert read[1].history_checked
    import grievance_rules.engine.batch as engine_batch

    checked = history_checks(engine_batch)  # where each input is checked (ready_input)
    by_hand = Accepted(SourceLocation("by hand", 1), WorkOrder.model_validate(record))
    assert not by_hand.history_checked
    (entry,) = table_stream([by_hand], [load_pack(ROOT / "policies" / "chengdong")])
    assert isinstance(entry, Rejection)
    assert "return_decided_without_request" in entry.reasons[0]
    (tabled,) = table_stream([read[1]], [load_pack(ROOT / "policies" / "chengdong")])
    assert not isinstance(tabled, Rejection)
    assert checked == ["H-1"]  # the hand-made record's history only


def _to_summer_1990_nights(line: str) -> str:
    """An order moved back 34 years of weeks and 10 hours: into 1990, its day events at night.

    Shanghai kept summer time (UTC+9) in 1990 from 15 April to 16 September, so an event
    between 00:00 and 01:00 local time falls on the day before at UTC+8.
    """
    back = dt.timedelta(weeks=52 * 34, hours=10)

    def moved(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: moved(item) for key, item in value.items()}
        if isinstance(value, list):
            return [moved(item) for item in value]
        if isinstance(value, str) and len(value) > 18 and value[4] == "-" and value[10] == "T":
            return (dt.datetime.fromisoformat(value) - back).isoformat()
        return value

    return json.dumps(moved(json.loads(line)), ensure_ascii=False)


@pytest.mark.parametrize("pack", PACKS)
def test_orders_under_shanghai_summer_time_score_the_same_both_ways(pack):
    lines = [
        _to_summer_1990_nights(line)
        for line in generate_lines(1500, seed=11, start=dt.date(2024, 1, 1), months=8)
    ]
    per_order, columnar = _both(score, lines, pack)
    assert columnar == per_order
    card = json.loads(per_order)
    assert card["assessed"] >= 50  # (the rest fall outside the working-day calendar: rejected)
    assert card["assessed"] + card["excluded"] + card["rejected"] == card["inputs"] == 1500


# -- a batch's rows under one pack, in the engine's order (_pack_rows) -----------------

_KINDS = ("clock", "window", "deduction", "escalation", "record")
_POINTS = (-1.0, -0.5, 2.0, 0.0, -0.0)  # (zeros of both signs: equal, written apart)


def _nan_free(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row with ``nan`` as a string (two nans are not equal, so rows with them neither)."""
    return tuple("nan" if isinstance(v, float) and math.isnan(v) else v for v in row)


@st.composite
def _finding_rows(draw: st.DrawFn) -> tuple[int, list[list[Any]], bool]:
    """Rows of a few orders, split into parts as kernels add them; and whether sorted."""
    n = draw(st.integers(1, 4))
    rows = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.sampled_from(_KINDS))
        rows.append(
            (
                draw(st.integers(0, n - 1)),
                "id",
                draw(st.sampled_from(["r2", "r1", "r10", "b"])),
                kind,
                draw(st.integers(0, 2)),
                draw(st.sampled_from(["", "u1", "u2"])),
                draw(st.sampled_from(["met", "breached", "running", "due", ""])),
                draw(st.sampled_from([0, 5, 86_400_000_000])),
                draw(st.sampled_from([-1, 7])),
                draw(st.sampled_from([-1, 3, 9])),
                draw(st.sampled_from(["", "yellow", "red"])) if kind == "clock" else "",
                0.5,
                draw(st.sampled_from(_POINTS)) if kind == "deduction" else math.nan,
                "columnar",
                -1,
            )
        )
    in_order = draw(st.booleans())
    if not in_order:  # (unsorted tables come grouped by order, as the per-order path makes them)
        rows.sort(key=lambda row: row[0])
    cuts = sorted(draw(st.lists(st.integers(0, len(rows)), max_size=3)))
    parts = [rows[a:b] for a, b in zip([0, *cuts], [*cuts, len(rows)], strict=True)]
    return n, parts, in_order


def _signed(row: tuple[Any, ...]) -> tuple[str, str, Any]:
    """A row's (kind, rule, outcome): a deduction's points, a clock's state (level), a state."""
    if row[3] == "deduction":
        return row[3], row[2], row[12]
    if row[3] == "clock" and row[10]:
        return row[3], row[2], f"{row[6]} ({row[10]})"
    return row[3], row[2], row[6]


def _deduction(order: int, points: float) -> tuple[Any, ...]:
    return (order, "id", "r1", "deduction", 0, "u1", "", 5, -1, -1, "", 0.5, points, "", -1)


@given(_finding_rows(), st.booleans())
@example((3, [[_deduction(0, 0.0), _deduction(1, -0.0), _deduction(2, 0.0)]], True), False)
def test_pack_rows_in_the_engines_order_with_what_the_fold_reads(
    drawn: tuple[int, list[list[Any]], bool], as_columns: bool
) -> None:
    n, parts, in_order = drawn
    findings = FindingRows()
    for k, part in enumerate(parts):
        if as_columns and k % 2 and part:
            findings.extend_columns(FindingRows(part).columns())
        else:
            findings.extend(part)
    if in_order:
        findings.sort()
    expected_rows = findings.without("record").rows  # the table's order (sorted if asked)
    timed = (frozenset({"r1"}), frozenset({"r2", "b"}), frozenset())
    found = _pack_rows(findings, n, timed, True)
    by_order: list[list[Any]] = [[] for _ in range(n)]
    for row in expected_rows:
        by_order[row[0]].append(row)
    engine = [list(_engine_order(rows)) for rows in by_order]
    assert list(map(_nan_free, found.rows)) == [_nan_free(row) for rows in engine for row in rows]
    assert found.bounds == np.cumsum([0, *map(len, engine)]).tolist()
    signatures = [tuple(map(_signed, rows)) for rows in engine]
    assert found.signatures == signatures  # (a deduction's points are never nan)
    # the distinct signatures in order of first sighting, each order's number one of them:
    # the same number, the same signature (to the sign of a zero: as written)
    assert found.numbered is not None
    distinct, numbers = found.numbered
    written = list(map(repr, signatures))
    sighted = list(dict.fromkeys(written))
    assert list(map(repr, distinct)) == sighted
    assert numbers.tolist() == [sighted.index(w) for w in written]
    assert found.columns["order"].tolist() == [row[0] for row in found.rows]
    for name, at in (("kind", 3), ("rule_id", 2), ("state", 6), ("unit", 5)):  # as numbers
        distinct = found.distinct[name]
        assert len(set(distinct)) == len(distinct)
        values = [distinct[code] for code in found.codes[name].tolist()]
        assert values == [row[at] for row in found.rows]
        for value in {row[at] for row in found.rows}:  # each value's number, from the rows
            at_rows = [k for k, row in enumerate(found.rows) if row[at] == value]
            code = found.code_of(name, value)
            assert np.flatnonzero(found.codes[name] == code).tolist() == at_rows
    assert found.code_of("kind", "no such kind") == -1  # no row's number
    assert not (found.codes["kind"] == found.code_of("kind", "no such kind")).any()
    for i in range(n):
        assert found.rows_of(i) == tuple(found.rows[found.bounds[i] : found.bounds[i + 1]])
    points = found.columns["points"].tolist()
    assert [p for p in points if not math.isnan(p)] == [
        row[12] for row in found.rows if not math.isnan(row[12])
    ]
    for topic, rule_ids in enumerate(timed):
        decided = [
            sum(r[3] == "clock" and r[2] in rule_ids and r[6] in ("met", "breached") for r in rows)
            for rows in engine
        ]
        late = [
            sum(r[3] == "clock" and r[2] in rule_ids and r[6] == "breached" for r in rows)
            for rows in engine
        ]
        assert found.decided[topic].tolist() == decided
        assert found.late[topic].tolist() == late
    assert found.entries.tolist() == [k for k, row in enumerate(found.rows) if row[5]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(work_orders(), min_size=1, max_size=4), st.integers(-2, 40))
def test_excluded_and_received_from_the_frame_as_order_by_order(
    orders: list[Any], cut: int
) -> None:
    # cut at an instant among (or around) the events, so that some excluded events are not kept
    views = []
    for order in orders:
        ats = sorted(event.at for event in order.events) or [order.received_at]
        instant = ats[min(max(cut, 0), len(ats) - 1)] + dt.timedelta(minutes=cut - 20)
        views.append(view_of(order, instant))
    frame = frame_of(orders, [view.order.received_at for view in views], views)
    expected = [
        excluded_from_assessment(order, view.kept)
        for order, view in zip(orders, views, strict=True)
    ]
    assert tables._excluded(orders, views, frame) == expected
    assert tables._excluded(orders, views, None) == expected
    received = [order.received_at.astimezone(SHANGHAI_ZONE).date() for order in orders]
    assert tables._received_on(orders, frame) == received
    assert tables._received_on(orders, None) == received
