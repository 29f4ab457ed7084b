"""DuplicateIds: the compact memory of the ids a batch has seen, against a plain dict."""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.engine.duplicates import DuplicateIds, Duplicates
from grievance_rules.i18n import language


class ReferenceIds:
    """DuplicateIds as it was written before it was made compact: a dict of strings."""

    def __init__(self, duplicates: Duplicates, last: dict[str, int] | None = None) -> None:
        self.duplicates = duplicates
        self.last = last or {}
        self.first: dict[str, str] = {}

    def reason(self, order_id: str, position: int, where: str) -> str | None:
        if self.duplicates == "allow":
            return None
        later = self.last.get(order_id, position) if self.duplicates == "last" else position
        if later != position:
            return f"id: order id {order_id!r} replaced by a later input (#{later})"
        if order_id in self.first:
            return f"id: duplicate order id {order_id!r} (first at {self.first[order_id]})"
        self.first[order_id] = where
        return None


# --- examples worked out by hand ------------------------------------------------------


def test_reject_names_the_first_record() -> None:
    seen = DuplicateIds("reject")
    assert seen.reason("A", 0, "#0") is None
    assert seen.reason("B", 1, "#1") is None
    assert seen.reason("A", 2, "#2") == "id: duplicate order id 'A' (first at #0)"
    # a third record still names the first, not the second
    assert seen.reason("A", 3, "#3") == "id: duplicate order id 'A' (first at #0)"
    assert seen.reason("B", 4, "#4") == "id: duplicate order id 'B' (first at #1)"
    assert len(seen) == 2


def test_reject_keeps_reader_labels_exactly() -> None:
    seen = DuplicateIds("reject")
    labels = {
        "a": "orders.jsonl:17",
        "b": "x:007",  # leading zeros: kept whole
        "c": "no-digits",
        "d": "",
        "e": "#0",
        "f": "0",
        "g": "00",
        "h": "12345",
        "i": "part-2024/orders.jsonl:9223372036854775807",  # beyond 48 bits: whole
        "j": "x:99999999999999999999999999",  # beyond int64: whole
        "k": "行:3",
        "l": "line ٣",  # an Arabic-Indic digit is no decimal digit here
        "m": "x:281474976710655",  # 2**48 - 1: the largest number kept in the word
        "n": "x:281474976710656",  # 2**48: whole
        "o": "7\n",
    }
    for position, (order_id, where) in enumerate(labels.items()):
        assert seen.reason(order_id, position, where) is None
    for position, (order_id, where) in enumerate(labels.items(), start=100):
        assert seen.reason(order_id, position, "#later") == (
            f"id: duplicate order id {order_id!r} (first at {where})"
        )
        assert seen.first_at(order_id) == where


def test_non_ascii_and_surrogate_ids() -> None:
    seen = DuplicateIds("reject")
    assert seen.reason("工单-1", 0, "orders.jsonl:1") is None
    assert seen.reason("工单-2", 1, "orders.jsonl:2") is None
    assert seen.reason("\ud800", 2, "#2") is None  # JSON allows a lone surrogate
    assert seen.reason("\U0001f600", 3, "#3") is None  # not the same as a surrogate pair:
    assert seen.reason("\ud83d\ude00", 4, "#4") is None
    assert (
        seen.reason("工单-1", 5, "#5")
        == "id: duplicate order id '工单-1' (first at orders.jsonl:1)"
    )
    assert seen.reason("\ud800", 6, "#6") == "id: duplicate order id '\\ud800' (first at #2)"
    assert seen.reason("\ud83d\ude00", 7, "#7") == (
        "id: duplicate order id '\\ud83d\\ude00' (first at #4)"
    )
    assert "工单-2" in seen
    assert "工单-3" not in seen
    assert 7 not in seen


def test_last_rejects_the_earlier_records_as_replaced() -> None:
    # inputs A B A C A: the last A is at 4
    seen = DuplicateIds("last", {"A": 4, "B": 1, "C": 3})
    assert seen.reason("A", 0, "#0") == "id: order id 'A' replaced by a later input (#4)"
    assert seen.reason("B", 1, "#1") is None
    assert seen.reason("A", 2, "#2") == "id: order id 'A' replaced by a later input (#4)"
    assert seen.reason("C", 3, "#3") is None
    assert seen.reason("A", 4, "#4") is None
    # an id the first pass did not see is judged as with reject
    assert seen.reason("D", 5, "#5") is None
    assert seen.reason("D", 6, "#6") == "id: duplicate order id 'D' (first at #5)"
    assert seen.first_at("A") == "#4"
    assert len(seen) == 4


def test_allow_keeps_nothing() -> None:
    seen = DuplicateIds("allow")
    assert [seen.reason("A", n, f"#{n}") for n in range(3)] == [None, None, None]
    assert len(seen) == 0
    assert seen.first_at("A") is None


def test_messages_are_translated() -> None:
    seen = DuplicateIds("reject")
    seen.reason("A", 0, "orders.jsonl:3")
    with language("zh"):
        assert seen.reason("A", 1, "#1") == "id：工单编号 'A' 重复（首次出现于 orders.jsonl:3）"


def test_a_copy_or_pickle_goes_on_apart() -> None:
    seen = DuplicateIds("reject", capacity=1, chunk=2)
    for position in range(5):
        seen.reason(f"O{position}", position, f"#{position}")
    for other in (copy.deepcopy(seen), pickle.loads(pickle.dumps(seen))):
        assert other.reason("O3", 9, "#9") == "id: duplicate order id 'O3' (first at #3)"
        assert [other.reason(f"N{n}", 10 + n, f"#{10 + n}") for n in range(20)] == [None] * 20
        assert other.first_at("N19") == "#29"
        assert len(other) == 25
    assert len(seen) == 5  # the original did not see the copies' ids
    assert seen.first_at("N0") is None
    assert seen.reason("N0", 30, "#30") is None


@pytest.mark.parametrize("bad", [0, -4, 1.5, True, "8"])
def test_bad_sizes_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="capacity must be a positive integer"):
        DuplicateIds("reject", capacity=bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="chunk must be a positive integer"):
        DuplicateIds("reject", chunk=bad)  # type: ignore[arg-type]


def test_many_resizes_keep_every_earlier_id() -> None:
    seen = DuplicateIds("reject", capacity=1, chunk=8)
    ids = [f"CD-{n:06d}" for n in range(5000)]
    sizes = set()
    for position, order_id in enumerate(ids):
        assert seen.reason(order_id, position, f"orders.jsonl:{position + 1}") is None
        sizes.add(seen._mask + 1)
        if position % 997 == 0:  # every earlier id still found, at each size on the way
            assert all(seen.first_at(ids[n]) == f"orders.jsonl:{n + 1}" for n in range(position))
    assert len(sizes) >= 12  # 2, 4, ..., 16384: the table doubled at least 11 times
    assert len(seen) == 5000
    for position, order_id in enumerate(ids):
        assert seen.reason(order_id, 5000 + position, "#x") == (
            f"id: duplicate order id {order_id!r} (first at orders.jsonl:{position + 1})"
        )
    assert "CD-005000" not in seen
    assert len(seen) == 5000


def test_more_than_one_full_chunk_at_the_default_sizes() -> None:
    seen = DuplicateIds("reject")
    count = 70_000  # beyond the first 65,536-entry chunk
    for position in range(count):
        assert seen.reason(f"O{position}", position, f"#{position}") is None
    assert [seen.first_at(f"O{n}") for n in (0, 65_535, 65_536, count - 1)] == [
        "#0",
        "#65535",
        "#65536",
        f"#{count - 1}",
    ]
    assert seen.first_at(f"O{count}") is None


def test_prefixes_beyond_the_prefix_numbers_are_kept_whole() -> None:
    seen = DuplicateIds("reject", capacity=1 << 18)
    count = 0xFFFF + 10  # more distinct prefixes than the 16-bit prefix numbers
    for n in range(count):
        assert seen.reason(f"O{n}", n, f"file{n}.jsonl:1") is None
    assert seen.first_at("O0") == "file0.jsonl:1"
    assert seen.first_at(f"O{count - 1}") == f"file{count - 1}.jsonl:1"
    assert seen.reason(f"O{count - 5}", count, "#x") == (
        f"id: duplicate order id 'O{count - 5}' (first at file{count - 5}.jsonl:1)"
    )


# --- property: the same reasons as the dict -------------------------------------------

_labels = st.one_of(
    st.integers(0, 10**6).map(lambda n: f"#{n}"),
    st.integers(0, 10**6).map(lambda n: f"orders.jsonl:{n}"),
    st.tuples(st.sampled_from(["", "a:", "x:0", "行"]), st.integers(0, 2**70)).map(
        lambda t: f"{t[0]}{t[1]}"
    ),
    st.text(max_size=8),
)
_ids = st.one_of(
    st.sampled_from(["A", "B", "工单-1", "工单-2", "", "\ud800"]),
    st.integers(0, 400).map(lambda n: f"CD-{n}"),
    st.text(max_size=6),
)


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(st.tuples(_ids, _labels), max_size=300),
    duplicates=st.sampled_from(["reject", "last", "allow"]),
    capacity=st.sampled_from([1, 2, 4, 16]),
    chunk=st.sampled_from([1, 2, 8, 1 << 16]),
)
def test_same_reasons_as_a_dict(
    records: list[tuple[str, str]], duplicates: Duplicates, capacity: int, chunk: int
) -> None:
    last = {order_id: position for position, (order_id, _) in enumerate(records)}
    expected = ReferenceIds(duplicates, last)
    seen = DuplicateIds(duplicates, last, capacity=capacity, chunk=chunk)
    for position, (order_id, where) in enumerate(records):
        assert seen.reason(order_id, position, where) == expected.reason(order_id, position, where)
    assert len(seen) == len(expected.first)
    for order_id, where in expected.first.items():
        assert seen.first_at(order_id) == where


@settings(max_examples=25, deadline=None)
@given(
    count=st.integers(300, 3000),
    capacity=st.sampled_from([1, 2, 8]),
    chunk=st.sampled_from([1, 4, 64]),
    repeat=st.integers(1, 7),
)
def test_growth_past_many_resizes_matches_a_dict(
    count: int, capacity: int, chunk: int, repeat: int
) -> None:
    # ids repeat every `repeat`-th record, so duplicates are met at every table size
    expected = ReferenceIds("reject")
    seen = DuplicateIds("reject", capacity=capacity, chunk=chunk)
    for position in range(count):
        order_id = f"O{position // repeat}"
        where = f"orders.jsonl:{position + 2}"
        assert seen.reason(order_id, position, where) == expected.reason(order_id, position, where)
    assert len(seen) == len(expected.first)


def test_an_unknown_duplicates_value_is_refused_not_taken_for_reject():
    # "keep_last" used to behave as "reject": the second record of A1 was rejected
    # and the first assessed, the opposite of what was asked, without a word
    from grievance_rules.engine import evaluate_many
    from grievance_rules.errors import EngineError
    from grievance_rules.scoring import score

    first = {
        "id": "A1",
        "channel": "12345",
        "category": "投诉",
        "received_at": "2024-05-06T09:00:00+08:00",
    }
    second = {**first, "received_at": "2024-05-07T09:00:00+08:00"}
    message = "unknown duplicates 'keep_last'; one of: reject, last, allow"
    for call in [
        lambda: DuplicateIds("keep_last"),  # type: ignore[arg-type]
        lambda: list(evaluate_many([first, second], "daye", duplicates="keep_last")),  # type: ignore[arg-type]
        lambda: score([first, second], "daye", duplicates="keep_last", path="per-order"),  # type: ignore[arg-type]
        lambda: score([first, second], "daye", duplicates="keep_last", path="columnar"),  # type: ignore[arg-type]
    ]:
        with pytest.raises(EngineError) as caught:
            call()
        assert str(caught.value) == message
    results = list(evaluate_many([first, second], "daye", duplicates="last"))
    assert [r.rejection is None for r in results] == [False, True]
